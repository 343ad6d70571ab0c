"""Issue 17, point 4: one undecodable outbox row never stops the queue."""
from __future__ import annotations

from pathlib import Path

import pytest

from offline_store import Store, outbox, repo


def _dossier(conn, n: int) -> int:
    return repo.insert_dossier(conn, {
        "record_id": f"r{n}", "code": f"000.23.32.H48-260101-{1000 + n}", "unit_code": "u",
        "desk_no": 1, "procedure_code": "p", "procedure_name": "P", "applicant_name": "A",
        "applicant_id_number": "1", "received_at": "2026-01-01T08:00:00+07:00",
        "status": "received", "clerk": "c", "search_folded": "a"})


@pytest.mark.parametrize("poison", [
    "UPDATE outbox SET payload_json = '{\"truncated\": ' WHERE id = ?",       # not JSON
    "UPDATE outbox SET payload_json = '[1, 2]' WHERE id = ?",                 # not an object
    "UPDATE outbox SET payload_json = CAST(X'7B22C3' AS TEXT) WHERE id = ?",  # not UTF-8
    "UPDATE outbox SET clerk = CAST(X'FFFE41' AS TEXT) WHERE id = ?",         # another column
])
def test_one_bad_row_among_101_the_other_100_are_leased(tmp_path: Path, poison: str) -> None:
    store = Store.open(tmp_path)
    ids = []
    with store.transaction() as c:
        for n in range(101):
            did = _dossier(c, n)
            ids.append(outbox.enqueue(c, kind="dossier.create", lane="record",
                                      payload={"n": n}, dossier_id=did))
    bad = ids[37]
    store.conn.execute(poison, (bad,))

    got = outbox.lease(store, lane="record", owner="w", limit=100, lease_seconds=60)
    assert len(got) == 100 and bad not in {i.id for i in got}
    assert sorted(i.payload["n"] for i in got) == [n for n in range(101) if n != 37]
    row = store.conn.execute("SELECT state, CAST(last_error AS BLOB) FROM outbox WHERE id = ?",
                             (bad,)).fetchone()
    reason = row[1].decode()
    assert row[0] == "needs_attention"
    assert "corrupt" in reason and "hỏng" in reason and "disk full" not in reason
    ds = store.conn.execute("SELECT sync_state FROM dossiers WHERE id = 38").fetchone()[0]
    assert ds == "needs_attention"
    # the listing still works and shows the reason
    listed = {i.id: i for i in outbox.items(store)}
    assert listed[bad].payload == {} and "corrupt" in listed[bad].last_error
    # the good ones flow to the end
    for it in got:
        with store.transaction() as c:
            outbox.ack(c, it.id)
    assert outbox.summary(store)["pending"] == 0
    assert outbox.summary(store)["needs_attention"] == 1
    store.close()


def test_bad_rows_do_not_shrink_a_small_lease(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with store.transaction() as c:
        ids = [outbox.enqueue(c, kind="k", lane="record", payload={"n": n}) for n in range(10)]
    for i in ids[:3]:
        store.conn.execute("UPDATE outbox SET payload_json = 'nope' WHERE id = ?", (i,))
    got = outbox.lease(store, lane="record", owner="w", limit=5, lease_seconds=60)
    assert [i.payload["n"] for i in got] == [3, 4, 5, 6, 7]
    store.close()
