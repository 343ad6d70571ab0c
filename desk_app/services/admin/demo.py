"""Demo data for a desk (`desk-app init --demo`): never imported by a production start.

Demo dossiers are realistic (Vietnamese names with the common family names, valid CCCD numbers,
mobile numbers, the shipped procedures) and are written in batches, one transaction per batch,
with the same rows, events, audit chain and outbox items a real intake writes, so `verify` passes
on a demo store and the sync screen has a short queue to show.
"""
from __future__ import annotations

import random
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
    """Write ``n`` sample dossiers received from 2025-01-02 to today (older ones mostly returned
    and already synced; the last ``queued_tail`` still waiting in the outbox).

    A job (``desk_app.jobs``): one transaction per ``batch``, a progress event after each commit,
    and ``cancel`` checked only between batches, so a cancel (``Cancelled``, details ``done`` =
    dossiers written) leaves whole batches that ``verify`` passes."""
    from desk_app.domain.dossier_code import format_code, serial_block
    from desk_app.domain.ids import new_op_id, new_record_id
    from desk_app.services.catalog import list_procedures
    from desk_app.services.intake import fee_for
    from desk_app.services.record import national_record

    rng = random.Random(seed)
    now = now or datetime.now(convert.VN_TZ)
    procs = {p.code: p for p in list_procedures(ctx) if p.active}
    if not procs:
        raise ValidationError("catalog_empty", "Danh mục thủ tục trống.", "The catalog is empty.")
    codes = list(procs)
    weights = [PROC_WEIGHTS.get(c, 2) for c in codes]
    times = _working_times(ctx, rng, n, date(2025, 1, 2), now.date())
    block = serial_block(ctx.desk_no, ctx.serial_width)
    serial_of_day: dict[str, int] = {}
    people = [fake_person(rng, now.date()) for _ in range(max(1, n * 3 // 4))]
    written = 0
    steps = Steps(progress, cancel)
    steps.step("demo.batch", 0, n, f"Đang tạo hồ sơ mẫu: 0/{n}", f"Creating sample dossiers: 0/{n}")
    for lo in range(0, n, batch):
        if lo:
            steps.step("demo.batch", written, n, f"Đã tạo {written}/{n} hồ sơ mẫu",
                       f"Created {written}/{n} sample dossiers")
        with ctx.store.transaction() as conn:
            for i in range(lo, min(n, lo + batch)):
                received = times[i]
                person = rng.choice(people)
                proc = procs[rng.choices(codes, weights=weights)[0]]
                yymmdd = received.strftime("%y%m%d")
                serial = serial_of_day.get(yymmdd, block.start - 1) + 1
                serial_of_day[yymmdd] = serial
                code = format_code(ctx.unit_code, received.date(), serial, ctx.serial_width)
                due = ctx.calendar.due(received, proc.time_kind, proc.time_days, proc.cutoff,
                                       province_cutoff=ctx.province_cutoff)
                status, later = _fate(rng, received, due, now)
                app_id = repo.upsert_applicant(conn, person)
                amount, note = fee_for(ctx, proc, pages=rng.randint(1, 6),
                                       copies=rng.randint(1, 3))
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
                    "fee_amount": amount, "fee_note": note, "received_at": convert.iso_local(received),
                    "due_at": convert.iso_local(due), "status": DossierStatus.RECEIVED.value,
                    "clerk": clerk, "receipt_no": code,
                    "logbook_no": f"{received.year}/{ctx.desk_no}-{serial}",
                    "search_folded": search_text(code, person["full_name"], person["id_number"],
                                                 person["phone"], proc.code)})
                repo.insert_components(conn, did, [
                    {"seq": c.seq, "name": c.name, "quantity": max(1, c.originals or c.copies or 1),
                     "form": "original" if c.originals else "copy"}
                    for c in proc.components if c.required])
                repo.insert_event(conn, did, from_status=None, to_status="received", actor=clerk,
                                  role=Role.CLERK.value, at=convert.iso_local(received))
                prev = "received"
                for st, at in later:
                    repo.insert_event(conn, did, from_status=prev, to_status=st.value,
                                      actor="Bộ phận chuyên môn" if st != DossierStatus.RETURNED
                                      else clerk, role=(Role.PROCESSOR if st !=
                                                        DossierStatus.RETURNED else Role.CLERK).value,
                                      at=convert.iso_local(at))
                    prev = st.value
                version = 1 + len(later)
                repo.update_dossier(conn, did, {"status": status.value, "version": version,
                                                "sync_state": "queued" if tail else "synced",
                                                "server_version": None if tail else version,
                                                "server_receipt_no": "" if tail else
                                                f"STN-{received:%y%m%d}-{i:05d}"})
                d = load(conn, repo.get_dossier_by_id(conn, did))
                outbox.enqueue(conn, kind="dossier.create", lane="record",
                               payload=national_record(d, proc), dossier_id=did,
                               record_id=record_id, clerk=clerk, op_id=new_op_id(),
                               state="queued" if tail else "done")
                audit.append(conn, actor=clerk, action="dossier.receive", entity="dossier",
                             entity_id=record_id, detail={"code": code, "demo": True})
            for day, last in serial_of_day.items():
                conn.execute("INSERT INTO daily_serials(unit_code, day, desk_no, last_serial)"
                             " VALUES (?,?,?,?) ON CONFLICT(unit_code, day, desk_no) DO UPDATE"
                             " SET last_serial = max(last_serial, excluded.last_serial)",
                             (ctx.unit_code, day, ctx.desk_no, last))
        written = min(n, lo + batch)
    steps.finish("demo.batch", written, n, f"Đã tạo {written}/{n} hồ sơ mẫu",
                 f"Created {written}/{n} sample dossiers")
    return written


def _fate(rng: random.Random, received: datetime, due: datetime, now: datetime
          ) -> tuple[DossierStatus, list[tuple[DossierStatus, datetime]]]:
    """Where a sample dossier is now, and the steps that took it there."""
    S = DossierStatus
    start = max(received + timedelta(minutes=30), due - timedelta(days=2))
    due = max(due, start + timedelta(minutes=30))
    if due < now - timedelta(days=3):
        r = rng.random()
        if r < 0.88:
            return S.RETURNED, [(S.IN_PROCESS, start), (S.RESULT_READY, due - timedelta(hours=2)),
                                (S.RETURNED, due + timedelta(hours=rng.randint(1, 48)))]
        if r < 0.95:
            return S.RESULT_READY, [(S.IN_PROCESS, start), (S.RESULT_READY, due)]
        return S.WITHDRAWN, [(S.WITHDRAWN, start)]
    r = rng.random()
    if r < 0.5:
        return S.RECEIVED, []
    if r < 0.85:
        return S.IN_PROCESS, [(S.IN_PROCESS, min(now, start))]
    return S.RESULT_READY, [(S.IN_PROCESS, min(now, start)), (S.RESULT_READY, min(now, due))]
