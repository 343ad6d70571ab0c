"""One sync engine per desk: a portable, crash-safe lock on ``<data_dir>/sync.lock``.

Built on ``filelock`` (flock on Linux/macOS, ``msvcrt.locking`` on Windows — commune PCs run
Windows): the operating system drops the lock when the holder's process ends, however it ends
(kill -9, power loss of the process, a crash), so the next engine of the desk always gets it.
The holder writes its PID into the file for diagnostics (:func:`holder_pid`).

Light on purpose (no httpx): the CLI and the services import :class:`SyncLockBusy` from here
without loading the engine.
"""
from __future__ import annotations

import os
from pathlib import Path

from desk_app.domain.errors import DeskError

LOCK_NAME = "sync.lock"


class SyncLockBusy(DeskError):
    """Another engine already syncs this desk (CLI exit code 3)."""

    exit_code = 3


def lock_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / LOCK_NAME


def _write_pid(fd: int) -> None:
    """Called by filelock with the locked descriptor, right after the lock is taken."""
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError:  # diagnostics only; the lock itself is what matters
        pass


class DeskSyncLock:
    """Non-blocking, non-reentrant exclusive lock of one desk's sync (one per engine)."""

    def __init__(self, data_dir: Path | str) -> None:
        import filelock

        self.path = lock_path(data_dir)
        self._lock = filelock.FileLock(str(self.path), timeout=0, thread_local=False,
                                       on_acquired=_write_pid)

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)

    def acquire(self) -> None:
        """Take the lock now or raise :class:`SyncLockBusy` (never waits)."""
        import filelock

        if self.held:
            return
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            raise SyncLockBusy("sync_busy", "Đã có một tiến trình đồng bộ khác đang chạy cho quầy này.",
                               "Another sync process is already running for this desk.",
                               data_dir=str(self.path.parent)) from None

    def release(self) -> None:
        if self.held:
            self._lock.release(force=True)


def holder_pid(data_dir: Path | str) -> str:
    """The PID last written by a lock holder ("" if none or unreadable — Windows refuses to read
    a locked region). The process may have ended since."""
    try:
        return lock_path(data_dir).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""

