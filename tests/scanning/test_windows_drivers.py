"""WIA and TWAIN written against the interface, tested on recorded sessions replayed through a fake
transport (the driver must ask what the real device was asked, in order); live tests on Windows."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from desk_app.scanning.backend import on_scanner_thread
from desk_app.scanning.errors import BackendMissing, DeviceGone, FeederEmpty, PaperJam
from desk_app.scanning.job import ScanDevice, scan_job
from desk_app.scanning.profiles import get_profile
from desk_app.scanning.transport import (
    RecordingTransport,
    ReplayMismatch,
    ReplayTransport,
)
from desk_app.scanning.twain import HelperProcess, TwainScanner
from desk_app.scanning.wia import ComWiaTransport, WiaScanner

SESSIONS = Path(__file__).with_name("sessions")
WIA_DEV = "wia:{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0001"


def _replay(name: str) -> ReplayTransport:
    return ReplayTransport(SESSIONS / name)


def test_wia_jam_after_two_pages(handler) -> None:
    t = _replay("wia_feeder_jam.json")
    prof = get_profile("certificate").adjusted(dpi=150)
    result = scan_job(ScanDevice(WiaScanner(t), WIA_DEV), prof, handler=handler, source="feeder",
                      deskew_pages=False)
    assert len(result.pages) == 2 and isinstance(result.errors[0], PaperJam)
    assert result.errors[0].details["wia_hresult"] == "0x80210002"
    assert all(p.encoded_format == "JPEG" for p in result.pages)   # the scanner's JPEG kept
    assert t.finished


def test_wia_paper_empty_after_pages_ends_the_batch(handler) -> None:
    t = _replay("wia_feeder_end.json")
    sc = WiaScanner(t)
    devices = on_scanner_thread(sc.list_devices)
    assert devices[0].id == WIA_DEV and devices[0].model == "DR-C225"
    result = scan_job(ScanDevice(sc, WIA_DEV), get_profile("form"), handler=handler)
    assert result.ok and len(result.pages) == 3
    assert all(p.image.mode == "1" for p in result.pages) and t.finished


def test_twain_duplex_then_device_gone(handler) -> None:
    t = _replay("twain_duplex_gone.json")
    prof = get_profile("result").adjusted(dpi=200, source="duplex")
    result = scan_job(ScanDevice(TwainScanner(t), "twain:EPSON DS-530"), prof, handler=handler)
    assert [p.side for p in result.pages] == ["front", "back", "front"]
    assert isinstance(result.errors[0], DeviceGone) and result.errors[0].details["pages_kept"] == 3
    assert t.finished


def test_twain_no_media_is_feeder_empty(handler) -> None:
    t = _replay("twain_nomedia.json")
    result = scan_job(ScanDevice(TwainScanner(t), "twain:X"), get_profile("form"), handler=handler)
    assert result.pages == [] and isinstance(result.errors[0], FeederEmpty)


def test_replay_refuses_a_different_conversation(handler) -> None:
    t = _replay("wia_feeder_jam.json")
    prof = get_profile("certificate").adjusted(dpi=300)           # recorded at 150 dpi
    with pytest.raises(ReplayMismatch, match="dpi=300"):
        on_scanner_thread(WiaScanner(t).open, WIA_DEV, prof.settings(source="feeder"))


def test_a_recording_replays_and_holds_no_image_data(tmp_path, handler) -> None:
    out = tmp_path / "rec.json"
    rec = RecordingTransport(_replay("wia_feeder_end.json"), out)
    on_scanner_thread(WiaScanner(rec).list_devices)
    scan_job(ScanDevice(WiaScanner(rec), WIA_DEV), get_profile("form"), handler=handler)
    rec.close()
    text = out.read_text(encoding="utf-8")
    assert '"synthetic"' in text and '"data"' not in text
    again = ReplayTransport(json.loads(text))
    on_scanner_thread(WiaScanner(again).list_devices)
    result = scan_job(ScanDevice(WiaScanner(again), WIA_DEV), get_profile("form"), handler=handler)
    assert len(result.pages) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows refusal")
def test_off_windows_the_real_transports_say_why() -> None:
    with pytest.raises(BackendMissing):
        ComWiaTransport()
    with pytest.raises(BackendMissing):
        HelperProcess(python=None)


@pytest.mark.skipif(sys.platform != "win32", reason="live WIA: Windows with a scanner")
def test_live_wia_lists_devices() -> None:   # pragma: no cover
    devices = on_scanner_thread(WiaScanner().list_devices)
    assert isinstance(devices, list)


@pytest.mark.skipif(sys.platform != "win32", reason="live TWAIN: Windows with the 32-bit helper")
def test_live_twain_lists_devices() -> None:   # pragma: no cover
    devices = on_scanner_thread(TwainScanner().list_devices)
    assert isinstance(devices, list)
