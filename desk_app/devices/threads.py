"""One dedicated worker thread per device family (as Electrum's ``hwd_comms_thread``).

Scanner drivers (TWAIN/WIA/SANE) and PKCS#11 modules are not safe to call from several threads,
and some keep per-thread state: every call to a device of one family runs on that family's single
thread. ``@runs_on("token")`` asserts it (``WrongThread`` otherwise: the bug is the caller's);
``@run_on("token")`` marshals the call onto the thread and waits for its result (Electrum's
``@runs_in_hwd_thread``). A device thread is a daemon: a driver hung in a call never keeps the
program from exiting.
"""
from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["FAMILIES", "DeviceThread", "WrongThread", "device_thread", "run_on", "runs_on"]

FAMILIES = ("scanner", "token")
T = TypeVar("T")


class WrongThread(AssertionError):
    """A device function was called outside its family's device thread."""


class DeviceThread:
    """A single daemon worker thread for one device family; calls run one at a time, in order."""

    def __init__(self, family: str) -> None:
        if not family or not isinstance(family, str):
            raise ValueError("a device family is a non-empty name such as 'scanner' or 'token'")
        self.family = family
        self.name = f"device-{family}"
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False

    # -- the worker ----------------------------------------------------------------------------
    def _ensure_started(self) -> None:
        with self._lock:
            if self._stopped:
                raise RuntimeError(f"the {self.name} thread was stopped")
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fut, fn, args, kwargs = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # delivered to the caller, not lost in the thread
                fut.set_exception(exc)
            else:
                fut.set_result(result)
            del item, fut, fn, args, kwargs    # drop references (a PIN argument, a big image)

    # -- the API -------------------------------------------------------------------------------
    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    def is_current(self) -> bool:
        t = self._thread
        return t is not None and threading.current_thread() is t

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn(*args, **kwargs)`` on this thread; its Future carries the result or error."""
        self._ensure_started()
        fut: Future = Future()
        self._queue.put((fut, fn, args, kwargs))
        return fut

    def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = None,
             **kwargs: Any) -> T:
        """Run ``fn`` on this thread and wait for it. Called on the device thread itself, it runs
        at once (waiting on itself would deadlock)."""
        if self.is_current():
            return fn(*args, **kwargs)
        return self.submit(fn, *args, **kwargs).result(timeout)

    def stop(self, timeout: float | None = 5.0) -> None:
        """Finish the queued calls, then end the thread (a later submit raises RuntimeError)."""
        with self._lock:
            self._stopped = True
            t = self._thread
        if t is not None:
            self._queue.put(None)
            if t is not threading.current_thread():
                t.join(timeout)

    def __repr__(self) -> str:
        return f"DeviceThread({self.family!r}, started={self._thread is not None})"


_threads: dict[str, DeviceThread] = {}
_threads_lock = threading.Lock()


def abandon(family: str, stuck: DeviceThread) -> None:
    """A call on ``stuck`` never returns (a hung driver): later calls of ``family`` get a fresh
    thread; the stuck one is left to finish, or not, on its own (it is a daemon thread)."""
    with _threads_lock:
        stuck._stopped = True
        if _threads.get(family) is stuck:
            del _threads[family]


def device_thread(family: str) -> DeviceThread:
    """The process-wide device thread of ``family`` (created on first use)."""
    with _threads_lock:
        t = _threads.get(family)
        if t is None or t._stopped:
            t = _threads[family] = DeviceThread(family)
        return t


def runs_on(family: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: the function must be called on ``family``'s device thread (else WrongThread)."""

    def deco(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            dt = device_thread(family)
            if not dt.is_current():
                raise WrongThread(f"{fn.__qualname__} must run on the {dt.name!r} thread,"
                                  f" not on {threading.current_thread().name!r}")
            return fn(*args, **kwargs)

        wrapper.device_family = family  # type: ignore[attr-defined]
        return wrapper

    return deco


def run_on(family: str, *, timeout: float | None = None
           ) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: every call is marshalled onto ``family``'s device thread and waited for
    (run at once when already on it)."""

    def deco(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            dt = device_thread(family)
            if dt.is_current():
                return fn(*args, **kwargs)
            return dt.submit(fn, *args, **kwargs).result(timeout)

        wrapper.device_family = family  # type: ignore[attr-defined]
        return wrapper

    return deco
