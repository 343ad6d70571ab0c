"""Find a procedure by code or by any words of its name, diacritics optional.

A line edit with an always-visible short result list under it (not a popup: popups steal focus
and behave differently on every platform). Up/Down move in the list without leaving the line
edit; Enter picks the highlighted procedure (the first one by default). The search itself is
``catalog.search_procedures`` — the widget only shows what it returns.

A USB card reader types wherever the cursor is: a chip-card QR payload typed here (recognised by
``intake.looks_like_qr_payload`` when Enter arrives) is NOT a search: it is emitted as
``qr_scanned(payload)`` and the search field gets its text back.
"""
from __future__ import annotations

from collections.abc import Callable

from desk_app.domain.models import Procedure
from desk_app.services.intake import looks_like_qr_payload
from desk_app.ui.qt import (
    QAbstractListModel,
    QEvent,
    QLineEdit,
    QListView,
    QModelIndex,
    QPersistentModelIndex,
    QObject,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

Index = QModelIndex | QPersistentModelIndex


def is_scan(text: str) -> bool:
    """A card QR (or any "|"-separated payload, which no procedure name contains)."""
    return looks_like_qr_payload(text) or "|" in (text or "")


Search = Callable[[str], list[Procedure]]


class ProcedureListModel(QAbstractListModel):
    """Search results: "code · name" per row."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Procedure] = []

    def set_items(self, items: list[Procedure]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def procedure(self, row: int) -> Procedure:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._items)):
            return None
        p = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{p.code} · {p.name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{p.code} · {p.name} · {p.field_name}"
        if role == Qt.ItemDataRole.UserRole:
            return p.code
        return None


class ProcedureFinder(QWidget):
    """Emits ``picked(Procedure)`` when the clerk presses Enter on a result."""

    picked = Signal(object)
    qr_scanned = Signal(str)

    def __init__(self, search: Search, parent=None) -> None:
        super().__init__(parent)
        self._search = search
        self.edit = QLineEdit(self)
        self.edit.setObjectName("procedureSearch")
        self.edit.setPlaceholderText(self.tr("Procedure code or words of its name (e.g. khai sinh)"))
        self.edit.setClearButtonEnabled(True)
        self.model = ProcedureListModel(self)
        self.list = QListView(self)
        self.list.setObjectName("procedureResults")
        self.list.setModel(self.model)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setMaximumHeight(120)
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.setFocusProxy(self.edit)
        self._before_scan = ""
        self.edit.textEdited.connect(self._on_text)
        self.edit.installEventFilter(self)
        self.list.activated.connect(self._pick_row)

    def _on_text(self, text: str) -> None:
        if "|" in text:        # a reader is typing a card's QR here: no search on the way
            return
        self._before_scan = text
        items = self._search(text) if text.strip() else []
        self.model.set_items(items)
        if items:
            self.list.setCurrentIndex(self.model.index(0, 0))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.rowCount():
                row = self.list.currentIndex().row()
                row = row + 1 if key == Qt.Key.Key_Down else row - 1
                row = max(0, min(self.model.rowCount() - 1, row))
                self.list.setCurrentIndex(self.model.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and is_scan(self.edit.text()):
                payload = self.edit.text()
                # The digits before the first "|" were the reader's too: they go with the scan.
                before = "" if payload.startswith(self._before_scan) else self._before_scan
                self.edit.setText(before)
                self._on_text(before)
                self.qr_scanned.emit(payload)     # applied to the applicant, or refused with a message
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.rowCount():
                current = self.list.currentIndex()
                self._pick_row(current if current.isValid() else self.model.index(0, 0))
                return True
        return super().eventFilter(obj, event)

    def _pick_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.picked.emit(self.model.procedure(index.row()))
