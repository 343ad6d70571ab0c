"""Mẫu 07 — Sổ theo dõi hồ sơ (the logbook) for a period, A4 landscape.

Columns as Circular 03/2025/TT-VPCP lists them (shared/workflow.md): STT | Mã hồ sơ | Tên TTHC |
Tên tổ chức, cá nhân | Địa chỉ, số điện thoại | Cơ quan chủ trì giải quyết | Nhận và trả kết quả:
Nhận hồ sơ · Hẹn trả kết quả · Trả kết quả · Phương thức nhận kết quả | Ký nhận (+ Ghi chú).
The signature column shows who signed for the result when the desk recorded it. Deterministic
for the same rows (reportlab invariant mode; the date line is the end of the period).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from desk_app.domain.models import Unit
from desk_app.printing import templates
from desk_app.printing.forms import (
    CREATOR, FONT, FONT_BOLD, _markup, _pad_vi, _Styles, clean, place_of, register_fonts,
)


@dataclass(frozen=True)
class LogbookRow:
    code: str
    procedure_name: str
    applicant_name: str
    address: str
    phone: str
    agency: str
    received_at: datetime
    due_at: datetime | None
    returned_at: datetime | None
    delivery: str          # desk | post ('' = not returned yet)
    signed_by: str = ""
    note: str = ""


def _short(dt: datetime | None) -> str:
    return f"{dt:%H:%M}\n{dt:%d/%m/%Y}" if dt else ""


def _day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def render_logbook(rows: Sequence[LogbookRow], unit: Unit, date_from: date, date_to: date, *,
                   template_dir: Path | None = None) -> bytes:
    tpl = templates.load("07", template_dir)
    register_fonts()
    common, form = tpl["common"], tpl["form"]
    page = dict(common["page"])
    size = landscape(A4)
    left = right = 15 * mm
    top = bottom = 15 * mm
    frame_w = size[0] - left - right
    st = _Styles(page, 1.0)
    values = {"form_number": clean(form["form_number"]), "unit_name": clean(unit.name),
              "unit_name_upper": clean(unit.name).upper(),
              "province": clean(unit.province_name),
              "province_upper": clean(unit.province_name).upper(),
              "period_from": _day(date_from), "period_to": _day(date_to),
              "count": str(len(rows)), "place": clean(common["header"]["place"]) or place_of(unit),
              "day": _pad_vi(date_to.day), "month": _pad_vi(date_to.month, month=True),
              "year": str(date_to.year)}
    cell = ParagraphStyle("lb_cell", fontName=FONT, fontSize=8, leading=9.6)
    head = ParagraphStyle("lb_head", fontName=FONT_BOLD, fontSize=8, leading=9.4, alignment=1)
    title = ParagraphStyle("lb_title", parent=st.title)
    right_style = ParagraphStyle("lb_no", fontName=FONT_BOLD, fontSize=10, leading=12, alignment=2)
    center = ParagraphStyle("lb_center", parent=st.center)

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(clean(text, multiline=True)).replace("\n", "<br/>"), style)

    cols = (list(form["columns"]) + [""] * 12)[:12]
    group = form["group_receipt"]
    header1 = [p(cols[i], head) for i in range(6)] + [p(group, head), "", "", ""] + \
        [p(cols[10], head), p(cols[11], head)]
    header2 = [""] * 6 + [p(cols[i], head) for i in range(6, 10)] + ["", ""]
    data: list[list] = [header1, header2]
    for i, r in enumerate(rows, start=1):
        how = {"desk": form["delivery_desk"], "post": form["delivery_post"]}.get(r.delivery, "")
        data.append([p(str(i)), p(r.code), p(r.procedure_name), p(r.applicant_name),
                     p("\n".join(x for x in (r.address, r.phone) if x)), p(r.agency),
                     p(_short(r.received_at)), p(_short(r.due_at)), p(_short(r.returned_at)),
                     p(how), p(r.signed_by), p(r.note)])
    if not rows:
        data.append([p(form["empty"])] + [""] * 11)
    fr = [0.03, 0.15, 0.14, 0.10, 0.10, 0.09, 0.065, 0.065, 0.065, 0.07, 0.07, 0.055]
    widths = [frame_w * f / sum(fr) for f in fr]
    table = Table(data, colWidths=widths, repeatRows=2, splitInRow=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (6, 0), (9, 0)),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for c in (0, 1, 2, 3, 4, 5, 10, 11):
        style.append(("SPAN", (c, 0), (c, 1)))
    if not rows:
        style.append(("SPAN", (0, 2), (-1, 2)))
    table.setStyle(TableStyle(style))
    label = common["labels"].get("form_number", "")
    story = [Paragraph(_markup(label, values), right_style),
             Paragraph(_markup(common["header"]["unit_line"], values), st.head_bold),
             Spacer(1, 2 * mm),
             Paragraph(_markup(form["title"], values), title),
             Paragraph(_markup(form["period"], values), center),
             Spacer(1, 3 * mm), table, Spacer(1, 3 * mm),
             Paragraph(_markup(form["total"], values), st.body_left),
             Paragraph(_markup(common["header"]["date_line"], values),
                       ParagraphStyle("lb_date", parent=st.date, alignment=2)),
             Paragraph(_markup(form["signature_right"], values),
                       ParagraphStyle("lb_sig", parent=st.center_bold, alignment=2))]

    def later(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(size[0] / 2, size[1] - top / 2, str(doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=size, leftMargin=left, rightMargin=right, topMargin=top,
                          bottomMargin=bottom, title=f"{clean(form['title'])} — "
                          f"{values['period_from']}–{values['period_to']}",
                          author=clean(unit.name), subject=clean(form["title"]),
                          creator=CREATOR, producer=CREATOR, invariant=1, lang="vi-VN",
                          initialFontName=FONT)
    frame = Frame(left, bottom, frame_w, size[1] - top - bottom, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="first", frames=[frame], autoNextPageTemplate="later"),
                          PageTemplate(id="later", frames=[frame], onPage=later)])
    doc.build(story)
    return buf.getvalue()
