"""The supervisor's report (issue 16) as a PDF: headline rates, the Decision 766 indicators,
per procedure / clerk / month, the overdue list. Drawn with reportlab and the bundled Noto Serif
(as the forms), so the CLI prints it without a GUI; the input is the report dict of
``desk_app.reports.indicators.build_report`` (plain data, no store)."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desk_app.printing.forms import CREATOR, FONT, FONT_BOLD, register_fonts

RATES = (("on_time_rate", "Tỷ lệ giải quyết đúng hạn"), ("digitisation_rate", "Tỷ lệ số hóa hồ sơ"),
         ("result_digitisation_rate", "Tỷ lệ số hóa kết quả"),
         ("online_share", "Tỷ lệ hồ sơ nộp trực tuyến"), ("satisfaction_rate", "Tỷ lệ hài lòng"),
         ("sync_rate", "Tỷ lệ hồ sơ đã đồng bộ"))
GROUP_COLS = (("received", "Tiếp nhận"), ("on_time", "Đúng hạn"), ("late_resolved", "Trễ hạn"),
              ("overdue_open", "Quá hạn"), ("on_time_rate", "% đúng hạn"),
              ("digitisation_rate", "% số hóa"), ("online_share", "% trực tuyến"),
              ("satisfaction_rate", "% hài lòng"))


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}".replace(".", ",") + " %"


def _num(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.2f}".replace(".", ",")
    return f"{v:,}".replace(",", ".")


def _cell(key: str, v) -> str:
    return _pct(v) if key.endswith(("rate", "share")) else _num(v)


def render(report: dict, *, unit_name: str = "", printed_at: str = "") -> bytes:
    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=20 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title="Báo cáo kết quả giải quyết TTHC", author=unit_name,
                            creator=CREATOR, producer=CREATOR, lang="vi-VN", invariant=1)
    h = ParagraphStyle("h", fontName=FONT_BOLD, fontSize=14, leading=18, alignment=1)
    h2 = ParagraphStyle("h2", fontName=FONT_BOLD, fontSize=11, leading=15, spaceBefore=6)
    body = ParagraphStyle("b", fontName=FONT, fontSize=9, leading=12)
    p = report["period"]
    story: list = [Paragraph(escape(unit_name.upper()), body),
                   Paragraph("BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", h),
                   Paragraph(escape(f"Kỳ báo cáo: từ ngày {p['from']} đến ngày {p['to']}"
                                    f" — số liệu tính đến {report['as_of']}"), body),
                   Spacer(1, 4 * mm)]

    def table(rows: list[list], widths=None, header=True) -> Table:
        cells = [[Paragraph(escape(str(c)), body) for c in r] for r in rows]
        t = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
        style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                 ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")))
        t.setStyle(TableStyle(style))
        return t

    story.append(Paragraph("1. Các tỷ lệ chính", h2))
    target = report.get("on_time_target", 90.0)
    rows = [["Chỉ tiêu", "Giá trị"]] + [[label, _pct(report.get(k))] for k, label in RATES]
    rows.append([f"Chỉ tiêu đúng hạn", f"trên {_num(float(target))} %"])
    story.append(table(rows, [110 * mm, 50 * mm]))
    story.append(Paragraph("2. Bộ chỉ số phục vụ người dân (Quyết định 766/QĐ-TTg)", h2))
    rows = [["Nhóm chỉ số", "Chỉ số", "Điểm tối đa", "Điểm", "Tử số / mẫu số"]]
    for g in report["indicators"].values():
        rows.append([g["name"], "", _num(g["max_score"]),
                     _num(g["score"]) if g["score"] is not None else "không tính được", ""])
        for part in g["parts"].values():
            frac = (f"{_num(part.get('numerator'))} / {_num(part.get('denominator'))}"
                    if part.get("denominator") is not None else "")
            rows.append(["", part["name"], _num(part["max_score"]),
                         "không tính được tại quầy" if part["score"] is None
                         else _num(part["score"]), frac])
    rows.append(["Tổng (phần tính được)", "", _num(report["computable_max"]),
                 _num(report["score"]), ""])
    story.append(table(rows, [45 * mm, 110 * mm, 25 * mm, 40 * mm, 35 * mm]))
    for title, key in (("3. Theo thủ tục", "by_procedure"), ("4. Theo cán bộ tiếp nhận", "by_clerk"),
                       ("5. Theo tháng", "by_month")):
        story.append(Paragraph(title, h2))
        rows = [["", *[c[1] for c in GROUP_COLS]]]
        for r in report[key]:
            rows.append([r["label"] or r["group"] or "", *[_cell(k, r.get(k)) for k, _ in GROUP_COLS]])
        story.append(table(rows, [85 * mm] + [21 * mm] * len(GROUP_COLS)))
    od = report["overdue_now"]
    story.append(Paragraph(f"6. Hồ sơ quá hạn chưa giải quyết: {_num(od['count'])}", h2))
    rows = [["Mã hồ sơ", "Thủ tục", "Cán bộ", "Hẹn trả"]]
    rows += [[it["code"], it["procedure"], it["clerk"], it["due_at"]] for it in od["items"][:100]]
    story.append(table(rows, [62 * mm, 110 * mm, 45 * mm, 45 * mm]))
    if printed_at:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(f"In lúc {printed_at}"), body))
    doc.build(story)
    return buf.getvalue()
