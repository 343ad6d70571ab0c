"""Scanning tests: a private SANE configuration (the real ``test`` backend, nothing from /etc),
a recording handler, page images made in memory."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from desk_app.devices.handler import DeviceHandler, PinRequest
from desk_app.scanning.sane_helper import SHIM_ENV, build_cancel_shim

# SANE reads SANE_CONFIG_DIR once, at sane_init: set it before any test opens the backend.
_SANE_DIR = Path(tempfile.mkdtemp(prefix="desk-sane-"))
(_SANE_DIR / "dll.conf").write_text("test\n", encoding="utf-8")
(_SANE_DIR / "test.conf").write_text(
    "number_of_devices 2\nmode Color\ndepth 8\nresolution 100.0\n"
    'test-picture "Color pattern"\ngeometry_max 200.0\nbr_x 200.0\nbr_y 200.0\n', encoding="utf-8")
os.environ["SANE_CONFIG_DIR"] = str(_SANE_DIR)
# libsane's reader threads are cancelled asynchronously at the end of every page; one cancelled
# inside malloc/free deadlocks (about 1 run of test_sane.py in 5 on Debian 12's libsane 1.2.1,
# see scanning/sane_helper.py). The SANE helper process runs with the deferred-cancel shim (built
# here with the C compiler python-sane needs); a hang that still happens is recovered by killing
# the helper after 20 s (that test fails with NotResponding, the others go on).
# DESK_TEST_SANE_SHIM=0 runs the helper without it (to watch real deadlocks being recovered)
# (an empty DESK_SANE_CANCEL_SHIM: no shim, not even the one the installer built).
SHIM_OFF = os.environ.get("DESK_TEST_SANE_SHIM") == "0"
_SHIM = None if SHIM_OFF else build_cancel_shim(_SANE_DIR)
os.environ[SHIM_ENV] = _SHIM or ""
os.environ.setdefault("DESK_SCAN_PAGE_TIMEOUT", "20")
# the SANE helper process (scanning/sane_helper.py) accepts test faults (a hang, a crash)
os.environ["DESK_SANE_HELPER_FAULTS"] = "1"


class RecordingHandler(DeviceHandler):
    """Answers ``confirm`` from a list (then ``default``), records every question and message."""

    def __init__(self, answers: list[bool] | None = None, default: bool = False,
                 on_confirm=None) -> None:
        self.answers = list(answers or [])
        self.default = default
        self.on_confirm = on_confirm
        self.asked: list[str] = []
        self.told: list[tuple[str, str]] = []

    def ask_pin(self, req: PinRequest) -> str | None:
        return None

    def confirm(self, vi: str, en: str) -> bool:
        self.asked.append(en)
        if self.on_confirm is not None:
            self.on_confirm(en)
        return self.answers.pop(0) if self.answers else self.default

    def notify(self, vi: str, en: str, level: str = "info") -> None:
        self.told.append((level, en))


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


def text_page(size=(1240, 1754), mode="RGB", angle: float = 0.0, lines: bool = True) -> Image.Image:
    """An A4-ish page at 150 dpi with bars of "text" (optionally rotated)."""
    img = Image.new(mode, size, "white" if mode != "1" else 1)
    if lines:
        d = ImageDraw.Draw(img)
        ink = 0 if mode in ("L", "1") else (10, 20, 90)
        for y in range(120, size[1] - 120, 40):
            d.rectangle((100, y, size[0] - 100, y + 12), fill=ink)
    if angle:
        fill = 255 if mode == "L" else (255, 255, 255)
        img = img.rotate(angle, fillcolor=fill)
    return img


@pytest.fixture
def sane_scanner():
    import sane  # noqa: F401  (python-sane, built by installer/setup.sh: a missing one fails)
    from desk_app.scanning.sane_backend import SaneScanner

    # the test backend keeps option values per device across opens: start every test clean
    return SaneScanner(extra_options=RESET)


RESET = {f"sane:test:{i}": {"read_return_value": "Default"} for i in (0, 1)}
