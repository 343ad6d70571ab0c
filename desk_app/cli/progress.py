"""Running a job (``desk_app.jobs``) from the command line.

``run_job(fn, as_json=…, lang=…, **kwargs)`` calls ``fn(**kwargs, progress=…, cancel=token)`` on
the calling thread and:

- turns the first Ctrl+C (SIGINT) into a cancel: the job stops at its next step boundary and
  ``Cancelled`` propagates (the CLI prints "Lỗi: Đã hủy theo yêu cầu." and exits 1); a second
  Ctrl+C raises ``KeyboardInterrupt`` as usual. The handler is installed only on the main thread
  (Python allows no other) and the previous one is restored afterwards. ``signal.SIGINT`` exists
  on Windows too (Ctrl+C in a console); nothing here needs a POSIX-only signal;
- with ``as_json`` prints each ``Progress`` as one JSON line on stdout
  (``{"event": "progress", "step", "done", "total", "vi", "en"}``);
- otherwise, when stderr is a terminal, draws a one-line progress bar on stderr;
- otherwise says nothing.
"""
from __future__ import annotations

import json
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from desk_app.jobs import CancelToken, Progress

__all__ = ["JsonLines", "TtyBar", "reporter_for", "run_job"]


class JsonLines:
    """Each event as one JSON line (flushed: a script reads it as it comes)."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out

    def __call__(self, p: Progress) -> None:
        out = self.out or sys.stdout
        out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        out.flush()

    def close(self) -> None:
        pass


class TtyBar:
    """A one-line bar redrawn in place with ``\\r`` (at most ~10 times a second, always the last)."""

    WIDTH = 24
    INTERVAL = 0.1

    def __init__(self, lang: str, out: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lang = lang
        self.out = out
        self.clock = clock
        self._last_draw = float("-inf")
        self._drawn = 0           # length of the line on screen
        self._pending: Progress | None = None

    def line(self, p: Progress) -> str:
        text = " ".join(p.message(self.lang).split())
        frac = p.fraction
        if frac is None:
            head = f"[{'·' * self.WIDTH}] {p.done}"
        else:
            fill = round(frac * self.WIDTH)
            head = f"[{'#' * fill}{'.' * (self.WIDTH - fill)}] {int(frac * 100):3d}%"
        cols = shutil.get_terminal_size((80, 24)).columns
        full = f"{head} {text}"
        return full if len(full) < cols else full[: max(0, cols - 2)] + "…"

    def __call__(self, p: Progress) -> None:
        now = self.clock()
        final = p.total is not None and p.done >= p.total
        if not final and now - self._last_draw < self.INTERVAL:
            self._pending = p
            return
        self._draw(p)
        self._last_draw = now

    def _draw(self, p: Progress) -> None:
        out = self.out or sys.stderr
        text = self.line(p)
        pad = " " * max(0, self._drawn - len(text))
        out.write("\r" + text + pad)
        out.flush()
        self._drawn = len(text)
        self._pending = None

    def close(self) -> None:
        """End the bar's line (drawing the last event if it was throttled)."""
        if self._pending is not None:
            self._draw(self._pending)
        if self._drawn:
            out = self.out or sys.stderr
            out.write("\n")
            out.flush()
            self._drawn = 0


class _Silent:
    def __call__(self, p: Progress) -> None:
        pass

    def close(self) -> None:
        pass


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):   # closed or replaced stream
        return False


def reporter_for(as_json: bool, lang: str):
    """JSON lines on stdout with ``as_json``; else a bar when stderr is a terminal; else silent."""
    if as_json:
        return JsonLines()
    if _isatty(sys.stderr):
        return TtyBar(lang)
    return _Silent()


def run_job(fn: Callable[..., Any], *, as_json: bool, lang: str, **kwargs: Any) -> Any:
    """Run the job ``fn`` with Ctrl+C as cancel and progress shown as the face wants (see above).
    Returns its result; ``Cancelled`` and every other error propagate."""
    token = CancelToken()
    report = reporter_for(as_json, lang)
    installed = False
    previous: Any = None

    def on_sigint(signum: int, frame: Any) -> None:
        if token.cancelled:                 # the second Ctrl+C: stop now, as Python usually does
            raise KeyboardInterrupt
        token.cancel()                      # nothing printed here: a write from a signal handler
        #                                     may re-enter the stream being written

    if threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, on_sigint)
        installed = True
    try:
        return fn(**kwargs, progress=report, cancel=token)
    finally:
        if installed:
            # None: a handler not installed from Python; the default is the closest we can put back
            signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
        report.close()
