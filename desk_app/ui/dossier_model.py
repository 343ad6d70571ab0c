"""The dossier list: one QAbstractTableModel, filled page by page.

Rows come from a *source* callable ``(offset, limit) -> list[Dossier]`` (``dossiers.list_recent``
or a search), so the view asks for more only when it scrolls near the end: 2,000+ dossiers open
instantly because only the first page is read.
"""
from __future__ import annotations

from collections.abc import Callable

from desk_app.domain.models import Dossier
from desk_app.ui import labels
from desk_app.ui.qt import (
    QAbstractTableModel,
    QBrush,
    QColor,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

Source = Callable[[int, int], list[Dossier]]
Index = QModelIndex | QPersistentModelIndex

COL_CODE, COL_APPLICANT, COL_PROCEDURE, COL_RECEIVED, COL_DUE, COL_STATUS, COL_SYNC = range(7)
_ATTENTION = QColor("#b3261e")
_SYNCED = QColor("#1b6e2a")


class DossierTableModel(QAbstractTableModel):
    """Dossiers as rows; the columns a clerk scans at the desk."""

    def __init__(self, source: Source, page_size: int = 200, parent=None) -> None:
        super().__init__(parent)
        self._source = source
        self._page_size = page_size
        self._rows: list[Dossier] = []
        self._exhausted = False
        self._progress: dict[str, int] = {}
        self._resetting = False

    # --- data source -------------------------------------------------------------------------
    def set_source(self, source: Source) -> None:
        """Swap what the list shows (recent ↔ search results) and load its first page."""
        self._resetting = True
        self.beginResetModel()
        self._source = source
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self._resetting = False
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def reload(self) -> None:
        """Re-read the same source (after a save or a sync), keeping as many rows as shown."""
        wanted = max(len(self._rows), self._page_size)
        rows = list(self._source(0, wanted))
        self._resetting = True
        self.beginResetModel()
        self._rows = rows
        self._exhausted = len(rows) < wanted
        self.endResetModel()
        self._resetting = False

    def set_progress(self, percent_by_code: dict[str, int]) -> None:
        """Upload progress of dossiers being sent (dossier code -> percent), for the sync column."""
        self._progress = dict(percent_by_code)
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_SYNC), self.index(len(self._rows) - 1, COL_SYNC))

    def dossier(self, row: int) -> Dossier:
        return self._rows[row]

    # --- lazy fetching -----------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted or self._resetting:
            return  # views ask for more while a reset is being announced; the caller fetches after
        batch = list(self._source(len(self._rows), self._page_size))
        if len(batch) < self._page_size:
            self._exhausted = True
        if not batch:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
        self._rows.extend(batch)
        self.endInsertRows()

    # --- QAbstractTableModel -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        titles = [
            self.tr("Dossier code"),
            self.tr("Applicant"),
            self.tr("Procedure"),
            self.tr("Received"),
            self.tr("Due"),
            self.tr("Status"),
            self.tr("Sync"),
        ]
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        d = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == COL_CODE:
                return d.code
            if col == COL_APPLICANT:
                return d.applicant.full_name
            if col == COL_PROCEDURE:
                return d.procedure_name
            if col == COL_RECEIVED:
                return labels.when(d.received_at)
            if col == COL_DUE:
                return labels.when(d.due_at)
            if col == COL_STATUS:
                return labels.status_label(d.status)
            if col == COL_SYNC:
                return labels.sync_label(d, self._progress.get(d.code))
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_SYNC:
            if d.sync_state == "needs_attention":
                return QBrush(_ATTENTION)
            if d.sync_state == "synced":
                return QBrush(_SYNCED)
        if role == Qt.ItemDataRole.UserRole:
            return d.code
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
