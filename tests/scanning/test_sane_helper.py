"""The SANE helper process (scanning/sane_helper.py): a driver that hangs or crashes in the helper
is recovered — the scan reports it with the pages kept, and the next scan in the same process
works on a fresh helper. The hang and the crash are faults the helper makes on request (only with
DESK_SANE_HELPER_FAULTS=1, set by conftest): the helper really blocks inside its page call."""
from __future__ import annotations

import os

import pytest

from desk_app.devices.threads import device_thread
from desk_app.scanning import sane_backend
from desk_app.scanning.backend import FAMILY, ScanSettings, on_scanner_thread
from desk_app.scanning.errors import DeviceGone, NotResponding
from desk_app.scanning.job import ScanDevice, scan_job
from desk_app.scanning.profiles import get_profile
from desk_app.scanning.sane_helper import SHIM_ENV
from tests.scanning.conftest import RecordingHandler

DEV = "sane:test:0"


def _profile():
    return get_profile("form").adjusted(dpi=75, width_mm=50, height_mm=60)


def _helper() -> sane_backend.SaneHelper:
    return on_scanner_thread(sane_backend._shared_helper)


def _fault_at(index: int, kind: str, monkeypatch, *, give_up_s: str = "0.5"):
    """A before_page hook: at page ``index`` the helper is told to hang (or crash) in its page
    call; the hung page gets a short limit (it would wait forever: how soon we give up changes
    nothing but the test's length)."""
    def hook(dev, i):
        if i == index:
            sane_backend.shared_helper().call("fault", kind=kind)
            monkeypatch.setenv("DESK_SCAN_PAGE_TIMEOUT", give_up_s)
    return hook


def test_a_hung_driver_is_killed_pages_kept_and_the_next_scan_works(sane_scanner,
                                                                    monkeypatch) -> None:
    first = _helper()
    sane_scanner.before_page = _fault_at(3, "hang", monkeypatch)
    handler = RecordingHandler(default=False)
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, pages=6)

    assert len(result.pages) == 3 and [p.index for p in result.pages] == [0, 1, 2]
    assert len(result.errors) == 1 and isinstance(result.errors[0], NotResponding)
    err = result.errors[0]
    assert err.message("vi").startswith("Máy quét không phản hồi")
    assert err.details["pages_kept"] == 3
    level, text = handler.told[-1]
    assert level == "error" and text.startswith("The scanner is not responding")
    assert "The 3 pages already scanned are kept." in text
    assert handler.asked == []                     # nothing to retry on a hung driver
    # the hung helper really was inside its page call, and it is gone now
    first._reader.join()
    assert first.notices == [{"notice": "fault", "kind": "hang"}]
    assert first.proc.wait() != 0 and not first.alive

    monkeypatch.setenv("DESK_SCAN_PAGE_TIMEOUT", "20")
    sane_scanner.before_page = None
    again = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, pages=4)
    assert again.ok and len(again.pages) == 4
    second = sane_backend.shared_helper()
    assert second is not first and second.alive and second.proc.pid != first.proc.pid


def test_a_crashed_driver_is_device_gone_and_the_next_scan_works(sane_scanner,
                                                                 monkeypatch) -> None:
    first = _helper()
    sane_scanner.before_page = _fault_at(2, "exit", monkeypatch, give_up_s="20")
    handler = RecordingHandler(default=False)
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, pages=5)
    assert len(result.pages) == 2
    err = result.errors[0]
    assert isinstance(err, DeviceGone) and not isinstance(err, NotResponding)
    assert "stopped unexpectedly" in err.en and err.details["pages_kept"] == 2
    assert first.proc.wait() == 3                  # the helper's own exit, not our kill
    sane_scanner.before_page = None
    again = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, pages=2)
    assert again.ok and len(again.pages) == 2


def test_abort_from_another_thread_frees_a_hung_page(sane_scanner) -> None:
    """What the job's watchdog does (scanning/job.py): ``session.abort()`` from its own thread
    kills the helper, and the page call blocked on the scanner thread returns NotResponding."""
    assert float(os.environ["DESK_SCAN_PAGE_TIMEOUT"]) >= 20     # the session never gives up itself
    helper = _helper()
    session = on_scanner_thread(sane_scanner.open, DEV,
                                ScanSettings(source="feeder", dpi=75, mode="gray", max_pages=3))
    assert on_scanner_thread(session.next_page) is not None
    helper.noticed.clear()
    on_scanner_thread(helper.call, "fault", kind="hang")
    fut = device_thread(FAMILY).submit(session.next_page)
    assert helper.noticed.wait(60), "the helper never reached the hung call"
    assert not fut.done()
    session.abort()
    with pytest.raises(NotResponding) as e:
        fut.result(60)
    assert e.value.details["pages_kept"] == 1
    on_scanner_thread(session.close)               # a no-op on a dead helper, never raises
    assert on_scanner_thread(sane_scanner.list_devices)[0].id == DEV   # a fresh helper


def _maps(pid) -> str:
    with open(f"/proc/{pid}/maps") as fh:
        return fh.read()


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="reads /proc")
def test_the_helper_runs_with_the_cancel_shim(sane_scanner) -> None:
    """conftest built the deferred-cancel shim (scanning/sane_helper.py): it is loaded into the
    helper, never into the desk's own process; with DESK_TEST_SANE_SHIM=0 (the run that watches
    real deadlocks being recovered) the helper has none at all."""
    from tests.scanning.conftest import SHIM_OFF

    shim = os.environ.get(SHIM_ENV)
    on_scanner_thread(sane_scanner.list_devices)
    helper = sane_backend.shared_helper()
    if SHIM_OFF:
        assert not shim and not helper.shim
        assert "desk_sane_deferred_cancel" not in _maps(helper.proc.pid)
        return
    assert shim, "the deferred-cancel shim was not built (gcc missing?): run installer/setup.sh"
    assert helper.shim and shim in _maps(helper.proc.pid)
    assert "desk_sane_deferred_cancel" not in _maps("self")


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="glibc shim")
def test_the_shim_keeps_cancellation_deferred(tmp_path) -> None:
    """What the shim does: a thread asking for asynchronous cancellation (as sanei_thread's
    readers do) keeps deferred cancellation; without the shim it gets asynchronous."""
    import subprocess
    import sys

    from desk_app.scanning.sane_helper import build_cancel_shim

    shim = os.environ.get(SHIM_ENV) or build_cancel_shim(tmp_path)   # its own when the run has none
    assert shim, "the deferred-cancel shim cannot be built (gcc missing?): run installer/setup.sh"
    probe = ("import ctypes; c = ctypes.CDLL(None); old = ctypes.c_int(-1)\n"
             "c.pthread_setcanceltype(1, ctypes.byref(old))   # PTHREAD_CANCEL_ASYNCHRONOUS\n"
             "c.pthread_setcanceltype(1, ctypes.byref(old))\n"
             "print(old.value)")

    def cancel_type(preload: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        if preload:
            env["LD_PRELOAD"] = preload
        return subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                              text=True, check=True).stdout.strip()

    assert cancel_type(None) == "1"                 # asynchronous, as libsane asked
    assert cancel_type(shim) == "0"                 # deferred


def test_pages_come_through_the_helper_intact(sane_scanner) -> None:
    """Raw frames on the pipe: a colour page is width × height × 3 bytes, the same pixels the
    driver gave, and the scan ran in the helper, not in this process."""
    import sys

    session = on_scanner_thread(sane_scanner.open, DEV,
                                ScanSettings(source="flatbed", dpi=75, mode="color"))
    try:
        page = on_scanner_thread(session.next_page)
    finally:
        on_scanner_thread(session.close)
    w, h = page.image.size
    assert page.image.mode == "RGB" and len(page.image.tobytes()) == w * h * 3
    assert len(page.image.getcolors(1 << 24) or ()) > 4   # the test backend's colour pattern
    helper = sane_backend.shared_helper()
    assert helper.alive
    if sys.platform.startswith("linux"):            # the driver is loaded there, not here
        assert "libsane-test" in _maps(helper.proc.pid)
        assert "libsane-test" not in _maps("self")


def test_a_helper_that_cannot_start_is_backend_missing(sane_scanner, monkeypatch) -> None:
    from desk_app.scanning.errors import BackendMissing

    old = _helper()
    old.kill(hung=False)
    old.proc.wait()
    monkeypatch.setattr(sane_backend, "HELPER_MODULE", "desk_app.scanning.no_such_helper")
    with pytest.raises(BackendMissing) as e:
        on_scanner_thread(sane_scanner.list_devices)
    assert "did not start" in e.value.en and e.value.details["returncode"] != 0
    monkeypatch.undo()
    assert on_scanner_thread(sane_scanner.list_devices)[0].id == DEV
