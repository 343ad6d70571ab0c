"""Hostile-network benchmarks (issue 13), all against the real reference back end on 127.0.0.1:

(a) 300 half-sent request bodies held open: latency of an authenticated push meanwhile (target < 2 s).
(b) 200 concurrent bogus logins (50 at a time): the server's peak RSS (VmHWM, target <= 400 MB) and a
    real desk's latency (login and an authenticated GET /feed, from another loopback address;
    target p95 <= 2 s), plus how the flood was answered (401 / 429).
(c) bytes re-sent for a 20 MB attachment through the chaos proxy cutting the link every ~1.5 MB
    and every ~600 KB (each cut ends a `sync --once`-style run; the next run resumes), fixed 2 MiB
    chunks vs adaptive chunks, in the same run (target adaptive at ~600 KB: <= 25 % of the payload).
(d) clean-link goodput at about 1 MiB/s: raw TCP through the same proxy vs a desk upload with fixed
    2 MiB and with adaptive chunks (target adaptive >= 0.9 of raw TCP).

    .venv/bin/python bench/bench_hostile.py [--only a,b,c,d] [--json] [--size-mb 20]
Linux only (reads /proc, binds 127.0.0.2).
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.backend.refserver import PASSWORD as REF_PASSWORD, Server  # noqa: E402
from tests.sync.harness import PASSWORD, Backend, make_desk, receive  # noqa: E402

UNIT = "000.23.32.H48"
MIB = 1024 * 1024


def q(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[int(p * (len(xs) - 1))] if xs else float("nan")


def peak_rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- (a) ------------------------------------------------------------------------------------------
def bench_half_sent(work: Path, n: int = 300) -> dict:
    (work / "a").mkdir(parents=True, exist_ok=True)
    s = Server(work / "a", None).start()
    try:
        c = s.client()
        u = urlsplit(s.url)
        socks = []
        for _ in range(n):
            sk = socket.create_connection((u.hostname, u.port))
            sk.sendall((f"POST /api/v1/auth/token HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Type: application/json\r\n"
                        "Content-Length: 1000\r\n\r\n{\"username\"").encode())
            socks.append(sk)
        time.sleep(0.5)
        lat = []
        for _ in range(10):
            t0 = time.monotonic()
            (res,) = c.push(c.item(c.record()))
            lat.append(time.monotonic() - t0)
            assert res["status"] == "accepted"
        for sk in socks:
            sk.close()
        return {"held": n, "push_p50_s": q(lat, 0.5), "push_max_s": max(lat), "ok": max(lat) < 2.0}
    finally:
        s.stop()


# --- (b) ------------------------------------------------------------------------------------------
def bench_login_flood(work: Path, n: int = 200, parallel: int = 50) -> dict:
    (work / "b").mkdir(parents=True, exist_ok=True)
    s = Server(work / "b", None).start()
    try:
        c = s.client()
        statuses: list[int] = []
        login_lat: list[float] = []
        feed_lat: list[float] = []
        stop = threading.Event()

        def bogus(i: int) -> None:
            with httpx.Client(base_url=s.url, timeout=120) as h:
                statuses.append(h.post("/api/v1/auth/token",
                                       json={"username": f"nobody{i % 7}", "password": "x" * 12}).status_code)

        def real() -> None:
            with httpx.Client(base_url=s.url, transport=httpx.HTTPTransport(local_address="127.0.0.2"),
                              timeout=120) as h:
                while not stop.is_set():
                    t0 = time.monotonic()
                    r = h.post("/api/v1/auth/token", json={"username": c.user, "password": REF_PASSWORD})
                    login_lat.append(time.monotonic() - t0)
                    if r.status_code != 200:
                        continue
                    for _ in range(2):  # mostly logins: their latency is the figure
                        t1 = time.monotonic()
                        h.get("/api/v1/feed", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
                        feed_lat.append(time.monotonic() - t1)

        t = threading.Thread(target=real)
        t.start()
        t0 = time.monotonic()
        with ThreadPoolExecutor(parallel) as ex:
            list(ex.map(bogus, range(n)))
        flood_s = time.monotonic() - t0
        stop.set()
        t.join(120)
        rss = peak_rss_mb(s.proc.pid)
        return {"bogus": n, "answered_401": statuses.count(401), "answered_429": statuses.count(429),
                "flood_seconds": flood_s, "peak_rss_mb": rss, "real_login_p95_s": q(login_lat, 0.95),
                "real_feed_p95_s": q(feed_lat, 0.95), "samples": [len(login_lat), len(feed_lat)],
                "ok": rss <= 400 and q(feed_lat, 0.95) <= 2.0}
    finally:
        s.stop()


# --- (c) ------------------------------------------------------------------------------------------
def bench_resend(work: Path, size: int, cut_every: int, adaptive: bool, seed: int = 7,
                 max_runs: int = 300) -> dict:
    from desk_app.services import sync_control
    from desk_app.sync.api import Credentials
    from tests.support.chaos import ChaosProxy

    name = f"c-{cut_every}-{'adaptive' if adaptive else 'fixed'}"
    b = Backend(work / name / "srv")
    b.add_desk("bench", 1, unit=UNIT)
    b.start()
    rng = random.Random(seed)
    try:
        data = work / name / "desk"
        make_desk(data, 1, unit=UNIT)
        receive(data, 1, seed=1, attachment_sizes=[size])
        proxy = ChaosProxy(("127.0.0.1", b.port), seed=seed).start()
        body = cuts = 0
        t0 = time.monotonic()
        rep = None
        done = False
        for _ in range(max_runs):
            # memoryless cuts: the bytes until the next cut are exponential with the given mean
            proxy.set_mode("cut", after_bytes=max(16_384, int(rng.expovariate(1 / cut_every))))
            rep = sync_control.sync_once(data, proxy.url, Credentials("bench", PASSWORD), pull_feed=False,
                                         pull_accounts=False, chunk_size=2 * MIB, adaptive_chunks=adaptive,
                                         probe_min=0.05)
            body += rep.uploaded_bytes
            if rep.acked == 1:
                done = True
                break
            cuts += 1
        elapsed = time.monotonic() - t0
        proxy.stop()
        resent = body - size
        return {"size": size, "cut_every": cut_every, "mode": "adaptive" if adaptive else "fixed 2 MiB",
                "finished": done, "cuts": cuts, "resent_bytes": resent, "resent_share": resent / size,
                "seconds": elapsed}
    finally:
        b.stop()


# --- (d) ------------------------------------------------------------------------------------------
class _Sink:
    """A TCP server that reads ``expect`` bytes, then answers one byte (the raw-TCP baseline)."""

    def __init__(self, expect: int) -> None:
        self.expect = expect
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            got = 0
            while got < self.expect:
                piece = conn.recv(1 << 20)
                if not piece:
                    return
                got += len(piece)
            conn.sendall(b"k")


def bench_goodput(work: Path, size: int, rate_delay: float = 0.0625) -> dict:
    """Clean link at about 1 MiB/s (the proxy waits ``rate_delay`` per 64 KiB read): the same bytes
    as raw TCP through the same proxy, then as a desk upload (fixed 2 MiB and adaptive chunks,
    each from a fresh desk, the whole ``sync --once`` timed: login, create, PATCHes, record), and a
    second adaptive file on the same desk (the chunk size learned from the first)."""
    from desk_app.services import sync_control
    from desk_app.sync.api import Credentials
    from tests.support.chaos import ChaosProxy

    sink = _Sink(size)
    proxy = ChaosProxy(("127.0.0.1", sink.port), seed=1).start()
    proxy.set_mode("delay", delay=rate_delay, jitter=0.0)
    payload = random.Random(3).randbytes(size)
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", proxy.port)) as sk:
        sk.sendall(payload)
        assert sk.recv(1) == b"k"
    raw_s = time.monotonic() - t0
    proxy.stop()
    out = {"size": size, "raw_tcp_seconds": raw_s, "raw_tcp_mb_s": size / raw_s / 1e6}
    for adaptive in (False, True):
        name = f"d-{'adaptive' if adaptive else 'fixed'}"
        b = Backend(work / name / "srv")
        b.add_desk("bench", 1, unit=UNIT)
        b.start()
        try:
            data = work / name / "desk"
            make_desk(data, 1, unit=UNIT)
            receive(data, 1, seed=2, attachment_sizes=[size])
            proxy = ChaosProxy(("127.0.0.1", b.port), seed=1).start()
            proxy.set_mode("delay", delay=rate_delay, jitter=0.0)
            t0 = time.monotonic()
            rep = sync_control.sync_once(data, proxy.url, Credentials("bench", PASSWORD), pull_feed=False,
                                         pull_accounts=False, chunk_size=2 * MIB, adaptive_chunks=adaptive)
            took = time.monotonic() - t0
            assert rep.acked == 1, rep.faults
            key = "adaptive" if adaptive else "fixed"
            out[f"{key}_seconds"] = took
            out[f"{key}_ratio"] = raw_s / took
            if adaptive:
                # the desk's usual state: a second file starts at the size learned from the first
                receive(data, 1, seed=4, attachment_sizes=[size])
                t0 = time.monotonic()
                rep = sync_control.sync_once(data, proxy.url, Credentials("bench", PASSWORD), pull_feed=False,
                                             pull_accounts=False, chunk_size=2 * MIB, adaptive_chunks=True)
                took = time.monotonic() - t0
                assert rep.acked == 1, rep.faults
                out["adaptive_remembered_seconds"] = took
                out["adaptive_remembered_ratio"] = raw_s / took
            proxy.stop()
        finally:
            b.stop()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="a,b,c,d")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--size-mb", type=float, default=20.0)
    args = ap.parse_args()
    only = set(args.only.split(","))
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        work = Path(tmp)
        if "a" in only:
            out["half_sent"] = bench_half_sent(work)
        if "b" in only:
            out["login_flood"] = bench_login_flood(work)
        if "c" in only:
            size = int(args.size_mb * 1_000_000)
            out["resend"] = [bench_resend(work, size, cut, adaptive)
                             for cut in (1_500_000, 600_000) for adaptive in (False, True)]
        if "d" in only:
            out["goodput"] = bench_goodput(work, int(args.size_mb * 1_000_000))
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    if "half_sent" in out:
        a = out["half_sent"]
        print(f"(a) {a['held']} half-sent bodies held: authenticated push p50 {a['push_p50_s']:.3f} s, "
              f"max {a['push_max_s']:.3f} s (target < 2 s)")
    if "login_flood" in out:
        f = out["login_flood"]
        print(f"(b) {f['bogus']} bogus logins: {f['answered_401']}x401 {f['answered_429']}x429 in "
              f"{f['flood_seconds']:.1f} s; peak RSS {f['peak_rss_mb']:.0f} MB (<= 400); real desk login p95 "
              f"{f['real_login_p95_s']:.2f} s, feed p95 {f['real_feed_p95_s']:.3f} s (<= 2 s)")
    for r in out.get("resend", []):
        print(f"(c) {r['size'] / 1e6:.0f} MB, cut every ~{r['cut_every'] / 1e3:.0f} KB, {r['mode']:>11}: "
              f"{r['cuts']} cuts, re-sent {r['resent_bytes'] / 1e6:.1f} MB ({100 * r['resent_share']:.0f} %), "
              f"{r['seconds']:.1f} s" + ("" if r["finished"] else "  (NOT finished: run cap reached)"))
    if "goodput" in out:
        g = out["goodput"]
        print(f"(d) clean link ~1 MiB/s, {g['size'] / 1e6:.0f} MB: raw TCP {g['raw_tcp_seconds']:.1f} s "
              f"({g['raw_tcp_mb_s']:.2f} MB/s); desk upload fixed 2 MiB {g['fixed_seconds']:.1f} s "
              f"(goodput {g['fixed_ratio']:.2f} of raw), adaptive {g['adaptive_seconds']:.1f} s "
              f"(goodput {g['adaptive_ratio']:.2f} of raw; target >= 0.9); a second file, size remembered, "
              f"{g['adaptive_remembered_seconds']:.1f} s (goodput {g['adaptive_remembered_ratio']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
