"""One hostile client against the real server over 127.0.0.1: half-sent bodies, trickles, slow
headers, login floods, deep JSON, bogus upload ids; revocation; a crash between "all bytes" and
"filed"; a generic tus client. Figures (RSS, latency) are printed; bench/bench_hostile.py keeps them."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.waiting import wait_until

from tests.backend.refserver import PASSWORD, DeskClient, Server
from tests.backend.test_api import wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="reads /proc, loopback aliases")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set (Linux)."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[int(q * (len(xs) - 1))] if xs else float("nan")


def half_sent(server: Server, path: str = "/api/v1/auth/token", *, headers: str = "") -> socket.socket:
    """A request whose body never finishes: 10 of 1,000 announced bytes."""
    u = urlsplit(server.url)
    s = socket.create_connection((u.hostname, u.port))
    s.sendall((f"POST {path} HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Type: application/json\r\n{headers}"
               f"Content-Length: 1000\r\n\r\n{{\"username\"").encode())
    return s


def _established_on(server: Server) -> int:
    """Connections in state ESTABLISHED whose local port is the server's (Linux /proc)."""
    port = f"{urlsplit(server.url).port:04X}"
    n = 0
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(name, encoding="ascii").read().splitlines()[1:]
        except OSError:
            continue
        n += sum(1 for ln in lines if ln.split()[1].endswith(":" + port) and ln.split()[3] == "01")
    return n


def test_300_half_sent_bodies_do_not_block_an_authenticated_push(make_server) -> None:
    s: Server = make_server(extra=["--body-timeout", "3", "--body-grace", "1"])
    c = s.client()
    socks = [half_sent(s) for _ in range(300)]
    try:
        # the server has taken them all (its side of each is ESTABLISHED on its port)
        assert wait_until(lambda: _established_on(s) >= 300, 10), _established_on(s)
        t0 = time.monotonic()
        (res,) = c.push(c.item(c.record()))
        took = time.monotonic() - t0
        print(f"authenticated push with 300 half-sent bodies held: {took:.3f} s")
        assert res["status"] == "accepted" and took < 2.0
        # the stalled ones are answered 408 and closed once the body timeout passes
        socks[0].settimeout(15)
        answer = socks[0].recv(4096).decode(errors="replace")
        assert answer.startswith("HTTP/1.1 408") or answer.startswith("HTTP/1.1 503"), answer
    finally:
        for sk in socks:
            sk.close()


def test_a_trickling_body_is_dropped_with_408(make_server) -> None:
    s: Server = make_server(extra=["--min-body-rate", "1000", "--body-grace", "1", "--body-timeout", "5"])
    c = s.client()
    sk = half_sent(s, "/api/v1/records:batch",
                   headers=f"Authorization: Bearer {c.token['access_token']}\r\n")
    sk.settimeout(0.3)
    answer = ""
    deadline = time.monotonic() + 15
    while not answer and time.monotonic() < deadline:
        try:
            sk.sendall(b" ")  # one byte every 0.3 s: far below 1,000 B/s
            answer = sk.recv(4096).decode(errors="replace")
        except socket.timeout:
            continue
        except OSError:
            break
    sk.settimeout(5)
    try:
        while chunk := sk.recv(4096):
            answer += chunk.decode(errors="replace")
    except OSError:
        pass
    sk.close()
    assert answer.startswith("HTTP/1.1 408") and "body_timeout" in answer, answer


def test_slow_headers_are_cut(make_server) -> None:
    s: Server = make_server(extra=["--header-timeout", "1"])
    u = urlsplit(s.url)
    with socket.create_connection((u.hostname, u.port)) as sk:
        sk.sendall(b"GET /api/v1/feed HTTP/1.1\r\nHost: x\r\n")  # never finishes the head
        sk.settimeout(10)
        t0 = time.monotonic()
        assert sk.recv(4096) == b"", "the server closes the connection"
        assert time.monotonic() - t0 < 8


def test_login_flood_is_bounded(make_server) -> None:
    """200 concurrent bogus logins (50 at a time): memory bounded, other clients still served."""
    s: Server = make_server()
    c = s.client()
    real_user = c.user
    statuses: list[int] = []
    lat: list[float] = []
    feed_lat: list[float] = []
    stop = threading.Event()
    problems: list[str] = []

    def bogus(i: int) -> None:
        with httpx.Client(base_url=s.url, timeout=60) as h:
            r = h.post("/api/v1/auth/token", json={"username": f"nobody{i % 7}", "password": "x" * 12})
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert int(r.headers["Retry-After"]) >= 1

    def real() -> None:
        # a real desk from another address (127.0.0.2): its logins and requests keep working
        tr = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=s.url.replace("127.0.0.1", "127.0.0.1"), transport=tr, timeout=60) as h:
            while not stop.is_set():
                t0 = time.monotonic()
                r = h.post("/api/v1/auth/token", json={"username": real_user, "password": PASSWORD})
                if r.status_code != 200:
                    problems.append(f"login {r.status_code}")
                    continue
                lat.append(time.monotonic() - t0)
                for _ in range(5):
                    t1 = time.monotonic()
                    f = h.get("/api/v1/feed", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
                    if f.status_code != 200:
                        problems.append(f"feed {f.status_code}")
                    feed_lat.append(time.monotonic() - t1)

    t = threading.Thread(target=real)
    t.start()
    try:
        with ThreadPoolExecutor(50) as ex:
            list(ex.map(bogus, range(200)))
    finally:
        stop.set()
        t.join(60)
    p95 = quantile(lat, 0.95)
    rss = peak_rss_mb(s.proc.pid)
    print(f"login flood: {statuses.count(401)}x401 {statuses.count(429)}x429, peak RSS {rss:.0f} MB, "
          f"real client: login p95 {p95:.2f} s over {len(lat)}, feed p95 {quantile(feed_lat, 0.95):.3f} s "
          f"over {len(feed_lat)}")
    assert set(statuses) <= {401, 429} and statuses.count(429) > 0
    assert lat and not problems, problems[:5]
    assert rss < 800, "argon2 at 64 MiB each is bounded by the hash pool"


def test_deep_json_is_400_with_a_short_log_line(make_server) -> None:
    s: Server = make_server()
    c = s.client()
    rec = c.record()
    deep: object = "x"
    for _ in range(900):
        deep = {"a": deep}
    rec["extra"] = deep
    body = json.dumps({"items": [c.item(rec)]})
    r = c.http.post("/api/v1/records:batch", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "too_deep"
    shallow = c.record()
    shallow["extra"] = {"a": {"b": [1, 2, {"c": 3}]}}
    assert c.push(c.item(shallow))[0]["status"] in ("accepted", "rejected")
    log = s.stderr_path.read_text(errors="replace")
    assert "Traceback" not in log and "deeper than 64" in log
    assert max(len(line) for line in log.splitlines()) < 400


def test_bogus_upload_ids_do_not_grow_the_lock_table(tmp_path) -> None:
    import asyncio

    from reference_backend.auth import Principal
    from reference_backend.common import ApiError, Settings
    from reference_backend.db import Database
    from reference_backend.uploads import UploadService

    db = Database(tmp_path)
    db.create_all()
    ups = UploadService(db, Settings(data_dir=tmp_path))

    async def body():
        yield b"x"

    async def run() -> None:
        for i in range(2000):
            with pytest.raises(ApiError) as e:
                await ups.patch(Principal("u", "000.00.01.H48", 1), f"{i:032x}", 0, None, 1, body())
            assert e.value.status == 404
    asyncio.run(run())
    db.dispose()
    assert ups._locks == {}


# ---- revocation -----------------------------------------------------------------------------------
def test_revoke_desk_invalidates_access_and_refresh_at_once(make_server) -> None:
    s: Server = make_server()
    c = s.client()
    other = DeskClient(s.url, c.unit, c.user, 1)  # a second session of the same account
    assert c.http.get("/api/v1/feed").status_code == 200
    s.cli("revoke-desk", "--user", c.user)
    for sess in (c, other):
        r = sess.http.get("/api/v1/feed")
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
        r = httpx.post(s.url + "/api/v1/auth/refresh", json={"refresh_token": sess.token["refresh_token"]})
        assert r.status_code == 401
    again = DeskClient(s.url, c.unit, c.user, 1)  # the password still works: a fresh login
    assert again.http.get("/api/v1/feed").status_code == 200


def test_password_change_revokes_every_token(make_server) -> None:
    s: Server = make_server()
    c = s.client()
    s.cli("passwd-desk", "--user", c.user, "--password-env", "NEW_PW", env={"NEW_PW": "mật-khẩu-mới-2025"})
    assert c.http.get("/api/v1/feed").status_code == 401
    r = httpx.post(s.url + "/api/v1/auth/refresh", json={"refresh_token": c.token["refresh_token"]})
    assert r.status_code == 401
    r = httpx.post(s.url + "/api/v1/auth/token", json={"username": c.user, "password": PASSWORD})
    assert r.status_code == 401
    r = httpx.post(s.url + "/api/v1/auth/token", json={"username": c.user, "password": "mật-khẩu-mới-2025"})
    assert r.status_code == 200


def test_refresh_rotates_and_reuse_revokes_the_family(server: Server) -> None:
    c = server.client()
    first = c.token["refresh_token"]
    r1 = httpx.post(server.url + "/api/v1/auth/refresh", json={"refresh_token": first})
    assert r1.status_code == 200
    second = r1.json()["refresh_token"]
    assert second != first
    r2 = httpx.post(server.url + "/api/v1/auth/refresh", json={"refresh_token": second})
    assert r2.status_code == 200
    third = r2.json()["refresh_token"]
    # someone replays the first (stolen) token: refused, and the family dies with it
    assert httpx.post(server.url + "/api/v1/auth/refresh", json={"refresh_token": first}).status_code == 401
    assert httpx.post(server.url + "/api/v1/auth/refresh", json={"refresh_token": third}).status_code == 401
    # other logins of the account are not affected
    assert DeskClient(server.url, c.unit, c.user, 1).http.get("/api/v1/feed").status_code == 200


def test_a_lost_refresh_answer_may_be_asked_again_within_the_grace(make_server) -> None:
    """A desk whose refresh answer was lost (a cut, a kill) presents the same token again: it gets
    the identical pair back instead of a revoked family; a copy presented later still revokes."""
    s: Server = make_server()
    c = s.client()
    refresh = lambda tok: httpx.post(s.url + "/api/v1/auth/refresh", json={"refresh_token": tok})  # noqa: E731
    first = c.token["refresh_token"]
    r1 = refresh(first)
    assert r1.status_code == 200
    again = refresh(first)   # the answer of r1 never arrived
    assert again.status_code == 200 and again.json() == r1.json()
    auth = {"Authorization": f"Bearer {r1.json()['access_token']}"}
    assert httpx.get(s.url + "/api/v1/feed", headers=auth).status_code == 200
    r2 = refresh(r1.json()["refresh_token"])
    assert r2.status_code == 200 and r2.json()["refresh_token"] != r1.json()["refresh_token"]
    # `first` is now two generations old: only a copy can present it -> the family is revoked
    assert refresh(first).status_code == 401
    assert refresh(r2.json()["refresh_token"]).status_code == 401


def test_without_a_grace_a_replayed_refresh_revokes_the_family(make_server) -> None:
    s: Server = make_server(extra=["--refresh-grace", "0"])
    c = s.client()
    refresh = lambda tok: httpx.post(s.url + "/api/v1/auth/refresh", json={"refresh_token": tok})  # noqa: E731
    first = c.token["refresh_token"]
    r1 = refresh(first)
    assert r1.status_code == 200
    assert refresh(first).status_code == 401
    assert refresh(r1.json()["refresh_token"]).status_code == 401


def test_time_the_server_spends_is_not_charged_to_the_client_rate(make_server) -> None:
    """The minimum body rate measures the client: a PATCH the server itself held up (here an
    injected 1.5 s delay before the handler reads) is not a slow body."""
    s: Server = make_server(extra=["--min-body-rate", "200000", "--body-grace", "0.5"],
                            env={"REFBACK_FAULTS": "delay_ms=1500,paths=/files/"})
    c = s.client()
    data = os.urandom(1024 * 1024)
    loc = c.create_upload(data)
    r = c.patch(loc, 0, data)
    assert r.status_code == 204, r.text
    assert r.headers["Upload-Offset"] == str(len(data))


async def _until(pred, what: str) -> None:
    """Let the event loop run the tasks until ``pred()`` holds (each task reaches its wait)."""
    import asyncio

    for _ in range(10_000):
        if pred():
            return
        await asyncio.sleep(0)      # one turn of the loop, not a timed wait
    raise AssertionError(f"never reached: {what}")


def test_the_hash_pool_serves_clean_logins_before_suspect_ones() -> None:
    """LoginGate: while every hash slot is busy, a login of an account and address without recent
    failures is served before queued logins from an address that keeps failing."""
    import asyncio

    from reference_backend.guard import LoginGate

    async def run() -> list[str]:
        gate = LoginGate(per_user=10, per_ip=30, concurrency=1, queue=16)
        for _ in range(5):
            gate.failed("nobody", "10.0.0.66")
        order: list[str] = []
        holder = asyncio.Event()

        async def login(name: str, user: str, ip: str, hold: asyncio.Event | None = None) -> None:
            async with gate.hashing(user, ip):
                order.append(name)
                if hold is not None:
                    await hold.wait()

        first = asyncio.create_task(login("first", "nobody", "10.0.0.66", holder))
        await _until(lambda: order == ["first"], "the first login holds the slot")
        flood = [asyncio.create_task(login(f"bogus{i}", "nobody", "10.0.0.66")) for i in range(4)]
        await _until(lambda: len(gate._waiters) == 4, "the flood queued")
        real = asyncio.create_task(login("real", "desk-1", "10.0.0.7"))
        await _until(lambda: len(gate._waiters) == 5, "the real login queued")
        holder.set()
        await asyncio.gather(first, real, *flood)
        assert gate.free == 1 and gate.suspect_busy == 0 and not gate._waiters
        return order

    order = asyncio.run(run())
    assert order[:2] == ["first", "real"], order
    assert sorted(order[2:]) == [f"bogus{i}" for i in range(4)]

    async def two_slots() -> list[str]:
        """With two slots, logins that keep failing may hold only one of them: the other stays
        free for a clean login, which then never waits behind the flood."""
        gate = LoginGate(per_user=10, per_ip=30, concurrency=2, queue=16)
        for _ in range(5):
            gate.failed("nobody", "10.0.0.66")
        order: list[str] = []
        release = asyncio.Event()

        async def login(name: str, user: str, ip: str) -> None:
            async with gate.hashing(user, ip):
                order.append(name)
                await release.wait()

        flood = [asyncio.create_task(login(f"bogus{i}", "nobody", "10.0.0.66")) for i in range(3)]
        await _until(lambda: len(gate._waiters) == 2, "two of the flood queued")
        assert order == ["bogus0"] and gate.free == 1
        real = asyncio.create_task(login("real", "desk-1", "10.0.0.7"))
        await _until(lambda: "real" in order, "the real login served")
        assert order == ["bogus0", "real"] and gate.free == 0
        release.set()
        await asyncio.gather(real, *flood)
        assert gate.free == 2 and gate.suspect_busy == 0 and not gate._waiters
        return order

    assert sorted(asyncio.run(two_slots())[2:]) == ["bogus1", "bogus2"]


# ---- uploads that always finish ---------------------------------------------------------------------
def test_crash_between_all_bytes_and_filed_is_finished_by_head_and_sweep(make_server) -> None:
    s: Server = make_server(env={"REFBACK_CRASH_AT": "all_bytes"})
    c = s.client()
    for via in ("head", "sweep"):
        data = os.urandom(300_000)
        sha = hashlib.sha256(data).hexdigest()
        s.env = {"REFBACK_CRASH_AT": "all_bytes"}
        if via == "sweep":
            s.stop()
            s.start()
            c = DeskClient(s.url, c.unit, c.user, 1)
        loc = c.create_upload(data)
        assert c.patch(loc, 0, data[:200_000]).status_code == 204
        with pytest.raises(httpx.HTTPError):
            c.patch(loc, 200_000, data[200_000:])  # the server dies after the bytes, before filing
        s.proc.wait(timeout=20)
        s.env = {}
        s.start()
        c = DeskClient(s.url, c.unit, c.user, 1)
        if via == "sweep":  # filed at start, before anyone asks
            assert c.http.head(f"/api/v1/blobs/{sha}").status_code == 200
        h = c.http.head(loc, headers=c.tus())
        assert h.status_code == 200 and h.headers["Upload-Offset"] == str(len(data))
        assert c.http.get(f"/api/v1/blobs/{sha}").content == data
        # the final empty PATCH is idempotent
        assert c.patch(loc, len(data), b"", checksum=False).status_code == 204


# ---- any tus 1.0.0 client --------------------------------------------------------------------------
class RawTus:
    """A minimal tus 1.0.0 client written from the protocol text (core + creation), sharing
    nothing with desk_app: POST with Upload-Length, HEAD for the offset, PATCH the rest."""

    def __init__(self, base: str, token: str) -> None:
        self.h = httpx.Client(base_url=base, timeout=30,
                              headers={"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token}"})

    def create(self, length: int, metadata: dict[str, str] | None = None) -> str:
        hdr = {"Upload-Length": str(length)}
        if metadata:
            hdr["Upload-Metadata"] = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                                              for k, v in metadata.items())
        r = self.h.post("/files/", headers=hdr)
        assert r.status_code == 201, r.text
        return r.headers["Location"]

    def offset(self, url: str) -> int:
        r = self.h.head(url)
        assert r.status_code == 200
        return int(r.headers["Upload-Offset"])

    def send(self, url: str, data: bytes, chunk: int, stop_at: int | None = None) -> None:
        off = self.offset(url)
        while off < (stop_at or len(data)):
            r = self.h.patch(url, content=data[off:off + chunk],
                             headers={"Upload-Offset": str(off), "Content-Type": "application/offset+octet-stream"})
            assert r.status_code == 204, r.text
            off = int(r.headers["Upload-Offset"])


def test_raw_tus_client_without_metadata_creates_resumes_and_finishes(server: Server) -> None:
    c = server.client()
    tus = RawTus(server.url, c.token["access_token"])
    data = os.urandom(700_000)
    sha = hashlib.sha256(data).hexdigest()
    url = tus.create(len(data))  # no metadata at all
    tus.send(url, data, 128 * 1024, stop_at=300_000)
    resumed = RawTus(server.url, c.token["access_token"])  # a new process: only the URL survives
    assert resumed.offset(url) >= 300_000
    resumed.send(url, data, 128 * 1024)
    wait_for(lambda: c.http.head(f"/api/v1/blobs/{sha}").status_code == 200, what="blob filed")
    assert c.http.get(f"/api/v1/blobs/{sha}").content == data
    # a record naming the file is checked against what was filed
    (res,) = c.push(c.item(c.record([data])))
    assert res["status"] == "accepted"


def test_every_tus_answer_carries_tus_resumable_and_key_reuse_409(server: Server) -> None:
    c = server.client()
    r = httpx.head(server.url + "/files/" + "0" * 32, headers={"Tus-Resumable": "1.0.0"})
    assert r.status_code == 401 and r.headers["Tus-Resumable"] == "1.0.0"
    r = c.http.head("/files/" + "0" * 32, headers=c.tus())
    assert r.status_code == 404 and r.headers["Tus-Resumable"] == "1.0.0"
    r = c.http.patch("/files/nope", headers=c.tus({"Upload-Offset": "0",
                                                   "Content-Type": "application/offset+octet-stream"}))
    assert r.status_code == 404 and r.headers["Tus-Resumable"] == "1.0.0"
    data = b"same key, other file"
    loc = c.create_upload(data, key="k-1", filename="a.pdf")
    assert c.create_upload(data, key="k-1", filename="a.pdf") == loc
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                    for k, v in {"filename": "b.pdf", "sha256": hashlib.sha256(data).hexdigest()}.items())
    r = c.http.post("/files/", headers=c.tus({"Upload-Length": str(len(data)), "Upload-Metadata": meta,
                                              "Idempotency-Key": "k-1"}))
    assert r.status_code == 409 and r.headers["Tus-Resumable"] == "1.0.0"
