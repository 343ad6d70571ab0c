"""The real SANE ``test`` backend through a private SANE_CONFIG_DIR: feeder batches to PDF, a jam,
an empty feeder, duplex (manual, and a per-device duplex source name), cancel, thread rules."""
from __future__ import annotations

import subprocess

import pytest

from desk_app.devices.threads import WrongThread
from desk_app.jobs import CancelToken
from desk_app.scanning.assemble import assemble
from desk_app.scanning.backend import (
    ScanSettings,
    SourceNames,
    debug_log,
    iter_pages,
    on_scanner_thread,
)
from desk_app.scanning.errors import DeviceGone, FeederEmpty, PaperJam, ScanError
from desk_app.scanning.job import ScanDevice, scan_job
from desk_app.scanning.profiles import get_profile
from desk_app.scanning.sane_backend import map_sane_error
from tests.scanning.conftest import RESET, RecordingHandler

DEV = "sane:test:0"


def _profile(name="form", **kw):
    p = get_profile(name)
    return p.adjusted(dpi=kw.pop("dpi", 75), width_mm=50, height_mm=60, **kw)


def _set_read_status(status: str, *, after: int):
    def hook(dev, index):
        dev.read_return_value = status if index >= after else "Default"
    return hook


def _pdf_pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def test_lists_the_test_devices_on_the_scanner_thread(sane_scanner) -> None:
    devices = on_scanner_thread(sane_scanner.list_devices)
    assert [d.id for d in devices] == ["sane:test:0", "sane:test:1"]
    opts = on_scanner_thread(sane_scanner.options, DEV)
    assert opts.sources == ("flatbed", "feeder")
    assert "Automatic Document Feeder" in opts.raw_sources
    with pytest.raises(WrongThread):
        sane_scanner.list_devices()


def test_feeder_batch_to_pdf(sane_scanner, handler, tmp_path) -> None:
    events = []
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler,
                      progress=events.append)
    assert result.ok and len(result.pages) == 10      # the test feeder holds 10 sheets
    assert [p.index for p in result.pages] == list(range(10))
    assert all(p.image.mode == "1" and p.source == "feeder" for p in result.pages)
    assert [e.done for e in events if e.step == "scan.page"] == list(range(1, 11))
    doc = assemble(result.pages, "bw_g4")
    out = doc.save(tmp_path / "batch.pdf")
    assert _pdf_pages(out) == 10 and out.stat().st_size == doc.size
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True,
                             check=True).stdout
    assert listing.count(" ccitt ") == 10


def test_page_count_limit_and_colour(sane_scanner, handler) -> None:
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile("certificate"), handler=handler,
                      source="feeder", pages=3)
    assert len(result.pages) == 3 and result.pages[0].image.mode == "RGB"
    flat = scan_job(ScanDevice(sane_scanner, DEV), _profile("certificate"), handler=handler)
    assert len(flat.pages) == 1 and flat.pages[0].source == "flatbed"


def test_jam_mid_batch_keeps_the_pages(sane_scanner) -> None:
    sane_scanner.before_page = _set_read_status("SANE_STATUS_JAMMED", after=4)
    handler = RecordingHandler(default=False)             # nobody clears the jam
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler)
    assert len(result.pages) == 4
    assert len(result.errors) == 1 and isinstance(result.errors[0], PaperJam)
    assert result.errors[0].details["pages_kept"] == 4
    assert "Paper jam after 4 pages" in handler.asked[0]
    assert handler.told[-1][0] == "error" and "jam" in handler.told[-1][1].lower()
    assert "The 4 pages already scanned are kept." in handler.told[-1][1]


def test_jam_cleared_and_continued(sane_scanner) -> None:
    state = {"jammed": True}

    def hook(dev, index):
        dev.read_return_value = "SANE_STATUS_JAMMED" if index == 2 and state["jammed"] else "Default"

    sane_scanner.before_page = hook
    handler = RecordingHandler(answers=[True], on_confirm=lambda en: state.update(jammed=False))
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, pages=6)
    assert result.ok and len(result.pages) == 6
    assert [p.index for p in result.pages] == list(range(6))


def test_empty_feeder(sane_scanner) -> None:
    sane_scanner.before_page = _set_read_status("SANE_STATUS_NO_DOCS", after=0)
    handler = RecordingHandler(default=False)
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler)
    assert result.pages == [] and isinstance(result.errors[0], FeederEmpty)
    assert "feeder is empty" in handler.asked[0]
    assert result.errors[0].message("vi").startswith("Khay nạp giấy trống")


def test_empty_feeder_then_paper_loaded(sane_scanner) -> None:
    loaded = {"yes": False}
    sane_scanner.before_page = lambda dev, i: setattr(
        dev, "read_return_value", "Default" if loaded["yes"] else "SANE_STATUS_NO_DOCS")
    handler = RecordingHandler(answers=[True], on_confirm=lambda en: loaded.update(yes=True))
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, pages=2)
    assert result.ok and len(result.pages) == 2


def test_device_io_error_mid_batch_is_device_gone(sane_scanner, handler) -> None:
    sane_scanner.before_page = _set_read_status("SANE_STATUS_IO_ERROR", after=3)
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler)
    assert len(result.pages) == 3 and isinstance(result.errors[0], DeviceGone)
    assert handler.asked == []                              # nothing to retry: just reported


def test_manual_duplex_interleaves_turned_stack(sane_scanner) -> None:
    handler = RecordingHandler(answers=[True])
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler,
                      source="manual_duplex", pages=3)
    assert "Turn the whole stack over" in handler.asked[0]
    assert [p.side for p in result.pages] == ["front", "back"] * 3
    assert result.ok and len(result.pages) == 6


def test_manual_duplex_declined_keeps_fronts(sane_scanner) -> None:
    handler = RecordingHandler(answers=[False])
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler,
                      source="manual_duplex", pages=2)
    assert [p.side for p in result.pages] == ["front", "front"]
    assert ("warning", "Only the fronts are kept.") in handler.told


def test_duplex_through_a_per_device_source_name(sane_scanner, handler) -> None:
    # the test backend has no duplex source: an override names the driver's source for "duplex"
    with_dup = type(sane_scanner)(overrides={DEV: SourceNames(duplex="Automatic Document Feeder")},
                                  extra_options=RESET)
    opts = on_scanner_thread(with_dup.options, DEV)
    assert "duplex" in opts.sources
    result = scan_job(ScanDevice(with_dup, DEV), _profile(), handler=handler, source="duplex",
                      pages=4)
    assert [p.side for p in result.pages] == ["front", "back", "front", "back"]
    plain = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, source="duplex")
    assert plain.pages == [] and "no “duplex” source" in plain.errors[0].en


def test_cancel_between_pages_keeps_pages(sane_scanner, handler) -> None:
    token = CancelToken()

    def progress(p):
        if p.step == "scan.page" and p.done == 3:
            token.cancel()

    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler,
                      progress=progress, cancel=token)
    assert result.cancelled and len(result.pages) == 3 and result.errors == []
    assert "3 pages already scanned are kept" in handler.told[-1][1]


def test_session_driven_directly(sane_scanner) -> None:
    session = on_scanner_thread(sane_scanner.open, DEV, ScanSettings(source="feeder", dpi=75,
                                                                      mode="gray", max_pages=2))
    pages = list(iter_pages(session))
    on_scanner_thread(session.close)
    assert [p.image.mode for p in pages] == ["L", "L"]
    with pytest.raises(WrongThread):
        session.next_page()


def test_unknown_device_and_error_mapping(sane_scanner) -> None:
    with pytest.raises(DeviceGone):
        on_scanner_thread(sane_scanner.open, "sane:nosuch:9", ScanSettings())
    assert map_sane_error(RuntimeError("Document feeder out of documents"), pages=2,
                          device="x") is None
    assert isinstance(map_sane_error(RuntimeError("Device busy"), pages=0, device="x"), ScanError)


def test_debug_log_has_calls_and_no_personal_data(sane_scanner, handler) -> None:
    debug_log.clear()
    scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler, pages=1)
    debug_log.record("x", device=DEV, applicant="Nguyễn Văn A", path="/home/hoa/cccd.jpg")
    text = debug_log.report()
    assert "sane.open" in text and "sane.page" in text and "python:" in text
    assert "Nguyễn" not in text and "/home/hoa" not in text


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="reads /proc")
def test_a_scan_leaves_sigpipe_ignored(sane_scanner, handler) -> None:
    """SANE's reader thread sets SIGPIPE to SIG_DFL process-wide; after a scan it is ignored
    again, so a later write to a closed socket (the sync engine, a CLI pipe) raises
    BrokenPipeError instead of killing the app (it killed the test run once)."""
    def ignored() -> bool:
        with open("/proc/self/status") as fh:
            mask = int(next(x for x in fh if x.startswith("SigIgn:")).split()[1], 16)
        return bool(mask & (1 << (13 - 1)))          # SIGPIPE = 13
    assert ignored()
    result = scan_job(ScanDevice(sane_scanner, DEV), _profile(), handler=handler)
    assert result.pages
    assert ignored()
