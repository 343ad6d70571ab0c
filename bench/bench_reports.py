"""Reports benchmark: the dashboard and the monthly report over 1,000,000 dossiers, and the work
queues' counts refreshed right after an intake.

    .venv/bin/python bench/bench_reports.py [--dir DIR] [--n 1000000] [--rebuild] [--rounds 5]

Builds (or reuses) a store with N dossiers received from 2025-01-02 to 2026-11-30 (about 2,100
a working day, so one month holds ~45,000: the harsh case for a monthly report), with the
columns of migrations 0009/0011 filled as a real desk's would be (channel, due/resolved/returned
times, ~8 % late, ~10 % online, statuses of recent dossiers still open) and one report_facts row
each (components, scans, result files, ratings) — inserted directly with executemany in
transactions of 50,000 rows, synchronous=OFF while building this fixture only; the full-text
index is not rebuilt (search is bench_store.py's subject).

Then it prints, each as p50 / max of ``--rounds`` runs, with a baseline measured in the same run:
- baseline: ``SELECT count(*) FROM dossiers`` (a full scan of the table's smallest index) and the
  number of dossiers of the month counted on the received_at index;
- the dashboard of the month (``services.reports.report.dashboard``: every figure, per procedure,
  clerk, month, channel, status, the open dossiers by state, the overdue list) — target ≤ 1 s;
- the monthly report as JSON (``report.run``) and with its XLSX and PDF — target ≤ 1 s (JSON);
- ``intake.receive`` then ``queues.counts`` (seven queues) — target ≤ 50 ms for the counts.
No timed asserts anywhere: figures only (docs/dev/benchmarks.md).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desk_app.services import catalog, convert, open_desk  # noqa: E402
from desk_app.services.admin import demo, setup  # noqa: E402
from desk_app.services.dossiers import search_text  # noqa: E402
from desk_app.reports.period import Period  # noqa: E402

UNIT = "000.23.32.H48"
BATCH = 50_000
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=convert.VN_TZ)
COLS = ("record_id", "code", "unit_code", "desk_no", "procedure_code", "procedure_name",
        "applicant_name", "applicant_id_number", "applicant_phone", "received_at", "due_at",
        "status", "clerk", "receipt_no", "origin", "sync_state", "search_folded", "created_at",
        "updated_at", "channel", "original_due_at", "resolved_at", "returned_at",
        "delivery_done", "version")
CLERKS = ["Nguyễn Thị Hoa", "Lò Văn Thắng", "Đặng Thu Trang", "Vũ Minh Đức"]


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(timespec="seconds")


def build(data_dir: Path, n: int, seed: int = 11) -> float:
    t0 = time.perf_counter()
    setup.init_store(data_dir, demo=False)
    ctx = open_desk(data_dir)
    conn = ctx.store.conn
    rng = random.Random(seed)
    procs = [p for p in catalog.list_procedures(ctx) if p.active]
    cal = ctx.calendar
    days = []
    d = date(2025, 1, 2)
    while d <= NOW.date():
        if cal.is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    per_day = n / len(days)
    people = [demo.fake_person(rng, NOW.date()) for _ in range(20_000)]
    conn.execute("PRAGMA synchronous = OFF")
    fts = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name ="
                       " 'dossiers_fts_ai'").fetchone()[0]
    conn.execute("DROP TRIGGER dossiers_fts_ai")
    sql = (f"INSERT INTO dossiers({', '.join(COLS)}) VALUES ({', '.join('?' * len(COLS))})")
    stamp = "2026-11-30T00:00:00.000000Z"
    rows: list[tuple] = []
    facts: list[tuple] = []
    events: list[tuple] = []
    written = 0
    for di, day in enumerate(days):
        count = int(per_day * (di + 1)) - int(per_day * di)
        if di == len(days) - 1:
            count = n - written
        yymmdd = day.strftime("%y%m%d")
        for k in range(count):
            i = written + k
            desk = 1 + k // 999
            serial = desk * 1000 + 1 + k % 999
            p = people[rng.randrange(len(people))]
            proc = procs[rng.randrange(len(procs))]
            code = f"{UNIT}-{yymmdd}-{serial:04d}"
            minute = 450 + (k * 540) // max(1, count)
            received = datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                                tzinfo=convert.VN_TZ)
            due = datetime.combine(cal.add_working_days(day, max(1, proc.time_days or 1)),
                                   datetime.min.time().replace(hour=17), convert.VN_TZ)
            channel = "online" if rng.random() < 0.10 else "desk"
            late = rng.random() < 0.08
            resolved = (due + timedelta(days=rng.randint(1, 3))) if late else \
                received + (due - received) * rng.uniform(0.3, 0.95)
            status, returned, done = "returned", resolved + timedelta(hours=rng.randint(1, 72)), "desk"
            if resolved > NOW:
                status, resolved, returned, done = rng.choice(
                    ["received", "in_process", "in_process", "waiting_supplement"]), None, None, ""
            elif returned > NOW:
                status, returned, done = "result_ready", None, ""
            rows.append((f"bench-{i:09d}", code, UNIT, desk, proc.code, proc.name,
                         p["full_name"], p["id_number"], p["phone"], _iso(received), _iso(due),
                         status, CLERKS[i % len(CLERKS)], code, "local",
                         "synced" if received < NOW - timedelta(days=2) else "queued",
                         search_text(code, p["full_name"], p["id_number"], p["phone"], proc.code),
                         stamp, stamp, channel, _iso(due), _iso(resolved), _iso(returned), done,
                         3 if resolved else 2))
            comps = rng.randint(2, 4)
            r = rng.random()
            scanned = comps if (channel == "desk" and r < 0.9) else (1 if r < 0.95 else 0)
            rated = (1 if rng.random() < 0.6 else 0) if status == "returned" else 0
            facts.append((comps, scanned, 1 if resolved and rng.random() < 0.8 else 0, rated,
                          rated if rng.random() < 0.92 else 0))
            if status == "waiting_supplement":
                events.append((i, received))
        written += count
        if len(rows) >= BATCH or written >= n:
            with ctx.store.transaction() as c:
                first = c.execute("SELECT coalesce(max(id), 0) FROM dossiers").fetchone()[0] + 1
                c.executemany(sql, rows)
                c.executemany("INSERT INTO report_facts(dossier_id, components, scanned,"
                              " result_files, ratings, satisfied) VALUES (?,?,?,?,?,?)",
                              [(first + j, *f) for j, f in enumerate(facts)])
                base = first - (written - len(rows))
                c.executemany("INSERT INTO dossier_events(dossier_id, from_status, to_status,"
                              " actor, role, at, kind) VALUES (?,?,?,?,?,?,?)",
                              [(base + i, None, "received", "Bench", "clerk", _iso(at), "status")
                               for i, at in events])
            rows, facts, events = [], [], []
            print(f"  … {written:,} dossiers, {time.perf_counter() - t0:.0f} s", flush=True)
        if written >= n:
            break
    with ctx.store.transaction() as c:
        c.execute(fts)                       # intakes after the load index themselves again
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.close()
    return time.perf_counter() - t0


def timed(fn, rounds: int) -> tuple[float, float, object]:
    out, times = None, []
    for _ in range(rounds):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times), out


def ms(s: float) -> str:
    return f"{s * 1000:8.1f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    data_dir = args.dir or Path(tempfile.gettempdir()) / f"desk-bench-reports-{args.n}"
    if args.rebuild or not (data_dir / "desk.sqlite3").exists():
        if data_dir.exists():
            import shutil

            shutil.rmtree(data_dir)
        print(f"building {args.n:,} dossiers in {data_dir} …", flush=True)
        print(f"  built in {build(data_dir, args.n):.0f} s", flush=True)
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import intake
    from desk_app.services.reports import queues, report

    ctx = open_desk(data_dir, create=False)
    conn = ctx.store.conn
    month = Period(date(2026, 10, 1), date(2026, 10, 31))
    lo, hi = month.bounds()
    r = args.rounds
    total_s, total_max, total = timed(lambda: conn.execute("SELECT count(*) FROM dossiers"
                                                           ).fetchone()[0], r)
    mon_s, mon_max, in_month = timed(lambda: conn.execute(
        "SELECT count(*) FROM dossiers WHERE received_at >= ? AND received_at < ?",
        (lo, hi)).fetchone()[0], r)
    print(f"\nstore: {total:,} dossiers; {in_month:,} received in {month.label()}; "
          f"{(data_dir / 'desk.sqlite3').stat().st_size / 2**20:.0f} MiB")
    print(f"{'':46} {'p50':>11} {'max':>11}")
    print(f"{'baseline: COUNT(*) over all dossiers':46} {ms(total_s)} {ms(total_max)}")
    print(f"{'baseline: COUNT(*) of the month (index)':46} {ms(mon_s)} {ms(mon_max)}")
    d_s, d_max, dash = timed(lambda: report.dashboard(ctx, month, now=NOW), r)
    print(f"{'dashboard of the month':46} {ms(d_s)} {ms(d_max)}   "
          f"(on time {dash['on_time_rate']} %, {dash['overdue_now']['count']:,} overdue now)")
    y_s, y_max, _ = timed(lambda: report.dashboard(ctx, Period(date(2026, 1, 1), date(2026, 11, 30)),
                                                   now=NOW), max(1, r // 2))
    print(f"{'dashboard of the year to date (~450k)':46} {ms(y_s)} {ms(y_max)}")
    j_s, j_max, _ = timed(lambda: report.run(ctx, month, now=NOW), r)
    print(f"{'monthly report (JSON)':46} {ms(j_s)} {ms(j_max)}")
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    x_s, x_max, _ = timed(lambda: report.run(ctx, month, now=NOW, xlsx=out / "r.xlsx",
                                             pdf=out / "r.pdf"), max(1, r // 2))
    print(f"{'monthly report with XLSX + PDF':46} {ms(x_s)} {ms(x_max)}")
    proc = catalog.get_procedure(ctx, "2.000815")
    comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
             for c in proc.components if c.required]
    add_t, count_t = [], []
    for k in range(max(5, r * 4)):
        t = time.perf_counter()
        intake.receive(ctx, intake.IntakeRequest(
            procedure_code=proc.code, components=comps, clerk="Bench", actor="bench",
            applicant=Applicant(id_number=f"0010880{k:05d}", full_name="Đặng Văn Bench")))
        add_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        counts = queues.counts(ctx)
        count_t.append(time.perf_counter() - t)
    print(f"{'intake.receive (synchronous=FULL)':46} {ms(statistics.median(add_t))} {ms(max(add_t))}")
    print(f"{'queue counts after an intake (7 queues)':46} {ms(statistics.median(count_t))} "
          f"{ms(max(count_t))}   ({', '.join(f'{c.name} {c.count}' for c in counts)})")
    print(f"\nratios to the full COUNT(*) baseline: dashboard {d_s / total_s:.1f}×, monthly report"
          f" {j_s / total_s:.1f}×, queue counts {statistics.median(count_t) / total_s:.2f}×")
    print(f"targets: dashboard ≤ 1 s {'met' if d_s <= 1 else 'NOT met'}; monthly report ≤ 1 s "
          f"{'met' if j_s <= 1 else 'NOT met'}; queue counts ≤ 50 ms "
          f"{'met' if statistics.median(count_t) <= 0.05 else 'NOT met'}")
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
