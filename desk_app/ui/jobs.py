"""The GUI's job runner: long work and every store write run off the GUI thread (Anki's taskman +
``CollectionOp``/``QueryOp``, with ``progress.py``'s abort flag as our ``CancelToken``).

One ``JobRunner`` per main window, one worker thread. The worker opens its OWN ``DeskContext`` on
the data folder (its own SQLite connection) lazily, on the worker thread, and closes it in
``shutdown()``; the GUI thread keeps its context for reads (WAL readers never wait for a writer),
so a store locked by another process blocks the worker, never the window.

``run(fn, …)`` queues ``fn(wctx, progress, cancel)``; a second ``run`` while busy waits behind the
first. The worker never touches a widget: it emits signals that Qt queues to the GUI thread, where
``on_done(result)`` / ``on_error(exc)`` run. Without ``on_error`` a failure is shown by
``error_reporter(exc, handle)`` (a QMessageBox with ``i18n.error_text``; a cancel the person asked
for is not an error to show). ``widget()`` is the status-bar part: the title and the progress line
in the current language, a bar and a "Hủy" (Cancel) button; hidden when idle.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk_app.jobs import Cancelled, CancelToken, Progress
from desk_app.ui import i18n
from desk_app.ui.qt import (
    QCoreApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QObject,
    QProgressBar,
    QPushButton,
    Qt,
    QTimer,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

__all__ = ["JobHandle", "JobRunner", "JobStatusWidget"]

JobFn = Callable[[Any, Callable[[Progress], None], CancelToken], Any]


class JobHandle:
    """One submitted job: its state, result or error, latest progress; ``cancel()`` asks it to stop
    (a queued job then never starts)."""

    def __init__(self, fn: JobFn, *, on_done: Callable[[Any], Any] | None,
                 on_error: Callable[[BaseException], Any] | None, title_vi: str, title_en: str,
                 show_progress: bool, cancellable: bool, needs_store: bool) -> None:
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.title_vi = title_vi
        self.title_en = title_en or title_vi
        self.show_progress = show_progress
        self.cancellable = cancellable
        self.needs_store = needs_store
        self.token = CancelToken()
        self.state = "queued"                 # queued → running → done | failed
        self.result: Any = None
        self.error: BaseException | None = None
        self.progress: Progress | None = None
        self._finished = threading.Event()    # set on the worker when fn returned or raised
        self._lock = threading.Lock()
        self._progress_posted = False

    def title(self, lang: str | None = None) -> str:
        lang = lang or i18n.current_language()
        return self.title_en if lang == "en" else self.title_vi

    def cancel(self) -> bool:
        """Ask the job to stop at its next step boundary; False for a job that is not cancellable."""
        if not self.cancellable:
            return False
        self.token.cancel()
        return True

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, Cancelled)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker is done with this job (tests, shutdown); True when it is."""
        return self._finished.wait(timeout)

    def __repr__(self) -> str:
        return f"JobHandle({self.title_en!r}, {self.state})"


class JobStatusWidget(QWidget):
    """Title + progress line, a bar and the Cancel button, for the main window's status bar."""

    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("job_cancel")
        self.cancel_button.clicked.connect(self._on_cancel)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)
        self.hide()

    def _on_cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancelling…"))
        self.cancel_clicked.emit()

    def show_job(self, handle: JobHandle) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setEnabled(handle.cancellable and not handle.token.cancelled)
        self.cancel_button.setVisible(handle.cancellable)
        self.bar.setRange(0, 0)            # busy until the first event says how much
        self.set_progress(handle, handle.progress)
        self.show()

    def set_progress(self, handle: JobHandle, p: Progress | None) -> None:
        lang = i18n.current_language()
        title = handle.title(lang)
        text = p.message(lang) if p is not None else ""
        self.label.setText(f"{title} — {text}" if title and text else (title or text))
        if p is not None:
            if p.total:
                self.bar.setRange(0, p.total)
                self.bar.setValue(min(p.done, p.total))
            else:
                self.bar.setRange(0, 0)

    def idle(self) -> None:
        self.hide()
        self.label.clear()


class JobRunner(QObject):
    """One per main window; one worker thread (see the module docstring)."""

    started = Signal(str)          # the job's title, current language
    progressed = Signal(object)    # Progress
    finished = Signal()            # after on_done / on_error ran
    failed = Signal(object)        # the exception (also Cancelled), after on_error / the reporter

    # worker → GUI (queued)
    _job_started = Signal(object)
    _job_progress = Signal(object)
    _job_finished = Signal(object)

    show_delay_ms = 200            # a job shorter than this never shows the bar (no flicker)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.context_factory: Callable[[Path], Any] = _open_worker_desk
        self.error_reporter: Callable[[BaseException, JobHandle], Any] = self.show_error
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._wctx: Any = None
        self._current: JobHandle | None = None     # running on the worker (set there)
        self._shown: JobHandle | None = None       # the one the widget shows (GUI thread)
        self._pending: list[JobHandle] = []        # submitted, not yet finished (GUI thread)
        self._closed = False
        self._lock = threading.Lock()
        self._widget: JobStatusWidget | None = None
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_now)
        queued = Qt.ConnectionType.QueuedConnection
        self._job_started.connect(self._on_started, queued)
        self._job_progress.connect(self._on_progress, queued)
        self._job_finished.connect(self._on_finished, queued)

    # -- the API (GUI thread) ------------------------------------------------------------------
    def run(self, fn: JobFn, *, on_done: Callable[[Any], Any] | None = None,
            on_error: Callable[[BaseException], Any] | None = None, title_vi: str = "",
            title_en: str = "", show_progress: bool = True, cancellable: bool = True,
            needs_store: bool = True) -> JobHandle:
        """Queue ``fn(wctx, progress, cancel)`` (``wctx`` None with ``needs_store=False``)."""
        if self._closed:
            raise RuntimeError("JobRunner.run after shutdown()")
        handle = JobHandle(fn, on_done=on_done, on_error=on_error, title_vi=title_vi,
                           title_en=title_en, show_progress=show_progress,
                           cancellable=cancellable, needs_store=needs_store)
        self._pending.append(handle)
        self._ensure_worker()
        self._queue.put(handle)
        return handle

    @property
    def busy(self) -> bool:
        """A job is running or waiting."""
        return bool(self._pending)

    @property
    def current(self) -> JobHandle | None:
        return self._current

    def cancel_current(self) -> bool:
        """Ask the running job to stop (the queued ones still run)."""
        h = self._current or (self._pending[0] if self._pending else None)
        return h.cancel() if h is not None else False

    def widget(self, parent: QWidget | None = None) -> JobStatusWidget:
        if self._widget is None:
            self._widget = JobStatusWidget(parent)
            self._widget.cancel_clicked.connect(self.cancel_current)
        return self._widget

    def shutdown(self, timeout: float = 15.0) -> None:
        """Cancel what is queued or running, wait for the worker (it closes its context), then
        deliver the outstanding callbacks."""
        if self._closed:
            return
        self._closed = True
        self._show_timer.stop()
        for h in list(self._pending):
            h.cancel()
        t = self._thread
        if t is not None:
            self._queue.put(None)
            t.join(timeout)
            if t.is_alive():
                log.warning("job worker still busy after %.0f s at shutdown", timeout)
        QCoreApplication.sendPostedEvents(self, 0)

    # -- default failure reporting -------------------------------------------------------------
    def show_error(self, exc: BaseException, handle: JobHandle) -> None:
        """The clerk's message box (not modal-blocking: ``open()``). A cancel the person asked for
        is no failure: nothing is shown."""
        if isinstance(exc, Cancelled) and handle.token.cancelled:
            return
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        box = QMessageBox(QMessageBox.Icon.Warning, handle.title() or self.tr("Error"),
                          i18n.error_text(exc), QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self._last_box = box

    # -- worker thread -------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="desk-job-worker", daemon=True)
            self._thread.start()

    def _worker_context(self) -> Any:
        if self._wctx is None:
            self._wctx = self.context_factory(self.data_dir)
        return self._wctx

    def _loop(self) -> None:
        try:
            while True:
                handle = self._queue.get()
                if handle is None:
                    return
                self._run_one(handle)
        finally:
            ctx, self._wctx = self._wctx, None
            if ctx is not None:
                try:
                    ctx.close()
                except Exception:  # closing must not mask the shutdown
                    log.exception("closing the worker's desk context")

    def _run_one(self, handle: JobHandle) -> None:
        with self._lock:
            self._current = handle
        handle.state = "running"
        try:
            handle.token.raise_if_cancelled()      # cancelled while it waited in the queue
            self._job_started.emit(handle)
            wctx = self._worker_context() if handle.needs_store else None

            def progress(p: Progress) -> None:
                with handle._lock:
                    handle.progress = p
                    post = not handle._progress_posted
                    handle._progress_posted = True
                if post:                           # coalesce: one queued event at a time
                    self._job_progress.emit(handle)

            handle.result = handle.fn(wctx, progress, handle.token)
            handle.state = "done"
        except BaseException as exc:               # reported on the GUI thread, never lost
            handle.error = exc
            handle.state = "failed"
        finally:
            with self._lock:
                self._current = None
            handle._finished.set()
            self._job_finished.emit(handle)

    # -- GUI thread slots ----------------------------------------------------------------------
    def _on_started(self, handle: JobHandle) -> None:
        self._shown = handle
        self.started.emit(handle.title())
        if handle.show_progress and self._widget is not None:
            if self.show_delay_ms <= 0:
                self._show_now()
            else:
                self._show_timer.start(self.show_delay_ms)

    def _show_now(self) -> None:
        h = self._shown
        if h is not None and h.show_progress and self._widget is not None and h.state == "running":
            self._widget.show_job(h)

    def _on_progress(self, handle: JobHandle) -> None:
        with handle._lock:
            p = handle.progress
            handle._progress_posted = False
        if p is None:
            return
        if self._widget is not None and handle is self._shown and self._widget.isVisible():
            self._widget.set_progress(handle, p)
        self.progressed.emit(p)

    def _on_finished(self, handle: JobHandle) -> None:
        if handle in self._pending:
            self._pending.remove(handle)
        if handle is self._shown:
            self._shown = None
            self._show_timer.stop()
            if self._widget is not None:
                self._widget.idle()
        try:
            if handle.error is None:
                if handle.on_done is not None:
                    handle.on_done(handle.result)
            else:
                self._report(handle.error, handle)
        except Exception as exc:                   # a bug in a callback: show it, keep running
            log.exception("job callback failed")
            self.error_reporter(exc, handle)
        finally:
            # The worker thread may still hold this handle (its loop's local) until the next
            # job: drop what refers to widgets here, on the GUI thread, so the last reference to
            # a dialog is never released on the worker (a widget destroyed there crashes Qt).
            handle.fn = handle.on_done = handle.on_error = None
            if handle.error is not None:
                handle.error.__traceback__ = None
            self.finished.emit()

    def _report(self, exc: BaseException, handle: JobHandle) -> None:
        if not isinstance(exc, (Exception, Cancelled)):
            log.error("job %r ended with %s", handle, type(exc).__name__)
        if handle.on_error is not None:
            handle.on_error(exc)
        else:
            self.error_reporter(exc, handle)
        self.failed.emit(exc)


def _open_worker_desk(data_dir: Path) -> Any:
    from desk_app.services import open_desk

    return open_desk(data_dir, create=False)
