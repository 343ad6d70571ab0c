"""Issue 17, point 1: a dossier keeps the applicant as received; the registry merges, audited."""
from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import Applicant
from desk_app.services import dossiers, intake
from desk_app.services.intake import receipt
from offline_store import repo
from offline_store.store import Store
from tests.services.deskutil import MINI_CATALOG, UNIT, VN, request

IDN = "001090012345"
FIRST = Applicant(IDN, "Nguyễn Văn An", birth_date=date(1990, 5, 1), sex="Nam",
                  address="Thôn Đông, xã Tân Phong", phone="0912345678",
                  email="an.nguyen@example.vn")


def _first(ctx, **kw):
    req = request(received_at=datetime(2026, 11, 10, 9, 0, tzinfo=VN))
    req.applicant = FIRST
    req.on_behalf_of = "Công ty TNHH Tân Phong"
    for k, v in kw.items():
        setattr(req, k, v)
    return intake.receive(ctx, req)


def _second(ctx, confirm: bool):
    req = request(received_at=datetime(2026, 11, 10, 10, 0, tzinfo=VN))
    req.applicant = Applicant(IDN, "Nguyen Van An")
    req.confirm_name_change = confirm
    return intake.receive(ctx, req)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    f = tmp_path / "r.pdf"
    f.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_second_intake_never_rewrites_the_first_dossier(ctx, tmp_path: Path) -> None:
    d1 = _first(ctx)
    first_print = _pdf_text(receipt.render(ctx, d1.code, "01"), tmp_path)
    assert "Nguyễn Văn An" in first_print and "an.nguyen@example.vn" in first_print

    with pytest.raises(ValidationError) as e:       # another name for a known ID: asked first
        _second(ctx, confirm=False)
    assert e.value.code == "applicant_name_changed" and e.value.exit_code == 2
    assert "Nguyễn Văn An" in e.value.vi and "--confirm-name-change" in e.value.en
    d2 = _second(ctx, confirm=True)
    assert d2.applicant.full_name == "Nguyen Van An" and d2.applicant.email == ""

    detail = dossiers.get(ctx, d1.code)
    assert detail.applicant == FIRST and detail.on_behalf_of == "Công ty TNHH Tân Phong"
    row = next(r for r in dossiers.list_recent(ctx) if r.code == d1.code)
    assert row.applicant.full_name == "Nguyễn Văn An" and row.applicant.phone == "0912345678"
    reprint = _pdf_text(receipt.render(ctx, d1.code, "01"), tmp_path)
    assert reprint == first_print
    assert "Nguyen Van An" not in reprint

    # the registry took the confirmed new name but kept everything the second intake left empty
    reg = repo.get_applicant(ctx.store.conn, IDN)
    assert reg["full_name"] == "Nguyen Van An"
    assert (reg["birth_date"], reg["sex"], reg["phone"], reg["email"], reg["address"]) == (
        "1990-05-01", "Nam", "0912345678", "an.nguyen@example.vn", "Thôn Đông, xã Tân Phong")
    rows = ctx.store.conn.execute("SELECT action, detail_json FROM audit_log WHERE entity ="
                                  " 'applicant' ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["applicant.create", "applicant.update"]
    change = json.loads(rows[1][1])
    assert change["changes"] == {"full_name": {"old": "Nguyễn Văn An", "new": "Nguyen Van An"}}
    assert change["name_change_confirmed"] is True


def test_same_name_other_case_and_new_phone_merges_without_asking(ctx) -> None:
    _first(ctx)
    req = request(received_at=datetime(2026, 11, 10, 11, 0, tzinfo=VN))
    req.applicant = Applicant(IDN, "NGUYỄN  VĂN AN", phone="0987000111")
    intake.receive(ctx, req)
    reg = repo.get_applicant(ctx.store.conn, IDN)
    assert reg["phone"] == "0987000111" and reg["email"] == "an.nguyen@example.vn"
    last = ctx.store.conn.execute("SELECT detail_json FROM audit_log WHERE action ="
                                  " 'applicant.update'").fetchall()
    assert len(last) == 1 and json.loads(last[0][0])["changes"]["phone"] == {
        "old": "0912345678", "new": "0987000111"}


def test_an_intake_that_changes_nothing_writes_no_registry_event(ctx) -> None:
    _first(ctx)
    req = request(received_at=datetime(2026, 11, 10, 11, 0, tzinfo=VN))
    req.applicant = Applicant(IDN, "Nguyễn Văn An")
    intake.receive(ctx, req)
    n = ctx.store.conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'applicant'"
                               ).fetchone()[0]
    assert n == 1


def test_migration_0007_carries_the_person_over_only_where_the_registry_names_them(
        tmp_path: Path) -> None:
    store = Store.open(tmp_path, target_version=6)
    c = store.conn
    c.execute("BEGIN")
    c.execute("INSERT INTO applicants(id_number, full_name, name_folded, birth_date, sex, email,"
              " created_at, updated_at) VALUES ('001090012345','Đặng Văn An','dang van an',"
              " '1990-05-01','Nam','an@example.vn','t','t')")
    for i, name in ((1, "Đặng Văn An"), (2, "Người Khác")):
        c.execute(
            "INSERT INTO dossiers(record_id, code, unit_code, desk_no, procedure_code,"
            " procedure_name, applicant_id, applicant_name, applicant_id_number, received_at,"
            " status, clerk, search_folded, created_at, updated_at) VALUES (?, ?, 'U', 1, 'p',"
            " 'P', 1, ?, '001090012345', '2025-06-25T09:00:00+07:00', 'received', 'Hoa', 'x',"
            " 't', 't')", (f"r{i}", f"U-250625-100{i}", name))
    c.execute("COMMIT")
    store.close()
    store = Store.open(tmp_path)
    rows = store.conn.execute("SELECT applicant_name, applicant_birth_date, applicant_sex,"
                              " applicant_email FROM dossiers ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("Đặng Văn An", "1990-05-01", "Nam", "an@example.vn"),
                                        ("Người Khác", None, None, "")]
    store.close()


def test_cli_needs_the_confirm_flag(desk_app_cmd, tmp_path: Path) -> None:
    d = str(tmp_path / "desk")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*desk_app_cmd, *args], capture_output=True, text=True,
                              timeout=120)

    assert run("init", "--data-dir", d, "--unit", UNIT, "--catalog", str(MINI_CATALOG)
               ).returncode == 0
    base = ("dossier", "add", "--data-dir", d, "--procedure", "1.004873", "--applicant-id", IDN)
    assert run(*base, "--applicant-name", "Nguyễn Văn An", "--email", "an@example.vn",
               "--received-at", "2026-11-10T09:00").returncode == 0
    p = run(*base, "--applicant-name", "Nguyen Van An", "--received-at", "2026-11-10T10:00")
    assert p.returncode == 2 and "--confirm-name-change" in p.stderr + p.stdout
    p = run(*base, "--applicant-name", "Nguyen Van An", "--received-at", "2026-11-10T10:00",
            "--confirm-name-change")
    assert p.returncode == 0, p.stderr
    con = sqlite3.connect(Path(d) / "desk.sqlite3")
    assert [r[0] for r in con.execute("SELECT applicant_name FROM dossiers ORDER BY id")] == [
        "Nguyễn Văn An", "Nguyen Van An"]
    con.close()
