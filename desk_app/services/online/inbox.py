"""The "Hồ sơ trực tuyến chờ tiếp nhận" inbox: list, show, accept, ask for a supplement, refuse.

Online dossiers arrive through the unit feed (``desk_app.sync.online_feed``) with their files
fetched into the blob store. The clerk decides offline:

* **accept** — a dossier with ``channel='online'`` and ``portal_id`` is created by the intake
  writer (the normal code rule: this desk's serial block for the filing day; the due date by
  ``ctx.calendar`` from the time of filing — §3: filed after hours or on a day off, counting
  starts at 08:00 of the next working day, which is day 1). The ``dossier.create`` outbox item
  carries ``HinhThuc`` 2 and ``portal_id`` (under ``extra`` on the wire), which is what links the
  portal dossier at the back end — exactly once, by the item's op_id.
* **supplement** / **refuse** — the inbox row changes and a ``deferred.online_decision`` item
  carries the reason to the portal.

Every action writes an audit row and an outbox item in the transaction of the change. Accepting
is one transaction (the intake writer, which enqueues nothing, joins the one that writes the
link + outbox + inbox + audit), so a crash leaves the entry pending and no dossier behind. The
intake ``request_id`` ``online:<portal_id>`` still makes an acceptance find the dossier a store
written by older versions (two commits) may hold from a crash between them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Applicant, ComponentForm, Dossier, DossierComponent, DossierStatus
from desk_app.domain.text import excerpt
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import audit, outbox
from offline_store.clock import iso_utc

STATES = ("pending", "accepted", "supplement_requested", "refused")
HINH_THUC_ONLINE = 2
STATE_LABELS = {"pending": ("Chờ tiếp nhận", "Waiting"), "accepted": ("Đã tiếp nhận", "Accepted"),
                "supplement_requested": ("Đã yêu cầu bổ sung", "Supplement requested"),
                "refused": ("Đã từ chối", "Refused")}


@dataclass(frozen=True)
class OnlineFile:
    sha256: str
    filename: str
    size: int
    component: int | None
    fetched: bool


@dataclass(frozen=True)
class OnlineDossier:
    portal_id: str
    state: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_id_number: str
    applicant_kind: int
    phone: str
    email: str
    address: str
    filed_at: datetime
    components: list[dict] = field(default_factory=list)
    files: list[OnlineFile] = field(default_factory=list)
    reason: str = ""
    code: str = ""
    due_at: datetime | None = None
    decided_by: str = ""
    decided_at: str | None = None

    @property
    def files_ready(self) -> bool:
        return all(f.fetched for f in self.files)

    def state_label(self, lang: str = "vi") -> str:
        vi, en = STATE_LABELS.get(self.state, (self.state, self.state))
        return en if lang.startswith("en") else vi


@dataclass(frozen=True)
class AcceptResult:
    portal_id: str
    code: str
    due_at: datetime | None
    dossier: Dossier

    def message(self, lang: str = "vi") -> str:
        due = self.due_at.strftime("%H:%M %d/%m/%Y") if self.due_at else "—"
        if lang.startswith("en"):
            return f"Accepted online dossier {self.portal_id}: code {self.code}, due {due}."
        return f"Đã tiếp nhận hồ sơ trực tuyến {self.portal_id}: mã hồ sơ {self.code}, hẹn trả {due}."


def _parse_dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _row_to(ctx: DeskContext, r) -> OnlineDossier:  # noqa: ANN001 (sqlite3.Row)
    files = []
    for f in json.loads(r["files_json"] or "[]"):
        sha = f["sha256"]
        files.append(OnlineFile(sha256=sha, filename=f.get("filename") or sha[:12], size=int(f.get("size") or 0),
                                component=f.get("component"), fetched=ctx.store.blobs.exists(sha)))
    return OnlineDossier(
        portal_id=r["portal_id"], state=r["state"], procedure_code=r["procedure_code"],
        procedure_name=r["procedure_name"], applicant_name=r["applicant_name"],
        applicant_id_number=r["applicant_id_number"], applicant_kind=int(r["applicant_kind"]),
        phone=r["applicant_phone"], email=r["applicant_email"], address=r["applicant_address"],
        filed_at=datetime.fromisoformat(r["filed_at"]), components=json.loads(r["components_json"] or "[]"),
        files=files, reason=r["reason"], code=r["code"], due_at=_parse_dt(r["due_at"]),
        decided_by=r["decided_by"], decided_at=r["decided_at"])


def list_inbox(ctx: DeskContext, states: tuple[str, ...] | None = ("pending",)) -> list[OnlineDossier]:
    """Online dossiers in the given states (None: all), oldest filing first."""
    sql = "SELECT * FROM online_inbox"
    args: tuple = ()
    if states:
        bad = set(states) - set(STATES)
        if bad:
            raise ValidationError("bad_state", f"Trạng thái không hợp lệ: {', '.join(sorted(bad))}.",
                                  f"Unknown state: {', '.join(sorted(bad))}.", field="state")
        sql += f" WHERE state IN ({', '.join('?' * len(states))})"
        args = tuple(states)
    rows = ctx.store.conn.execute(sql + " ORDER BY filed_at, id", args).fetchall()
    return [_row_to(ctx, r) for r in rows]


def count_pending(ctx: DeskContext) -> int:
    return int(ctx.store.conn.execute("SELECT count(*) FROM online_inbox WHERE state = 'pending'").fetchone()[0])


def _check_id(portal_id: str) -> str:
    pid = (portal_id or "").strip()
    if not pid or len(pid) > 40 or not all(c.isalnum() or c in "._-" for c in pid):
        raise ValidationError("bad_portal_id", f"“{excerpt(pid, 40)}” không phải mã hồ sơ trực tuyến.",
                              f"“{excerpt(pid, 40)}” is not an online dossier id.", field="portal_id")
    return pid


def get(ctx: DeskContext, portal_id: str) -> OnlineDossier:
    pid = _check_id(portal_id)
    r = ctx.store.conn.execute("SELECT * FROM online_inbox WHERE portal_id = ?", (pid,)).fetchone()
    if r is None:
        raise NotFoundError("online_not_found",
                            f"Không có hồ sơ trực tuyến {pid} trên máy này (đã đồng bộ chưa?).",
                            f"No online dossier {pid} on this desk (synced yet?).", portal_id=pid)
    return _row_to(ctx, r)


def _decided_error(o: OnlineDossier) -> ValidationError:
    vi, en = STATE_LABELS[o.state]
    extra_vi = f" (mã hồ sơ {o.code})" if o.code else ""
    extra_en = f" (code {o.code})" if o.code else ""
    return ValidationError("online_already_decided",
                           f"Hồ sơ trực tuyến {o.portal_id} không còn chờ tiếp nhận: {vi.lower()}{extra_vi}. "
                           "Không có gì thay đổi.",
                           f"Online dossier {o.portal_id} is no longer waiting: {en.lower()}{extra_en}. "
                           "Nothing was changed.", portal_id=o.portal_id, state=o.state)


_FORMS = {"original": ComponentForm.ORIGINAL, "copy": ComponentForm.COPY,
          "certified_copy": ComponentForm.CERTIFIED_COPY}


def _request(ctx: DeskContext, o: OnlineDossier, clerk: str, actor: str,
             files: dict[str, Path] | None = None):  # noqa: ANN202
    """The intake request of an online dossier; ``files`` maps a file's sha256 to a plaintext copy
    (an encrypted store's blob files are ciphertext), else the blob files themselves."""
    from desk_app.services.intake import IntakeRequest

    comps = [DossierComponent(seq=int(c["seq"]), name=c["name"], form=_FORMS.get(c.get("form"), ComponentForm.ORIGINAL),
                              quantity=max(1, int(c.get("quantity") or 1))) for c in o.components]
    seqs = {c.seq for c in comps}
    atts = [((files or {}).get(f.sha256) or ctx.store.blobs.path(f.sha256),
             f.component if f.component in seqs else None) for f in o.files]
    return IntakeRequest(
        procedure_code=o.procedure_code,
        applicant=Applicant(id_number=o.applicant_id_number, full_name=o.applicant_name, kind=o.applicant_kind,
                            address=o.address, phone=o.phone, email=o.email),
        components=comps, attachments=atts, received_at=o.filed_at, clerk=clerk,
        request_id=f"online:{o.portal_id}", actor=actor)


def accept(ctx: DeskContext, portal_id: str, *, clerk: str = "", actor: str = "") -> AcceptResult:
    """Accept an online dossier offline: a dossier (channel online) with its code and due date."""
    import tempfile

    from desk_app.services import catalog

    o = get(ctx, portal_id)
    if o.state != "pending":
        raise _decided_error(o)
    if not o.files_ready:
        missing = sum(1 for f in o.files if not f.fetched)
        raise ValidationError("online_files_missing",
                              f"Còn {missing} tệp của hồ sơ {o.portal_id} chưa tải về máy; hãy đồng bộ rồi kiểm tra lại.",
                              f"{missing} file(s) of {o.portal_id} are not on this desk yet; sync, then check again.",
                              portal_id=o.portal_id)
    proc = catalog.get_procedure(ctx, o.procedure_code)
    clerk = clerk or ctx.clerk_name or "cán bộ một cửa"
    if getattr(ctx.store, "encrypted", False):     # hand intake plaintext copies (same sha256)
        (ctx.data_dir / "tmp").mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(dir=ctx.data_dir / "tmp", prefix="online-") as tmp:
            files = {}
            for i, f in enumerate(o.files):
                files[f.sha256] = Path(tmp) / f"{i}{Path(f.filename).suffix[:8]}"
                files[f.sha256].write_bytes(ctx.store.blobs.read_bytes(f.sha256))
            return _accept(ctx, o, proc, clerk, actor, files)
    return _accept(ctx, o, proc, clerk, actor, None)


def _accept(ctx: DeskContext, o: "OnlineDossier", proc, clerk: str, actor: str,
            files: dict[str, Path] | None) -> AcceptResult:
    import importlib

    intake = importlib.import_module("desk_app.services.intake.receive")  # the module, not the function
    from desk_app.services.dossiers import load
    from desk_app.services.record import national_record
    from desk_app.domain.ids import new_op_id
    from offline_store import repo, seal

    req = _request(ctx, o, clerk, actor or clerk, files)
    intake._raise_problems(intake.validate(ctx, req))
    req = intake._clean(req)
    due = intake._due(ctx, proc, req.received_at)
    names = {f.sha256: intake.clean_filename(f.filename) for f in o.files}
    # One transaction for all of it: the intake writer (applicant registry, serial and code,
    # components, files, event, seal; enqueue=False so nothing leaves the desk before the portal
    # link is written) joins this outer transaction, then the link, outbox, inbox and audit. A
    # crash anywhere leaves the online dossier pending and no dossier behind (two commits could
    # leave a desk-channel dossier never queued, and a second acceptance would make another).
    with ctx.store.transaction() as conn:
        r = conn.execute("SELECT state FROM online_inbox WHERE portal_id = ?", (o.portal_id,)).fetchone()
        if r is None or r["state"] != "pending":
            raise _decided_error(get(ctx, o.portal_id))
        d = intake._write(ctx, req, proc, status=DossierStatus.RECEIVED, due_at=due, note="",
                          enqueue=False, action="online.accept.intake")
        did = int(repo.get_dossier_by_record_id(conn, d.record_id)["id"])
        conn.execute("UPDATE dossiers SET channel = 'online', portal_id = ?, original_due_at = due_at"
                     " WHERE id = ?", (o.portal_id, did))
        for sha, name in names.items():
            conn.execute("UPDATE attachments SET filename = ? WHERE dossier_id = ? AND sha256 = ?",
                         (name, did, sha))
        d = load(conn, repo.get_dossier_by_id(conn, did))
        payload = national_record(d, proc)
        payload.update(HinhThuc=HINH_THUC_ONLINE, channel="online", portal_id=o.portal_id,
                       filed_at=convert.iso_local(o.filed_at))
        outbox.enqueue(conn, kind="dossier.create", lane="record", payload=payload, dossier_id=did,
                       record_id=d.record_id, base_version=None, clerk=clerk,
                       bytes_total=sum(f.size for f in o.files), op_id=new_op_id())
        seal.reseal(conn, did)        # the seal covers the dossier, its files and its create item
        now = iso_utc()
        conn.execute("UPDATE online_inbox SET state = 'accepted', dossier_id = ?, code = ?, due_at = ?,"
                     " decided_by = ?, decided_at = ?, updated_at = ? WHERE portal_id = ?",
                     (did, d.code, convert.iso_local(d.due_at) if d.due_at else None, actor or clerk, now, now,
                      o.portal_id))
        audit.append(conn, actor=actor or clerk, action="online.accept", entity="online_dossier",
                     entity_id=o.portal_id, detail={"code": d.code, "record_id": d.record_id,
                                                    "due_at": convert.iso_local(d.due_at) if d.due_at else None,
                                                    "filed_at": convert.iso_local(o.filed_at)})
    return AcceptResult(o.portal_id, d.code, d.due_at, d)


def decide(ctx: DeskContext, portal_id: str, decision: str, reason: str, *, clerk: str = "",
           actor: str = "") -> OnlineDossier:
    """Ask for a supplement (``decision='supplement'``) or refuse (``'refuse'``), with the reason."""
    from desk_app.domain.ids import new_op_id
    import importlib

    from desk_app.sync.online_feed import DECISION_KIND

    clean_reason = importlib.import_module("desk_app.services.intake.receive").clean_reason

    if decision not in ("supplement", "refuse"):
        raise ValidationError("bad_decision", f"Quyết định “{excerpt(decision, 20)}” không hợp lệ.",
                              f"Unknown decision “{excerpt(decision, 20)}”.", field="decision")
    text = clean_reason(reason)
    if not text:
        raise ValidationError("reason_required", "Cần ghi rõ lý do.", "A reason is required.", field="reason")
    o = get(ctx, portal_id)
    allowed = ("pending",) if decision == "supplement" else ("pending", "supplement_requested")
    if o.state not in allowed:
        raise _decided_error(o)
    clerk = clerk or ctx.clerk_name or "cán bộ một cửa"
    new_state = "supplement_requested" if decision == "supplement" else "refused"
    now = iso_utc()
    with ctx.store.transaction() as conn:
        r = conn.execute("SELECT state FROM online_inbox WHERE portal_id = ?", (o.portal_id,)).fetchone()
        if r["state"] not in allowed:
            raise _decided_error(get(ctx, o.portal_id))
        conn.execute("UPDATE online_inbox SET state = ?, reason = ?, decided_by = ?, decided_at = ?, updated_at = ?"
                     " WHERE portal_id = ?", (new_state, text, actor or clerk, now, now, o.portal_id))
        outbox.enqueue(conn, kind=DECISION_KIND, lane="deferred", op_id=new_op_id(), clerk=clerk,
                       payload={"portal_id": o.portal_id, "decision": decision, "reason": text,
                                "clerk": clerk, "at": convert.iso_local(datetime.now(convert.VN_TZ))})
        audit.append(conn, actor=actor or clerk, action=f"online.{decision}", entity="online_dossier",
                     entity_id=o.portal_id, detail={"reason": text, "from": o.state, "to": new_state})
    return get(ctx, o.portal_id)


def file_bytes(ctx: DeskContext, sha256: str) -> bytes:
    """A fetched file of an online dossier, as the citizen sent it (for a viewer; the blob file
    itself is ciphertext on an encrypted store)."""
    return ctx.store.blobs.read_bytes(sha256)
