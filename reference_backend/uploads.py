"""tus 1.0.0 uploads (core, creation, checksum sha256, termination, expiration) and blobs.

Bytes go to ``uploads/<id>.part``; they are fsync'd before the new offset is committed and
acknowledged. The database offset is the truth: a PATCH first truncates the part file to it, so
bytes written but never acknowledged (a crash mid-request) are simply written again. When the last
byte arrives the whole file is hashed; only a match with the announced SHA-256 becomes a blob
(``blobs/<unit>/<aa>/<sha256>``), otherwise the upload is discarded.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import binascii
import hashlib
import logging
import os
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from .auth import Principal
from .common import (ApiError, Settings, blob_path, fsync_dir, makedirs_durable, part_path, sha256_file,
                     storable_text)
from .db import Database, blobs, idempotency, refresh_families, uploads

log = logging.getLogger("reference_backend.uploads")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
ID_RE = re.compile(r"^[0-9a-f]{32}$")
IDEM_RE = re.compile(r"^[\x21-\x7e]{1,128}$")
META_KEY_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def _lazy() -> bool:
    """Tests only (REFBACK_LAZY_FINISH=1): file a complete-but-unfiled upload only on the final
    empty PATCH, as a server without the HEAD/sweep repair would, to exercise the client's side."""
    return os.environ.get("REFBACK_LAZY_FINISH") == "1"


def _crash_point(name: str, what: str) -> None:
    """Tests only: ``REFBACK_CRASH_AT=<name>`` makes the server die right here, as a power cut
    would (points: ``part_written`` — bytes fsync'd, offset not committed; ``all_bytes`` — every
    byte committed, not filed; ``blob_moved`` — blob renamed into place, rows not written)."""
    if os.environ.get("REFBACK_CRASH_AT") == name:
        log.error("REFBACK_CRASH_AT=%s: exiting %s", name, what)
        os._exit(137)


def http_date(ts: float) -> str:
    return formatdate(ts, usegmt=True)


def parse_metadata(raw: str) -> dict[str, str]:
    """tus Upload-Metadata: comma-separated 'key base64value' pairs (value optional)."""
    out: dict[str, str] = {}
    if not raw.strip():
        return out
    for pair in raw.split(","):
        parts = pair.strip().split(" ")
        if len(parts) not in (1, 2) or not META_KEY_RE.match(parts[0]) or parts[0] in out:
            raise ValueError("bad pair")
        value = ""
        if len(parts) == 2:
            value = base64.b64decode(parts[1], validate=True).decode("utf-8")
        out[parts[0]] = value
    return out


def parse_checksum(header: str | None) -> bytes | None:
    if header is None:
        return None
    algo, _, b64 = header.strip().partition(" ")
    if algo.lower() != "sha256":
        raise ApiError(400, "unsupported_checksum", "Thuật toán kiểm tra không được hỗ trợ",
                       "Only sha256 checksums are supported")
    try:
        digest = base64.b64decode(b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 32:
        raise ApiError(400, "bad_checksum", "Giá trị Upload-Checksum không hợp lệ", "Malformed Upload-Checksum")
    return digest


@dataclass
class PatchOutcome:
    offset: int
    expires_at: float | None


class UploadService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.s = db, settings
        self.dir = Path(settings.data_dir) / "uploads"
        self.dir.mkdir(parents=True, exist_ok=True)
        (Path(settings.data_dir) / "blobs").mkdir(parents=True, exist_ok=True)
        # one lock per upload *being written*: entries exist only while a request holds or waits
        # for them, and only for ids that exist (checked before), so the table cannot be grown
        self._locks: dict[str, list] = {}   # id -> [lock, users]

    @contextlib.asynccontextmanager
    async def lock(self, upload_id: str) -> AsyncIterator[None]:
        entry = self._locks.setdefault(upload_id, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._locks.pop(upload_id, None)

    # ---- creation -----------------------------------------------------------------------------
    def create(self, who: Principal, length: int, raw_meta: str, idem_key: str | None) -> tuple[str, int, float]:
        """Returns (upload id, offset, expires_at); the same Idempotency-Key gives the same upload."""
        if length > self.s.max_upload_bytes:
            raise ApiError(413, "upload_too_large", "Tệp quá lớn", "Upload-Length exceeds Tus-Max-Size",
                           details={"max": self.s.max_upload_bytes})
        try:
            meta = parse_metadata(raw_meta)
        except (ValueError, UnicodeError, binascii.Error):
            raise ApiError(400, "bad_metadata", "Upload-Metadata không hợp lệ", "Malformed Upload-Metadata") from None
        sha = meta.get("sha256", "")
        if not storable_text(meta) or (idem_key is not None and not IDEM_RE.match(idem_key)):
            raise ApiError(400, "bad_metadata", "Upload-Metadata hoặc Idempotency-Key chứa ký tự không hợp lệ",
                           "Upload-Metadata or Idempotency-Key contains invalid characters")
        # tus 1.0.0 requires no metadata: without sha256 the file is hashed when complete and filed
        # under what it is (a record naming it is then checked against that); with it, it must match
        if sha and not SHA_RE.match(sha):
            raise ApiError(400, "bad_metadata", "sha256 trong Upload-Metadata phải là 64 ký tự hex thường",
                           "Upload-Metadata sha256 must be lowercase hex")
        filename = meta.get("filename") or meta.get("name") or ""
        for _ in range(3):
            if idem_key:
                with self.db.read() as conn:
                    row = conn.execute(sa.select(uploads).where(uploads.c.unit_code == who.unit_code,
                                                                uploads.c.idempotency_key == idem_key)).first()
                if row is not None:
                    if (row.length != length or row.sha256 != sha or row.filename != filename[:500]
                            or row.record_id != meta.get("record_id")):
                        raise ApiError(409, "idempotency_mismatch",
                                       "Idempotency-Key đã dùng cho tệp khác",
                                       "Idempotency-Key already used for another upload")
                    return row.id, int(row.upload_offset), float(row.expires_at)
            upload_id = uuid.uuid4().hex
            now = time.time()
            expires = now + self.s.upload_expiry_seconds
            part = part_path(self.s.data_dir, upload_id)
            with open(part, "wb") as f:
                os.fsync(f.fileno())
            fsync_dir(self.dir)
            try:
                with self.db.write() as conn:
                    conn.execute(sa.insert(uploads).values(
                        id=upload_id, unit_code=who.unit_code, length=length, upload_offset=0, sha256=sha,
                        filename=filename[:500], record_id=meta.get("record_id"),
                        metadata_raw=raw_meta, idempotency_key=idem_key, complete=False,
                        created_at=now, expires_at=expires))
            except IntegrityError:
                part.unlink(missing_ok=True)
                continue  # a concurrent creation with the same key won: answer its URL
            if length == 0:
                self._finish(who, upload_id, sha)
            return upload_id, 0, expires
        raise ApiError(503, "busy", "Máy chủ đang bận", "Server busy", headers={"Retry-After": "1"})

    # ---- state ----------------------------------------------------------------------------------
    def get(self, who: Principal, upload_id: str) -> sa.Row:
        if not ID_RE.match(upload_id):
            raise ApiError(404, "not_found", "Không có phiên tải lên này", "No such upload")
        with self.db.read() as conn:
            row = conn.execute(sa.select(uploads).where(uploads.c.id == upload_id)).first()
        if row is None or row.unit_code != who.unit_code:
            raise ApiError(404, "not_found", "Không có phiên tải lên này", "No such upload")
        if not row.complete and row.expires_at < time.time():
            raise ApiError(410, "expired", "Phiên tải lên đã hết hạn", "Upload expired")
        return row

    def terminate(self, who: Principal, upload_id: str) -> None:
        row = self.get(who, upload_id)
        with self.db.write() as conn:
            conn.execute(sa.delete(uploads).where(uploads.c.id == row.id))
        part_path(self.s.data_dir, row.id).unlink(missing_ok=True)

    # ---- PATCH ----------------------------------------------------------------------------------
    async def patch(self, who: Principal, upload_id: str, offset: int, checksum: bytes | None,
                    content_length: int | None, body: AsyncIterator[bytes]) -> PatchOutcome:
        await run_in_threadpool(self.get, who, upload_id)  # 404 for unknown ids before any lock
        async with self.lock(upload_id):
            row = await run_in_threadpool(self.get, who, upload_id)
            if offset == row.upload_offset == row.length:
                # the final empty PATCH (or a repeat): file it if a crash left it unfiled; idempotent
                if not row.complete:
                    await run_in_threadpool(self._finish, who, upload_id, row.sha256)
                return PatchOutcome(offset, None)
            if row.complete or offset != row.upload_offset:
                raise ApiError(409, "offset_mismatch", "Vị trí tải lên không khớp", "Upload-Offset mismatch",
                               headers={"Upload-Offset": str(row.upload_offset)},
                               details={"offset": int(row.upload_offset)})
            remaining = int(row.length) - offset
            limit = min(self.s.max_chunk_bytes, remaining)
            if content_length is not None and content_length > self.s.max_chunk_bytes:
                raise ApiError(413, "chunk_too_large", "Phần tải lên quá lớn", "Chunk over the limit",
                               details={"max": self.s.max_chunk_bytes})
            if content_length is not None and content_length > remaining:
                raise ApiError(400, "beyond_length", "Dữ liệu vượt quá độ dài tệp", "Chunk exceeds Upload-Length")
            part = part_path(self.s.data_dir, upload_id)
            h = hashlib.sha256()
            received = 0
            cut = False
            with open(part, "r+b" if part.exists() else "w+b") as f:
                f.truncate(offset)
                f.seek(offset)
                try:
                    async for chunk in body:
                        received += len(chunk)
                        if received > limit:
                            f.truncate(offset)
                            raise ApiError(413 if received > self.s.max_chunk_bytes else 400,
                                           "chunk_too_large", "Phần tải lên quá lớn",
                                           "Chunk over the limit or beyond Upload-Length")
                        f.write(chunk)
                        h.update(chunk)
                except ClientDisconnect:  # also a body the guard timed out (answered 408 by it)
                    cut = True
                if checksum is not None and (cut or h.digest() != checksum):
                    f.truncate(offset)
                    if cut:
                        raise ApiError(400, "cut", "Kết nối bị ngắt", "Client disconnected")
                    raise ApiError(460, "checksum_mismatch", "Mã kiểm tra phần tải lên không khớp",
                                   "Chunk checksum mismatch")
                f.flush()
                await run_in_threadpool(os.fsync, f.fileno())
            if received:
                _crash_point("part_written", f"before committing offset {offset + received} of {upload_id}")
            new_offset = offset + received
            expires = time.time() + self.s.upload_expiry_seconds
            await run_in_threadpool(self._set_offset, upload_id, new_offset, expires)
            if cut:
                raise ApiError(400, "cut", "Kết nối bị ngắt", "Client disconnected")
            if new_offset == row.length:
                _crash_point("all_bytes", f"before filing {upload_id}")
                await run_in_threadpool(self._finish, who, upload_id, row.sha256)
                return PatchOutcome(new_offset, None)
            return PatchOutcome(new_offset, expires)

    def _set_offset(self, upload_id: str, offset: int, expires: float) -> None:
        with self.db.write() as conn:
            conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(
                upload_offset=offset, expires_at=expires))

    def _finish(self, who: Principal, upload_id: str, sha: str) -> None:
        """Hash the whole file; a match becomes a blob of the unit, a mismatch is discarded.

        Idempotent and crash-safe: every step can be repeated, and a crash after any of them is
        finished by the next HEAD, PATCH or the sweep at start (:meth:`finish_pending`)."""
        part = part_path(self.s.data_dir, upload_id)
        if not part.exists() and sha:
            dest = blob_path(self.s.data_dir, who.unit_code, sha)
            if dest.exists():  # crashed after the rename: only the rows are left to write
                part = dest
        actual, size = sha256_file(part)
        if not sha:  # no sha256 announced: filed under what it is; noted first so a crash after
            sha = actual  # the rename below still finds the blob
            with self.db.write() as conn:
                conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(sha256=sha))
        if actual != sha:
            with self.db.write() as conn:
                conn.execute(sa.delete(uploads).where(uploads.c.id == upload_id))
            part.unlink(missing_ok=True)
            log.warning("upload %s discarded: sha256 %s announced, %s received", upload_id, sha, actual)
            raise ApiError(460, "file_sha256_mismatch", "Tệp nhận được không khớp mã SHA-256 đã khai báo",
                           "The received file does not match its announced SHA-256",
                           details={"announced": sha, "received": actual})
        dest = blob_path(self.s.data_dir, who.unit_code, sha)
        if part != dest:
            makedirs_durable(dest.parent)  # new directories fsync'd in their parents
            os.replace(part, dest)
            fsync_dir(dest.parent)
            fsync_dir(part.parent)
            _crash_point("blob_moved", f"after moving {upload_id} into place, before its rows")
        now = time.time()
        with self.db.write() as conn:
            conn.execute(self.db.insert_ignore(blobs, unit_code=who.unit_code, sha256=sha, size=size,
                                               created_at=now))
            conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(complete=True, sha256=sha))

    async def ensure_finished(self, who: Principal, row: sa.Row) -> sa.Row:
        """HEAD on an upload with every byte but no blob (a crash before filing): file it now."""
        if row.complete or int(row.upload_offset) != int(row.length) or _lazy():
            return row
        async with self.lock(row.id):
            row = await run_in_threadpool(self.get, who, row.id)
            if not row.complete and int(row.upload_offset) == int(row.length):
                try:
                    await run_in_threadpool(self._finish, who, row.id, row.sha256)
                except ApiError as e:
                    if e.status == 460:  # discarded: the upload is gone, the client starts again
                        raise ApiError(404, "not_found", "Không có phiên tải lên này", "No such upload") from None
                    raise
            return await run_in_threadpool(self.get, who, row.id)

    def finish_pending(self) -> int:
        """The sweep at start: file every upload whose bytes all arrived before a crash."""
        if _lazy():
            return 0
        with self.db.read() as conn:
            rows = conn.execute(sa.select(uploads).where(uploads.c.complete == sa.false(),
                                                         uploads.c.upload_offset == uploads.c.length)).all()
        n = 0
        for row in rows:
            try:
                self._finish(Principal("", row.unit_code, 0), row.id, row.sha256)
                n += 1
            except ApiError as e:
                log.warning("sweep: upload %s not filed: %s", row.id, e.code)
            except OSError as e:
                log.warning("sweep: upload %s not filed: %s", row.id, e)
        if n:
            log.warning("sweep: filed %d uploads complete before a crash", n)
        return n

    # ---- blobs ---------------------------------------------------------------------------------
    def blob(self, who: Principal, sha: str) -> tuple[Path, int]:
        if not SHA_RE.match(sha):
            raise ApiError(400, "bad_sha256", "Mã SHA-256 không hợp lệ", "Not a lowercase SHA-256 hex digest")
        with self.db.read() as conn:
            row = conn.execute(sa.select(blobs).where(blobs.c.unit_code == who.unit_code,
                                                      blobs.c.sha256 == sha)).first()
        path = blob_path(self.s.data_dir, who.unit_code, sha)
        if row is None or not path.exists():
            raise ApiError(404, "not_found", "Không có tệp này", "No such blob in this unit")
        return path, int(row.size)

    # ---- cleanup -------------------------------------------------------------------------------
    def cleanup(self, now: float | None = None) -> dict:
        """Release expired incomplete uploads, orphan parts and idempotency keys past retention."""
        return cleanup(self.db, self.s, now)


def cleanup(db: Database, s: Settings, now: float | None = None) -> dict:
    now = time.time() if now is None else now
    keep_after = now - s.idempotency_days * 86400
    with db.write() as conn:
        stale = [r.id for r in conn.execute(sa.select(uploads.c.id).where(
            uploads.c.complete == sa.false(), uploads.c.expires_at < now))]
        if stale:
            conn.execute(sa.delete(uploads).where(uploads.c.id.in_(stale)))
        done = conn.execute(sa.delete(uploads).where(uploads.c.complete == sa.true(),
                                                     uploads.c.created_at < keep_after)).rowcount
        keys = conn.execute(sa.delete(idempotency).where(idempotency.c.created_at < keep_after)).rowcount
        conn.execute(sa.delete(refresh_families).where(refresh_families.c.created_at < now - s.refresh_ttl_seconds))
    for upload_id in stale:
        part_path(s.data_dir, upload_id).unlink(missing_ok=True)
    # Parts with no row: a crash between creating the file and committing the row.
    orphans = 0
    updir = Path(s.data_dir) / "uploads"
    if updir.exists():
        with db.read() as conn:
            known = {r.id for r in conn.execute(sa.select(uploads.c.id))}
        for p in updir.glob("*.part"):
            if p.stem not in known and p.stat().st_mtime < now - 60:
                p.unlink(missing_ok=True)
                orphans += 1
    if stale or keys or orphans:
        log.info("cleanup: %d expired uploads, %d orphan parts, %d idempotency keys", len(stale), orphans, keys)
    return {"expired_uploads": len(stale), "completed_uploads": done, "idempotency_keys": keys,
            "orphan_parts": orphans}
