"""eSCL against a server speaking the protocol on 127.0.0.1 (real HTTP)."""
from __future__ import annotations

import subprocess

import pytest

from desk_app.scanning.assemble import assemble
from desk_app.scanning.backend import on_scanner_thread
from desk_app.scanning.errors import DeviceGone, FeederEmpty, PaperJam
from desk_app.scanning.escl import EsclScanner
from desk_app.scanning.job import ScanDevice, scan_job
from desk_app.scanning.profiles import get_profile
from tests.scanning.escl_server import EsclServer


@pytest.fixture
def server():
    servers = []

    def make(**kw) -> EsclServer:
        s = EsclServer(**kw).start()
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


def _dev(srv: EsclServer) -> ScanDevice:
    return ScanDevice(EsclScanner([srv.url], timeout=3.0, busy_wait=0.01), "escl:" + srv.url)


def _profile(name="certificate", **kw):
    return get_profile(name).adjusted(dpi=75, **kw)


def test_lists_and_describes_the_device(server) -> None:
    srv = server()
    sc = EsclScanner([srv.url, "http://127.0.0.1:9/eSCL"], timeout=1.0)   # the second is down
    devs = on_scanner_thread(sc.list_devices)
    assert [(d.vendor, d.model) for d in devs] == [("TestCo", "AirScan 3000")]
    opts = on_scanner_thread(sc.options, devs[0].id)
    assert opts.sources == ("flatbed", "feeder", "duplex") and opts.resolutions == (75, 150, 300)


def test_feeder_batch_keeps_the_scanner_jpeg(server, handler, tmp_path) -> None:
    srv = server(sheets=4, busy_first=2)                        # two 503s first: retried
    result = scan_job(_dev(srv), _profile(), handler=handler, source="feeder",
                      deskew_pages=False)
    assert result.ok and len(result.pages) == 4
    assert all(p.encoded_format == "JPEG" for p in result.pages)
    doc = assemble(result.pages, "keep")
    assert doc.encodings == ["jpeg-kept"] * 4
    path = doc.save(tmp_path / "escl.pdf")
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                             check=True).stdout
    assert listing.count(" jpeg ") == 4
    assert any(r.startswith("DELETE /eSCL/ScanJobs/") for r in srv.requests)


def test_duplex(server, handler) -> None:
    srv = server(sheets=3)
    result = scan_job(_dev(srv), _profile(), handler=handler, source="duplex")
    assert [p.side for p in result.pages] == ["front", "back"] * 3


def test_flatbed_bw_png(server, handler) -> None:
    srv = server()
    result = scan_job(_dev(srv), _profile("form"), handler=handler, source="flatbed")
    assert len(result.pages) == 1 and result.pages[0].encoded_format == "PNG"
    assert assemble(result.pages, "bw_g4").encodings == ["ccitt"]


def test_empty_feeder(server, handler) -> None:
    srv = server(sheets=0)
    result = scan_job(_dev(srv), _profile(), handler=handler, source="feeder")
    assert result.pages == [] and isinstance(result.errors[0], FeederEmpty)


def test_jam_mid_batch(server, handler) -> None:
    srv = server(sheets=6, jam_after=2)
    result = scan_job(_dev(srv), _profile(), handler=handler, source="feeder")
    assert len(result.pages) == 2 and isinstance(result.errors[0], PaperJam)


def test_device_disappears_mid_batch(server, handler) -> None:
    srv = server(sheets=6, vanish_after=3)
    result = scan_job(_dev(srv), _profile(), handler=handler, source="feeder")
    assert len(result.pages) == 3 and isinstance(result.errors[0], DeviceGone)
    assert result.errors[0].details["pages_kept"] == 3
    assert handler.told[-1][0] == "error"
    assert len(assemble(result.pages, "color_jpeg").pdf) > 0     # what was scanned is usable


def test_unreachable_device(handler) -> None:
    dev = ScanDevice(EsclScanner(timeout=1.0), "escl:http://127.0.0.1:9/eSCL")
    result = scan_job(dev, _profile(), handler=handler)
    assert result.pages == [] and isinstance(result.errors[0], DeviceGone)
