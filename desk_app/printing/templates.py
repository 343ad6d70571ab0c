"""Form templates: the wording of the printed forms lives in TOML files, not in code.

Why: provinces adapt the header and some sentences (Circular 01/2018/TT-VPCP lets them), and an
administrator must be able to do that without a new release. The shipped files are in
``resources/forms/``; a file with the same name in an override directory (``<data_dir>/forms/``)
is merged over it key by key. Everything is validated when loaded, so a broken file is reported
with its name and key before anything is drawn, never half-way through a print.
"""
from __future__ import annotations

import math
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desk_app.domain.errors import ValidationError

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "resources" / "forms"
#: Form numbers of Circular 03/2025/TT-VPCP: 01 receipt, 02 supplement request, 03 refusal,
#: 04 apology and new date, 05 stop processing, 06 control slip, 07 logbook (a period, not one
#: dossier). The number printed on each form is the template's own ``form_number`` key, so a
#: province still on the 2018 numbering changes it in its override file.
KINDS = ("01", "02", "03", "04", "05", "06", "07")
DOSSIER_KINDS = KINDS[:6]

# Names a template string may use in {braces}. Anything else is a typo or an attempt to reach
# attributes ({x.__class__}); both are rejected at load time.
PLACEHOLDERS = frozenset({
    "province", "province_upper", "unit_name", "unit_name_upper", "unit_code", "unit_address",
    "number", "place", "day", "month", "year", "hour", "minute", "amount", "page",
    "code", "receipt_no", "applicant_name", "applicant_address", "applicant_phone",
    "applicant_email", "applicant_id_number", "on_behalf_of", "procedure_name", "procedure_code",
    "sets", "time_limit", "received_at", "due_at", "delivery", "delivery_address", "fee", "fee_note",
    "logbook_book", "logbook_serial", "days", "cutoff", "clerk_name", "reason", "lookup_site",
    "lookup_hint", "contact_phone", "contact_phone_part",
    # issue 16 (forms 04–07)
    "form_number", "original_due_at", "new_due_at", "agency", "period_from", "period_to",
    "stopped_at", "count", "giver", "receiver", "partner",
})

_STR = str
_LIST = list
_NUM = float
# Keys every merged template must have, with their type. Other keys are allowed (a province
# may keep notes for itself) but must still be well-formed strings.
_COMMON_SCHEMA: dict[str, dict[str, type]] = {
    "page": {"margin_left_mm": _NUM, "margin_right_mm": _NUM, "margin_top_mm": _NUM,
             "margin_bottom_mm": _NUM, "font_size": _NUM, "header_font_size": _NUM,
             "title_font_size": _NUM, "note_font_size": _NUM, "qr_size_mm": _NUM},
    "header": {"parent_line": _STR, "unit_line": _STR, "sub_unit_line": _STR, "number_line": _STR,
               "nation_line": _STR, "motto_line": _STR, "place": _STR, "date_line": _STR},
    "format": {"blank": _STR, "datetime": _STR, "date": _STR, "time": _STR, "money": _STR,
               "fee_free": _STR,
               "page_number": _STR},
    "labels": {"unit_desk": _STR, "code": _STR, "applicant": _STR, "on_behalf_of": _STR,
               "address": _STR, "contact": _STR, "request": _STR, "signature_hint": _STR,
               "form_number": _STR},
    "component_forms": {"original": _STR, "copy": _STR, "certified_copy": _STR},
    "time_kinds": {"working_days": _STR, "calendar_days": _STR, "same_day": _STR,
                   "same_day_no_cutoff": _STR, "immediate": _STR},
    "delivery": {"desk": _STR, "post": _STR},
    "qr": {"caption_code": _STR, "caption_url": _STR},
}
_FORM_SCHEMA: dict[str, dict[str, type]] = {
    "01": {"form_number": _STR, "title": _STR, "copy_note": _STR, "components_heading": _STR,
           "components_columns": _LIST, "components_empty": _STR, "sets": _STR,
           "time_limit": _STR, "received": _STR, "due": _STR, "delivery": _STR, "fee": _STR,
           "logbook": _STR, "signature_left": _STR, "signature_right": _STR,
           "notes_heading": _STR, "notes": _LIST, "lookup_hint": _STR},
    "02": {"form_number": _STR, "title": _STR, "requests_heading": _STR, "reason": _STR, "once": _STR,
           "contact_help": _STR, "contact_phone": _STR, "contact_phone_part": _STR,
           "signature_left": _STR, "signature_right": _STR},
    "03": {"form_number": _STR, "title": _STR, "refusal_intro": _STR, "closing": _STR,
           "signature_left": _STR, "signature_right": _STR},
    "04": {"form_number": _STR, "title": _STR, "number_line": _STR, "greeting": _STR,
           "received": _STR, "identity": _STR, "original_due": _STR, "late": _STR,
           "reason": _STR, "apology": _STR, "closing": _STR, "signature_left": _STR,
           "signature_right": _STR},
    "05": {"form_number": _STR, "title": _STR, "number_line": _STR, "greeting": _STR,
           "received": _STR, "identity": _STR, "stop": _STR, "reason": _STR, "closing": _STR,
           "signature_left": _STR, "signature_right": _STR},
    "06": {"form_number": _STR, "title": _STR, "number_line": _STR, "agency_line": _STR,
           "partner_line": _STR, "received": _STR, "due": _STR, "columns": _LIST,
           "give": _STR, "take": _STR, "at": _STR, "on_time": _LIST, "empty": _STR,
           "footnote": _STR},
    "07": {"form_number": _STR, "title": _STR, "period": _STR, "columns": _LIST,
           "group_receipt": _STR, "delivery_desk": _STR, "delivery_post": _STR,
           "empty": _STR, "total": _STR, "signature_right": _STR},
}
_PAGE_LIMITS = {"margin": (5.0, 60.0), "font": (6.0, 24.0), "qr_size_mm": (15.0, 60.0)}


def _bad(file: Path | str, key: str, vi_why: str, en_why: str) -> ValidationError:
    return ValidationError(
        "form_template_invalid",
        f"Mẫu in không hợp lệ ({file}, mục {key}): {vi_why}",
        f"Invalid form template ({file}, key {key}): {en_why}",
        file=str(file), key=key,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            "form_template_unreadable",
            f"Không đọc được tệp mẫu in {path}: {exc.strerror or exc}",
            f"Cannot read form template {path}: {exc.strerror or exc}", file=str(path),
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(path, "(tệp)", "tệp không phải UTF-8", "the file is not UTF-8") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(path, "(cú pháp)", f"sai cú pháp TOML — {exc}", f"TOML syntax error — {exc}") from exc


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key, any other value (lists too) replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def check_format(text: str, file: Path | str, key: str) -> None:
    """Reject placeholders we do not fill, attribute/index access and malformed braces."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise _bad(file, key, f"dấu ngoặc {{ }} không khớp ({exc})",
                   f"unbalanced braces ({exc})") from exc
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            raise _bad(file, key, f"không có trường “{{{field}}}” (xem README của mẫu in)",
                       f"unknown placeholder {{{field}}} (see the printing README)")
        if spec or conversion:
            raise _bad(file, key, f"trường “{{{field}}}” không được có định dạng",
                       f"placeholder {{{field}}} may not carry a format spec or conversion")


def _validate_section(data: Mapping[str, Any], schema: Mapping[str, type], prefix: str,
                      origin: Mapping[str, Path]) -> None:
    for key, kind in schema.items():
        full = f"{prefix}{key}"
        where = origin.get(full, origin.get(prefix.rstrip("."), Path("?")))
        if key not in data:
            raise _bad(where, full, "thiếu mục bắt buộc", "required key is missing")
        value = data[key]
        if kind is _NUM:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise _bad(where, full, "phải là một số", "must be a number")
            limit = _PAGE_LIMITS["margin"] if "margin" in key else (
                _PAGE_LIMITS["qr_size_mm"] if key == "qr_size_mm" else _PAGE_LIMITS["font"])
            if not limit[0] <= value <= limit[1]:
                raise _bad(where, full, f"phải trong khoảng {limit[0]:g}–{limit[1]:g}",
                           f"must be between {limit[0]:g} and {limit[1]:g}")
        elif kind is _STR:
            if not isinstance(value, str):
                raise _bad(where, full, "phải là một chuỗi văn bản", "must be a string")
        elif kind is _LIST:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _bad(where, full, "phải là một danh sách chuỗi văn bản", "must be a list of strings")


def _walk_strings(data: Any, prefix: str, origin: Mapping[str, Path], fallback: Path) -> None:
    if isinstance(data, Mapping):
        for key, value in data.items():
            _walk_strings(value, f"{prefix}.{key}" if prefix else str(key), origin, fallback)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _walk_strings(value, f"{prefix}[{i}]", origin, fallback)
    elif isinstance(data, str):
        top = prefix.split("[")[0]
        check_format(data, origin.get(top, origin.get(top.split(".")[0], fallback)), prefix)


def _record_origin(data: Mapping[str, Any], path: Path, origin: dict[str, Path], prefix: str = "") -> None:
    for key, value in data.items():
        full = f"{prefix}{key}"
        origin[full] = path
        if isinstance(value, Mapping):
            _record_origin(value, path, origin, full + ".")


def load(kind: str, template_dir: Path | None = None, *, builtin_dir: Path = BUILTIN_DIR) -> dict[str, Any]:
    """The merged, validated template for form ``kind``: {"common": {...}, "form": {...}}.

    Raises ValidationError (code ``form_template_invalid`` / ``form_template_unreadable``) naming
    the file and key when something is wrong.
    """
    if kind not in KINDS:
        raise ValidationError("form_kind_unknown",
                              f"Không có mẫu in “{kind}” (chỉ có 01–07).",
                              f"Unknown form kind {kind!r} (only 01–07).", kind=kind)
    result: dict[str, Any] = {}
    for part, name in (("common", "common.toml"), ("form", f"mau{kind}.toml")):
        origin: dict[str, Path] = {}
        base_path = builtin_dir / name
        merged = _read_toml(base_path)
        _record_origin(merged, base_path, origin)
        if template_dir is not None:
            over_path = Path(template_dir) / name
            if over_path.is_file():
                override = _read_toml(over_path)
                _record_origin(override, over_path, origin)
                merged = merge(merged, override)
        fallback = origin.get("", base_path)
        if part == "common":
            for section, schema in _COMMON_SCHEMA.items():
                if not isinstance(merged.get(section), Mapping):
                    raise _bad(origin.get(section, base_path), section, "phải là một bảng [mục]",
                               "must be a [table]")
                _validate_section(merged[section], schema, f"{section}.", origin)
        else:
            _validate_section(merged, _FORM_SCHEMA[kind], "", origin)
        _walk_strings(merged, "", origin, fallback)
        result[part] = merged
    return result


def fill(text: str, values: Mapping[str, str]) -> str:
    """Fill a validated template string; unknown-but-allowed names become empty."""
    return text.format_map(_Defaulting(values))


class _Defaulting(dict):
    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return ""
