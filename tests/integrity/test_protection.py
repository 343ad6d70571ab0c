"""Issue 17, point 3 (in part): data dir 0700 and files 0600 whatever the umask; logs hold no
personal data, are size-capped and rotated."""
from __future__ import annotations

import logging
import os
import stat
import subprocess
from pathlib import Path

import pytest

from desk_app.domain.text import fold, mask_personal
from tests.services.deskutil import MINI_CATALOG, UNIT

POSIX = os.name == "posix"
IDN, NAME, PHONE, EMAIL = "001090012345", "Nguyễn Văn Bảo", "0912345678", "bao.nguyen@example.vn"


def _run(cmd, *args, umask: int | None = None) -> subprocess.CompletedProcess:
    pre = (lambda: os.umask(umask)) if umask is not None and POSIX else None
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120,
                          preexec_fn=pre)


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX; Windows uses the profile's ACLs")
def test_modes_are_private_under_umask_000(desk_app_cmd, tmp_path: Path) -> None:
    d = tmp_path / "desk"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 private scan")
    assert _run(desk_app_cmd, "init", "--data-dir", str(d), "--unit", UNIT, "--catalog",
                str(MINI_CATALOG), umask=0).returncode == 0
    p = _run(desk_app_cmd, "dossier", "add", "--data-dir", str(d), "--procedure", "1.004873",
             "--applicant-id", IDN, "--applicant-name", NAME, "--attach", str(scan), umask=0)
    assert p.returncode == 0, p.stderr
    assert _run(desk_app_cmd, "dossier", "list", "--data-dir", str(d), umask=0).returncode == 0
    seen = 0
    for root, dirs, files in os.walk(d):
        assert stat.S_IMODE(os.stat(root).st_mode) == 0o700, root
        for f in files:
            mode = stat.S_IMODE(os.stat(Path(root) / f).st_mode)
            assert mode == 0o600, (root, f, oct(mode))
            seen += 1
    assert seen >= 3       # database, a blob, the log at least
    assert (d / "logs" / "cli.log").exists()


def test_an_existing_store_is_tightened_when_opened(tmp_path: Path) -> None:
    from offline_store import Store

    Store.open(tmp_path / "d").close()
    if not POSIX:
        return
    os.chmod(tmp_path / "d", 0o755)
    os.chmod(tmp_path / "d" / "desk.sqlite3", 0o644)
    Store.open(tmp_path / "d").close()
    assert stat.S_IMODE(os.stat(tmp_path / "d").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "d" / "desk.sqlite3").st_mode) == 0o600


def test_logs_hold_no_personal_data(desk_app_cmd, tmp_path: Path) -> None:
    d = str(tmp_path / "desk")
    assert _run(desk_app_cmd, "init", "--data-dir", d, "--unit", UNIT, "--catalog",
                str(MINI_CATALOG)).returncode == 0
    add = ("dossier", "add", "--data-dir", d, "--procedure", "1.004873")
    ok = _run(desk_app_cmd, *add, "--applicant-id", IDN, "--applicant-name", NAME,
              "--phone", PHONE, "--email", EMAIL, "--address", "Thôn Đông Hưng")
    assert ok.returncode == 0, ok.stderr
    bad = [  # error paths: each quotes personal data in its message to the clerk
        ("--applicant-id", "00109001234", "--applicant-name", NAME),                 # CCCD typo
        ("--applicant-id", IDN, "--applicant-name", NAME, "--phone", "09123456789999"),
        ("--applicant-id", IDN, "--applicant-name", NAME, "--email", "bao.nguyen@"),
        ("--applicant-id", IDN, "--applicant-name", "Nguyen Van Bao"),              # name change
        ("--applicant-id", IDN, "--applicant-name", NAME, "--received-at", "2026-13-40"),
        ("--applicant-id", "079185004321", "--applicant-name", "Đặng Thị Hương",
         "--birth-date", "1985-02-03", "--sex", "Nam"),                               # sex mismatch
    ]
    for args in bad:
        p = _run(desk_app_cmd, *add, *args)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
    assert _run(desk_app_cmd, "search", "--data-dir", d, IDN).returncode == 0
    assert _run(desk_app_cmd, "dossier", "show", "--data-dir", d, "nope " + PHONE).returncode == 2

    logs = list((Path(d) / "logs").rglob("*"))
    text = "".join(f.read_text("utf-8", "replace") for f in logs if f.is_file())
    assert "intake refused" in text            # the log still says what happened
    for secret in (IDN, "00109001234", PHONE, "0912 345 678", EMAIL, "bao.nguyen", NAME,
                   "Nguyen Van Bao", "Đặng Thị Hương", "079185004321", "Đông Hưng"):
        assert secret not in text, secret
        assert fold(secret) not in fold(text), secret


def test_mask_personal_keeps_codes_and_words() -> None:
    line = "dossier.receive 000.23.32.H48-261110-1001 (1.004873, 2 attachment(s))"
    assert mask_personal(line) == line
    assert IDN not in mask_personal(f"ID {IDN} refused") and "refused" in mask_personal(
        f"ID {IDN} refused")
    assert "NGUYỄN" not in mask_personal("applicant NGUYỄN VĂN AN came")


def test_log_is_rotated_and_capped(tmp_path: Path) -> None:
    from desk_app.cli import main

    h = main.log_handler(tmp_path / "cli.log")
    lg = logging.getLogger("desk_app.test_rotation")
    lg.addHandler(h)
    lg.setLevel(logging.INFO)
    lg.propagate = False
    try:
        for i in range(30_000):
            lg.info("line %d for %s with phone %s", i, NAME, PHONE)
    finally:
        lg.removeHandler(h)
        h.close()
    files = sorted(tmp_path.glob("cli.log*"))
    assert 2 <= len(files) <= main.LOG_BACKUPS + 1
    assert all(f.stat().st_size <= main.LOG_MAX_BYTES + 200 for f in files)
    assert all(PHONE not in f.read_text("utf-8") for f in files)
    if POSIX:
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
