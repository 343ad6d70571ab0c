"""The scan job's watchdog (scanning/job.py ``_next_page``): a page read that hangs in the driver
is cancelled from the job's thread; if it still does not return, the scanner thread is abandoned
and the job reports NotResponding instead of freezing."""
from __future__ import annotations

import threading

import pytest

from desk_app.devices.threads import device_thread
from desk_app.scanning import job
from desk_app.scanning.backend import FAMILY
from desk_app.scanning.errors import NotResponding


class HangingSession:
    def __init__(self, abort_frees: bool) -> None:
        self.release = threading.Event()
        self.abort_frees = abort_frees
        self.aborted = 0

    def next_page(self):
        self.release.wait(30)
        return None

    def abort(self) -> None:
        self.aborted += 1
        if self.abort_frees:
            self.release.set()


def test_a_hung_read_freed_by_cancel_goes_on(monkeypatch) -> None:
    monkeypatch.setenv("DESK_SCAN_PAGE_TIMEOUT", "0.2")
    s = HangingSession(abort_frees=True)
    before = device_thread(FAMILY)
    assert job._next_page(s) is None and s.aborted == 1
    assert device_thread(FAMILY) is before, "the thread came back: it is kept"


def test_a_read_that_never_returns_abandons_the_thread(monkeypatch) -> None:
    monkeypatch.setenv("DESK_SCAN_PAGE_TIMEOUT", "0.2")
    monkeypatch.setattr(job, "_ABORT_GRACE_S", 0.2)
    s = HangingSession(abort_frees=False)
    stuck = device_thread(FAMILY)
    try:
        with pytest.raises(NotResponding) as e:
            job._next_page(s)
        assert e.value.message("vi").startswith("Máy quét không phản hồi")
        assert getattr(s, "abandoned", False) and device_thread(FAMILY) is not stuck
        assert device_thread(FAMILY).call(lambda: 42) == 42, "later calls get a working thread"
    finally:
        s.release.set()
