"""Print preview and printing of receipt PDFs (Mẫu 01/02/03) rendered by the services.

The PDF is the document (rendered from the stored dossier by ``services.intake.receipt.render``);
Qt only rasterises its pages with QtPdf onto whatever printer the clerk picks, so the paper
copy and the saved PDF can never differ in wording.

The preview is our own small dialog around ``QPrintPreviewWidget`` (Qt's QPrintPreviewDialog has
no keyboard way to print and its toolbar is out of the Tab chain): the "Print…" button has the
focus when it opens, Ctrl+P or Enter prints, Tab walks print → zoom → close. The print dialog
starts at 2 copies: the slip is "lập thành 2 liên" (one for the desk, one for the citizen).
``printed`` is emitted after the pages went to the printer — the caller keeps the copy then, a
mere preview stores nothing.
"""
from __future__ import annotations

import logging

from desk_app.ui.qt import (
    QBuffer,
    QByteArray,
    QDialog,
    QHBoxLayout,
    QIODevice,
    QKeySequence,
    QPageSize,
    QPainter,
    QPdfDocument,
    QPrintDialog,
    QPrinter,
    QPrintPreviewWidget,
    QPushButton,
    QRect,
    QShortcut,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)
MAX_DPI = 300
COPIES = 2   # Mẫu 01: "Giấy tiếp nhận và hẹn trả kết quả được lập thành 2 liên"


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


def make_printer() -> QPrinter:
    """The printer the print dialog starts from (tests point it at a PDF file)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)  # the PDF carries its own margins; paint it edge to edge
    printer.setCopyCount(COPIES)
    return printer


def print_dialog(printer: QPrinter, parent: QWidget | None) -> QPrintDialog:
    """Qt's print dialog (Qt's own widgets on Linux, in our Vietnamese; the system's on Windows)."""
    chooser = QPrintDialog(printer, parent)
    chooser.setObjectName("printChooser")
    return chooser


class ReceiptPreview(QDialog):
    """Window-modal preview of one PDF with a keyboard way to print it."""

    printed = Signal()

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptPreview")
        self.setWindowTitle(title)
        self.pages = PdfPages(pdf)
        self._pages = self.pages            # older name (main-window tests)
        self.chooser: QPrintDialog | None = None
        self.last_printer: QPrinter | None = None
        self._preview_printer = make_printer()   # kept alive with the dialog
        self.view = QPrintPreviewWidget(self._preview_printer, self)
        self.view.setObjectName("previewPages")
        self.view.paintRequested.connect(self.pages.paint)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for child in self.view.findChildren(QWidget):   # its page view: Tab walks the buttons only
            child.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.print_button = QPushButton(self.tr("Print… (Ctrl+P)"), self)
        self.print_button.setObjectName("previewPrint")
        self.zoom_in = QPushButton(self.tr("Zoom in (+)"), self)
        self.zoom_in.setObjectName("previewZoomIn")
        self.zoom_out = QPushButton(self.tr("Zoom out (−)"), self)
        self.zoom_out.setObjectName("previewZoomOut")
        self.fit = QPushButton(self.tr("Whole page"), self)
        self.fit.setObjectName("previewFit")
        self.close_button = QPushButton(self.tr("Close (Esc)"), self)
        self.close_button.setObjectName("previewClose")
        for b in (self.zoom_in, self.zoom_out, self.fit, self.close_button):
            b.setAutoDefault(False)
        self.print_button.setDefault(True)        # Enter prints
        self.print_button.clicked.connect(self.print_now)
        self.zoom_in.clicked.connect(lambda: self.view.zoomIn())
        self.zoom_out.clicked.connect(lambda: self.view.zoomOut())
        self.fit.clicked.connect(lambda: self.view.fitInView())
        self.close_button.clicked.connect(self.reject)
        bar = QHBoxLayout()
        for b in (self.print_button, self.zoom_in, self.zoom_out, self.fit):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        for a, b in zip([self.print_button, self.zoom_in, self.zoom_out, self.fit, self.close_button],
                        [self.zoom_in, self.zoom_out, self.fit, self.close_button, self.print_button]):
            QWidget.setTabOrder(a, b)
        shortcut = QShortcut(QKeySequence("Ctrl+P"), self)
        shortcut.activated.connect(self.print_now)
        shortcut.activatedAmbiguously.connect(self.print_now)   # the window behind has Ctrl+P too
        QShortcut(QKeySequence("+"), self).activated.connect(lambda: self.view.zoomIn())
        QShortcut(QKeySequence("-"), self).activated.connect(lambda: self.view.zoomOut())
        self.print_button.setFocus()

    def fit_to(self, parent: QWidget | None) -> None:
        screen = (parent.screen() if parent is not None else None) or self.screen()
        avail = screen.availableGeometry()
        w, h = min(1000, avail.width() - 16), min(900, avail.height() - 40)
        self.setGeometry(avail.x() + (avail.width() - w) // 2, avail.y() + max(32, (avail.height() - h) // 2), w, h)

    def print_now(self) -> None:
        """Open the print dialog (2 copies); on OK paint, emit ``printed`` and close."""
        if self.chooser is not None and self.chooser.isVisible():
            return
        printer = make_printer()
        self.chooser = print_dialog(printer, self)
        self.chooser.accepted.connect(lambda: self._print_to(printer))
        QDialog.open(self.chooser)   # QPrintDialog.open(receiver, slot) hides the plain one
        self.chooser.activateWindow()

    def _print_to(self, printer: QPrinter) -> None:
        self.last_printer = printer
        if self.pages.paint(printer) > 0:
            self.printed.emit()
            self.accept()


def preview(parent: QWidget | None, pdf: bytes, title: str) -> ReceiptPreview:
    """Open (window-modal, non-blocking) the preview; its Print button / Ctrl+P asks for the printer."""
    dialog = ReceiptPreview(pdf, title, parent)
    dialog.fit_to(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.print_button.setFocus()
    return dialog


def print_with_dialog(parent: QWidget | None, pdf: bytes) -> bool:
    """Choose a printer (QPrintDialog, 2 copies) and print; False when cancelled."""
    printer = make_printer()
    chooser = print_dialog(printer, parent)
    if chooser.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    return PdfPages(pdf).paint(printer) > 0
