"""TWAIN (Windows) through a 32-bit helper process, as NAPS2 does: most TWAIN drivers ship only
32-bit, and a 64-bit desk cannot load them. The helper (``twain_helper.py``, run by a 32-bit
Python with the ``pytwain`` package) speaks JSON lines on stdin/stdout: one request
``{"op": …, …}`` per line, one answer per line (page data base64). A crash of the driver kills the
helper, not the desk: the scanner is then ``DeviceGone``.

Importable everywhere; recorded sessions replay through ``ReplayTransport`` in the tests.
TWAIN condition codes (TWCC_*) map to our errors.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from desk_app.scanning.errors import (
    BackendMissing,
    CoverOpen,
    DeviceBusy,
    DeviceGone,
    FeederEmpty,
    PaperJam,
    ScanError,
)
from desk_app.scanning.transport import TransportScanner

__all__ = ["TWCC_ERRORS", "HelperProcess", "TwainScanner", "helper_python"]

TWCC_ERRORS: dict[int, type[ScanError]] = {
    4: DeviceBusy,      # TWCC_SEQERROR (another application holds the source)
    20: PaperJam,       # TWCC_PAPERJAM
    21: PaperJam,       # TWCC_PAPERDOUBLEFEED
    23: DeviceGone,     # TWCC_CHECKDEVICEONLINE
    24: CoverOpen,      # TWCC_INTERLOCK
    29: FeederEmpty,    # TWCC_NOMEDIA
}
HELPER_ENV = "DESK_APP_TWAIN_PYTHON"     # path of the 32-bit python.exe (the installer sets it)


def helper_python() -> str | None:
    return os.environ.get(HELPER_ENV) or None


class HelperProcess:
    """The 32-bit helper, started on first use; each request waits for its answer line."""

    def __init__(self, python: str | None = None, *, timeout: float = 120.0) -> None:
        python = python or helper_python()
        if not python:
            raise BackendMissing(
                "Chưa cài bộ trợ giúp TWAIN 32-bit (biến môi trường DESK_APP_TWAIN_PYTHON).",
                "The 32-bit TWAIN helper is not installed (DESK_APP_TWAIN_PYTHON).")
        script = Path(__file__).with_name("twain_helper.py")
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
        self.proc = subprocess.Popen([python, str(script)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, encoding="utf-8", creationflags=flags)
        self.timeout = timeout

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        try:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (OSError, ValueError):
            line = ""
        if not line:
            return {"error": {"code": 23, "message": "the TWAIN helper stopped"}}
        answer = json.loads(line)
        if "page" in answer and "data_b64" in answer["page"]:
            answer["page"] = {"format": answer["page"].get("format", "BMP"),
                              "data": base64.b64decode(answer["page"]["data_b64"])}
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.request("quit")
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()


class TwainScanner(TransportScanner):
    backend = "twain"
    prefix = "twain:"

    def make_transport(self) -> HelperProcess:
        return HelperProcess()

    def map_error(self, error: dict[str, Any], *, pages: int, device: str) -> ScanError | None:
        code = int(error.get("code", 1))
        cls = TWCC_ERRORS.get(code)
        if cls is FeederEmpty and pages:
            return None
        d = {"device": device, "pages_kept": pages, "twcc": code}
        if cls is not None:
            return cls(**d)
        return ScanError(f"TWAIN báo lỗi (mã {code}): {error.get('message', '')}",
                         f"TWAIN error (code {code}): {error.get('message', '')}", **d)
