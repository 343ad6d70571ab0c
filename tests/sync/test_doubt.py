"""The desk doubts the server where it should: a feed cursor that jumps ahead, a record of another
unit, an upload the server describes with another size. Each stops that lane with a clear reason
(vi/en), applies nothing, loses nothing; ``sync --once`` then reports it and is not "complete"."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from desk_app.services import sync_control
from desk_app.sync.api import Credentials
from desk_app.sync.feed import CURSOR_KEY, check_page
from offline_store import Store, repo
from tests.sync.fake_server import FakeServer
from tests.sync.harness import make_desk, outbox_states, receive

JSON = {"Content-Type": "application/json"}
UNIT = "000.23.32.H48"


def rec(n: int, unit: str = UNIT) -> dict:
    return {"MaHoSo": f"{unit}-261123-{3000 + n}", "NgayTiepNhan": "20261123090000", "ChuHoSo": f"Người {n}",
            "MaDoiTuong": "001190000001", "TenTTHC": "Đăng ký khai sinh", "MaTTHC": "1.001193",
            "DonViXuLy": unit, "status": "received", "desk": 2}


def item(seq: int, record: dict) -> dict:
    return {"seq": seq, "record_id": f"01900000-0000-7000-8000-{seq:012d}", "version": 1, "origin_desk": 2,
            "SoBienNhan": str(seq), "record": record}


@pytest.fixture()
def fake():
    srv = FakeServer().start()
    yield srv
    srv.stop()


def feed_only(fake: FakeServer, page: dict) -> None:
    fake.routes["GET /api/v1/feed"] = lambda _b: (200, JSON, json.dumps(page).encode())
    fake.routes["POST /api/v1/records:batch"] = lambda _b: (200, JSON, b'{"results": []}')


@pytest.mark.parametrize("page, words", [
    ({"items": [item(1, rec(1)), item(2, rec(2))], "next_cursor": "50", "has_more": False}, "jumps past"),
    ({"items": [], "next_cursor": "99", "has_more": False}, "jumps"),
    ({"items": [item(1, rec(1)), item(2, rec(2, "000.99.99.H48"))], "next_cursor": "2", "has_more": False},
     "another unit"),
    ({"items": [item(2, rec(1)), item(1, rec(2))], "next_cursor": "2", "has_more": False}, "does not ascend"),
])
def test_a_feed_page_that_cannot_be_trusted_stops_the_feed_and_applies_nothing(
        tmp_path: Path, fake: FakeServer, page: dict, words: str) -> None:
    desk = tmp_path / "desk"
    make_desk(desk, 1)
    feed_only(fake, page)
    rep = sync_control.sync_once(desk, fake.url, Credentials("desk", "pw"))
    assert rep.feed_stopped is not None and words in rep.feed_stopped["reason"]
    assert rep.feed_applied == 0 and not rep.complete
    fault = next(f for f in rep.faults if f["code"] == "bad_response")
    assert words in fault["en"] and fault["vi"]
    with Store.open(desk) as store:
        assert (repo.get_sync_state(store.conn, CURSOR_KEY, "0") or "0") == "0", "the cursor stays"
        assert store.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_check_page_accepts_what_the_contract_gives() -> None:
    assert check_page("0", [item(1, rec(1)), item(2, rec(2))], "2", UNIT) is None
    assert check_page("7", [], "7", UNIT) is None
    assert check_page("abc", [item(1, rec(1))], "opaque-cursor", UNIT) is None  # opaque cursors: not judged


def test_an_upload_the_server_describes_with_another_size_stops_and_keeps_the_item(
        tmp_path: Path, fake: FakeServer) -> None:
    desk = tmp_path / "desk"
    make_desk(desk, 1)
    receive(desk, 1, attachment_sizes=[50_000])

    def batch(body: bytes):
        items = json.loads(body)["items"]
        res = [{"op_id": i["op_id"], "status": "missing_attachments",
                "missing": [a["TepDinhKemId"] for a in i["record"]["TaiLieuNop"]],
                "error": {"code": "missing_attachments", "message": "x / x"}} for i in items]
        return 200, JSON, json.dumps({"results": res}).encode()

    fake.routes["POST /api/v1/records:batch"] = batch
    fake.routes["POST /files/"] = lambda _b: (201, {"Tus-Resumable": "1.0.0", "Location": "/files/abc",
                                                     "Upload-Offset": "0"}, b"")
    fake.routes["HEAD /files/abc"] = lambda _b: (200, {"Tus-Resumable": "1.0.0", "Upload-Offset": "0",
                                                        "Upload-Length": "999"}, b"")
    rep = sync_control.sync_once(desk, fake.url, Credentials("desk", "pw"))
    assert not rep.complete and rep.acked == 0
    (und,) = rep.undelivered.values()
    assert und["code"] == "bad_response" and "999" in und["en"] and und["vi"]
    assert "PATCH /files/abc" not in fake.hits, "nothing is sent to an upload of another size"
    assert outbox_states(desk) in ({"queued": 1}, {"failed": 1}, {"needs_attention": 1})
