"""Answers a real back end must never give: each one becomes a clear fault, nothing leaves the queue.

The scripted server (tests/sync/fake_server.py) is used only here, for malformed responses.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from desk_app.services import sync_control
from desk_app.sync import reasons
from desk_app.sync.api import BATCH_SCHEMA, FEED_SCHEMA, Credentials, validate
from desk_app.sync.feed import record_to_row
from offline_store import Store, outbox
from tests.sync.fake_server import FakeServer
from tests.sync.harness import PASSWORD, make_desk, outbox_states, receive

JSON = {"Content-Type": "application/json"}
CREDS = Credentials("desk", "pw")


@pytest.fixture(scope="module")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tpl") / "desk"
    make_desk(d, 1)
    receive(d, 3)
    return d


@pytest.fixture()
def desk(desk_template: Path, tmp_path: Path) -> Path:
    import shutil

    dst = tmp_path / "desk"
    shutil.copytree(desk_template, dst)
    return dst


@pytest.fixture()
def fake():
    srv = FakeServer().start()
    yield srv
    srv.stop()


def run(desk: Path, url: str, **opts):
    return sync_control.sync_once(desk, url, CREDS, **opts)


def batch_reply(body: bytes, status: int = 200, headers: dict | None = None):
    return lambda _req: (status, {**JSON, **(headers or {})}, body)


@pytest.mark.parametrize("body, code", [
    (b'{"results": [', "bad_response"),                                   # malformed JSON
    (b'\xff\xfe not utf-8', "bad_response"),
    (b'{"results": "nope"}', "bad_response"),                             # wrong type
    (b'{"results": [{"op_id": 5, "status": "accepted"}]}', "bad_response"),
    (b'{"results": [{"op_id": "x", "status": "maybe"}]}', "bad_response"),  # unknown status
    (b'{"results": []}', "bad_response"),                                  # count mismatch
    (b'{"error": {"code": "db_down", "message": "CSDL dung"}}', "error_in_body"),  # error inside a 200
    (b'[]', "bad_response"),
])
def test_malformed_batch_answers_keep_items_queued(desk: Path, fake: FakeServer, body: bytes, code: str) -> None:
    fake.routes["POST /api/v1/records:batch"] = batch_reply(body)
    rep = run(desk, fake.url)
    assert rep.faults and rep.faults[0]["code"] == code
    assert rep.faults[0]["vi"] and rep.faults[0]["en"]
    assert outbox_states(desk) == {"queued": 3}
    with Store.open(desk) as store:
        items = outbox.items(store)
    assert all(reasons.parse_stored(i.last_error)["code"] == code for i in items)


def test_huge_answer_is_cut_off(desk: Path, fake: FakeServer) -> None:
    huge = b'{"results": [' + b" " * (9 * 1024 * 1024) + b"]}"
    fake.routes["POST /api/v1/records:batch"] = batch_reply(huge)
    rep = run(desk, fake.url)
    assert rep.faults[0]["code"] == "response_too_large"
    assert outbox_states(desk) == {"queued": 3}


def test_huge_chunked_answer_without_length_is_cut_off(desk: Path, fake: FakeServer) -> None:
    piece = b" " * (1024 * 1024)
    body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(10)) + b"0\r\n\r\n"
    fake.routes["POST /api/v1/records:batch"] = lambda _r: (200, {**JSON, "Transfer-Encoding": "chunked",
                                                                   "Content-Length": "ignored"}, body)
    rep = run(desk, fake.url, max_body=2 * 1024 * 1024)
    assert rep.faults[0]["code"] in ("response_too_large", "network", "bad_response")
    assert outbox_states(desk) == {"queued": 3}


def test_retry_after_is_honoured(desk: Path, fake: FakeServer) -> None:
    fake.routes["POST /api/v1/records:batch"] = batch_reply(
        b'{"error": {"code": "busy", "message": "busy"}}', 429, {"Retry-After": "120"})
    before = datetime.now(timezone.utc)
    rep = run(desk, fake.url)
    assert rep.faults[0]["code"] == "server_busy" and rep.faults[0]["retry_after"] == 120
    with Store.open(desk) as store:
        items = outbox.items(store)
    for it in items:
        when = datetime.fromisoformat(it.next_attempt_at.replace("Z", "+00:00"))
        assert when >= before + timedelta(seconds=119)
    # nothing is ready before then: a second run sends nothing
    fake.hits.clear()
    rep2 = run(desk, fake.url)
    assert rep2.sent == 0 and "POST /api/v1/records:batch" not in fake.hits


def test_server_error_backs_off_with_jitter_not_needs_attention(desk: Path, fake: FakeServer) -> None:
    fake.routes["POST /api/v1/records:batch"] = batch_reply(b"<html>Bad Gateway</html>", 502)
    rep = run(desk, fake.url)
    assert rep.faults[0]["code"] == "server_error" and rep.needs_attention == 0
    assert outbox_states(desk) == {"queued": 3}


def test_tls_verify_failure_is_named(desk: Path) -> None:
    srv = FakeServer(tls=True).start()
    try:
        rep = run(desk, srv.url)
    finally:
        srv.stop()
    assert rep.faults[0]["code"] == "tls"
    assert "TLS" in rep.faults[0]["vi"] and not rep.online
    assert outbox_states(desk) == {"queued": 3}


def test_untrustworthy_feed_item_is_skipped_and_reported(desk: Path, fake: FakeServer) -> None:
    from desk_app.sync.feed import CURSOR_KEY, REJECTED_KEY
    from offline_store import repo

    good = {"MaHoSo": "000.23.32.H48-261123-2001", "NgayTiepNhan": "20261123090000", "ChuHoSo": "Lê Thị Tốt",
            "MaDoiTuong": "001190000001", "TenTTHC": "Đăng ký khai sinh", "MaTTHC": "1.001193",
            "DonViXuLy": "000.23.32.H48", "status": "received", "desk": 2}
    bad = {"MaHoSo": "000.23.32.H48-261123-2002", "NgayTiepNhan": "not-a-date"}
    page = {"items": [
        {"seq": 1, "record_id": "01900000-0000-7000-8000-000000000001", "version": 1, "origin_desk": 2,
         "SoBienNhan": "1", "record": bad},
        {"seq": 2, "record_id": "01900000-0000-7000-8000-000000000002", "version": 1, "origin_desk": 2,
         "SoBienNhan": "2", "record": good}], "next_cursor": "2", "has_more": False}
    fake.routes["GET /api/v1/feed"] = batch_reply(json.dumps(page).encode())
    fake.routes["POST /api/v1/records:batch"] = batch_reply(b'{"results": []}')
    rep = run(desk, fake.url)
    assert rep.feed_applied == 1
    assert any(f["code"] == "bad_response" and "seq 1" in f["en"] for f in rep.faults)
    with Store.open(desk) as store:
        assert repo.get_sync_state(store.conn, CURSOR_KEY) == "2"
        assert json.loads(repo.get_sync_state(store.conn, REJECTED_KEY))[0]["seq"] == 1
        row = store.conn.execute("SELECT origin, applicant_name FROM dossiers WHERE code = ?",
                                 (good["MaHoSo"],)).fetchone()
        assert tuple(row) == ("feed", "Lê Thị Tốt")
    assert outbox_states(desk) == {"queued": 3}


# --- fuzzing the parsers: any answer is either valid or a SyncFault, never a crash ---------------
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                           max_leaves=20)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values)
def test_validate_never_crashes(data) -> None:
    for schema in (BATCH_SCHEMA, FEED_SCHEMA):
        try:
            validate(data, schema, "fuzz")
        except reasons.SyncFault as fault:
            assert fault.code in ("bad_response", "error_in_body")


@settings(max_examples=300)
@given(rec=st.dictionaries(st.sampled_from(["MaHoSo", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "ChuHoSo",
                                            "desk", "sets", "fee_amount", "status"]), json_values, max_size=9))
def test_feed_record_mapping_fails_only_with_the_errors_the_engine_catches(rec) -> None:
    item = {"seq": 1, "record_id": "r", "version": 1, "origin_desk": 1, "record": rec}
    try:
        row = record_to_row(item)
    except (KeyError, TypeError, ValueError):
        return
    assert row["record_id"] == "r" and isinstance(row["search_folded"], str)


@given(st.text(max_size=200))
def test_parse_stored_roundtrip_and_tolerance(text: str) -> None:
    out = reasons.parse_stored(text)
    assert set(out) == {"code", "vi", "en"}
    f = reasons.conflict()
    assert reasons.parse_stored(f.stored()) == {"code": "conflict", "vi": f.vi, "en": f.en}


def test_a_request_level_refusal_is_narrowed_to_the_item_that_causes_it(desk: Path, fake: FakeServer) -> None:
    with Store.open(desk) as store:
        poison = outbox.items(store)[1].op_id

    def handler(body: bytes):
        items = json.loads(body)["items"]
        if any(i["op_id"] == poison for i in items):
            return 400, JSON, b'{"error": {"code": "bad_envelope", "message": "bad"}}'
        res = [{"op_id": i["op_id"], "status": "accepted", "SoBienNhan": "SBN-1", "version": 1} for i in items]
        return 200, JSON, json.dumps({"results": res}).encode()
    fake.routes["POST /api/v1/records:batch"] = handler
    rep = run(desk, fake.url)
    assert rep.acked == 2 and rep.needs_attention == 1
    with Store.open(desk) as store:
        bad = [i for i in outbox.items(store) if i.state == "needs_attention"]
    assert [i.op_id for i in bad] == [poison]


def test_an_oversized_record_is_poison_alone(unit_backend_desk) -> None:
    """Against the real back end: one record over the 1 MiB body limit (413) among good ones."""
    data, url, user = unit_backend_desk
    with Store.open(data) as store:
        item = outbox.items(store)[0]
        payload = dict(item.payload, extra={"blob": "x" * 1_200_000})
        store.conn.execute("UPDATE outbox SET payload_json = ? WHERE id = ?", (json.dumps(payload), item.id))
    rep = sync_control.sync_once(data, url, Credentials(user, PASSWORD))
    assert rep.acked == 2 and rep.needs_attention == 1
    with Store.open(data) as store:
        bad = [i for i in outbox.items(store) if i.state == "needs_attention"]
    assert [i.id for i in bad] == [item.id]
    assert reasons.parse_stored(bad[0].last_error)["code"] == "rejected"


@pytest.fixture()
def unit_backend_desk(tmp_path: Path):
    from tests.sync.harness import Backend

    b = Backend(tmp_path / "srv")
    b.add_desk("big", 1)
    b.start()
    data = tmp_path / "desk"
    make_desk(data, 1)
    receive(data, 3)
    yield data, b.url, "big"
    b.stop()


@pytest.mark.parametrize("status, headers", [(404, {}), (301, {"Location": "https://elsewhere.example/"}), (405, {})])
def test_a_wrong_server_address_never_poisons_the_queue(desk: Path, fake: FakeServer, status: int, headers: dict) -> None:
    fake.routes["POST /api/v1/records:batch"] = batch_reply(b"<html>no</html>", status, headers)
    rep = run(desk, fake.url)
    assert rep.faults[0]["code"] == "misconfigured" and rep.needs_attention == 0 and not rep.online
    assert "kiểm tra cấu hình" in rep.faults[0]["vi"]
    assert outbox_states(desk) == {"queued": 3}
