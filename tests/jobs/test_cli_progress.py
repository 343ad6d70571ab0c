"""run_job: JSON lines, the TTY bar, Ctrl+C → cancel, the old SIGINT handler put back."""
from __future__ import annotations

import io
import json
import os
import signal
import sys
import threading

import pytest

from desk_app.cli import progress as cli_progress
from desk_app.cli.progress import TtyBar, run_job
from desk_app.jobs import Cancelled, Steps


def three_steps(*, label: str = "bước", progress, cancel):
    steps = Steps(progress, cancel)
    for i in range(3):
        steps.step("test.step", i, 3, f"{label} {i + 1}/3", f"step {i + 1}/3")
    steps.finish("test.step", 3, 3, "Xong", "Done")
    return "result"


def test_json_lines_on_stdout(capsys) -> None:
    assert run_job(three_steps, as_json=True, lang="vi", label="Bước") == "result"
    out, err = capsys.readouterr()
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["done"] for e in events] == [0, 1, 2, 3]
    assert events[0] == {"event": "progress", "step": "test.step", "done": 0, "total": 3,
                         "vi": "Bước 1/3", "en": "step 1/3"}
    assert err == ""


def test_silent_when_not_a_terminal(capsys) -> None:
    run_job(three_steps, as_json=False, lang="vi")
    assert capsys.readouterr() == ("", "")


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal_stderr(monkeypatch, capsys) -> None:
    tty = FakeTty()
    monkeypatch.setattr(sys, "stderr", tty)
    monkeypatch.setattr(TtyBar, "INTERVAL", 0.0)
    run_job(three_steps, as_json=False, lang="vi")
    text = tty.getvalue()
    assert capsys.readouterr().out == ""                 # nothing on stdout
    frames = text.split("\r")[1:]
    assert len(frames) == 4 and text.endswith("\n")
    assert frames[0].startswith("[" + "." * TtyBar.WIDTH + "]   0% bước 1/3")
    assert frames[-1].startswith("[" + "#" * TtyBar.WIDTH + "] 100% Xong")


def test_bar_in_english_and_throttled() -> None:
    out = FakeTty()
    clock = iter([0.0, 0.01, 0.02, 0.03, 5.0]).__next__
    bar = TtyBar("en", out=out, clock=clock)
    steps = Steps(bar)
    for i in range(3):
        steps.step("s", i, 4, f"bước {i}", f"step {i}")   # 0.0 drawn; 0.01, 0.02 throttled
    bar.close()                                            # the throttled last one is drawn
    frames = out.getvalue().split("\r")[1:]
    assert len(frames) == 2
    assert "  0% step 0" in frames[0] and " 50% step 2" in frames[1]


def test_bar_on_a_real_pty() -> None:
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        with open(slave, "w", closefd=False, encoding="utf-8") as stream:
            assert stream.isatty()
            bar = TtyBar("vi", out=stream)
            bar(cli_progress.Progress("s", 1, 2, "nửa chặng", "half"))
            bar.close()
        data = os.read(master, 4096).decode("utf-8")
    finally:
        os.close(master)
        os.close(slave)
    assert "50% nửa chặng" in data


def test_sigint_cancels_then_second_sigint_interrupts() -> None:
    before = signal.getsignal(signal.SIGINT)

    def job(*, progress, cancel):
        steps = Steps(progress, cancel)
        steps.step("a", 0, 2, "một", "one")
        signal.raise_signal(signal.SIGINT)     # Ctrl+C during step 1: step 1 still completes
        finished_step_1.append(True)
        steps.step("a", 1, 2, "hai", "two")    # the boundary: Cancelled
        raise AssertionError("not reached")

    finished_step_1: list[bool] = []
    with pytest.raises(Cancelled):
        run_job(job, as_json=False, lang="vi")
    assert finished_step_1 == [True]
    assert signal.getsignal(signal.SIGINT) is before

    def stubborn(*, progress, cancel):
        signal.raise_signal(signal.SIGINT)
        assert cancel.cancelled
        signal.raise_signal(signal.SIGINT)     # a second Ctrl+C: stop now
        raise AssertionError("not reached")

    with pytest.raises(KeyboardInterrupt):
        run_job(stubborn, as_json=False, lang="vi")
    assert signal.getsignal(signal.SIGINT) is before


def test_off_the_main_thread_no_handler_is_installed() -> None:
    before = signal.getsignal(signal.SIGINT)
    seen = []

    def job(*, progress, cancel):
        seen.append(signal.getsignal(signal.SIGINT))
        return 7

    box = []
    t = threading.Thread(target=lambda: box.append(run_job(job, as_json=False, lang="vi")))
    t.start()
    t.join(10)
    assert box == [7] and seen == [before]
