"""Online dossiers and province results in the unit feed (issue 16).

Three things ride the feed besides the other desks' dossiers:

* **Portal dossiers** (``record.kind == "portal.dossier"``): dossiers citizens filed on the
  public-service portal. ``handle`` upserts them into ``online_inbox`` (migration 0010) — the
  "Hồ sơ trực tuyến chờ tiếp nhận" queue — newest version wins, and queues one
  ``deferred.fetch_online_file`` per file so the clerk can check them offline. An entry the desk
  cannot trust does not stop the feed: it is parked as a ``deferred.online_entry`` outbox item in
  ``needs_attention`` with the reason (a retry re-applies it).
* **Results** posted by the province (``DanhSachGiayToKetQua`` of an ordinary record): after the
  record is applied, ``queue_results`` queues one ``deferred.fetch_result`` per document; the
  file is downloaded, SHA-256 checked, stored, then attached with kind ``result``.
* The clerk's **supplement request / refusal** of an online dossier goes up as a
  ``deferred.online_decision`` item: ``POST /api/v1/online/{portal_id}/decision`` with the item's
  op_id (the server replays a repeat). Acceptance needs no item of its own: it is the new
  dossier's ``dossier.create`` with ``extra.portal_id``.

The inbox SQL lives here (it is small and only this feature touches the table); it belongs in
``offline_store`` once the store grows an ``online_inbox`` module.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from desk_app.domain.localtime import VN_TZ
from desk_app.sync import deferred
from offline_store import outbox, repo
from offline_store.clock import iso_utc

PORTAL_KIND = "portal.dossier"
FILE_KIND = "deferred.fetch_online_file"
RESULT_KIND = "deferred.fetch_result"
DECISION_KIND = "deferred.online_decision"
ENTRY_KIND = "deferred.online_entry"
STATES = {"filed": "pending", "accepted": "accepted", "supplement_requested": "supplement_requested",
          "refused": "refused"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
PORTAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_FILE = 500 * 1024 * 1024
MIN_RATE = 50_000
ENTRY_MAX = 256 * 1024        # a parked entry keeps at most this much of the item


def _ts14(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{field} must be text yyyyMMddHHmmss")
    try:
        when = datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        raise ValueError(f"{field} {value[:20]!r} is not a real date-time yyyyMMddHHmmss") from None
    return when.replace(tzinfo=VN_TZ).isoformat(timespec="seconds")


def _text(rec: dict, key: str, limit: int, required: bool = False) -> str:
    v = rec.get(key)
    if v is None and not required:
        return ""
    if not isinstance(v, str) or (required and not v.strip()) or len(v) > limit or "\x00" in v:
        raise ValueError(f"{key} must be text of at most {limit} characters")
    return v


def is_portal_item(item: Any) -> bool:
    rec = item.get("record") if isinstance(item, dict) else None
    return isinstance(rec, dict) and rec.get("kind") == PORTAL_KIND


# --------------------------------------------------------------------------- the feed hook

def handle(conn: Any, item: dict, counts: dict) -> bool:
    """Called by ``feed.apply_page`` for each item, inside the page's transaction. True when the
    item was a portal dossier (applied, skipped as old, or parked with its reason)."""
    if not is_portal_item(item):
        return False
    try:
        outcome = with_savepoint(conn, lambda: apply_portal_item(conn, item, counts))
        counts[outcome] = counts.get(outcome, 0) + 1      # counted as applied feed entries
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        park(conn, item, str(exc))
        counts["online_parked"] = counts.get("online_parked", 0) + 1
    return True


def with_savepoint(conn: Any, fn: Any) -> Any:
    """Run ``fn`` so that a failure undoes only its own writes (the page's transaction goes on)."""
    conn.execute("SAVEPOINT online_item")
    try:
        out = fn()
    except BaseException:
        conn.execute("ROLLBACK TO online_item")
        conn.execute("RELEASE online_item")
        raise
    conn.execute("RELEASE online_item")
    return out


def _files(rec: dict) -> list[dict]:
    out = []
    for f in rec.get("TaiLieuNop") or []:
        if not isinstance(f, dict):
            raise ValueError("TaiLieuNop entries must be objects")
        sha, size = f.get("TepDinhKemId"), f.get("KichThuoc")
        if not (isinstance(sha, str) and _SHA256.match(sha)):
            raise ValueError("TepDinhKemId must be a SHA-256 hex digest")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_FILE:
            raise ValueError(f"KichThuoc of {sha[:12]}… must be 1..{MAX_FILE}")
        name = f.get("TenTepDinhKem")
        name = name[:255] if isinstance(name, str) and name.strip() else f"{sha[:12]}.pdf"
        comp = f.get("seq")
        out.append({"sha256": sha, "filename": name, "size": size,
                    "component": comp if isinstance(comp, int) and not isinstance(comp, bool) else None,
                    "mime": f.get("mime") if isinstance(f.get("mime"), str) else ""})
    return out


def _components(rec: dict) -> list[dict]:
    out = []
    for c in rec.get("components") or []:
        if not (isinstance(c, dict) and isinstance(c.get("seq"), int) and isinstance(c.get("name"), str)
                and c["name"].strip()):
            raise ValueError("components entries need seq and name")
        form = c.get("form") if c.get("form") in ("original", "copy", "certified_copy") else "original"
        qty = c.get("quantity") if isinstance(c.get("quantity"), int) and c["quantity"] > 0 else 1
        out.append({"seq": c["seq"], "name": c["name"][:1000], "form": form, "quantity": qty,
                    "MaThanhPhanHoSo": c.get("MaThanhPhanHoSo") if isinstance(c.get("MaThanhPhanHoSo"), str) else None})
    return out


def apply_portal_item(conn: Any, item: dict, counts: dict | None = None) -> str:
    """Upsert one portal dossier into the inbox; 'inserted' | 'updated' | 'skipped'."""
    rec = item["record"]
    pid = rec.get("portal_id")
    if not isinstance(pid, str) or not PORTAL_ID.match(pid):
        raise ValueError("portal_id missing or not an id")
    record_id = item.get("record_id")
    if not isinstance(record_id, str) or not record_id:
        raise ValueError("record_id missing")
    version = item.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("version must be a positive integer")
    state = STATES.get(rec.get("state"))
    if state is None:
        raise ValueError(f"unknown portal state {str(rec.get('state'))[:30]!r}")
    filed_at = _ts14(rec.get("NgayNop"), "NgayNop")
    kind = rec.get("LoaiDoiTuong", 1)
    if kind not in (1, 2):
        raise ValueError("LoaiDoiTuong must be 1 or 2")
    files, comps = _files(rec), _components(rec)
    code = _text(rec, "MaHoSo", 64)
    due = _ts14(rec["NgayHenTra"], "NgayHenTra") if rec.get("NgayHenTra") else None
    values = {
        "record_id": record_id, "version": version, "unit_code": _text(rec, "DonViXuLy", 32),
        "procedure_code": _text(rec, "MaTTHC", 100, required=True),
        "procedure_name": _text(rec, "TenTTHC", 1000),
        "applicant_name": _text(rec, "ChuHoSo", 200, required=True),
        "applicant_id_number": _text(rec, "MaDoiTuong", 20, required=True), "applicant_kind": kind,
        "applicant_phone": _text(rec, "phone", 32), "applicant_email": _text(rec, "email", 254),
        "applicant_address": _text(rec, "address", 500), "filed_at": filed_at,
        "components_json": json.dumps(comps, ensure_ascii=False),
        "files_json": json.dumps(files, ensure_ascii=False),
        "record_json": json.dumps(rec, ensure_ascii=False, sort_keys=True),
        "state": state, "reason": _text(rec, "reason", 4000), "updated_at": iso_utc()}
    mine = conn.execute("SELECT id, version, dossier_id, code FROM online_inbox WHERE portal_id = ?",
                        (pid,)).fetchone()
    if mine is not None and version <= int(mine["version"]):
        return "skipped"
    if state == "accepted" and (mine is None or mine["dossier_id"] is None):
        values.update(code=code, due_at=due)     # accepted at another desk: its code and due date
    if mine is None:
        cols = ["portal_id", *values, "created_at"]
        conn.execute(f"INSERT INTO online_inbox({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [pid, *values.values(), iso_utc()])
        outcome = "inserted"
    else:
        conn.execute(f"UPDATE online_inbox SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                     [*values.values(), int(mine["id"])])
        outcome = "updated"
    for f in files:
        op_id = f"online-file:{pid}:{f['sha256']}"
        if not outbox.exists(conn, op_id):
            outbox.enqueue(conn, kind=FILE_KIND, lane="deferred", op_id=op_id,
                           payload={"portal_id": pid, "sha256": f["sha256"], "size": f["size"],
                                    "filename": f["filename"]})
            if counts is not None:
                counts["files_queued"] = counts.get("files_queued", 0) + 1
    if counts is not None:
        counts["online"] = counts.get("online", 0) + 1
    return outcome


def park(conn: Any, item: Any, reason: str) -> None:
    """A feed entry that cannot be applied: an outbox item in needs_attention with the reason
    (shown in the sync queue; "retry" applies it again). Never raises for a weird item."""
    from desk_app.sync.reasons import SyncFault

    text = json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:24]
    op_id = f"online-entry:{digest}"
    if outbox.exists(conn, op_id):
        return
    payload = {"item": item} if len(text) <= ENTRY_MAX else {"item_excerpt": text[:2000]}
    fault = SyncFault("online_entry_invalid",
                      f"Hồ sơ trực tuyến từ máy chủ không đọc được, đã bỏ qua: {reason[:200]}",
                      f"An online dossier from the server could not be read and was skipped: {reason[:200]}",
                      retryable=False)
    rid = item.get("record_id") if isinstance(item, dict) and isinstance(item.get("record_id"), str) else None
    oid = outbox.enqueue(conn, kind=ENTRY_KIND, lane="deferred", op_id=op_id, record_id=rid,
                         payload=json.loads(json.dumps(payload, default=str)))
    conn.execute("UPDATE outbox SET state = 'needs_attention', last_error = ? WHERE id = ?",
                 (fault.stored(), oid))


# --------------------------------------------------------------------------- results, events

def _now() -> datetime:
    return datetime.now(VN_TZ)


_EVENT_KIND = {"waiting_supplement": "supplement_request", "supplemented": "supplement_received",
               "result_ready": "result", "returned": "return"}


def after_record(conn: Any, item: dict, outcome: str) -> int:
    """After ``apply_page`` applied an ordinary record (inserted or updated): queue the result
    documents it names, and when an update changed the dossier's status (the province, or another
    desk), write the event this desk would otherwise lack. Returns the downloads queued."""
    queued = queue_results(conn, item)
    if outcome == "updated":
        record_status_change(conn, item)
    return queued


def record_status_change(conn: Any, item: dict) -> None:
    """One ``dossier_events`` row (kind by status, ``detail.source`` province|desk) when the
    status now stored differs from the last event's, and the 0009 time facts a change implies
    (``resolved_at`` on result / stop / refusal, ``returned_at`` on a final status) if unset."""
    from desk_app.domain.models import DossierStatus
    from desk_app.domain.state_machine import FINAL

    rec = item.get("record") or {}
    d = repo.get_dossier_by_record_id(conn, item["record_id"])
    if d is None:
        return
    last = conn.execute("SELECT to_status FROM dossier_events WHERE dossier_id = ? ORDER BY id DESC LIMIT 1",
                        (int(d["id"]),)).fetchone()
    before = last[0] if last else None
    now = d["status"]
    if before == now:
        return
    desk = item.get("origin_desk")
    source = "province" if desk is None else "desk"
    actor = "tỉnh" if desk is None else (rec.get("clerk") if isinstance(rec.get("clerk"), str) and rec.get("clerk")
                                          else f"quầy {desk}")
    at = _now().replace(microsecond=0).isoformat()
    results = [doc.get("TepDinhKemId") for doc in rec.get("DanhSachGiayToKetQua") or []
               if isinstance(doc, dict) and isinstance(doc.get("TepDinhKemId"), str)]
    detail = {"source": source, "desk": desk, "version": item.get("version"),
              "TrangThaiHoSo": rec.get("TrangThaiHoSo"), **({"results": results} if results else {})}
    note = rec.get("note") if isinstance(rec.get("note"), str) else ""
    changes = _clock_changes(conn, d, before, now, at, detail)
    conn.execute("INSERT INTO dossier_events(dossier_id, from_status, to_status, actor, role, at, note,"
                 " kind, detail_json) VALUES (?,?,?,?,?,?,?,?,?)",
                 (int(d["id"]), before, now, actor[:100], "system", at, note[:2000], _EVENT_KIND.get(now, "status"),
                  json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))))
    status = DossierStatus(now)
    if not d["resolved_at"] and (status in (DossierStatus.RESULT_READY, DossierStatus.STOPPED)
                                 or (status is DossierStatus.REFUSED and before is not None)):
        changes["resolved_at"] = at
    if not d["returned_at"] and status in FINAL:
        changes["returned_at"] = at
    if changes:
        conn.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in changes)} WHERE id = ?",
                     (*changes.values(), int(d["id"])))
    if conn.execute("SELECT 1 FROM dossier_seals WHERE dossier_id = ?", (int(d["id"]),)).fetchone():
        from offline_store import seal

        seal.reseal(conn, int(d["id"]))


def _clock_changes(conn: Any, d: Any, before: str | None, now: str, at: str, detail: dict) -> dict:
    """The supplement clock when the province (or another desk) moves a dossier into or out of
    'waiting_supplement': it stops (``paused_at``) as a request made here stops it, and on leaving
    the paused working days are added; the appointment moves by them unless the record brought
    an appointment of its own (the province's ``NgayHenTra`` differs from the one held when the
    clock stopped). ``detail`` gets the facts for the event."""
    from desk_app.domain.working_calendar import WorkingCalendar, to_local

    def parse(v: Any) -> datetime | None:
        try:
            return to_local(datetime.fromisoformat(v)) if isinstance(v, str) and v else None
        except ValueError:
            return None

    if now == "waiting_supplement":
        if d["paused_at"]:
            return {}
        detail["due_at_when_paused"] = d["due_at"]
        return {"paused_at": at}
    if before != "waiting_supplement" or not d["paused_at"]:
        return {}
    stopped, resumed = parse(d["paused_at"]), parse(at)
    if stopped is None or resumed is None:
        return {"paused_at": None}
    rows = [dict(r) for r in repo.calendar_days(conn)]
    cal = WorkingCalendar.from_rows(rows) if rows else WorkingCalendar.default()
    paused = cal.paused_working_days(stopped, resumed)
    out: dict = {"paused_at": None, "paused_working_days": int(d["paused_working_days"] or 0) + paused}
    held = None
    for (dj,) in conn.execute("SELECT detail_json FROM dossier_events WHERE dossier_id = ? AND"
                              " to_status = 'waiting_supplement' ORDER BY id DESC LIMIT 1", (int(d["id"]),)):
        try:
            held = json.loads(dj).get("due_at_when_paused", held)
        except (ValueError, AttributeError):
            held = None
    due = parse(d["due_at"])
    detail.update(paused_from=d["paused_at"], paused_working_days=paused)
    if due is not None and paused and (held is None or held == d["due_at"]):
        new_due = cal.extend_due(due, paused).isoformat(timespec="seconds")
        out["due_at"] = new_due
        detail.update(old_due=d["due_at"], new_due=new_due)
    return out


def queue_results(conn: Any, item: dict) -> int:
    """After an ordinary record was applied: fetch each result document it names that this desk
    does not hold (its own dossiers included: the province posted them)."""
    rec = item.get("record") if isinstance(item, dict) else None
    record_id = item.get("record_id") if isinstance(item, dict) else None
    if not isinstance(rec, dict) or not isinstance(record_id, str):
        return 0
    d = repo.get_dossier_by_record_id(conn, record_id)
    if d is None:
        return 0
    queued = 0
    for doc in rec.get("DanhSachGiayToKetQua") or []:
        if not isinstance(doc, dict):
            continue
        sha = doc.get("TepDinhKemId")
        if not (isinstance(sha, str) and _SHA256.match(sha)):
            continue
        op_id = f"result:{record_id}:{sha}"
        if outbox.exists(conn, op_id) or repo.has_attachment(conn, int(d["id"]), sha):
            continue
        title = doc.get("TenGiayTo") if isinstance(doc.get("TenGiayTo"), str) else ""
        outbox.enqueue(conn, kind=RESULT_KIND, lane="deferred", record_id=record_id, op_id=op_id,
                       payload={"record_id": record_id, "sha256": sha, "title": title[:200] or "Kết quả",
                                "code": str(doc.get("MaGiayTo") or "")[:64]})
        queued += 1
    return queued


# --------------------------------------------------------------------------- handlers

_MAGIC = ((b"%PDF-", "application/pdf", ".pdf"), (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
          (b"\x89PNG\r\n\x1a\n", "image/png", ".png"), (b"II*\x00", "image/tiff", ".tif"),
          (b"MM\x00*", "image/tiff", ".tif"))


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, mime, ext in _MAGIC:
        if head.startswith(magic):
            return mime, ext
    return None


async def _download(ctx: deferred.DeferredContext, sha: str, size: int | None) -> bytes | None:
    """The verified bytes of blob ``sha`` (None when this desk already holds a good copy)."""
    from desk_app.sync.api import API

    store = ctx.store
    if await ctx.run_db(lambda: store.blobs.exists(sha) and store.blobs.verify(sha)):
        return None
    if size is None:
        head = await ctx.api.request("HEAD", f"{API}/blobs/{sha}", ok=(200,), accept=(404,))
        if head.status == 404:
            raise deferred.DeferredError(f"file {sha[:12]}… is not on the provincial server", retryable=False)
        size = int(head.headers.get("content-length") or -1)
        if not 0 < size <= MAX_FILE:
            raise deferred.DeferredError(f"file {sha[:12]}…: size {size} refused", retryable=False)
    reply = await ctx.api.request("GET", f"{API}/blobs/{sha}", ok=(200,), accept=(404,),
                                  max_body=size + 1, deadline=max(60.0, size / MIN_RATE))
    if reply.status == 404:
        raise deferred.DeferredError(f"file {sha[:12]}… is not on the provincial server", retryable=False)
    if len(reply.body) != size or hashlib.sha256(reply.body).hexdigest() != sha:
        raise deferred.DeferredError(f"file {sha[:12]}… arrived damaged; will fetch again")
    return reply.body


async def fetch_online_file(item: Any, ctx: deferred.DeferredContext) -> None:
    p = item.payload
    body = await _download(ctx, p["sha256"], int(p["size"]))
    if body is not None:
        await ctx.run_db(ctx.store.blobs.put_bytes, body)


async def fetch_result(item: Any, ctx: deferred.DeferredContext) -> None:
    """A result document of the province: download, verify, store, attach (kind 'result')."""
    p = item.payload
    sha, store = p["sha256"], ctx.store
    body = await _download(ctx, sha, None)
    if body is not None:
        if sniff(body[:16]) is None:
            raise deferred.DeferredError(f"result file {sha[:12]}… is not a PDF or an image", retryable=False)
        await ctx.run_db(store.blobs.put_bytes, body)

    def record() -> None:
        kind = sniff(store.blobs.head(sha, 16)) or ("application/octet-stream", ".bin")
        size = store.blobs.size(sha)
        with store.transaction() as conn:
            d = repo.get_dossier_by_record_id(conn, p["record_id"])
            if d is None:
                return
            name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", p.get("title") or "Kết quả").strip()[:200]
            repo.insert_attachment(conn, int(d["id"]), {
                "sha256": sha, "size": size, "filename": f"{name or 'ket-qua'}{kind[1]}",
                "component_seq": None, "mime": kind[0], "kind": "result"})
    await ctx.run_db(record)


async def send_decision(item: Any, ctx: deferred.DeferredContext) -> None:
    """The clerk's supplement request or refusal, to the portal (the op_id makes a repeat a replay)."""
    from desk_app.sync.api import API

    p = item.payload
    body = {"op_id": item.op_id, "decision": p["decision"], "reason": p["reason"],
            "clerk": p.get("clerk", ""), "at": p.get("at", "")}
    reply = await ctx.api.request("POST", f"{API}/online/{p['portal_id']}/decision", json_body=body,
                                  ok=(200,), accept=(404, 409))
    if reply.status != 200:
        try:
            err = reply.json().get("error") or {}
        except (ValueError, AttributeError):
            err = {}
        raise deferred.DeferredError(f"{err.get('code', reply.status)}: {str(err.get('message', ''))[:200]}",
                                     retryable=False)


async def reapply_entry(item: Any, ctx: deferred.DeferredContext) -> None:
    """"Retry" on a parked feed entry: apply it again (after a fix on the server or the desk)."""
    entry = item.payload.get("item")
    if not isinstance(entry, dict):
        raise deferred.DeferredError("the parked entry was too large to keep; pull the feed again",
                                     retryable=False)

    def apply() -> None:
        with ctx.store.transaction() as conn:
            apply_portal_item(conn, entry)
    try:
        await ctx.run_db(apply)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise deferred.DeferredError(str(exc)[:200], retryable=False) from None


deferred.register(FILE_KIND, fetch_online_file)
deferred.register(RESULT_KIND, fetch_result)
deferred.register(DECISION_KIND, send_decision)
deferred.register(ENTRY_KIND, reapply_entry)
