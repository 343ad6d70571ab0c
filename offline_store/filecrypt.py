"""Streaming file encryption for backups: AES-256-GCM in 1 MiB chunks (``cryptography``).

Why chunks: a backup holds blobs of several hundred MB; one GCM message would need the whole file
in memory to authenticate. Each chunk is its own GCM message whose nonce is the file's random
8-byte prefix plus the chunk counter, and whose associated data binds the header, the counter and
a "last chunk" flag — so reordered, dropped, truncated or appended chunks all fail to decrypt,
as does any flipped bit (the tag). A file is::

    MAGIC (6) | nonce prefix (8) | { length (4, big-endian) | ciphertext+tag } …

Writes go to ``<target>.part``, are fsync'd, then renamed over the target and the folder fsync'd:
a ``kill -9`` leaves either no target or a complete one (the ``.part`` is swept later).
"""
from __future__ import annotations

import hashlib
import os
import secrets
import struct
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from offline_store.blobs import _fsync_dir

MAGIC = b"DKBK1\n"
CHUNK = 1 << 20
_LEN = struct.Struct(">I")


class DecryptError(ValueError):
    """Wrong key, or the file was changed, truncated or is not ours."""


def _aead(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(key) != 32:
        raise ValueError("a 32-byte key is needed")
    return AESGCM(key)


def _aad(header: bytes, counter: int, last: bool) -> bytes:
    return header + struct.pack(">IB", counter, 1 if last else 0)


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (no-op on Windows, where folders cannot be opened)."""
    _fsync_dir(path)


def encrypt_stream(key: bytes, src: BinaryIO, dst: BinaryIO,
                   on_bytes: Callable[[int], None] | None = None, *,
                   magic: bytes = MAGIC) -> tuple[str, int]:
    """Encrypt ``src`` into ``dst``; returns (sha256 of the plaintext, plaintext size).
    ``magic``: 6 bytes naming the kind of file (backups ``DKBK1``, a store's blobs ``DKBL1``)."""
    aead = _aead(key)
    prefix = secrets.token_bytes(8)
    header = magic + prefix
    dst.write(header)
    digest, size, counter = hashlib.sha256(), 0, 0
    chunk = src.read(CHUNK)
    while True:
        nxt = src.read(CHUNK) if chunk else b""
        last = not nxt
        digest.update(chunk)
        size += len(chunk)
        ct = aead.encrypt(prefix + struct.pack(">I", counter), chunk, _aad(header, counter, last))
        dst.write(_LEN.pack(len(ct)))
        dst.write(ct)
        if on_bytes:
            on_bytes(len(chunk))
        counter += 1
        if last:
            return digest.hexdigest(), size
        chunk = nxt


def decrypt_chunks(key: bytes, src: BinaryIO, *, magic: bytes = MAGIC) -> Iterator[bytes]:
    """The plaintext of an encrypted file, chunk by chunk; ``DecryptError`` on any tampering."""
    from cryptography.exceptions import InvalidTag

    aead = _aead(key)
    header = src.read(len(magic) + 8)
    if len(header) != len(magic) + 8 or not header.startswith(magic):
        raise DecryptError("not an encrypted backup file" if magic == MAGIC
                           else "not an encrypted file of this kind")
    prefix = header[len(magic):]
    counter = 0
    while True:
        raw = src.read(_LEN.size)
        if len(raw) != _LEN.size:
            raise DecryptError("the file is truncated")
        (n,) = _LEN.unpack(raw)
        if n < 16 or n > CHUNK + 16:
            raise DecryptError("a chunk length is invalid")
        ct = src.read(n)
        if len(ct) != n:
            raise DecryptError("the file is truncated")
        nonce = prefix + struct.pack(">I", counter)
        for last in (False, True):
            try:
                plain = aead.decrypt(nonce, ct, _aad(header, counter, last))
                break
            except InvalidTag:
                continue
        else:
            raise DecryptError("wrong key, or the file was changed")
        yield plain
        counter += 1
        if last:
            if src.read(1):
                raise DecryptError("data after the last chunk")
            return


def decrypt_chunk_at(key: bytes, src: BinaryIO, index: int, *,
                     magic: bytes = MAGIC) -> tuple[bytes | None, bool]:
    """Chunk ``index`` of an encrypted file opened for reading (random access: every chunk but
    the last holds ``CHUNK`` bytes): (plaintext, is it the last chunk), or (None, True) past the
    end. ``DecryptError`` on tampering, as in ``decrypt_chunks``."""
    from cryptography.exceptions import InvalidTag

    aead = _aead(key)
    src.seek(0)
    header = src.read(len(magic) + 8)
    if len(header) != len(magic) + 8 or not header.startswith(magic):
        raise DecryptError("not an encrypted file of this kind")
    prefix = header[len(magic):]
    src.seek(len(header) + index * (_LEN.size + CHUNK + 16))
    raw = src.read(_LEN.size)
    if not raw:
        return None, True
    if len(raw) != _LEN.size:
        raise DecryptError("the file is truncated")
    (n,) = _LEN.unpack(raw)
    if n < 16 or n > CHUNK + 16:
        raise DecryptError("a chunk length is invalid")
    ct = src.read(n)
    if len(ct) != n:
        raise DecryptError("the file is truncated")
    nonce = prefix + struct.pack(">I", index)
    for last in (False, True):
        try:
            return aead.decrypt(nonce, ct, _aad(header, index, last)), last
        except InvalidTag:
            continue
    raise DecryptError("wrong key, or the file was changed")


def encrypt_file(key: bytes, src: Path, target: Path,
                 on_bytes: Callable[[int], None] | None = None) -> tuple[str, int]:
    """``src`` → ``target`` encrypted, atomically and durably. Returns (plaintext sha256, size)."""
    part = target.with_name(target.name + ".part")
    with open(src, "rb") as fin, open(part, "wb") as fout:
        out = encrypt_stream(key, fin, fout, on_bytes)
        fout.flush()
        os.fsync(fout.fileno())
    os.replace(part, target)
    fsync_dir(target.parent)
    return out


def decrypt_file(key: bytes, src: Path, target: Path) -> tuple[str, int]:
    """``src`` decrypted to ``target`` (atomically, fsync'd). Returns (sha256, size)."""
    part = target.with_name(target.name + ".part")
    digest, size = hashlib.sha256(), 0
    try:
        with open(src, "rb") as fin, open(part, "wb") as fout:
            for plain in decrypt_chunks(key, fin):
                digest.update(plain)
                size += len(plain)
                fout.write(plain)
            fout.flush()
            os.fsync(fout.fileno())
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, target)
    fsync_dir(target.parent)
    return digest.hexdigest(), size


def plaintext_sha256(key: bytes, src: Path) -> tuple[str, int]:
    """Decrypt ``src`` only to hash it (verify a backup without writing the plaintext)."""
    digest, size = hashlib.sha256(), 0
    with open(src, "rb") as fin:
        for plain in decrypt_chunks(key, fin):
            digest.update(plain)
            size += len(plain)
    return digest.hexdigest(), size
