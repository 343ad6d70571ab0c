"""Crash durability, expiry, retention and fault injection — each on its own server instance."""
from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa

from tests.backend.refserver import DeskClient, Server
from tests.backend.test_api import head_offset, wait_for


def test_kill9_right_after_ack_loses_nothing(make_server) -> None:
    s: Server = make_server()
    c = s.client()
    data = os.urandom(300_000)
    sha = c.upload(data)
    rec = c.record([data])
    item = c.item(rec)
    (res,) = c.push(item)
    assert res["status"] == "accepted"
    partial = os.urandom(100_000)
    loc = c.create_upload(partial)
    assert c.patch(loc, 0, partial[:60_000]).status_code == 204
    s.kill()  # SIGKILL the instant after the acknowledgements
    s.start()
    c2 = DeskClient(s.url, c.unit, c.user, 1)
    st = c2.http.get(f"/api/v1/records/{rec['MaHoSo']}/status")
    assert st.status_code == 200 and st.json()["SoBienNhan"] == res["SoBienNhan"]
    assert c2.http.get(f"/api/v1/blobs/{sha}").content == data
    assert head_offset(c2, loc) == 60_000, "an acknowledged offset survives the crash"
    assert c2.patch(loc, 60_000, partial[60_000:]).status_code == 204
    (again,) = c2.push(item)
    assert again["status"] == "replayed" and again["SoBienNhan"] == res["SoBienNhan"]


def test_expired_uploads_are_released(make_server) -> None:
    s: Server = make_server(extra=["--upload-expiry-seconds", "1", "--cleanup-interval", "0.2"])
    c = s.client()
    data = os.urandom(50_000)
    loc = c.create_upload(data)
    assert c.patch(loc, 0, data[:20_000]).status_code == 204
    part = s.data_dir / "uploads" / f"{loc.rsplit('/', 1)[1]}.part"
    assert part.exists()
    wait_for(lambda: c.http.head(loc, headers=c.tus()).status_code in (404, 410), what="upload expiry")
    wait_for(lambda: not part.exists(), what="part file released")
    assert c.http.head(loc, headers=c.tus()).status_code == 404
    assert c.patch(loc, 20_000, data[20_000:]).status_code == 404
    done = c.create_upload(b"kept")
    assert c.patch(done, 0, b"kept").status_code == 204
    wait_for(lambda: c.http.head(f"/api/v1/blobs/{hashlib.sha256(b'kept').hexdigest()}")
             .status_code == 200, what="complete blob")


def test_idempotency_keys_kept_90_days(server: Server) -> None:
    from reference_backend.db import Database, idempotency
    c = server.client()
    old, new = c.item(c.record()), c.item(c.record())
    assert [r["status"] for r in c.push(old, new)] == ["accepted", "accepted"]
    db = Database(server.data_dir, server.database_url)
    try:
        with db.write() as conn:
            conn.execute(sa.update(idempotency).where(idempotency.c.op_id == old["op_id"])
                         .values(created_at=time.time() - 91 * 86400))
            conn.execute(sa.update(idempotency).where(idempotency.c.op_id == new["op_id"])
                         .values(created_at=time.time() - 89 * 86400))
    finally:
        db.dispose()
    server.cli("cleanup")
    assert c.push(new)[0]["status"] == "replayed", "an 89-day-old key is still honoured"
    # the 91-day-old key is gone: the record itself still protects against a duplicate
    (res,) = c.push(old)
    assert res["status"] == "conflict" and res["error"]["code"] == "record_exists"
    r = server.cli("serve", "--idempotency-days", "30", check=False)
    assert r.returncode == 2 and "90" in r.stderr


def test_fault_injection_503_with_retry_after(make_server) -> None:
    s: Server = make_server(env={"REFBACK_FAULTS": "503_every=2,retry_after=7,paths=/api/v1/feed"})
    c = s.client()
    codes = [c.http.get("/api/v1/feed") for _ in range(4)]
    assert [r.status_code for r in codes] == [200, 503, 200, 503]
    assert codes[1].headers["Retry-After"] == "7" and codes[1].json()["error"]["code"] == "injected_fault"
    assert httpx.options(s.url + "/files/").status_code == 204


def test_overload_sheds_with_503_and_retry_after(make_server) -> None:
    s: Server = make_server(extra=["--max-in-flight", "1"],
                            env={"REFBACK_FAULTS": "delay_ms=3000,paths=/api/v1/catalog"})
    c = s.client()
    auth = {"Authorization": c.http.headers["Authorization"]}
    with ThreadPoolExecutor(1) as ex:
        slow = ex.submit(c.http.get, "/api/v1/catalog")
        shed = wait_for(lambda: (r := httpx.get(s.url + "/api/v1/feed", headers=auth)).status_code == 503 and r,
                        timeout=10, what="a shed request")
        assert not slow.done() or slow.result().status_code == 200
        assert shed.headers["Retry-After"] == "2" and shed.json()["error"]["code"] == "overloaded"
        assert slow.result().status_code == 200
    assert c.http.get("/api/v1/feed").status_code == 200
