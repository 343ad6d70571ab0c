"""The printed one-stop forms (Circular 03/2025/TT-VPCP): Mẫu 01 receipt and appointment slip,
Mẫu 02 supplement request, Mẫu 03 refusal, Mẫu 04 apology and new date, Mẫu 05 stop processing,
Mẫu 06 control slip — as A4 PDF bytes; Mẫu 07 (the logbook of a period) is
:func:`render_logbook`. The form number printed top right is the template's ``form_number``.

Why reportlab and not Qt: the CLI, services and tests must print without a Qt application, and
reportlab embeds a subset of a TrueType font with a ToUnicode map, so the Vietnamese text stays
searchable and copyable (pdftotext gives back NFC text). Output is deterministic for identical
input (reportlab's invariant mode, dates taken from the dossier), so a reprint hashes the same.
"""
from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from string import Formatter
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, KeepTogether, LayoutError, PageTemplate, Paragraph, Spacer, Table,
    TableStyle,
)

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import Delivery, Dossier, Procedure, TimeKind, Unit
from desk_app.printing import templates

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT = "DeskSerif"
FONT_BOLD = "DeskSerif-Bold"
FONT_ITALIC = "DeskSerif-Italic"
CREATOR = "Một Cửa Desk"
FIT_SCALES = (1.0, 0.96, 0.92, 0.88)

_font_lock = threading.Lock()
_fonts_ready = False

# Control, surrogate, private-use, unassigned and format characters never belong on a form and
# some of them break the PDF text layer; they are dropped before drawing.
_DROP_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Cf"})


def register_fonts(font_dir: Path = FONT_DIR) -> None:
    """Register Noto Serif once per process (parsing the TTF files costs ~100 ms)."""
    global _fonts_ready
    with _font_lock:
        if _fonts_ready:
            return
        try:
            pdfmetrics.registerFont(TTFont(FONT, str(font_dir / "NotoSerif-Regular.ttf")))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_dir / "NotoSerif-Bold.ttf")))
            pdfmetrics.registerFont(TTFont(FONT_ITALIC, str(font_dir / "NotoSerif-Italic.ttf")))
        except Exception as exc:  # reportlab raises TTFError / OSError / struct errors
            raise ValidationError(
                "form_font_missing",
                f"Không nạp được phông chữ Noto Serif trong {font_dir}: {exc}",
                f"Cannot load the Noto Serif fonts from {font_dir}: {exc}", font_dir=str(font_dir),
            ) from exc
        # No bold-italic file ships: bold italic falls back to bold.
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                      boldItalic=FONT_BOLD)
        _fonts_ready = True


def clean(value: object, *, multiline: bool = False) -> str:
    """NFC text without characters that cannot be printed; newlines kept only when asked."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    out = []
    for ch in text:
        if ch in "\r\n\t":
            out.append("\n" if (multiline and ch == "\n") else " ")
        elif unicodedata.category(ch) not in _DROP_CATEGORIES:
            out.append(ch)
    cleaned = "".join(out)
    if multiline:
        return "\n".join(" ".join(line.split()) for line in cleaned.split("\n")).strip()
    return " ".join(cleaned.split())


def _pad_vi(n: int, *, month: bool = False) -> str:
    """Decree 30/2020: days below 10 and the months 1 and 2 are written with a leading zero."""
    if month:
        return f"{n:02d}" if n < 3 else str(n)
    return f"{n:02d}" if n < 10 else str(n)


def date_values(at: datetime) -> dict[str, str]:
    return {"day": _pad_vi(at.day), "month": _pad_vi(at.month, month=True), "year": str(at.year),
            "hour": f"{at.hour:02d}", "minute": f"{at.minute:02d}"}


def format_money(amount: int) -> str:
    """Vietnamese grouping: 1.250.000."""
    return f"{amount:,}".replace(",", ".")


def place_of(unit: Unit) -> str:
    """"UBND xã Tân Phong" -> "Tân Phong": the place name of the date line."""
    name = clean(unit.name)
    low = name.lower()
    for prefix in ("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd"):
        if low.startswith(prefix):
            name = name[len(prefix):].strip()
            low = name.lower()
            break
    for level in ("thị trấn", "đặc khu", "phường", "xã", "tỉnh", "thành phố"):
        if low.startswith(level + " "):
            return name[len(level):].strip()
    return name


def lookup_target(code: str, url: str | None) -> str | None:
    """The look-up address for one dossier: ``{code}`` in the URL is replaced, else ?code= is added."""
    if not url:
        return None
    url = url.strip()
    if "{code}" in url:
        return url.replace("{code}", quote(code, safe=""))
    return f"{url}{'&' if '?' in url else '?'}code={quote(code, safe='')}"


def _markup(template: str, values: Mapping[str, str], bold: Iterable[str] = ()) -> str:
    """Fill a template into Paragraph markup: literal text escaped, chosen values in bold."""
    bold = set(bold)
    parts: list[str] = []
    for literal, field, _spec, _conv in Formatter().parse(template):
        parts.append(escape(literal))
        if field is None:
            continue
        value = escape(values.get(field, ""))
        parts.append(f"<b>{value}</b>" if field in bold and value else value)
    return "".join(parts)


class Rule(Flowable):
    """A short centred horizontal line (the rule under the unit name and under the motto)."""

    def __init__(self, width: float, thickness: float = 0.6) -> None:
        super().__init__()
        self.rule_width = width
        self.thickness = thickness

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        return avail_width, 4.0

    def draw(self) -> None:
        width = min(self.rule_width, self._avail)
        x0 = (self._avail - width) / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x0, 1.0, x0 + width, 1.0)


class QrCode(Flowable):
    """A QR code drawn as vector rectangles (sharp at any printer resolution)."""

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.payload = payload
        self.size = size
        self.qr = segno.make(payload, error="m", micro=False)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        border = 4
        rows = [list(r) for r in self.qr.matrix]
        n = len(rows) + 2 * border
        module = self.size / n
        path = self.canv.beginPath()
        for r, row in enumerate(rows):
            y = self.size - (r + border + 1) * module
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    path.rect((start + border) * module, y, (c - start) * module, module)
                else:
                    c += 1
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


class _Styles:
    def __init__(self, page: Mapping[str, Any], scale: float = 1.0) -> None:
        body = float(page["font_size"]) * scale
        head = float(page["header_font_size"]) * scale
        note = float(page["note_font_size"]) * scale
        lead = 1.22
        self.scale = scale
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=body, leading=body * lead,
                                   alignment=TA_JUSTIFY, spaceAfter=1)
        self.body_left = ParagraphStyle("body_left", parent=self.body, alignment=TA_LEFT)
        self.indent = ParagraphStyle("indent", parent=self.body, leftIndent=8 * mm)
        self.head = ParagraphStyle("head", fontName=FONT, fontSize=head, leading=head * 1.2,
                                   alignment=TA_CENTER)
        self.head_bold = ParagraphStyle("head_bold", parent=self.head, fontName=FONT_BOLD)
        self.date = ParagraphStyle("date", parent=self.head, fontName=FONT_ITALIC,
                                   fontSize=body, leading=body * lead)
        title = float(page["title_font_size"]) * scale
        self.title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=title,
                                    leading=title * 1.3, alignment=TA_CENTER,
                                    spaceAfter=1 * mm)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.center_italic = ParagraphStyle("center_italic", parent=self.center, fontName=FONT_ITALIC)
        self.center_bold = ParagraphStyle("center_bold", parent=self.center, fontName=FONT_BOLD)
        self.cell = ParagraphStyle("cell", fontName=FONT, fontSize=body - 1,
                                   leading=(body - 1) * lead, alignment=TA_LEFT)
        self.cell_center = ParagraphStyle("cell_center", parent=self.cell, alignment=TA_CENTER)
        self.cell_head = ParagraphStyle("cell_head", parent=self.cell_center, fontName=FONT_BOLD,
                                        fontSize=body - 2, leading=(body - 2) * 1.15)
        self.note = ParagraphStyle("note", fontName=FONT_ITALIC, fontSize=note, leading=note * lead,
                                   alignment=TA_JUSTIFY)
        self.note_head = ParagraphStyle("note_head", parent=self.note, fontName=FONT_BOLD)
        self.qr_caption = ParagraphStyle("qr_caption", fontName=FONT, fontSize=7.5, leading=9,
                                         alignment=TA_CENTER)


def _fit_size(text: str, font: str, size: float, width: float, floor: float = 8.0) -> float:
    """Shrink a single header line (national title, motto) until it fits its column."""
    while size > floor and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def _values(dossier: Dossier, unit: Unit, procedure: Procedure, clerk_name: str,
            tpl: Mapping[str, Any], printed_at: datetime, lookup: str | None,
            extra: Mapping[str, Any] | None = None) -> dict[str, str]:
    extra = extra or {}
    common = tpl["common"]
    fmt = common["format"]
    blank = fmt["blank"]
    a = dossier.applicant

    def or_blank(v: object) -> str:
        return clean(v) or blank

    province = clean(unit.province_name)
    values: dict[str, str] = {
        "province": province, "province_upper": province.upper(),
        "unit_name": clean(unit.name), "unit_name_upper": clean(unit.name).upper(),
        "unit_code": clean(unit.code), "unit_address": clean(unit.address),
        "code": clean(dossier.code), "receipt_no": clean(dossier.receipt_no),
        "number": clean(dossier.receipt_no) or blank,
        "applicant_name": or_blank(a.full_name), "applicant_address": or_blank(a.address),
        "applicant_phone": or_blank(a.phone), "applicant_email": or_blank(a.email),
        "applicant_id_number": or_blank(a.id_number), "on_behalf_of": clean(dossier.on_behalf_of),
        "procedure_name": or_blank(dossier.procedure_name or procedure.name),
        "procedure_code": clean(dossier.procedure_code or procedure.code),
        "sets": f"{max(dossier.sets, 0):02d}", "clerk_name": clean(clerk_name),
        "delivery_address": or_blank(dossier.delivery_address or a.address),
        "lookup_site": clean(lookup or ""),
    }
    values["place"] = clean(common["header"]["place"]) or place_of(unit)
    values.update(date_values(printed_at))
    values["form_number"] = clean(tpl["form"].get("form_number", ""))

    dt = fmt["datetime"]
    values["received_at"] = templates.fill(dt, date_values(dossier.received_at))
    values["due_at"] = templates.fill(dt, date_values(dossier.due_at)) if dossier.due_at else blank
    for key in ("original_due_at", "new_due_at", "stopped_at"):
        when = extra.get(key)
        values[key] = templates.fill(dt, date_values(when)) if when else blank
    values["reason"] = clean(extra.get("reason", "")) or blank
    values["agency"] = clean(extra.get("agency", "")) or clean(unit.name)
    values["partner"] = clean(extra.get("partner", "")) or blank

    kinds = common["time_kinds"]
    if procedure.time_kind == TimeKind.IMMEDIATE:
        limit = kinds["immediate"]
    elif procedure.time_kind == TimeKind.SAME_DAY:
        if procedure.cutoff:
            hh, _, mm_ = procedure.cutoff.partition(":")
            cutoff = templates.fill(fmt["time"], {"hour": hh.strip().zfill(2),
                                                  "minute": (mm_.strip() or "0").zfill(2)})
            limit = templates.fill(kinds["same_day"], {"cutoff": cutoff})
        else:
            limit = kinds["same_day_no_cutoff"]
    elif procedure.time_kind == TimeKind.CALENDAR_DAYS:
        limit = templates.fill(kinds["calendar_days"], {"days": f"{procedure.time_days:02d}"})
    else:
        limit = templates.fill(kinds["working_days"], {"days": f"{procedure.time_days:02d}"})
    values["time_limit"] = limit

    deliv = common["delivery"]
    values["delivery"] = templates.fill(
        deliv["post"] if dossier.delivery == Delivery.POST else deliv["desk"], values)

    if dossier.fee_amount > 0:
        fee = templates.fill(fmt["money"], {"amount": format_money(dossier.fee_amount)})
    else:
        fee = fmt["fee_free"]
    values["fee"] = fee
    note = citizen_fee_note(dossier.fee_amount, dossier.fee_note, procedure.fee.note)
    values["fee_note"] = f" ({note})" if note else ""

    book, sep, serial = clean(dossier.logbook_no).partition("/")
    if not sep:
        book, serial = "", book
    values["logbook_book"] = book.strip() or blank
    values["logbook_serial"] = serial.strip() or blank
    return values


def _drop_parenthesised(text: str) -> str:
    """Text without any (…) part, nested ones included."""
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return " ".join("".join(out).split())


def citizen_fee_note(amount: int, fee_note: str, catalog_note: str = "") -> str:
    """What the citizen reads after the amount: the arithmetic only (e.g. "2 bản × 8.000 đ =
    16.000 đ"), never the catalog's note for the clerk (legal basis, "giá trị ví dụ"), never a
    parenthesis inside the parenthesis the form puts around it. Empty when there is nothing to add."""
    if amount <= 0:
        return ""
    note = clean(fee_note)
    catalog_note = clean(catalog_note)
    if catalog_note:
        note = note.replace(f"({catalog_note})", "").replace(catalog_note, "")
    note = _drop_parenthesised(note).strip(" .;,—-")
    if "×" not in note or "ví dụ" in note.lower():
        return ""
    return note


def split_note(note: str) -> tuple[list[str], str]:
    """A supplement note: one request per line; a line starting "Lý do:" carries the reason."""
    items: list[str] = []
    reasons: list[str] = []
    for line in clean(note, multiline=True).split("\n"):
        line = line.strip().lstrip("-•*+ ").strip()
        if not line:
            continue
        low = line.lower()
        if low.startswith(("lý do", "ly do", "lí do", "reason")):
            _, _, rest = line.partition(":")
            reasons.append(rest.strip() if rest.strip() else line)
        else:
            items.append(line)
    return items, " ".join(reasons)


def _header(tpl: Mapping[str, Any], values: Mapping[str, str], st: _Styles, frame_w: float) -> Table:
    h = tpl["common"]["header"]
    head_size = st.head.fontSize
    left_w, right_w = frame_w * 0.42, frame_w * 0.58
    left: list[Flowable] = []

    # Each header line is shrunk (down to a floor) to stay on one line; past that it wraps.
    def line(template: str, style: ParagraphStyle, font: str, floor: float) -> None:
        text = templates.fill(template, values).strip()
        if text:
            size = _fit_size(text, font, head_size, left_w - 4, floor=floor)
            left.append(Paragraph(_markup(template, values),
                                  ParagraphStyle(f"h{len(left)}", parent=style, fontSize=size,
                                                 leading=head_size * 1.2)))

    if values.get("province") or "{province" not in h["parent_line"]:
        line(h["parent_line"], st.head, FONT, 10.0)
    line(h["unit_line"], st.head_bold, FONT_BOLD, 10.0)
    line(h["sub_unit_line"], st.head_bold, FONT_BOLD, 9.0)
    above_rule = len(left)
    left.append(Rule(min(30 * mm, left_w * 0.5)))
    left.append(Spacer(1, 1.5 * mm))
    number_tpl = tpl["form"].get("number_line") or h["number_line"]
    number = templates.fill(number_tpl, values)
    n_size_left = _fit_size(number, FONT, head_size, left_w - 4, floor=9.0)
    left.append(Paragraph(_markup(number_tpl, values),
                          ParagraphStyle("number", parent=st.head, fontSize=n_size_left)))

    nation = templates.fill(h["nation_line"], values)
    motto = templates.fill(h["motto_line"], values)
    usable = right_w - 4
    n_size = _fit_size(nation, FONT_BOLD, head_size, usable)
    m_size = _fit_size(motto, FONT_BOLD, head_size + 0.5, usable)
    right: list[Flowable] = [
        Paragraph(_markup(h["nation_line"], values),
                  ParagraphStyle("nation", parent=st.head_bold, fontSize=n_size, leading=n_size * 1.25)),
        Paragraph(_markup(h["motto_line"], values),
                  ParagraphStyle("motto", parent=st.head_bold, fontSize=m_size, leading=m_size * 1.25)),
        Rule(pdfmetrics.stringWidth(motto, FONT_BOLD, m_size)),
        # Keep the date line level with the number line when the left column has 3 lines.
        Spacer(1, 1.5 * mm + st.head.leading * max(above_rule - 2, 0)),
        Paragraph(_markup(h["date_line"], values), st.date),
    ]
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _title_block(tpl: Mapping[str, Any], values: Mapping[str, str], st: _Styles) -> list[Flowable]:
    common, form = tpl["common"], tpl["form"]
    story: list[Flowable] = [Spacer(1, 4 * mm * st.scale), Paragraph(_markup(form["title"], values), st.title),
                             Paragraph(_markup(common["labels"]["code"], values, bold={"code"}), st.center)]
    copy_note = form.get("copy_note", "")
    if isinstance(copy_note, str) and copy_note.strip():
        story.append(Paragraph(_markup(copy_note, values), st.center_italic))
    story.append(Spacer(1, 2 * mm))
    return story


def _applicant_block(tpl: Mapping[str, Any], values: Mapping[str, str], st: _Styles, frame_w: float,
                     qr_payload: str, has_url: bool, *, request_first: bool = False) -> list[Flowable]:
    """Who submitted what, with the QR code beside it (saves a row: the slip stays one page)."""
    common = tpl["common"]
    lab = common["labels"]
    rows: list[Flowable] = [Paragraph(_markup(lab["unit_desk"], values), st.body_left),
                            Paragraph(_markup(lab["applicant"], values, bold={"applicant_name"}), st.body_left)]
    if values.get("on_behalf_of"):
        rows.append(Paragraph(_markup(lab["on_behalf_of"], values), st.body_left))
    request = Paragraph(_markup(lab["request"], values, bold={"procedure_name"}), st.body_left)
    if request_first:
        rows.append(request)
    rows.append(Paragraph(_markup(lab["address"], values), st.body_left))
    rows.append(Paragraph(_markup(lab["contact"], values), st.body_left))
    if not request_first:
        rows.append(request)
    qr_size = float(common["page"]["qr_size_mm"]) * mm
    caption = common["qr"]["caption_url"] if has_url else common["qr"]["caption_code"]
    qr_cell = [QrCode(qr_payload, qr_size), Paragraph(escape(caption), st.qr_caption)]
    side = qr_size + 3 * mm
    table = Table([[rows, qr_cell]], colWidths=[frame_w - side, side], splitInRow=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [table]


def _components_table(dossier: Dossier, tpl: Mapping[str, Any], values: Mapping[str, str],
                      st: _Styles, frame_w: float) -> Flowable:
    form = tpl["form"]
    forms_lbl = tpl["common"]["component_forms"]
    heads = list(form["components_columns"]) + ["", "", "", ""]
    data: list[list[Any]] = [[Paragraph(escape(clean(h)), st.cell_head) for h in heads[:4]]]
    for i, comp in enumerate(sorted(dossier.components, key=lambda c: c.seq), start=1):
        data.append([
            Paragraph(str(i), st.cell_center),
            Paragraph(escape(clean(comp.name) or values.get("blank", "")), st.cell),
            Paragraph(escape(clean(forms_lbl.get(getattr(comp.form, "value", str(comp.form)), str(comp.form)))),
                      st.cell_center),
            Paragraph(f"{max(comp.quantity, 0):02d}", st.cell_center),
        ])
    if len(data) == 1:
        data.append(["", Paragraph(escape(form["components_empty"]), st.cell), "", ""])
    widths = [11 * mm, frame_w - 11 * mm - 42 * mm - 20 * mm, 42 * mm, 20 * mm]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _signatures(tpl: Mapping[str, Any], values: Mapping[str, str], st: _Styles, frame_w: float,
                left_name: str, right_name: str) -> Table:
    form = tpl["form"]
    hint = tpl["common"]["labels"]["signature_hint"]

    def column(title: str, name: str) -> list[Flowable]:
        if not title.strip():
            return []
        return [Paragraph(_markup(title, values), st.center_bold),
                Paragraph(_markup(hint, values), st.center_italic),
                Spacer(1, 12 * mm * st.scale),
                Paragraph(escape(name), st.center_bold)]

    table = Table([[column(form["signature_left"], left_name), column(form["signature_right"], right_name)]],
                  colWidths=[frame_w / 2, frame_w / 2])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _form_number(tpl: Mapping[str, Any], values: Mapping[str, str], st: _Styles) -> list[Flowable]:
    """"Mẫu số 0N" at the top right (the number is part of each template)."""
    label = tpl["common"]["labels"].get("form_number", "")
    if not values.get("form_number") or not label.strip():
        return []
    style = ParagraphStyle("form_number", parent=st.body, fontName=FONT_BOLD,
                           fontSize=st.note.fontSize + 1, leading=(st.note.fontSize + 1) * 1.2,
                           alignment=TA_RIGHT)
    return [Paragraph(_markup(label, values), style)]


def on_time_label(at: datetime, due: datetime | None, labels: list[str]) -> str:
    """Trước hạn (an earlier day) / Đúng hạn (by the due time) / Quá hạn (later)."""
    if due is None or len(labels) < 3:
        return ""
    if at.date() < due.date():
        return labels[0]
    return labels[1] if at <= due else labels[2]


def _control_slip(tpl: Mapping[str, Any], values: Mapping[str, str], st: _Styles, frame_w: float,
                  steps: list[Mapping[str, Any]]) -> list[Flowable]:
    form = tpl["form"]
    story: list[Flowable] = []
    for key in ("agency_line", "partner_line", "received", "due"):
        story.append(Paragraph(_markup(form[key], values, bold={"due_at"}), st.body_left))
    story.append(Spacer(1, 2 * mm))
    heads = (list(form["columns"]) + ["", "", "", ""])[:4]
    data: list[list[Any]] = [[Paragraph(escape(clean(h)), st.cell_head) for h in heads]]
    for step in steps:
        when = step["at"]
        cell = [Paragraph(_markup(form["give"], {"giver": clean(step.get("giver", ""))}), st.cell),
                Paragraph(_markup(form["take"], {"receiver": clean(step.get("receiver", ""))}),
                          st.cell),
                Paragraph(_markup(form["at"], date_values(when)), st.cell)]
        data.append([Paragraph(escape(clean(step.get("unit", ""))), st.cell), cell,
                     Paragraph(escape(clean(step.get("result", ""))), st.cell_center),
                     Paragraph(escape(clean(step.get("note", ""))), st.cell)])
    if len(data) == 1:
        data.append([Paragraph(escape(form["empty"]), st.cell), "", "", ""])
    widths = [frame_w * 0.27, frame_w * 0.36, frame_w * 0.17, frame_w * 0.20]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story.append(table)
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(_markup(form["footnote"], values), st.note))
    return story


def _story(kind: str, dossier: Dossier, tpl: Mapping[str, Any], values: dict[str, str], st: _Styles,
           frame_w: float, qr_payload: str, has_url: bool,
           extra_steps: list[Mapping[str, Any]] = ()) -> list[Flowable]:
    form = tpl["form"]
    blank = tpl["common"]["format"]["blank"]
    values = {**values, "blank": blank}
    story: list[Flowable] = _form_number(tpl, values, st)
    story.append(_header(tpl, values, st, frame_w))
    story += _title_block(tpl, values, st)

    if kind == "01":
        story += _applicant_block(tpl, values, st, frame_w, qr_payload, has_url)
        story.append(Paragraph(_markup(form["components_heading"], values), st.body))
        story.append(_components_table(dossier, tpl, values, st, frame_w))
        story.append(Spacer(1, 2 * mm))
        for key, bold in (("sets", ()), ("time_limit", ()), ("received", ("received_at",)),
                          ("due", ("due_at",)), ("delivery", ()), ("fee", ("fee",))):
            story.append(Paragraph(_markup(form[key], values, bold=bold), st.body))
        tail = [Paragraph(_markup(form["logbook"], values), st.body), Spacer(1, 3 * mm),
                _signatures(tpl, values, st, frame_w, values["applicant_name"] if values["applicant_name"] != blank else "",
                            values["clerk_name"])]
        story.append(KeepTogether(tail))
        notes = [Paragraph(_markup(form["notes_heading"], values), st.note_head)]
        hint = templates.fill(form["lookup_hint"], values) if values.get("lookup_site") else ""
        for note in form["notes"]:
            notes.append(Paragraph("- " + _markup(note, {**values, "lookup_hint": hint}), st.note))
        story.append(Spacer(1, 1.5 * mm))
        story.append(KeepTogether(notes))
    elif kind == "02":
        story += _applicant_block(tpl, values, st, frame_w, qr_payload, has_url, request_first=True)
        items, reason = split_note(dossier.note)
        story.append(Paragraph(_markup(form["requests_heading"], values), st.body))
        for i, item in enumerate(items or [blank], start=1):
            story.append(Paragraph(f"{i}. {escape(item)}", st.indent))
        story.append(Paragraph(_markup(form["reason"], {**values, "reason": reason or blank}), st.body))
        story.append(Paragraph(_markup(form["once"], values), st.body))
        phone = clean(form["contact_phone"])
        part = templates.fill(form["contact_phone_part"], {"contact_phone": phone}) if phone else ""
        story.append(Paragraph(_markup(form["contact_help"], {**values, "contact_phone_part": part,
                                                              "contact_phone": phone}), st.body))
        story.append(Spacer(1, 4 * mm))
        story.append(KeepTogether([_signatures(tpl, values, st, frame_w, "", values["clerk_name"])]))
    elif kind in ("04", "05"):
        story.append(Paragraph(_markup(form["greeting"], values, bold={"applicant_name"}),
                               st.center))
        story.append(Spacer(1, 2 * mm))
        keys = (("received", "identity", "original_due", "late", "reason", "apology", "closing")
                if kind == "04" else ("received", "identity", "stop", "reason", "closing"))
        for key in keys:
            bold = {"new_due_at", "code"} if key in ("apology", "identity") else set()
            story.append(Paragraph(_markup(form[key], values, bold=bold), st.body))
        story.append(Spacer(1, 4 * mm))
        story.append(KeepTogether([_signatures(tpl, values, st, frame_w, "", "")]))
    elif kind == "06":
        story += _control_slip(tpl, values, st, frame_w, extra_steps)
    else:
        story += _applicant_block(tpl, values, st, frame_w, qr_payload, has_url)
        story.append(Paragraph(_markup(form["refusal_intro"], values), st.body))
        reason_lines = [line for line in clean(dossier.note, multiline=True).split("\n") if line.strip()]
        for line in reason_lines or [blank]:
            story.append(Paragraph(escape(line), st.indent))
        story.append(Paragraph(_markup(form["closing"], values), st.body))
        story.append(Spacer(1, 4 * mm))
        story.append(KeepTogether([_signatures(tpl, values, st, frame_w, "", values["clerk_name"])]))
    return story


def _default_printed_at(kind: str, dossier: Dossier) -> datetime:
    """The slip's date: receipt time for Mẫu 01, the latest event for 02/03 (deterministic)."""
    if kind != "01" and dossier.events:
        try:
            return max(e.at for e in dossier.events)
        except TypeError:  # naive and aware times mixed: fall back to the receipt time
            pass
    return dossier.received_at


def render(kind: str, dossier: Dossier, unit: Unit, procedure: Procedure, *, clerk_name: str,
           template_dir: Path | None = None, lookup_url: str | None = None,
           printed_at: datetime | None = None, extra: Mapping[str, Any] | None = None) -> bytes:
    """Render form ``kind`` ("01" … "06") for ``dossier`` as A4 PDF bytes.

    ``extra`` carries what the dossier itself does not hold: ``original_due_at``,
    ``new_due_at`` and ``reason`` (04), ``stopped_at`` and ``reason`` (05), ``agency``,
    ``partner`` and ``steps`` (06: dicts with unit, giver, receiver, at, result, note).

    ``lookup_url`` (else ``unit.lookup_url``) goes into the QR code with the dossier code; without
    one the QR carries the code alone. Raises ValidationError for a bad kind or template.
    """
    kind = str(kind).zfill(2) if str(kind).isdigit() else str(kind)
    if kind == "07":
        raise ValidationError("form_kind_unknown",
                              "Mẫu 07 (Sổ theo dõi hồ sơ) in theo kỳ, không theo một hồ sơ.",
                              "Form 07 (the logbook) is printed for a period, not a dossier.",
                              kind=kind)
    tpl = templates.load(kind, template_dir)
    register_fonts()
    page = tpl["common"]["page"]
    left, right = float(page["margin_left_mm"]) * mm, float(page["margin_right_mm"]) * mm
    top, bottom = float(page["margin_top_mm"]) * mm, float(page["margin_bottom_mm"]) * mm
    frame_w = A4[0] - left - right

    code = clean(dossier.code)
    configured = clean(lookup_url if lookup_url is not None else unit.lookup_url)
    target = lookup_target(code, configured)
    # The note names the site: the dossier's own page when the URL has {code}, else the portal.
    site = (target if "{code}" in configured else configured) if target else ""
    at = printed_at or _default_printed_at(kind, dossier)
    values = _values(dossier, unit, procedure, clerk_name, tpl, at, site, extra)
    title = clean(templates.fill(tpl["form"]["title"], values))
    page_fmt = tpl["common"]["format"]["page_number"]

    def later_pages(canvas: Any, doc: Any) -> None:
        # Decree 30/2020: page numbers from the second page on, centred in the top margin.
        canvas.saveState()
        canvas.setFont(FONT, 11)
        canvas.drawCentredString(left + frame_w / 2, A4[1] - top / 2,
                                 templates.fill(page_fmt, {"page": str(doc.page)}))
        canvas.restoreState()

    def build(scale: float) -> tuple[bytes, int]:
        buf = io.BytesIO()
        doc = BaseDocTemplate(
            buf, pagesize=A4, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
            title=f"{title} — {code}", author=clean(unit.name), subject=code, creator=CREATOR,
            producer=CREATOR, keywords=clean(dossier.procedure_code), invariant=1, lang="vi-VN",
            initialFontName=FONT, initialFontSize=float(page["font_size"]),
        )
        # Frame without inner padding: the margins above are the document's real margins.
        frame = Frame(left, bottom, frame_w, A4[1] - top - bottom, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate(id="first", frames=[frame], autoNextPageTemplate="later"),
                              PageTemplate(id="later", frames=[frame], onPage=later_pages)])
        story = _story(kind, dossier, tpl, values, _Styles(page, scale), frame_w, target or code,
                       bool(target), list((extra or {}).get("steps", ())))
        try:
            doc.build(story)
        except LayoutError as exc:
            raise ValidationError(
                "form_layout_overflow",
                "Nội dung hồ sơ quá dài, không thể dàn trang mẫu in; hãy rút gọn trường dài nhất.",
                f"The dossier's text is too long to lay out on the form: {exc}", kind=kind, code=code,
            ) from exc
        return buf.getvalue(), doc.page

    # A typical slip (up to 6 components, a long address) must stay on ONE sheet: when it spills
    # over, the text shrinks a little (to 88 %, 11 pt for the shipped 12.5 pt) before a second
    # page is accepted. Deterministic: the same dossier always gets the same scale.
    pdf = b""
    for scale in FIT_SCALES:
        pdf, pages = build(scale)
        if pages <= 1:
            break
    return pdf
