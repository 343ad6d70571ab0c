"""Cost of encryption at rest (issue 17 §3): search p95 and `dossier add` p95, encrypted vs plain,
in the same run on the same data.

    .venv/bin/python bench/bench_encryption.py [--n 100000] [--rounds 10] [--adds 100] [--dir DIR]

Builds a plain store of N dossiers with ``bench_store.build`` (same generator, same queries),
copies it and converts the copy with ``offline_store.cipher.encrypt_store`` (the code of
``desk-app encrypt``), so both stores hold the same rows in the same order. Then, interleaved
(plain then encrypted, then the other way round, … so machine noise and the order of fsyncs hit
both alike):

- search: ``services.dossiers.search`` over bench_store's realistic queries (names folded and
  with diacritics, prefixes, code prefixes, ID and phone numbers), limit 200, ``--rounds`` rounds;
- ``dossier add``: ``services.intake.receive`` with synchronous=FULL (one fsync'd commit each),
  no attachment — plus the attachment's own step, ``BlobStore.put_file_ex`` of a 64 KiB scan
  (AES-256-GCM on the encrypted side), and the two summed;
- opening the desk (``open_desk``: every CLI command pays it).

Prints p50/p95 of each and the ratio encrypted/plain (target: p95 ≤ 1.3×). Figures of a run are
in ``docs/dev/integrity.md`` §6.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DESK_APP_SEAL_KEY_DIR", tempfile.mkdtemp(prefix="bench-keys-"))

import bench_store  # noqa: E402  (build, queries, _pct)

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent  # noqa: E402
from desk_app.services import catalog, dossiers, intake, open_desk  # noqa: E402
from desk_app.services.admin import demo, sealkey  # noqa: E402
from offline_store import cipher, repo  # noqa: E402

_pct = bench_store._pct


def _line(label: str, plain: list[float], enc: list[float]) -> float:
    p50, p95, e50, e95 = _pct(plain, 50), _pct(plain, 95), _pct(enc, 50), _pct(enc, 95)
    r = e95 / p95 if p95 else float("nan")
    print(f"{label:<34}{len(plain):>6}{p50:>9.2f}{p95:>9.2f}{e50:>9.2f}{e95:>9.2f}"
          f"{e50 / p50 if p50 else float('nan'):>8.2f}×{r:>7.2f}×")
    return r


def _head(title: str) -> None:
    print(f"\n{title}")
    print(f"{'':<34}{'n':>6}{'plain':>9}{'':>9}{'encrypted':>9}{'':>9}{'ratio':>9}{'':>8}")
    print(f"{'':<34}{'':>6}{'p50 ms':>9}{'p95 ms':>9}{'p50 ms':>9}{'p95 ms':>9}{'p50':>9}{'p95':>8}")


def bench_search(ctxs: dict, limit: int, rounds: int) -> float:
    qs = bench_store.queries(ctxs["plain"].store.conn, random.Random(1))
    times: dict[str, list[float]] = {"plain": [], "enc": []}
    for q in qs:                                      # warm both page caches once
        for ctx in ctxs.values():
            dossiers.search(ctx, q[1], limit)
    for r in range(rounds):
        for _label, q in qs:
            got = {}
            order = list(ctxs.items()) if r % 2 == 0 else list(ctxs.items())[::-1]
            for kind, ctx in order:
                t = time.perf_counter()
                got[kind] = dossiers.search(ctx, q, limit)
                times[kind].append((time.perf_counter() - t) * 1000)
            assert [d.code for d in got["plain"]] == [d.code for d in got["enc"]], q
    n = repo.count_dossiers(ctxs["plain"].store.conn)
    _head(f"Search over {n:,} dossiers, limit {limit}, {len(qs)} queries × {rounds} rounds")
    return _line("services.dossiers.search", times["plain"], times["enc"])


def bench_add(ctxs: dict, dirs: dict, n: int) -> dict[str, float]:
    proc = catalog.get_procedure(ctxs["plain"], "1.004873")
    rng = random.Random(3)
    t_add = {"plain": [], "enc": []}
    t_blob = {"plain": [], "enc": []}
    scan = Path(tempfile.mkdtemp(prefix="bench-scan-")) / "scan.pdf"
    for i in range(n):
        scan.write_bytes(b"%PDF-1.4\n" + os.urandom(64 * 1024))
        p = demo.fake_person(rng, date.today())
        order = list(ctxs.items()) if i % 2 == 0 else list(ctxs.items())[::-1]
        for kind, ctx in order:              # who goes first alternates (fsync queue, caches)
            req = intake.IntakeRequest(
                proc.code, Applicant(p["id_number"], p["full_name"], phone=p["phone"]),
                [DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1)
                 for c in proc.components if c.required], [])
            t = time.perf_counter()
            intake.receive(ctx, req)
            t_add[kind].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            ctx.store.blobs.put_file_ex(scan)
            t_blob[kind].append((time.perf_counter() - t) * 1000)
    _head(f"dossier add: n={n} each (synchronous=FULL; the 64 KiB scan stored apart)")
    out = {"add": _line("intake.receive (no attachment)", t_add["plain"], t_add["enc"]),
           "blob": _line("BlobStore.put_file_ex 64 KiB", t_blob["plain"], t_blob["enc"])}
    summed = {k: [a + b for a, b in zip(t_add[k], t_blob[k])] for k in t_add}
    out["sum"] = _line("receive + attachment (sum)", summed["plain"], summed["enc"])
    shutil.rmtree(scan.parent, ignore_errors=True)
    return out


def bench_open(dirs: dict, n: int = 15) -> float:
    ts = {"plain": [], "enc": []}
    for i in range(n):
        for kind, d in (list(dirs.items()) if i % 2 == 0 else list(dirs.items())[::-1]):
            t = time.perf_counter()
            open_desk(d, create=False).close()
            ts[kind].append((time.perf_counter() - t) * 1000)
    _head(f"open_desk (what every CLI command pays), n={n}")
    return _line("open_desk + close", ts["plain"], ts["enc"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--adds", type=int, default=100)
    a = ap.parse_args(argv)
    base = a.dir or Path(tempfile.mkdtemp(prefix="bench-enc-"))
    dirs = {"plain": base / "plain", "enc": base / "encrypted"}
    for d in dirs.values():
        shutil.rmtree(d, ignore_errors=True)
    print(f"Building {a.n:,} dossiers (plain) in {dirs['plain']} …", flush=True)
    t0 = time.perf_counter()
    bench_store.build(dirs["plain"], a.n)
    shutil.copytree(dirs["plain"], dirs["enc"], ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    t1 = time.perf_counter()
    out = cipher.encrypt_store(dirs["enc"], sealkey.data_key)
    conv = time.perf_counter() - t1
    mib = {k: (d / "desk.sqlite3").stat().st_size / 2**20 for k, d in dirs.items()}
    print(f"Built in {t1 - t0:.0f} s; `encrypt` converted the copy in {conv:.1f} s"
          f" (plain {mib['plain']:.0f} MiB, encrypted {mib['enc']:.0f} MiB;"
          f" converted={out['converted']})")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at start: {load:.1f}")
    ctxs = {k: open_desk(d, create=False) for k, d in dirs.items()}
    try:
        assert ctxs["enc"].store.encrypted and not ctxs["plain"].store.encrypted
        cache = {k: c.store.conn.execute("PRAGMA cache_size").fetchone()[0]
                 for k, c in ctxs.items()}
        print(f"page cache (PRAGMA cache_size): plain {cache['plain']}, encrypted"
              f" {cache['enc']} (each driver's default; the product sets none)")
        r_search = bench_search(ctxs, a.limit, a.rounds)
        # the same with equal page caches: the cost of the cipher alone
        ctxs["enc"].store.conn.execute(f"PRAGMA cache_size = {cache['plain']}")
        print(f"(again with the encrypted store's page cache set to the plain one's,"
              f" {cache['plain']})", end="")
        r_equal = bench_search(ctxs, a.limit, a.rounds)
        ctxs["enc"].store.conn.execute(f"PRAGMA cache_size = {cache['enc']}")
        r_add = bench_add(ctxs, dirs, a.adds)
    finally:
        for c in ctxs.values():
            c.close()
    r_open = bench_open(dirs)
    print("\nTarget p95 ratio ≤ 1.3×: search "
          f"{r_search:.2f}× {'OK' if r_search <= 1.3 else 'MISSED'} (equal caches"
          f" {r_equal:.2f}× {'OK' if r_equal <= 1.3 else 'MISSED'}), dossier add "
          f"{r_add['add']:.2f}× {'OK' if r_add['add'] <= 1.3 else 'MISSED'}, with its"
          f" attachment {r_add['sum']:.2f}× {'OK' if r_add['sum'] <= 1.3 else 'MISSED'};"
          f" open {r_open:.2f}×")
    if a.dir is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
