"""Migrations: every earlier version upgrades to head with its data; steps are atomic; the
durability settings are in force on every connection."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from offline_store import Store
from offline_store.migrate import MIGRATIONS_DIR, discover, head_version, migrate

HEAD = head_version()


def test_migrations_are_numbered_without_gaps() -> None:
    assert [m.version for m in discover()] == list(range(1, HEAD + 1))
    assert HEAD >= 6


def _seed_v1(conn: sqlite3.Connection) -> None:
    """Rows a desk at schema v1 holds (raw SQL: the code of later versions must not be needed)."""
    conn.execute("BEGIN")
    conn.execute("INSERT INTO meta VALUES ('desk_no','2'),('unit_code','000.23.32.H48')")
    conn.execute("INSERT INTO units(code, name) VALUES ('000.23.32.H48','UBND xã Tân Phong')")
    conn.execute("INSERT INTO applicants(id_number, full_name, name_folded, created_at, updated_at)"
                 " VALUES ('001090012345','Đặng Văn An','dang van an','t','t')")
    conn.execute(
        "INSERT INTO dossiers(record_id, code, unit_code, desk_no, procedure_code, procedure_name,"
        " applicant_id, applicant_name, applicant_id_number, received_at, status, clerk,"
        " search_folded, created_at, updated_at) VALUES ('r1','000.23.32.H48-250625-2001',"
        " '000.23.32.H48', 2, '1.001193', 'Đăng ký khai sinh', 1, 'Đặng Văn An', '001090012345',"
        " '2025-06-25T09:00:00+07:00', 'received', 'Hoa',"
        " '000.23.32.h48-250625-2001 dang van an 001090012345', 't', 't')")
    conn.execute("INSERT INTO daily_serials VALUES ('000.23.32.H48','250625',2,2001)")
    conn.execute("COMMIT")


@pytest.mark.parametrize("start", range(1, HEAD))
def test_upgrade_from_every_earlier_version_keeps_data(tmp_path: Path, start: int) -> None:
    store = Store.open(tmp_path, target_version=start)
    assert store.schema_version == start
    _seed_v1(store.conn)
    if start >= 2:
        store.conn.execute("INSERT INTO intake_requests VALUES ('req-1', 1, 't')")
        store.conn.execute("UPDATE settings SET value='16:00' WHERE key='afternoon_cutoff'")
    store.close()

    store = Store.open(tmp_path)                       # upgrade to head
    assert store.schema_version == HEAD
    c = store.conn
    assert c.execute("SELECT value FROM meta WHERE key='desk_no'").fetchone()[0] == "2"
    row = c.execute("SELECT code, applicant_name FROM dossiers").fetchone()
    assert tuple(row) == ("000.23.32.H48-250625-2001", "Đặng Văn An")
    assert c.execute("SELECT last_serial FROM daily_serials").fetchone()[0] == 2001
    # v2 objects exist, and v1 data is still found by the (rebuilt) full-text index
    assert c.execute("SELECT value FROM settings WHERE key='office_end'").fetchone()[0] == "17:00"
    hits = c.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH 'dang*'").fetchall()
    assert [h[0] for h in hits] == [1]
    assert c.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH 'd*'").fetchall()
    fts_sql = c.execute("SELECT sql FROM sqlite_master WHERE name = 'dossier_fts'").fetchone()[0]
    assert "prefix = '1 2 3 4 5 6'" in fts_sql
    plan = " ".join(r[-1] for r in c.execute(
        "EXPLAIN QUERY PLAN SELECT state FROM outbox WHERE dossier_id = 1 AND state != 'done'"))
    assert "outbox_dossier" in plan, plan          # v5: acknowledging no longer scans the outbox
    # v6: accounts (empty after an upgrade: the OS owner of the data folder is the administrator)
    assert c.execute("SELECT count(*) FROM accounts").fetchone()[0] == 0
    cols = [r[1] for r in c.execute("PRAGMA table_info(accounts)")]
    assert cols == ["login", "full_name", "role", "password_hash", "active", "source",
                    "failed_attempts", "created_at", "updated_at"]
    assert c.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                     " AND name LIKE 'dossiers_fts_%'").fetchone()[0] == 3
    if start >= 2:
        assert c.execute("SELECT dossier_id FROM intake_requests").fetchone()[0] == 1
        assert c.execute("SELECT value FROM settings WHERE key='afternoon_cutoff'"
                         ).fetchone()[0] == "16:00"
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_failed_step_rolls_back_whole_step(tmp_path: Path) -> None:
    steps = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, steps)
    (steps / f"{HEAD + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n")
    store = Store.open(tmp_path / "db")
    with pytest.raises(sqlite3.OperationalError):
        migrate(store.conn, directory=steps)
    assert store.schema_version == HEAD
    assert store.conn.execute("SELECT count(*) FROM sqlite_master WHERE name='half_done'"
                              ).fetchone()[0] == 0
    store.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    con = sqlite3.connect(tmp_path / "desk.sqlite3")
    con.execute(f"PRAGMA user_version = {HEAD + 5}")
    con.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store.open(tmp_path)


def test_durability_settings(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2          # FULL
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    assert c.isolation_level is None                                   # autocommit
    store.close()


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with pytest.raises(ZeroDivisionError):
        with store.transaction() as conn:
            conn.execute("INSERT INTO meta VALUES ('x', '1')")
            1 / 0
    assert store.conn.execute("SELECT count(*) FROM meta WHERE key='x'").fetchone()[0] == 0
    assert not store.conn.in_transaction
    store.close()


def test_several_processes_open_and_migrate_at_once(tmp_path: Path) -> None:
    code = ("import sys; from offline_store import Store; s = Store.open(sys.argv[1]);"
            " print(s.schema_version)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outs
    assert {o[0].strip() for o in outs} == {str(HEAD)}
