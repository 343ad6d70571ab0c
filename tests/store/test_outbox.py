"""Outbox life cycle and the dossier sync_state it keeps in step."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from offline_store import Store, outbox, repo
from offline_store.clock import utc_now


def _dossier(conn, n: int) -> int:
    return repo.insert_dossier(conn, {
        "record_id": f"r{n}", "code": f"000.23.32.H48-260101-{1000 + n}", "unit_code": "u",
        "desk_no": 1, "procedure_code": "p", "procedure_name": "P", "applicant_name": "A",
        "applicant_id_number": "1", "received_at": "2026-01-01T08:00:00+07:00",
        "status": "received", "clerk": "c", "search_folded": "a"})


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def _state(store: Store, did: int) -> tuple[str, str]:
    r = store.conn.execute("SELECT sync_state, sync_error FROM dossiers WHERE id=?", (did,)).fetchone()
    return r[0], r[1]


def test_enqueue_needs_a_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError):
        outbox.enqueue(store.conn, kind="dossier.create", lane="record", payload={})


def test_full_cycle_lease_awaiting_ack(store: Store) -> None:
    with store.transaction() as c:
        did = _dossier(c, 1)
        iid = outbox.enqueue(c, kind="dossier.create", lane="record", payload={"MaHoSo": "x"},
                             dossier_id=did, record_id="r1", bytes_total=100)
    assert _state(store, did) == ("queued", "")
    assert outbox.summary(store) == {"pending": 1, "bytes": 100, "needs_attention": 0,
                                     "by_state": {"queued": 1}, "incoming": 0}
    got = outbox.lease(store, lane="record", owner="w1", limit=10, lease_seconds=30)
    assert [i.id for i in got] == [iid] and got[0].payload == {"MaHoSo": "x"}
    assert got[0].attempts == 1 and _state(store, did)[0] == "sending"
    assert outbox.lease(store, lane="record", owner="w2", limit=10, lease_seconds=30) == []
    assert outbox.lease(store, lane="bulk", owner="w2", limit=10, lease_seconds=30) == []
    outbox.progress(store, iid, "w1", 60)
    assert outbox.summary(store)["bytes"] == 40
    with pytest.raises(outbox.LeaseLost):
        outbox.renew(store, iid, "w2", 30)
    outbox.mark_awaiting(store, iid, "w1")
    assert _state(store, did)[0] == "awaiting"
    with store.transaction() as c:
        outbox.ack(c, iid, server_receipt_no="BN-7", server_version=1)
    row = store.conn.execute("SELECT sync_state, server_receipt_no, server_version FROM dossiers"
                             ).fetchone()
    assert tuple(row) == ("synced", "BN-7", 1)
    assert outbox.summary(store)["pending"] == 0


def test_lapsed_lease_makes_item_ready_again(store: Store) -> None:
    with store.transaction() as c:
        did = _dossier(c, 1)
        iid = outbox.enqueue(c, kind="dossier.create", lane="record", payload={}, dossier_id=did)
    outbox.lease(store, lane="record", owner="dead", limit=1, lease_seconds=5)
    later = utc_now() + timedelta(seconds=6)
    again = outbox.lease(store, lane="record", owner="w2", limit=1, lease_seconds=5, now=later)
    assert [i.id for i in again] == [iid] and again[0].attempts == 2
    with pytest.raises(outbox.LeaseLost):
        outbox.mark_awaiting(store, iid, "dead")


def test_retry_later_and_needs_attention_and_requeue(store: Store) -> None:
    with store.transaction() as c:
        d1, d2 = _dossier(c, 1), _dossier(c, 2)
        i1 = outbox.enqueue(c, kind="dossier.create", lane="record", payload={}, dossier_id=d1)
        i2 = outbox.enqueue(c, kind="dossier.create", lane="record", payload={}, dossier_id=d2)
    outbox.lease(store, lane="record", owner="w", limit=2, lease_seconds=30)
    outbox.retry_later(store, i1, "w", error="503", delay_seconds=60)
    outbox.needs_attention(store, i2, "w", reason="Mã thủ tục không tồn tại")
    assert _state(store, d1) == ("queued", "503")
    assert _state(store, d2) == ("needs_attention", "Mã thủ tục không tồn tại")
    assert outbox.lease(store, lane="record", owner="w", limit=5, lease_seconds=30) == []
    soon = utc_now() + timedelta(seconds=61)
    assert [i.id for i in outbox.lease(store, lane="record", owner="w", limit=5,
                                       lease_seconds=30, now=soon)] == [i1]
    s = outbox.summary(store)
    assert s["needs_attention"] == 1 and s["pending"] == 1
    outbox.requeue(store, i2)
    assert _state(store, d2)[0] == "queued"
    assert [i.id for i in outbox.items(store, ["queued"])] == [i2]


def test_ack_keeps_dossier_queued_while_another_item_is_pending(store: Store) -> None:
    with store.transaction() as c:
        did = _dossier(c, 1)
        i1 = outbox.enqueue(c, kind="dossier.create", lane="record", payload={}, dossier_id=did)
        outbox.enqueue(c, kind="dossier.update", lane="record", payload={}, dossier_id=did)
    with store.transaction() as c:
        outbox.ack(c, i1, server_receipt_no="BN-1")
    assert _state(store, did)[0] == "queued"
