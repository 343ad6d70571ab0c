"""repo: feed records, serial allocation, unit code history; and the store's import boundary."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from offline_store import Store, repo


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def _feed_row(version: int, status: str = "received") -> dict:
    return {"record_id": "rec-1", "code": "000.23.32.H48-260101-2001", "unit_code": "000.23.32.H48",
            "desk_no": 2, "procedure_code": "1.001193", "procedure_name": "Đăng ký khai sinh",
            "applicant_name": "Đinh Thị Lan", "applicant_id_number": "001190000001",
            "received_at": "2026-01-05T08:00:00+07:00", "status": status, "clerk": "x",
            "version": version, "search_folded": "dinh thi lan"}


def test_apply_feed_record_inserts_updates_and_skips_stale(store: Store) -> None:
    with store.transaction() as c:
        assert repo.apply_feed_record(c, _feed_row(1)) == "inserted"
        assert repo.apply_feed_record(c, _feed_row(1, "in_process")) == "skipped"
        assert repo.apply_feed_record(c, _feed_row(3, "result_ready")) == "updated"
        assert repo.apply_feed_record(c, _feed_row(2, "in_process")) == "skipped"
    row = repo.get_dossier_by_record_id(store.conn, "rec-1")
    assert (row["status"], row["version"], row["origin"], row["server_version"]) == \
        ("result_ready", 3, "feed", 3)
    with pytest.raises(RuntimeError):
        repo.apply_feed_record(store.conn, _feed_row(4))


def test_allocate_serial_default_block_and_exhaustion(store: Store) -> None:
    with store.transaction() as c:
        got = [repo.allocate_serial(c, "U", "260101", 3, 4) for _ in range(3)]
        assert got == [3001, 3002, 3003]
        c.execute("UPDATE daily_serials SET last_serial = 3999")
        with pytest.raises(OverflowError):
            repo.allocate_serial(c, "U", "260101", 3, 4)
    with pytest.raises(RuntimeError):
        repo.allocate_serial(store.conn, "U", "260101", 3, 4)


def test_unit_code_change_is_kept(store: Store) -> None:
    with store.transaction() as c:
        repo.upsert_unit(c, {"code": "000.23.32.H48", "name": "UBND xã Tân Phong"})
        repo.upsert_unit(c, {"code": "000.31.32.H48", "name": "UBND xã Tân Phong (mới)"})
        repo.record_code_change(c, "000.23.32.H48", "000.31.32.H48", "2025-07-01", "merger")
    assert repo.get_unit(store.conn, "000.23.32.H48")["replaced_by"] == "000.31.32.H48"
    assert [tuple(r)[1:4] for r in repo.code_changes(store.conn)] == \
        [("000.23.32.H48", "000.31.32.H48", "2025-07-01")]


def test_offline_store_imports_nothing_of_desk_app() -> None:
    root = Path(__file__).resolve().parents[2] / "offline_store"
    for py in root.rglob("*.py"):
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("desk_app", "PySide6", "qasync") for n in names), py
