"""Session-wide test set-up: headless Qt, an in-memory keyring, one qasync loop, the --full flag.

Subprocesses started by tests inherit the environment set here (offscreen Qt, the test keyring
backend through PYTHON_KEYRING_BACKEND), so no test can reach a desktop keyring or a display.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.memory_keyring.MemoryKeyring"
# seal keys (issue 17) must outlive a process: a private folder per test session, not the keyring
os.environ.setdefault("DESK_APP_SEAL_KEY_DIR", __import__("tempfile").mkdtemp(prefix="seal-keys-"))
ROOT = Path(__file__).resolve().parent.parent
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

import keyring  # noqa: E402
import pytest  # noqa: E402

from tests.support.memory_keyring import MemoryKeyring  # noqa: E402

keyring.set_keyring(MemoryKeyring())

VENV_BIN = Path(sys.executable).parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true", default=False,
                     help="run full-size campaigns (torture: hundreds of kills) instead of the CI smoke size")
    parser.addoption("--seed", action="store", default=None, type=int,
                     help="replay a randomised campaign with this seed")


@pytest.fixture(scope="session")
def full_run(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--full"))


@pytest.fixture(scope="session")
def desk_app_cmd() -> list[str]:
    """The installed console script, run exactly as IT staff would run it."""
    exe = VENV_BIN / "desk-app"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "desk_app"]


@pytest.fixture(scope="session")
def qloop(qapp):
    """One qasync loop for the whole session (never stopped: pytest-qt owns the Qt event loop)."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop


@pytest.fixture(autouse=True)
def _no_qasync_loop_outside_qt_tests(request: pytest.FixtureRequest):
    """qasync's session loop (``already_running=True``) registers itself as this thread's running
    loop for good; tests that run asyncio themselves (CLI commands, the sync engine) must not see
    it, whatever order the tests run in."""
    import asyncio

    running = asyncio.events._get_running_loop()  # noqa: SLF001 — the same hook qasync uses
    if running is None or "qloop" in request.fixturenames:
        yield
        return
    asyncio.events._set_running_loop(None)  # noqa: SLF001
    try:
        yield
    finally:
        asyncio.events._set_running_loop(running)  # noqa: SLF001
