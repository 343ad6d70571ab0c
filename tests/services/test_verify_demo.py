"""verify finds what it promises to find; demo init builds a realistic, consistent desk."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from desk_app.services import intake, open_desk
from desk_app.services.admin import setup
from desk_app.services.admin import verify as verify_svc
from offline_store import repo
from tests.services.deskutil import dump, request


def _checks(ctx) -> dict[str, bool]:
    return {n: ok for n, ok, _ in verify_svc.run(ctx).checks}


def test_verify_detects_missing_outbox_event_and_corrupt_blob(desk_dir: Path,
                                                              tmp_path: Path) -> None:
    scan = tmp_path / "s.pdf"
    scan.write_bytes(b"%PDF-1.4 scan bytes" * 100)
    with open_desk(desk_dir) as ctx:
        d = intake.receive(ctx, request(attachments=[(scan, 1)]))
        assert all(_checks(ctx).values())
        raw = sqlite3.connect(desk_dir / "desk.sqlite3", isolation_level=None)
        raw.execute("DELETE FROM outbox")
        raw.execute("DELETE FROM dossier_events")
        raw.close()
        ctx.store.blobs.path(d.attachments[0].sha256).write_bytes(b"bit rot")
        checks = _checks(ctx)
    assert checks["dossier_outbox"] is False and checks["dossier_events"] is False
    assert checks["attachments_blobs"] is False and checks["integrity_check"] is True


def test_demo_store_is_realistic_and_verifies(demo_dir: Path) -> None:
    with open_desk(demo_dir) as ctx:
        conn = ctx.store.conn
        assert repo.count_dossiers(conn) == 2000
        assert verify_svc.run(ctx).ok
        names = [r[0] for r in conn.execute("SELECT applicant_name FROM dossiers")]
        for family in ("Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Đỗ"):
            assert any(n.startswith(family + " ") for n in names), family
        years = {r[0] for r in conn.execute("SELECT DISTINCT substr(received_at,1,4) FROM dossiers")}
        assert years == {"2025", "2026"}
        from desk_app.domain.cccd import validate_id_number
        for idn, in conn.execute("SELECT applicant_id_number FROM dossiers LIMIT 200"):
            validate_id_number(idn)
        assert ctx.clerk_name and ctx.unit_code == "000.23.32.H48"
        # the store keeps working after demo data: serials continue above the demo ones
        d = intake.receive(ctx, request())
        assert d.code.endswith(tuple(f"{n:04d}" for n in range(1001, 2000)))


def test_init_twice_does_not_duplicate(demo_dir: Path) -> None:
    before = dump(demo_dir)
    setup.init_store(demo_dir, demo=True, desk_no=1)
    with open_desk(demo_dir) as ctx:
        assert repo.count_dossiers(ctx.store.conn) == 2000
    assert dump(demo_dir) != before          # an audit row for the re-init, nothing else doubled
