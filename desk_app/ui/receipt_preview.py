"""Print preview and printing of receipt PDFs (Mẫu 01/02/03) rendered by the services.

The PDF is the document (rendered from the stored dossier by ``services.intake.receipt.render``);
Qt only rasterises its pages with QtPdf onto whatever printer the clerk picks, so the paper
copy and the saved PDF can never differ in wording.
"""
from __future__ import annotations

import logging

from desk_app.ui.qt import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPageSize,
    QPainter,
    QPdfDocument,
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QRect,
    QSize,
    Qt,
    QWidget,
)

log = logging.getLogger(__name__)
MAX_DPI = 300


class PdfPages:
    """A PDF held in memory, ready to paint page by page."""

    def __init__(self, pdf: bytes) -> None:
        if not pdf.startswith(b"%PDF"):
            raise ValueError("not a PDF")
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.doc = QPdfDocument()
        self.doc.load(self._buffer)
        if self.doc.status() != QPdfDocument.Status.Ready:
            raise ValueError(f"unreadable PDF: {self.doc.error()}")

    @property
    def page_count(self) -> int:
        return self.doc.pageCount()

    def paint(self, printer: QPrinter) -> int:
        """Paint every page onto ``printer`` (a real printer, a PDF file or the preview); returns pages painted."""
        painter = QPainter()
        if not painter.begin(printer):
            log.error("printer refused to start painting")
            return 0
        dpi = min(printer.resolution(), MAX_DPI)
        try:
            for page in range(self.page_count):
                if page:
                    printer.newPage()
                size_pt = self.doc.pagePointSize(page)
                image = self.doc.render(page, QSize(int(size_pt.width() * dpi / 72),
                                                    int(size_pt.height() * dpi / 72)))
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(0, 0, scaled.width(), scaled.height()), image)
        finally:
            painter.end()
        return self.page_count


def _printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)  # the PDF carries its own margins; paint it edge to edge
    return printer


def preview(parent: QWidget | None, pdf: bytes, title: str) -> QPrintPreviewDialog:
    """Open (window-modal, non-blocking) a print preview; its Print button asks for the printer."""
    pages = PdfPages(pdf)
    printer = _printer()  # the dialog does not own it: keep it alive with the dialog
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("receiptPreview")
    dialog.setWindowTitle(title)
    dialog.paintRequested.connect(pages.paint)
    dialog._pages = pages  # keep the document and the printer alive as long as the dialog
    dialog._printer = printer
    dialog.resize(900, 700)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def print_with_dialog(parent: QWidget | None, pdf: bytes) -> bool:
    """Choose a printer (QPrintDialog) and print; False when cancelled."""
    printer = _printer()
    chooser = QPrintDialog(printer, parent)
    if chooser.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    return PdfPages(pdf).paint(printer) > 0
