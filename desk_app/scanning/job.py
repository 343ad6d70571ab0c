"""A scan is a job (``desk_app.jobs``): ``scan_job(device, profile, *, handler, progress, cancel)``.

Every device call runs on the scanner thread (the job itself runs on the caller's thread: the
CLI's main thread, the GUI's job worker). Between pages the job checks the cancel token: a cancel
stops the batch and the pages already scanned are kept (``ScanResult.cancelled``). A jam, an empty
feeder or a scanner gone mid-batch ends the batch with the error in ``ScanResult.errors`` and the
pages kept; the person is told through the handler, and for a jam or an empty feeder asked whether
to go on (paper cleared / loaded): yes reopens the feeder and appends to the same batch.

Manual duplex (a feeder that scans one side): the fronts go through, the handler asks the person to
turn the stack over, the backs go through, and the backs (which come out last-page-first) are
interleaved with the fronts.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

from desk_app.devices.handler import DeviceHandler
from desk_app.jobs import CancelToken, ProgressFn, Steps, no_progress
from desk_app.scanning.backend import (
    Page,
    Scanner,
    ScanSettings,
    debug_log,
    on_scanner_thread,
)
from desk_app.scanning.errors import DeviceGone, FeederEmpty, NotResponding, PaperJam, ScanError
from desk_app.scanning.imaging import BLANK_COVERAGE, deskew, ink_coverage
from desk_app.scanning.profiles import Profile

__all__ = ["ScanDevice", "ScanResult", "scan_job"]

MAX_RETRIES = 3
# How long one page may take before the scanner counts as hung (a 600 dpi colour A4 page on a
# slow USB 1.1 flatbed takes well under a minute). Tests set it low.
PAGE_TIMEOUT_S = float(os.environ.get("DESK_SCAN_PAGE_TIMEOUT", "120"))
_ABORT_GRACE_S = 10.0        # after a cancel, how long the driver gets to let the read return


def _next_page(session) -> Any:
    """``session.next_page`` on the scanner thread, with a watchdog: a read that hangs is
    cancelled from here (``sane_cancel`` may be called at any time, from any thread), and if it
    still does not return the scanner thread is abandoned and the job reports NotResponding
    with the pages kept — the clerk's window never freezes on a hung driver. (A SANE session
    runs its driver in a helper process: it gives up on a hung call itself after the same limit,
    and its ``abort`` kills the helper, so its scanner thread always comes back.)"""
    from concurrent.futures import TimeoutError as FutureTimeout

    from desk_app.devices.threads import abandon, device_thread
    from desk_app.scanning.backend import FAMILY

    limit = float(os.environ.get("DESK_SCAN_PAGE_TIMEOUT", PAGE_TIMEOUT_S))
    thread = device_thread(FAMILY)
    if thread.is_current():
        return session.next_page()
    fut = thread.submit(session.next_page)
    try:
        return fut.result(limit)
    except FutureTimeout:
        debug_log.record("job.page_timeout", seconds=limit)
        abort = getattr(session, "abort", None)
        if abort is not None:
            abort()
        try:
            return fut.result(_ABORT_GRACE_S)
        except FutureTimeout:
            session.abandoned = True
            abandon(FAMILY, thread)
            raise NotResponding(seconds=limit) from None


@dataclass(frozen=True)
class ScanDevice:
    scanner: Scanner
    device_id: str


@dataclass
class ScanResult:
    pages: list[Page] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.cancelled

    @property
    def blank_pages(self) -> list[int]:
        return [p.index for p in self.pages if p.flags.get("likely_blank")]

    def to_dict(self) -> dict[str, Any]:
        return {"pages": [p.meta() for p in self.pages], "cancelled": self.cancelled,
                "errors": [e.to_dict() for e in self.errors], "likely_blank": self.blank_pages}


def _clean(page: Page, *, do_deskew: bool, detect_blank: bool) -> Page:
    flags = dict(page.flags)
    img = page.image
    if detect_blank:
        cov = ink_coverage(img)
        flags["ink"] = round(cov, 5)
        if cov < BLANK_COVERAGE:
            flags["likely_blank"] = True
    if do_deskew and not flags.get("likely_blank"):
        img, angle = deskew(img)
        if angle:
            flags["deskew_deg"] = angle
            flags["modified"] = True
    return replace(page, image=img, flags=flags)


class _Batch:
    """One pass through the device (a source, a settings), with retries on jam/empty feeder."""

    def __init__(self, device: ScanDevice, settings: ScanSettings, handler: DeviceHandler,
                 steps: Steps, result: ScanResult, *, side: str, total: int | None,
                 clean: dict[str, bool]) -> None:
        self.device, self.settings, self.handler = device, settings, handler
        self.steps, self.result, self.side, self.total = steps, result, side, total
        self.clean = clean
        self.got: list[Page] = []

    def _ask_to_go_on(self, err: ScanError) -> bool:
        if isinstance(err, FeederEmpty):
            return self.handler.confirm(
                "Khay nạp giấy trống. Hãy đặt giấy vào khay rồi chọn Tiếp tục.",
                "The document feeder is empty. Load the paper, then choose Continue.")
        if isinstance(err, PaperJam):
            return self.handler.confirm(
                f"Kẹt giấy sau {len(self.result.pages)} trang. Gỡ tờ bị kẹt, đặt lại các tờ chưa"
                " quét vào khay rồi chọn Tiếp tục.",
                f"Paper jam after {len(self.result.pages)} pages. Clear it, reload the sheets not"
                " yet scanned, then choose Continue.")
        return False

    def run(self, cancel: CancelToken | None) -> bool:
        """Scan this pass; False when the job must stop (error or cancel)."""
        tries = 0
        settings = self.settings
        while True:
            if cancel is not None and cancel.cancelled:
                self.result.cancelled = True
                return False
            try:
                session = on_scanner_thread(self.device.scanner.open, self.device.device_id,
                                            settings)
            except ScanError as err:
                return self._failed(err, tries_left=False)
            try:
                while True:
                    if cancel is not None and cancel.cancelled:
                        self.result.cancelled = True
                        return False
                    try:
                        page = _next_page(session)
                    except ScanError as err:
                        err.details["pages_kept"] = len(self.result.pages)
                        tries += 1
                        if tries <= MAX_RETRIES and not isinstance(err, DeviceGone) \
                                and self._ask_to_go_on(err):
                            break   # reopen and go on
                        return self._failed(err, tries_left=True)
                    if page is None:
                        return True
                    n = len(self.result.pages)
                    page = replace(page, index=n, side=self.side if self.side != "auto" else page.side)
                    page = _clean(page, **self.clean)
                    self.result.pages.append(page)
                    self.got.append(page)
                    if self.settings.max_pages is not None \
                            and len(self.got) >= self.settings.max_pages:
                        return True
                    self.steps.report("scan.page", n + 1, self.total,
                                      f"Đã quét {n + 1} trang", f"Scanned {n + 1} pages")
            finally:
                if not getattr(session, "abandoned", False):     # a hung read: never touch it
                    on_scanner_thread(session.close)
            if self.settings.max_pages is not None:
                settings = replace(settings, max_pages=self.settings.max_pages - len(self.got))

    def _failed(self, err: ScanError, *, tries_left: bool) -> bool:
        err.details["pages_kept"] = len(self.result.pages)
        self.result.errors.append(err)
        debug_log.record("job.error", code=err.code, pages=len(self.result.pages))
        n = len(self.result.pages)
        kept_vi = f" Giữ lại {n} trang đã quét." if n else ""
        kept_en = f" The {n} pages already scanned are kept." if n else ""
        self.handler.notify(err.vi + kept_vi, err.en + kept_en, "error")
        return False


def scan_job(device: ScanDevice, profile: Profile, *, handler: DeviceHandler,
             progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
             source: str | None = None, pages: int | None = None, deskew_pages: bool = True,
             detect_blank: bool = True) -> ScanResult:
    """Scan with ``profile`` (``source``/``pages`` override it for this batch). Never raises a
    scanner error: they are in the result, with the pages scanned before them."""
    steps = Steps(progress, cancel)
    result = ScanResult()
    src = source or profile.source
    clean = {"do_deskew": deskew_pages, "detect_blank": detect_blank}
    debug_log.record("job.start", backend=device.scanner.backend, device=device.device_id,
                     source=src, dpi=profile.dpi, mode=profile.mode)
    if src != "manual_duplex":
        settings = profile.settings(source=src, max_pages=pages)
        _Batch(device, settings, handler, steps, result, side="auto", total=pages,
               clean=clean).run(cancel)
    else:
        settings = profile.settings(source="feeder", max_pages=pages)
        fronts = _Batch(device, settings, handler, steps, result, side="front", total=None,
                        clean=clean)
        if fronts.run(cancel) and fronts.got:
            if not handler.confirm(
                    f"Đã quét mặt trước {len(fronts.got)} tờ. Hãy lật cả xấp giấy (không đảo thứ"
                    " tự) và đặt lại vào khay, rồi chọn Tiếp tục để quét mặt sau.",
                    f"Fronts of {len(fronts.got)} sheets scanned. Turn the whole stack over (keep"
                    " the order) and put it back in the feeder, then choose Continue to scan the"
                    " backs."):
                handler.notify("Chỉ giữ mặt trước.", "Only the fronts are kept.", "warning")
            else:
                backs = _Batch(device, replace(settings, max_pages=len(fronts.got)), handler,
                               steps, result, side="back", total=2 * len(fronts.got), clean=clean)
                backs.run(cancel)
                result.pages = _interleave(fronts.got, backs.got)
    if result.cancelled:
        handler.notify(f"Đã dừng quét; giữ lại {len(result.pages)} trang đã quét.",
                       f"Scan stopped; the {len(result.pages)} pages already scanned are kept.",
                       "warning")
    steps.finish("scan.done", len(result.pages), len(result.pages),
                 f"Xong: {len(result.pages)} trang", f"Done: {len(result.pages)} pages")
    debug_log.record("job.end", pages=len(result.pages), count=len(result.errors))
    return result


def _interleave(fronts: list[Page], backs: list[Page]) -> list[Page]:
    """Backs of a turned stack come out last sheet first: back k belongs to front n-1-k."""
    out: list[Page] = []
    n = len(fronts)
    rev = list(reversed(backs))
    missing = n - len(rev)
    for i, f in enumerate(fronts):
        out.append(f)
        j = i - missing
        if 0 <= j < len(rev):
            out.append(rev[j])
    return [replace(p, index=i) for i, p in enumerate(out)]
