"""One engine per desk: the portable sync lock (filelock: flock on Linux, msvcrt on Windows).

Real engines on a real desk store; the crash case kills a holder process with SIGKILL.
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desk_app.sync.api import Credentials
from desk_app.sync.engine import EngineConfig, SyncEngine
from desk_app.sync.lock import DeskSyncLock, SyncLockBusy, holder_pid
from tests.sync.harness import ROOT, env, make_desk

NOWHERE = "http://127.0.0.1:9"     # start() never touches the network


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("lock") / "desk"
    make_desk(d, 1)
    return d


def engine(desk: Path) -> SyncEngine:
    return SyncEngine(EngineConfig(desk, NOWHERE, Credentials("u", "p")))


async def _start_second(desk: Path) -> None:
    b = engine(desk)
    try:
        await b.start()
    finally:
        await b.close()


def test_two_engines_on_one_desk_the_second_is_refused_then_gets_it(desk: Path) -> None:
    async def main() -> None:
        a = engine(desk)
        await a.start()
        try:
            with pytest.raises(SyncLockBusy) as info:
                await _start_second(desk)
            assert info.value.exit_code == 3 and info.value.code == "sync_busy"
            assert "đang chạy" in info.value.vi
        finally:
            await a.close()
        await _start_second(desk)            # released on close: the next one starts
    asyncio.run(main())


def test_the_lock_holds_across_threads_of_one_process(desk: Path) -> None:
    """A GUI thread's engine and a worker thread's engine exclude each other too."""
    first = DeskSyncLock(desk)
    first.acquire()
    outcome: list[str] = []

    def other() -> None:
        try:
            DeskSyncLock(desk).acquire()
            outcome.append("acquired")
        except SyncLockBusy:
            outcome.append("busy")
    try:
        t = threading.Thread(target=other)
        t.start()
        t.join(10)
    finally:
        first.release()
    assert outcome == ["busy"]
    again = DeskSyncLock(desk)
    again.acquire()
    assert again.held
    again.release()
    assert not again.held


HOLDER = """
import asyncio, sys, time
from pathlib import Path
from desk_app.sync.api import Credentials
from desk_app.sync.engine import EngineConfig, SyncEngine

async def main():
    eng = SyncEngine(EngineConfig(Path(sys.argv[1]), "http://127.0.0.1:9", Credentials("u", "p")))
    await eng.start()
    print("held", flush=True)
    await asyncio.Event().wait()        # hold the lock until the test kills this process

asyncio.run(main())
"""


def test_a_killed_holder_leaves_the_lock_to_the_next_engine(desk: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(desk)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "held", proc.stderr.read() if proc.poll() is not None else line
        assert holder_pid(desk) == str(proc.pid)
        with pytest.raises(SyncLockBusy):
            asyncio.run(_start_second(desk))
        proc.kill()                      # SIGKILL on POSIX: no clean-up code runs in the holder
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    asyncio.run(_start_second(desk))     # the OS dropped the dead holder's lock
