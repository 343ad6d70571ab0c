"""The unit feed: every change to this unit's dossiers, applied to the local store.

A feed item carries a record in the national vocabulary; we map it to the store's dossier columns
and hand it to ``offline_store.repo.apply_feed_record`` (insert with origin='feed', or update
when the version is newer; older or equal versions are skipped, so replays are harmless).
The cursor moves in the same transaction as the rows it covers: a crash between pages replays at
most one page, never skips one.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from desk_app.domain.dossier_record import CODE_TO_STATUS, search_text
from desk_app.domain.localtime import VN_TZ
from desk_app.domain.models import DossierStatus
from desk_app.sync import online_feed  # (also registers its deferred handlers)
from desk_app.sync import ratings as _ratings  # noqa: F401 (registers deferred.rating)
from offline_store import repo

CURSOR_KEY = "feed_cursor"
REJECTED_KEY = "feed_rejected"

def ts14_to_iso(value: Any) -> str | None:
    """``yyyyMMddHHmmss`` (Vietnam local time) -> ISO-8601 with +07:00; None stays None."""
    if not value:
        return None
    if not isinstance(value, str):
        raise ValueError("timestamp must be text yyyyMMddHHmmss")
    dt = datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    return dt.isoformat(timespec="seconds")


def _text(rec: dict, key: str, required: bool = False) -> str:
    value = rec.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"feed record field {key} must be text, got {type(value).__name__}")
    return value


def _int(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected an integer, got {type(value).__name__}")
    return int(value)


_STATUSES = frozenset(s.value for s in DossierStatus)


def record_to_row(item: dict) -> dict:
    """Map one feed item (``{record_id, version, origin_desk, SoBienNhan, record}``) to dossier
    columns. Raises ValueError/KeyError/TypeError on a record it cannot trust (the engine turns
    that into a ``bad_response`` fault and leaves the cursor where it was)."""
    rec = item["record"]
    if not isinstance(rec, dict):
        raise TypeError("feed record must be an object")
    code = _text(rec, "MaHoSo", required=True)
    status = rec.get("status") or CODE_TO_STATUS.get(_int(rec.get("TrangThaiHoSo"), 2),
                                                     DossierStatus.RECEIVED).value
    if status not in _STATUSES:
        raise ValueError(f"unknown status {status!r}")
    name = _text(rec, "ChuHoSo")
    id_number = _text(rec, "MaDoiTuong")
    phone = _text(rec, "phone")
    proc_name = _text(rec, "TenTTHC")
    unit = _text(rec, "DonViXuLy")
    desk = _int(rec.get("desk") or item.get("origin_desk"), 0)
    received = ts14_to_iso(_text(rec, "NgayTiepNhan", required=True))
    return {
        "record_id": item["record_id"],
        "code": code,
        "unit_code": unit,
        "desk_no": int(desk),
        "procedure_code": _text(rec, "MaTTHC"),
        "procedure_name": proc_name,
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": phone,
        "applicant_address": _text(rec, "address"),
        "on_behalf_of": _text(rec, "on_behalf_of"),
        "delivery": "post" if (rec.get("delivery") == "post" or rec.get("HinhThuc") == 3) else "desk",
        "delivery_address": _text(rec, "delivery_address"),
        "fee_amount": _int(rec.get("fee_amount"), 0),
        "fee_note": _text(rec, "fee_note"),
        "sets": _int(rec.get("sets"), 1),
        "received_at": received,
        "due_at": ts14_to_iso(rec.get("NgayHenTra")),
        "status": status,
        "clerk": _text(rec, "clerk"),
        "receipt_no": _text(rec, "receipt_no"),
        "logbook_no": _text(rec, "logbook_no"),
        "note": _text(rec, "note"),
        "version": _int(item["version"], 1),
        "server_receipt_no": item.get("SoBienNhan") or rec.get("SoBienNhan") or "",
        # the same index text as a dossier received at this desk, so search treats both alike
        "search_folded": search_text(code, name, id_number, phone, _text(rec, "MaTTHC"),
                                     _text(rec, "on_behalf_of")),
    }


def check_page(cursor: str, items: list[dict], next_cursor: str, unit_code: str | None) -> str | None:
    """Why a feed page cannot be trusted (vi / en), or None. Numeric cursors (the contract's seq)
    are checked: seqs ascend past the cursor and ``next_cursor`` never jumps beyond the last item
    delivered (that would skip entries forever); every record is of the desk's own unit."""
    numeric = cursor.isdigit() and next_cursor.isdigit()
    last = int(cursor) if cursor.isdigit() else None
    for item in items:
        seq = item.get("seq")
        if numeric and isinstance(seq, int):
            if last is not None and seq <= last:
                return (f"thứ tự seq {seq} không tăng sau {last} / seq {seq} does not ascend after {last}")
            last = seq
        rec = item.get("record")
        unit = rec.get("DonViXuLy") if isinstance(rec, dict) else None
        if unit_code and unit and unit != unit_code:
            return (f"bản ghi của đơn vị khác ({unit}) / a record of another unit ({unit}), "
                    f"seq {seq}")
    if numeric and last is not None and int(next_cursor) > last:
        return (f"con trỏ nhảy tới {next_cursor}, vượt mục cuối {last} (sẽ bỏ sót thay đổi) / "
                f"next_cursor {next_cursor} jumps past the last item {last} (entries would be skipped)")
    return None


def apply_page(conn: Any, items: list[dict], next_cursor: str) -> dict[str, Any]:
    """Apply one page and move the cursor (inside the caller's transaction).

    An item whose record cannot be trusted is skipped and remembered (``feed_rejected`` in
    sync_state, shown in diagnostics) instead of blocking every later change of the unit.
    """
    counts: dict[str, Any] = {"inserted": 0, "updated": 0, "skipped": 0, "rejected": []}
    for item in items:
        if online_feed.handle(conn, item, counts):   # portal dossiers -> the online inbox
            continue
        try:
            row = record_to_row(item)
        except (KeyError, TypeError, ValueError) as exc:
            counts["rejected"].append({"seq": item.get("seq"), "record_id": item.get("record_id"),
                                       "error": str(exc)[:200]})
            continue
        outcome = repo.apply_feed_record(conn, row)
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome in ("inserted", "updated"):
            from desk_app.sync.feed_files import queue_fetches

            counts["files_queued"] = counts.get("files_queued", 0) + queue_fetches(conn, item)
            counts["files_queued"] += online_feed.after_record(conn, item, outcome)  # results, events
        if outcome == "inserted":
            mine = repo.get_dossier_by_record_id(conn, row["record_id"])
            if mine is not None:
                repo.insert_event(conn, int(mine["id"]), from_status=None, to_status=row["status"],
                                  actor=row["clerk"] or "feed", role="system",
                                  at=row["received_at"] or datetime.now(VN_TZ).isoformat(timespec="seconds"),
                                  note="feed")
                comps = [c for c in item["record"].get("components") or [] if isinstance(c, dict)
                         and isinstance(c.get("seq"), int) and isinstance(c.get("name"), str)
                         and c.get("form") in ("original", "copy", "certified_copy")]
                if comps:
                    repo.insert_components(conn, int(mine["id"]), comps)
    if counts["rejected"]:
        old = json.loads(repo.get_sync_state(conn, REJECTED_KEY, "[]") or "[]")
        repo.set_sync_state(conn, REJECTED_KEY, json.dumps((old + counts["rejected"])[-100:], ensure_ascii=False))
    repo.set_sync_state(conn, CURSOR_KEY, str(next_cursor))
    return counts


def get_cursor(conn: Any) -> str:
    return repo.get_sync_state(conn, CURSOR_KEY, "0") or "0"
