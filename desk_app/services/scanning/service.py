"""Scanning services: the devices this desk can reach, a scan to a PDF file, the import of files,
the scan-to-folder watcher, "test scanner", and the optional OCR / PDF/A step.

Configuration per desk lives in ``<data_dir>/scanners.json`` (written by the administrator's
screen or by hand)::

    {"escl": ["http://192.168.1.20/eSCL"],
     "overrides": {"sane:fujitsu:fi-7160:1234": {"feeder": "ADF Front", "duplex": "ADF Duplex"}},
     "sane_extra": {"sane:test:0": {"test_picture": "Grid"}}}

and the administrator's profiles in ``<data_dir>/scan_profiles.toml`` (see
``desk_app/scanning/profiles.toml``). A file is "saved" only once written and fsync'd.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desk_app.devices.handler import DeviceHandler, Unattended
from desk_app.domain.errors import DeskError, NotFoundError, ValidationError
from desk_app.jobs import CancelToken, ProgressFn, Steps, no_progress
from desk_app.scanning.assemble import Assembled, assemble, load_file, load_files
from desk_app.scanning.backend import (
    DeviceInfo,
    Scanner,
    SourceNames,
    debug_log,
    on_scanner_thread,
)
from desk_app.scanning.errors import BackendMissing, ScanError
from desk_app.scanning.job import ScanDevice, ScanResult, scan_job
from desk_app.scanning.profiles import Profile, get_profile, load_profiles
from desk_app.scanning.watcher import FolderWatcher, WatchEvent

__all__ = [
    "ScanIncomplete",
    "ScanOutcome",
    "config",
    "drivers",
    "find_device",
    "import_files",
    "list_devices",
    "load_for_attach",
    "ocr_pdf",
    "profiles",
    "scan_to_pdf",
    "set_source_names",
    "test_scanner",
    "watch_folder",
]

CONFIG_FILE = "scanners.json"
PROFILES_FILE = "scan_profiles.toml"


class ScanIncomplete(DeskError):
    """The batch stopped early (jam, feeder, scanner gone, cancel); what was scanned is saved.
    CLI exit code 1, the message says how many pages were kept and where."""

    exit_code = 1


@dataclass
class ScanOutcome:
    output: Path | None
    pages: int
    bytes: int
    encodings: list[str] = field(default_factory=list)
    likely_blank: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    ocr_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output) if self.output else None, "pages": self.pages,
                "bytes": self.bytes, "encodings": self.encodings,
                "likely_blank": self.likely_blank, "errors": self.errors,
                "cancelled": self.cancelled, "seconds": round(self.seconds, 3)}


# --------------------------------------------------------------------------- configuration

def config(data_dir: Path | None) -> dict[str, Any]:
    if data_dir is None:
        return {}
    path = Path(data_dir) / CONFIG_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ValidationError("scan_config_bad", f"Không đọc được {CONFIG_FILE}: {exc}",
                              f"Cannot read {CONFIG_FILE}: {exc}") from None
    return data if isinstance(data, dict) else {}


def _overrides(cfg: dict[str, Any]) -> dict[str, SourceNames]:
    return {dev: SourceNames(**{k: v for k, v in names.items() if k in ("flatbed", "feeder", "duplex")})
            for dev, names in (cfg.get("overrides") or {}).items() if isinstance(names, dict)}


def set_source_names(data_dir: Path, device_id: str, names: SourceNames) -> None:
    """Save the per-device source names (``scanners.json``, written atomically and durably)."""
    from dataclasses import asdict

    cfg = config(data_dir)
    over = dict(cfg.get("overrides") or {})
    clean = {k: v for k, v in asdict(names).items() if v}
    if clean:
        over[device_id] = clean
    else:
        over.pop(device_id, None)
    cfg["overrides"] = over
    path = Path(data_dir) / CONFIG_FILE
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(cfg, fh, ensure_ascii=False, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def drivers(data_dir: Path | None = None) -> list[Scanner]:
    """Every driver usable on this computer, in the order they are offered."""
    from desk_app.scanning.escl import EsclScanner

    cfg = config(data_dir)
    over = _overrides(cfg)
    out: list[Scanner] = []
    if sys.platform == "win32":
        from desk_app.scanning.twain import TwainScanner, helper_python
        from desk_app.scanning.wia import WiaScanner

        out.append(WiaScanner(overrides=over))
        if helper_python():
            out.append(TwainScanner(overrides=over))
    else:
        from desk_app.scanning.sane_backend import SaneScanner, available

        if available():
            out.append(SaneScanner(overrides=over, extra_options=cfg.get("sane_extra") or {}))
    urls = list(cfg.get("escl") or []) + [u for u in os.environ.get("DESK_APP_ESCL_URLS", "").split()
                                          if u]
    out.append(EsclScanner(urls))
    return out


def list_devices(data_dir: Path | None = None) -> tuple[list[DeviceInfo], list[str]]:
    """``(devices, notes)``: a driver that cannot work here adds a note, not an error."""
    devices: list[DeviceInfo] = []
    notes: list[str] = []
    for drv in drivers(data_dir):
        try:
            devices += on_scanner_thread(drv.list_devices)
        except (BackendMissing, ScanError) as exc:
            notes.append(f"{drv.backend}: {exc.en}")
    return devices, notes


def find_device(device_id: str, data_dir: Path | None = None) -> ScanDevice:
    backend = device_id.split(":", 1)[0]
    for drv in drivers(data_dir):
        if drv.backend == backend:
            return ScanDevice(drv, device_id)
    raise NotFoundError("scan_device_unknown",
                        f"Không có trình điều khiển cho máy quét “{device_id}” trên máy tính này"
                        " (xem “scan list”).",
                        f"No driver for the scanner “{device_id}” on this computer"
                        " (see “scan list”).", device=device_id)


def profiles(data_dir: Path | None = None) -> dict[str, Profile]:
    return load_profiles(Path(data_dir) / PROFILES_FILE if data_dir else None)


# --------------------------------------------------------------------------- scanning

def _output(path: Path | str) -> Path:
    out = Path(path)
    if out.suffix.lower() != ".pdf":
        raise ValidationError("scan_output_not_pdf", f"Tệp đầu ra phải là .pdf: {out.name}",
                              f"The output file must be a .pdf: {out.name}", field="output")
    if not out.parent.exists():
        raise ValidationError("scan_output_dir_missing",
                              f"Không có thư mục {out.parent} để lưu tệp.",
                              f"The folder {out.parent} does not exist.", field="output")
    return out


def _incomplete(result: ScanResult, saved: Path | None) -> ScanIncomplete:
    n = len(result.pages)
    where_vi = f" Đã lưu {n} trang vào {saved.name}." if saved else " Chưa có trang nào."
    where_en = f" The {n} pages scanned were saved to {saved.name}." if saved else " No page was scanned."
    if result.errors:
        err = result.errors[0]
        return ScanIncomplete(err.code, err.vi + where_vi, err.en + where_en, pages_kept=n,
                              output=str(saved) if saved else None)
    return ScanIncomplete("cancelled", "Đã hủy quét." + where_vi, "Scan cancelled." + where_en,
                          pages_kept=n, output=str(saved) if saved else None)


def scan_to_pdf(data_dir: Path | None, device_id: str, output: Path | str, *,
                profile: str = "form", source: str | None = None, pages: int | None = None,
                preset: str | None = None, dpi: int | None = None, mode: str | None = None,
                by_admin: bool = False, handler: DeviceHandler | None = None,
                progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                raise_incomplete: bool = True) -> ScanOutcome:
    """Scan a batch and save it as one PDF. A batch that stopped early still saves what it has,
    then raises ScanIncomplete (``raise_incomplete``) so the face says so."""
    out = _output(output)
    prof = get_profile(profile, Path(data_dir) / PROFILES_FILE if data_dir else None)
    prof = prof.adjusted(by_admin=by_admin, source=source, preset=preset, dpi=dpi, mode=mode)
    device = find_device(device_id, data_dir)
    t0 = time.perf_counter()
    result = scan_job(device, prof, handler=handler or Unattended(), progress=progress,
                      cancel=cancel, pages=pages)
    saved = None
    doc: Assembled | None = None
    if result.pages:
        doc = assemble(result.pages, prof.preset)
        saved = doc.save(out)
    outcome = ScanOutcome(saved, len(result.pages), doc.size if doc else 0,
                          doc.encodings if doc else [], result.blank_pages,
                          [e.to_dict() for e in result.errors], result.cancelled,
                          time.perf_counter() - t0)
    if raise_incomplete and not result.ok:
        raise _incomplete(result, saved)
    return outcome


def test_scanner(data_dir: Path | None, device_id: str, *,
                 handler: DeviceHandler | None = None) -> dict[str, Any]:
    """One small page (flatbed, grey, lowest sensible dpi): does this scanner answer, how fast?"""
    device = find_device(device_id, data_dir)
    t0 = time.perf_counter()
    opts = on_scanner_thread(device.scanner.options, device_id)
    prof = Profile("test", source="flatbed" if "flatbed" in opts.sources else "feeder",
                   dpi=opts.nearest_dpi(75), mode="gray", preset="gray_jpeg", width_mm=50,
                   height_mm=50)
    result = scan_job(device, prof, handler=handler or Unattended(), pages=1,
                      deskew_pages=False, detect_blank=False)
    return {"device": device_id, "ok": result.ok and bool(result.pages),
            "sources": list(opts.sources), "resolutions": list(opts.resolutions),
            "seconds": round(time.perf_counter() - t0, 3),
            "errors": [e.to_dict() for e in result.errors]}


def import_files(files: list[Path | str], output: Path | str, *, preset: str = "color_jpeg",
                 progress: ProgressFn = no_progress, cancel: CancelToken | None = None
                 ) -> ScanOutcome:
    """Images, PDFs and phone photos into one PDF. Every file is checked before anything is
    written: an unusable one raises UnusableFile (exit 2) and ``output`` is not touched."""
    out = _output(output)
    if not files:
        raise ValidationError("scan_no_files", "Chưa chọn tệp nào.", "No file given.")
    steps = Steps(progress, cancel)
    t0 = time.perf_counter()
    items: list[Any] = []
    for i, f in enumerate(files):
        steps.step("scan.import", i, len(files), f"Đọc tệp {i + 1}/{len(files)}",
                   f"Reading file {i + 1}/{len(files)}")
        items += load_file(f)
    doc = assemble(items, preset)
    saved = doc.save(out)
    steps.finish("scan.import", len(files), len(files), "Xong", "Done")
    return ScanOutcome(saved, doc.pages, doc.size, doc.encodings, seconds=time.perf_counter() - t0)


def watch_folder(folder: Path | str, output_dir: Path | str | None = None, *,
                 preset: str = "color_jpeg", stable_polls: int = 3, interval: float = 1.0,
                 max_polls: int | None = None, on_event: Any = None,
                 progress: ProgressFn = no_progress, cancel: CancelToken | None = None
                 ) -> list[WatchEvent]:
    """Watch a copier's folder: each stable file becomes ``<output_dir>/<name>.pdf``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError("scan_watch_no_dir", f"Không có thư mục {folder}.",
                              f"The folder {folder} does not exist.", field="watch")
    dest = Path(output_dir) if output_dir else folder / "pdf"
    dest.mkdir(parents=True, exist_ok=True)

    def importer(path: Path) -> ScanOutcome:
        target = dest / (path.stem + ".pdf")
        n = 1
        while target.exists():
            target = dest / f"{path.stem}-{n}.pdf"
            n += 1
        doc = assemble(load_file(path), preset)
        saved = doc.save(target)
        return ScanOutcome(saved, doc.pages, doc.size, doc.encodings)

    w = FolderWatcher(folder, importer, stable_polls=stable_polls, interval=interval)
    return w.run(on_event=on_event, progress=progress, cancel=cancel, max_polls=max_polls)


def load_for_attach(path: Path | str) -> Assembled:
    """A file about to be attached to a dossier component, as one checked PDF."""
    return assemble(load_files([path]), "keep")


# --------------------------------------------------------------------------- OCR / PDF/A

def ocr_pdf(src: Path | str, dest: Path | str, *, lang: str = "vie", pdfa: bool = True,
            ocr: bool = True, timeout: float = 600.0, cancel: CancelToken | None = None
            ) -> str:
    """Run ocrmypdf (tesseract ``vie``, one thread) on ``src`` into ``dest`` (PDF/A-2b when
    ``pdfa``); returns the recognised text for local search (never used to fill names).
    ``ocr=False`` only makes the PDF/A. Raises ScanError when ocrmypdf is missing or fails."""
    exe = shutil.which("ocrmypdf")
    if exe is None:
        raise BackendMissing("Chưa cài ocrmypdf (nhận dạng chữ).",
                             "ocrmypdf (text recognition) is not installed.")
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix=".desk-ocr-", dir=dest.parent) as tmp:
        sidecar = Path(tmp) / "text.txt"
        part = Path(tmp) / "out.pdf"
        cmd = [exe, "-q", "-l", lang, "--output-type", "pdfa-2" if pdfa else "pdf",
               "--optimize", "0", "--jobs", "1", "--sidecar", str(sidecar)]
        cmd += ["--skip-text"] if ocr else ["--tesseract-timeout", "0"]
        cmd += [str(src), str(part)]
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        t0 = time.monotonic()
        while proc.poll() is None:
            if cancel is not None and cancel.wait(0.2):
                proc.kill()
                proc.wait()
                cancel.raise_if_cancelled(step="scan.ocr")
            elif cancel is None:
                time.sleep(0.2)
            if time.monotonic() - t0 > timeout:
                proc.kill()
                proc.wait()
                raise ScanError("Nhận dạng chữ quá lâu, đã dừng.", "Text recognition took too long.")
        err = proc.stderr.read() if proc.stderr else ""
        debug_log.record("ocr", status=proc.returncode, seconds=round(time.monotonic() - t0, 2))
        if proc.returncode not in (0, 10):   # 10: PDF/A validation warning, file still written
            raise ScanError(f"Nhận dạng chữ thất bại (mã {proc.returncode}): {err.strip()[-200:]}",
                            f"Text recognition failed (code {proc.returncode}):"
                            f" {err.strip()[-200:]}", code=proc.returncode)
        text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else ""
        with open(part, "r+b") as fh:
            os.fsync(fh.fileno())
        os.replace(part, dest)
    return text
