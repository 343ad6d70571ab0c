"""Demo data for a desk (`desk-app init --demo`): never imported by a production start.

Demo dossiers are realistic (Vietnamese names with the common family names, valid CCCD numbers,
mobile numbers, the shipped procedures) and are written in batches, one transaction per batch,
with the same rows, events, audit chain and outbox items a real intake writes, so `verify` passes
on a demo store and the sync screen has a short queue to show.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import DossierStatus, Role
from desk_app.domain.text import fold
from desk_app.jobs import CancelToken, ProgressFn, Steps
from desk_app.services import convert
from desk_app.services.context import DeskContext
from desk_app.services.dossiers import load, search_text
from offline_store import audit, outbox, repo

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
          ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2),
          ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Đinh", 1), ("Đào", 1), ("Đoàn", 1), ("Lò", 1),
          ("Vi", 1), ("Tòng", 1)]
MIDDLE_M = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thành", "Xuân", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Kim", "Phương"]
GIVEN_M = ["An", "Anh", "Bình", "Cường", "Dũng", "Duy", "Hải", "Hùng", "Huy", "Khánh", "Long",
           "Minh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Đạt", "Đức", "Toàn"]
GIVEN_F = ["An", "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
           "Mai", "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Tuyết", "Vân", "Yến", "Đào"]
PROVINCES = ["001", "002", "004", "006", "008", "010", "012", "014", "015", "017", "019", "020",
             "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037",
             "038", "040", "042", "044", "045", "046", "048", "079", "092"]
HAMLETS = ["Thôn Bản Lang", "Thôn Nà Khum", "Bản Mường", "Thôn Tân Lập", "Thôn Đoàn Kết",
           "Khu phố 1", "Khu phố 3", "Thôn Phú Mỹ", "Thôn Hợp Thành", "Bản Pa Khóa"]
PROC_WEIGHTS = {"1.001193": 18, "2.000815": 30, "2.000884": 10, "1.000894": 6, "1.000656": 5,
                "1.004873": 8, "2.000635": 8, "2.001035": 4, "1.001776": 3}
DEMO_CLERKS = ["Nguyễn Thị Hoa", "Lò Văn Thắng"]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def fake_person(rng: random.Random, today: date) -> dict:
    """A plausible adult: name, sex, birth date, a CCCD whose century/sex/year digits agree."""
    from desk_app.domain.cccd import validate_id_number

    female = rng.random() < 0.52
    name = " ".join((_weighted(rng, FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)))
    birth = date(rng.randint(1945, today.year - 18), rng.randint(1, 12), rng.randint(1, 28))
    digit = (0 if birth.year < 2000 else 2) + (1 if female else 0)
    idn = f"{rng.choice(PROVINCES)}{digit}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"
    sex = "Nữ" if female else "Nam"
    validate_id_number(idn, birth_date=birth, sex=sex)
    phone = rng.choice(["09", "03", "08", "07"]) + f"{rng.randint(0, 99_999_999):08d}"
    return {"id_number": idn, "kind": 1, "full_name": name, "name_folded": fold(name),
            "birth_date": birth.isoformat(), "sex": sex, "phone": phone, "email": "",
            "address": f"{rng.choice(HAMLETS)}", "old_id_number": ""}


def _working_times(ctx: DeskContext, rng: random.Random, n: int, start: date,
                   end: date) -> list[datetime]:
    cal = ctx.calendar
    days = []
    d = start
    while d <= end:
        if cal.is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    out = []
    for _ in range(n):
        d = rng.choice(days)
        minute = rng.randint(7 * 60 + 30, 16 * 60 + 45)
        if rng.random() < 0.5:      # mornings are busier
            minute = rng.randint(7 * 60 + 30, 11 * 60 + 15)
        out.append(datetime.combine(d, time(minute // 60, minute % 60, rng.randint(0, 59)),
                                    convert.VN_TZ))
    return sorted(out)


def generate_dossiers(ctx: DeskContext, n: int, *, seed: int = 2025, batch: int = 500,
                      queued_tail: int = 12, now: datetime | None = None,
                      progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> int:
    """Write ``n`` sample dossiers received from 2025-01-02 to today, each with a realistic
    life (``_life``): hand-over, supplements (clock stopped, due date moved), delays with a new
    date, results (most digitised), returns at the desk or by post, some late, some withdrawn,
    refused or stopped; scans of the components, fees collected with receipts and the
    supervisor's sign-off of past days, the citizen's ratings; ~10 % filed online. Older ones are
    already synced; the last ``queued_tail`` still wait in the outbox.

    A job (``desk_app.jobs``): one transaction per ``batch``, a progress event after each commit,
    and ``cancel`` checked only between batches, so a cancel (``Cancelled``, details ``done`` =
    dossiers written) leaves whole batches that ``verify`` passes (each dossier is sealed in its
    batch's transaction)."""
    from desk_app.domain.dossier_code import format_code, serial_block
    from desk_app.domain.ids import new_op_id, new_record_id
    from desk_app.services.catalog import list_procedures
    from desk_app.services.intake import fee_for
    from desk_app.services.record import national_record
    from offline_store import seal

    rng = random.Random(seed)
    now = convert.local(now or datetime.now(convert.VN_TZ)).replace(microsecond=0)
    procs = {p.code: p for p in list_procedures(ctx) if p.active}
    if not procs:
        raise ValidationError("catalog_empty", "Danh mục thủ tục trống.", "The catalog is empty.")
    codes = list(procs)
    weights = [PROC_WEIGHTS.get(c, 2) for c in codes]
    times = _working_times(ctx, rng, n, date(2025, 1, 2), now.date())
    block = serial_block(ctx.desk_no, ctx.serial_width)
    serial_of_day: dict[str, int] = {}
    people = [fake_person(rng, now.date()) for _ in range(max(1, n * 3 // 4))]
    pool = _blob_pool(ctx) if n else {}
    cash: dict[tuple[str, str], list[int]] = {}       # (clerk, day) -> [payments, total]
    receipts: dict[str, int] = {}
    signed: set[tuple[str, str]] = set()
    fresh_tail = max(2, n // 100)
    written = 0
    steps = Steps(progress, cancel)
    steps.step("demo.batch", 0, n, f"Đang tạo hồ sơ mẫu: 0/{n}", f"Creating sample dossiers: 0/{n}")
    for lo in range(0, n, batch):
        if lo:
            steps.step("demo.batch", written, n, f"Đã tạo {written}/{n} hồ sơ mẫu",
                       f"Created {written}/{n} sample dossiers")
        hi = min(n, lo + batch)
        with ctx.store.transaction() as conn:
            for i in range(lo, hi):
                received = times[i]
                person = rng.choice(people)
                proc = procs[rng.choices(codes, weights=weights)[0]]
                yymmdd = received.strftime("%y%m%d")
                serial = serial_of_day.get(yymmdd, block.start - 1) + 1
                serial_of_day[yymmdd] = serial
                code = format_code(ctx.unit_code, received.date(), serial, ctx.serial_width)
                due = ctx.calendar.due(received, proc.time_kind, proc.time_days, proc.cutoff,
                                       province_cutoff=ctx.province_cutoff)
                channel = "online" if rng.random() < 0.10 else ("post" if rng.random() < 0.03
                                                                else "desk")
                delivery = "post" if channel == "post" or rng.random() < 0.04 else "desk"
                # the newest few wait at the desk, not handed over yet (every desk has some)
                life = (_Life(DossierStatus.RECEIVED.value, [], due) if i >= n - fresh_tail
                        else _life(ctx, rng, received, due, now))
                app_id = repo.upsert_applicant(conn, person)
                pages = rng.randint(1, 6)
                copies = rng.randint(1, 3)
                amount, note = fee_for(ctx, proc, pages=pages, copies=copies)
                clerk = rng.choice(DEMO_CLERKS)
                record_id = new_record_id()
                tail = i >= n - queued_tail
                did = repo.insert_dossier(conn, {
                    "record_id": record_id, "code": code, "unit_code": ctx.unit_code,
                    "desk_no": ctx.desk_no, "procedure_code": proc.code,
                    "procedure_name": proc.name, "applicant_id": app_id,
                    "applicant_name": person["full_name"],
                    "applicant_id_number": person["id_number"],
                    "applicant_phone": person["phone"], "applicant_address": person["address"],
                    "delivery": delivery,
                    "delivery_address": person["address"] if delivery == "post" else "",
                    "fee_amount": amount, "fee_note": note,
                    "received_at": convert.iso_local(received),
                    "due_at": convert.iso_local(due), "status": DossierStatus.RECEIVED.value,
                    "clerk": clerk, "receipt_no": code,
                    "logbook_no": f"{received.year}/{ctx.desk_no}-{serial}",
                    "search_folded": search_text(code, person["full_name"], person["id_number"],
                                                 person["phone"], proc.code)})
                comps = [c for c in proc.components if c.required]
                repo.insert_components(conn, did, [
                    {"seq": c.seq, "name": c.name, "quantity": max(1, c.originals or c.copies or 1),
                     "form": "original" if c.originals else "copy"} for c in comps])
                repo.insert_event(conn, did, from_status=None, to_status="received", actor=clerk,
                                  role=Role.CLERK.value, at=convert.iso_local(received))
                if channel != "online":                      # online files are digital already
                    r = rng.random()
                    scanned = comps if r < 0.88 else (comps[:1] if r < 0.95 else [])
                    for c in scanned:
                        sha, size = pool["scan"][c.seq % len(pool["scan"])]
                        repo.insert_attachment(conn, did, {
                            "sha256": sha, "size": size, "filename": f"thanh-phan-{c.seq}.pdf",
                            "mime": "application/pdf", "component_seq": c.seq, "kind": "scan"})
                d = load(conn, repo.get_dossier_by_id(conn, did))
                outbox.enqueue(conn, kind="dossier.create", lane="record",
                               payload=national_record(d, proc), dossier_id=did,
                               record_id=record_id, clerk=clerk, op_id=new_op_id(),
                               state="queued" if tail else "done")
                prev = "received"
                for ev in life.events:
                    actor = clerk if ev.role == Role.CLERK else "Bộ phận chuyên môn"
                    conn.execute(
                        "INSERT INTO dossier_events(dossier_id, from_status, to_status, actor,"
                        " role, at, note, kind, detail_json) VALUES (?,?,?,?,?,?,?,?,?)",
                        (did, prev, ev.to_status, actor, ev.role.value,
                         convert.iso_local(ev.at), ev.note, ev.kind,
                         json.dumps(ev.detail, ensure_ascii=False, sort_keys=True)))
                    prev = ev.to_status
                if life.result_file:
                    sha, size = pool["result"][i % len(pool["result"])]
                    repo.insert_attachment(conn, did, {
                        "sha256": sha, "size": size, "filename": "ket-qua.pdf",
                        "mime": "application/pdf", "kind": "result"})
                fee_note = note
                if amount and life.status not in ("refused", "withdrawn") and rng.random() < 0.96:
                    exempt = ""
                    allowed = (proc.fee.params or {}).get("exemptions") or []
                    if allowed and rng.random() < 0.06:
                        exempt = rng.choice(allowed)
                    paid = 0 if exempt else amount
                    day = received.date().isoformat()
                    k = receipts.get(yymmdd, 0) + 1
                    receipts[yymmdd] = k
                    receipt = f"BL-{yymmdd}-{ctx.desk_no}{k:03d}"
                    conn.execute(
                        "INSERT INTO fee_payments(dossier_id, amount, exemption, pages, copies,"
                        " note, clerk, day, at, receipt_no) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (did, paid, exempt, pages, copies, note, clerk, day,
                         convert.iso_local(received + timedelta(minutes=5)), receipt))
                    fee_note = f"{note} Biên lai {receipt}."
                    c = cash.setdefault((clerk, day), [0, 0])
                    c[0] += 1
                    c[1] += paid
                    amount = paid
                for stage, at in (("intake", received + timedelta(minutes=6)),
                                  ("return", life.returned_at)):
                    if at is None or life.status != "returned" and stage == "return":
                        continue
                    if rng.random() >= (0.25 if stage == "intake" else 0.6):
                        continue
                    level = rng.choices((1, 2, 3), weights=(55, 37, 8))[0]
                    comment = rng.choice(UNSATISFIED_REASONS) if level == 3 else ""
                    conn.execute("INSERT INTO ratings(dossier_id, stage, level, satisfied,"
                                 " comment, at) VALUES (?,?,?,?,?,?)",
                                 (did, stage, level, int(level < 3), comment,
                                  convert.iso_local(at + timedelta(minutes=1))))
                    outbox.enqueue(conn, kind="deferred.rating", lane="deferred", payload={
                        "MaHoSo": code, "GiaiDoan": stage, "MucDo": level, "YKien": comment},
                        record_id=record_id, clerk=clerk, op_id=new_op_id(), state="done")
                version = 1 + len(life.events)
                conn.execute(
                    "UPDATE dossiers SET status = ?, version = ?, sync_state = ?,"
                    " server_version = ?, server_receipt_no = ?, fee_amount = ?, fee_note = ?,"
                    " channel = ?, original_due_at = ?, due_at = ?, resolved_at = ?,"
                    " returned_at = ?, paused_working_days = ?, paused_at = ?,"
                    " delivery_done = ?, returned_to = ?, processing_agency = ?, portal_id = ?"
                    " WHERE id = ?",
                    (life.status, version, "queued" if tail else "synced",
                     None if tail else version,
                     "" if tail else f"STN-{received:%y%m%d}-{i:05d}", amount, fee_note,
                     channel, convert.iso_local(due), convert.iso_local(life.due_at),
                     _iso(life.resolved_at), _iso(life.returned_at), life.paused_days,
                     _iso(life.paused_at), delivery if life.status == "returned" else "",
                     (person["full_name"] if delivery == "desk" else f"RR{i:07d}VN")
                     if life.status == "returned" else "", life.agency,
                     f"DVC-{received:%Y%m%d}-{i:08X}" if channel == "online" else None, did))
                audit.append(conn, actor=clerk, action="dossier.receive", entity="dossier",
                             entity_id=record_id, detail={"code": code, "demo": True})
                seal.reseal(conn, did)
            last_day = times[hi - 1].date().isoformat() if hi < n else now.date().isoformat()
            for (clerk, day), (k, total) in sorted(cash.items()):
                if day < last_day and (clerk, day) not in signed:
                    conn.execute("INSERT INTO cash_signoffs(clerk, day, total, payments,"
                                 " supervisor, at) VALUES (?,?,?,?,?,?)",
                                 (clerk, day, total, k, DEMO_SUPERVISOR, f"{day}T17:05:00+07:00"))
                    signed.add((clerk, day))
            for day, last in serial_of_day.items():
                conn.execute("INSERT INTO daily_serials(unit_code, day, desk_no, last_serial)"
                             " VALUES (?,?,?,?) ON CONFLICT(unit_code, day, desk_no) DO UPDATE"
                             " SET last_serial = max(last_serial, excluded.last_serial)",
                             (ctx.unit_code, day, ctx.desk_no, last))
        written = hi
    steps.finish("demo.batch", written, n, f"Đã tạo {written}/{n} hồ sơ mẫu",
                 f"Created {written}/{n} sample dossiers")
    return written


DEMO_SUPERVISOR = "Phạm Thị Lan"
AGENCIES = ["Công chức Tư pháp - Hộ tịch", "Công chức Địa chính - Xây dựng",
            "Văn phòng đăng ký đất đai tỉnh", "Công chức Văn hóa - Xã hội"]
UNSATISFIED_REASONS = ["Phải đi lại nhiều lần", "Chờ lâu", "Trả kết quả trễ hẹn",
                       "Hướng dẫn chưa rõ ràng"]


def _iso(dt: datetime | None) -> str | None:
    return convert.iso_local(dt) if dt is not None else None


def _blob_pool(ctx: DeskContext) -> dict[str, list[tuple[str, int]]]:
    """A few small PDFs in the blob store that the demo's attachment rows point at (distinct
    per component, so a dossier's scans never collide)."""
    out: dict[str, list[tuple[str, int]]] = {"scan": [], "result": []}
    for kind, k in (("scan", 8), ("result", 3)):
        for j in range(k):
            body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages"
                    b"/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox"
                    b"[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n"
                    + f"% demo {kind} {j}\n".encode() + b"%%EOF\n")
            out[kind].append(ctx.store.blobs.put_bytes(body))
    return out


@dataclass
class _Event:
    kind: str
    to_status: str
    at: datetime
    role: Role
    note: str = ""
    detail: dict = field(default_factory=dict)


@dataclass
class _Life:
    status: str
    events: list[_Event]
    due_at: datetime
    resolved_at: datetime | None = None
    returned_at: datetime | None = None
    paused_days: int = 0
    paused_at: datetime | None = None
    result_file: bool = False
    agency: str = ""


def _shift_working(ctx: DeskContext, dt: datetime, days: int) -> datetime:
    return datetime.combine(ctx.calendar.add_working_days(dt.date(), days), dt.timetz())


def _life(ctx: DeskContext, rng: random.Random, received: datetime, due: datetime,
          now: datetime) -> _Life:
    """Where a sample dossier is now, and the steps (with their event kinds) that took it
    there; every step before ``now``, in order."""
    S = DossierStatus
    P, C = Role.PROCESSOR, Role.CLERK
    life = _Life(S.RECEIVED.value, [], due)
    span = max(due - received, timedelta(hours=2))

    def add(kind: str, to: str, at: datetime, role: Role, note: str = "", **detail) -> bool:
        if at > now:
            return False
        life.events.append(_Event(kind, to, at, role, note, detail))
        life.status = to
        return True

    t = received + timedelta(minutes=rng.randint(20, 240))
    agency = rng.choice(AGENCIES)
    if not add("handover", S.IN_PROCESS.value, t, C, agency=agency, giver="Bộ phận Một cửa",
               receiver=agency):
        return life
    life.agency = agency
    r = rng.random()
    if r < 0.025:                                         # withdrawn at the applicant's request
        add("status", S.WITHDRAWN.value, t + span * rng.uniform(0.1, 0.6), C,
            "Công dân đề nghị rút hồ sơ")
        life.returned_at = life.events[-1].at if life.status == S.WITHDRAWN.value else None
        return life
    if r < 0.13:                                          # a supplement: the clock stops
        asked = t + span * rng.uniform(0.1, 0.4)
        if not add("supplement_request", S.WAITING_SUPPLEMENT.value, asked, P,
                   "Bổ sung bản sao giấy tờ còn thiếu"):
            return life
        life.paused_at = asked
        back = _shift_working(ctx, asked, rng.randint(1, 5))
        if back > now:
            return life
        paused = ctx.calendar.working_days_between(asked.date(), back.date())
        life.paused_at = None
        life.paused_days = paused
        life.due_at = _shift_working(ctx, life.due_at, paused)
        add("supplement_received", S.SUPPLEMENTED.value, back, C,
            paused_working_days=paused, new_due=convert.iso_local(life.due_at))
        if not add("status", S.IN_PROCESS.value, back + timedelta(minutes=30), C):
            return life
        t = back
    if rng.random() < 0.04:                               # delay with an apology (Mẫu 04)
        at = life.due_at - timedelta(hours=rng.randint(2, 20))
        if at > t:
            new_due = _shift_working(ctx, life.due_at, rng.randint(1, 3))
            if add("delay", S.IN_PROCESS.value, at, P, "Cần xác minh thêm",
                   old_due=convert.iso_local(life.due_at), new_due=convert.iso_local(new_due)):
                life.due_at = new_due
    r = rng.random()
    if r < 0.015:                                         # stopped (Mẫu 05) / refused
        kind_to = S.STOPPED.value if rng.random() < 0.4 else S.REFUSED.value
        at = t + (life.due_at - t) * rng.uniform(0.2, 0.9)
        if add("status", kind_to, at, P, "Hồ sơ không đủ điều kiện giải quyết"):
            life.resolved_at = life.returned_at = at
        return life
    if r < 0.085:                                         # late
        done = _shift_working(ctx, life.due_at, rng.randint(1, 3)) - timedelta(
            hours=rng.randint(0, 5))
    else:                                                 # ahead of time or on time
        done = t + (life.due_at - t) * rng.uniform(0.35, 0.98)
    if not add("result", S.RESULT_READY.value, done, P, file="ket-qua.pdf"):
        return life
    life.resolved_at = done
    life.result_file = rng.random() < 0.8
    back = done + timedelta(hours=rng.randint(1, 24 * 6))
    if rng.random() < 0.97 and add("return", S.RETURNED.value, back, C):
        life.returned_at = back
    return life
