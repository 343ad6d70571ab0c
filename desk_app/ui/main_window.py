"""The main window: the dossier list, the search box, the status bar with the sync badge, actions."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from desk_app.domain.errors import DeskError
from desk_app.services import catalog, dossiers, sync_control
from desk_app.services.context import DeskContext
from desk_app.ui import i18n
from desk_app.ui.dossier_model import DossierTableModel
from desk_app.ui.qt import (
    QAbstractItemView,
    QAction,
    QActionGroup,
    QEvent,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    Qt,
    QTableView,
    QTimer,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desk_app.ui.sync_panel import ServerSettingsDialog, SyncController, badge_text, last_sync_text

if TYPE_CHECKING:  # loaded when first opened: the list window comes up without them
    from desk_app.ui.dossier_detail import DossierDetail
    from desk_app.ui.intake_form import IntakeForm

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 250


class MainWindow(QMainWindow):
    language_requested = Signal(str)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, sync_interval_ms: int = 5000) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.intake: IntakeForm | None = None
        self.detail: DossierDetail | None = None
        self.sync = SyncController(ctx, sync_interval_ms, self)

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._search_enter)

        self.model = DossierTableModel(lambda off, lim: dossiers.list_recent(ctx, limit=lim, offset=off), parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("dossiers")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for col, width in enumerate((200, 160, 320, 122, 122, 150)):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(self.open_detail)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("resultCount")

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.setCentralWidget(central)

        self.unit_label = QLabel(self)
        self.unit_label.setObjectName("unitLabel")
        self.badge = QLabel(self)
        self.badge.setObjectName("syncBadge")
        self.last_sync = QLabel(self)
        self.last_sync.setObjectName("lastSync")
        self.statusBar().addWidget(self.unit_label, 1)
        self.statusBar().addPermanentWidget(self.badge)
        self.statusBar().addPermanentWidget(self.last_sync)

        self._make_actions()
        self.sync.summary_changed.connect(self._on_summary)
        self.sync.started.connect(lambda: self.statusBar().showMessage(self.tr("Syncing…")))
        self.sync.finished.connect(self._on_sync_finished)
        self.sync.failed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.sync.progress.connect(self._on_sync_event)
        self.model.rowsInserted.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.model.fetchMore()
        self.retranslate()
        self.resize(1280, 720)
        self.sync.start()
        self.search.setFocus()

    # --- actions -----------------------------------------------------------------------------
    def _action(self, name: str, keys: list[str], slot) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.act_new = self._action("actNew", ["Ctrl+N", "F2"], self.new_intake)
        self.act_print = self._action("actPrint", ["Ctrl+P"], self.print_selected)
        self.act_open = self._action("actOpen", ["Return"], self.open_detail)
        self.act_open.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.act_open)
        self.act_find = self._action("actFind", ["Ctrl+F", "F3"], self._focus_search)
        self.act_sync = self._action("actSync", ["F5"], self.sync.sync_now)
        self.act_diag = self._action("actDiagnostics", [], lambda: self.sync.export_diagnostics(self))
        self.act_server = self._action("actServer", [], self.server_settings)
        self.act_quit = self._action("actQuit", ["Ctrl+Q"], self.close)
        self.act_vi = self._action("actVietnamese", [], lambda: self.set_language("vi"))
        self.act_en = self._action("actEnglish", [], lambda: self.set_language("en"))
        group = QActionGroup(self)
        for a in (self.act_vi, self.act_en):
            a.setCheckable(True)
            group.addAction(a)
        (self.act_vi if i18n.current_language() == "vi" else self.act_en).setChecked(True)

        bar = self.menuBar()
        self.menu_dossier = bar.addMenu("")
        for a in (self.act_new, self.act_print, self.act_find):
            self.menu_dossier.addAction(a)
        self.menu_dossier.addSeparator()
        self.menu_dossier.addAction(self.act_quit)
        self.menu_sync = bar.addMenu("")
        for a in (self.act_sync, self.act_diag, self.act_server):
            self.menu_sync.addAction(a)
        self.menu_lang = bar.addMenu("")
        self.menu_lang.addAction(self.act_vi)
        self.menu_lang.addAction(self.act_en)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.act_new, self.act_print, self.act_sync):
            self.toolbar.addAction(a)
        self.addToolBar(self.toolbar)

    def retranslate(self) -> None:
        """All visible strings, re-read after a language switch."""
        self.setWindowTitle(self.tr("Một Cửa Desk — one-stop desk"))
        self.search.setPlaceholderText(self.tr("Search: dossier code, name (diacritics optional), ID number, phone  (Ctrl+F)"))
        self.act_new.setText(self.tr("New intake (Ctrl+N)"))
        self.act_print.setText(self.tr("Print receipt (Ctrl+P)"))
        self.act_open.setText(self.tr("Open dossier"))
        self.act_find.setText(self.tr("Find"))
        self.act_sync.setText(self.tr("Sync now (F5)"))
        self.act_diag.setText(self.tr("Export diagnostics…"))
        self.act_server.setText(self.tr("Server settings…"))
        self.act_quit.setText(self.tr("Quit"))
        self.act_vi.setText("Tiếng Việt")
        self.act_en.setText("English")
        self.menu_dossier.setTitle(self.tr("&Dossiers"))
        self.menu_sync.setTitle(self.tr("&Sync"))
        self.menu_lang.setTitle(self.tr("&Language"))
        self._update_unit_label()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        if self.sync.last_summary is not None:
            self._on_summary(self.sync.last_summary)
        self._update_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        i18n.install(lang)
        self.retranslate()  # LanguageChange arrives later as a posted event; the clerk sees it now
        self.language_requested.emit(lang)

    def _update_unit_label(self) -> None:
        try:
            unit = catalog.current_unit(self.ctx)
            unit_text = f"{unit.name} ({unit.code})"
        except DeskError:
            unit_text = self.ctx.unit_code or "—"
        self.unit_label.setText(self.tr("%1 · Desk %2 · Clerk: %3").replace("%1", unit_text)
                                .replace("%2", str(self.ctx.desk_no)).replace("%3", self.ctx.clerk_name or "—"))

    def _update_count(self, *_args) -> None:
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("%1 dossiers shown").replace("%1", f"{self.model.rowCount()}{more}"))

    # --- search ------------------------------------------------------------------------------
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        self.search_timer.stop()
        self.run_search()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.model.set_source(lambda off, lim: dossiers.list_recent(self.ctx, limit=lim, offset=off))
            return

        def source(offset: int, limit: int) -> list:
            return dossiers.search(self.ctx, text, limit=offset + limit)[offset:]
        try:
            self.model.set_source(source)
        except DeskError as exc:
            self.statusBar().showMessage(i18n.error_text(exc), 10000)

    # --- dossier actions ---------------------------------------------------------------------
    def selected_code(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.dossier(index.row()).code if index.isValid() else None

    def new_intake(self) -> IntakeForm:
        """Open the intake screen (one at a time; a second Ctrl+N brings it back)."""
        if self.intake is not None and self.intake.isVisible():
            self.intake.raise_()
            self.intake.activateWindow()
            return self.intake
        from desk_app.ui.intake_form import IntakeForm

        self.intake = IntakeForm(self.ctx, self)
        self.intake.saved.connect(self._on_saved)
        self.intake.show()
        self.intake.finder.setFocus()
        return self.intake

    def _on_saved(self, dossier) -> None:
        self.model.reload()
        self.sync.refresh()

    def open_detail(self, *_args) -> DossierDetail | None:
        code = self.selected_code()
        if code is None:
            return None
        try:
            dossier = dossiers.get(self.ctx, code)
        except DeskError as exc:
            self.statusBar().showMessage(i18n.error_text(exc), 10000)
            return None
        from desk_app.ui.dossier_detail import DossierDetail

        self.detail = DossierDetail(self.ctx, dossier, self)
        self.detail.show()
        return self.detail

    def print_selected(self) -> None:
        detail = self.open_detail()
        if detail is not None:
            detail.reprint("01")

    def server_settings(self) -> None:
        try:
            dialog = ServerSettingsDialog(self.ctx, self)
        except DeskError as exc:
            self.statusBar().showMessage(i18n.error_text(exc), 10000)
            return
        dialog.open()

    # --- sync --------------------------------------------------------------------------------
    def _on_summary(self, summary) -> None:
        self.badge.setText(badge_text(summary))
        self.last_sync.setText(last_sync_text(summary))
        sending = (getattr(summary, "by_state", None) or {}).get("sending", 0)
        if sending or self.model._progress:
            try:
                rows = sync_control.queue(self.ctx)
            except DeskError:
                return
            self.model.set_progress({r.code: r.percent for r in rows if r.state == "sending" and r.code})

    def _on_sync_event(self, event: dict) -> None:
        """Engine events while a sync runs: refresh the badge and the rows that changed state."""
        kind = event.get("event")
        if kind in ("acked", "needs_attention", "feed", "uploaded"):
            self.sync.refresh()
            self.model.reload()
        elif kind == "offline":
            text = event.get("en") if i18n.current_language() == "en" else event.get("vi")
            if text:
                self.statusBar().showMessage(text, 15000)

    def _on_sync_finished(self, report) -> None:
        """One line: done, or the last reason it could not finish (the engine retries by itself)."""
        faults = getattr(report, "faults", None) or []
        if faults:
            last = faults[-1]
            reason = last.get("en" if i18n.current_language() == "en" else "vi", "")
            self.statusBar().showMessage(self.tr("Sync incomplete: %1").replace("%1", reason), 30000)
        else:
            self.statusBar().showMessage(self.tr("Sync finished."), 10000)
        self.model.reload()

    def closeEvent(self, event) -> None:
        if self.intake is not None and self.intake.isVisible() and self.intake.is_dirty():
            self.intake.raise_()
            self.intake.reject()
            if self.intake.isVisible():
                event.ignore()
                return
        self.sync.timer.stop()
        super().closeEvent(event)
