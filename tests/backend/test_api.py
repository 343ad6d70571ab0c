"""The sync contract against the real server (SQLite and PostgreSQL), over real HTTP on 127.0.0.1."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx

from tests.backend.refserver import PASSWORD, DeskClient, Server
from tests.support.waiting import wait_for


def cut_patch(server: Server, c: DeskClient, loc: str, offset: int, chunk: bytes, sent: int) -> None:
    """A PATCH announcing len(chunk) bytes whose connection dies after `sent` bytes."""
    u = urlsplit(server.url)
    head = (f"PATCH {loc} HTTP/1.1\r\nHost: {u.netloc}\r\nAuthorization: Bearer {c.token['access_token']}\r\n"
            f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {len(chunk)}\r\n\r\n").encode()
    with socket.create_connection((u.hostname, u.port)) as s:
        s.sendall(head + chunk[:sent])
        s.shutdown(socket.SHUT_WR)


def head_offset(c: DeskClient, loc: str) -> int:
    r = c.http.head(loc, headers=c.tus())
    assert r.status_code == 200
    return int(r.headers["Upload-Offset"])


# ---- auth -------------------------------------------------------------------------------------------
def test_auth_login_refresh_and_refusals(server: Server) -> None:
    c = server.client()
    assert c.token["unit_code"] == c.unit and c.token["desk"] == 1 and c.token["token_type"] == "Bearer"
    anon = httpx.Client(base_url=server.url)
    r = anon.post("/api/v1/auth/token", json={"username": c.user, "password": "sai"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_credentials"
    assert "Sai tên đăng nhập" in r.json()["error"]["message"]
    r = anon.post("/api/v1/auth/token", json={"username": "không-có", "password": PASSWORD})
    assert r.status_code == 401
    assert anon.get("/api/v1/feed").status_code == 401
    r = anon.get("/api/v1/feed", headers={"Authorization": "Bearer abc.def"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    # a refresh token is not an access token, and vice versa
    r = anon.get("/api/v1/feed", headers={"Authorization": f"Bearer {c.token['refresh_token']}"})
    assert r.status_code == 401
    r = anon.post("/api/v1/auth/refresh", json={"refresh_token": c.token["access_token"]})
    assert r.status_code == 401
    r = anon.post("/api/v1/auth/refresh", json={"refresh_token": c.token["refresh_token"]})
    assert r.status_code == 200
    fresh = r.json()["access_token"]
    assert anon.get("/api/v1/feed", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_catalog_etag_304(server: Server) -> None:
    c = server.client()
    r = c.http.get("/api/v1/catalog")
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"version", "units", "procedures", "calendar", "swaps"}
    etag = r.headers["ETag"]
    r2 = c.http.get("/api/v1/catalog", headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b"" and r2.headers["ETag"] == etag
    assert c.http.get("/api/v1/catalog", headers={"If-None-Match": '"other"'}).status_code == 200


# ---- tus --------------------------------------------------------------------------------------------
def test_tus_options_without_auth(server: Server) -> None:
    r = httpx.options(server.url + "/files/")
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {"creation", "checksum", "termination", "expiration"}
    assert r.headers["Tus-Checksum-Algorithm"] == "sha256"


def test_tus_upload_resume_after_cut(server: Server) -> None:
    c = server.client()
    data = os.urandom(700_000)
    sha = hashlib.sha256(data).hexdigest()
    key = str(uuid.uuid4())
    loc = c.create_upload(data, key=key)
    assert c.create_upload(data, key=key) == loc, "same Idempotency-Key -> same upload"
    r = c.patch(loc, 0, data[:200_000])
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "200000"
    assert "Upload-Expires" in r.headers
    # the link dies mid-chunk (no checksum: the server keeps what arrived, fsync'd)
    cut_patch(server, c, loc, 200_000, data[200_000:], 150_000)
    off = wait_for(lambda: (o := head_offset(c, loc)) > 200_000 and o, what="cut bytes kept")
    assert 200_000 < off <= 350_000
    assert c.http.head(f"/api/v1/blobs/{sha}").status_code == 404, "not complete yet"
    stale = c.patch(loc, 200_000, data[200_000:300_000])
    assert stale.status_code == 409, "a PATCH at a stale offset is refused"
    r = c.patch(loc, off, data[off:])
    assert r.status_code == 204 and int(r.headers["Upload-Offset"]) == len(data)
    h = c.http.head(f"/api/v1/blobs/{sha}")
    assert h.status_code == 200 and int(h.headers["Content-Length"]) == len(data)
    assert c.http.get(f"/api/v1/blobs/{sha}").content == data


def test_tus_chunk_checksum_mismatch_460(server: Server) -> None:
    c = server.client()
    data = os.urandom(100_000)
    loc = c.create_upload(data)
    bad = "sha256 " + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    r = c.http.patch(loc, content=data[:50_000], headers=c.tus({
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "Upload-Checksum": bad}))
    assert r.status_code == 460 and r.json()["error"]["code"] == "checksum_mismatch"
    assert head_offset(c, loc) == 0, "the bad chunk was dropped"
    r = c.http.patch(loc, content=data, headers=c.tus({
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "Upload-Checksum": "md5 AAAA"}))
    assert r.status_code == 400
    assert c.patch(loc, 0, data).status_code == 204


def test_tus_forged_file_hash_discarded(server: Server) -> None:
    """Metadata announces one SHA-256, the bytes are another: nothing becomes a blob."""
    c = server.client()
    real = os.urandom(5000)
    claimed = hashlib.sha256(b"the file the desk says it sent").hexdigest()
    loc = c.create_upload(real, sha=claimed)
    r = c.patch(loc, 0, real)  # the chunk checksum is right; the whole file is not
    assert r.status_code == 460 and r.json()["error"]["code"] == "file_sha256_mismatch"
    assert c.http.head(f"/api/v1/blobs/{claimed}").status_code == 404
    assert c.http.head(f"/api/v1/blobs/{hashlib.sha256(real).hexdigest()}").status_code == 404
    assert c.http.head(loc, headers=c.tus()).status_code == 404


def test_tus_termination(server: Server) -> None:
    c = server.client()
    data = os.urandom(10_000)
    loc = c.create_upload(data)
    assert c.patch(loc, 0, data[:4000]).status_code == 204
    part = server.data_dir / "uploads" / f"{loc.rsplit('/', 1)[1]}.part"
    assert part.exists()
    r = c.http.delete(loc, headers=c.tus())
    assert r.status_code == 204
    assert c.http.head(loc, headers=c.tus()).status_code == 404
    assert c.patch(loc, 4000, data[4000:]).status_code == 404
    assert not part.exists()


def test_tus_protocol_errors(server: Server) -> None:
    c = server.client()
    r = c.http.post("/files/", headers={"Upload-Length": "10", "Upload-Metadata": "filename eA=="})
    assert r.status_code == 412 and r.headers["Tus-Version"] == "1.0.0"
    r = c.http.post("/files/", headers=c.tus({"Upload-Length": "10", "Upload-Metadata": "filename eA=="}))
    assert r.status_code == 201  # tus 1.0.0 needs no sha256: the file is hashed when complete
    bad = f"filename eA==,sha256 {base64.b64encode(b'XYZ').decode()}"
    r = c.http.post("/files/", headers=c.tus({"Upload-Length": "10", "Upload-Metadata": bad}))
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_metadata"  # a sha256 that is not one
    meta = f"filename eA==,sha256 {base64.b64encode(b'0' * 64).decode()}"
    r = c.http.post("/files/", headers=c.tus({"Upload-Length": str(201 * 1024 * 1024), "Upload-Metadata": meta}))
    assert r.status_code == 413
    loc = c.create_upload(b"x" * 10)
    r = c.http.patch(loc, content=b"x", headers=c.tus({"Upload-Offset": "0", "Content-Type": "text/plain"}))
    assert r.status_code == 415


def test_tus_chunk_over_16mib_413(server: Server) -> None:
    c = server.client()
    loc = c.create_upload(b"y" * (20 * 1024 * 1024), sha="a" * 64)
    u = urlsplit(server.url)
    head = (f"PATCH {loc} HTTP/1.1\r\nHost: {u.netloc}\r\nAuthorization: Bearer {c.token['access_token']}\r\n"
            f"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {17 * 1024 * 1024}\r\n\r\n").encode()
    with socket.create_connection((u.hostname, u.port)) as s:
        s.sendall(head)
        s.settimeout(10)
        answer = s.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer
    assert head_offset(c, loc) == 0


# ---- records ----------------------------------------------------------------------------------------
def test_record_needs_complete_attachments(server: Server) -> None:
    c = server.client()
    a, b = os.urandom(30_000), os.urandom(20_000)
    rec = c.record([a, b])
    item = c.item(rec)
    (res,) = c.push(item)
    assert res["status"] == "missing_attachments"
    assert res["missing"] == [hashlib.sha256(a).hexdigest(), hashlib.sha256(b).hexdigest()]
    c.upload(a)
    loc = c.create_upload(b)
    assert c.patch(loc, 0, b[:10_000]).status_code == 204  # half of b
    (res,) = c.push(item)
    assert res["status"] == "missing_attachments" and res["missing"] == [hashlib.sha256(b).hexdigest()]
    assert c.patch(loc, 10_000, b[10_000:]).status_code == 204
    (res,) = c.push(item)
    assert res["status"] == "accepted", res
    assert res["version"] == 1 and res["record_id"] == rec["record_id"]
    year = time.localtime().tm_year
    assert res["SoBienNhan"].startswith(f"{c.unit}-") and len(res["SoBienNhan"].split("-")[-1]) == 6
    assert str(year - 1) in res["SoBienNhan"] or str(year) in res["SoBienNhan"] or str(year + 1) in res["SoBienNhan"]
    st = c.http.get(f"/api/v1/records/{rec['MaHoSo']}/status").json()
    assert st["TrangThaiHoSo"] == 2 and st["version"] == 1 and st["SoBienNhan"] == res["SoBienNhan"]


def test_attachment_size_forged_or_other_units_blob(server: Server) -> None:
    c = server.client()
    other = server.client()
    data = os.urandom(4096)
    c.upload(data)
    rec = c.record([data])
    rec["TaiLieuNop"][0]["KichThuoc"] = 999
    (res,) = c.push(c.item(rec))
    assert res["status"] == "rejected" and res["error"]["code"] == "attachment_size_mismatch"
    # the same bytes uploaded by another unit do not count for this one (and vice versa)
    orec = other.record([data])
    (res,) = other.push(other.item(orec))
    assert res["status"] == "missing_attachments"


def test_idempotent_replay_and_mismatch(server: Server) -> None:
    c = server.client()
    rec = c.record()
    item = c.item(rec)
    (first,) = c.push(item)
    assert first["status"] == "accepted"
    (again,) = c.push(item)
    assert again["status"] == "replayed"
    assert {k: again[k] for k in ("SoBienNhan", "version", "record_id")} == \
        {k: first[k] for k in ("SoBienNhan", "version", "record_id")}
    changed = json.loads(json.dumps(item))
    changed["record"]["ChuHoSo"] = "Người khác"
    (mm,) = c.push(changed)
    assert mm["status"] == "idempotency_mismatch"
    assert c.http.get(f"/api/v1/records/{rec['MaHoSo']}/status").json()["version"] == 1
    feed = c.http.get("/api/v1/feed").json()["items"]
    assert [i["record_id"] for i in feed] == [rec["record_id"]], "one change, not three"
    assert feed[0]["record"]["ChuHoSo"] == "Đặng Thị Thu"


def test_update_versions_and_conflict(server: Server) -> None:
    c = server.client()
    rec = c.record()
    assert c.push(c.item(rec))[0]["status"] == "accepted"
    upd = {**rec, "TrangThaiHoSo": 10, "status": "returned"}
    (r1,) = c.push(c.item(upd, kind="dossier.update", base_version=1))
    assert r1["status"] == "accepted" and r1["version"] == 2
    late = {**rec, "TrangThaiHoSo": 3, "status": "refused"}
    (r2,) = c.push(c.item(late, kind="dossier.update", base_version=1))
    assert r2["status"] == "conflict"
    assert r2["current"]["version"] == 2 and r2["current"]["record"]["TrangThaiHoSo"] == 10
    (r3,) = c.push(c.item(rec))  # create again with a new op_id
    assert r3["status"] == "conflict" and r3["error"]["code"] == "record_exists"
    dup = c.record(serial=int(rec["MaHoSo"].rsplit("-", 1)[1]))  # same MaHoSo, new record_id
    (r4,) = c.push(c.item(dup))
    assert r4["status"] == "rejected" and r4["error"]["code"] == "duplicate_code"
    ghost = c.record()
    (r5,) = c.push(c.item(ghost, kind="dossier.update", base_version=1))
    assert r5["status"] == "rejected" and r5["error"]["code"] == "not_found"


def test_invalid_items_rejected_individually(server: Server) -> None:
    c = server.client()
    good = c.item(c.record())
    bad_date = c.item(c.record(NgayTiepNhan="20250231120000"))
    bad_field = c.item(c.record())
    bad_field["record"]["Unknown"] = 1
    bad_sha = c.item(c.record())
    bad_sha["record"]["TaiLieuNop"] = [{"TepDinhKemId": "XYZ", "TenTepDinhKem": "a", "KichThuoc": 1}]
    results = c.push(bad_date, good, bad_field, bad_sha, {"nonsense": True})
    assert [r["status"] for r in results] == ["rejected", "accepted", "rejected", "rejected", "rejected"]
    assert all(r["error"]["code"] == "invalid" for r in results if r["status"] == "rejected")
    assert "Unknown" in json.dumps(results[2]["error"])


def test_unit_isolation(server: Server) -> None:
    a, b = server.client(), server.client()
    data = os.urandom(2048)
    sha = a.upload(data)
    rec = a.record([data])
    assert a.push(a.item(rec))[0]["status"] == "accepted"
    loc = a.create_upload(os.urandom(10))
    assert b.http.get(f"/api/v1/records/{rec['MaHoSo']}/status").status_code == 404
    assert b.http.get(f"/api/v1/blobs/{sha}").status_code == 404
    assert b.http.head(loc, headers=b.tus()).status_code == 404
    assert b.http.delete(loc, headers=b.tus()).status_code == 404
    assert b.http.get("/api/v1/feed").json()["items"] == []
    (res,) = b.push(b.item(rec))  # a's dossier pushed by b
    assert res["status"] == "rejected" and res["error"]["code"] == "unit_mismatch"
    upd = b.item({**rec}, kind="dossier.update", base_version=1)
    assert b.push(upd)[0]["error"]["code"] == "unit_mismatch"
    # b pretends the dossier is its own: same record_id, b's unit -> still refused
    mine = b.record()
    mine["record_id"] = rec["record_id"]
    assert b.push(b.item(mine))[0]["error"]["code"] == "unit_mismatch"
    assert a.http.get(f"/api/v1/records/{rec['MaHoSo']}/status").json()["version"] == 1


def test_oversized_and_malformed_bodies(server: Server) -> None:
    c = server.client()
    big = {"items": [c.item(c.record(note="x" * 4000)) for _ in range(300)]}
    r = c.http.post("/api/v1/records:batch", json=big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    r = c.http.post("/api/v1/records:batch", content=b"{not json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    r = c.http.post("/api/v1/records:batch", json={"items": [c.item(c.record())] * 101})
    assert r.status_code == 400
    r = c.http.post("/api/v1/auth/token", content=b"x" * (1024 * 1024 + 1))
    assert r.status_code == 413


def test_feed_cursor_and_province_side_change(server: Server) -> None:
    c = server.client()
    other_desk = server.client(unit=c.unit, desk=2)
    recs = [c.record() for _ in range(3)]
    assert [r["status"] for r in c.push(*[c.item(r) for r in recs])] == ["accepted"] * 3
    r4 = other_desk.record(serial=2001)
    assert other_desk.push(other_desk.item(r4))[0]["status"] == "accepted"
    out = server.cli("set-status", "--code", recs[0]["MaHoSo"], "--status", "4")
    assert json.loads(out.stdout)["version"] == 2
    page1 = c.http.get("/api/v1/feed", params={"limit": 2}).json()
    assert len(page1["items"]) == 2 and page1["has_more"]
    page2 = c.http.get("/api/v1/feed", params={"cursor": page1["next_cursor"], "limit": 10}).json()
    items = page1["items"] + page2["items"]
    assert not page2["has_more"]
    seqs = [i["seq"] for i in items]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert [i["origin_desk"] for i in items] == [1, 1, 1, 2, None]
    last = items[-1]
    assert last["record_id"] == recs[0]["record_id"] and last["version"] == 2
    assert last["record"]["TrangThaiHoSo"] == 4 and last["record"]["status"] == "in_process"
    empty = c.http.get("/api/v1/feed", params={"cursor": page2["next_cursor"]}).json()
    assert empty == {"items": [], "next_cursor": page2["next_cursor"], "has_more": False}
    assert c.http.get("/api/v1/feed", params={"cursor": "-1"}).status_code == 400
    # the desk's next update must now start from version 2
    (res,) = c.push(c.item({**recs[0], "TrangThaiHoSo": 9}, kind="dossier.update", base_version=1))
    assert res["status"] == "conflict" and res["current"]["record"]["TrangThaiHoSo"] == 4


def test_export_recomputes_hashes(server: Server) -> None:
    c = server.client()
    data = os.urandom(3000)
    sha = c.upload(data)
    assert c.push(c.item(c.record([data])))[0]["status"] == "accepted"
    out = server.cli("export", "--json")
    report = json.loads(out.stdout)
    mine = [r for r in report["records"] if r["unit_code"] == c.unit]
    assert len(mine) == 1 and mine[0]["attachments"][0]["sha256_on_disk"] == sha
    assert mine[0]["attachments"][0]["ok"]
    blob = next(b for b in report["blobs"] if b["unit_code"] == c.unit and b["sha256"] == sha)
    assert blob["ok"] and blob["size_on_disk"] == 3000


def test_concurrent_identical_pushes_store_one_record(server: Server) -> None:
    c = server.client()
    rec = c.record()
    item = c.item(rec)
    desks = [DeskClient(server.url, c.unit, c.user, 1) for _ in range(8)]

    def push(d: DeskClient) -> dict:
        return d.push(item)[0]
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(push, desks))
    statuses = sorted(r["status"] for r in results)
    assert statuses == ["accepted"] + ["replayed"] * 7, statuses
    assert len({r["SoBienNhan"] for r in results}) == 1
    # different op_ids creating the same record_id at once: exactly one wins
    rec2 = c.record()
    items = [c.item(rec2) for _ in range(8)]
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda p: p[0].push(p[1])[0], zip(desks, items)))
    statuses = sorted(r["status"] for r in results)
    assert statuses == ["accepted"] + ["conflict"] * 7, statuses
    feed = c.http.get("/api/v1/feed").json()["items"]
    assert [i["record_id"] for i in feed] == [rec["record_id"], rec2["record_id"]]


def test_one_batch_with_create_update_and_repeat(server: Server) -> None:
    """Items of one batch see each other in order: create, update of it, a repeated op, a stale update."""
    c = server.client()
    rec = c.record()
    create = c.item(rec)
    update = c.item({**rec, "TrangThaiHoSo": 4, "status": "in_process"}, kind="dossier.update", base_version=1)
    stale = c.item({**rec, "TrangThaiHoSo": 3}, kind="dossier.update", base_version=1)
    other = c.record()
    results = c.push(create, update, create, stale, c.item(other))
    assert [r["status"] for r in results] == ["accepted", "accepted", "replayed", "conflict", "accepted"]
    assert results[1]["version"] == 2 and results[3]["current"]["version"] == 2
    assert results[0]["SoBienNhan"] == results[1]["SoBienNhan"] != results[4]["SoBienNhan"]
    nums = sorted(int(r["SoBienNhan"].rsplit("-", 1)[1]) for r in (results[0], results[4]))
    assert nums[1] == nums[0] + 1, "receipt numbers have no gaps"
    st = c.http.get(f"/api/v1/records/{rec['MaHoSo']}/status").json()
    assert st["version"] == 2 and st["TrangThaiHoSo"] == 4
    feed = c.http.get("/api/v1/feed").json()["items"]
    assert [(i["record_id"], i["version"]) for i in feed] == [(rec["record_id"], 1), (rec["record_id"], 2),
                                                               (other["record_id"], 1)]
    assert c.push(update)[0]["status"] == "replayed"


def test_text_no_database_can_hold_is_refused_not_a_5xx(server: Server) -> None:
    """Found by schemathesis on PostgreSQL: NUL and lone surrogates must be a 4xx / rejected item."""
    c = server.client()
    r = c.http.post("/api/v1/auth/token", content=b'{"username": "a\\u0000b", "password": "x"}')
    assert r.status_code == 401
    r = c.http.post("/api/v1/auth/token", content=b'{"username": "a\\udbc2", "password": "\\ud800"}')
    assert r.status_code == 401
    bad = c.item(c.record(ChuHoSo="Nguy\u0000n"))
    lone = c.item(c.record(ChuHoSo="PLACEHOLDER"))
    body = json.dumps({"items": [bad, lone]}).replace('"PLACEHOLDER"', '"x\\udbc2"')
    assert "udbc2" in body
    r = c.http.post("/api/v1/records:batch", content=body.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "rejected"]
    assert c.http.get("/api/v1/records/000.00.00.H00-250625-0001%00/status").status_code == 404
    meta = "filename " + base64.b64encode("a\u0000.pdf".encode()).decode() + ",sha256 " + \
        base64.b64encode(b"a" * 64).decode()
    r = c.http.post("/files/", headers=c.tus({"Upload-Length": "3", "Upload-Metadata": meta}))
    assert r.status_code == 400
