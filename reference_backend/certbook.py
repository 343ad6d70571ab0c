"""The desks' electronic certification books (issue 15): ``POST /api/v1/certbook``,
``GET /api/v1/certbook``.

Each desk writes only in its own book ("quyển số"), numbered from 1 per year, so the province
merges the books without renumbering anything: (unit, book, year, number) is the key. An entry is
idempotent by the desk's ``op_id`` (the same body again is a replay; another body under the same
op_id, or another entry under a number already held, is 409). Numbers are never assigned here.
"""
from __future__ import annotations

import hashlib
import re
import time
from typing import Any

import sqlalchemy as sa

from .common import ApiError, canonical_json, storable_text
from .db import Database, metadata, remember, replayed

certbook = sa.Table(
    "certbook_entries", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("book", sa.String(8), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("op_id", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("issued_at", sa.String(32), nullable=False),
    sa.Column("desk", sa.String(64), nullable=False),
    sa.Column("certifier", sa.String(200), nullable=False),
    sa.Column("document", sa.String(500), nullable=False),
    sa.Column("applicant", sa.String(500), nullable=False),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("copies", sa.Integer, nullable=False),
    sa.Column("fee", sa.Integer, nullable=False),
    sa.Column("copy_sha256", sa.String(64), nullable=True),
    sa.Column("ma_ho_so", sa.String(64), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

_KEYS = {"op_id", "SoQuyen", "Nam", "So", "Loai", "NgayChungThuc", "Quay", "NguoiChungThuc",
         "TenGiayTo", "NguoiYeuCau", "SoTrang", "SoBan", "LePhi", "TepDinhKemId", "MaHoSo"}
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _bad(why_vi: str, why_en: str) -> ApiError:
    return ApiError(400, "invalid_certbook_entry", f"Mục sổ chứng thực không hợp lệ: {why_vi}",
                    f"Invalid certification book entry: {why_en}")


def _int(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def _str(v: Any, hi: int, lo: int = 1) -> bool:
    return isinstance(v, str) and lo <= len(v) <= hi


def record_entry(db: Database, who: Any, body: Any) -> dict:
    if not isinstance(body, dict) or set(body) - _KEYS or not storable_text(body):
        raise _bad("trường lạ hoặc ký tự không lưu được", "unknown fields or unstorable text")
    b = body
    sha, code = b.get("TepDinhKemId"), b.get("MaHoSo")
    if not (_str(b.get("op_id"), 128) and _str(b.get("SoQuyen"), 8)
            and str(b.get("SoQuyen")).isdigit() and _int(b.get("Nam"), 1900, 2100)
            and _int(b.get("So"), 1, 10_000_000) and _str(b.get("Loai"), 16)
            and _str(b.get("NgayChungThuc"), 32) and _str(b.get("Quay"), 64)
            and _str(b.get("NguoiChungThuc"), 200) and _str(b.get("TenGiayTo"), 500)
            and _str(b.get("NguoiYeuCau"), 500) and _int(b.get("SoTrang"), 1, 100_000)
            and _int(b.get("SoBan"), 1, 1000) and _int(b.get("LePhi"), 0, 10**9)
            and (sha is None or (isinstance(sha, str) and _SHA.match(sha)))
            and (code is None or _str(code, 64))):
        raise _bad("thiếu hoặc sai SoQuyen, Nam, So, NgayChungThuc, NguoiChungThuc, TenGiayTo, "
                   "NguoiYeuCau, SoTrang, SoBan, LePhi",
                   "missing or wrong SoQuyen, Nam, So, NgayChungThuc, NguoiChungThuc, TenGiayTo, "
                   "NguoiYeuCau, SoTrang, SoBan, LePhi")
    unit, op_id = who.unit_code, b["op_id"]
    fingerprint = hashlib.sha256(canonical_json(b).encode()).hexdigest()
    now = time.time()
    with db.write() as conn:
        db.lock_unit(conn, unit)
        prior = replayed(conn, unit, op_id, fingerprint)
        if prior is not None:
            return prior
        held = conn.execute(sa.select(certbook.c.op_id).where(
            certbook.c.unit_code == unit, certbook.c.book == b["SoQuyen"],
            certbook.c.year == b["Nam"], certbook.c.number == b["So"])).first()
        if held is not None:
            raise ApiError(409, "certbook_number_taken",
                           f"Số chứng thực {b['So']} quyển {b['SoQuyen']}/{b['Nam']} đã có",
                           f"Number {b['So']} of book {b['SoQuyen']}/{b['Nam']} is already held")
        conn.execute(sa.insert(certbook).values(
            unit_code=unit, book=b["SoQuyen"], year=b["Nam"], number=b["So"], op_id=op_id,
            kind=b["Loai"], issued_at=b["NgayChungThuc"], desk=b["Quay"],
            certifier=b["NguoiChungThuc"], document=b["TenGiayTo"], applicant=b["NguoiYeuCau"],
            pages=b["SoTrang"], copies=b["SoBan"], fee=b["LePhi"], copy_sha256=sha,
            ma_ho_so=code, created_at=now))
        result = {"op_id": op_id, "status": "accepted", "SoQuyen": b["SoQuyen"], "Nam": b["Nam"],
                  "So": b["So"]}
        remember(conn, unit, op_id, fingerprint, result, now)
    return result


def list_entries(db: Database, unit: str, year: int | None = None) -> list[dict]:
    with db.read() as conn:
        q = sa.select(certbook).where(certbook.c.unit_code == unit)
        if year is not None:
            q = q.where(certbook.c.year == year)
        rows = conn.execute(q.order_by(certbook.c.book, certbook.c.year,
                                       certbook.c.number)).all()
    return [{"SoQuyen": r.book, "Nam": r.year, "So": r.number, "Loai": r.kind,
             "NgayChungThuc": r.issued_at, "Quay": r.desk, "NguoiChungThuc": r.certifier,
             "TenGiayTo": r.document, "NguoiYeuCau": r.applicant, "SoTrang": r.pages,
             "SoBan": r.copies, "LePhi": r.fee, "TepDinhKemId": r.copy_sha256,
             "MaHoSo": r.ma_ho_so} for r in rows]


def routes(db: Database, principal: Any, endpoint: Any, read_json: Any, max_json: int) -> list:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def post(request: Any) -> Any:
        who = await principal(request)
        body = await read_json(request, max_json)
        return JSONResponse(await run_in_threadpool(record_entry, db, who, body))

    async def get(request: Any) -> Any:
        who = await principal(request)
        raw = request.query_params.get("year")
        if raw is not None and not (raw.isdigit() and len(raw) == 4):
            raise _bad("năm phải có 4 chữ số", "year must be 4 digits")
        rows = await run_in_threadpool(list_entries, db, who.unit_code,
                                       int(raw) if raw else None)
        return JSONResponse({"entries": rows})

    return [Route("/api/v1/certbook", endpoint(post), methods=["POST"]),
            Route("/api/v1/certbook", endpoint(get), methods=["GET"])]
