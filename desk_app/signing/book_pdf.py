"""The monthly printout of the electronic certification book (sổ chứng thực bản sao từ bản chính,
SCT/BS): "a book kept by computer is printed monthly and bound yearly". A4 landscape, rows in
book then number order, the bundled Noto Serif (Vietnamese glyphs) embedded. Deterministic for
the same rows (reportlab invariant mode).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT, FONT_BOLD = "CertbookSerif", "CertbookSerif-Bold"

__all__ = ["render_month"]


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "NotoSerif-Regular.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS / "NotoSerif-Bold.ttf")))


def render_month(rows: Sequence[Sequence[str]], *, unit_name: str, year: int, month: int,
                 books: Sequence[str]) -> bytes:
    """``rows``: ``desk_app.signing.certbook.month_register`` output (header row first)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=f"Sổ chứng thực bản sao từ bản chính {month:02d}/{year}",
                            author=unit_name, creator="Một Cửa Desk", invariant=1)
    cell = ParagraphStyle("cb_cell", fontName=FONT, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("cb_head", fontName=FONT_BOLD, fontSize=8.5, leading=10.5, alignment=1)
    title = ParagraphStyle("cb_title", fontName=FONT_BOLD, fontSize=14, leading=18, alignment=1)
    sub = ParagraphStyle("cb_sub", fontName=FONT, fontSize=10, leading=13, alignment=1)
    story = [Paragraph(escape(unit_name.upper()), sub),
             Paragraph("SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH (SCT/BS) — SỔ ĐIỆN TỬ", title),
             Paragraph(escape(f"Tháng {month:02d} năm {year} · Quyển số: "
                              + (", ".join(books) or "—")), sub),
             Spacer(1, 5 * mm)]
    header, body = list(rows[0]), [list(r) for r in rows[1:]]
    data = [[Paragraph(escape(h), head) for h in header]]
    data += [[Paragraph(escape(str(v)), cell) for v in r] for r in body]
    if not body:
        data.append([Paragraph("Không có chứng thực nào trong tháng.", cell)]
                    + [""] * (len(header) - 1))
    widths = [28 * mm, 18 * mm, 22 * mm, 42 * mm, 60 * mm, 15 * mm, 14 * mm, 22 * mm, 50 * mm]
    table = Table(data, colWidths=widths[:len(header)], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *([("SPAN", (0, 1), (-1, 1))] if not body else []),
    ]))
    story += [table, Spacer(1, 6 * mm),
              Paragraph(escape(f"Tổng số: {len(body)} chứng thực."), cell)]

    def footer(canvas, d) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawRightString(d.pagesize[0] - 12 * mm, 7 * mm, f"Trang {d.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
