"""The one waiting primitive of the non-Qt tests: poll a condition, bounded in time (no fixed sleeps).
Qt tests use qtbot.waitUntil instead."""
from __future__ import annotations

import time
from typing import Any, Callable


def wait_until(cond: Callable[[], Any], timeout: float, interval: float = 0.02) -> Any:
    """The condition's first truthy value, or None when ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def wait_for(cond: Callable[[], Any], timeout: float = 15.0, what: str = "condition",
             interval: float = 0.02) -> Any:
    """Like :func:`wait_until`, but a timeout fails the test saying what was awaited."""
    value = wait_until(cond, timeout, interval)
    if not value:
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
    return value
