"""Sync benchmarks: goodput on a shaped path, bytes re-sent per cut, a 10,000-item drain, peak RSS.

    sudo .venv/bin/python bench/bench_sync.py            # all four, prints a table
    .venv/bin/python bench/bench_sync.py --only b,c --json

(a) goodput of a 30 MB attachment over a 20 Mbit/s path (tbf on the ``lo`` of a private network
    namespace, mtu 1500), as a ratio of a raw TCP upload of the same bytes on the same path in the
    same run (target >= 0.9). Skipped with a message where namespaces cannot be made.
(b) bytes re-sent per interruption: the link is cut (chaos proxy) at random offsets during a
    12 MiB upload until it completes (target <= one chunk); also the wire overhead of a clean
    upload (target <= 2 %).
(c) 10,000 queued metadata-only dossiers drained on loopback (target <= 30 s) with the event
    loop's lag p99 measured by a ticker task (target <= 50 ms).
(d) peak RSS (VmHWM) of a process uploading 30 MB (target <= 150 MB).
(e) link back -> first successful request, over repeated flaps (target p95 <= 15 s).
Everything runs against the real reference back end (SQLite) on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sync.harness import PASSWORD, Backend, make_desk, receive  # noqa: E402

UNIT = "000.23.32.H48"


def creds():
    from desk_app.sync.api import Credentials
    return Credentials("bench", PASSWORD)


def new_backend(work: Path) -> Backend:
    b = Backend(work / "srv")
    b.add_desk("bench", 1, unit=UNIT)
    return b.start()


def desk_with_scan(work: Path, size: int, name: str = "desk") -> Path:
    data = work / name
    make_desk(data, 1, unit=UNIT)
    receive(data, 1, seed=1, attachment_sizes=[size])
    return data


# --- (a) goodput in a network namespace ----------------------------------------------------------
def raw_tcp_upload(path: Path) -> float:
    """Seconds to push the file's bytes over one TCP connection to a sink on 127.0.0.1."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    got = [0]

    def sink() -> None:
        conn, _ = srv.accept()
        with conn:
            while data := conn.recv(1 << 20):
                got[0] += len(data)
            conn.sendall(b"ok")
    t = threading.Thread(target=sink)
    t.start()
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as c, open(path, "rb") as fh:
        c.sendfile(fh)
        c.shutdown(socket.SHUT_WR)
        assert c.recv(2) == b"ok"
    elapsed = time.perf_counter() - t0
    t.join()
    srv.close()
    return elapsed


def inner_goodput(work: Path, size: int) -> dict:
    """Runs inside the namespace: raw TCP, then the sync engine, then raw TCP again."""
    from desk_app.services import sync_control
    from offline_store import Store

    backend = new_backend(work)
    try:
        data = desk_with_scan(work, size)
        with Store.open(data) as store:
            sha = store.conn.execute("SELECT sha256 FROM attachments").fetchone()[0]
            blob = store.blobs.path(sha)
        raw1 = raw_tcp_upload(blob)
        t0 = time.perf_counter()
        rep = sync_control.sync_once(data, backend.url, creds(), pull_feed=False, chunk_size=4 * 1024 * 1024)
        sync_s = time.perf_counter() - t0
        raw2 = raw_tcp_upload(blob)
        assert rep.acked == 1, rep.to_dict()
        raw = (raw1 + raw2) / 2
        return {"size": size, "raw_s": raw, "sync_s": sync_s, "raw_mbit": size * 8 / raw / 1e6,
                "sync_mbit": size * 8 / sync_s / 1e6, "ratio": raw / sync_s}
    finally:
        backend.stop()


def bench_goodput(work: Path, size: int) -> dict:
    ns = f"deskbench{os.getpid()}"
    try:
        for cmd in (["ip", "netns", "add", ns],
                    ["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up", "mtu", "1500"],
                    ["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "20mbit",
                     "burst", "32kbit", "latency", "50ms"]):
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                return {"skipped": f"cannot build the shaped namespace ({' '.join(cmd[:4])}): {r.stderr.strip()}"}
        out = subprocess.run(["ip", "netns", "exec", ns, sys.executable, __file__, "--inner-goodput", str(work),
                              "--size", str(size)], capture_output=True, text=True, timeout=580)
        if out.returncode != 0:
            return {"error": out.stderr[-2000:]}
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


# --- (b) bytes re-sent per interruption -----------------------------------------------------------
def bench_resend(work: Path, size: int = 12 * 1024 * 1024, chunk: int = 1024 * 1024, seed: int = 7) -> dict:
    from desk_app.services import sync_control
    from tests.support.chaos import ChaosProxy

    backend = new_backend(work)
    rng = random.Random(seed)
    try:
        clean = desk_with_scan(work, size, "clean")
        proxy = ChaosProxy(("127.0.0.1", backend.port), seed=seed).start()
        rep = sync_control.sync_once(clean, proxy.url, creds(), pull_feed=False, chunk_size=chunk)
        assert rep.acked == 1
        overhead = (proxy.stats.up_bytes - size) / size
        proxy.stop()

        backend.stop()   # a fresh server for the cut run (same desk number -> same dossier code)
        shutil.rmtree(work / "srv")
        backend = new_backend(work)
        data = work / "cut"
        make_desk(data, 1, unit=UNIT)
        receive(data, 1, seed=2, attachment_sizes=[size])
        proxy = ChaosProxy(("127.0.0.1", backend.port), seed=seed).start()
        body = cuts = 0
        for _ in range(40):
            proxy.set_mode("cut", after_bytes=rng.randint(chunk // 2, 3 * chunk))
            rep = sync_control.sync_once(data, proxy.url, creds(), pull_feed=False, chunk_size=chunk)
            body += rep.uploaded_bytes
            if rep.acked == 1:
                break
            cuts += 1
        proxy.stop()
        assert rep.acked == 1, rep.faults
        resent = body - size
        return {"size": size, "chunk": chunk, "interruptions": cuts, "resent_bytes": resent,
                "resent_per_cut": resent / cuts if cuts else 0.0, "wire_overhead": overhead}
    finally:
        backend.stop()


# --- (c) 10,000 metadata-only dossiers ------------------------------------------------------------
def bench_drain(work: Path, n: int = 10_000, add_index: bool = False) -> dict:
    from desk_app.services.admin.setup import init_store
    from desk_app.services import sync_control
    from offline_store import Store
    from offline_store.clock import iso_utc

    data = work / "drain"
    init_store(data, demo=True, n_dossiers=n, desk_no=1, unit_code=UNIT)
    with Store.open(data) as store, store.transaction() as conn:
        # demo history is marked delivered; queue it all again as if the desk had been offline
        conn.execute("UPDATE outbox SET state='queued', done_at=NULL, next_attempt_at=? WHERE kind='dossier.create'",
                     (iso_utc(),))
        conn.execute("UPDATE dossiers SET sync_state='queued'")
        if add_index:   # schema v5 has it; kept for benchmarking older stores
            conn.execute("CREATE INDEX IF NOT EXISTS outbox_dossier ON outbox(dossier_id, state)")
        queued = conn.execute("SELECT count(*) FROM outbox WHERE state='queued'").fetchone()[0]
        indexed = any(conn.execute(f"PRAGMA index_info('{r[0]}')").fetchone()[2] == "dossier_id"
                      for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'"
                                            " AND tbl_name='outbox' AND sql IS NOT NULL"))
    backend = new_backend(work)
    lags: list[float] = []

    async def main() -> object:
        stop = asyncio.Event()

        async def ticker() -> None:
            period = 0.01
            nxt = time.perf_counter() + period
            while not stop.is_set():
                await asyncio.sleep(max(0.0, nxt - time.perf_counter()))
                now = time.perf_counter()
                lags.append(max(0.0, now - nxt))
                nxt = now + period
        tick = asyncio.create_task(ticker())
        try:
            return await sync_control.sync_once_async(data, backend.url, creds(), pull_feed=False)
        finally:
            stop.set()
            await tick

    try:
        t0 = time.perf_counter()
        rep = asyncio.run(main())
        elapsed = time.perf_counter() - t0
    finally:
        backend.stop()
    lags.sort()
    return {"queued": queued, "acked": rep.acked, "seconds": elapsed, "outbox_dossier_index": indexed,
            "lag_p99_ms": 1000 * lags[int(0.99 * (len(lags) - 1))] if lags else None,
            "lag_max_ms": 1000 * lags[-1] if lags else None}


# --- (e) link back -> first successful request -----------------------------------------------------
def bench_link_back(work: Path, flaps: int = 10, seed: int = 3) -> dict:
    """A running engine, the link refused for 2-10 s then restored, ``flaps`` times; seconds from
    the link's return to the engine's first successful request (its "online" event)."""
    from desk_app.sync.engine import EngineConfig
    from tests.support.chaos import ChaosProxy
    from tests.support.waiting import wait_until
    from tests.sync.harness import running_engine

    backend = new_backend(work)
    rng = random.Random(seed)
    data = work / "flap"
    make_desk(data, 1, unit=UNIT)
    proxy = ChaosProxy(("127.0.0.1", backend.port), seed=seed).start()
    online: list[float] = []
    config = EngineConfig(data, proxy.url, creds(), feed_interval=0.5)
    on_event = lambda e: online.append(time.monotonic()) if e["event"] == "online" else None  # noqa: E731
    delays = []
    try:
        with running_engine(config, on_event=on_event):
            for _ in range(flaps):
                proxy.set_mode("refuse")
                time.sleep(rng.uniform(2, 10))  # the link stays down for this long
                seen = len(online)
                proxy.set_mode("pass")
                back = time.monotonic()
                wait_until(lambda: len(online) > seen, 60, interval=0.01)
                delays.append(online[-1] - back if len(online) > seen else 60.0)
    finally:
        proxy.stop()
        backend.stop()
    delays.sort()
    return {"flaps": flaps, "p95_s": delays[max(0, int(round(0.95 * len(delays))) - 1)], "max_s": delays[-1],
            "median_s": statistics.median(delays)}


# --- (d) peak RSS ---------------------------------------------------------------------------------
def vm(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def inner_rss(data: Path, url: str) -> dict:
    from desk_app.services import sync_control

    before = vm("VmRSS")
    rep = sync_control.sync_once(data, url, creds(), pull_feed=False)
    return {"acked": rep.acked, "rss_before": before, "vmhwm": vm("VmHWM")}


def bench_rss(work: Path, size: int) -> dict:
    backend = new_backend(work)
    try:
        data = desk_with_scan(work, size, "rss")
        out = subprocess.run([sys.executable, __file__, "--inner-rss", str(data), "--url", backend.url],
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            return {"error": out.stderr[-2000:]}
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        backend.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="a,b,c,d,e")
    ap.add_argument("--size", type=int, default=30 * 1000 * 1000, help="attachment size for (a) and (d)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--outbox-index", action="store_true",
                    help="(c): add an index on outbox(dossier_id) to the bench desk, as a migration would")
    ap.add_argument("--inner-goodput", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--inner-rss", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("DESK_SYNC_TEST_PASSWORD", PASSWORD)
    if args.inner_goodput:
        print(json.dumps(inner_goodput(args.inner_goodput, args.size)))
        return 0
    if args.inner_rss:
        print(json.dumps(inner_rss(args.inner_rss, args.url)))
        return 0
    only = set(args.only.split(","))
    results: dict[str, dict] = {}
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        for key, fn in (("a", lambda w: bench_goodput(w, args.size)), ("b", bench_resend), ("c", lambda w: bench_drain(w, add_index=args.outbox_index)),
                        ("d", lambda w: bench_rss(w, args.size)), ("e", bench_link_back)):
            if key in only:
                w = work / key
                w.mkdir()
                t0 = time.perf_counter()
                results[key] = fn(w)
                results[key]["bench_seconds"] = round(time.perf_counter() - t0, 1)
                print(f"({key}) {json.dumps(results[key])}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    rows = []
    a = results.get("a")
    if a:
        if "ratio" in a:
            rows.append(("(a) goodput vs raw TCP, 20 Mbit/s tbf", f"{a['ratio']:.3f} ({a['sync_mbit']:.1f} / "
                         f"{a['raw_mbit']:.1f} Mbit/s)", ">= 0.9", a["ratio"] >= 0.9))
        else:
            rows.append(("(a) goodput vs raw TCP", a.get("skipped") or a.get("error", "?")[:60], ">= 0.9", None))
    b = results.get("b")
    if b:
        rows.append(("(b) bytes re-sent per interruption", f"{b['resent_per_cut']:.0f} B over {b['interruptions']} cuts",
                     f"<= {b['chunk']} B", b["resent_per_cut"] <= b["chunk"]))
        rows.append(("(b) wire overhead, clean upload", f"{100 * b['wire_overhead']:.2f} %", "<= 2 %",
                     b["wire_overhead"] <= 0.02))
    c = results.get("c")
    if c:
        note = "" if c["outbox_dossier_index"] else ", no outbox(dossier_id) index"
        rows.append((f"(c) drain {c['queued']} metadata-only dossiers", f"{c['seconds']:.1f} s ({c['acked']} acked{note})",
                     "<= 30 s", c["seconds"] <= 30 and c["acked"] == c["queued"]))
        rows.append(("(c) event-loop lag p99 during the drain", f"{c['lag_p99_ms']:.1f} ms (max {c['lag_max_ms']:.0f})",
                     "<= 50 ms", c["lag_p99_ms"] <= 50))
    d = results.get("d")
    if d and "vmhwm" in d:
        rows.append(("(d) peak RSS uploading 30 MB", f"{d['vmhwm'] / 2**20:.0f} MiB (before {d['rss_before'] / 2**20:.0f})",
                     "<= 150 MB", d["vmhwm"] <= 150 * 10**6))
    e = results.get("e")
    if e:
        rows.append((f"(e) link back -> first success, {e['flaps']} flaps", f"p95 {e['p95_s']:.1f} s "
                     f"(median {e['median_s']:.1f}, max {e['max_s']:.1f})", "p95 <= 15 s", e["p95_s"] <= 15))
    width = max(len(r[0]) for r in rows) if rows else 10
    print(f"{'measure':<{width}}  {'value':<40} {'target':<12} ok")
    for name, value, target, ok in rows:
        print(f"{name:<{width}}  {value:<40} {target:<12} {'—' if ok is None else ('yes' if ok else 'NO')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
