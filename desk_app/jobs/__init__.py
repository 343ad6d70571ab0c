"""The job protocol for long work (scan, batch signing, report, backup, catalog import, sync drain).

A job is a plain core function with keyword-only ``progress`` and ``cancel``::

    def some_job(ctx, ..., *, progress: ProgressFn = no_progress,
                 cancel: CancelToken | None = None) -> Result

It reports typed :class:`Progress` events and checks ``cancel.raise_if_cancelled()`` BETWEEN steps,
never inside a transaction, so a cancel leaves every committed step whole and nothing half-written.
The faces drive it: ``desk_app/cli/progress.py`` (``run_job``: Ctrl+C → cancel, a bar on a TTY,
JSON lines with ``--json``) and ``desk_app/ui/jobs.py`` (``JobRunner``: one worker thread, a
progress bar with a Cancel button). As Anki's ``taskman`` + ``progress.want_cancel()``: the job
polls a flag that the face sets; nobody kills a thread.

No Qt, no store: this module imports only ``desk_app.domain.errors``.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desk_app.domain.errors import DeskError

__all__ = [
    "CANCELLED_EN",
    "CANCELLED_VI",
    "CancelToken",
    "Cancelled",
    "Progress",
    "ProgressFn",
    "Steps",
    "no_progress",
]

CANCELLED_VI = "Đã hủy theo yêu cầu."
CANCELLED_EN = "Cancelled on request."


@dataclass(frozen=True)
class Progress:
    """One typed progress event."""

    step: str              # stable machine name, e.g. "verify.blobs", "demo.batch"
    done: int
    total: int | None      # None = unknown
    vi: str                # one line for a person
    en: str

    def message(self, lang: str = "vi") -> str:
        return self.en if lang.lower().startswith("en") else self.vi

    @property
    def fraction(self) -> float | None:
        """0.0–1.0, or None when the total is unknown (or zero)."""
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))

    def to_dict(self) -> dict[str, Any]:
        return {"event": "progress", "step": self.step, "done": self.done, "total": self.total,
                "vi": self.vi, "en": self.en}


ProgressFn = Callable[[Progress], None]


def no_progress(p: Progress) -> None:
    """The default ``progress``: drop the event."""


class Cancelled(DeskError):
    """The person (Ctrl+C, the Cancel button) asked the job to stop; it stopped between steps.

    ``details`` says how far it got (e.g. ``done``/``total``), so a face can say what was kept.
    """

    exit_code = 1

    def __init__(self, vi: str = CANCELLED_VI, en: str = CANCELLED_EN, /, **details: Any) -> None:
        super().__init__("cancelled", vi, en, **details)

    def __reduce__(self):  # picklable across processes despite the custom signature
        return (_rebuild_cancelled, (self.vi, self.en, self.details))


def _rebuild_cancelled(vi: str, en: str, details: dict) -> Cancelled:
    return Cancelled(vi, en, **details)


class CancelToken:
    """A thread-safe cancel flag (a ``threading.Event`` inside): the face sets, the job polls."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self, **details: Any) -> None:
        """Raise :class:`Cancelled` (with ``details``) when a cancel was asked for."""
        if self._event.is_set():
            raise Cancelled(**details)

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep up to ``timeout`` seconds, waking at once on a cancel; True when cancelled.
        (For a job that waits between retries: it stays cancellable while it waits.)"""
        return self._event.wait(timeout)

    def __repr__(self) -> str:
        return f"CancelToken(cancelled={self.cancelled})"


class Steps:
    """Reporting the steps of a job, checking the cancel token between them::

        steps = Steps(progress, cancel)
        for i, batch in enumerate(batches):
            steps.step("demo.batch", i * size, total, f"Đã tạo {i * size}/{total}", f"…")  # may raise
            with store.transaction(): ...
        steps.finish("demo.batch", total, total, "Xong", "Done")                            # never raises

    ``step`` is called at a step boundary: it reports the event, then raises :class:`Cancelled`
    (with ``done``/``total`` and the step name as details) if a cancel was asked for.
    """

    def __init__(self, progress: ProgressFn | None = None, cancel: CancelToken | None = None):
        self.progress: ProgressFn = progress or no_progress
        self.cancel = cancel
        self.last: Progress | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.cancelled

    def check(self, **details: Any) -> None:
        """Raise :class:`Cancelled` if a cancel was asked for (a step boundary with no report)."""
        if self.cancel is not None:
            self.cancel.raise_if_cancelled(**details)

    def report(self, name: str, done: int, total: int | None, vi: str, en: str) -> Progress:
        """Report without checking the token (e.g. the final "done" event)."""
        p = Progress(name, done, total, vi, en)
        self.last = p
        self.progress(p)
        return p

    def step(self, name: str, done: int, total: int | None, vi: str, en: str) -> Progress:
        """A step boundary: report how far the job got, then check the token (raising
        :class:`Cancelled` with ``step``/``done``/``total``) before the next step starts."""
        p = self.report(name, done, total, vi, en)
        self.check(step=name, done=done, total=total)
        return p

    finish = report
