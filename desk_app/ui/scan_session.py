"""The scan session: from paper (or files) to one PDF attached to a dossier component.

Choose the device (the services' list; "test scanner"; the last one used on this desk is chosen
again), the source (flatbed, feeder, duplex, manual duplex — the core turns the stack over through
the device handler and interleaves the backs), the profile of the document type (locked profiles
are shown locked: their source cannot be changed), or import files (images, PDFs, phone photos;
an unusable file is refused with its message and the others are kept).

Pages appear as thumbnails as they arrive. By keyboard: Ctrl+Up/Down move the page, R / Shift+R
turn it, C crops it, Delete removes it (Ctrl+Z puts it back), Space keeps a page flagged as likely
blank (a flagged page is never dropped silently: Save waits until each one is kept or deleted).
A jam, an empty feeder or a scanner gone mid-batch is said in the session's message line; the
pages already scanned stay, and Scan goes on from there.

The PDF's size for the chosen compression is shown before saving; Save writes the PDF (with the
optional OCR text layer) and emits ``saved(path)``. All the work — device list, scan, import, size,
save, OCR — runs on the session's own ``JobRunner`` (a worker thread; the scanner calls on the
scanner thread): the window never waits on a device or on OCR.
"""
from __future__ import annotations

import logging
from pathlib import Path

from desk_app.domain.errors import DeskError
from desk_app.services.scanning import session as scan_session
from desk_app.ui import dialogs, i18n
from desk_app.ui.device_handler import QtDeviceHandler
from desk_app.ui.jobs import JobRunner
from desk_app.ui.qt import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListView,
    QMessageBox,
    QObject,
    QPushButton,
    QShortcut,
    QSize,
    QSpinBox,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desk_app.ui.scan_thumbnails import THUMB_PX, PageDelegate, ThumbnailModel

log = logging.getLogger(__name__)

__all__ = ["CropDialog", "ScanSessionDialog"]

ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b6e2a;"
SOURCES = ("flatbed", "feeder", "duplex", "manual_duplex")


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB".replace(".", ",")


class CropDialog(QDialog):
    """Margins to cut off, in per cent of the page (Enter accepts, Escape cancels)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanCrop")
        self.setWindowTitle(self.tr("Crop the page"))
        form = QFormLayout(self)
        self.spins: list[QSpinBox] = []
        for name, text in (("left", self.tr("Left margin (%):")), ("top", self.tr("Top margin (%):")),
                           ("right", self.tr("Right margin (%):")),
                           ("bottom", self.tr("Bottom margin (%):"))):
            spin = QSpinBox(self)
            spin.setObjectName(f"crop_{name}")
            spin.setRange(0, 45)
            form.addRow(text, spin)
            self.spins.append(spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def box(self) -> tuple[float, float, float, float]:
        left, top, right, bottom = (s.value() / 100 for s in self.spins)
        return left, top, 1 - right, 1 - bottom


class ScanSessionDialog(QDialog):
    """One scan session for one target (a dossier component). ``saved(Path)`` after Save."""

    saved = Signal(object)
    _raw_page = Signal(object)            # scanner thread → GUI thread (queued)

    def __init__(self, data_dir: Path, target: str, parent: QWidget | None = None, *,
                 is_admin: bool = False, default_profile: str | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.target = target
        self.is_admin = is_admin
        self.setObjectName("scanSession")
        self.setWindowTitle(self.tr("Scan — %1").replace("%1", target))
        self.runner = JobRunner(self.data_dir, self)
        self.runner.show_delay_ms = 0
        self.handler = QtDeviceHandler(self)
        self.handler.show_notice_boxes = False            # the session says it in its own line
        self.handler.notified.connect(self._on_notified)
        self.handler.confirm_dialog_factory = self._confirm_dialog
        self.model = ThumbnailModel(self)
        self.devices: list = []
        self._device_cache: dict[str, object] = {}
        self.profiles = {}
        self.saved_path: Path | None = None
        self.last_result = None
        self.last_size: int | None = None
        self._size_gen = 0
        self.preset_sizes: dict[tuple, dict[str, int]] = {}
        self._size_jobs: list = []
        self._batch_start = 0
        self.busy = False
        self.device_sources: tuple[str, ...] = ()
        self._build()
        self._wire()
        self._load_profiles(default_profile)
        self.refresh_devices()
        self.fit_to_screen()
        self.pages_view.setFocus()

    # --- construction --------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel(self.tr("Pages for: %1").replace("%1", self.target), self)
        self.heading.setObjectName("scanHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)

        self.device = QComboBox(self)
        self.device.setObjectName("scanDevice")
        self.device.setMinimumContentsLength(18)
        self.device.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.test_button = QPushButton(self.tr("Test scanner"), self)
        self.test_button.setObjectName("scanTest")
        self.refresh_button = QPushButton(self.tr("Refresh list"), self)
        self.refresh_button.setObjectName("scanRefresh")
        self.source = QComboBox(self)
        self.source.setObjectName("scanSource")
        for s in SOURCES:
            self.source.addItem(self._source_label(s), s)
        self.profile = QComboBox(self)
        self.profile.setObjectName("scanProfile")
        self.profile.setMinimumContentsLength(18)
        self.profile.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lock_label = QLabel(self)
        self.lock_label.setObjectName("scanLocked")
        self.lock_label.hide()
        self.pages_limit = QSpinBox(self)
        self.pages_limit.setObjectName("scanPages")
        self.pages_limit.setRange(0, 500)
        self.pages_limit.setSpecialValueText(self.tr("all"))
        self.scan_button = QPushButton(self.tr("Scan (F5)"), self)
        self.scan_button.setObjectName("scanStart")
        self.import_button = QPushButton(self.tr("Import files… (Ctrl+O)"), self)
        self.import_button.setObjectName("scanImport")

        top = QGridLayout()
        top.addWidget(QLabel(self.tr("Scanner:"), self), 0, 0)
        top.addWidget(self.device, 0, 1)
        top.addWidget(self.test_button, 0, 2)
        top.addWidget(self.refresh_button, 0, 3)
        top.addWidget(QLabel(self.tr("Document type:"), self), 1, 0)
        top.addWidget(self.profile, 1, 1)
        top.addWidget(self.lock_label, 1, 2, 1, 2)
        top.addWidget(QLabel(self.tr("Source:"), self), 2, 0)
        top.addWidget(self.source, 2, 1)
        pages_row = QHBoxLayout()
        pages_row.addWidget(QLabel(self.tr("Sheets:"), self))
        pages_row.addWidget(self.pages_limit)
        pages_row.addStretch(1)
        top.addLayout(pages_row, 2, 2, 1, 2)
        top.setColumnStretch(1, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.scan_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)

        self.pages_view = QListView(self)
        self.pages_view.setObjectName("scanPagesView")
        self.pages_view.setModel(self.model)
        self.pages_view.setItemDelegate(PageDelegate(self.pages_view))
        self.pages_view.setViewMode(QListView.ViewMode.ListMode)
        self.pages_view.setFlow(QListView.Flow.LeftToRight)
        self.pages_view.setWrapping(True)
        self.pages_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.pages_view.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.pages_view.setGridSize(QSize(THUMB_PX + 30, THUMB_PX + 2 * self.fontMetrics().lineSpacing() + 20))
        self.pages_view.setUniformItemSizes(True)
        self.pages_view.setSpacing(4)
        self.pages_view.setWordWrap(True)
        self.pages_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pages_view.setDragEnabled(True)
        self.pages_view.setAcceptDrops(True)
        self.pages_view.setDropIndicatorShown(True)
        self.pages_view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.pages_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.pages_view.setMinimumHeight(THUMB_PX + 70)

        self.keys_hint = QLabel(self.tr("Ctrl+↑/↓ move · R / Shift+R turn · C crop · Delete remove"
                                        " (Ctrl+Z undo) · Space keep a page flagged blank"), self)
        self.keys_hint.setObjectName("scanKeys")
        self.keys_hint.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("scanMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.progress = self.runner.widget(self)
        self.progress.setObjectName("scanProgress")

        self.preset = QComboBox(self)
        self.preset.setObjectName("scanPreset")
        for p in scan_session.PRESETS:
            self.preset.addItem(self._preset_label(p), p)
        self.size_label = QLabel(self)
        self.size_label.setObjectName("scanSize")
        self.ocr = QCheckBox(self.tr("Text recognition (OCR) in the background"), self)
        self.ocr.setObjectName("scanOcr")
        self.save_button = QPushButton(self.tr("Save and attach (Ctrl+S)"), self)
        self.save_button.setObjectName("scanSave")
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("scanClose")
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("Compression:"), self))
        bottom.addWidget(self.preset)
        bottom.addWidget(self.size_label, 1)
        bottom.addWidget(self.ocr)
        bottom2 = QHBoxLayout()
        bottom2.addWidget(self.progress, 1)
        bottom2.addStretch(1)
        bottom2.addWidget(self.save_button)
        bottom2.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.pages_view, 1)
        layout.addWidget(self.keys_hint)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        layout.addLayout(bottom2)
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)
            b.setDefault(False)

    def _confirm_dialog(self, vi: str, en: str):
        """The device's question (jam, empty feeder, turn the stack over) with buttons that
        say what they do: "Continue" goes on with the same batch, "Stop" keeps what is scanned."""
        box = self.handler.make_confirm_dialog(vi, en)
        box.setWindowTitle(self.tr("Scanner"))
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("Continue"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Stop scanning"))
        return box

    def _source_label(self, source: str) -> str:
        return {"flatbed": self.tr("Flatbed (glass)"), "feeder": self.tr("Document feeder"),
                "duplex": self.tr("Feeder, both sides"),
                "manual_duplex": self.tr("Both sides by hand (turn the stack over)")}[source]

    def _preset_label(self, preset: str) -> str:
        return {"bw_g4": self.tr("Black and white (smallest)"), "gray_jpeg": self.tr("Grey (JPEG)"),
                "color_jpeg": self.tr("Colour (JPEG)"),
                "color_jpeg_small": self.tr("Colour, small (JPEG ≤ 200 dpi)"),
                "keep": self.tr("Scanner's own JPEG, untouched")}[preset]

    def _wire(self) -> None:
        self.test_button.clicked.connect(self.test_scanner)
        self.refresh_button.clicked.connect(self.refresh_devices)
        self.scan_button.clicked.connect(self.start_scan)
        self.import_button.clicked.connect(self.import_files)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.profile.currentIndexChanged.connect(self._profile_changed)
        self.device.currentIndexChanged.connect(lambda _i: self.load_sources())
        self.preset.currentIndexChanged.connect(lambda _i: self.schedule_size())
        self._raw_page.connect(self._on_raw_page, Qt.ConnectionType.QueuedConnection)
        self.runner.progressed.connect(self._on_progress)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.rowsMoved,
                    self.model.dataChanged, self.model.modelReset):
            sig.connect(lambda *_: self.schedule_size())
        self._size_timer = QTimer(self)
        self._size_timer.setSingleShot(True)
        self._size_timer.setInterval(250)
        self._size_timer.timeout.connect(self.compute_size)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (("F5", self.start_scan), ("Ctrl+O", self.import_files),
                           ("Ctrl+S", self.save), ("Ctrl+Z", self.undo_delete)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(context)
            sc.activated.connect(slot)
        self.pages_view.installEventFilter(self)
        self.schedule_size()

    def fit_to_screen(self) -> None:
        host = self.parentWidget()
        screen = (host.screen() if host is not None else None) or QApplication.primaryScreen()
        avail = screen.availableGeometry()
        w, h = min(1100, avail.width() - 16), min(760, avail.height() - 40)
        self.setGeometry(avail.x() + (avail.width() - w) // 2,
                         avail.y() + max(32, (avail.height() - h) // 2), w, h)

    # --- messages ------------------------------------------------------------------------------
    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _on_notified(self, text: str, level: str) -> None:
        self.show_message(text, error=level in ("warning", "error"))

    def _on_progress(self, p) -> None:
        if p.step == "scan.page":
            self.show_message(p.message(i18n.current_language()))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.scan_button, self.import_button, self.save_button, self.test_button,
                  self.refresh_button, self.device, self.source, self.profile, self.preset,
                  self.pages_limit):
            w.setEnabled(not busy)
        if not busy:
            self._apply_lock()

    def _run(self, fn, on_done, *, title_vi: str, title_en: str, cancellable: bool = True,
             busy: bool = True, on_error=None, show_progress: bool = True):
        if busy:
            self._set_busy(True)

        def done(result) -> None:
            if busy:
                self._set_busy(False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            if busy:
                self._set_busy(False)
            if on_error is not None:
                on_error(exc)
            else:
                self.show_message(i18n.error_text(exc), error=True)
        if busy:                            # real work first: a size comparison gives way
            for h in self._size_jobs:
                h.cancel()
            self._size_jobs = []
        return self.runner.run(fn, on_done=done, on_error=failed, title_vi=title_vi,
                               title_en=title_en, cancellable=cancellable, needs_store=False,
                               show_progress=show_progress)

    # --- devices and profiles ------------------------------------------------------------------
    def refresh_devices(self) -> None:
        data_dir = self.data_dir

        def job(_wctx, progress, cancel):
            devices, notes = scan_session.list_devices(data_dir)
            return devices, notes, scan_session.last_device(data_dir)

        def done(res) -> None:
            devices, notes, last = res
            self.devices = devices
            self.device.clear()
            for d in devices:
                self.device.addItem(d.label, d.id)
            if last:
                i = self.device.findData(last)
                if i >= 0:
                    self.device.setCurrentIndex(i)
            if not devices:
                self.show_message(self.tr("No scanner found. Check the cable and the power, or"
                                          " import files instead (Ctrl+O)."), error=True)
            self.devices_loaded = True
        self.devices_loaded = False
        self._run(job, done, title_vi="Đang tìm máy quét", title_en="Looking for scanners",
                  cancellable=False)

    def _load_profiles(self, default: str | None) -> None:
        try:
            self.profiles = scan_session.profiles(self.data_dir)
        except DeskError as exc:
            self.profiles = {}
            self.show_message(i18n.error_text(exc), error=True)
        lang = i18n.current_language()
        self.profile.blockSignals(True)
        for name, prof in self.profiles.items():
            label = prof.label(lang)
            if prof.locked:
                label += " " + self.tr("(locked)")
            self.profile.addItem(label, name)
        self.profile.blockSignals(False)
        i = self.profile.findData(default) if default else -1
        self.profile.setCurrentIndex(i if i >= 0 else 0)
        self._profile_changed()

    def current_profile(self):
        return self.profiles.get(self.profile.currentData())

    def _profile_changed(self, *_args) -> None:
        prof = self.current_profile()
        if prof is None:
            return
        i = self.source.findData(prof.source)
        if i >= 0:
            self.source.setCurrentIndex(i)
        j = self.preset.findData(prof.preset)
        if j >= 0:
            self.preset.setCurrentIndex(j)
        self._apply_lock()

    def _apply_lock(self) -> None:
        prof = self.current_profile()
        locked = bool(prof is not None and prof.locked and not self.is_admin)
        self.lock_label.setText(self.tr("Locked by the administrator: the source and the"
                                        " settings of this profile cannot be changed.")
                                if locked else "")
        self.lock_label.setVisible(locked)
        self.lock_label.setWordWrap(True)
        self.source.setEnabled(not locked and not self.busy)
        self.preset.setEnabled(not locked and not self.busy)

    def load_sources(self) -> None:
        """Grey out the sources the chosen device does not have (asked on the scanner thread)."""
        try:
            device = self.scan_device()
        except DeskError as exc:
            self.show_message(i18n.error_text(exc), error=True)
            return
        if device is None:
            return
        device_id = device.device_id

        def job(_wctx, progress, cancel):
            return scan_session.device_sources(device)

        def done(sources) -> None:
            if self.device.currentData() != device_id:
                return
            self.device_sources = tuple(sources)
            model = self.source.model()
            for i in range(self.source.count()):
                item = model.item(i)
                if item is not None:
                    item.setEnabled(self.source.itemData(i) in sources)
            if self.source.currentData() not in sources and sources:
                prof = self.current_profile()
                want = prof.source if prof is not None and prof.source in sources else sources[0]
                self.source.setCurrentIndex(self.source.findData(want))

        def failed(exc: BaseException) -> None:
            self.show_message(i18n.error_text(exc), error=True)
        self._run(job, done, title_vi="Đang hỏi máy quét", title_en="Asking the scanner",
                  cancellable=False, on_error=failed)

    def scan_device(self):
        """The chosen device as the services give it (cached: one driver object per device)."""
        device_id = self.device.currentData()
        if not device_id:
            return None
        if device_id not in self._device_cache:
            self._device_cache[device_id] = scan_session.find_device(device_id, self.data_dir)
        return self._device_cache[device_id]

    def test_scanner(self) -> None:
        device_id = self.device.currentData()
        if not device_id:
            self.show_message(self.tr("Choose a scanner first."), error=True)
            return
        from desk_app.services.scanning import service

        data_dir, handler = self.data_dir, self.handler

        def job(_wctx, progress, cancel):
            return service.test_scanner(data_dir, device_id, handler=handler)

        def done(report) -> None:
            if report.get("ok"):
                self.show_message(self.tr("The scanner answers (a test page in %1 s).")
                                  .replace("%1", f"{report.get('seconds', 0):.1f}".replace(".", ",")))
            else:
                errs = report.get("errors") or []
                lang = i18n.current_language()
                text = errs[0].get(lang) or errs[0].get("vi", "") if errs else ""
                self.show_message(self.tr("The scanner does not answer: %1").replace("%1", str(text)),
                                  error=True)
        self._run(job, done, title_vi="Đang thử máy quét", title_en="Testing the scanner")

    # --- scanning ------------------------------------------------------------------------------
    def start_scan(self) -> None:
        if self.busy:
            return
        prof = self.current_profile()
        if prof is None:
            self.show_message(self.tr("Choose a document type first."), error=True)
            return
        try:
            device = self.scan_device()
        except DeskError as exc:
            self.show_message(i18n.error_text(exc), error=True)
            return
        if device is None:
            self.show_message(self.tr("Choose a scanner first (or import files: Ctrl+O)."),
                              error=True)
            return
        source = self.source.currentData()
        try:
            prof = prof.adjusted(by_admin=self.is_admin, source=source,
                                 preset=self.preset.currentData())
        except DeskError as exc:
            self.show_message(i18n.error_text(exc), error=True)
            return
        pages = self.pages_limit.value() or None
        handler = self.handler
        self._batch_start = self.model.rowCount()
        self.show_message(self.tr("Scanning…"))
        emit = self._raw_page.emit
        data_dir, device_id = self.data_dir, device.device_id

        def job(_wctx, progress, cancel):
            res = scan_session.scan(device, prof, handler=handler, source=source, pages=pages,
                                    on_page=emit, progress=progress, cancel=cancel)
            if res[0]:
                scan_session.remember_device(data_dir, device_id)
            return res
        self._run(job, self._scan_done, title_vi="Đang quét", title_en="Scanning")

    def _on_raw_page(self, sp) -> None:
        if self.busy:
            self.model.append([sp])
            self.pages_view.scrollToBottom()

    def _scan_done(self, res) -> None:
        pages, result = res
        self.last_result = result
        self.model.replace_tail(self._batch_start, pages)
        lang = i18n.current_language()
        n = len(pages)
        if result.errors:
            err = result.errors[0]
            kept = self.tr("%1 pages of this batch are kept; fix the scanner and press Scan (F5)"
                           " to go on.").replace("%1", str(n))
            self.show_message(err.message(lang) + " " + kept, error=True)
        elif result.cancelled:
            self.show_message(self.tr("Scan stopped; %1 pages of this batch are kept.")
                              .replace("%1", str(n)), error=True)
        else:
            self.show_message(self.tr("%1 pages scanned.").replace("%1", str(n)))
        blanks = self.model.unconfirmed_blanks()
        if blanks:
            self.show_message(self.message.text() + " " + self.tr(
                "%1 pages look blank (marked in red): Space keeps, Delete removes.")
                .replace("%1", str(len(blanks))), error=bool(result.errors or result.cancelled))
            self.select(blanks[0])
        elif n:
            self.select(self.model.rowCount() - 1)
        self.pages_view.setFocus()

    # --- importing -----------------------------------------------------------------------------
    def import_files(self) -> None:
        if self.busy:
            return
        paths = dialogs.open_files(self, self.tr("Import files for: %1").replace("%1", self.target),
                                   self.tr("Images and PDFs (*.pdf *.png *.jpg *.jpeg *.tif *.tiff"
                                           " *.bmp *.webp);;All files (*)"))
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[Path]) -> None:
        def job(_wctx, progress, cancel):
            return scan_session.import_paths(paths, progress=progress, cancel=cancel)

        def done(outcome) -> None:
            self.model.append(outcome.pages)
            lang = i18n.current_language()
            lines = []
            if outcome.pages:
                lines.append(self.tr("%1 pages imported.").replace("%1", str(len(outcome.pages))))
            lines += [e.message(lang) for e in outcome.refused]
            self.show_message("\n".join(lines), error=bool(outcome.refused))
            if outcome.pages:
                self.select(self.model.rowCount() - 1)
            self.pages_view.setFocus()
        self._run(job, done, title_vi="Đang đọc tệp", title_en="Reading files")

    # --- editing by keyboard -------------------------------------------------------------------
    def current_row(self) -> int:
        idx = self.pages_view.currentIndex()
        return idx.row() if idx.isValid() else -1

    def select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.pages_view.setCurrentIndex(self.model.index(row, 0))

    def move_current(self, delta: int) -> bool:
        row = self.current_row()
        dest = row + delta
        if row < 0 or not 0 <= dest < self.model.rowCount():
            return False
        ok = self.model.moveRows(self.model.index(0, 0).parent(), row, 1,
                                 self.model.index(0, 0).parent(), dest + (1 if delta > 0 else 0))
        if ok:
            self.select(dest)
        return ok

    def rotate_current(self, quarter_turns: int) -> None:
        row = self.current_row()
        if row < 0:
            return
        self.model.set_page(row, scan_session.rotate(self.model.page(row), quarter_turns))
        self.select(row)

    def crop_current(self) -> CropDialog | None:
        row = self.current_row()
        if row < 0:
            return None
        dlg = CropDialog(self)
        self.crop_dialog = dlg

        def accepted() -> None:
            if 0 <= row < self.model.rowCount():
                self.model.set_page(row, scan_session.crop(self.model.page(row), dlg.box()))
                self.select(row)
        dlg.accepted.connect(accepted)
        dlg.open()
        return dlg

    def delete_current(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        self.model.removeRows(row, 1)
        self.show_message(self.tr("Page deleted (Ctrl+Z puts it back)."))
        self.select(min(row, self.model.rowCount() - 1))

    def undo_delete(self) -> None:
        rows = self.model.undo()
        if rows:
            self.select(rows[0])
            self.show_message(self.tr("Page put back."))

    def keep_blank(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        sp = self.model.page(row)
        if sp.likely_blank and not sp.blank_confirmed:
            sp.blank_confirmed = True
            self.model.set_page(row, sp)
            left = self.model.unconfirmed_blanks()
            if left:
                self.select(left[0])
            else:
                self.select(row)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.pages_view and event.type() == QEvent.Type.KeyPress and not self.busy:
            key, mods = event.key(), event.modifiers()
            ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
            shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
            if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Left):
                self.move_current(-1)
                return True
            if ctrl and key in (Qt.Key.Key_Down, Qt.Key.Key_Right):
                self.move_current(+1)
                return True
            if key == Qt.Key.Key_R and not ctrl:
                self.rotate_current(-1 if shift else 1)
                return True
            if key == Qt.Key.Key_C and not ctrl:
                self.crop_current()
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.delete_current()
                return True
            if key == Qt.Key.Key_Space:
                self.keep_blank()
                return True
        return super().eventFilter(obj, event)

    # --- size and save -------------------------------------------------------------------------
    def schedule_size(self) -> None:
        self._size_gen += 1
        if not self.model.rowCount():
            self.last_size = None
            self.size_label.setText(self.tr("No pages yet."))
            self._show_preset_sizes({})
            return
        self.size_label.setText(self.tr("PDF size: computing…"))
        self._size_timer.start()

    def _signature(self) -> tuple:
        return tuple(id(p) for p in self.model.pages())

    def _show_size(self, preset: str, size: int, count: int) -> None:
        self.last_size = size
        self.size_label.setText(self.tr("PDF size: %1 for %2 pages (%3)")
                                .replace("%1", _mb(size)).replace("%2", str(count))
                                .replace("%3", self._preset_label(preset)))

    def _show_preset_sizes(self, sizes: dict[str, int]) -> None:
        """Each compression's size in its list entry, so the clerk can compare before saving."""
        for i in range(self.preset.count()):
            p = self.preset.itemData(i)
            text = self._preset_label(p)
            if p in sizes:
                text += f" — {_mb(sizes[p])}"
            self.preset.setItemText(i, text)

    def compute_size(self) -> None:
        """The size of the PDF Save would write, for the chosen compression first, then for the
        others (shown in the list), on the worker; a later change makes these answers stale."""
        if self.busy:                       # after the scan / import: the model changes again
            self._size_timer.start()
            return
        gen = self._size_gen
        pages = self.model.pages()
        preset = self.preset.currentData()
        if not pages:
            return
        sig = self._signature()
        cached = self.preset_sizes.get(sig, {})
        if preset in cached:
            self._show_size(preset, cached[preset], len(pages))
            return

        def job(_wctx, progress, cancel):
            return scan_session.assemble_pages(pages, preset, cancel=cancel).size

        def others(_wctx, progress, cancel):
            out = {}
            for p in scan_session.PRESETS:
                if p != preset:
                    cancel.raise_if_cancelled()
                    out[p] = scan_session.assemble_pages(pages, p, cancel=cancel).size
            return out

        def done(size: int) -> None:
            if gen != self._size_gen:
                return
            self.preset_sizes = {sig: {preset: size}}
            self._show_size(preset, size, len(pages))
            self._show_preset_sizes(self.preset_sizes[sig])
            self._size_jobs.append(self._run(
                others, done_others, title_vi="Đang so sánh dung lượng",
                title_en="Comparing the sizes", busy=False, on_error=lambda _e: None,
                show_progress=False))

        def done_others(sizes: dict[str, int]) -> None:
            if sig in self.preset_sizes:
                self.preset_sizes[sig].update(sizes)
                if self._signature() == sig:
                    self._show_preset_sizes(self.preset_sizes[sig])

        def failed(exc: BaseException) -> None:
            from desk_app.jobs import Cancelled

            if gen == self._size_gen and not isinstance(exc, Cancelled):
                self.size_label.setText(i18n.error_text(exc))
        self._size_jobs.append(self._run(job, done, title_vi="Đang tính dung lượng",
                                         title_en="Computing the size", busy=False,
                                         on_error=failed, show_progress=False))

    def save(self) -> None:
        if self.busy:
            return
        if not self.model.rowCount():
            self.show_message(self.tr("There is no page to save yet."), error=True)
            return
        blanks = self.model.unconfirmed_blanks()
        if blanks:
            self.show_message(self.tr("%1 pages look blank: keep each one (Space) or delete it"
                                      " (Delete) before saving.").replace("%1", str(len(blanks))),
                              error=True)
            self.select(blanks[0])
            self.pages_view.setFocus()
            return
        pages = self.model.pages()
        preset = self.preset.currentData()
        ocr = self.ocr.isChecked()
        prof = self.current_profile()
        pdfa = bool(prof is not None and prof.pdfa)
        try:
            path = scan_session.draft_path(self.data_dir, self.target)
        except OSError as exc:
            self.show_message(self.tr("Cannot write the scan: %1").replace("%1", str(exc)), error=True)
            return
        self.show_message(self.tr("Saving the PDF…") if not ocr else
                          self.tr("Saving the PDF with text recognition (OCR)…"))

        def job(_wctx, progress, cancel):
            return scan_session.save_pdf(pages, preset, path, ocr=ocr, pdfa=pdfa, cancel=cancel,
                                         progress=progress)

        def done(res) -> None:
            self.saved_path, size, self.ocr_text = res
            self.model.clear()
            self.show_message(self.tr("Saved: %1 (%2).").replace("%1", self.saved_path.name)
                              .replace("%2", _mb(size)))
            self.saved.emit(self.saved_path)
            self.accept()
        self._run(job, done, title_vi="Đang lưu bản quét", title_en="Saving the scan")

    # --- closing -------------------------------------------------------------------------------
    def reject(self) -> None:
        """Escape / Close: a running scan is stopped first (its pages stay); unsaved pages are
        only dropped after asking."""
        if self.busy:
            self.runner.cancel_current()
            return
        if self.model.rowCount():
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Discard the pages?"),
                              self.tr("%1 scanned pages are not saved. Discard them?")
                              .replace("%1", str(self.model.rowCount())),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.setDefaultButton(QMessageBox.StandardButton.No)
            self.discard_box = box
            box.finished.connect(lambda r: self._close_now()
                                 if box.result() == QMessageBox.StandardButton.Yes.value else None)
            box.open()
            return
        self._close_now()

    def _close_now(self) -> None:
        self.model.clear()
        super().reject()

    def done(self, result: int) -> None:
        super().done(result)
        self.handler.cancel_all()
        self.runner.shutdown(timeout=5.0)   # a size comparison stops between presets
