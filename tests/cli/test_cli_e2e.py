"""`desk-app` end to end through the installed console script: output, --json, exit codes."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.services.deskutil import MINI_CATALOG, PEOPLE, UNIT, dump


def run(cmd: list[str], *args: str, ok: int | None = 0) -> subprocess.CompletedProcess:
    p = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)
    if ok is not None:
        assert p.returncode == ok, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


@pytest.fixture
def cli_desk(desk_app_cmd, tmp_path: Path) -> Path:
    d = tmp_path / "desk"
    run(desk_app_cmd, "init", "--data-dir", str(d), "--desk", "3", "--unit", UNIT,
        "--catalog", str(MINI_CATALOG))
    return d


def test_version_and_help(desk_app_cmd) -> None:
    assert run(desk_app_cmd, "--version").stdout.strip() == "desk-app 0.1.0"
    out = run(desk_app_cmd, "--help").stdout
    for cmd in ("init", "catalog", "dossier", "search", "calendar", "cccd", "verify", "gui"):
        assert cmd in out


def test_receive_list_show_search_verify(desk_app_cmd, cli_desk: Path, tmp_path: Path) -> None:
    d = str(cli_desk)
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai")
    idn, name, birth, sex, phone = PEOPLE[1]
    p = run(desk_app_cmd, "dossier", "add", "--data-dir", d, "--procedure", "1.004873",
            "--applicant-id", idn, "--applicant-name", name, "--phone", phone,
            "--received-at", "2026-11-10T09:15", "--attach", str(scan), "--json")
    rec = json.loads(p.stdout)
    assert rec["code"] == f"{UNIT}-261110-3001"
    assert rec["due_at"] == "2026-11-13T17:00:00+07:00"
    assert rec["attachments"][0]["filename"] == "to-khai.pdf" and rec["sync_state"] == "queued"
    plain = run(desk_app_cmd, "dossier", "add", "--data-dir", d, "--procedure", "1.004873",
                "--applicant-id", PEOPLE[0][0], "--applicant-name", PEOPLE[0][1],
                "--received-at", "2026-11-10T10:00").stdout
    assert f"{UNIT}-261110-3002" in plain and "hẹn trả 17:00 13/11/2026" in plain
    en = run(desk_app_cmd, "--lang", "en", "dossier", "add", "--data-dir", d, "--procedure",
             "1.004873", "--applicant-id", PEOPLE[2][0], "--applicant-name", PEOPLE[2][1],
             "--received-at", "2026-11-10T11:00").stdout
    assert "due 2026-11-13 17:00" in en

    rows = json.loads(run(desk_app_cmd, "dossier", "list", "--data-dir", d, "--json").stdout)
    assert [r["code"][-4:] for r in rows] == ["3003", "3002", "3001"]
    found = json.loads(run(desk_app_cmd, "search", "--data-dir", d, "dang thi huong",
                           "--json").stdout)
    assert [r["applicant"]["full_name"] for r in found] == ["Đặng Thị Hương"]
    assert "Đặng Thị Hương" in run(desk_app_cmd, "search", "--data-dir", d, phone).stdout
    show = run(desk_app_cmd, "dossier", "show", "--data-dir", d, rec["code"]).stdout
    assert "Cấp Giấy xác nhận tình trạng hôn nhân" in show and "to-khai.pdf" in show
    shown = json.loads(run(desk_app_cmd, "dossier", "show", "--data-dir", d, rec["code"],
                           "--json").stdout)
    assert shown["events"][0]["to_status"] == "received"
    v = json.loads(run(desk_app_cmd, "verify", "--data-dir", d, "--json").stdout)
    assert v["ok"] is True and {c["name"] for c in v["checks"]} >= {"audit_chain",
                                                                  "dossier_outbox"}


def test_catalog_commands(desk_app_cmd, cli_desk: Path) -> None:
    d = str(cli_desk)
    procs = json.loads(run(desk_app_cmd, "catalog", "list", "--data-dir", d, "--json").stdout)
    assert [p["code"] for p in procs] == ["1.001193", "1.004873", "1.012812", "2.000815"]
    rep = json.loads(run(desk_app_cmd, "catalog", "import", "--data-dir", d,
                         "resources/catalog/demo_catalog.json", "--json").stdout)
    assert rep["procedures"] >= 25


def test_calendar_and_cccd(desk_app_cmd) -> None:
    out = json.loads(run(desk_app_cmd, "calendar", "due", "--received-at", "2026-01-02T10:00",
                         "--days", "3", "--json").stdout)
    assert out["due"] == "2026-01-07T17:00:00+07:00"   # 1–4/1/2026 off (late swap): Mon 5 is day 1
    assert run(desk_app_cmd, "calendar", "due", "--received-at", "2026-11-20T16:00", "--days",
               "0", "--kind", "same_day", "--cutoff", "15:00").stdout.startswith(
        "2026-11-23T17:00")
    q = json.loads(run(desk_app_cmd, "cccd", "parse",
                       "001090012345|123456789|Nguyễn Văn An|01051990|Nam|Thôn Nà Khum|01012021"
                       ).stdout)
    assert q["id_number"] == "001090012345" and q["birth_date"] == "1990-05-01"


@pytest.mark.parametrize("args,needle", [
    (["calendar", "due", "--received-at", "hôm qua", "--days", "3"], "ISO 8601"),
    (["calendar", "due", "--received-at", "2026-01-02", "--days", "3", "--kind", "weeks"],
     "weeks"),
    (["cccd", "parse", "xin chào"], "Căn cước"),
    (["dossier", "list"], "--data-dir"),
    (["no-such-command"], "no-such-command"),
])
def test_bad_input_exit_2_one_line(desk_app_cmd, args, needle) -> None:
    p = run(desk_app_cmd, *args, ok=2)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi:") and needle in lines[0]


def test_bad_input_on_a_store_exit_2_and_nothing_changes(desk_app_cmd, cli_desk: Path) -> None:
    d = str(cli_desk)
    before = dump(cli_desk)
    cases = [
        ["dossier", "add", "--data-dir", d, "--procedure", "9.999999", "--applicant-id",
         PEOPLE[0][0], "--applicant-name", "A"],
        ["dossier", "add", "--data-dir", d, "--procedure", "1.004873", "--applicant-id",
         "12345", "--applicant-name", "A"],
        ["dossier", "add", "--data-dir", d, "--procedure", "1.004873", "--applicant-id",
         PEOPLE[0][0], "--applicant-name", "A", "--attach", "/no/such/file.pdf"],
        ["dossier", "show", "--data-dir", d, f"{UNIT}-990101-1001"],
        ["catalog", "import", "--data-dir", d, "/no/such/catalog.json"],
        ["dossier", "list", "--data-dir", str(cli_desk.parent / "typo")],
    ]
    for args in cases:
        p = run(desk_app_cmd, *args, ok=2)
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    p = run(desk_app_cmd, "--lang", "en", *cases[0], "--json", ok=2)
    assert p.stderr.startswith("Error: No procedure") and \
        json.loads(p.stdout)["error"]["code"] == "procedure_not_found"
    assert dump(cli_desk) == before
    assert not (cli_desk.parent / "typo").exists()


def test_verify_exit_1_on_tampering(desk_app_cmd, cli_desk: Path) -> None:
    import sqlite3
    run(desk_app_cmd, "dossier", "add", "--data-dir", str(cli_desk), "--procedure", "1.004873",
        "--applicant-id", PEOPLE[0][0], "--applicant-name", PEOPLE[0][1])
    raw = sqlite3.connect(cli_desk / "desk.sqlite3", isolation_level=None)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET actor = 'ai đó' WHERE id = (SELECT max(id) FROM audit_log)")
    raw.close()
    p = run(desk_app_cmd, "verify", "--data-dir", str(cli_desk), ok=1)
    assert "✗ audit_chain" in p.stdout


def test_gui_selftest_initialises_a_new_desk(desk_app_cmd, tmp_path: Path) -> None:
    """`gui` on a new folder creates the desk (shipped catalog) and the window comes up
    (offscreen Qt, see tests/conftest.py)."""
    d = tmp_path / "new-desk"
    run(desk_app_cmd, "gui", "--data-dir", str(d), "--selftest")
    procs = json.loads(run(desk_app_cmd, "catalog", "list", "--data-dir", str(d),
                           "--json").stdout)
    assert len(procs) >= 25


def test_gui_is_the_default_command(desk_app_cmd, tmp_path: Path) -> None:
    """`desk-app --selftest --data-dir D` (no word "gui") starts the GUI, as IT scripts call it."""
    d = tmp_path / "default"
    p = run(desk_app_cmd, "--lang", "en", "--selftest", "--data-dir", str(d))
    assert "selftest ok" in p.stdout
    assert (d / "desk.sqlite3").exists()


def test_init_demo_json(desk_app_cmd, tmp_path: Path) -> None:
    d = tmp_path / "demo"
    rep = json.loads(run(desk_app_cmd, "init", "--data-dir", str(d), "--demo", "--desk", "2",
                         "--n-dossiers", "60", "--json").stdout)
    assert (rep["desk_no"], rep["demo_dossiers"], rep["unit_code"]) == (2, 60, UNIT)
    assert json.loads(run(desk_app_cmd, "verify", "--data-dir", str(d), "--json").stdout)["ok"]
    rows = json.loads(run(desk_app_cmd, "dossier", "list", "--data-dir", str(d), "--limit", "5",
                          "--json").stdout)
    assert len(rows) == 5 and all(r["code"].split("-")[-1].startswith("2") for r in rows)


@pytest.mark.parametrize("args", [["--desk", "10"], ["--desk", "0"], ["--unit", "H48"],
                                  ["--unit", "000.23.32.h48"]])
def test_init_bad_desk_or_unit_creates_nothing(desk_app_cmd, tmp_path: Path, args) -> None:
    d = tmp_path / "never"
    p = run(desk_app_cmd, "init", "--data-dir", str(d), *args, ok=2)
    assert len(p.stderr.strip().splitlines()) == 1
    assert not (d / "desk.sqlite3").exists()


def test_corrupt_database_is_a_storage_error(desk_app_cmd, tmp_path: Path) -> None:
    d = tmp_path / "broken"
    d.mkdir()
    (d / "desk.sqlite3").write_bytes(b"this is not a database" * 100)
    p = run(desk_app_cmd, "dossier", "list", "--data-dir", str(d), ok=1)
    assert len(p.stderr.strip().splitlines()) == 1 and "cơ sở dữ liệu" in p.stderr
