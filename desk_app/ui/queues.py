"""Work queues: a side panel with each queue and its count, and the chosen queue's dossiers.

One model per table: ``QueueListModel`` (the queues and their counts) and ``QueueTableModel``
(the dossiers of one queue, sortable by clicking a header: the service sorts, so the order is
the store's). The timing of each dossier is a word ("Quá hạn", "Sắp đến hạn", "Trong hạn") with a
colour behind it, never a colour alone. Search is folded by the service (no diacritics, đ = d).
"""
from __future__ import annotations

from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.ui import i18n, labels, qt
from desk_app.ui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QAbstractTableModel,
    QBrush,
    QColor,
    QComboBox,
    QCoreApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QModelIndex,
    QSpinBox,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

COLUMNS = ("code", "applicant", "procedure", "received_at", "due_at", "timing", "status", "clerk")
SORT_KEY = {"code": "code", "applicant": "applicant", "procedure": "procedure",
            "received_at": "received_at", "due_at": "due_at", "timing": "due_at",
            "status": "status", "clerk": "clerk"}
TIMING_COLOURS = {"late": QColor("#f4c7c3"), "due_soon": QColor("#fce8b2"),
                  "on_time": QColor("#c8e6c9")}


def timing_text(timing: str) -> str:
    """The timing as a word (the colour only repeats it)."""
    return {
        "late": QCoreApplication.translate("QueueTiming", "Late"),
        "due_soon": QCoreApplication.translate("QueueTiming", "Due soon"),
        "on_time": QCoreApplication.translate("QueueTiming", "On time"),
    }.get(timing, "")


class _MiddleElide(qt.QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt name)
        super().initStyleOption(option, index)
        option.textElideMode = qt.Qt.TextElideMode.ElideMiddle


class QueueListModel(QAbstractListModel):
    """The queues with their counts: "Quá hạn (3)"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def set_counts(self, counts: list) -> None:
        self.beginResetModel()
        self._rows = list(counts)
        self.endResetModel()

    def queue(self, row: int):
        return self._rows[row]

    def row_of(self, name: str) -> int:
        return next((i for i, c in enumerate(self._rows) if c.name == name), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=qt.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        if role == qt.Qt.ItemDataRole.DisplayRole:
            name = c.en if i18n.current_language() == "en" else c.vi
            return f"{name} ({c.count})"
        if role == qt.Qt.ItemDataRole.UserRole:
            return c.name
        if role == qt.Qt.ItemDataRole.FontRole and c.count and c.name in ("overdue", "needs_attention"):
            font = qt.QFont()
            font.setBold(True)
            return font
        return None


class QueueTableModel(QAbstractTableModel):
    """The dossiers of one queue; ``sort`` asks the service again in the new order."""

    sort_requested = Signal(str, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, r: int):
        return self._rows[r]

    def row_of(self, code: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.code == code), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=qt.Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != qt.Qt.ItemDataRole.DisplayRole or orientation != qt.Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(COLUMNS):
            return None
        return (self.tr("Dossier code"), self.tr("Applicant"), self.tr("Procedure"),
                self.tr("Received"), self.tr("Due"), self.tr("Timing"), self.tr("Status"),
                self.tr("Clerk"))[section]

    def data(self, index, role=qt.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(COLUMNS):
            return None
        r = self._rows[index.row()]
        col = COLUMNS[index.column()]
        if role in (qt.Qt.ItemDataRole.DisplayRole, qt.Qt.ItemDataRole.ToolTipRole):
            if col == "code":
                return r.code
            if col == "applicant":
                return r.applicant_name
            if col == "procedure":
                return r.procedure_name
            if col == "received_at":
                return r.received_at.strftime("%d/%m/%Y %H:%M")
            if col == "due_at":
                return r.due_at.strftime("%d/%m/%Y %H:%M") if r.due_at else ""
            if col == "timing":
                return timing_text(r.timing)
            if col == "status":
                return labels.status_label(r.status)
            if col == "clerk":
                return r.clerk
        if role == qt.Qt.ItemDataRole.BackgroundRole and col == "timing" and r.timing:
            return QBrush(TIMING_COLOURS[r.timing])
        if role == qt.Qt.ItemDataRole.UserRole:
            return r.code
        return None

    def sort(self, column: int, order=qt.Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.sort_requested.emit(SORT_KEY[COLUMNS[column]],
                                     order == qt.Qt.SortOrder.DescendingOrder)


class QueuesView(QWidget):
    """The queue panel. ``refresh()`` re-reads the counts and the current list (after an intake,
    a sync, a lifecycle step); ``select_code(code)`` shows a dossier in the queue it is in."""

    dossier_activated = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None, *, session: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("queuesView")
        self.ctx = ctx
        self.session = session
        self.sort_key, self.descending = "due_at", False
        self.current = "due_today"
        self.status = QLabel(self)
        self.status.setObjectName("queueStatus")
        self.search_label, self.channel_label, self.soon_label = QLabel(self), QLabel(self), QLabel(self)
        self.list_model = QueueListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("queueList")
        self.list.setModel(self.list_model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.clicked.connect(self._chosen)
        self.list.activated.connect(self._chosen)
        self.search = QLineEdit(self)
        self.search.setObjectName("queueSearch")
        self.search.setClearButtonEnabled(True)
        self.channel = QComboBox(self)
        self.channel.setObjectName("queueChannel")
        self.procedure = QComboBox(self)
        self.procedure.setObjectName("queueProcedure")
        self.procedure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.procedure.setMinimumContentsLength(12)
        self.clerk = QComboBox(self)
        self.clerk.setObjectName("queueClerk")
        self.clerk.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.clerk.setMinimumContentsLength(8)
        self.soon_days = QSpinBox(self)
        self.soon_days.setObjectName("queueSoonDays")
        self.soon_days.setRange(0, 30)
        self.soon_days.setValue(2)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.reload_rows)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.channel.currentIndexChanged.connect(lambda _i: self.reload_rows())
        self.procedure.currentIndexChanged.connect(lambda _i: self.reload_rows())
        self.clerk.currentIndexChanged.connect(lambda _i: self.reload_rows())
        self.soon_days.valueChanged.connect(lambda _v: self.refresh())
        self.model = QueueTableModel(self)
        self.model.sort_requested.connect(self._sort)
        self.table = QTableView(self)
        self.table.setObjectName("queueTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(COLUMNS.index("due_at"),
                                                       qt.Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fm = self.table.fontMetrics()
        for col, sample in (("code", "H12.345-250101-00001"), ("received_at", "30/12/2025 16:45"),
                            ("due_at", "30/12/2025 16:45"), ("timing", "Sắp đến hạn"),
                            ("status", "Đang giải quyết")):
            header.resizeSection(COLUMNS.index(col), fm.horizontalAdvance(sample) + 18)
        for col in (COLUMNS.index("applicant"), COLUMNS.index("procedure")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self._code_delegate = _MiddleElide(self.table)   # a cut code keeps its date and serial
        self.table.setItemDelegateForColumn(COLUMNS.index("code"), self._code_delegate)
        self.table.activated.connect(
            lambda idx: self.dossier_activated.emit(self.model.row(idx.row()).code))

        filters = QHBoxLayout()
        filters.addWidget(self.search_label)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.channel_label)
        filters.addWidget(self.channel, 1)
        filters.addWidget(self.soon_label)
        filters.addWidget(self.soon_days)
        filters2 = QHBoxLayout()
        filters2.addWidget(self.procedure, 3)
        filters2.addWidget(self.clerk, 2)
        right = QVBoxLayout()
        right.addLayout(filters)
        right.addLayout(filters2)
        right.addWidget(self.table, 1)
        right.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(right, 4)
        self.list.setMinimumWidth(170)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search in this queue (diacritics optional)"))
        self.search_label.setText(self.tr("Search:"))
        self.channel_label.setText(self.tr("Channel:"))
        self.soon_label.setText(self.tr("Due soon within (working days):"))
        current = self.channel.currentData()
        self.channel.blockSignals(True)
        self.channel.clear()
        for text, value in ((self.tr("All"), ""), (self.tr("At the desk"), "desk"),
                            (self.tr("Online"), "online"), (self.tr("By post"), "post")):
            self.channel.addItem(text, value)
        self.channel.setCurrentIndex(max(0, self.channel.findData(current or "")))
        self.channel.blockSignals(False)
        self._fill_filters()
        self.model.headerDataChanged.emit(qt.Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def _fill_filters(self) -> None:
        """Procedures and clerks of the dossiers in work (the choice survives a refresh)."""
        from desk_app.services.reports import queues

        try:
            procs, clerks = queues.filter_values(self.ctx)
        except DeskError:
            return
        for combo, all_text, items in (
                (self.procedure, self.tr("All procedures"), [(f"{c} · {n}", c) for c, n in procs]),
                (self.clerk, self.tr("All clerks"), [(c, c) for c in clerks])):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(all_text, "")
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(keep or "")))
            combo.blockSignals(False)

    def changeEvent(self, event) -> None:  # noqa: N802 — Qt API
        if event.type() == qt.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt API
        """On a small screen (1024×600) the names matter more than the day received."""
        super().resizeEvent(event)
        narrow = self.width() < 1200
        self.table.setColumnHidden(COLUMNS.index("received_at"), narrow)

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        from desk_app.services.reports import queues

        try:
            counts = queues.counts(self.ctx, soon_days=self.soon_days.value())
        except DeskError as exc:
            self.status.setText(i18n.error_text(exc))
            return
        self.list_model.set_counts(counts)
        if hasattr(self, "procedure"):
            self._fill_filters()
        row = self.list_model.row_of(self.current)
        self.list.setCurrentIndex(self.list_model.index(max(0, row)))
        self.reload_rows()

    def counts(self) -> dict[str, int]:
        return {self.list_model.queue(r).name: self.list_model.queue(r).count
                for r in range(self.list_model.rowCount())}

    def show_queue(self, name: str) -> None:
        self.current = name
        row = self.list_model.row_of(name)
        if row >= 0:
            self.list.setCurrentIndex(self.list_model.index(row))
        self.reload_rows()

    def _chosen(self, index) -> None:
        if index.isValid():
            self.show_queue(self.list_model.queue(index.row()).name)

    def _sort(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        self.reload_rows()

    def reload_rows(self) -> None:
        from desk_app.services.reports import queues

        selected = self.selected_code()
        try:
            rows = queues.rows(self.ctx, self.current, soon_days=self.soon_days.value(),
                               search=self.search.text(), channel=self.channel.currentData() or "",
                               procedure=self.procedure.currentData() or "",
                               clerk=self.clerk.currentData() or "",
                               sort=self.sort_key, descending=self.descending)
        except DeskError as exc:
            self.status.setText(i18n.error_text(exc))
            return
        self.model.set_rows(rows)
        if self.current == "online_to_accept":
            self.status.setText(self.tr("Online dossiers are accepted in the online tab."))
        else:
            self.status.setText(self.tr("%1 dossiers").replace("%1", str(len(rows))))
        if selected:
            self._select_row(selected)

    def selected_code(self) -> str | None:
        idx = self.table.currentIndex()
        return self.model.row(idx.row()).code if idx.isValid() else None

    def _select_row(self, code: str) -> bool:
        r = self.model.row_of(code)
        if r < 0:
            return False
        self.table.selectRow(r)
        self.table.scrollTo(self.model.index(r, 0))
        return True

    def select_code(self, code: str) -> bool:
        """A newly saved dossier: refresh, open the queue it is in and select its row."""
        from desk_app.services.reports import queues

        for w in (self.search, self.procedure, self.clerk):
            w.blockSignals(True)
        self.search.clear()
        self.procedure.setCurrentIndex(0)
        self.clerk.setCurrentIndex(0)
        for w in (self.search, self.procedure, self.clerk):
            w.blockSignals(False)
        self.refresh()
        names = queues.queue_of(self.ctx, code, soon_days=self.soon_days.value())
        if not names:                       # due later than the window: widen it to show it
            names = queues.queue_of(self.ctx, code, soon_days=30)
            if not names:
                return False
            self.soon_days.blockSignals(True)
            self.soon_days.setValue(30)
            self.soon_days.blockSignals(False)
            self.refresh()
        self.show_queue(names[0])
        return self._select_row(code)
