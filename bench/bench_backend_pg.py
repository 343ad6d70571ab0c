"""Benchmark: the reference back end on PostgreSQL accepting pushes from many concurrent desks.

Starts a private PostgreSQL 15 cluster (tests/support/pg.py) and the server as a subprocess, creates
one account per desk, then every desk (an asyncio task with its own httpx client) pushes
BATCHES batches of BATCH_SIZE metadata-only records, one batch after another. Prints records/second
and batch latency percentiles, then checks that the server holds exactly the records pushed.

    .venv/bin/python bench/bench_backend_pg.py [--desks 50 --units 10 --batches 40 --batch-size 10]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.pg import PgCluster  # noqa: E402

PASSWORD = "bench-password"


def record(unit: str, desk: int, n: int) -> dict:
    rid = str(uuid.uuid4())
    return {
        "record_id": rid, "MaHoSo": f"{unit}-250625-{desk:02d}{n:04d}", "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh", "MaLinhVuc": "G03-HT01", "TenLinhVuc": "Hộ tịch",
        "ChuHoSo": "Nguyễn Văn An", "LoaiDoiTuong": 1, "MaDoiTuong": "001190012345",
        "NgayTiepNhan": "20250625091500", "NgayHenTra": "20250626170000", "TrangThaiHoSo": 2,
        "HinhThuc": 1, "DonViXuLy": unit, "desk": desk, "status": "received", "TaiLieuNop": [],
        "components": [{"seq": 1, "name": "Tờ khai", "form": "original", "quantity": 1}],
    }


async def desk_run(url: str, user: str, unit: str, desk: int, batches: int, size: int,
                   latencies: list[float]) -> int:
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        r = await http.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
        r.raise_for_status()
        http.headers["Authorization"] = "Bearer " + r.json()["access_token"]
        accepted = 0
        n = 0
        for _ in range(batches):
            items = []
            for _ in range(size):
                n += 1
                rec = record(unit, desk, n)
                items.append({"op_id": str(uuid.uuid4()), "kind": "dossier.create",
                              "record_id": rec["record_id"], "base_version": None, "record": rec})
            while True:
                t0 = time.perf_counter()
                r = await http.post("/api/v1/records:batch", json={"items": items})
                latencies.append(time.perf_counter() - t0)
                if r.status_code in (429, 503):
                    await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
                    continue
                r.raise_for_status()
                break
            accepted += sum(1 for x in r.json()["results"] if x["status"] in ("accepted", "replayed"))
        return accepted


async def run(url: str, accounts: list[tuple[str, str, int]], batches: int, size: int) -> dict:
    latencies: list[float] = []
    t0 = time.perf_counter()
    counts = await asyncio.gather(*(desk_run(url, u, unit, d, batches, size, latencies)
                                    for u, unit, d in accounts))
    elapsed = time.perf_counter() - t0
    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000  # noqa: E731
    return {"records": sum(counts), "seconds": round(elapsed, 2),
            "records_per_second": round(sum(counts) / elapsed, 1),
            "batch_latency_ms": {"p50": round(pct(0.50), 1), "p95": round(pct(0.95), 1),
                                 "p99": round(pct(0.99), 1), "mean": round(statistics.mean(lat) * 1000, 1)}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--desks", type=int, default=50)
    ap.add_argument("--units", type=int, default=10, help="desks are spread over this many units")
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--batch-size", type=int, default=10)
    args = ap.parse_args()
    cluster = PgCluster().start()
    proc = None
    try:
        url = cluster.create_database("bench")
        data = Path(tempfile.mkdtemp(prefix="refback-bench-"))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        sys.path.insert(0, str(ROOT))
        from reference_backend.auth import add_desk
        from reference_backend.db import Database
        db = Database(data, url)
        db.create_all()
        accounts = []
        for i in range(args.desks):
            unit = f"000.{i % args.units:02d}.01.H48"
            desk = i // args.units + 1
            user = f"desk{i:03d}"
            add_desk(db, unit_code=unit, username=user, password=PASSWORD, desk=desk)
            accounts.append((user, unit, desk))
        proc = subprocess.Popen([sys.executable, "-m", "reference_backend", "serve", "--port", "0",
                                 "--data-dir", str(data), "--database-url", url],
                                stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise SystemExit(f"server did not start: {line!r}")
        server = line.removeprefix("listening on ")
        result = asyncio.run(run(server, accounts, args.batches, args.batch_size))
        with db.read() as conn:
            stored = conn.exec_driver_sql("SELECT count(*) FROM records").scalar_one()
            feed = conn.exec_driver_sql("SELECT count(*) FROM feed").scalar_one()
        db.dispose()
        expected = args.desks * args.batches * args.batch_size
        result.update({"desks": args.desks, "units": args.units, "expected": expected,
                       "stored_records": stored, "feed_entries": feed, "cpus": os.cpu_count()})
        print(json.dumps(result, indent=1))
        print(f"{result['records_per_second']} records/s, batch p95 {result['batch_latency_ms']['p95']} ms "
              f"({args.desks} desks x {args.batches} batches x {args.batch_size} records)")
        return 0 if stored == expected == result["records"] == feed else 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
