"""Record push (idempotent, versioned, attachment-checked), the unit feed, status and admin changes.

Each item is its own transaction: an accepted item is committed before the batch answers, and
one bad item cannot undo or block the others.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging
import re
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import sqlalchemy as sa
import yaml
from sqlalchemy.exc import IntegrityError, OperationalError

from . import portal
from .auth import Principal
from .common import ApiError, canonical_json, storable_text
from .db import Database, blobs, feed, idempotency, receipt_counters, records, unit_counters

log = logging.getLogger("reference_backend.records")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MA_HO_SO_RE = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4,6}$")

# The desk's finer status <-> national TrangThaiHoSo codes (see openapi.yaml info.description).
STATUS_TO_CODE = {"received": 2, "in_process": 4, "waiting_supplement": 5, "supplemented": 4,
                  "result_ready": 9, "returned": 10, "refused": 3, "withdrawn": 7,
                  "stopped": 8}
CODE_TO_STATUS = {2: "received", 3: "refused", 4: "in_process", 5: "waiting_supplement",
                  7: "withdrawn", 8: "stopped", 9: "result_ready", 10: "returned"}


def openapi_path() -> Path:
    return Path(__file__).resolve().parent.parent / "resources" / "api" / "openapi.yaml"


def load_item_validator(path: Path | None = None) -> jsonschema.Draft202012Validator:
    """Validate items against the OpenAPI document itself, so the server cannot drift from it."""
    doc = yaml.safe_load((path or openapi_path()).read_text(encoding="utf-8"))
    schema = {"$ref": "#/components/schemas/BatchItem", "components": doc["components"]}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _result(op_id: str, status: str, **extra: Any) -> dict:
    return {"op_id": op_id, "status": status, **{k: v for k, v in extra.items() if v is not None}}


def _rejected(op_id: str, code: str, vi: str, en: str, details: dict | None = None) -> dict:
    err: dict = {"code": code, "message": f"{vi} / {en}"}
    if details:
        err["details"] = details
    return _result(op_id, "rejected", error=err)


def _valid_ts(s: str | None) -> bool:
    if s is None:
        return True
    try:
        dt.datetime.strptime(s, "%Y%m%d%H%M%S")
        return True
    except ValueError:
        return False


class RecordService:
    def __init__(self, db: Database, validator: jsonschema.Draft202012Validator) -> None:
        self.db, self.validator = db, validator

    # ---- push -------------------------------------------------------------------------------
    def push_batch(self, who: Principal, items: list) -> list[dict]:
        """All valid items of a batch in one transaction (one unit lock, one commit), each item in
        its own savepoint so a failing item never undoes another. Committed before we answer."""
        results: list[dict | None] = [None] * len(items)
        todo: list[tuple[int, dict, str]] = []
        for i, item in enumerate(items):
            op_id = item.get("op_id") if isinstance(item, dict) else None
            op_id = op_id if isinstance(op_id, str) and 0 < len(op_id) <= 128 else ""
            problem = self._check(who, item)
            if problem is not None:
                log.warning("rejected op %r: %s", op_id, problem["error"]["code"])
                results[i] = {**problem, "op_id": op_id}
                continue
            fingerprint = hashlib.sha256(canonical_json(
                {k: item[k] for k in ("kind", "record_id", "base_version", "record")}).encode()).hexdigest()
            todo.append((i, item, fingerprint))
        if todo:
            for attempt in range(5):
                try:
                    done = self._apply_all(who, todo)
                    break
                except (IntegrityError, OperationalError) as exc:
                    # SQLite busy, PostgreSQL serialization or a race lost to another unit's
                    # transaction: nothing was committed, so the whole batch is simply retried.
                    log.warning("batch retry %d: %s", attempt + 1, exc)
            else:
                raise ApiError(503, "busy", "Máy chủ đang bận, vui lòng thử lại", "Server busy, retry",
                               headers={"Retry-After": "1"})
            for i, res in done.items():
                results[i] = res
        return [r for r in results if r is not None]

    def push_item(self, who: Principal, item: Any) -> dict:
        return self.push_batch(who, [item])[0]

    def _check(self, who: Principal, item: Any) -> dict | None:
        """Validation that needs no database; returns a rejected result or None."""
        errors = sorted(self.validator.iter_errors(item), key=lambda e: list(e.path))[:5]
        if errors:
            return _rejected("", "invalid", "Bản ghi không hợp lệ", "Invalid record",
                             {"problems": [f"{'/'.join(map(str, e.path))}: {e.message}"[:300]
                                           for e in errors]})
        if not storable_text(item):
            return _rejected("", "invalid", "Văn bản chứa ký tự không hợp lệ (NUL hoặc mã hóa hỏng)",
                             "Text contains an invalid character (NUL or broken encoding)")
        rec = item["record"]
        if rec["record_id"] != item["record_id"]:
            return _rejected("", "invalid", "record_id của bản ghi không khớp",
                             "record.record_id differs from the item's record_id")
        if (item["kind"] == "dossier.create") != (item["base_version"] is None):
            return _rejected("", "invalid", "base_version phải rỗng khi tạo mới và có khi cập nhật",
                             "base_version must be null for create and set for update")
        if not (_valid_ts(rec["NgayTiepNhan"]) and _valid_ts(rec.get("NgayHenTra"))):
            return _rejected("", "invalid", "Ngày không tồn tại", "Date does not exist")
        if rec["DonViXuLy"] != who.unit_code or not rec["MaHoSo"].startswith(who.unit_code + "-"):
            return _rejected("", "unit_mismatch", "Hồ sơ không thuộc đơn vị của tài khoản này",
                             "The dossier belongs to another unit")
        return None

    def _attachments(self, rec: dict) -> dict[str, int | None]:
        want: dict[str, int | None] = {}
        for a in rec.get("TaiLieuNop", []):
            want.setdefault(a["TepDinhKemId"], a["KichThuoc"])
        for d in rec.get("DanhSachGiayToKetQua", []) or []:
            if d.get("TepDinhKemId"):
                want.setdefault(d["TepDinhKemId"], None)
        return want

    def _apply_all(self, who: Principal, todo: list[tuple[int, dict, str]]) -> dict[int, dict]:
        """Decide every item against a snapshot read in a few set queries, then write in bulk.

        The unit lock is held for the whole transaction, so nothing of this unit changes under us;
        the only outside race (another unit creating the same record_id) raises IntegrityError and
        the caller retries the batch, which then sees that record.
        """
        unit = who.unit_code
        out: dict[int, dict] = {}
        with self.db.write() as conn:
            seq = self.db.lock_unit(conn, unit)
            op_ids = list({item["op_id"] for _, item, _ in todo})
            rids = list({item["record_id"] for _, item, _ in todo})
            codes = list({item["record"]["MaHoSo"] for _, item, _ in todo})
            wanted = {sha for _, item, _ in todo for sha in self._attachments(item["record"])}
            prior = {r.op_id: (r.fingerprint, json.loads(r.result_json)) for r in conn.execute(
                sa.select(idempotency).where(idempotency.c.unit_code == unit, idempotency.c.op_id.in_(op_ids)))}
            current: dict[str, dict] = {}
            for r in conn.execute(sa.select(records).where(
                    sa.or_(records.c.record_id.in_(rids),
                           (records.c.unit_code == unit) & records.c.ma_ho_so.in_(codes)))):
                current[r.record_id] = {"record_id": r.record_id, "unit_code": r.unit_code,
                                        "ma_ho_so": r.ma_ho_so, "so_bien_nhan": r.so_bien_nhan,
                                        "version": int(r.version), "record_json": r.record_json, "existed": True}
            code_owner = {c["ma_ho_so"]: c["record_id"] for c in current.values() if c["unit_code"] == unit}
            have = {r.sha256: int(r.size) for r in conn.execute(sa.select(blobs.c.sha256, blobs.c.size).where(
                blobs.c.unit_code == unit, blobs.c.sha256.in_(list(wanted))))} if wanted else {}
            now = time.time()
            receipts = self._receipt_counter(conn, unit)
            touched: list[tuple[int, dict, dict]] = []   # (index, item, state) of accepted items, in order
            for i, item, fingerprint in todo:
                op_id = item["op_id"]
                if op_id in prior:
                    fp, res = prior[op_id]
                    out[i] = {**res, "status": "replayed"} if fp == fingerprint else _result(
                        op_id, "idempotency_mismatch", error={
                            "code": "idempotency_mismatch",
                            "message": "op_id đã dùng cho nội dung khác / op_id already used with a different body"})
                    continue
                if (veto := portal.check_push(conn, who, item, touched)) is not None:
                    out[i] = veto        # an online dossier it may not accept (reference_backend/portal.py)
                    continue
                res, state = self._decide(who, item, current, code_owner, have, receipts)
                out[i] = res
                if state is None:
                    continue
                current[item["record_id"]] = state
                code_owner[state["ma_ho_so"]] = item["record_id"]
                prior[op_id] = (fingerprint, res)  # a repeat inside this batch replays
                touched.append((i, item, state))
            if not touched:
                return out
            receipts.save(conn)
            feed_rows, idem_rows = [], []
            final: dict[str, tuple[dict, dict]] = {}
            for i, item, state in touched:
                final[item["record_id"]] = (state, {
                    "unit_code": unit, "ma_ho_so": state["ma_ho_so"], "so_bien_nhan": state["so_bien_nhan"],
                    "version": state["version"], "trang_thai": item["record"]["TrangThaiHoSo"],
                    "record_json": state["record_json"], "origin_desk": who.desk, "updated_at": now})
                seq += 1
                feed_rows.append({"unit_code": unit, "seq": seq, "record_id": item["record_id"],
                                  "version": state["version"], "origin_desk": who.desk,
                                  "so_bien_nhan": state["so_bien_nhan"], "record_json": state["record_json"],
                                  "created_at": now})
                idem_rows.append({"unit_code": unit, "op_id": item["op_id"], "fingerprint": prior[item["op_id"]][0],
                                  "result_json": canonical_json(out[i]), "created_at": now})
            inserts = [{"record_id": rid, "created_at": now, **row}
                       for rid, (state, row) in final.items() if not state["existed"]]
            if inserts:
                conn.execute(sa.insert(records), inserts)
            for rid, (state, row) in final.items():
                if state["existed"]:
                    conn.execute(sa.update(records).where(records.c.record_id == rid).values(**row))
            conn.execute(sa.insert(feed), feed_rows)
            conn.execute(sa.insert(idempotency), idem_rows)
            conn.execute(sa.update(unit_counters).where(unit_counters.c.unit_code == unit).values(feed_seq=seq))
            portal.after_push(self.db, conn, who, touched, now)   # link accepted online dossiers
        return out

    def _decide(self, who: Principal, item: dict, current: dict[str, dict], code_owner: dict[str, str],
                have: dict[str, int], receipts: "_ReceiptCounter") -> tuple[dict, dict | None]:
        """The outcome of one item given the state so far; the new state when it is accepted."""
        op_id, rec, unit = item["op_id"], item["record"], who.unit_code
        want = self._attachments(rec)
        missing = [s for s in want if s not in have]
        if missing:
            return _result(op_id, "missing_attachments", missing=missing, error={
                "code": "missing_attachments",
                "message": "Tệp đính kèm chưa được tải lên đầy đủ / Attachments not uploaded yet"}), None
        wrong = [s for s, size in want.items() if size is not None and have[s] != size]
        if wrong:
            return _rejected(op_id, "attachment_size_mismatch", "Kích thước tệp không khớp",
                             "Attachment size does not match the uploaded file", {"sha256": wrong}), None
        cur = current.get(item["record_id"])
        if cur is not None and cur["unit_code"] != unit:
            return _rejected(op_id, "unit_mismatch", "Hồ sơ không thuộc đơn vị của tài khoản này",
                             "The dossier belongs to another unit"), None
        if item["kind"] == "dossier.create":
            if cur is not None:
                return _result(op_id, "conflict", current=self._current(cur), error={
                    "code": "record_exists",
                    "message": "Hồ sơ đã có trên máy chủ / The record already exists on the server"}), None
            owner = code_owner.get(rec["MaHoSo"])
            if owner is not None:
                return _rejected(op_id, "duplicate_code", "Mã hồ sơ đã được dùng cho hồ sơ khác",
                                 "MaHoSo already used by another record", {"record_id": owner}), None
            state = {"record_id": item["record_id"], "unit_code": unit, "ma_ho_so": rec["MaHoSo"],
                     "so_bien_nhan": receipts.next(), "version": 1, "existed": False}
        else:
            if cur is None:
                return _rejected(op_id, "not_found", "Không tìm thấy hồ sơ để cập nhật",
                                 "No such record to update"), None
            if item["base_version"] != cur["version"]:
                return _result(op_id, "conflict", current=self._current(cur), error={
                    "code": "version_conflict",
                    "message": "Hồ sơ đã được thay đổi ở nơi khác / The record changed elsewhere"}), None
            if rec["MaHoSo"] != cur["ma_ho_so"]:
                return _rejected(op_id, "invalid", "Không được đổi mã hồ sơ", "MaHoSo cannot change"), None
            state = {**cur, "version": cur["version"] + 1}
        state["record_json"] = canonical_json({**rec, "SoBienNhan": state["so_bien_nhan"]})
        res = _result(op_id, "accepted", record_id=item["record_id"], SoBienNhan=state["so_bien_nhan"],
                      version=state["version"])
        return res, state

    def _append_feed(self, conn: sa.Connection, unit: str, feed_seq: int, record_id: str, version: int,
                     desk: int | None, so_bien_nhan: str, text: str, now: float) -> int:
        seq = feed_seq + 1
        conn.execute(sa.update(unit_counters).where(unit_counters.c.unit_code == unit).values(feed_seq=seq))
        conn.execute(sa.insert(feed).values(unit_code=unit, seq=seq, record_id=record_id, version=version,
                                            origin_desk=desk, so_bien_nhan=so_bien_nhan, record_json=text,
                                            created_at=now))
        return seq

    def _receipt_counter(self, conn: sa.Connection, unit: str) -> "_ReceiptCounter":
        year = dt.datetime.now(VN).year
        last = conn.execute(sa.select(receipt_counters.c.last_seq).where(
            receipt_counters.c.unit_code == unit, receipt_counters.c.year == year)).scalar()
        return _ReceiptCounter(unit, year, last)

    @staticmethod
    def _current(cur: dict) -> dict:
        return {"record_id": cur["record_id"], "version": int(cur["version"]), "SoBienNhan": cur["so_bien_nhan"],
                "record": json.loads(cur["record_json"])}

    # ---- reads ------------------------------------------------------------------------------
    def feed_page(self, who: Principal, cursor: int, limit: int) -> dict:
        with self.db.read() as conn:
            rows = conn.execute(sa.select(feed).where(feed.c.unit_code == who.unit_code, feed.c.seq > cursor)
                                .order_by(feed.c.seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        items = [{"seq": int(r.seq), "record_id": r.record_id, "version": int(r.version),
                  "origin_desk": r.origin_desk, "SoBienNhan": r.so_bien_nhan,
                  "record": json.loads(r.record_json)} for r in rows]
        return {"items": items, "next_cursor": str(items[-1]["seq"] if items else cursor), "has_more": more}

    def status(self, who: Principal, ma_ho_so: str) -> dict:
        if not MA_HO_SO_RE.match(ma_ho_so):
            raise ApiError(404, "not_found", "Không tìm thấy hồ sơ", "No such dossier in this unit")
        with self.db.read() as conn:
            r = conn.execute(sa.select(records).where(records.c.unit_code == who.unit_code,
                                                      records.c.ma_ho_so == ma_ho_so)).first()
        if r is None:
            raise ApiError(404, "not_found", "Không tìm thấy hồ sơ", "No such dossier in this unit")
        rec = json.loads(r.record_json)
        out = {"MaHoSo": r.ma_ho_so, "TrangThaiHoSo": int(r.trang_thai), "version": int(r.version),
               "SoBienNhan": r.so_bien_nhan, "record_id": r.record_id,
               "updated_at": dt.datetime.fromtimestamp(r.updated_at, VN).isoformat(timespec="seconds")}
        if isinstance(rec.get("status"), str):
            out["status"] = rec["status"]
        return out

    # ---- processing side ----------------------------------------------------------------------
    def set_status(self, ma_ho_so: str, code: int, unit_code: str | None = None, note: str = "") -> dict:
        """A change made on the province's side: new version, feed entry with origin_desk null."""
        if not 1 <= code <= 10:
            raise ApiError(400, "invalid_status", "Mã trạng thái phải từ 1 đến 10",
                           "Status code must be 1..10")
        q = sa.select(records).where(records.c.ma_ho_so == ma_ho_so)
        if unit_code:
            q = q.where(records.c.unit_code == unit_code)
        now = time.time()
        with self.db.write() as conn:
            found = conn.execute(q).all()
            if len(found) != 1:
                raise ApiError(404, "not_found", "Không tìm thấy đúng một hồ sơ với mã này",
                               f"{len(found)} records with this MaHoSo")
            r = found[0]
            feed_seq = self.db.lock_unit(conn, r.unit_code)
            r = conn.execute(sa.select(records).where(records.c.id == r.id)).one()  # re-read under the lock
            rec = copy.deepcopy(json.loads(r.record_json))
            rec["TrangThaiHoSo"] = code
            if code in CODE_TO_STATUS:
                rec["status"] = CODE_TO_STATUS[code]
            if note:
                rec["note"] = note
            version = r.version + 1
            text = canonical_json(rec)
            conn.execute(sa.update(records).where(records.c.id == r.id).values(
                version=version, trang_thai=code, record_json=text, origin_desk=None, updated_at=now))
            self._append_feed(conn, r.unit_code, feed_seq, r.record_id, version, None, r.so_bien_nhan, text, now)
        return {"MaHoSo": ma_ho_so, "TrangThaiHoSo": code, "version": version, "record_id": r.record_id}


class _ReceiptCounter:
    """SoBienNhan = <unit>-<year>-<seq>, counted per unit and server-local year, without gaps.
    Only used while the unit lock is held, so reading, counting and saving cannot race."""

    def __init__(self, unit: str, year: int, last: int | None) -> None:
        self.unit, self.year, self.stored, self.last = unit, year, last, last or 0

    def next(self) -> str:
        self.last += 1
        return f"{self.unit}-{self.year}-{self.last:06d}"

    def save(self, conn: sa.Connection) -> None:
        cond = (receipt_counters.c.unit_code == self.unit) & (receipt_counters.c.year == self.year)
        if self.stored is None:
            if self.last:
                conn.execute(sa.insert(receipt_counters).values(unit_code=self.unit, year=self.year,
                                                                last_seq=self.last))
        elif self.last != self.stored:
            conn.execute(sa.update(receipt_counters).where(cond).values(last_seq=self.last))
