"""Store benchmark: search latency on 1,000,000 dossiers, and `dossier add` latency.

    .venv/bin/python bench/bench_store.py [--dir DIR] [--n 1000000] [--rebuild]

Builds (or reuses) a store with N dossiers in DIR (default: $TMPDIR/desk-bench-<N>): rows are
generated in Python and inserted with executemany in transactions of ~50,000 rows (synchronous=OFF
while building this fixture only), then the FTS index is rebuilt once. Then, for a set of
realistic queries (folded and unfolded names, code prefixes, ID and phone numbers), it measures services.dossiers.search and the same SQL run
directly through sqlite3 on a second connection, and prints p50/p95 and their ratio; finally
services.intake.receive with fsync (synchronous=FULL, one blob each). Targets: search p95 ≤ 20 ms
and ≤ 1.5× raw.

Measured on the 2-core dev box (2026-11-23, shared with other test runs): building 1,000,000
dossiers takes ~80 s (790 MiB, FTS rebuild ~20 s of it); search p95 4.5 ms through services vs
4.1 ms raw (1.10×), p50 0.61 vs 0.37 ms; `dossier add` p50 1.9 ms, p95 11 ms. Under load average 5:
search p95 10.4 vs 8.5 ms (1.22×).
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent  # noqa: E402
from desk_app.domain.text import fold  # noqa: E402
from desk_app.services import catalog, dossiers, intake, open_desk
from desk_app.services.admin import demo, setup  # noqa: E402
from desk_app.services.dossiers import plan_search, search_text  # noqa: E402
from offline_store import repo  # noqa: E402

UNIT = "000.23.32.H48"
BATCH = 50_000


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def build(data_dir: Path, n: int, seed: int = 7) -> dict:
    """Init a desk (catalog, calendar) and bulk-insert ``n`` dossiers (rowid order = time order)."""
    t0 = time.perf_counter()
    setup.init_store(data_dir, demo=False)
    ctx = open_desk(data_dir)
    rng = random.Random(seed)
    procs = [(p.code, p.name) for p in catalog.list_procedures(ctx)]
    # ~2,000 working days back from today, a few hundred dossiers a day on up to 9 desks.
    cal = ctx.calendar
    days: list[date] = []
    d = date.today()
    while len(days) < max(1, n // 450 + 1):
        if cal.is_working_day(d):
            days.append(d)
        d -= timedelta(days=1)
    days.reverse()
    per_day = n / len(days)
    people = [demo.fake_person(rng, date.today()) for _ in range(20_000)]
    written = 0
    now = "2026-01-01T00:00:00.000000Z"
    # Benchmark fixture only: no fsync per batch (the desk itself always runs synchronous=FULL).
    ctx.store.conn.execute("PRAGMA synchronous = OFF")
    # Bulk load: the FTS insert trigger is set aside and the index rebuilt once at the end (the
    # same 'rebuild' migration 0003 runs) — ~5× faster than 10^6 trigger inserts.
    trigger_sql = ctx.store.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                                         " AND name = 'dossiers_fts_ai'").fetchone()[0]
    ctx.store.conn.execute("DROP TRIGGER dossiers_fts_ai")
    pending: list[dict] = []
    for di, day in enumerate(days):
        count = int(per_day * (di + 1)) - int(per_day * di)
        if written + count > n or di == len(days) - 1:
            count = n - written
        yymmdd = day.strftime("%y%m%d")
        rows = pending
        for k in range(count):
            desk = 1 + k // 999
            serial = desk * 1000 + 1 + k % 999
            p = people[rng.randrange(len(people))]
            pc, pn = procs[rng.randrange(len(procs))]
            code = f"{UNIT}-{yymmdd}-{serial:04d}"
            minute = 450 + (k * 540) // max(1, count)
            at = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00+07:00"
            rows.append({"record_id": f"bench-{written + k:09d}", "code": code, "unit_code": UNIT,
                         "desk_no": desk, "procedure_code": pc, "procedure_name": pn,
                         "applicant_name": p["full_name"], "applicant_id_number": p["id_number"],
                         "applicant_phone": p["phone"], "received_at": at, "due_at": at,
                         "status": "returned", "clerk": "Bench", "receipt_no": code,
                         "origin": "feed", "sync_state": "synced", "created_at": now,
                         "updated_at": now,
                         "search_folded": search_text(code, p["full_name"], p["id_number"],
                                                      p["phone"], pc)})
        written += count
        if len(pending) >= BATCH or written >= n:
            with ctx.store.transaction() as conn:
                repo.insert_dossiers_bulk(conn, pending)
            pending = []
            print(f"  … {written:,} rows, {time.perf_counter() - t0:.0f} s", flush=True)
        if written >= n:
            break
    t1 = time.perf_counter()
    with ctx.store.transaction() as conn:
        conn.execute("INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild')")
        conn.execute(trigger_sql)
    print(f"  full-text index rebuilt in {time.perf_counter() - t1:.0f} s", flush=True)
    ctx.store.conn.execute("PRAGMA synchronous = FULL")
    ctx.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.store.conn.execute("PRAGMA optimize")
    ctx.close()
    return {"rows": written, "seconds": time.perf_counter() - t0, "people": people}


def queries(conn: sqlite3.Connection, rng: random.Random) -> list[tuple[str, str]]:
    """(label, query text) pairs drawn from the data so exact queries hit."""
    n = conn.execute("SELECT max(id) FROM dossiers").fetchone()[0]
    picks = [conn.execute("SELECT code, applicant_name, applicant_id_number, applicant_phone"
                          " FROM dossiers WHERE id = ?", (rng.randint(1, n),)).fetchone()
             for _ in range(6)]
    out = [("name folded", "nguyen van an"), ("name folded", "tran thi mai"),
           ("name folded", "dang"), ("name folded", "do duc dung"),
           ("name folded", "le thi hoa"), ("name prefix", "nguyen van a"),
           ("name prefix", "pham minh t"), ("name diacritics", "Nguyễn Văn An"),
           ("name diacritics", "Đặng Thị Hương"), ("name diacritics", "ĐỖ ĐỨC DŨNG"),
           ("name rare", "vi ngoc yen"), ("name none", "zzz khong co")]
    for code, name, idn, phone in picks:
        out += [("code prefix", code[:20]), ("code prefix", code[:-2]), ("code exact", code),
                ("id number", idn), ("phone", phone), ("name picked", fold(name))]
    return out


def raw_sql(how: str, arg: str) -> tuple[str, tuple]:
    if how == "code":
        return (f"SELECT {repo.LIST_COLS} FROM dossiers WHERE code >= ? AND code < ?"
                " ORDER BY code DESC LIMIT ?", (arg, arg + "\U0010ffff"))
    if how == "exact":
        return (f"SELECT {repo.LIST_COLS} FROM dossiers WHERE id IN (SELECT id FROM dossiers WHERE"
                " applicant_id_number = ? UNION SELECT id FROM dossiers WHERE applicant_phone = ?)"
                " ORDER BY id DESC LIMIT ?", (arg, arg))
    return repo.FTS_SQL, (arg,)


def bench_search(data_dir: Path, limit: int, rounds: int) -> None:
    ctx = open_desk(data_dir)
    raw = sqlite3.connect(data_dir / "desk.sqlite3")
    rng = random.Random(1)
    qs = queries(raw, rng)
    svc_t: list[float] = []
    raw_t: list[float] = []
    per_query: dict[str, tuple[list[float], list[float]]] = {}
    by_label: dict[str, list[float]] = {}
    for q in qs:                                 # warm the page cache once
        dossiers.search(ctx, q[1], limit)
    for _ in range(rounds):
        for label, q in qs:
            t = time.perf_counter()
            res = dossiers.search(ctx, q, limit)
            dt = (time.perf_counter() - t) * 1000
            how, arg = plan_search(q)
            sql, args = raw_sql(how, arg)
            t = time.perf_counter()
            rows = raw.execute(sql, (*args, limit)).fetchall()
            dr = (time.perf_counter() - t) * 1000
            assert len(rows) == len(res), (q, len(rows), len(res))
            svc_t.append(dt)
            raw_t.append(dr)
            pq = per_query.setdefault(q, ([], []))
            pq[0].append(dt)
            pq[1].append(dr)
            by_label.setdefault(label, []).append(dt)
    print(f"\nSearch over {repo.count_dossiers(ctx.store.conn):,} dossiers, limit {limit},"
          f" {len(qs)} queries × {rounds} rounds")
    print(f"{'query kind':<18}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}")
    for label, xs in by_label.items():
        print(f"{label:<18}{len(xs):>5}{_pct(xs, 50):>10.2f}{_pct(xs, 95):>10.2f}")
    s50, s95, r50, r95 = _pct(svc_t, 50), _pct(svc_t, 95), _pct(raw_t, 50), _pct(raw_t, 95)
    print(f"{'ALL services':<18}{len(svc_t):>5}{s50:>10.2f}{s95:>10.2f}")
    print(f"{'ALL raw sqlite3':<18}{len(raw_t):>5}{r50:>10.2f}{r95:>10.2f}")
    print(f"ratio services/raw: p50 {s50 / r50:.2f}×, p95 {s95 / r95:.2f}×   "
          f"(targets: p95 ≤ 20 ms {'OK' if s95 <= 20 else 'MISSED'},"
          f" ≤ 1.5× raw {'OK' if s95 <= 1.5 * r95 else 'MISSED'})")
    ratios = [statistics.median(a) / statistics.median(b) for a, b in per_query.values()]
    slow = [statistics.median(a) / statistics.median(b) for a, b in per_query.values()
            if statistics.median(b) >= 1.0]
    print(f"per-query median ratio: median {statistics.median(ratios):.2f}×; on queries whose raw"
          f" median ≥ 1 ms ({len(slow)}): median {statistics.median(slow) if slow else 0:.2f}×,"
          f" max {max(slow) if slow else 0:.2f}×")
    ctx.close()


def bench_add(data_dir: Path, n: int) -> None:
    if n <= 0:
        return
    ctx = open_desk(data_dir)
    proc = catalog.get_procedure(ctx, "1.004873")
    rng = random.Random(3)
    scan = data_dir / "bench-scan.bin"
    ts: list[float] = []
    for i in range(n):
        scan.write_bytes(os.urandom(64 * 1024))
        p = demo.fake_person(rng, date.today())
        req = intake.IntakeRequest(
            proc.code, Applicant(p["id_number"], p["full_name"], phone=p["phone"]),
            [DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1) for c in proc.components
             if c.required], [(scan, None)])
        t = time.perf_counter()
        intake.receive(ctx, req)
        ts.append((time.perf_counter() - t) * 1000)
    print(f"\ndossier add (intake.receive, synchronous=FULL, 64 KiB blob): n={n}"
          f"  p50 {_pct(ts, 50):.1f} ms  p95 {_pct(ts, 95):.1f} ms")
    ctx.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--adds", type=int, default=50)
    a = ap.parse_args(argv)
    data_dir = a.dir or Path(tempfile.gettempdir()) / f"desk-bench-{a.n}"
    db = data_dir / "desk.sqlite3"
    have = 0
    if db.exists() and not a.rebuild:
        have = sqlite3.connect(db).execute("SELECT count(*) FROM dossiers").fetchone()[0]
    if have < a.n:
        import shutil
        shutil.rmtree(data_dir, ignore_errors=True)
        print(f"Building {a.n:,} dossiers in {data_dir} …", flush=True)
        info = build(data_dir, a.n)
        size = db.stat().st_size / 2**20
        print(f"Built {info['rows']:,} dossiers in {info['seconds']:.0f} s ({size:.0f} MiB)")
    else:
        print(f"Reusing {have:,} dossiers in {data_dir}")
    bench_search(data_dir, a.limit, a.rounds)
    bench_add(data_dir, a.adds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
