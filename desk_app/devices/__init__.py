"""Devices (scanners, PKCS#11 tokens): one worker thread per device family, and what a device needs
from a person (PIN, "insert the token", "the feeder is empty") through a handler. No Qt here:
the Qt handler is ``desk_app/ui/device_handler.py``. See docs/dev/seams.md §2."""
from __future__ import annotations

from desk_app.devices.handler import CliHandler, DeviceHandler, PinRequest, Unattended
from desk_app.devices.threads import (
           DeviceThread,
           WrongThread,
           device_thread,
           run_on,
           runs_on,
)

__all__ = [
           "CliHandler",
           "DeviceHandler",
           "DeviceThread",
           "PinRequest",
           "Unattended",
           "WrongThread",
           "device_thread",
           "run_on",
           "runs_on",
]
