"""Scanning services (issue 14): devices, scan to PDF, import, folder watcher, OCR.
The command declarations are in ``commands.py`` (imported by ``desk_app.services.commands``)."""
from __future__ import annotations

from desk_app.services.scanning.service import (
    ScanIncomplete,
    ScanOutcome,
    config,
    drivers,
    find_device,
    import_files,
    list_devices,
    load_for_attach,
    ocr_pdf,
    profiles,
    scan_to_pdf,
    set_source_names,
    test_scanner,
    watch_folder,
)

__all__ = ["ScanIncomplete", "ScanOutcome", "config", "drivers", "find_device", "import_files",
           "list_devices", "load_for_attach", "ocr_pdf", "profiles", "scan_to_pdf", "set_source_names",
           "test_scanner", "watch_folder"]
