"""Sổ chứng thực bản sao từ bản chính (SCT/BS): this desk's electronic book, month by month.

The entries come from the store's book (``certbook list`` on the JobRunner); the view lists one
month in number order and "In sổ" prints that month's register (the electronic book is printed
and bound monthly): ``certbook print`` renders the PDF, our print preview shows and prints it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from desk_app.domain.localtime import VN_TZ
from desk_app.ui import labels, signing_access
from desk_app.ui.qt import (
    QAbstractTableModel,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QModelIndex,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desk_app.ui.signing_dialog import _view, fit_dialog, run_job

__all__ = ["BookModel", "CertBookView", "open_certbook"]

Index = QModelIndex | QPersistentModelIndex


class BookModel(QAbstractTableModel):
    """The entries of one month: number, date, applicant, document, pages, copies, fee, certifier."""

    COLUMNS = 8

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list = []

    def set_entries(self, entries: list) -> None:
        self.beginResetModel()
        self.rows = sorted(entries, key=lambda e: (e.year, e.book, e.number))
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 — Qt API
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = (self.tr("No."), self.tr("Date"), self.tr("Requested by"), self.tr("Document"),
                  self.tr("Pages"), self.tr("Copies"), self.tr("Fee"), self.tr("Certified by"))
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        e = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            d = datetime.fromisoformat(e.issued_at).astimezone(VN_TZ)
            return (str(e.number), d.strftime("%d/%m/%Y %H:%M"), e.applicant, e.document,
                    str(e.pages), str(e.copies), labels.money(e.fee), e.certifier)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 4, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CertBookView(QDialog):
    """See the module docstring."""

    loaded = Signal(int)              # number of entries in the book (all months)

    def __init__(self, ctx: Any, session: Any, jobs: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.jobs = ctx, session, jobs
        self.book = signing_access.book_for(ctx)
        self.entries: list = []
        self.preview_dialog = None
        self.last_pdf: bytes | None = None
        self.setObjectName("certbookView")
        self.setWindowTitle(self.tr("Certification book (copies from originals)"))
        self.title = QLabel(self)
        self.title.setObjectName("bookTitle")
        self.title.setStyleSheet("font-weight: bold;")
        self.month = QComboBox(self)
        self.month.setObjectName("bookMonth")
        self.month.currentIndexChanged.connect(self._show_month)
        self.model = BookModel(self)
        self.table = _view(self.model, self, "bookEntries")
        self.summary = QLabel(self)
        self.summary.setObjectName("bookSummary")
        self.print_button = QPushButton(self.tr("Print the month's book"), self)
        self.print_button.setObjectName("printBook")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_month)
        close = QPushButton(self.tr("Close"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel(self.tr("Month:"), self))
        top.addWidget(self.month)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        fm = self.fontMetrics()
        h = self.table.horizontalHeader()
        for col, sample in ((0, "9999"), (1, "02/12/2026 10:30"), (2, "Nguyễn Thị Minh Khai"),
                            (3, "Giấy khai sinh bản chính số 123/2020"), (4, "Số trang"),
                            (5, "Số bản"), (6, "200.000 đ")):
            h.resizeSection(col, fm.horizontalAdvance(sample) + 16)
        fit_dialog(self, 1100, 620)
        self.reload()

    def _call(self, wctx, name: str, **params):
        from desk_app.services import registry
        from desk_app.services.session import Session

        return registry.call(name, Session(wctx, self.session.user, "gui"), **params)

    def reload(self) -> None:
        """Every entry of this desk's book (``certbook list``, on the JobRunner)."""
        book, call = self.book, self._call

        def done(entries) -> None:
            self.entries = list(entries)
            now = datetime.now(VN_TZ)
            months = sorted({signing_access.entry_month(e) for e in self.entries}
                            | {(now.year, now.month)}, reverse=True)
            self.month.blockSignals(True)
            self.month.clear()
            for y, m in months:
                self.month.addItem(self.tr("%1/%2").replace("%1", f"{m:02d}").replace("%2", str(y)),
                                   (y, m))
            self.month.blockSignals(False)
            self._show_month()
            self.loaded.emit(len(self.entries))

        run_job(self.jobs, lambda wctx, _p, _c: call(wctx, "certbook list", book=book),
                on_done=done, on_error=self._failed, title_vi="Đọc sổ chứng thực",
                title_en="Reading the book", show_progress=False, cancellable=False)

    def _failed(self, exc: BaseException) -> None:
        from desk_app.ui import i18n

        self.summary.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.summary.setText(i18n.error_text(exc))
        self.loaded.emit(-1)

    def selected_month(self) -> tuple[int, int]:
        data = self.month.currentData()
        if data:
            return tuple(data)
        now = datetime.now(VN_TZ)
        return now.year, now.month

    def _show_month(self, *_a) -> None:
        y, m = self.selected_month()
        chosen = [e for e in self.entries if signing_access.entry_month(e) == (y, m)]
        self.model.set_entries(chosen)
        self.title.setText(self.tr("Book %1/%2-SCT/BS — month %3/%2")
                           .replace("%1", self.book).replace("%2", str(y)).replace("%3", f"{m:02d}"))
        total = sum(e.fee for e in chosen)
        self.summary.setText(self.tr("Certifications this month: %1").replace("%1", str(len(chosen)))
                             + " · " + self.tr("fees %1").replace("%1", labels.money(total)))
        self.print_button.setEnabled(bool(chosen))

    # -- printing ----------------------------------------------------------------------------------
    printed = Signal(bytes)           # the month's printout (PDF) is ready and shown

    def print_month(self) -> None:
        """“In sổ”: the services render the month's register (``certbook print``); our print
        preview shows it, its Print button asks for the printer."""
        y, m = self.selected_month()
        month, call = f"{y:04d}-{m:02d}", self._call

        def job(wctx, _p, _c):
            import tempfile
            from pathlib import Path

            with tempfile.TemporaryDirectory(prefix="desk-certbook-") as tmp:
                out = Path(tmp) / f"so-chung-thuc-{month}.pdf"
                call(wctx, "certbook print", month=month, output=out)
                return out.read_bytes()

        def done(pdf: bytes) -> None:
            from desk_app.ui import receipt_preview

            self.last_pdf = pdf
            self.preview_dialog = receipt_preview.preview(
                self, pdf, self.tr("Certification book — month %1").replace("%1", f"{m:02d}/{y}"))
            self.printed.emit(pdf)

        self.print_button.setEnabled(False)
        run_job(self.jobs, job, on_done=lambda pdf: (self.print_button.setEnabled(True), done(pdf)),
                on_error=lambda exc: (self.print_button.setEnabled(True), self._failed(exc)),
                title_vi="In sổ chứng thực", title_en="Printing the book", cancellable=False)


def open_certbook(window) -> CertBookView:
    view = CertBookView(window.ctx, window.session, window.jobs, window)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view


