"""The public-service portal side of the reference back end: online dossiers and province results.

What it plays (see PORTAL.md next to this file for the wire shapes):

* ``file_online`` — a citizen files a dossier on the portal: its files become complete blobs of the
  unit (content-addressed, fsync'd, exactly like a desk's tus upload), the portal dossier is stored
  with the national status 1 (Mới đăng ký) and a feed entry is appended, so every desk of the unit
  sees it in its "Hồ sơ trực tuyến chờ tiếp nhận" inbox.
* Acceptance comes up as an ordinary ``dossier.create`` of the desk whose ``extra.portal_id`` names
  the portal dossier. ``check_push`` (before the record is decided) refuses a second acceptance,
  another unit's portal id or a refused dossier; ``after_push`` (same transaction, after the
  records are written) links the portal dossier to the new record and appends a feed entry.
  Exactly once because it rides the record's own idempotent op_id and transaction.
* Supplement requests and refusals come up as ``POST /api/v1/online/{portal_id}/decision`` with
  the desk's op_id (idempotency table of the unit: the same op_id and body replays, another body
  is ``idempotency_mismatch``).
* ``province_result`` — the province posts a result with documents (``DanhSachGiayToKetQua``) on
  a dossier: blobs of the unit, a new record version with ``origin_desk`` null and a feed entry;
  desks fetch the files like other desks' scans.
* ``online_status`` — what the citizen sees: state, national status (of the linked record once
  accepted), MaHoSo, NgayHenTra, and the portal's history.

Portal tables live on the shared ``metadata`` (created by ``Database.create_all`` on SQLite and
PostgreSQL alike); every write holds the unit lock (``Database.lock_unit``), so feed order equals
commit order, as for records.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .common import ApiError, blob_path, canonical_json, fsync_dir, storable_text
from .db import Database, blobs, feed, idempotency, metadata, records, unit_counters

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT_RE = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$")
PROC_RE = re.compile(r"^[0-9]{1,2}\.[0-9]{6}(\.[0-9A-Z.]{1,40})?$")
PORTAL_ID_RE = re.compile(r"^DVC-[0-9]{8}-[0-9A-F]{8}$")
MAX_FILE = 200 * 1024 * 1024
RECORD_KIND = "portal.dossier"         # record["kind"] of a portal dossier in the unit feed

# Portal states (what the citizen sees) and the national TrangThaiHoSo of each before acceptance.
FILED, ACCEPTED, SUPPLEMENT, REFUSED = "filed", "accepted", "supplement_requested", "refused"
STATE_CODE = {FILED: 1, ACCEPTED: 2, SUPPLEMENT: 5, REFUSED: 3}
DECISIONS = {"supplement": SUPPLEMENT, "refuse": REFUSED}

portal_dossiers = sa.Table(
    "portal_dossiers", metadata,
    sa.Column("portal_id", sa.String(40), primary_key=True),
    sa.Column("unit_code", sa.String(32), nullable=False, index=True),
    sa.Column("record_id", sa.String(36), nullable=False, unique=True),   # identity in the feed
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("state", sa.String(24), nullable=False),
    sa.Column("record_json", sa.Text, nullable=False),
    sa.Column("ma_ho_so", sa.String(64), nullable=True),
    sa.Column("linked_record_id", sa.String(36), nullable=True, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

portal_events = sa.Table(
    "portal_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("portal_id", sa.String(40), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),    # filed | accepted | supplement_requested | refused | result
    sa.Column("op_id", sa.String(128), nullable=True),
    sa.Column("detail_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


class PortalError(ApiError):
    pass


def _bad(code: str, vi: str, en: str, status: int = 400) -> PortalError:
    return PortalError(status, code, vi, en)


def _ts14(when: dt.datetime) -> str:
    return when.astimezone(VN).strftime("%Y%m%d%H%M%S")


def parse_when(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise _bad("bad_datetime", f"“{text[:40]}” không phải thời điểm ISO 8601",
                   f"“{text[:40]}” is not an ISO 8601 date-time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN)
    if not 2000 <= when.year <= 2100:
        raise _bad("bad_datetime", "Năm ngoài khoảng 2000–2100", "Year outside 2000–2100")
    return when


_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"\x89PNG\r\n\x1a\n", "image/png"), (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"))


def sniff(head: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    return None


def _read_file(path: Path) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise _bad("file_not_found", f"Không tìm thấy tệp {p.name}", f"File {p.name} not found")
    size = p.stat().st_size
    if size == 0 or size > MAX_FILE:
        raise _bad("bad_file", f"Tệp {p.name} rỗng hoặc quá lớn", f"File {p.name} is empty or too large")
    data = p.read_bytes()
    if sniff(data[:16]) is None:
        raise _bad("bad_file_type", f"Tệp {p.name} không phải PDF hay ảnh (JPEG, PNG, TIFF)",
                   f"File {p.name} is not a PDF or an image (JPEG, PNG, TIFF)")
    return data


def store_blob(db: Database, conn: Connection, unit: str, data: bytes) -> str:
    """Write a verified, content-addressed blob of the unit (fsync'd before the row commits)."""
    sha = hashlib.sha256(data).hexdigest()
    dest = blob_path(db.data_dir, unit, sha)
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{sha}.{secrets.token_hex(4)}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        try:
            fsync_dir(dest.parent)
        except OSError:  # Windows cannot open a folder for fsync
            pass
    conn.execute(db.insert_ignore(blobs, unit_code=unit, sha256=sha, size=len(data), created_at=time.time()))
    return sha


def _catalog_procedure(db: Database, code: str, catalog: Path | None) -> dict | None:
    path = catalog or db.data_dir / "catalog.json"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for p in data.get("procedures") or []:
        if isinstance(p, dict) and p.get("code") == code:
            return p
    return None


def _append_feed(db: Database, conn: Connection, unit: str, record_id: str, version: int,
                 so_bien_nhan: str, text: str, now: float) -> int:
    seq = db.lock_unit(conn, unit) + 1
    conn.execute(sa.update(unit_counters).where(unit_counters.c.unit_code == unit).values(feed_seq=seq))
    conn.execute(sa.insert(feed).values(unit_code=unit, seq=seq, record_id=record_id, version=version,
                                        origin_desk=None, so_bien_nhan=so_bien_nhan, record_json=text,
                                        created_at=now))
    return seq


def _event(conn: Connection, portal_id: str, kind: str, detail: dict, now: float, op_id: str | None = None) -> None:
    conn.execute(sa.insert(portal_events).values(portal_id=portal_id, kind=kind, op_id=op_id,
                                                 detail_json=canonical_json(detail), created_at=now))


def _publish(db: Database, conn: Connection, row: Any, rec: dict, state: str, now: float, **changes: Any) -> dict:
    """New version of a portal dossier: stored and appended to the unit feed."""
    rec = {**rec, "state": state, "TrangThaiHoSo": STATE_CODE[state], "version": int(row.version) + 1}
    text = canonical_json(rec)
    conn.execute(sa.update(portal_dossiers).where(portal_dossiers.c.portal_id == row.portal_id).values(
        version=int(row.version) + 1, state=state, record_json=text, updated_at=now, **changes))
    _append_feed(db, conn, row.unit_code, row.record_id, int(row.version) + 1, "", text, now)
    return rec


# ---------------------------------------------------------------------------------- filing

def file_online(db: Database, *, unit: str, procedure: str, applicant_id: str, applicant_name: str,
                filed_at: str, files: list[Path] | None = None, phone: str = "", email: str = "",
                address: str = "", procedure_name: str | None = None, catalog: Path | None = None) -> dict:
    """File a dossier as the portal would; returns {portal_id, record_id, ...}."""
    if not UNIT_RE.match(unit or ""):
        raise _bad("bad_unit", "Mã đơn vị không hợp lệ (ví dụ 000.23.32.H48)", "Invalid unit code (e.g. 000.23.32.H48)")
    if not PROC_RE.match(procedure or ""):
        raise _bad("bad_procedure", "Mã thủ tục không hợp lệ (ví dụ 1.001193)", "Invalid procedure code (e.g. 1.001193)")
    applicant_name = " ".join((applicant_name or "").split())
    if not 0 < len(applicant_name) <= 200 or not 0 < len(applicant_id or "") <= 20 or not applicant_id.isdigit():
        raise _bad("bad_applicant", "Thiếu họ tên hoặc số định danh (chữ số) của người nộp",
                   "Applicant name or ID number (digits) missing")
    when = parse_when(filed_at)
    if not storable_text([applicant_name, phone, email, address, procedure_name or ""]):
        raise _bad("bad_text", "Văn bản chứa ký tự không hợp lệ", "Text contains an invalid character")
    datas = [(Path(f).name, _read_file(Path(f))) for f in files or []]
    proc = _catalog_procedure(db, procedure, catalog)
    comps: list[dict] = []
    if proc is not None:
        for c in proc.get("components") or []:
            comps.append({"seq": int(c["seq"]), "name": str(c["name"])[:1000], "form": "original",
                          "quantity": 1, "MaThanhPhanHoSo": c.get("code") or str(c["seq"])})
    if not comps:
        comps = [{"seq": i + 1, "name": Path(name).stem[:1000] or f"Tệp {i + 1}", "form": "original",
                  "quantity": 1, "MaThanhPhanHoSo": str(i + 1)} for i, (name, _) in enumerate(datas)]
    portal_id = f"DVC-{when.astimezone(VN):%Y%m%d}-{secrets.token_hex(4).upper()}"
    record_id = str(uuid.uuid4())
    now = time.time()
    with db.write() as conn:
        db.lock_unit(conn, unit)
        atts = []
        for i, (name, data) in enumerate(datas):
            sha = store_blob(db, conn, unit, data)
            comp = comps[i] if i < len(comps) else None
            atts.append({"TepDinhKemId": sha, "TenTepDinhKem": name[:255], "KichThuoc": len(data),
                         "MaThanhPhanHoSo": comp["MaThanhPhanHoSo"] if comp else None,
                         "seq": comp["seq"] if comp else None, "mime": sniff(data[:16])})
        rec = {"kind": RECORD_KIND, "portal_id": portal_id, "record_id": record_id,
               "MaHoSo": None, "MaTTHC": procedure,
               "TenTTHC": procedure_name or (proc or {}).get("name") or procedure,
               "ChuHoSo": applicant_name, "LoaiDoiTuong": 1, "MaDoiTuong": applicant_id,
               "NgayNop": _ts14(when), "NgayHenTra": None, "HinhThuc": 2, "DonViXuLy": unit,
               "TrangThaiHoSo": STATE_CODE[FILED], "state": FILED, "version": 1, "reason": "",
               "TaiLieuNop": atts, "components": comps, "phone": phone, "email": email,
               "address": address}
        text = canonical_json(rec)
        conn.execute(sa.insert(portal_dossiers).values(
            portal_id=portal_id, unit_code=unit, record_id=record_id, version=1, state=FILED,
            record_json=text, ma_ho_so=None, linked_record_id=None, created_at=now, updated_at=now))
        _event(conn, portal_id, "filed", {"files": [a["TepDinhKemId"] for a in atts]}, now)
        _append_feed(db, conn, unit, record_id, 1, "", text, now)
    return {"portal_id": portal_id, "record_id": record_id, "unit": unit, "files": len(atts)}


# ---------------------------------------------------------------------------------- acceptance

def _portal_id_of(item: dict) -> str | None:
    rec = item.get("record") if isinstance(item, dict) else None
    extra = rec.get("extra") if isinstance(rec, dict) else None
    pid = extra.get("portal_id") if isinstance(extra, dict) else None
    return pid if isinstance(pid, str) and pid else None


def _rejected(op_id: str, code: str, vi: str, en: str) -> dict:
    return {"op_id": op_id, "status": "rejected", "error": {"code": code, "message": f"{vi} / {en}"}}


def check_push(conn: Connection, who: Any, item: dict, touched: list) -> dict | None:
    """Before a pushed item is decided: None, or the rejection when it names a portal dossier it may
    not accept (unknown / another unit's / refused / already accepted by another record)."""
    pid = _portal_id_of(item)
    if pid is None or item.get("kind") != "dossier.create":
        return None
    op_id = item["op_id"]
    row = conn.execute(sa.select(portal_dossiers).where(portal_dossiers.c.portal_id == pid)).first()
    if row is None or row.unit_code != who.unit_code:
        return _rejected(op_id, "online_not_found", f"Không có hồ sơ trực tuyến {pid[:40]} của đơn vị",
                         f"No online dossier {pid[:40]} in this unit")
    if row.state == REFUSED:
        return _rejected(op_id, "online_refused", "Hồ sơ trực tuyến này đã bị từ chối",
                         "This online dossier was refused")
    other = row.linked_record_id or next((it["record_id"] for _, it, _ in touched if _portal_id_of(it) == pid), None)
    if other is not None and other != item["record_id"]:
        return _rejected(op_id, "online_already_accepted",
                         "Hồ sơ trực tuyến này đã được tiếp nhận thành hồ sơ khác",
                         "This online dossier was already accepted as another dossier")
    return None


def after_push(db: Database, conn: Connection, who: Any, touched: list, now: float) -> None:
    """Inside the batch's transaction, after its records are written: link each accepted online
    dossier to its new record (code, due date) and tell the unit's desks through the feed."""
    for _, item, state in touched:
        pid = _portal_id_of(item)
        if pid is None or item.get("kind") != "dossier.create":
            continue
        row = conn.execute(sa.select(portal_dossiers).where(portal_dossiers.c.portal_id == pid)).first()
        if row is None or row.linked_record_id == item["record_id"]:
            continue
        rec = json.loads(row.record_json)
        r = item["record"]
        rec.update(MaHoSo=r["MaHoSo"], NgayTiepNhan=r["NgayTiepNhan"], NgayHenTra=r.get("NgayHenTra"),
                   SoBienNhan=state["so_bien_nhan"], linked_record_id=item["record_id"], reason="")
        _publish(db, conn, row, rec, ACCEPTED, now, ma_ho_so=r["MaHoSo"], linked_record_id=item["record_id"])
        _event(conn, pid, "accepted", {"MaHoSo": r["MaHoSo"], "NgayHenTra": r.get("NgayHenTra"),
                                       "record_id": item["record_id"], "desk": who.desk}, now, item["op_id"])


# ---------------------------------------------------------------------------------- decisions

def decide(db: Database, who: Any, portal_id: str, body: Any) -> dict:
    """A desk's supplement request or refusal of an online dossier (idempotent by op_id)."""
    if not isinstance(body, dict) or set(body) - {"op_id", "decision", "reason", "clerk", "at"}:
        raise _bad("invalid_request", "Nội dung quyết định không hợp lệ", "Invalid decision body")
    op_id, decision, reason = body.get("op_id"), body.get("decision"), body.get("reason")
    clerk, at = body.get("clerk", ""), body.get("at", "")
    if not (isinstance(op_id, str) and 0 < len(op_id) <= 128) or decision not in DECISIONS \
            or not (isinstance(reason, str) and 0 < len(reason) <= 4000) \
            or not isinstance(clerk, str) or len(clerk) > 128 or not isinstance(at, str) or len(at) > 32 \
            or not storable_text(body):
        raise _bad("invalid_request", "Thiếu op_id, quyết định (supplement|refuse) hoặc lý do",
                   "op_id, decision (supplement|refuse) and reason are required")
    fingerprint = hashlib.sha256(canonical_json({"portal_id": portal_id, **body}).encode()).hexdigest()
    unit = who.unit_code
    now = time.time()
    with db.write() as conn:
        db.lock_unit(conn, unit)
        prior = conn.execute(sa.select(idempotency).where(idempotency.c.unit_code == unit,
                                                          idempotency.c.op_id == op_id)).first()
        if prior is not None:
            if prior.fingerprint != fingerprint:
                raise PortalError(409, "idempotency_mismatch", "op_id đã dùng cho nội dung khác",
                                  "op_id already used with a different body")
            return {**json.loads(prior.result_json), "status": "replayed"}
        row = conn.execute(sa.select(portal_dossiers).where(portal_dossiers.c.portal_id == portal_id)).first()
        if row is None or row.unit_code != unit:
            raise PortalError(404, "online_not_found", "Không có hồ sơ trực tuyến này trong đơn vị",
                              "No such online dossier in this unit")
        if row.state in (ACCEPTED, REFUSED):
            raise PortalError(409, "online_already_decided",
                              f"Hồ sơ trực tuyến đã được xử lý ({row.state})",
                              f"The online dossier was already decided ({row.state})")
        new_state = DECISIONS[decision]
        rec = json.loads(row.record_json)
        rec["reason"] = reason
        rec = _publish(db, conn, row, rec, new_state, now)
        _event(conn, portal_id, new_state, {"reason": reason, "clerk": clerk, "at": at, "desk": who.desk}, now, op_id)
        result = {"op_id": op_id, "status": "accepted", "portal_id": portal_id, "state": new_state,
                  "TrangThaiHoSo": STATE_CODE[new_state], "version": rec["version"]}
        conn.execute(sa.insert(idempotency).values(unit_code=unit, op_id=op_id, fingerprint=fingerprint,
                                                   result_json=canonical_json(result), created_at=now))
    return result


def supplement_filed(db: Database, portal_id: str, files: list[Path]) -> dict:
    """The citizen completes a dossier after a supplement request: new files, back to 'filed'."""
    datas = [(Path(f).name, _read_file(Path(f))) for f in files]
    now = time.time()
    with db.write() as conn:
        row = conn.execute(sa.select(portal_dossiers).where(portal_dossiers.c.portal_id == portal_id)).first()
        if row is None:
            raise PortalError(404, "online_not_found", "Không có hồ sơ trực tuyến này", "No such online dossier")
        db.lock_unit(conn, row.unit_code)
        if row.state != SUPPLEMENT:
            raise PortalError(409, "not_waiting_supplement", "Hồ sơ không ở trạng thái chờ bổ sung",
                              "The dossier is not waiting for a supplement")
        rec = json.loads(row.record_json)
        for name, data in datas:
            sha = store_blob(db, conn, row.unit_code, data)
            rec["TaiLieuNop"].append({"TepDinhKemId": sha, "TenTepDinhKem": name[:255], "KichThuoc": len(data),
                                      "MaThanhPhanHoSo": None, "seq": None, "mime": sniff(data[:16])})
        rec["reason"] = ""
        rec = _publish(db, conn, row, rec, FILED, now)
        _event(conn, portal_id, "supplemented", {"files": len(datas)}, now)
    return {"portal_id": portal_id, "state": FILED, "version": rec["version"]}


# ---------------------------------------------------------------------------------- results

def province_result(db: Database, *, code: str | None = None, portal_id: str | None = None,
                    files: list[Path] | None = None, names: list[str] | None = None, status: int = 9,
                    unit: str | None = None, note: str = "") -> dict:
    """The province changes a dossier's status and/or posts result documents: a new record
    version (origin_desk null) in the unit feed, the files as blobs of the unit."""
    if not 1 <= status <= 10:
        raise _bad("invalid_status", "Mã trạng thái phải từ 1 đến 10", "Status code must be 1..10")
    from .records import CODE_TO_STATUS

    datas = [(Path(f).name, _read_file(Path(f))) for f in files or []]
    names = list(names or [])
    now = time.time()
    with db.write() as conn:
        if portal_id:
            prow = conn.execute(sa.select(portal_dossiers).where(portal_dossiers.c.portal_id == portal_id)).first()
            if prow is None or not prow.linked_record_id:
                raise PortalError(404, "online_not_accepted", "Hồ sơ trực tuyến chưa được tiếp nhận",
                                  "The online dossier has not been accepted yet")
            q = sa.select(records).where(records.c.record_id == prow.linked_record_id)
        elif code:
            q = sa.select(records).where(records.c.ma_ho_so == code)
            if unit:
                q = q.where(records.c.unit_code == unit)
        else:
            raise _bad("invalid_request", "Cần --code hoặc --portal-id", "--code or --portal-id is required")
        found = conn.execute(q).all()
        if len(found) != 1:
            raise PortalError(404, "not_found", "Không tìm thấy đúng một hồ sơ", f"{len(found)} records match")
        r = found[0]
        feed_seq = db.lock_unit(conn, r.unit_code)
        r = conn.execute(sa.select(records).where(records.c.id == r.id)).one()
        rec = json.loads(r.record_json)
        docs = list(rec.get("DanhSachGiayToKetQua") or [])
        for i, (name, data) in enumerate(datas):
            sha = store_blob(db, conn, r.unit_code, data)
            title = names[i] if i < len(names) and names[i] else Path(name).stem
            docs.append({"TenGiayTo": title[:500], "MaGiayTo": None, "TepDinhKemId": sha})
        rec["DanhSachGiayToKetQua"] = docs
        rec["TrangThaiHoSo"] = status
        if status in CODE_TO_STATUS:
            rec["status"] = CODE_TO_STATUS[status]
        if note:
            rec["note"] = note[:4000]
        version = int(r.version) + 1
        text = canonical_json(rec)
        conn.execute(sa.update(records).where(records.c.id == r.id).values(
            version=version, trang_thai=status, record_json=text, origin_desk=None, updated_at=now))
        seq = feed_seq + 1
        conn.execute(sa.update(unit_counters).where(unit_counters.c.unit_code == r.unit_code).values(feed_seq=seq))
        conn.execute(sa.insert(feed).values(unit_code=r.unit_code, seq=seq, record_id=r.record_id, version=version,
                                            origin_desk=None, so_bien_nhan=r.so_bien_nhan, record_json=text,
                                            created_at=now))
        prow = conn.execute(sa.select(portal_dossiers).where(
            portal_dossiers.c.linked_record_id == r.record_id)).first()
        if prow is not None:
            _event(conn, prow.portal_id, "result", {"TrangThaiHoSo": status, "files": [d["TepDinhKemId"] for d in docs]}, now)
    return {"MaHoSo": r.ma_ho_so, "TrangThaiHoSo": status, "version": version, "record_id": r.record_id,
            "DanhSachGiayToKetQua": docs}


# ---------------------------------------------------------------------------------- reading

def online_status(db: Database, portal_id: str) -> dict:
    """What the citizen sees on the portal, plus the portal's history (tests count its events)."""
    with db.read() as conn:
        row = conn.execute(sa.select(portal_dossiers).where(portal_dossiers.c.portal_id == portal_id)).first()
        if row is None:
            raise PortalError(404, "online_not_found", "Không có hồ sơ trực tuyến này", "No such online dossier")
        rec = json.loads(row.record_json)
        linked = None
        if row.linked_record_id:
            linked = conn.execute(sa.select(records).where(records.c.record_id == row.linked_record_id)).first()
        evs = conn.execute(sa.select(portal_events).where(portal_events.c.portal_id == portal_id)
                           .order_by(portal_events.c.id)).all()
        n_linked = conn.execute(sa.select(sa.func.count()).select_from(records).where(
            records.c.record_json.like(f'%"portal_id":"{portal_id}"%'))).scalar_one()
    out = {"portal_id": portal_id, "unit_code": row.unit_code, "state": row.state,
           "TrangThaiHoSo": STATE_CODE[row.state], "MaHoSo": row.ma_ho_so,
           "NgayNop": rec.get("NgayNop"), "NgayHenTra": rec.get("NgayHenTra"), "reason": rec.get("reason", ""),
           "version": int(row.version), "records_naming_it": int(n_linked),
           "events": [{"kind": e.kind, "op_id": e.op_id, **json.loads(e.detail_json),
                       "at": dt.datetime.fromtimestamp(e.created_at, VN).isoformat(timespec="seconds")}
                      for e in evs]}
    if linked is not None:
        lrec = json.loads(linked.record_json)
        out.update(TrangThaiHoSo=int(linked.trang_thai), status=lrec.get("status"), NgayHenTra=lrec.get("NgayHenTra"),
                   SoBienNhan=linked.so_bien_nhan, record_version=int(linked.version),
                   DanhSachGiayToKetQua=lrec.get("DanhSachGiayToKetQua") or [])
    return out


# ---------------------------------------------------------------------------------- HTTP + CLI hooks

def routes(db: Database, principal: Any, endpoint: Any, read_json: Any, max_json: int) -> list:
    """``POST /api/v1/online/{portal_id}/decision`` for app.build_app."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def decision(request: Any) -> Any:
        who = await principal(request)     # async since the token-version check (issue 13)
        pid = request.path_params["portal_id"]
        if not PORTAL_ID_RE.match(pid):
            raise PortalError(404, "online_not_found", "Không có hồ sơ trực tuyến này", "No such online dossier")
        body = await read_json(request, max_json)
        return JSONResponse(await run_in_threadpool(decide, db, who, pid, body))

    async def status(request: Any) -> Any:
        who = await principal(request)     # async since the token-version check (issue 13)
        pid = request.path_params["portal_id"]
        out = await run_in_threadpool(online_status, db, pid) if PORTAL_ID_RE.match(pid) else None
        if out is None or out["unit_code"] != who.unit_code:
            raise PortalError(404, "online_not_found", "Không có hồ sơ trực tuyến này", "No such online dossier")
        return JSONResponse(out)

    from . import certbook, ratings

    return [Route("/api/v1/online/{portal_id}/decision", endpoint(decision), methods=["POST"]),
            Route("/api/v1/online/{portal_id}", endpoint(status), methods=["GET"]),
            *ratings.routes(db, principal, endpoint, read_json, max_json),
            *certbook.routes(db, principal, endpoint, read_json, max_json)]


def add_commands(sub: Any, common: Any) -> None:
    """The portal's sub-commands of ``python -m reference_backend``."""
    f = sub.add_parser("file-online", help="file an online dossier as the public-service portal would")
    common(f)
    f.add_argument("--unit", required=True)
    f.add_argument("--procedure", required=True, help="MaTTHC, e.g. 1.001193")
    f.add_argument("--procedure-name", default=None)
    f.add_argument("--applicant-id", required=True)
    f.add_argument("--applicant-name", required=True)
    f.add_argument("--phone", default="")
    f.add_argument("--email", default="")
    f.add_argument("--address", default="")
    f.add_argument("--filed-at", required=True, help="ISO 8601; no zone = Vietnam time")
    f.add_argument("--file", action="append", type=Path, default=[], help="a PDF or image (repeatable)")
    f.add_argument("--catalog", type=Path, default=None, help="catalog JSON (default <data-dir>/catalog.json)")
    f.add_argument("--json", action="store_true")
    s = sub.add_parser("online-status", help="an online dossier as the citizen sees it, with its history")
    common(s)
    s.add_argument("portal_id")
    r = sub.add_parser("province-result", help="the province changes a dossier's status / posts result documents")
    common(r)
    r.add_argument("--code", default=None, help="MaHoSo")
    r.add_argument("--portal-id", default=None)
    r.add_argument("--unit", default=None)
    r.add_argument("--status", type=int, default=9, help="TrangThaiHoSo (default 9 Đã xử lý xong)")
    r.add_argument("--file", action="append", type=Path, default=[], help="a result document (PDF or image)")
    r.add_argument("--name", action="append", default=[], help="TenGiayTo of each --file, in order")
    r.add_argument("--note", default="")
    c = sub.add_parser("online-supplement", help="the citizen completes an online dossier after a supplement request")
    common(c)
    c.add_argument("portal_id")
    c.add_argument("--file", action="append", type=Path, default=[])
    g = sub.add_parser("ratings", help="the citizens' ratings a unit's desks sent (anonymous)")
    common(g)
    g.add_argument("--unit", required=True)


COMMANDS = ("file-online", "online-status", "province-result", "online-supplement", "ratings")


def run_command(db: Database, args: Any) -> int:
    if args.cmd == "file-online":
        out = file_online(db, unit=args.unit, procedure=args.procedure, applicant_id=args.applicant_id,
                          applicant_name=args.applicant_name, filed_at=args.filed_at, files=args.file,
                          phone=args.phone, email=args.email, address=args.address,
                          procedure_name=args.procedure_name, catalog=args.catalog)
        print(json.dumps(out, ensure_ascii=False) if args.json else out["portal_id"])
    elif args.cmd == "online-status":
        print(json.dumps(online_status(db, args.portal_id), ensure_ascii=False, indent=1))
    elif args.cmd == "province-result":
        print(json.dumps(province_result(db, code=args.code, portal_id=args.portal_id, files=args.file,
                                         names=args.name, status=args.status, unit=args.unit, note=args.note),
                         ensure_ascii=False))
    elif args.cmd == "online-supplement":
        print(json.dumps(supplement_filed(db, args.portal_id, args.file), ensure_ascii=False))
    elif args.cmd == "ratings":
        from . import ratings

        print(json.dumps(ratings.list_ratings(db, args.unit), ensure_ascii=False))
    return 0
