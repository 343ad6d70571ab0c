"""Resumable attachment upload: tus 1.0.0 core + creation + checksum, streamed from the blob file.

Why tus rather than one POST per file: a 30 MB scan on a 3G link dies half way more often than
not; with an offset the next try sends only what the server lacks (at most one chunk again,
because a partially received chunk fails its ``Upload-Checksum`` and is discarded).
The creation request carries an ``Idempotency-Key`` derived from record_id + sha256, so an
engine restarted after ``kill -9`` finds the same upload instead of starting a new one.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin

from desk_app.sync import reasons
from desk_app.sync.api import API, Api, Meter, stream_bytes, watch

log = logging.getLogger(__name__)

TUS = {"Tus-Resumable": "1.0.0"}
DEFAULT_CHUNK = 2 * 1024 * 1024
MIN_CHUNK = 64 * 1024
MAX_CHUNK = 8 * 1024 * 1024
START_CHUNK = 256 * 1024   # adaptive, nothing remembered: the first chunk at most this (a first cut costs little)
GROWTH = 2.0           # after each clean chunk, on a link that never cut (slow start: 8 MiB after 5)
RUN_SHARE = 8          # on a link that cuts: a chunk is about an eighth of its typical run
RUN_WEIGHT = 0.3       # weight of the newest run in the link's typical run (moving average)


def clamp_chunk(n: float) -> int:
    """Bounded to 64 KiB…8 MiB, rounded down to 16 KiB (a stable, readable size)."""
    n = int(min(MAX_CHUNK, max(MIN_CHUNK, n)))
    return max(MIN_CHUNK, n - n % (16 * 1024))


@dataclass
class UploadStats:
    """What crossed the link for one file (the bench reads ``resent``)."""

    size: int = 0
    body_bytes: int = 0        # PATCH body bytes handed to the socket, including failed tries
    skipped: bool = False      # the server already had a verified copy
    requests: int = 0
    restarts: int = 0

    @property
    def resent(self) -> int:
        return max(0, self.body_bytes - self.size) if not self.skipped else self.body_bytes


@dataclass
class Attachment:
    sha256: str
    size: int
    filename: str
    path: Path
    # (offset, length) -> plaintext bytes; the blob store's reader (encrypted stores: the file
    # at ``path`` is ciphertext). None: read ``path`` directly.
    reader: Callable[[int, int], bytes] | None = None


def upload_key(record_id: str, sha: str, generation: int = 0) -> str:
    """Idempotency-Key for creation: stable across restarts, new only if the upload vanished."""
    return hashlib.sha256(f"{record_id}:{sha}:{generation}".encode()).hexdigest()[:40]


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode('utf-8')).decode('ascii')}" for k, v in values.items())


def _offset(headers: Any) -> int:
    raw = headers.get("upload-offset")
    if raw is None or not raw.strip().isdigit():
        raise reasons.bad_response(f"Upload-Offset không hợp lệ / invalid: {raw!r}")
    return int(raw)


def _read_range(path: Path, offset: int, length: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(length)


class Uploader:
    """Uploads files of one engine; remembers vanished uploads so it creates a new one."""

    def __init__(self, api: Api, *, chunk_size: int = DEFAULT_CHUNK, stall_seconds: float = 20.0,
                 adaptive: bool = False) -> None:
        """``adaptive``: size chunks to the link. A cut or a stall loses the chunk in flight (its
        checksum cannot be verified, and on a fast local link most of it already sat in socket
        buffers), so the loss per cut is about one chunk. Where cuts come every L bytes on
        average, a chunk of L/8 loses about 13 % and keeps requests few enough; so the uploader
        keeps ``run``, a moving average of the bytes that crossed between cuts, and sizes chunks
        to an eighth of it — of half the current clean run once that is longer (the link got
        better); a run far shorter than the average pulls it down at once (history weighs at most
        4 runs). With nothing remembered the first chunk is at most 256 KiB, doubling per clean
        chunk while the link never cut (8 MiB after five). Always within 64 KiB…8 MiB.
        The engine remembers chunk and run per server between runs (``state()``/``restore()``)."""
        self.api = api
        self.adaptive = adaptive
        self.chunk_size = clamp_chunk(min(chunk_size, START_CHUNK)) if adaptive else chunk_size
        self.run: float | None = None   # typical bytes between cuts (None: never cut)
        self._since_cut = 0
        self.stall_seconds = stall_seconds
        self._generation: dict[tuple[str, str], int] = {}
        self.meter = Meter()

    def state(self) -> str:
        """What the engine keeps between runs: ``"<chunk>"`` or ``"<chunk>:<run>"``."""
        return str(self.chunk_size) if self.run is None else f"{self.chunk_size}:{int(self.run)}"

    def restore(self, raw: str) -> None:
        chunk, _, run = (raw or "").partition(":")
        if chunk.isdigit():
            self.chunk_size = clamp_chunk(int(chunk))
        if run.isdigit() and int(run) > 0:
            self.run = float(run)

    async def server_has(self, sha: str) -> bool:
        """HEAD /blobs/{sha}: a complete verified copy in this unit means the file never crosses again."""
        reply = await self.api.request("HEAD", f"{API}/blobs/{sha}", ok=(200,), accept=(404,))
        return reply.status == 200

    async def upload(self, att: Attachment, record_id: str, *,
                     on_progress: Callable[[int], Any] | None = None) -> UploadStats:
        """Make the server hold ``att``; returns what it cost. Faults propagate to the engine."""
        stats = UploadStats(size=att.size)
        if await self.server_has(att.sha256):
            stats.skipped = True
            return stats
        for _ in range(5):
            url = await self._create(att, record_id)
            head = await self.api.request("HEAD", url, headers=TUS, ok=(200, 204), accept=(404, 410))
            stats.requests += 2
            if head.status in (404, 410):
                self._bump(record_id, att.sha256)
                stats.restarts += 1
                continue
            offset = _offset(head.headers)
            length = head.headers.get("upload-length")
            if (length is not None and length.strip() != str(att.size)) or offset > att.size:
                # the server describes another file than ours: stop, keep everything, say why
                raise reasons.bad_response(
                    f"máy chủ báo kích thước tệp {length}/{offset}, tệp có {att.size} byte / "
                    f"server reports size {length} offset {offset} for a file of {att.size} bytes")
            if await self._patch_all(url, att, offset, stats, on_progress):
                break
            self._bump(record_id, att.sha256)
            stats.restarts += 1
        else:
            raise reasons.server_error(410, "upload kept vanishing")
        if not await self.server_has(att.sha256):
            # Every byte is there but no file: the server crashed before filing it (or hashed it
            # and disagreed). Ask it to finish with the final empty PATCH, which is idempotent.
            stats.requests += 1
            if await self._finalise(url, att.size) and await self.server_has(att.sha256):
                return stats
            self._bump(record_id, att.sha256)
            raise reasons.bad_response("máy chủ không xác nhận mã băm tệp / server did not confirm the file hash")
        return stats

    async def _finalise(self, url: str, size: int) -> bool:
        """Empty PATCH at offset == length: "all bytes are there, file it"; True when accepted."""
        headers = dict(TUS)
        headers.update({"Upload-Offset": str(size), "Content-Type": "application/offset+octet-stream",
                        "Content-Length": "0"})
        reply = await self.api.request("PATCH", url, content=b"", headers=headers, ok=(204, 200),
                                       accept=(409, 460, 404, 410))
        return reply.status in (204, 200)

    def _cut(self, partial: int) -> None:
        """The link cut (or stalled) ``partial`` bytes into a chunk."""
        run = max(MIN_CHUNK, self._since_cut + max(0, partial))
        self._since_cut = 0
        if not self.adaptive:
            return
        before = self.chunk_size
        if self.run is None:
            self.run = float(run)
        else:  # a link that turned bad is believed at once: history counts for at most 4 runs of it
            self.run = RUN_WEIGHT * run + (1 - RUN_WEIGHT) * min(self.run, 4.0 * run)
        self.chunk_size = clamp_chunk(self.run / RUN_SHARE)
        log.info("tus: link cut after %d bytes (typical run %.0f); chunk %d -> %d", run, self.run, before,
                 self.chunk_size)

    def _clean(self, length: int) -> None:
        """A chunk of ``length`` bytes was acknowledged."""
        self._since_cut += length
        if not self.adaptive:
            return
        if self.run is None:
            if length >= self.chunk_size:  # only a full chunk says the size held
                self.chunk_size = clamp_chunk(self.chunk_size * GROWTH)
        else:
            # the link got better only when this clean run is well past the typical one
            self.chunk_size = clamp_chunk(max(self.run, self._since_cut / 2) / RUN_SHARE)

    def _bump(self, record_id: str, sha: str) -> None:
        key = (record_id, sha)
        self._generation[key] = self._generation.get(key, 0) + 1

    async def _create(self, att: Attachment, record_id: str) -> str:
        gen = self._generation.get((record_id, att.sha256), 0)
        headers = dict(TUS)
        headers.update({
            "Upload-Length": str(att.size),
            "Upload-Metadata": _meta(filename=att.filename, sha256=att.sha256, record_id=record_id),
            "Idempotency-Key": upload_key(record_id, att.sha256, gen),
        })
        reply = await self.api.request("POST", "/files/", headers=headers, ok=(201, 200))
        location = reply.headers.get("location")
        if not location:
            raise reasons.bad_response("tus: thiếu Location / missing Location")
        return urljoin(self.api.server + "/files/", location)

    async def _patch_all(self, url: str, att: Attachment, offset: int, stats: UploadStats,
                         on_progress: Callable[[int], Any] | None) -> bool:
        """PATCH from ``offset`` to the end; False when the upload vanished (caller recreates)."""
        checksum_failures = 0
        while offset < att.size:
            length = min(self.chunk_size, att.size - offset)
            if att.reader is not None:
                chunk = await asyncio.to_thread(att.reader, offset, length)
            else:
                chunk = await asyncio.to_thread(_read_range, att.path, offset, length)
            if len(chunk) != length:
                raise reasons.blob_missing(att.sha256)
            digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode("ascii")
            headers = dict(TUS)
            headers.update({"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                            "Content-Length": str(length), "Upload-Checksum": f"sha256 {digest}"})
            before = self.meter.sent
            self.meter.add(0)
            done_offset = offset

            async def tick() -> None:
                if on_progress is not None:
                    res = on_progress(done_offset + (self.meter.sent - before))
                    if asyncio.iscoroutine(res):
                        await res

            try:
                reply = await watch(
                    lambda: self.api.request("PATCH", url, content=lambda: stream_bytes(chunk, self.meter),
                                             headers=headers, ok=(204, 200), accept=(409, 460, 404, 410),
                                             deadline=None),
                    self.meter, stall_seconds=self.stall_seconds, on_tick=tick)
            except reasons.SyncFault as fault:
                if fault.code in ("network", "stalled"):
                    self._cut(self.meter.sent - before)
                raise
            finally:
                stats.body_bytes += self.meter.sent - before
                stats.requests += 1
            if reply.status in (404, 410):
                return False
            if reply.status == 460:
                checksum_failures += 1
                if checksum_failures >= 3:
                    raise reasons.server_error(460, "checksum mismatch repeated")
                continue
            if reply.status == 409:  # offset disagreement: ask again
                head = await self.api.request("HEAD", url, headers=TUS, ok=(200, 204), accept=(404, 410))
                if head.status in (404, 410):
                    return False
                offset = _offset(head.headers)
                continue
            new_offset = _offset(reply.headers)
            if new_offset != offset + length:
                raise reasons.bad_response(f"tus: offset {new_offset} != {offset + length}")
            offset = new_offset
            checksum_failures = 0
            self._clean(length)
            if on_progress is not None:
                res = on_progress(offset)
                if asyncio.iscoroutine(res):
                    await res
        return True
