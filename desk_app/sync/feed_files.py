"""Files of dossiers that arrive through the unit feed (another desk's scans), fetched later.

Applying a feed page only queues a ``deferred.fetch_attachment`` item per missing file (same
transaction as the record, idempotent by op_id), so a page never waits on megabytes. The deferred
lane then downloads ``GET /api/v1/blobs/{sha256}``, checks the SHA-256, stores the blob (fsync'd)
and only then adds the attachment row — so every row still names a blob that exists.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

from desk_app.sync import deferred
from offline_store import outbox, repo

FETCH_KIND = "deferred.fetch_attachment"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_FILE = 500 * 1024 * 1024
MIN_RATE = 50_000  # bytes/s a download must keep up before it counts as stalled


def fetch_op_id(record_id: str, sha256: str) -> str:
    return f"fetch:{record_id}:{sha256}"


def queue_fetches(conn: Any, item: dict) -> int:
    """Queue a download for each file of a feed dossier this desk does not hold (in the page's
    transaction). Our own dossiers already have their files; replays queue nothing new."""
    record_id = item.get("record_id")
    rec = item.get("record") or {}
    mine = repo.get_dossier_by_record_id(conn, record_id) if isinstance(record_id, str) else None
    if mine is None or mine["origin"] != "feed":
        return 0
    queued = 0
    for f in rec.get("TaiLieuNop") or []:
        if not isinstance(f, dict):
            continue
        sha, size = f.get("TepDinhKemId"), f.get("KichThuoc")
        if not (isinstance(sha, str) and _SHA256.match(sha)) or not isinstance(size, int) \
                or isinstance(size, bool) or not 0 <= size <= MAX_FILE:
            continue
        op_id = fetch_op_id(record_id, sha)
        if outbox.exists(conn, op_id) or repo.has_attachment(conn, int(mine["id"]), sha):
            continue
        name = f.get("TenTepDinhKem") if isinstance(f.get("TenTepDinhKem"), str) else ""
        outbox.enqueue(conn, kind=FETCH_KIND, lane="deferred", record_id=record_id, op_id=op_id,
                       payload={"record_id": record_id, "sha256": sha, "size": size,
                                "filename": name[:255] or f"{sha[:12]}.bin",
                                "component": str(f.get("MaThanhPhanHoSo") or "")})
        queued += 1
    return queued


async def fetch_attachment(item: Any, ctx: deferred.DeferredContext) -> None:
    """Download one file of a feed dossier, verify it, store it, then record the attachment."""
    from desk_app.sync.api import API

    p = item.payload
    sha, size, store = p["sha256"], int(p["size"]), ctx.store
    have = await ctx.run_db(lambda: store.blobs.exists(sha) and store.blobs.verify(sha))
    if not have:
        reply = await ctx.api.request("GET", f"{API}/blobs/{sha}", ok=(200,), accept=(404,),
                                      max_body=size + 1, deadline=max(60.0, size / MIN_RATE))
        if reply.status == 404:  # the province no longer has it: a person must look, not a loop
            raise deferred.DeferredError(f"file {sha[:12]}… is not on the provincial server",
                                         retryable=False)
        if len(reply.body) != size or hashlib.sha256(reply.body).hexdigest() != sha:
            # a damaged transfer or a wrong file: fetch again later, never store it
            raise deferred.DeferredError(f"file {sha[:12]}… arrived damaged; will fetch again")
        await ctx.run_db(store.blobs.put_bytes, reply.body)

    def record() -> None:
        with store.transaction() as conn:
            d = repo.get_dossier_by_record_id(conn, p["record_id"])
            if d is None:
                return
            seq = int(p["component"]) if str(p.get("component", "")).isdigit() else None
            repo.insert_attachment(conn, int(d["id"]), {
                "sha256": sha, "size": size, "filename": p["filename"], "component_seq": seq,
                "mime": _mime(p["filename"]), "kind": "scan"})
    await ctx.run_db(record)


def _mime(filename: str) -> str:
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


deferred.register(FETCH_KIND, fetch_attachment)
