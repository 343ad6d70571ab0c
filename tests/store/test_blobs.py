"""Blob store: names are SHA-256, writes are atomic, corruption is caught on read."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from offline_store.blobs import BlobCorrupt, BlobStore


def test_names_are_sha256_and_content_round_trips(tmp_path: Path) -> None:
    bs = BlobStore(tmp_path / "blobs")
    data = "Giấy khai sinh — bản chính".encode() * 1000
    sha, size = bs.put_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest() and size == len(data)
    assert bs.path(sha) == tmp_path / "blobs" / sha[:2] / sha
    assert bs.read_bytes(sha) == data and bs.verify(sha) and bs.exists(sha)
    f = tmp_path / "scan.pdf"
    f.write_bytes(data)
    assert bs.put_file(f) == (sha, size)                     # same content, same name
    assert bs.all() == [sha]
    assert not list((tmp_path / "blobs" / "tmp").iterdir())  # no temporary file left behind


def test_corrupted_blob_is_detected_on_read(tmp_path: Path) -> None:
    bs = BlobStore(tmp_path)
    sha, _ = bs.put_bytes(b"A" * 100_000)
    p = bs.path(sha)
    raw = bytearray(p.read_bytes())
    raw[50_000] ^= 0x01                                      # one flipped bit
    p.write_bytes(bytes(raw))
    assert not bs.verify(sha)
    with pytest.raises(BlobCorrupt):
        bs.read_bytes(sha)
    with pytest.raises(BlobCorrupt):
        with bs.open(sha) as r:
            while r.read(4096):
                pass
    p.unlink()
    with pytest.raises(BlobCorrupt, match="missing"):
        bs.read_bytes(sha)


def test_put_of_corrupt_existing_blob_repairs_it(tmp_path: Path) -> None:
    bs = BlobStore(tmp_path)
    sha, _ = bs.put_bytes(b"original bytes")
    bs.path(sha).write_bytes(b"garbage")
    bs.put_bytes(b"original bytes")
    assert bs.verify(sha)


def test_bad_names_are_rejected(tmp_path: Path) -> None:
    bs = BlobStore(tmp_path)
    for name in ("../../etc/passwd", "ABC", "g" * 64):
        with pytest.raises(ValueError):
            bs.path(name)


def test_failed_put_leaves_nothing(tmp_path: Path) -> None:
    bs = BlobStore(tmp_path / "b")
    with pytest.raises(OSError):
        bs.put_file(tmp_path)                                # a directory cannot be read
    assert bs.all() == [] and not list((tmp_path / "b" / "tmp").iterdir())


WRITER = r"""
import os, sys
from offline_store.blobs import BlobStore
bs = BlobStore(sys.argv[1])
i = 0
while True:
    data = os.urandom(1 << 20) + i.to_bytes(8, "big")
    sha, _ = bs.put_bytes(data)
    print(sha, flush=True)
    i += 1
"""


def test_kill_during_writes_never_leaves_a_partial_blob(tmp_path: Path) -> None:
    """SIGKILL a writer mid-stream: every name present hashes to itself (tmp files may remain)."""
    root = tmp_path / "blobs"
    p = subprocess.Popen([sys.executable, "-c", WRITER, str(root)], stdout=subprocess.PIPE,
                         text=True)
    done = [p.stdout.readline().strip() for _ in range(5)]   # wait for 5 completed blobs
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    bs = BlobStore(root)
    names = bs.all()
    assert set(done) <= set(names)
    assert all(bs.verify(n) for n in names)
