"""SANE (Linux) through python-sane, in a helper process (``sane_helper.py``).

The driver runs in ``python -m desk_app.scanning.sane_helper`` (started on first use, shared by
every ``SaneScanner`` of the process, restarted when needed): a SANE backend that hangs inside a
call (libsane's reader threads can deadlock, see sane_helper.py) or crashes takes the helper down,
not the desk. A call that does not answer within ``DESK_SCAN_PAGE_TIMEOUT`` seconds (120) kills the
helper and raises NotResponding ("máy quét không phản hồi", pages kept); a helper that died raises
DeviceGone; the next call starts a fresh helper. ``SaneScanner(in_process=True)`` runs the driver
in this process instead (the bench's baseline; a hang there wedges the backend until restart).

``sane.init()`` reads ``SANE_CONFIG_DIR`` once per process (the helper inherits the environment):
tests point it at a private folder whose ``dll.conf`` says ``test`` (the SANE test backend: a
flatbed and a feeder that empties after 10 sheets, and ``read-return-value`` to make every read
jam, find no paper or fail).

SANE statuses (``sane_strstatus`` text) map to our errors: NO_DOCS → end of batch after a page,
FeederEmpty before any; JAMMED → PaperJam; IO_ERROR and a device that no longer opens →
DeviceGone; COVER_OPEN → CoverOpen; DEVICE_BUSY → DeviceBusy.
"""
from __future__ import annotations

import atexit
import importlib.util
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk_app.scanning.backend import (
    DeviceInfo,
    DeviceOptions,
    Page,
    Scanner,
    ScanSession,
    ScanSettings,
    SourceNames,
    debug_log,
    runs_on_scanner,
)
from desk_app.scanning.errors import (
    BackendMissing,
    CoverOpen,
    DeviceBusy,
    DeviceGone,
    FeederEmpty,
    NotResponding,
    PaperJam,
    ScanError,
)
from desk_app.scanning.imaging import to_bilevel
from desk_app.scanning.sane_helper import SHIM_ENV, SHIM_NAME, decode_constraint


def default_shim_path() -> str:
    """Where the installer builds the deferred-cancel shim (``installer/setup.sh``): in the
    environment the app runs from, ``<sys.prefix>/lib/desk_sane/``. Used when
    ``DESK_SANE_CANCEL_SHIM`` is not set; a missing file means no shim (recovery still works)."""
    return os.path.join(sys.prefix, "lib", "desk_sane", SHIM_NAME)

__all__ = ["HelperDied", "SaneHelper", "SaneScanner", "available", "map_sane_error"]

PREFIX = "sane:"
HELPER_MODULE = "desk_app.scanning.sane_helper"
_STATUS_TEXT = {  # sane_strstatus() texts (sanei/sane_strstatus.c)
    "Document feeder out of documents": "no_docs",
    "Document feeder jammed": "jammed",
    "Error during device I/O": "io_error",
    "Scanner cover is open": "cover_open",
    "Device busy": "busy",
    "Access to resource has been denied": "denied",
    "Operation was cancelled": "cancelled",
    "Invalid argument": "inval",
    "Out of memory": "no_mem",
    "Operation not supported": "unsupported",
}


def _call_timeout() -> float:
    """How long one driver call (a page) may take before the driver counts as hung: the same
    setting as the job's watchdog (scanning/job.py), read at each call."""
    return float(os.environ.get("DESK_SCAN_PAGE_TIMEOUT", "120"))


def _keep_sigpipe_ignored() -> None:
    """SANE's reader threads (sanei_thread) set SIGPIPE back to SIG_DFL for the whole process, so a
    later write to a closed socket would kill the app instead of raising BrokenPipeError. Python
    ignores SIGPIPE at start; put that back. ``signal.signal`` works on the main thread only and
    this runs on the scanner thread, so ask libc directly (POSIX only; Windows has no SIGPIPE).
    Only needed when SANE runs in this process (``in_process=True``)."""
    if os.name != "posix":
        return
    import ctypes
    import signal as _signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.signal.restype = ctypes.c_void_p
    libc.signal.argtypes = (ctypes.c_int, ctypes.c_void_p)
    libc.signal(int(_signal.SIGPIPE), ctypes.c_void_p(1))     # SIG_IGN


def available() -> bool:
    """python-sane is installed (it is imported by the helper, or in process, on first use)."""
    return importlib.util.find_spec("sane") is not None


class SaneFailure(Exception):
    """A SANE call failed in the helper; ``str()`` is the driver's text (``sane_strstatus``)."""


class HelperDied(Exception):
    """The helper process is gone: ``hung`` when it was killed because a call did not answer."""

    def __init__(self, hung: bool, seconds: float | None = None) -> None:
        super().__init__("the SANE helper did not answer" if hung else "the SANE helper stopped")
        self.hung = hung
        self.seconds = seconds


def _status(exc: BaseException) -> str:
    return _STATUS_TEXT.get(str(exc).strip(), "other")


def map_sane_error(exc: BaseException, *, pages: int, device: str) -> ScanError | None:
    """Our error for a SANE failure; None for "no documents" after at least one page (the normal
    end of a feeder batch)."""
    st = _status(exc)
    d = {"device": device, "pages_kept": pages, "sane_status": str(exc)}
    if st == "no_docs":
        return None if pages else FeederEmpty(**d)
    if st == "jammed":
        return PaperJam(**d)
    if st == "io_error":
        return DeviceGone(**d)
    if st == "cover_open":
        return CoverOpen(**d)
    if st == "busy":
        return DeviceBusy(**d)
    return ScanError(f"Máy quét báo lỗi: {exc}", f"The scanner reported an error: {exc}", **d)


def _driver_error(exc: HelperDied, *, pages: int, device: str) -> ScanError:
    d = {"device": device, "pages_kept": pages}
    if exc.hung:
        return NotResponding(seconds=exc.seconds, **d)
    return DeviceGone("Trình điều khiển máy quét (SANE) đã dừng đột ngột; lần quét sau sẽ khởi"
                      " động lại nó.",
                      "The scanner driver (SANE) stopped unexpectedly; the next scan restarts it.",
                      **d)


# --------------------------------------------------------------------------- the helper process

class SaneHelper:
    """One ``sane_helper`` process. ``call`` sends a request and waits for its answer (a reader
    thread turns the helper's stdout into answers). A call with no answer in time kills the helper
    (``HelperDied(hung=True)``); a helper that exits gives ``HelperDied(hung=False)``. Calls come
    from the scanner thread; ``kill`` may come from any thread (the job's watchdog)."""

    def __init__(self, *, timeout: float | None = None) -> None:
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])     # the folder holding desk_app/
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        shim = env[SHIM_ENV] if SHIM_ENV in env else default_shim_path()   # "" = none
        self.shim = bool(shim and sys.platform.startswith("linux") and os.path.isfile(shim))
        if self.shim:   # libsane's readers keep deferred cancellation (see sane_helper.py)
            env["LD_PRELOAD"] = " ".join(p for p in (shim, env.get("LD_PRELOAD")) if p)
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
        self.proc = subprocess.Popen([sys.executable, "-m", HELPER_MODULE],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                     creationflags=flags)
        self._answers: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._hung = False
        self._dead = False
        self.notices: list[dict[str, Any]] = []
        self.noticed = threading.Event()          # set at each notice (tests wait on it)
        self._reader = threading.Thread(target=self._read_loop, name="sane-helper-reader",
                                        daemon=True)
        self._reader.start()
        try:
            ready = self._answer(timeout if timeout is not None else _call_timeout())
        except HelperDied as exc:
            if exc.hung:                             # sane_init hung (a network backend …)
                raise
            raise BackendMissing(
                f"Không khởi động được trình điều khiển SANE ({sys.executable} -m {HELPER_MODULE}).",
                f"The SANE driver helper did not start ({sys.executable} -m {HELPER_MODULE}).",
                returncode=self.proc.wait()) from None
        if "error" in ready:
            self.kill()
            raise BackendMissing(f"Không chạy được trình điều khiển SANE: {ready['error']}",
                                 f"The SANE driver cannot run: {ready['error']}")
        self.version = ready.get("version")
        debug_log.record("sane.helper", backend="sane", version=self.version,
                         status="started with the cancel shim" if self.shim else "started")

    @property
    def alive(self) -> bool:
        return not self._dead and self.proc.poll() is None

    def _read_loop(self) -> None:
        f = self.proc.stdout
        assert f is not None
        try:
            while True:
                line = f.readline()
                if not line:
                    break
                msg = json.loads(line)
                n = msg.pop("data", None)
                if n is not None:
                    buf = bytearray(n)
                    view, got = memoryview(buf), 0
                    while got < n:
                        k = f.readinto(view[got:])
                        if not k:
                            raise EOFError
                        got += k
                    msg["bytes"] = buf
                if "notice" in msg:              # not an answer: a note on the way (test faults)
                    self.notices.append(msg)
                    self.noticed.set()
                    continue
                self._answers.put(msg)
        except (OSError, ValueError, EOFError):
            pass
        self._dead = True
        self._answers.put(None)

    def _answer(self, timeout: float) -> dict[str, Any]:
        try:
            msg = self._answers.get(timeout=timeout)
        except queue.Empty:
            self.kill(hung=True)
            raise HelperDied(hung=True, seconds=timeout) from None
        if msg is None:
            self._dead = True
            raise HelperDied(hung=self._hung, seconds=timeout if self._hung else None)
        return msg

    def call(self, op: str, *, timeout: float | None = None, **args: Any) -> dict[str, Any]:
        with self._lock:
            if not self.alive:
                raise HelperDied(hung=self._hung)
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"op": op, **args}).encode() + b"\n")
                self.proc.stdin.flush()
            except (OSError, ValueError):
                self._dead = True
                raise HelperDied(hung=self._hung) from None
            msg = self._answer(timeout if timeout is not None else _call_timeout())
        if "error" in msg:
            raise SaneFailure(msg["error"])
        return msg

    def kill(self, *, hung: bool = True) -> None:
        """End the helper at once (a hung driver cannot be asked to quit)."""
        self._hung = self._hung or hung
        self._dead = True
        try:
            self.proc.kill()
        except OSError:
            pass
        debug_log.record("sane.helper", backend="sane", status="killed")

    def quit(self) -> None:
        """Ask the helper to close its devices and exit; kill it when it is busy in a call (at
        exit nobody waits for a page) or does not answer."""
        if self.alive and self._lock.acquire(blocking=False):
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(b'{"op": "quit"}\n')
                self.proc.stdin.flush()
                self._answer(5.0)
                self.proc.wait(5.0)
            except (OSError, ValueError, HelperDied, subprocess.TimeoutExpired):
                pass
            finally:
                self._lock.release()
        if self.proc.poll() is None:
            self.kill(hung=False)
        self.proc.wait()


class _RemoteSane:
    """The driver port over a helper: the same calls as ``LocalSane``, errors as SaneFailure."""

    def __init__(self, helper: SaneHelper) -> None:
        self.helper = helper

    def list(self) -> list[list[str]]:
        return self.helper.call("list")["devices"]

    def open(self, name: str) -> int:
        return self.helper.call("open", name=name)["handle"]

    def describe(self, handle: int) -> dict[str, Any]:
        return self.helper.call("describe", handle=handle)

    def set(self, handle: int, name: str, value: Any) -> None:
        self.helper.call("set", handle=handle, name=name, value=value)

    def get(self, handle: int, name: str) -> Any:
        return self.helper.call("get", handle=handle, name=name)["value"]

    def page(self, handle: int) -> tuple[str, int, int, bytes]:
        a = self.helper.call("page", handle=handle)
        return a["mode"], a["width"], a["height"], a["bytes"]

    def cancel(self, handle: int) -> None:
        self.helper.call("cancel", handle=handle)

    def close(self, handle: int) -> None:
        self.helper.call("close", handle=handle)

    def abort(self) -> None:
        self.helper.kill(hung=True)


_helper: SaneHelper | None = None
_helper_lock = threading.Lock()
_local: Any = None


def _shared_helper() -> SaneHelper:
    """The process's helper, started (again) when there is none alive."""
    global _helper
    with _helper_lock:
        if _helper is None or not _helper.alive:
            if _helper is not None:
                _helper.proc.wait()                 # reap the one that died or was killed
            _helper = SaneHelper()
        return _helper


def shared_helper() -> SaneHelper | None:
    """The running helper, if any (tests and the debug log look at it)."""
    return _helper


@atexit.register
def _stop_helper() -> None:
    if _helper is not None:
        _helper.quit()


class _DeviceOptions:
    """What ``before_page`` gets: the device's options by attribute (``dev.read_return_value =
    "Default"``), as python-sane's SaneDev offers them, wherever the driver runs."""

    def __init__(self, port: Any, handle: int) -> None:
        object.__setattr__(self, "_port", port)
        object.__setattr__(self, "_handle", handle)

    def __setattr__(self, name: str, value: Any) -> None:
        self._port.set(self._handle, name, value)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._port.get(self._handle, name)


_MODE_NAMES = {"color": ("color", "colour", "24bit color", "rgb"),
               "gray": ("gray", "grey", "grayscale", "8bit gray", "true gray"),
               "bw": ("lineart", "binary", "black & white", "halftone", "monochrome")}


class _Dev:
    """An open device: the driver port it lives on (helper or this process), its handle, and its
    option names and constraints (read once at open)."""

    def __init__(self, port: Any, handle: int) -> None:
        self.port = port
        self.handle = handle
        desc = port.describe(handle)
        self.names: set[str] = set(desc["names"])
        self.constraints = {k: decode_constraint(v) for k, v in desc["constraints"].items()}

    def constraint(self, name: str) -> Any:
        return self.constraints.get(name)

    def set(self, name: str, value: Any) -> None:
        self.port.set(self.handle, name, value)

    def close(self) -> None:
        try:
            self.port.close(self.handle)
        except Exception:  # noqa: BLE001  (closing a device already gone, a helper gone)
            pass


class _SaneSession(ScanSession):
    def __init__(self, scanner: SaneScanner, dev: _Dev, device_id: str, settings: ScanSettings,
                 raw_source: str | None, bw_threshold: bool) -> None:
        self.scanner = scanner
        self.dev: _Dev | None = dev
        self.device_id = device_id
        self.settings = settings
        self.raw_source = raw_source
        self.bw_threshold = bw_threshold
        self.count = 0
        self.done = False

    @runs_on_scanner
    def next_page(self) -> Page | None:
        s = self.settings
        dev = self.dev
        if dev is None or self.done or (s.max_pages is not None and self.count >= s.max_pages):
            return None
        t0 = time.perf_counter()
        try:
            if self.scanner.before_page is not None:
                self.scanner.before_page(_DeviceOptions(dev.port, dev.handle), self.count)
            try:
                mode, width, height, data = dev.port.page(dev.handle)
            finally:
                if self.scanner.in_process:
                    _keep_sigpipe_ignored()
        except HelperDied as exc:      # hung (killed) or crashed: the device handle is gone too
            debug_log.record("sane.read", backend="sane", device=self.device_id, page=self.count,
                             status=str(exc))
            self.done = True
            self.dev = None
            raise _driver_error(exc, pages=self.count, device=self.device_id) from None
        except Exception as exc:  # noqa: BLE001  (SaneFailure, _sane.error, RuntimeError "no data")
            debug_log.record("sane.read", backend="sane", device=self.device_id, page=self.count,
                             status=str(exc))
            self._cancel()
            err = map_sane_error(exc, pages=self.count, device=self.device_id)
            self.done = True
            if err is None:
                return None
            raise err from None
        from PIL import Image

        img = Image.frombuffer(mode, (width, height), data, "raw", mode, 0, 1)
        if s.mode == "bw":
            img = to_bilevel(img)
        page = Page(image=img, dpi=s.dpi, mode=s.mode, source=s.source,
                    side="back" if s.source == "duplex" and self.count % 2 else "front",
                    index=self.count, origin=self.device_id)
        debug_log.record("sane.page", backend="sane", device=self.device_id, page=self.count,
                         width=img.size[0], height=img.size[1],
                         seconds=round(time.perf_counter() - t0, 3))
        self.count += 1
        if s.source == "flatbed" and s.max_pages is None:
            self.done = True
        return page

    def abort(self) -> None:
        """From ANY thread (the job's watchdog): a read blocked in the driver is made to return —
        the helper is killed (the pending call then raises NotResponding); in process,
        ``sane_cancel``, which the SANE standard allows at any time."""
        dev = self.dev
        if dev is None:
            return
        try:
            if hasattr(dev.port, "abort"):
                dev.port.abort()
            else:
                dev.port.cancel(dev.handle)
        except Exception:  # noqa: BLE001
            debug_log.record("sane.abort", backend="sane", device=self.device_id, status="failed")

    def _cancel(self) -> None:
        dev = self.dev
        if dev is None:
            return
        try:
            dev.port.cancel(dev.handle)
        except HelperDied:
            self.dev = None
        except Exception:  # noqa: BLE001  (a device already gone cannot be cancelled)
            debug_log.record("sane.cancel", backend="sane", device=self.device_id, status="failed")

    @runs_on_scanner
    def close(self) -> None:
        if self.dev is None:
            return
        self._cancel()
        if self.dev is not None:
            self.dev.close()
        self.dev = None


class SaneScanner(Scanner):
    """``overrides``: per-device source names; ``extra_options``: per-device SANE options set at
    each open; ``before_page(dev, index)`` runs on the scanner thread before each page, ``dev``
    giving the device's options by attribute (tests use it to make the SANE test backend jam after
    N pages; an IT person can use it to set a vendor option). ``in_process``: run the driver in
    this process, not in the helper (the bench's baseline)."""

    backend = "sane"

    def __init__(self, *, overrides: dict[str, SourceNames] | None = None,
                 extra_options: dict[str, dict[str, Any]] | None = None,
                 before_page: Callable[[Any, int], None] | None = None,
                 in_process: bool = False) -> None:
        self.overrides = overrides or {}
        self.extra_options = extra_options or {}
        self.before_page = before_page
        self.in_process = in_process

    def _port(self) -> Any:
        if not available():
            raise BackendMissing(
                "Trình điều khiển SANE (python-sane) chưa được cài: trên Windows hãy dùng WIA,"
                " TWAIN hoặc eSCL.",
                "The SANE driver (python-sane) is not installed: on Windows use WIA, TWAIN or eSCL.")
        if not self.in_process:
            return _RemoteSane(_shared_helper())
        global _local
        if _local is None:  # once per process: SANE_CONFIG_DIR is read here
            from desk_app.scanning.sane_helper import LocalSane

            _local = LocalSane()
            debug_log.record("sane.init", backend="sane", version=_local.version)
        return _local

    @staticmethod
    def _name(device_id: str) -> str:
        return device_id.removeprefix(PREFIX)

    @runs_on_scanner
    def list_devices(self) -> list[DeviceInfo]:
        t0 = time.perf_counter()
        try:
            devs = self._port().list()
        except HelperDied as exc:
            raise _driver_error(exc, pages=0, device="sane") from None
        debug_log.record("sane.list", backend="sane", count=len(devs),
                         seconds=round(time.perf_counter() - t0, 3))
        return [DeviceInfo(PREFIX + name, "sane", vendor, model, kind)
                for name, vendor, model, kind in devs]

    def _open_raw(self, device_id: str) -> _Dev:
        try:
            port = self._port()
            handle = port.open(self._name(device_id))
        except HelperDied as exc:
            raise _driver_error(exc, pages=0, device=device_id) from None
        except ScanError:
            raise
        except Exception as exc:  # noqa: BLE001  (SaneFailure, _sane.error, "No such scan device")
            st = _status(exc)
            debug_log.record("sane.open", backend="sane", device=device_id, status=str(exc))
            if st == "busy":
                raise DeviceBusy(device=device_id) from None
            raise DeviceGone(f"Không mở được máy quét {device_id}: {exc}",
                             f"Cannot open the scanner {device_id}: {exc}",
                             device=device_id, pages_kept=0) from None
        try:
            return _Dev(port, handle)
        except HelperDied as exc:
            raise _driver_error(exc, pages=0, device=device_id) from None

    def _options(self, dev: _Dev, device_id: str) -> DeviceOptions:
        raw_sources = tuple(dev.constraint("source") or ())
        names = self.overrides.get(device_id, SourceNames())
        sources = names.ours(raw_sources) if raw_sources else ("flatbed",)
        res = dev.constraint("resolution")
        resolutions: tuple[int, ...] = ()
        lo, hi = 75, 600
        if isinstance(res, tuple) and len(res) == 3:
            lo, hi = int(res[0]), int(res[1])
        elif isinstance(res, list):
            resolutions = tuple(int(r) for r in res)
            lo, hi = min(resolutions), max(resolutions)
        raw_modes = [m.lower() for m in (dev.constraint("mode") or ())]
        modes = tuple(m for m in ("bw", "gray", "color")
                      if any(n in raw_modes for n in _MODE_NAMES[m]) or (m == "bw" and "gray" in raw_modes))
        br = dev.constraint("br_x"), dev.constraint("br_y")
        w = float(br[0][1]) if isinstance(br[0], tuple) else None
        h = float(br[1][1]) if isinstance(br[1], tuple) else None
        return DeviceOptions(sources=sources, raw_sources=raw_sources, resolutions=resolutions,
                             min_dpi=lo, max_dpi=hi, modes=modes or ("gray",),
                             max_width_mm=w, max_height_mm=h)

    @runs_on_scanner
    def options(self, device_id: str) -> DeviceOptions:
        dev = self._open_raw(device_id)
        try:
            return self._options(dev, device_id)
        finally:
            dev.close()

    @runs_on_scanner
    def open(self, device_id: str, settings: ScanSettings) -> ScanSession:
        dev = self._open_raw(device_id)
        try:
            opts = self._options(dev, device_id)
            names = self.overrides.get(device_id, SourceNames())
            raw_source = None
            if opts.raw_sources:
                raw_source = names.resolve(settings.source, opts.raw_sources)
                if raw_source is None:
                    raise ScanError(
                        f"Máy quét {device_id} không có nguồn “{settings.source}” (có:"
                        f" {', '.join(opts.raw_sources)}); có thể đặt tên nguồn riêng cho máy này.",
                        f"The scanner {device_id} has no “{settings.source}” source (it has:"
                        f" {', '.join(opts.raw_sources)}); a per-device source name can be set.",
                        device=device_id)
                self._set(dev, "source", raw_source, device_id)
            raw_modes = {m.lower(): m for m in (dev.constraint("mode") or ())}
            bw_threshold = False
            wanted = next((raw_modes[n] for n in _MODE_NAMES[settings.mode] if n in raw_modes), None)
            if wanted is None and settings.mode == "bw":
                wanted = next((raw_modes[n] for n in _MODE_NAMES["gray"] if n in raw_modes), None)
                bw_threshold = True
            if wanted is not None:
                self._set(dev, "mode", wanted, device_id)
            if settings.mode == "bw" and "depth" in dev.names and not bw_threshold:
                pass  # a real Lineart mode sets its own depth
            elif "depth" in dev.names:
                self._set(dev, "depth", 8, device_id, quiet=True)
            self._set(dev, "resolution", opts.nearest_dpi(settings.dpi), device_id)
            if settings.width_mm and "br_x" in dev.names:
                self._set(dev, "br_x", min(settings.width_mm, opts.max_width_mm or 1e9), device_id,
                          quiet=True)
            if settings.height_mm and "br_y" in dev.names:
                self._set(dev, "br_y", min(settings.height_mm, opts.max_height_mm or 1e9), device_id,
                          quiet=True)
            for key, value in self.extra_options.get(device_id, {}).items():
                self._set(dev, key, value, device_id)
        except HelperDied as exc:
            raise _driver_error(exc, pages=0, device=device_id) from None
        except BaseException:
            dev.close()
            raise
        debug_log.record("sane.open", backend="sane", device=device_id, source=settings.source,
                         raw_source=raw_source, dpi=settings.dpi, mode=settings.mode)
        return _SaneSession(self, dev, device_id, settings, raw_source, bw_threshold)

    @staticmethod
    def _set(dev: _Dev, name: str, value: Any, device_id: str, quiet: bool = False) -> None:
        try:
            dev.set(name, value)
            debug_log.record("sane.option", backend="sane", device=device_id, option=name,
                             value=value)
        except HelperDied:
            raise
        except Exception as exc:  # noqa: BLE001  (SaneFailure, _sane.error, AttributeError)
            debug_log.record("sane.option", backend="sane", device=device_id, option=name,
                             value=value, status=str(exc))
            if not quiet:
                raise ScanError(f"Máy quét không nhận thiết lập {name}={value}: {exc}",
                                f"The scanner refused {name}={value}: {exc}",
                                device=device_id, option=name) from None

    def close(self) -> None:
        """Nothing to release per scanner: the helper (or ``sane_init`` in process) stays for the
        process (sessions close their own devices)."""
