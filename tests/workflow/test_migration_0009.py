"""Migration 0009 on a store at version 8 with a history: the lifecycle columns are backfilled from
the events (first due date, resolved, returned/closed, delivery, paused clock, event kinds)."""
from __future__ import annotations

from pathlib import Path

from offline_store.store import Store

V8_ROWS = [
    # code, status, due, delivery, events [(from, to, at)]
    ("C1", "returned", "2026-03-05T17:00:00+07:00", "post",
     [(None, "received", "2026-03-02T09:00:00+07:00"), ("received", "in_process", "2026-03-02T10:00:00+07:00"),
      ("in_process", "result_ready", "2026-03-04T10:00:00+07:00"),
      ("result_ready", "returned", "2026-03-05T09:00:00+07:00")]),
    ("C2", "waiting_supplement", "2026-03-05T17:00:00+07:00", "desk",
     [(None, "received", "2026-03-02T09:00:00+07:00"),
      ("received", "waiting_supplement", "2026-03-03T11:00:00+07:00")]),
    ("C3", "refused", None, "desk", [(None, "refused", "2026-03-02T09:00:00+07:00")]),  # counter
    ("C4", "refused", "2026-03-05T17:00:00+07:00", "desk",
     [(None, "received", "2026-03-02T09:00:00+07:00"), ("received", "refused", "2026-03-03T09:00:00+07:00")]),
]


def test_backfill_from_version_8(tmp_path: Path) -> None:
    store = Store.open(tmp_path, target_version=8)
    con = store.conn
    for i, (code, status, due, delivery, events) in enumerate(V8_ROWS, start=1):
        con.execute(
            "INSERT INTO dossiers(id, record_id, code, unit_code, desk_no, procedure_code,"
            " procedure_name, applicant_name, applicant_id_number, received_at, due_at, status,"
            " clerk, search_folded, created_at, updated_at, delivery) VALUES"
            " (?,?,?,?,1,'1.0','p','n','001090012345',?,?,?,'c','x','t','t',?)",
            (i, f"r{i}", code, "000.23.32.H48", events[0][2], due, status, delivery))
        for f, t, a in events:
            con.execute("INSERT INTO dossier_events(dossier_id, from_status, to_status, actor,"
                        " role, at) VALUES (?,?,?,'c','clerk',?)", (i, f, t, a))
    con.commit()
    store.close()
    store = Store.open(tmp_path)
    con = store.conn                       # rows by name already (Store.open's row factory)
    got = {r["code"]: dict(r) for r in con.execute(
        "SELECT code, channel, original_due_at, resolved_at, returned_at, paused_at,"
        " paused_working_days, delivery_done FROM dossiers")}
    assert got["C1"] == {"code": "C1", "channel": "desk",
                         "original_due_at": "2026-03-05T17:00:00+07:00",
                         "resolved_at": "2026-03-04T10:00:00+07:00",
                         "returned_at": "2026-03-05T09:00:00+07:00", "paused_at": None,
                         "paused_working_days": 0, "delivery_done": "post"}
    assert got["C2"]["paused_at"] == "2026-03-03T11:00:00+07:00" and got["C2"]["resolved_at"] is None
    assert got["C3"]["resolved_at"] is None                   # refused at the counter
    assert got["C4"]["resolved_at"] == "2026-03-03T09:00:00+07:00"
    assert got["C4"]["returned_at"] == "2026-03-03T09:00:00+07:00"
    kinds = [r[0] for r in con.execute("SELECT kind FROM dossier_events WHERE dossier_id = 1"
                                       " ORDER BY id")]
    assert kinds == ["status", "handover", "result", "return"]
    # New rows get their first appointment from the trigger.
    con.execute("INSERT INTO dossiers(record_id, code, unit_code, desk_no, procedure_code,"
                " procedure_name, applicant_name, applicant_id_number, received_at, due_at,"
                " status, clerk, search_folded, created_at, updated_at) VALUES ('r9', 'C9',"
                " 'u', 1, 'p', 'p', 'n', 'i', '2026-03-02T09:00:00+07:00',"
                " '2026-03-05T17:00:00+07:00', 'received', 'c', 'x', 't', 't')")
    assert con.execute("SELECT original_due_at FROM dossiers WHERE code = 'C9'").fetchone()[0] \
        == "2026-03-05T17:00:00+07:00"
    store.close()
