"""The "Hồ sơ trực tuyến chờ tiếp nhận" queue: online dossiers from the portal, decided offline.

``OnlineQueueView(ctx, session, jobs, parent=None)``:

* ``ctx`` — the GUI thread's ``DeskContext`` (reads only: the list and the detail);
* ``session`` — the person logged in (``services.session.Session``); every action is
  ``registry.call("online accept" | "online supplement" | "online refuse", …)`` as that person
  on ``jobs`` (the window's ``JobRunner``), so the role check, the audit row and the outbox item
  happen in the service, off the GUI thread;
* signals ``accepted(str code)`` (the new dossier's code — a window may select it in its list)
  and ``changed()`` after any decision; call ``refresh()`` after a sync (``FeedApplied``).

One ``OnlineInboxModel`` (QAbstractTableModel) lists the pending dossiers; the detail pane shows
the applicant, the components and the files (fetched or not yet), a reason box and the three
buttons. Fits 1024×600 (table and detail side by side in a splitter, nothing with a large
minimum size).
"""
from __future__ import annotations

from typing import Any

from desk_app.ui import i18n
from desk_app.ui.qt import (
    QAbstractTableModel,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QModelIndex,
    QPersistentModelIndex,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)

Index = QModelIndex | QPersistentModelIndex
COL_PORTAL, COL_APPLICANT, COL_PROCEDURE, COL_FILED, COL_FILES = range(5)
_FORMS = {"original": ("bản chính", "original"), "copy": ("bản sao", "copy"),
          "certified_copy": ("bản sao có chứng thực", "certified copy")}


def _lang() -> str:
    return i18n.current_language()


def _when(dt: Any) -> str:
    if dt is None:
        return "—"
    return dt.strftime("%H:%M %d/%m/%Y") if _lang() == "vi" else dt.strftime("%Y-%m-%d %H:%M")


class OnlineInboxModel(QAbstractTableModel):
    """Online dossiers (``services.online.inbox.OnlineDossier``) as rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def dossier(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, portal_id: str) -> int:
        return next((i for i, o in enumerate(self._rows) if o.portal_id == portal_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            names = (self.tr("Portal id"), self.tr("Applicant"), self.tr("Procedure"), self.tr("Filed at"),
                     self.tr("Files"))
            return names[section] if 0 <= section < len(names) else None
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        o, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_PORTAL:
                return o.portal_id
            if col == COL_APPLICANT:
                return o.applicant_name
            if col == COL_PROCEDURE:
                return f"{o.procedure_code} — {o.procedure_name}" if o.procedure_name else o.procedure_code
            if col == COL_FILED:
                return _when(o.filed_at)
            if col == COL_FILES:
                done = sum(1 for f in o.files if f.fetched)
                if done == len(o.files):
                    return self.tr("%1 file(s)").replace("%1", str(len(o.files)))
                return self.tr("%1 of %2 downloaded").replace("%1", str(done)).replace("%2", str(len(o.files)))
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_APPLICANT:
            return o.applicant_id_number
        if role == Qt.ItemDataRole.UserRole:
            return o.portal_id
        return None


class OnlineQueueView(QWidget):
    """The inbox of online dossiers: list, detail, accept / ask for a supplement / refuse."""

    accepted = Signal(str)      # the new dossier's code
    changed = Signal()          # any decision was saved

    def __init__(self, ctx: Any, session: Any, jobs: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._built = False
        self.ctx, self.jobs = ctx, jobs
        self._session = session
        self.model = OnlineInboxModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumWidth(320)
        self.table.setAccessibleName(self.tr("Online dossiers waiting to be accepted"))

        self.title = QLabel(self.tr("Online dossiers waiting to be accepted"))
        self.title.setObjectName("onlineTitle")
        self.count_label = QLabel()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.components = QListWidget()
        self.components.setWordWrap(True)
        self.components.setAccessibleName(self.tr("Components"))
        self.files = QListWidget()
        self.files.setWordWrap(True)
        self.files.setAccessibleName(self.tr("Files"))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr("Reason (required to ask for a supplement or to refuse)"))
        self.reason.setMaximumHeight(70)
        self.accept_button = QPushButton(self.tr("Accept"))
        self.supplement_button = QPushButton(self.tr("Ask for supplement"))
        self.refuse_button = QPushButton(self.tr("Refuse"))
        self.accept_button.clicked.connect(self.accept_selected)
        self.supplement_button.clicked.connect(lambda: self.decide_selected("supplement"))
        self.refuse_button.clicked.connect(lambda: self.decide_selected("refuse"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("onlineMessage")

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(4, 0, 0, 0)
        dl.addWidget(self.summary)
        dl.addWidget(QLabel(self.tr("Components")))
        dl.addWidget(self.components, 1)
        dl.addWidget(QLabel(self.tr("Files")))
        dl.addWidget(self.files, 1)
        dl.addWidget(self.reason)
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.supplement_button, self.refuse_button):
            buttons.addWidget(b)
        dl.addLayout(buttons)
        dl.addWidget(self.message)
        detail.setMinimumWidth(300)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.count_label)
        head.addWidget(self.refresh_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(head)
        lay.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self._built = True
        self.refresh()

    @property
    def session(self) -> Any:
        return self._session

    @session.setter
    def session(self, value: Any) -> None:
        """A window sets the person after a log-in / unlock: the list is read again as them."""
        self._session = value
        if self._built:
            self.message.clear()
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 — the tab came into view: read again
        super().showEvent(event)
        if self._built and not (self.jobs is not None and self.jobs.busy):
            self.refresh()

    # --- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the pending online dossiers (after a sync or a decision), keeping the selection."""
        from desk_app.services import registry

        from desk_app.domain.errors import DeskError

        keep = self.current_portal_id()
        if self._session is None:          # nobody logged in (yet): show nothing
            self.model.set_rows([])
            self._show_current()
            return
        try:
            rows = registry.call("online list", self.session)
        except DeskError as exc:           # not permitted for this person, or the store failed
            self.model.set_rows([])
            self.message.setText(i18n.error_text(exc))
            self._show_current()
            return
        self.model.set_rows(rows)
        for col in (COL_PORTAL, COL_APPLICANT, COL_FILED):
            self.table.resizeColumnToContents(col)
        self.count_label.setText(self.tr("%1 waiting").replace("%1", str(len(rows))))
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._show_current()

    def current_portal_id(self) -> str | None:
        idx = self.table.currentIndex() if hasattr(self, "table") else QModelIndex()
        if not idx.isValid() or idx.row() >= self.model.rowCount():
            return None
        return self.model.dossier(idx.row()).portal_id

    def _current(self) -> Any:
        idx = self.table.currentIndex()
        return self.model.dossier(idx.row()) if idx.isValid() and idx.row() < self.model.rowCount() else None

    def _show_current(self) -> None:
        o = self._current()
        self.components.clear()
        self.files.clear()
        busy = self.jobs is not None and self.jobs.busy
        for b in (self.accept_button, self.supplement_button, self.refuse_button):
            b.setEnabled(o is not None and not busy)
        if o is None:
            self.summary.setText(self.tr("No online dossier is waiting."))
            return
        vi = _lang() == "vi"
        applicant, filed, earlier = self.tr("Applicant"), self.tr("Filed at"), self.tr("Earlier request")
        lines = [f"<b>{_escape(o.portal_id)}</b> — {o.procedure_code} {o.procedure_name}",
                 f"{applicant}: {o.applicant_name} ({o.applicant_id_number})" + (f", {o.phone}" if o.phone else ""),
                 f"{filed}: {_when(o.filed_at)}"]
        if o.reason:
            lines.append(f"{earlier}: {o.reason}")
        self.summary.setText("<br>".join(_escape(x) if i else x for i, x in enumerate(lines)))
        for c in o.components:
            form = _FORMS.get(c.get("form"), ("", ""))[0 if vi else 1]
            self.components.addItem(f"{c['seq']}. {c['name']} — {form} × {c.get('quantity', 1)}")
        for f in o.files:
            state = self.tr("downloaded") if f.fetched else self.tr("not downloaded yet — sync")
            comp = f" [{f.component}]" if f.component is not None else ""
            self.files.addItem(f"{f.filename}{comp} ({_size(f.size)}) — {state}")
        if not o.files_ready:
            self.accept_button.setEnabled(False)
            self.accept_button.setToolTip(self.tr("Some files are not on this desk yet; sync first."))
        else:
            self.accept_button.setToolTip("")

    # --- actions -----------------------------------------------------------------------------
    def _run(self, name: str, params: dict, on_done: Any, title: str) -> None:
        from desk_app.services import registry
        from desk_app.ui.session_menus import worker_session

        session = self.session

        def fn(wctx: Any, progress: Any, cancel: Any) -> Any:
            return registry.call(name, worker_session(session, wctx), **params)

        for b in (self.accept_button, self.supplement_button, self.refuse_button):
            b.setEnabled(False)
        self.jobs.run(fn, on_done=on_done, on_error=self._failed, title_vi=title, title_en=title,
                      show_progress=False, cancellable=False)

    def accept_selected(self) -> None:
        o = self._current()
        if o is None:
            return

        def done(out: dict) -> None:
            msg = out.get("message") if _lang() == "vi" else out.get("message_en")
            self.message.setText(msg or out.get("code", ""))
            self.refresh()
            self.changed.emit()
            self.accepted.emit(out.get("code", ""))
        self._run("online accept", {"portal_id": o.portal_id}, done, self.tr("Accept online dossier"))

    def decide_selected(self, decision: str) -> None:
        o = self._current()
        if o is None:
            return
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.message.setText(self.tr("Write the reason first."))
            self.reason.setFocus()
            return

        def done(_out: Any) -> None:
            self.message.setText(self.tr("Supplement requested for %1.").replace("%1", o.portal_id)
                                 if decision == "supplement" else
                                 self.tr("Refused %1.").replace("%1", o.portal_id))
            self.reason.clear()
            self.refresh()
            self.changed.emit()
        name = "online supplement" if decision == "supplement" else "online refuse"
        self._run(name, {"portal_id": o.portal_id, "reason": reason}, done, self.tr("Online dossier decision"))

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(i18n.error_text(exc))
        self._show_current()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"
