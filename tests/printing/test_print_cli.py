"""`desk-app receipt` / `desk-app form` as IT staff run them: real console script, real store
made by `desk-app init --demo` and `desk-app dossier add`. Write failures (full disk, read-only
folder) are produced for real in a private mount namespace (unshare + tmpfs)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.printing import pdftools

NAME = "Đặng Thị Hương Nguyệt"


def run(cmd: list[str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, desk_app_cmd: list[str]) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("cli") / "desk"
    r = run(desk_app_cmd, "init", "--data-dir", str(data), "--demo", "--n-dossiers", "3")
    assert r.returncode == 0, r.stderr
    r = run(desk_app_cmd, "dossier", "add", "--data-dir", str(data), "--procedure", "1.001193",
            "--applicant-id", "001190012345", "--applicant-name", NAME,
            "--address", "Bản Nà Pẩu, xã Tân Phong", "--phone", "0912345678",
            "--clerk", "Lò Văn Dũng", "--json")
    assert r.returncode == 0, r.stderr
    return data, json.loads(r.stdout)["code"]


def test_receipt_writes_the_pdf_and_keeps_it(desk, desk_app_cmd, tmp_path: Path) -> None:
    data, code = desk
    out = tmp_path / "giay-hen.pdf"
    r = run(desk_app_cmd, "receipt", "--data-dir", str(data), code, "-o", str(out), "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    pdf = out.read_bytes()
    assert result["bytes"] == len(pdf) and result["kind"] == "01"
    text = pdftools.flat(pdf)
    assert f"Mã hồ sơ: {code}" in text and f"Tiếp nhận hồ sơ của: {NAME}" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Lò Văn Dũng" in text
    assert [p.name for p in tmp_path.iterdir()] == ["giay-hen.pdf"], "no temporary file left"
    shown = json.loads(run(desk_app_cmd, "dossier", "show", "--data-dir", str(data), code, "--json").stdout)
    assert any(a["kind"] == "receipt" and a["sha256"] == result["sha256"] for a in shown["attachments"])


@pytest.mark.parametrize("kind,title", [("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
                                        ("3", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")])
def test_form_kinds(desk, desk_app_cmd, tmp_path: Path, kind: str, title: str) -> None:
    data, code = desk
    out = tmp_path / "form.pdf"
    r = run(desk_app_cmd, "form", "--data-dir", str(data), "--kind", kind, code, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert title in pdftools.flat(out.read_bytes())


@pytest.mark.parametrize("args,needle", [
    (["form", "--kind", "09"], "Không có mẫu in “09”"),
    (["form", "--kind", "07"], "cần --from và --to"),      # the logbook is for a period
    (["form", "--kind", "04"], "chưa được gia hạn"),       # no delay recorded yet
    (["receipt"], "Không tìm thấy hồ sơ"),
])
def test_bad_kind_or_unknown_code_exit_2_one_line(desk, desk_app_cmd, tmp_path: Path, args, needle) -> None:
    data, code = desk
    out = tmp_path / "x.pdf"
    target = "000.23.32.H48-991231-9999" if args == ["receipt"] else code
    r = run(desk_app_cmd, *args, "--data-dir", str(data), target, "-o", str(out))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and needle in r.stderr, r.stderr
    assert not out.exists()


def test_missing_data_dir_is_not_created(desk_app_cmd, tmp_path: Path) -> None:
    r = run(desk_app_cmd, "receipt", "--data-dir", str(tmp_path / "none"), "X", "-o", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "desk-app init" in r.stderr
    assert not (tmp_path / "none").exists()


def _unshare_ok() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


needs_unshare = pytest.mark.skipif(not _unshare_ok(), reason="needs user+mount namespaces (unshare -rm)")


def _in_namespace(mount: str, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["unshare", "-rm", "sh", "-c", f"{mount} && {script}"], capture_output=True,
                          text=True, timeout=60)


@needs_unshare
def test_full_disk_leaves_old_file_intact_and_no_temp(desk, desk_app_cmd, tmp_path: Path) -> None:
    data, code = desk
    mnt = tmp_path / "small"
    mnt.mkdir()
    cli = " ".join(f"'{c}'" for c in desk_app_cmd)
    script = (f"echo old > {mnt}/r.pdf && {cli} receipt --data-dir '{data}' {code} -o {mnt}/r.pdf; "
              f"echo rc=$?; cat {mnt}/r.pdf; ls -a {mnt}")
    r = _in_namespace(f"mount -t tmpfs -o size=32k tmpfs {mnt}", script)
    assert "rc=1" in r.stdout, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Không ghi được tệp" in lines[0] and "No space left" in lines[0], r.stderr
    listing = r.stdout.split("rc=1", 1)[1].split()
    assert listing == ["old", ".", "..", "r.pdf"], "old content kept, no temporary file left"


@needs_unshare
def test_read_only_folder_is_a_clear_error(desk, desk_app_cmd, tmp_path: Path) -> None:
    data, code = desk
    mnt = tmp_path / "ro"
    mnt.mkdir()
    cli = " ".join(f"'{c}'" for c in desk_app_cmd)
    r = _in_namespace(f"mount -t tmpfs -o ro tmpfs {mnt}",
                      f"{cli} receipt --data-dir '{data}' {code} -o {mnt}/r.pdf; echo rc=$?; ls -a {mnt}")
    assert "rc=1" in r.stdout, (r.stdout, r.stderr)
    assert "Không ghi được tệp" in r.stderr and "Read-only file system" in r.stderr
    assert r.stdout.split("rc=1", 1)[1].split() == [".", ".."]


def test_standalone_module_entry(desk, tmp_path: Path) -> None:
    import sys

    data, code = desk
    out = tmp_path / "m.pdf"
    r = run([sys.executable, "-m", "desk_app.cli.print_cmds"], "receipt", "--data-dir", str(data),
            code, "-o", str(out), "--no-store")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF-")
