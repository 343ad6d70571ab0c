"""One thread per device family; @runs_on asserts it, @run_on marshals onto it."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from desk_app.devices import DeviceThread, WrongThread, device_thread, run_on, runs_on


@runs_on("token")
def token_login(pin_len: int) -> str:
    return f"{threading.current_thread().name}:{pin_len}"


@run_on("token")
def token_login_from_anywhere(pin_len: int) -> str:
    return token_login(pin_len)


def test_device_call_from_the_wrong_thread_fails_the_assert() -> None:
    with pytest.raises(WrongThread) as info:
        token_login(6)
    assert isinstance(info.value, AssertionError)
    msg = str(info.value)
    assert "token_login" in msg and "'device-token'" in msg
    assert threading.current_thread().name in msg
    # on another family's thread it is still the wrong thread
    with pytest.raises(WrongThread):
        device_thread("scanner").call(token_login, 6)


def test_run_on_marshals_onto_the_family_thread() -> None:
    assert token_login_from_anywhere(6) == "device-token:6"
    assert device_thread("token").call(token_login, 4) == "device-token:4"
    assert device_thread("token").submit(token_login, 8).result(10) == "device-token:8"


def test_one_thread_per_family_whoever_calls() -> None:
    assert device_thread("token") is device_thread("token")
    assert device_thread("token") is not device_thread("scanner")

    @run_on("scanner")
    def where() -> int:
        return threading.get_ident()

    with ThreadPoolExecutor(4) as pool:
        idents = set(pool.map(lambda _: where(), range(40)))
    assert len(idents) == 1 and threading.get_ident() not in idents
    assert device_thread("scanner").thread.ident in idents
    assert device_thread("token").call(threading.get_ident) not in idents


def test_calls_run_one_at_a_time_in_order() -> None:
    dt = DeviceThread("test-serial")
    running = []
    order = []

    def work(i: int) -> None:
        running.append(i)
        assert len(running) == 1            # never two calls at once on a device
        order.append(i)
        running.remove(i)

    futs = [dt.submit(work, i) for i in range(50)]
    for f in futs:
        f.result(10)
    assert order == list(range(50))
    dt.stop()
    assert not dt.thread.is_alive()
    with pytest.raises(RuntimeError):
        dt.submit(work, 1)


def test_errors_reach_the_caller_and_nested_calls_do_not_deadlock() -> None:
    dt = device_thread("scanner")

    def boom() -> None:
        raise OSError("feeder jam")

    with pytest.raises(OSError, match="feeder jam"):
        dt.call(boom)

    @run_on("scanner")
    def outer() -> str:
        return token_name()          # already on the device thread: runs inline

    @run_on("scanner")
    def token_name() -> str:
        return threading.current_thread().name

    assert dt.call(outer, timeout=10) == "device-scanner"
    assert dt.thread.daemon


def test_a_family_needs_a_name() -> None:
    with pytest.raises(ValueError):
        DeviceThread("")
