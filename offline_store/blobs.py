"""Content-addressed blob store: every file is named by its SHA-256 and checked when read.

Why: scans are the clerk's evidence. A blob is written to a temporary file, fsync'd, renamed into
place and the directory fsync'd, so after a power cut a name either points at the complete bytes
or does not exist. Reading re-hashes, so silent disk corruption is reported, never served.

Encrypted stores (``BlobStore(root, key=…)``, issue 17 §3): each file holds the blob in
``offline_store.filecrypt``'s AES-256-GCM chunk format (magic ``DKBL1``), and is still named by the
SHA-256 of its *plaintext* — dedupe, ``verify`` and the sync engine's sha-based uploads keep
working. ``open``/``read_bytes``/``read_range``/``head``/``size`` give plaintext; ``path`` is the
ciphertext file (never read it directly: a reader of an encrypted store gets ciphertext).
A file without the magic is read as a plaintext blob (a store converted by ``desk-app encrypt``
has none left; the hash check is the same either way).
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


class _BlobReader:
    """A read-only file-like view of one blob over the open file ``self._fh``."""

    _fh: BinaryIO

    def close(self) -> None:
        self._fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _VerifyingReader(_BlobReader):
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


TMP_GRACE_S = 120.0


class NotRegular(OSError):
    """An attachment path that is a symbolic link, a device, a folder … (never read)."""


class BlobTooLarge(OSError):
    def __init__(self, path: str, max_bytes: int):
        super().__init__(f"{path} is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


BLOB_MAGIC = b"DKBL1\n"
_HEAD = len(BLOB_MAGIC) + 8               # magic + nonce prefix
_FRAME = 4 + CHUNK + 16                   # length + full chunk + GCM tag


def plain_size(encrypted_size: int) -> int:
    """Plaintext size of an encrypted blob file of ``encrypted_size`` bytes (every chunk but the
    last is full, so the size alone says how many chunks there are)."""
    body = encrypted_size - _HEAD
    n = max(1, -(-body // _FRAME))
    return body - 20 * n


class _LimitedReader:
    """Source wrapper for encrypting while copying: hashes, counts, stops past ``max_bytes``."""

    def __init__(self, fh: BinaryIO, path: str, max_bytes: int | None):
        self._fh, self._path, self._max = fh, path, max_bytes
        self.h = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self.h.update(data)
        self.size += len(data)
        if self._max is not None and self.size > self._max:
            raise BlobTooLarge(self._path, self._max)
        return data


class _DecryptingReader(_BlobReader):
    """Plaintext of an encrypted blob, read like a file; hashes and raises BlobCorrupt at EOF on
    a mismatch (like ``_VerifyingReader``), and on any chunk that fails to decrypt."""

    def __init__(self, sha256: str, key: bytes, fh: BinaryIO, *, check: bool = True):
        from offline_store.filecrypt import decrypt_chunks

        self._sha = sha256
        self._fh = fh
        self._chunks = decrypt_chunks(key, fh, magic=BLOB_MAGIC)
        self._buf = b""
        self._eof = False
        self._h = hashlib.sha256() if check else None
        self._done = False

    def _more(self) -> bool:
        from offline_store.filecrypt import DecryptError

        if self._eof:
            return False
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._eof = True
            return False
        except DecryptError as exc:
            raise BlobCorrupt(self._sha, f"cannot be decrypted ({exc})") from None
        if self._h is not None:
            self._h.update(chunk)
        self._buf += chunk
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            while self._more():
                pass
            data, self._buf = self._buf, b""
        else:
            while len(self._buf) < n and self._more():
                pass
            data, self._buf = self._buf[:n], self._buf[n:]
        if self._eof and not self._buf and not self._done and (not data or n is None or n < 0):
            self._done = True
            if self._h is not None and self._h.hexdigest() != self._sha:
                raise BlobCorrupt(self._sha, "content does not match its SHA-256 name")
        return data


class BlobStore:
    """Blobs under ``root/<first two hex>/<sha256>``; temporary files under ``root/tmp``.
    ``key``: a 32-byte AES-256-GCM key — the files are encrypted (see the module text)."""

    def __init__(self, root: Path, *, key: bytes | None = None):
        self.root = Path(root)
        self.key = key
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
                if self.key is not None:
                    import io

                    from offline_store.filecrypt import encrypt_stream

                    encrypt_stream(self.key, io.BytesIO(data), fh, magic=BLOB_MAGIC)
                else:
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
        if self.key is not None:
            return self._put_file_encrypted(p, max_bytes)
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

    def _own_blob(self, p: Path) -> str | None:
        """The name of ``p`` when it is one of this store's own blob files (an online dossier's
        fetched file handed to the intake as a path): its bytes are ciphertext, so it is taken
        as the blob it is instead of being copied."""
        if not _SHA.match(p.name):
            return None
        try:
            if p.resolve() == self.path(p.name).resolve():
                return p.name
        except OSError:
            return None
        return None

    def _put_file_encrypted(self, p: Path, max_bytes: int | None) -> tuple[str, int, bool]:
        from offline_store.filecrypt import encrypt_stream

        own = self._own_blob(p)
        if own is not None:
            if not self.verify(own):
                raise BlobCorrupt(own, "content does not match its SHA-256 name")
            size = self.size(own)
            if max_bytes is not None and size > max_bytes:
                raise BlobTooLarge(str(p), max_bytes)
            return own, size, False
        fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        try:
            src_fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_BINARY", 0))
            with os.fdopen(fd, "wb") as out, os.fdopen(src_fd, "rb") as src:
                if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                    raise NotRegular(str(p))
                reader = _LimitedReader(src, str(p), max_bytes)
                encrypt_stream(self.key, reader, out, magic=BLOB_MAGIC)
                out.flush()
                os.fsync(out.fileno())
            sha = reader.h.hexdigest()
            new = not (self.exists(sha) and self.verify(sha))
            if new:
                self._install(Path(tmp), sha)
            else:
                Path(tmp).unlink()
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, reader.size, new

    def encrypt_in_place(self, sha256: str) -> bool:
        """A plaintext blob file of this (encrypted) store rewritten encrypted, atomically;
        False when it already is, or does not hash to its name (left for ``verify`` to name)."""
        from offline_store.filecrypt import encrypt_stream

        if self.key is None:
            raise ValueError("this blob store has no key")
        try:
            fh = open(self.path(sha256), "rb")
        except FileNotFoundError:
            return False
        with fh:
            if self._is_encrypted(fh):
                return False
            fd, tmp = tempfile.mkstemp(dir=self._tmp, prefix="enc-")
            try:
                with os.fdopen(fd, "wb") as out:
                    got, _n = encrypt_stream(self.key, fh, out, magic=BLOB_MAGIC)
                    out.flush()
                    os.fsync(out.fileno())
                if got != sha256:
                    Path(tmp).unlink()
                    return False
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        self._install(Path(tmp), sha256)
        return True

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

    def _is_encrypted(self, fh: BinaryIO) -> bool:
        head = fh.read(len(BLOB_MAGIC))
        fh.seek(0)
        return head == BLOB_MAGIC

    def open(self, sha256: str, *, check: bool = True):
        """A reader that raises BlobCorrupt when the last byte is read and the hash differs
        (plaintext, whatever the file's form)."""
        try:
            fh = open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise BlobCorrupt(sha256, "missing") from None
        if self.key is not None and self._is_encrypted(fh):
            return _DecryptingReader(sha256, self.key, fh, check=check)
        return _VerifyingReader(sha256, fh)

    def head(self, sha256: str, n: int = 16) -> bytes:
        """The first ``n`` plaintext bytes (to sniff the type) — not hash-checked."""
        with self.open(sha256, check=False) as r:
            return r.read(n)

    def read_range(self, sha256: str, offset: int, length: int) -> bytes:
        """``length`` plaintext bytes from ``offset`` (the uploader's chunks), decrypting only
        the chunks that hold them; shorter at the end of the blob."""
        try:
            fh = open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise BlobCorrupt(sha256, "missing") from None
        with fh:
            if self.key is None or not self._is_encrypted(fh):
                fh.seek(offset)
                return fh.read(length)
            from offline_store.filecrypt import DecryptError, decrypt_chunk_at

            out = bytearray()
            k = offset // CHUNK
            skip = offset - k * CHUNK
            while len(out) < length:
                try:
                    plain, last = decrypt_chunk_at(self.key, fh, k, magic=BLOB_MAGIC)
                except DecryptError as exc:
                    raise BlobCorrupt(sha256, f"cannot be decrypted ({exc})") from None
                if plain is None:
                    break
                out += plain[skip:skip + length - len(out)]
                skip = 0
                k += 1
                if last:
                    break
            return bytes(out)

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
        """Plaintext size (an encrypted file is a little larger)."""
        p = self.path(sha256)
        n = p.stat().st_size
        if self.key is not None and n >= _HEAD:
            with open(p, "rb") as fh:
                if self._is_encrypted(fh):
                    return plain_size(n)
        return n

    def all(self) -> list[str]:
        """Names of every stored blob (for verify and backup)."""
        return sorted(p.name for p in self.root.glob("??/*") if _SHA.match(p.name))
