"""The receipt goes through Qt printing intact: PDF from the services -> QtPdf -> a Qt printer."""
from __future__ import annotations

import subprocess

import pytest

from desk_app.services import dossiers
from desk_app.services.intake import receipt
from desk_app.ui.qt import QPrinter
from desk_app.ui.receipt_preview import PdfPages


def test_pdf_pages_paint_onto_a_printer(qapp, ctx, tmp_path):
    code = dossiers.list_recent(ctx, limit=1)[0].code
    pdf = receipt.render(ctx, code, "01", store_as_attachment=False)
    pages = PdfPages(pdf)
    assert pages.page_count >= 1
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert pages.paint(printer) == pages.page_count
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert int(fields["Pages"]) == pages.page_count
    assert "A4" in fields["Page size"]


def test_not_a_pdf_is_refused(qapp):
    with pytest.raises(ValueError):
        PdfPages(b"<html>")
