"""Content-addressed blob store: every file is named by its SHA-256 and checked when read.

Why: scans are the clerk's evidence. A blob is written to a temporary file, fsync'd, renamed into
place and the directory fsync'd, so after a power cut a name either points at the complete bytes
or does not exist. Reading re-hashes, so silent disk corruption is reported, never served.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
_SHA = re.compile(r"^[0-9a-f]{64}$")


class BlobCorrupt(Exception):
    """The bytes on disk do not hash to the blob's name (or the blob is missing)."""

    def __init__(self, sha256: str, reason: str):
        super().__init__(f"blob {sha256}: {reason}")
        self.sha256 = sha256
        self.reason = reason


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":        # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _VerifyingReader:
    """File wrapper that hashes while reading and raises BlobCorrupt at EOF on a mismatch."""

    def __init__(self, sha256: str, fh: BinaryIO):
        self._sha = sha256
        self._fh = fh
        self._h = hashlib.sha256()
        self._done = False

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self._h.update(data)
        if (not data or n is None or n < 0) and not self._done:
            self._done = True
            if self._h.hexdigest() != self._sha:
                raise BlobCorrupt(self._sha, "content does not match its SHA-256 name")
        return data

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "_VerifyingReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


TMP_GRACE_S = 120.0


class NotRegular(OSError):
    """An attachment path that is a symbolic link, a device, a folder … (never read)."""


class BlobTooLarge(OSError):
    def __init__(self, path: str, max_bytes: int):
        super().__init__(f"{path} is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class BlobStore:
    """Blobs under ``root/<first two hex>/<sha256>``; temporary files under ``root/tmp``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(exist_ok=True, mode=0o700)

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):
            raise ValueError(f"not a SHA-256 hex name: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(sha) and self.verify(sha):
            return sha, len(data)
        fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            self._install(Path(tmp), sha)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, len(data)

    def put_file(self, path: Path, *, max_bytes: int | None = None) -> tuple[str, int]:
        """Copy ``path`` in, hashing while copying (the file is read once)."""
        sha, size, _new = self.put_file_ex(path, max_bytes=max_bytes)
        return sha, size

    def put_file_ex(self, path: Path, *, max_bytes: int | None = None) -> tuple[str, int, bool]:
        """``put_file`` that also says whether the blob is new (the caller may remove it again
        if its transaction fails). A symbolic link is never followed (O_NOFOLLOW where the OS has
        it, and a link is refused before opening); a file that grows past ``max_bytes`` while
        being copied raises ``BlobTooLarge``; anything but a regular file raises ``NotRegular``."""
        p = Path(path)
        st = os.lstat(p)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(str(p))
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            src_fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_BINARY", 0))
            with os.fdopen(fd, "wb") as out, os.fdopen(src_fd, "rb") as src:
                if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                    raise NotRegular(str(p))
                while chunk := src.read(CHUNK):
                    h.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(str(p), max_bytes)
                out.flush()
                os.fsync(out.fileno())
            sha = h.hexdigest()
            new = not (self.exists(sha) and self.verify(sha))
            if new:
                self._install(Path(tmp), sha)
            else:
                Path(tmp).unlink()
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, size, new

    def remove(self, sha256: str) -> None:
        """Delete a blob (only for one the caller just wrote and no row refers to)."""
        self.path(sha256).unlink(missing_ok=True)

    def clean_tmp(self, older_than_s: float = TMP_GRACE_S) -> int:
        """Remove temporary files left by killed writes; returns how many. Files younger than
        ``older_than_s`` may belong to a put running in another process (GUI + sync worker):
        a running put writes every chunk, so its file is never that old."""
        import time

        now = time.time()
        n = 0
        for f in self._tmp.iterdir():
            try:
                if now - f.lstat().st_mtime >= older_than_s:
                    f.unlink()
                    n += 1
            except OSError:
                continue
        return n

    def _install(self, tmp: Path, sha: str) -> None:
        final = self.path(sha)
        if not final.parent.exists():
            final.parent.mkdir(exist_ok=True, mode=0o700)   # umask may only take bits away
            if os.name == "posix":
                os.chmod(final.parent, 0o700)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        _fsync_dir(self.root)

    def open(self, sha256: str) -> _VerifyingReader:
        """A reader that raises BlobCorrupt when the last byte is read and the hash differs."""
        try:
            fh = open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise BlobCorrupt(sha256, "missing") from None
        return _VerifyingReader(sha256, fh)

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as r:
            return r.read()

    def verify(self, sha256: str) -> bool:
        try:
            with self.open(sha256) as r:
                while r.read(CHUNK):
                    pass
            return True
        except BlobCorrupt:
            return False

    def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    def all(self) -> list[str]:
        """Names of every stored blob (for verify and backup)."""
        return sorted(p.name for p in self.root.glob("??/*") if _SHA.match(p.name))
