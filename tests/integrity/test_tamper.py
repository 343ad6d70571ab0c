"""Issue 17, point 2: keyed seals catch edits made outside the app — with the audit chain
recomputed too — and removed rows, naming the dossier."""
from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desk_app.services import intake, open_desk
from desk_app.services.admin import verify as admin_verify
from offline_store import audit
from tests.services.deskutil import VN, request

PDF = b"%PDF-1.4\n%scan\n"


@pytest.fixture
def sealed(desk_dir: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    codes = []
    with open_desk(desk_dir) as ctx:
        for i in range(4):
            scan = tmp_path / f"s{i}.pdf"
            scan.write_bytes(PDF + bytes([i]) * 50)
            req = request(person=i, received_at=datetime(2026, 11, 10, 9, tzinfo=VN)
                          + timedelta(minutes=i), attachments=[(scan, 1)])
            codes.append(intake.receive(ctx, req).code)
    return desk_dir, codes


def _verify(d: Path):
    with open_desk(d, create=False) as ctx:
        rep = admin_verify.run(ctx)
    return rep, {n: (ok, detail) for n, ok, detail in rep.checks}


def _raw(d: Path) -> sqlite3.Connection:
    return sqlite3.connect(d / "desk.sqlite3", isolation_level=None)


def _recompute_chain(con: sqlite3.Connection) -> None:
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    prev = audit.GENESIS
    for rid, at, actor, action, entity, eid, detail in con.execute(
            "SELECT id, at, actor, action, entity, entity_id, detail_json FROM audit_log"
            " ORDER BY id").fetchall():
        h = audit.row_hash(prev, at, actor, action, entity, eid, detail)
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, rid))
        prev = h


def test_a_clean_store_passes(sealed) -> None:
    d, _codes = sealed
    rep, checks = _verify(d)
    assert rep.ok, rep.checks
    assert "4 dossier seal(s) hold" in checks["seals"][1]


@pytest.mark.parametrize("sql", [
    "UPDATE dossiers SET applicant_name = 'Tên Giả' WHERE code = :code",
    "UPDATE dossiers SET receipt_no = 'X' WHERE code = :code",
    "UPDATE dossiers SET clerk = 'Người khác' WHERE code = :code",
    "UPDATE dossiers SET resolved_at = received_at WHERE code = :code",
    "UPDATE dossiers SET paused_working_days = 9 WHERE code = :code",
    "UPDATE dossiers SET original_due_at = NULL WHERE code = :code",
    "UPDATE dossier_components SET name = 'Giấy khác' WHERE dossier_id ="
    " (SELECT id FROM dossiers WHERE code = :code) AND seq = 1",
    "UPDATE dossier_events SET actor = 'x' WHERE dossier_id = (SELECT id FROM dossiers WHERE"
    " code = :code)",
    "UPDATE attachments SET filename = 'other.pdf' WHERE dossier_id = (SELECT id FROM dossiers"
    " WHERE code = :code)",
    "UPDATE outbox SET payload_json = replace(payload_json, '\"', '''') WHERE dossier_id ="
    " (SELECT id FROM dossiers WHERE code = :code)",
    "UPDATE dossier_seals SET mac = '00' WHERE dossier_id = (SELECT id FROM dossiers WHERE"
    " code = :code)",
])
def test_row_edits_are_caught_and_named(sealed, sql: str) -> None:
    d, codes = sealed
    target = codes[1]
    con = _raw(d)
    assert con.execute(sql, {"code": target}).rowcount >= 1
    con.close()
    rep, checks = _verify(d)
    assert not rep.ok and not checks["seals"][0]
    assert target in checks["seals"][1]
    for other in (codes[0], codes[2], codes[3]):
        assert other not in checks["seals"][1]


def test_audit_edit_with_the_chain_recomputed_is_caught(sealed) -> None:
    d, _codes = sealed
    con = _raw(d)
    _recompute_chain(con)       # unchanged content first: a recomputation alone is harmless
    con.close()
    assert _verify(d)[0].ok
    con = _raw(d)
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    con.execute("UPDATE audit_log SET actor = 'ai đó' WHERE id = 2")
    _recompute_chain(con)
    con.close()
    rep, checks = _verify(d)
    assert checks["audit_chain"][0]            # the unkeyed chain was fooled …
    assert not checks["seals"][0] and "head seal" in checks["seals"][1]   # … the keyed one not


def test_deleting_the_last_dossier_with_its_audit_row_and_seal_is_caught(sealed) -> None:
    d, codes = sealed
    con = _raw(d)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    did, rid = con.execute("SELECT id, record_id FROM dossiers WHERE code = ?",
                           (codes[-1],)).fetchone()
    for t in ("dossier_components", "dossier_events", "attachments", "outbox"):
        con.execute(f"DELETE FROM {t} WHERE dossier_id = ?", (did,))
    con.execute("DELETE FROM dossier_seals WHERE dossier_id = ?", (did,))
    con.execute("DELETE FROM audit_log WHERE entity_id = ?", (rid,))
    con.execute("DELETE FROM dossiers WHERE id = ?", (did,))
    _recompute_chain(con)
    con.close()
    rep, checks = _verify(d)
    assert not checks["seals"][0] and "head seal" in checks["seals"][1]


def test_deleting_a_middle_dossier_is_caught_and_named(sealed) -> None:
    d, codes = sealed
    con = _raw(d)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("DELETE FROM dossiers WHERE code = ?", (codes[1],))
    con.close()
    rep, checks = _verify(d)
    assert not checks["seals"][0] and "missing" in checks["seals"][1]


def test_the_key_is_not_in_the_data_folder(sealed, _seal_key_dir: Path) -> None:
    d, _codes = sealed
    keys = list(_seal_key_dir.glob("*.key"))
    assert keys
    key_hex = keys[0].read_text().strip()
    for f in d.rglob("*"):
        if f.is_file():
            assert key_hex.encode() not in f.read_bytes(), f


def test_random_byte_flips_in_the_database(sealed, tmp_path: Path) -> None:
    """Flips anywhere in the file: every flip that changes sealed content is detected, a clean
    copy never raises an alarm (figures in docs/dev/integrity.md)."""
    d, _codes = sealed
    con = _raw(d)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    rng = random.Random(17)
    size = (d / "desk.sqlite3").stat().st_size
    changed = detected = 0
    for i in range(25):
        c = tmp_path / f"flip{i}"
        shutil.copytree(d, c)
        rep, _ = _verify(c)
        assert rep.ok, ("false alarm on a clean copy", rep.checks)
        before = _sealed_dump(c)
        raw = bytearray((c / "desk.sqlite3").read_bytes())
        at = rng.randrange(size - 16)
        for k in range(16):
            raw[at + k] ^= rng.randrange(1, 256)
        (c / "desk.sqlite3").write_bytes(bytes(raw))
        after = _sealed_dump(c)
        if after != before:
            changed += 1
            try:
                rep, _ = _verify(c)
                ok = rep.ok
            except Exception:          # the store cannot even be opened: loudly detected
                ok = False
            detected += not ok
    assert detected == changed


def test_a_seal_of_the_first_format_still_holds_and_still_catches(sealed) -> None:
    """A store sealed before seal format 2 (plain hex, no lifecycle columns) verifies clean, and
    an edit of a column format 1 covered is still caught; the next write reseals as format 2."""
    from offline_store import seal
    from desk_app.services.admin import sealkey

    d, codes = sealed
    with open_desk(d, create=False) as ctx:
        key = seal.key_of(ctx.store.conn)
        assert key is not None
        with ctx.store.transaction() as conn:
            for (did,) in conn.execute("SELECT id FROM dossiers").fetchall():
                conn.execute("UPDATE dossier_seals SET mac = ? WHERE dossier_id = ?",
                             (seal._mac(key, seal.dossier_text(conn, did, 1)), did))
    assert _verify(d)[0].ok
    con = _raw(d)
    con.execute("UPDATE dossiers SET clerk = 'Người khác' WHERE code = ?", (codes[0],))
    con.close()
    rep, checks = _verify(d)
    assert not rep.ok and codes[0] in checks["seals"][1]
    assert sealkey is not None


def _sealed_dump(d: Path) -> object:
    try:
        con = sqlite3.connect(d / "desk.sqlite3")
        con.text_factory = bytes
        out = [con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
               for t in ("dossiers", "dossier_components", "dossier_events", "attachments",
                         "outbox", "audit_log", "dossier_seals")]
        con.close()
        return out
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:   # a flip in the schema text
        return ("unreadable", str(exc))
