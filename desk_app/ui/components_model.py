"""The checklist of a procedure's required components on the intake screen.

One row per required component: received (check box), name, form (original / copy / certified
copy), quantity and the scanned files attached to it. The model only holds what the clerk ticked;
``to_components`` / ``to_attachments`` turn it into the plain values ``intake.receive`` takes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desk_app.domain.models import ComponentForm, DossierComponent, RequiredComponent
from desk_app.ui import labels
from desk_app.ui.qt import QAbstractTableModel, QFont, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
COL_RECEIVED, COL_NAME, COL_FORM, COL_QUANTITY, COL_FILES = range(5)
FORMS = (ComponentForm.ORIGINAL, ComponentForm.COPY, ComponentForm.CERTIFIED_COPY)


@dataclass
class ComponentRow:
    seq: int
    name: str
    required: bool
    form: ComponentForm
    quantity: int = 1
    received: bool = False
    files: list[Path] = field(default_factory=list)


def row_for(req: RequiredComponent) -> ComponentRow:
    """Defaults from the catalog: originals asked for -> original, else copy."""
    form = ComponentForm.ORIGINAL if req.originals or not req.copies else ComponentForm.COPY
    quantity = max(1, req.originals or req.copies or 1)
    return ComponentRow(seq=req.seq, name=req.name, required=req.required, form=form, quantity=quantity)


class ComponentsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ComponentRow] = []

    def set_required(self, required: tuple[RequiredComponent, ...] | list[RequiredComponent]) -> None:
        self.beginResetModel()
        self._rows = [row_for(r) for r in required]
        self.endResetModel()

    def rows(self) -> list[ComponentRow]:
        return list(self._rows)

    def row(self, r: int) -> ComponentRow:
        return self._rows[r]

    def attach(self, r: int, paths: list[Path]) -> None:
        """Attach scanned files to a component; attaching implies it was received."""
        row = self._rows[r]
        row.files.extend(p for p in paths if p not in row.files)
        if paths:
            row.received = True
        self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))

    def missing_required(self) -> list[ComponentRow]:
        return [r for r in self._rows if r.required and not r.received]

    def to_components(self) -> list[DossierComponent]:
        return [DossierComponent(seq=r.seq, name=r.name, form=r.form, quantity=r.quantity)
                for r in self._rows if r.received]

    def to_attachments(self) -> list[tuple[Path, int | None]]:
        return [(p, r.seq) for r in self._rows if r.received for p in r.files]

    # --- QAbstractTableModel -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        titles = [self.tr("Received"), self.tr("Component"), self.tr("Form"), self.tr("Qty"),
                  self.tr("Scanned files")]
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_RECEIVED:
            return Qt.CheckState.Checked if r.received else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == COL_RECEIVED:
                return "" if role == Qt.ItemDataRole.DisplayRole else (
                    self.tr("required") if r.required else self.tr("optional"))
            if col == COL_NAME:
                if role == Qt.ItemDataRole.ToolTipRole:
                    return f"{r.name} ({self.tr('required') if r.required else self.tr('optional')})"
                return r.name
            if col == COL_FORM:
                return labels.form_label(r.form)
            if col == COL_QUANTITY:
                return str(r.quantity)
            if col == COL_FILES:
                return ", ".join(p.name for p in r.files)
        if role == Qt.ItemDataRole.FontRole and col == COL_NAME and r.required:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.EditRole:
            if col == COL_FORM:
                return FORMS.index(r.form)
            if col == COL_QUANTITY:
                return r.quantity
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return False
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_RECEIVED:
            r.received = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole and col == COL_FORM and isinstance(value, int) and 0 <= value < 3:
            r.form = FORMS[value]
        elif role == Qt.ItemDataRole.EditRole and col == COL_QUANTITY:
            try:
                qty = int(value)
            except (TypeError, ValueError):
                return False
            if not 1 <= qty <= 99:
                return False
            r.quantity = qty
        else:
            return False
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_RECEIVED:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        if index.column() in (COL_FORM, COL_QUANTITY):
            f |= Qt.ItemFlag.ItemIsEditable
        return f
