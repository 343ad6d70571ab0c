"""Content-addressed blob store: every file is named by its SHA-256 and checked when read.

Why: scans are the clerk's evidence. A blob is written to a temporary file, fsync'd, renamed into
place and the directory fsync'd, so after a power cut a name either points at the complete bytes
or does not exist. Reading re-hashes, so silent disk corruption is reported, never served.
"""
from __future__ import annotations

import hashlib
import os
import re
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


class BlobStore:
    """Blobs under ``root/<first two hex>/<sha256>``; temporary files under ``root/tmp``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(exist_ok=True)

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

    def put_file(self, path: Path) -> tuple[str, int]:
        """Copy ``path`` in, hashing while copying (the file is read once)."""
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                while chunk := src.read(CHUNK):
                    h.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = h.hexdigest()
            if self.exists(sha) and self.verify(sha):
                Path(tmp).unlink()
            else:
                self._install(Path(tmp), sha)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, size

    def _install(self, tmp: Path, sha: str) -> None:
        final = self.path(sha)
        final.parent.mkdir(exist_ok=True)
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
