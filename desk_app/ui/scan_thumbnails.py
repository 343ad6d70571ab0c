"""The scan session's pages as a list model: one row per page, a thumbnail, its label, and the
likely-blank flag the clerk has to confirm.

Rows move with ``moveRows`` (Ctrl+Up/Down) or by dragging (internal move: the rows travel as their
numbers in ``application/x-desk-scan-rows``); ``removeRows`` keeps what it removed on an undo stack
(Ctrl+Z puts it back where it was). The pages are ``services.scanning.session.SessionPage`` values;
the thumbnails are drawn from the RGB bytes the service gives (PDF pages through QtPdf).
"""
from __future__ import annotations

from dataclasses import dataclass

from desk_app.services.scanning import session as scan_session
from desk_app.ui.qt import (
    QAbstractListModel,
    QBrush,
    QBuffer,
    QByteArray,
    QColor,
    QImage,
    QMimeData,
    QModelIndex,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QPixmap,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex
MIME = "application/x-desk-scan-rows"
THUMB_PX = 150
BLANK_COLOUR = QColor("#b3261e")
PageRole = Qt.ItemDataRole.UserRole + 1
BlankRole = Qt.ItemDataRole.UserRole + 2


@dataclass
class _Row:
    page: scan_session.SessionPage
    pixmap: QPixmap


def page_pixmap(sp: scan_session.SessionPage, px: int = THUMB_PX) -> QPixmap:
    """The page's thumbnail (white with a grey frame when it cannot be drawn)."""
    raw = scan_session.thumbnail(sp, px)
    if raw is not None:
        w, h, data = raw
        img = QImage(data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        return QPixmap.fromImage(img)
    try:
        from desk_app.ui.qt import QPdfDocument

        data = QByteArray(scan_session.pdf_bytes(sp))
        buf = QBuffer(data)
        buf.open(QBuffer.OpenModeFlag.ReadOnly)
        doc = QPdfDocument()
        doc.load(buf)
        if doc.status() == QPdfDocument.Status.Ready and doc.pageCount():
            size = doc.pagePointSize(0)
            scale = px / max(size.width(), size.height(), 1)
            img = doc.render(0, QSize(max(1, int(size.width() * scale)),
                                      max(1, int(size.height() * scale))))
            doc.close()
            if not img.isNull():
                return QPixmap.fromImage(img)
    except (ImportError, RuntimeError):
        pass
    pm = QPixmap(int(px * 0.7), px)
    pm.fill(QColor("white"))
    p = QPainter(pm)
    p.setPen(QColor("#888"))
    p.drawRect(0, 0, pm.width() - 1, pm.height() - 1)
    p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter, "PDF")
    p.end()
    return pm


class PageDelegate(QStyledItemDelegate):
    """Draws "Page N · …" under each thumbnail (N is the row: it changes as pages move)."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.decorationPosition = QStyleOptionViewItem.Position.Top
        option.displayAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        model = index.model()
        if isinstance(model, ThumbnailModel) and index.isValid():
            option.text = model.page_label(index.row())

    def sizeHint(self, option, index) -> QSize:
        line = option.fontMetrics.lineSpacing()
        return QSize(THUMB_PX + 24, THUMB_PX + 2 * line + 14)

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        if index.data(BlankRole):       # a red frame, visible even on the selected page
            painter.save()
            pen = QPen(BLANK_COLOUR)
            pen.setWidth(4)
            painter.setPen(pen)
            painter.drawRect(option.rect.adjusted(2, 2, -3, -3))
            painter.restore()


class ThumbnailModel(QAbstractListModel):
    """The session's pages, in the order they will be in the PDF."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._undo: list[list[tuple[int, _Row]]] = []

    # -- the session's API ---------------------------------------------------------------------
    def pages(self) -> list[scan_session.SessionPage]:
        return [r.page for r in self._rows]

    def page(self, row: int) -> scan_session.SessionPage:
        return self._rows[row].page

    def append(self, pages: list[scan_session.SessionPage]) -> None:
        if not pages:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(pages) - 1)
        self._rows += [_Row(p, page_pixmap(p)) for p in pages]
        self.endInsertRows()

    def replace_tail(self, start: int, pages: list[scan_session.SessionPage]) -> None:
        """Rows from ``start`` on (a batch's previews) become ``pages`` (its final pages)."""
        if start < len(self._rows):
            self.beginRemoveRows(QModelIndex(), start, len(self._rows) - 1)
            del self._rows[start:]
            self.endRemoveRows()
        self.append(pages)

    def set_page(self, row: int, sp: scan_session.SessionPage) -> None:
        self._rows[row] = _Row(sp, page_pixmap(sp))
        idx = self.index(row, 0)
        self.dataChanged.emit(idx, idx)

    def unconfirmed_blanks(self) -> list[int]:
        return [i for i, r in enumerate(self._rows)
                if r.page.likely_blank and not r.page.blank_confirmed]

    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> list[int]:
        """Put the last deleted pages back where they were; returns their rows."""
        if not self._undo:
            return []
        removed = self._undo.pop()
        rows = []
        for pos, row in sorted(removed, key=lambda t: t[0]):
            pos = min(pos, len(self._rows))
            self.beginInsertRows(QModelIndex(), pos, pos)
            self._rows.insert(pos, row)
            self.endInsertRows()
            rows.append(pos)
        return rows

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._undo = []
        self.endResetModel()

    # -- QAbstractListModel --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def label(self, row: int) -> str:
        """What the page is (not where it is: the view's delegate adds "Page N")."""
        sp = self._rows[row].page
        parts = []
        if sp.page is not None and sp.page.source in ("duplex", "feeder") and sp.side == "back":
            parts.append(self.tr("back"))
        if sp.is_pdf:
            parts.append("PDF")
        if sp.rotation:
            parts.append(f"{sp.rotation * 90}°")
        if sp.cropped:
            parts.append(self.tr("cropped"))
        if sp.likely_blank and not sp.blank_confirmed:
            parts.append(self.tr("blank?"))
        elif sp.likely_blank:
            parts.append(self.tr("blank, kept"))
        return " · ".join(parts)

    def page_label(self, row: int) -> str:
        """"Page N · …" for the view (the position is not part of the model's data)."""
        rest = self.label(row)
        head = self.tr("Page %1").replace("%1", str(row + 1))
        return f"{head} · {rest}" if rest else head

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.label(index.row())
        if role == Qt.ItemDataRole.DecorationRole:
            return row.pixmap
        if role == Qt.ItemDataRole.ToolTipRole:
            text = row.page.origin or self.label(index.row()) or ""
            if row.page.likely_blank and not row.page.blank_confirmed:
                text += "\n" + self.tr("Looks blank: Space keeps it, Delete removes it.")
            return text
        if role == Qt.ItemDataRole.ForegroundRole and row.page.likely_blank \
                and not row.page.blank_confirmed:
            return QBrush(BLANK_COLOUR)
        if role == Qt.ItemDataRole.BackgroundRole and row.page.likely_blank \
                and not row.page.blank_confirmed:
            return QBrush(QColor("#fde7e4"))
        if role == PageRole:
            return row.page
        if role == BlankRole:
            return bool(row.page.likely_blank and not row.page.blank_confirmed)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(MIME, QByteArray(",".join(map(str, rows)).encode("ascii")))
        return mime

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data is not None and data.hasFormat(MIME) and action == Qt.DropAction.MoveAction

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            rows = [int(x) for x in bytes(data.data(MIME).data()).decode("ascii").split(",") if x]
        except ValueError:
            return False
        if not rows:
            return False
        dest = row if row >= 0 else (parent.row() if parent.isValid() else len(self._rows))
        keep = [r for i, r in enumerate(self._rows) if i not in rows]
        moving = [self._rows[i] for i in rows if 0 <= i < len(self._rows)]
        at = dest - sum(1 for i in rows if i < dest)
        self.beginResetModel()
        self._rows = keep[:at] + moving + keep[at:]
        self.endResetModel()
        return False   # moved here already: the view must not remove the source rows


    def moveRows(self, src_parent: Index, src: int, count: int, dst_parent: Index, dst: int) -> bool:
        if src_parent.isValid() or dst_parent.isValid() or count < 1:
            return False
        if src < 0 or src + count > len(self._rows) or dst < 0 or dst > len(self._rows):
            return False
        if src <= dst <= src + count:          # a move onto itself
            return False
        if not self.beginMoveRows(QModelIndex(), src, src + count - 1, QModelIndex(), dst):
            return False
        block = self._rows[src:src + count]
        del self._rows[src:src + count]
        at = dst if dst < src else dst - count
        self._rows[at:at] = block
        self.endMoveRows()
        return True

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        removed = [(row + i, self._rows[row + i]) for i in range(count)]
        del self._rows[row:row + count]
        self.endRemoveRows()
        self._undo.append(removed)
        return True
