"""The main window: the dossier list, the search box, the status bar with the sync badge, actions.

Start-up (issue 12): the window is built as an empty shell (title and "Đang mở dữ liệu…") and shown
first; ``open_store(ctx)`` and ``set_session(session)`` fill it once it is on screen (app.py).
Everything the window does is done as ``self.session`` (its ``actor`` goes into the audit log); the
menus a person sees come from the command registry (``session_menus``); the window locks itself
after the administrator's idle time (``idle_lock``) and Ctrl+L locks it now.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from desk_app.domain.errors import DeskError
from desk_app.ui import i18n, qt  # qt.Qt: the Qt namespace costs ~10-30 ms; not before the shell is up
from desk_app.ui.qt import (
    QAbstractItemView,
    QAction,
    QActionGroup,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPainter,
    QSize,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTimer,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:  # loaded when first needed: the shell comes up without them
    from desk_app.services.context import DeskContext
    from desk_app.ui.dossier_detail import DossierDetail
    from desk_app.ui.intake_form import IntakeForm

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 250
PAGE_SHELL, PAGE_LIST, PAGE_LOCK = range(3)
MIN_WIDTH, MIN_HEIGHT = 800, 480          # fits a 1024×600 laptop with its task bar


class MiddleElideDelegate(qt.QStyledItemDelegate):
    """Elides in the middle: "000.23.32…261202-1001" keeps the serial visible."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt name)
        super().initStyleOption(option, index)
        option.textElideMode = qt.Qt.TextElideMode.ElideMiddle


class ElidedLabel(QLabel):
    """A one-line label that shrinks with "…" instead of widening the status bar (full text as tooltip)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 — Qt API
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 60), hint.height())

    def setText(self, text: str) -> None:  # noqa: N802 — Qt API
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, _event) -> None:  # noqa: N802 — Qt API
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), qt.Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(self.alignment() | qt.Qt.AlignmentFlag.AlignVCenter), text)


class MainWindow(QMainWindow):
    language_requested = Signal(str)
    session_changed = Signal(object)   # the new Session (None after log-out)
    locked_changed = Signal(bool)

    def __init__(self, ctx: DeskContext | None = None, session: Any = None, parent: QWidget | None = None,
                 sync_interval_ms: int = 5000, *, idle_ms: int | None = None, jobs: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.ctx: DeskContext | None = None
        self.session = None
        self.jobs = jobs
        self.sync = None
        self.model = None
        self.intake: IntakeForm | None = None
        self.detail: DossierDetail | None = None
        self.locked = False
        self.idle = None
        self._idle_ms = idle_ms
        self._sync_interval_ms = sync_interval_ms
        self._built = False
        self._hidden_while_locked: list[QWidget] = []
        self._login_dialog = None

        self.stack = QStackedWidget(self)
        shell = QWidget(self)
        self.placeholder = QLabel(shell)
        self.placeholder.setObjectName("placeholder")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.placeholder)
        row.addStretch(1)
        column = QVBoxLayout(shell)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        self.stack.addWidget(shell)
        self.setCentralWidget(self.stack)
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.resize(1280, 720)
        self._retranslate_shell()
        if ctx is not None:
            self.open_store(ctx)
            if session is not None:
                self.set_session(session)

    # --- stage 2: the store, then the person ------------------------------------------------
    def open_store(self, ctx: DeskContext) -> None:
        """The store is open: start the job runner (the worker opens its own connection lazily)."""
        self.ctx = ctx
        if self.jobs is None:
            from desk_app.ui.jobs import JobRunner

            self.jobs = JobRunner(ctx.data_dir, self)
        self._update_title()

    def set_session(self, session) -> None:
        """Who is at the desk now: build the content the first time, show what this person may do."""
        if self.ctx is None:
            self.open_store(session.ctx)
        self.session = session
        if not self._built:
            self._build_content()
        self._apply_role()
        self._update_unit_label()
        self.stack.setCurrentIndex(PAGE_LIST)
        self.toolbar.show()
        self.menuBar().show()
        self._start_idle()
        self.search.setFocus()
        self.session_changed.emit(session)

    def _build_content(self) -> None:
        from desk_app.services import dossiers
        from desk_app.ui.dossier_model import DossierTableModel
        from desk_app.ui.idle_lock import LockScreen
        from desk_app.ui.sync_panel import SyncController

        ctx = self.ctx
        self.sync = SyncController(ctx, self._sync_interval_ms, self)

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
        self.table.setTextElideMode(qt.Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(qt.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._size_columns()
        self.table.activated.connect(self.open_detail)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("resultCount")

        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.list_page = page
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(page, "")
        from desk_app.ui.queues import QueuesView

        self.queues = QueuesView(ctx, self, session=self.session)
        self.queues.dossier_activated.connect(self.open_code)
        self.tabs.addTab(self.queues, "")
        self.online = self._online_view()
        if self.online is not None:
            self.tabs.addTab(self.online, "")
        self.stack.addWidget(self.tabs)
        self.lock_screen = LockScreen(self)
        self.lock_screen.unlock_requested.connect(self.try_unlock)
        self.lock_screen.logout_requested.connect(self.log_out)
        self.stack.addWidget(self.lock_screen)

        self.unit_label = ElidedLabel(self)
        self.unit_label.setObjectName("unitLabel")
        self.user_label = ElidedLabel(self)
        self.user_label.setObjectName("userLabel")
        self.badge = ElidedLabel(self)
        self.badge.setObjectName("syncBadge")
        self.last_sync = ElidedLabel(self)
        self.last_sync.setObjectName("lastSync")
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addWidget(self.unit_label, 3)
        bar.addWidget(self.user_label, 2)
        bar.addWidget(self.badge, 3)
        bar.addWidget(self.last_sync, 2)
        from desk_app.ui.backup_status import AutoBackup, BackupIndicator

        self.backup_label = BackupIndicator(self)
        bar.addWidget(self.backup_label, 2)
        self.backup_label.refresh(self.ctx)
        self.auto_backup = AutoBackup(lambda: self.ctx, self.jobs, self.backup_label, self)
        self.auto_backup.start()
        if self.jobs is not None and hasattr(self.jobs, "widget"):
            bar.addPermanentWidget(self.jobs.widget())

        self._make_actions()
        self.sync.summary_changed.connect(self._on_summary)
        self.sync.started.connect(lambda: self.statusBar().showMessage(self.tr("Syncing…")))
        self.sync.finished.connect(self._on_sync_finished)
        self.sync.failed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.sync.progress.connect(self._on_sync_event)
        self.model.rowsInserted.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self._built = True
        self.model.fetchMore()
        self.retranslate()
        self.sync.start()

    def _size_columns(self) -> None:
        """Fixed widths from the font for the short columns, the two name columns share the rest:
        at 1024×600 every column stays inside the view (names elided), at 1920 the names widen."""
        from desk_app.ui.dossier_model import (
            COL_APPLICANT,
            COL_CODE,
            COL_DUE,
            COL_PROCEDURE,
            COL_RECEIVED,
            COL_STATUS,
            COL_SYNC,
        )

        header = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        pad = 18
        widths = {
            COL_CODE: fm.horizontalAdvance("H12.345-250101-00001") + pad,
            COL_RECEIVED: fm.horizontalAdvance("30/12/2025 16:45") + pad,
            COL_DUE: fm.horizontalAdvance("30/12/2025 16:45") + pad,
            COL_STATUS: fm.horizontalAdvance("Đang giải quyết") + pad,
            COL_SYNC: fm.horizontalAdvance("Đang gửi 100%") + pad,
        }
        # a cut code keeps its end (date and serial), the part a clerk reads aloud
        self._code_delegate = MiddleElideDelegate(self.table)
        self.table.setItemDelegateForColumn(COL_CODE, self._code_delegate)
        header.setMinimumSectionSize(60)
        header.setStretchLastSection(False)
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        for col in (COL_APPLICANT, COL_PROCEDURE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)

    # --- actions -----------------------------------------------------------------------------
    def _action(self, name: str, keys: list[str], slot) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(qt.Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        from desk_app.ui import session_menus

        self.act_new = self._action("actNew", ["Ctrl+N", "F2"], self.new_intake)
        self.act_print = self._action("actPrint", ["Ctrl+P"], self.print_selected)
        self.act_open = self._action("actOpen", ["Return"], self.open_detail)
        self.act_open.setShortcutContext(qt.Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(self.act_open)
        self.act_find = self._action("actFind", ["Ctrl+F", "F3"], self._focus_search)
        self.act_sync = self._action("actSync", ["F5"], self.sync.sync_now)
        self.act_diag = self._action("actDiagnostics", [], lambda: self.sync.export_diagnostics(self))
        self.act_server = self._action("actServer", [], self.server_settings)
        self.act_lock = self._action("actLock", ["Ctrl+L"], self.lock)
        self.act_lock.setShortcutContext(qt.Qt.ShortcutContext.ApplicationShortcut)  # from the intake too
        self.act_logout = self._action("actLogout", [], self.log_out)
        self.act_quit = self._action("actQuit", ["Ctrl+Q"], self.close)
        self.act_accounts = self._action("actAccounts", [], lambda: session_menus.open_accounts(self))
        self.act_settings = self._action("actSettings", [], lambda: session_menus.open_settings(self))
        self.act_verify = self._action("actVerify", [], lambda: session_menus.run_verify(self))
        self.act_catalog = self._action("actCatalogImport", [], lambda: session_menus.import_catalog(self))
        self.act_queues = self._action("actQueues", ["Ctrl+W"], self.show_queues)
        self.act_dashboard = self._action("actDashboard", ["F9"], self.open_dashboard)
        self.act_rating = self._action("actRating", ["Ctrl+R"], self.open_rating)
        self.act_cash = self._action("actCash", [], self.open_cash)
        self.act_vi = self._action("actVietnamese", [], lambda: self.set_language("vi"))
        self.act_en = self._action("actEnglish", [], lambda: self.set_language("en"))
        group = QActionGroup(self)
        for a in (self.act_vi, self.act_en):
            a.setCheckable(True)
            group.addAction(a)
        (self.act_vi if i18n.current_language() == "vi" else self.act_en).setChecked(True)

        bar = self.menuBar()
        self.menu_dossier = bar.addMenu("")
        self.menu_dossier.setObjectName("menuDossier")
        for a in (self.act_new, self.act_print, self.act_find):
            self.menu_dossier.addAction(a)
        self.menu_dossier.addSeparator()
        for a in (self.act_lock, self.act_logout, self.act_quit):
            self.menu_dossier.addAction(a)
        self.menu_sync = bar.addMenu("")
        self.menu_sync.setObjectName("menuSync")
        for a in (self.act_sync, self.act_diag, self.act_server):
            self.menu_sync.addAction(a)
        self.menu_admin = bar.addMenu("")
        self.menu_admin.setObjectName("menuAdmin")
        for a in (self.act_accounts, self.act_settings, self.act_verify, self.act_catalog):
            self.menu_admin.addAction(a)
        self.menu_reports = bar.addMenu("")
        self.menu_reports.setObjectName("menuReports")
        for a in (self.act_queues, self.act_dashboard, self.act_rating, self.act_cash):
            self.menu_reports.addAction(a)
        self.menu_lang = bar.addMenu("")
        self.menu_lang.setObjectName("menuLanguage")
        self.menu_lang.addAction(self.act_vi)
        self.menu_lang.addAction(self.act_en)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(qt.Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.act_new, self.act_print, self.act_sync):
            self.toolbar.addAction(a)
        self.addToolBar(self.toolbar)
        from desk_app.ui.signing_menu import SigningMenu  # issue 15: the “Ký số” menu
        self.signing_menu = SigningMenu(self)

    def _apply_role(self) -> None:
        """Show only what the logged-in person may do (the registry's rule, see session_menus)."""
        from desk_app.ui import session_menus

        session_menus.apply(self, self.session)
        from desk_app.services import registry

        role = self.session.user.role
        self.act_dashboard.setVisible(registry.allowed(role, "report"))
        self.act_rating.setVisible(registry.allowed(role, "rate"))
        self.act_cash.setVisible(registry.allowed(role, "cash summary"))
        self.signing_menu.apply(self.session)
        self.queues.session = self.session
        if self.online is not None and hasattr(self.online, "session"):
            self.online.session = self.session

    def _retranslate_shell(self) -> None:
        self.placeholder.setText(self.tr("Opening the data…") if self.session is None and not self._built
                                 else self.tr("Logged out."))
        self._update_title()

    def retranslate(self) -> None:
        """All visible strings, re-read after a language switch."""
        self._retranslate_shell()
        if not self._built:
            return
        self.search.setPlaceholderText(self.tr("Search: dossier code, name (diacritics optional), ID number, phone  (Ctrl+F)"))
        self.act_new.setText(self.tr("New intake (Ctrl+N)"))
        self.act_print.setText(self.tr("Print receipt (Ctrl+P)"))
        self.act_open.setText(self.tr("Open dossier"))
        self.act_find.setText(self.tr("Find"))
        self.act_sync.setText(self.tr("Sync now (F5)"))
        self.act_diag.setText(self.tr("Export diagnostics…"))
        self.act_server.setText(self.tr("Set up the server…"))
        self.act_lock.setText(self.tr("Lock (Ctrl+L)"))
        self.act_logout.setText(self.tr("Log out"))
        self.act_quit.setText(self.tr("Quit"))
        self.act_accounts.setText(self.tr("Accounts…"))
        self.act_settings.setText(self.tr("Desk settings…"))
        self.act_verify.setText(self.tr("Check the data"))
        self.act_catalog.setText(self.tr("Import the procedure catalog…"))
        self.act_vi.setText("Tiếng Việt")
        self.act_en.setText("English")
        self.menu_dossier.setTitle(self.tr("&Dossiers"))
        self.menu_sync.setTitle(self.tr("&Sync"))
        self.menu_admin.setTitle(self.tr("&Administration"))
        self.menu_lang.setTitle(self.tr("&Language"))
        self.menu_reports.setTitle(self.tr("&Reports"))
        self.act_queues.setText(self.tr("Work queues (Ctrl+W)"))
        self.act_dashboard.setText(self.tr("Dashboard (F9)"))
        self.act_rating.setText(self.tr("Citizen's rating of the selected dossier (Ctrl+R)"))
        self.act_cash.setText(self.tr("Takings of the day…"))
        self.signing_menu.retranslate()
        self.tabs.setTabText(0, self.tr("Dossiers"))
        self.tabs.setTabText(1, self.tr("Work queues"))
        if self.online is not None:
            self.tabs.setTabText(2, self.tr("Online dossiers"))
        self.lock_screen.retranslate()
        self._update_unit_label()
        self.model.headerDataChanged.emit(qt.Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        if self.sync.last_summary is not None:
            self._on_summary(self.sync.last_summary)
        self._update_count()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 — Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        i18n.install(lang)
        self.retranslate()  # LanguageChange arrives later as a posted event; the clerk sees it now
        self.language_requested.emit(lang)

    def _unit_text(self) -> str:
        from desk_app.services import catalog

        try:
            unit = catalog.current_unit(self.ctx)
            return unit.name
        except DeskError:
            return self.ctx.unit_code or "—"

    def _update_title(self) -> None:
        """The unit and the desk; the platform adds the product name (applicationDisplayName) itself."""
        if self.ctx is None:
            self.setWindowTitle("")
            return
        self.setWindowTitle(self.tr("%1 · Desk %2").replace("%1", self._unit_text())
                            .replace("%2", str(self.ctx.desk_no)))

    def _update_unit_label(self) -> None:
        if not self._built:
            return
        try:
            from desk_app.services import catalog

            unit = catalog.current_unit(self.ctx)
            unit_text = f"{unit.name} ({unit.code})"
        except DeskError:
            unit_text = self.ctx.unit_code or "—"
        self.unit_label.setText(self.tr("%1 · Desk %2").replace("%1", unit_text).replace("%2", str(self.ctx.desk_no)))
        self.user_label.setText(self.user_text())
        self._update_title()

    def user_text(self) -> str:
        """"Nguyễn Thị Hoa · Cán bộ tiếp nhận": who is logged in (name · role)."""
        if self.session is None:
            return ""
        from desk_app.domain.roles import role_label

        user = self.session.user
        return f"{user.full_name} · {role_label(user.role, i18n.current_language())}"

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
        from desk_app.services import dossiers

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

    def _child_kwargs(self, cls) -> dict:
        """Pass session= / jobs= to a child screen only if its constructor takes them."""
        import inspect

        try:
            params = inspect.signature(cls.__init__).parameters
        except (TypeError, ValueError):
            return {}
        kwargs = {}
        if "session" in params:
            kwargs["session"] = self.session
        if "jobs" in params:
            kwargs["jobs"] = self.jobs
        return kwargs

    def new_intake(self) -> IntakeForm | None:
        """Open the intake screen (one at a time; a second Ctrl+N brings it back)."""
        if self.locked or self.session is None:
            return None
        if self.intake is not None and self.intake.isVisible():
            self.intake.raise_()
            self.intake.activateWindow()
            return self.intake
        from desk_app.ui.intake_form import IntakeForm

        self.intake = IntakeForm(self.ctx, self, **self._child_kwargs(IntakeForm))
        self.intake.saved.connect(self._on_saved)
        self.intake.show()
        self.intake.finder.setFocus()
        return self.intake

    def _on_saved(self, dossier) -> None:
        self.model.reload()
        self.sync.refresh()
        code = getattr(dossier, "code", None)
        if code:
            self.select_in_list(code)
            self.queues.select_code(code)

    def select_in_list(self, code: str) -> bool:
        """Select the dossier ``code`` in the dossier list (a newly saved one is at the top)."""
        for row in range(self.model.rowCount()):
            if self.model.dossier(row).code == code:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    # --- issue 16: queues, online inbox, dashboard, rating, cash --------------------------------
    def _online_view(self):
        try:
            from desk_app.ui.online_queue import OnlineQueueView
        except ImportError:
            return None
        view = OnlineQueueView(self.ctx, self.session, self.jobs, self)
        if hasattr(view, "accepted"):
            view.accepted.connect(lambda code: (self.model.reload(), self.queues.select_code(code)))
        if hasattr(view, "changed"):
            view.changed.connect(self.queues.refresh)
        return view

    def show_queues(self) -> None:
        if self.locked or self.session is None:
            return
        self.tabs.setCurrentWidget(self.queues)
        self.queues.refresh()
        self.queues.table.setFocus()

    def open_code(self, code: str):
        """Open one dossier by its code (from a queue, the dashboard, a figure's list)."""
        if self.locked or self.session is None:
            return None
        from desk_app.services import dossiers

        try:
            dossier = dossiers.get(self.ctx, code)
        except DeskError as exc:
            self.statusBar().showMessage(i18n.error_text(exc), 10000)
            return None
        from desk_app.ui.dossier_detail import DossierDetail

        self.detail = DossierDetail(self.ctx, dossier, self, **self._child_kwargs(DossierDetail))
        self._follow(self.detail)
        self.detail.show()
        return self.detail

    def _follow(self, detail) -> None:
        """A step taken in a dossier's window (hand-over, result, return …) shows in the lists."""
        signal = getattr(detail, "dossier_changed", None)
        if signal is not None:
            signal.connect(lambda *_a: (self.model.reload(), self.queues.refresh(),
                                        self.backup_label.refresh(self.ctx)))

    def open_dashboard(self):
        if self.locked or self.session is None or not self.act_dashboard.isVisible():
            return None
        from desk_app.ui.dashboard import DashboardView

        view = getattr(self, "dashboard", None)
        if view is None:
            view = self.dashboard = DashboardView(self.ctx, self, session=self.session,
                                                  jobs=self.jobs)
            view.open_dossier.connect(self.open_code)
        view.show()
        view.raise_()
        view.load()
        return view

    def _current_code(self) -> str | None:
        if self.tabs.currentWidget() is self.queues:
            return self.queues.selected_code()
        return self.selected_code()

    def open_rating(self, stage: str | None = None):
        """The citizen's rating of the selected dossier, on the screen facing the citizen."""
        if self.locked or self.session is None or not self.act_rating.isVisible():
            return None
        code = self._current_code()
        if code is None:
            self.statusBar().showMessage(self.tr("Select a dossier first."), 8000)
            return None
        from desk_app.services import dossiers
        from desk_app.ui.rating_view import RatingView

        try:
            d = dossiers.get(self.ctx, code)
        except DeskError as exc:
            self.statusBar().showMessage(i18n.error_text(exc), 10000)
            return None
        stage = stage or ("return" if d.status.value == "returned" else "intake")
        self.rating = RatingView(self.ctx, code, stage=stage, session=self.session,
                                 jobs=self.jobs, parent=self)
        self.rating.rated.connect(lambda _r: self.statusBar().showMessage(
            self.tr("The citizen's rating was recorded."), 8000))
        self.rating.show_for_citizen()
        return self.rating

    def open_cash(self):
        if self.locked or self.session is None or not self.act_cash.isVisible():
            return None
        from desk_app.ui.cash_summary import CashView

        self.cash = CashView(self.ctx, self, session=self.session, jobs=self.jobs)
        self.cash.show()
        return self.cash

    def open_detail(self, *_args) -> DossierDetail | None:
        """The selected dossier of the list in its own window (Enter, double click)."""
        if self.locked or self.session is None:
            return None
        code = self.selected_code()
        return None if code is None else self.open_code(code)

    def print_selected(self) -> None:
        detail = self.open_detail()
        if detail is not None:
            detail.reprint("01")

    def server_settings(self) -> None:
        from desk_app.ui.sync_panel import ServerSettingsDialog

        try:
            dialog = ServerSettingsDialog(self.ctx, self, session=self.session, controller=self.sync)
        except DeskError as exc:
            self.statusBar().showMessage(i18n.error_text(exc), 10000)
            return
        dialog.accepted.connect(lambda: dialog.notice and self.statusBar().showMessage(dialog.notice, 30000))
        dialog.accepted.connect(self.sync.refresh)
        dialog.open()

    # --- idle lock, unlock, log out ------------------------------------------------------------
    def _start_idle(self) -> None:
        from desk_app.ui.idle_lock import IdleWatcher, idle_minutes

        timeout = self._idle_ms if self._idle_ms is not None else idle_minutes(self.ctx) * 60_000
        if self.idle is None:
            self.idle = IdleWatcher(timeout, self)
            self.idle.idle.connect(self.lock)
        else:
            self.idle.set_timeout(timeout)
        self.idle.start()

    def _top_levels(self) -> list[QWidget]:
        """This window's visible child windows (intake, detail, dialogs, previews)."""
        return [w for w in self.findChildren(QWidget) if w.isWindow() and w.isVisible() and w is not self]

    def lock(self) -> None:
        """Hide every dossier behind the lock screen; the session stays."""
        if self.locked or self.session is None or not self._built:
            return
        self.locked = True
        if self.idle is not None:
            self.idle.stop()
        self._hidden_while_locked = self._top_levels()
        for w in self._hidden_while_locked:
            w.hide()
        self.toolbar.hide()
        self.menuBar().hide()
        self._set_actions_enabled(False)
        from desk_app.domain.roles import role_label

        user = self.session.user
        self.lock_screen.show_for(user.full_name, role_label(user.role, i18n.current_language()), user.login)
        self.stack.setCurrentIndex(PAGE_LOCK)
        self.lock_screen.password.setFocus()
        self.locked_changed.emit(True)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for a in self.actions():
            a.setEnabled(enabled)

    def try_unlock(self, login: str, password: str) -> None:
        """Check (login, password) off the GUI thread; the same person or a supervisor unlocks."""
        if not self.locked:
            return
        from desk_app.domain.models import Role
        from desk_app.domain.roles import may
        from desk_app.services.admin import users
        from desk_app.ui.idle_lock import may_unlock

        owner = self.session.actor

        def check(wctx):
            account = users.authenticate(wctx, login, password)
            if not may_unlock(owner, account, lambda role: may(role, Role.SUPERVISOR)):
                return account, False
            _record_unlock(wctx, self.session, account)
            return account, True

        def done(result) -> None:
            account, ok = result
            if ok:
                self._unlocked(account)
            else:
                self.lock_screen.show_error(self.tr(
                    "%1 may not unlock this desk: only the person logged in, a supervisor or an "
                    "administrator can.").replace("%1", account.full_name))

        self.lock_screen.unlock_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.lock_screen.unlock_button.setEnabled(True)
            self.lock_screen.show_error(i18n.error_text(exc))

        def finished(result) -> None:
            self.lock_screen.unlock_button.setEnabled(True)
            done(result)
        self.jobs.run(lambda wctx, _p, _c: check(wctx), on_done=finished, on_error=failed,
                      show_progress=False, cancellable=False)

    def _unlocked(self, by) -> None:
        self.locked = False
        self.lock_screen.password.clear()
        self._set_actions_enabled(True)
        self._apply_role()
        self.toolbar.show()
        self.menuBar().show()
        self.stack.setCurrentIndex(PAGE_LIST)
        for w in self._hidden_while_locked:
            w.show()
        self._hidden_while_locked = []
        self._start_idle()
        self.search.setFocus()
        if by.login != self.session.actor:
            self.statusBar().showMessage(self.tr("Unlocked by %1.").replace("%1", by.full_name), 10000)
        self.locked_changed.emit(False)

    def log_out(self) -> None:
        """Close this person's screens and ask for a login again (Cancel there quits)."""
        if self.session is None:
            return
        if self.intake is not None and self.intake.isVisible() and self.intake.is_dirty() and not self.locked:
            self.intake.raise_()
            self.intake.reject()
            if self.intake.isVisible():
                return
        for w in self._top_levels() + self._hidden_while_locked:
            w.close()
        self._hidden_while_locked = []
        self.intake = self.detail = None
        if self.idle is not None:
            self.idle.stop()
        self.locked = False
        self.session = None
        self._set_actions_enabled(True)
        self.toolbar.hide()
        self.menuBar().hide()
        self.placeholder.setText(self.tr("Logged out."))
        self.stack.setCurrentIndex(PAGE_SHELL)
        self.session_changed.emit(None)
        self.ask_login()

    def ask_login(self):
        """Show the login (or create-the-administrator) dialog over the window; returns it."""
        from desk_app.ui import login

        dialog = login.dialog_for(self.ctx, self, runner=self.jobs)
        self._login_dialog = dialog
        dialog.accepted.connect(lambda: self.set_session(dialog.session))
        dialog.rejected.connect(self.close)
        dialog.open()
        return dialog

    # --- sync --------------------------------------------------------------------------------
    def _on_summary(self, summary) -> None:
        from desk_app.ui.sync_panel import badge_text, last_sync_text

        self.badge.setText(badge_text(summary, self.sync.server_configured()))
        self.last_sync.setText(last_sync_text(summary))
        sending = (getattr(summary, "by_state", None) or {}).get("sending", 0)
        if sending or self.model._progress:
            from desk_app.services import sync_control

            try:
                rows = sync_control.queue(self.ctx)
            except DeskError:
                return
            self.model.set_progress({r.code: r.percent for r in rows if r.state == "sending" and r.code})

    def _on_sync_event(self, event) -> None:
        """Engine events while a sync runs: refresh the badge and the rows that changed state."""
        kind = _get(event, "event")
        if kind in ("acked", "needs_attention", "feed", "uploaded"):
            self.sync.refresh()
            self.model.reload()
        elif kind == "offline":
            text = _get(event, "en") if i18n.current_language() == "en" else _get(event, "vi")
            if text:
                self.statusBar().showMessage(text, 15000)

    def _on_sync_finished(self, report) -> None:
        """One line: done, or the last reason it could not finish (the engine retries by itself)."""
        faults = getattr(report, "faults", None) or []
        if faults:
            last = faults[-1]
            reason = _get(last, "en" if i18n.current_language() == "en" else "vi") or ""
            self.statusBar().showMessage(self.tr("Sync incomplete: %1").replace("%1", reason), 30000)
        else:
            self.statusBar().showMessage(self.tr("Sync finished."), 10000)
        self.model.reload()
        self.queues.refresh()
        if self.online is not None and hasattr(self.online, "refresh"):
            self.online.refresh()
        self.backup_label.refresh(self.ctx)

    def closeEvent(self, event) -> None:  # noqa: N802 — Qt API
        if self.intake is not None and self.intake.isVisible() and self.intake.is_dirty() and not self.locked:
            self.intake.raise_()
            self.intake.reject()
            if self.intake.isVisible():
                event.ignore()
                return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the timers, the idle filter and the job runner (waits for a running job)."""
        if self.sync is not None:
            self.sync.timer.stop()
        if self.idle is not None:
            self.idle.close()
            self.idle = None
        if self.jobs is not None and hasattr(self.jobs, "shutdown"):
            self.jobs.shutdown()


def _get(event, key: str):
    """Sync events are typed objects now (desk_app/sync/events.py) or dicts (older engines)."""
    if isinstance(event, dict):
        return event.get(key)
    value = getattr(event, key, None)
    if value is None and hasattr(event, "to_dict"):
        value = event.to_dict().get(key)
    return value


def _record_unlock(wctx, session, by) -> None:
    """Audit "session.unlock" (whose session, who unlocked) through the session service."""
    from desk_app.services import session as session_svc

    record = getattr(session_svc, "record_unlock", None)
    if record is None:  # ADAPTER (shell helper): services.session.record_unlock not there yet
        log.warning("session.unlock not recorded: services.session.record_unlock missing")
        return
    record(wctx, session.user, by, face="gui")
