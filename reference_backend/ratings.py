"""The citizen's ratings (issue 16 §5) as the desks send them: ``POST /api/v1/ratings``.

A rating names the dossier (``MaHoSo``), the stage (intake | return), the level and its label,
whether it counts as satisfied, an optional comment and the time — never a person. Idempotent by
the desk's ``op_id`` (the same body again is a replay; another body under the same op_id is 409).
The dossier must belong to the caller's unit.
"""
from __future__ import annotations

import hashlib
import time
from typing import Any

import sqlalchemy as sa

from .common import ApiError, canonical_json, storable_text
from .db import Database, metadata, records, remember, replayed

ratings = sa.Table(
    "ratings", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("op_id", sa.String(128), primary_key=True),
    sa.Column("ma_ho_so", sa.String(64), nullable=False, index=True),
    sa.Column("stage", sa.String(8), nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("satisfied", sa.Boolean, nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("rated_at", sa.String(14), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

_KEYS = {"op_id", "MaHoSo", "GiaiDoan", "MucDo", "TenMucDo", "HaiLong", "YKien", "ThoiGian"}


def _bad(why_vi: str, why_en: str) -> ApiError:
    return ApiError(400, "invalid_rating", f"Đánh giá không hợp lệ: {why_vi}",
                    f"Invalid rating: {why_en}")


def record_rating(db: Database, who: Any, body: Any) -> dict:
    if not isinstance(body, dict) or set(body) - _KEYS or not storable_text(body):
        raise _bad("trường lạ hoặc ký tự không lưu được", "unknown fields or unstorable text")
    op_id, code, stage = body.get("op_id"), body.get("MaHoSo"), body.get("GiaiDoan")
    level, label, ok = body.get("MucDo"), body.get("TenMucDo", ""), body.get("HaiLong")
    comment, when = body.get("YKien", "") or "", body.get("ThoiGian", "")
    if not (isinstance(op_id, str) and 0 < len(op_id) <= 128 and isinstance(code, str)
            and 0 < len(code) <= 64 and stage in ("intake", "return")
            and isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 9
            and isinstance(label, str) and len(label) <= 100 and isinstance(ok, bool)
            and isinstance(comment, str) and len(comment) <= 2000
            and isinstance(when, str) and len(when) == 14 and when.isdigit()):
        raise _bad("thiếu hoặc sai op_id, MaHoSo, GiaiDoan, MucDo, HaiLong, ThoiGian",
                   "missing or wrong op_id, MaHoSo, GiaiDoan, MucDo, HaiLong, ThoiGian")
    unit = who.unit_code
    fingerprint = hashlib.sha256(canonical_json(body).encode()).hexdigest()
    now = time.time()
    with db.write() as conn:
        db.lock_unit(conn, unit)
        prior = replayed(conn, unit, op_id, fingerprint)
        if prior is not None:
            return prior
        known = conn.execute(sa.select(records.c.record_id).where(
            records.c.unit_code == unit, records.c.ma_ho_so == code)).first()
        if known is None:
            raise ApiError(404, "dossier_not_found", "Không có hồ sơ này trong đơn vị",
                           "No such dossier in this unit")
        conn.execute(sa.insert(ratings).values(
            unit_code=unit, op_id=op_id, ma_ho_so=code, stage=stage, level=level, label=label,
            satisfied=ok, comment=comment, rated_at=when, created_at=now))
        result = {"op_id": op_id, "status": "accepted", "MaHoSo": code, "GiaiDoan": stage}
        remember(conn, unit, op_id, fingerprint, result, now)
    return result


def list_ratings(db: Database, unit: str) -> list[dict]:
    with db.read() as conn:
        rows = conn.execute(sa.select(ratings).where(ratings.c.unit_code == unit)
                            .order_by(ratings.c.created_at)).all()
    return [{"MaHoSo": r.ma_ho_so, "GiaiDoan": r.stage, "MucDo": r.level, "TenMucDo": r.label,
             "HaiLong": bool(r.satisfied), "YKien": r.comment, "ThoiGian": r.rated_at}
            for r in rows]


def routes(db: Database, principal: Any, endpoint: Any, read_json: Any, max_json: int) -> list:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def post(request: Any) -> Any:
        who = await principal(request)     # async since the token-version check (issue 13)
        body = await read_json(request, max_json)
        return JSONResponse(await run_in_threadpool(record_rating, db, who, body))

    return [Route("/api/v1/ratings", endpoint(post), methods=["POST"])]
