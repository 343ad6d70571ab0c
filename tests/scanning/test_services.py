"""The scanning services and their ``scan`` commands (registry, role clerk), end to end on the SANE
test backend and the eSCL test server: files saved durably, partial batches saved and reported."""
from __future__ import annotations

import json
import subprocess

import pytest
from PIL import Image

from desk_app.domain.models import Role
from desk_app.jobs import CancelToken
from desk_app.scanning.errors import ProfileLocked, UnusableFile
from desk_app.services import registry
from desk_app.services.admin.users import Account
from desk_app.services.scanning import commands as _commands  # noqa: F401  (declares "scan …")
from desk_app.services.scanning import service
from desk_app.services.session import Session
from tests.scanning.conftest import RecordingHandler, text_page
from tests.scanning.escl_server import EsclServer


def _session(role: Role, face: str = "gui") -> Session:
    return Session(None, Account("hoa", "Nguyễn Thị Hoa", role, True, "local", "", ""), face)


@pytest.fixture
def desk(tmp_path):
    (tmp_path / "scanners.json").write_text(json.dumps(
        {"sane_extra": {"sane:test:0": {"read_return_value": "Default"}}}), encoding="utf-8")
    return tmp_path


def _pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def test_scan_commands_are_declared_for_clerks() -> None:
    names = {"scan list", "scan test", "scan device", "scan import", "scan watch", "scan ocr"}
    assert names <= set(registry.REGISTRY)
    for n in names:
        cmd = registry.REGISTRY[n]
        assert cmd.role == Role.CLERK and cmd.help_vi and cmd.help_en
    assert registry.allowed(Role.SUPERVISOR, "scan device")
    assert not registry.allowed(Role.OFFICER, "scan device")
    with pytest.raises(registry.PermissionDenied):
        registry.call("scan list", _session(Role.PROCESSOR))


def test_list_and_test_scanner(desk, sane_scanner) -> None:
    srv = EsclServer().start()
    try:
        cfg = json.loads((desk / "scanners.json").read_text())
        (desk / "scanners.json").write_text(json.dumps(cfg | {"escl": [srv.url]}))
        devices, _notes = service.list_devices(desk)
        ids = [d.id for d in devices]
        assert "sane:test:0" in ids and "escl:" + srv.url in ids
        report = service.test_scanner(desk, "escl:" + srv.url)
        assert report["ok"] and "duplex" in report["sources"]
    finally:
        srv.stop()


def test_scan_device_command_saves_the_pdf(desk, sane_scanner, tmp_path) -> None:
    out = tmp_path / "ho-so.pdf"
    events = []
    outcome = registry.call("scan device", _session(Role.CLERK), device="sane:test:0",
                            output=str(out), source="feeder", pages=5, dpi=75,
                            handler=RecordingHandler(), progress=events.append,
                            cancel=CancelToken())
    assert outcome.pages == 5 and _pages(out) == 5 and outcome.bytes == out.stat().st_size
    assert outcome.encodings == ["ccitt"] * 5                    # the form profile: B/W G4
    assert any(e.step == "scan.page" for e in events)


def test_debug_log_file_written_even_when_the_scan_fails(desk, sane_scanner, tmp_path) -> None:
    log = tmp_path / "scanner-log.txt"
    with pytest.raises(service.ScanIncomplete):
        registry.call("scan device", _session(Role.CLERK), device="sane:nosuch:1",
                      output=str(tmp_path / "n.pdf"), debug_log=log)
    text = log.read_text(encoding="utf-8")
    assert text.startswith("desk_app scanner debug log") and "sane.open" in text


def test_a_jammed_batch_is_saved_then_reported(desk, tmp_path) -> None:
    import sane  # noqa: F401  (python-sane, installed by installer/setup.sh)
    cfg = {"sane_extra": {"sane:test:0": {"read_return_value": "SANE_STATUS_JAMMED"}}}
    (desk / "scanners.json").write_text(json.dumps(cfg))
    out = tmp_path / "x.pdf"
    with pytest.raises(service.ScanIncomplete) as err:
        service.scan_to_pdf(desk, "sane:test:0", out, source="feeder", dpi=75,
                            handler=RecordingHandler())
    assert err.value.code == "scan_paper_jam" and err.value.exit_code == 1
    assert "No page was scanned" in err.value.en and not out.exists()


def test_per_device_source_names_are_saved_and_used(desk, sane_scanner, tmp_path) -> None:
    from desk_app.scanning.backend import SourceNames

    service.set_source_names(desk, "sane:test:0", SourceNames(duplex="Automatic Document Feeder"))
    cfg = json.loads((desk / "scanners.json").read_text())
    assert cfg["overrides"] == {"sane:test:0": {"duplex": "Automatic Document Feeder"}}
    assert cfg["sane_extra"]                                      # the rest of the file kept
    outcome = service.scan_to_pdf(desk, "sane:test:0", tmp_path / "d.pdf", source="duplex",
                                  pages=2, dpi=75)
    assert outcome.pages == 2


def test_locked_profile(desk, tmp_path) -> None:
    (desk / "scan_profiles.toml").write_text("[form]\nlocked = true\n", encoding="utf-8")
    with pytest.raises(ProfileLocked) as err:
        service.scan_to_pdf(desk, "sane:test:0", tmp_path / "a.pdf", dpi=150)
    assert err.value.exit_code == 3
    assert service.profiles(desk)["form"].mode == "bw"           # the rest of the built-in kept


def test_import_command_and_bad_input_leaves_output_alone(tmp_path) -> None:
    text_page().save(tmp_path / "a.png", dpi=(150, 150))
    Image.new("RGB", (800, 600), "white").save(tmp_path / "b.jpg")
    out = tmp_path / "ghep.pdf"
    outcome = registry.call("scan import", _session(Role.CLERK),
                            files=[tmp_path / "a.png", tmp_path / "b.jpg"], output=str(out))
    assert outcome.pages == 2 and _pages(out) == 2
    before = out.read_bytes()
    (tmp_path / "zero.pdf").write_bytes(b"")
    with pytest.raises(UnusableFile) as err:
        service.import_files([tmp_path / "a.png", tmp_path / "zero.pdf"], out)
    assert err.value.exit_code == 2 and out.read_bytes() == before
    with pytest.raises(Exception) as err2:
        service.import_files([tmp_path / "a.png"], tmp_path / "out.txt")
    assert getattr(err2.value, "exit_code", None) == 2


def test_watch_command_makes_pdfs(tmp_path) -> None:
    drop = tmp_path / "copier"
    drop.mkdir()
    text_page().save(drop / "scan1.jpg", "JPEG", dpi=(150, 150))
    (drop / "readme.txt").write_text("x")
    events = registry.call("scan watch", _session(Role.CLERK), folder=drop, interval=0.0,
                           max_polls=5)
    kinds = {e["name"]: e["event"] for e in events}
    assert kinds == {"scan1.jpg": "watch.imported", "readme.txt": "watch.rejected"}
    assert _pages(drop / "pdf" / "scan1.pdf") == 1
