"""Interoperability: an independent tus client (tuspy, from PyPI) against our tus server."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tusclient.client import TusClient
from tusclient.uploader import Uploader

from tests.backend.refserver import Server
from tests.backend.test_api import cut_patch, head_offset, wait_for


class Sha256Uploader(Uploader):
    """tuspy's documented extension point: the checksum algorithm our server supports."""

    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def test_tuspy_uploads_and_resumes_a_cut_upload(server: Server, tmp_path: Path) -> None:
    c = server.client()
    tus = TusClient(server.url + "/files/", headers={"Authorization": f"Bearer {c.token['access_token']}"})
    # 1. a whole file, chunk by chunk, every chunk checksummed
    data = os.urandom(600_000)
    f = tmp_path / "scan.pdf"
    f.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    up = Sha256Uploader(file_path=str(f), client=tus, chunk_size=64 * 1024, upload_checksum=True,
                        metadata={"filename": "bản scan.pdf", "sha256": sha})
    up.upload()
    assert c.http.get(f"/api/v1/blobs/{sha}").content == data
    # 2. a cut upload resumed by a fresh tuspy uploader from the server's offset
    data2 = os.urandom(500_000)
    f2 = tmp_path / "scan2.pdf"
    f2.write_bytes(data2)
    sha2 = hashlib.sha256(data2).hexdigest()
    first = Sha256Uploader(file_path=str(f2), client=tus, chunk_size=100_000, upload_checksum=True,
                           metadata={"filename": "scan2.pdf", "sha256": sha2})
    first.upload(stop_at=200_000)
    path = first.url.split(server.url, 1)[1]
    cut_patch(server, c, path, 200_000, data2[200_000:300_000], 70_000)  # link dies mid-chunk
    wait_for(lambda: head_offset(c, path) > 200_000, what="cut bytes kept")
    resumed = Sha256Uploader(file_path=str(f2), client=tus, url=first.url, chunk_size=100_000,
                             upload_checksum=True)
    assert resumed.offset == head_offset(c, path) > 200_000
    resumed.upload()
    assert c.http.get(f"/api/v1/blobs/{sha2}").content == data2


def test_tuspy_without_any_project_metadata(server: Server, tmp_path: Path) -> None:
    """tus 1.0.0 requires no metadata: plain tuspy (its own default metadata only) creates, is cut,
    resumes and finishes; the file is filed under its own SHA-256."""
    c = server.client()
    tus = TusClient(server.url + "/files/", headers={"Authorization": f"Bearer {c.token['access_token']}"})
    data = os.urandom(400_000)
    f = tmp_path / "plain.bin"
    f.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    first = Sha256Uploader(file_path=str(f), client=tus, chunk_size=100_000, upload_checksum=True)
    first.upload(stop_at=100_000)
    resumed = Sha256Uploader(file_path=str(f), client=tus, url=first.url, chunk_size=100_000, upload_checksum=True)
    assert resumed.offset == 100_000
    resumed.upload()
    assert c.http.get(f"/api/v1/blobs/{sha}").content == data
