"""Catalog records (as in ``resources/catalog/*.json``) to domain objects.

Validation against ``resources/catalog/catalog.schema.json`` (jsonschema) happens first, in the
service that imports a file; these converters then only turn checked dicts into the immutable
models, and still refuse anything they cannot represent with a ValidationError.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ValidationError
from .fees import fee_rule_from_dict
from .models import Procedure, RequiredComponent, TimeKind, Unit
from .text import nfc
from .working_calendar import parse_hhmm

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "resources" / "catalog" / "catalog.schema.json"
DEMO_CATALOG_PATH = SCHEMA_PATH.with_name("demo_catalog.json")


def unit_from_dict(d: dict[str, Any]) -> Unit:
    try:
        return Unit(code=d["code"], name=nfc(d["name"]), province_name=nfc(d.get("province_name", "")),
                    parent_code=d.get("parent_code"), address=nfc(d.get("address", "")),
                    replaced_by=d.get("replaced_by"), lookup_url=d.get("lookup_url"))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValidationError("catalog_bad_unit", f"Đơn vị trong danh mục thiếu trường {exc}.",
                              f"A catalog unit lacks field {exc}.") from None


def procedure_from_dict(d: dict[str, Any]) -> Procedure:
    try:
        cutoff = d.get("cutoff")
        parse_hhmm(cutoff)
        components = tuple(
            RequiredComponent(seq=int(c["seq"]), name=nfc(c["name"]),
                              originals=int(c.get("originals", 0)), copies=int(c.get("copies", 0)),
                              required=bool(c.get("required", True)), code=c.get("code"))
            for c in d.get("components", []))
        return Procedure(
            code=d["code"], name=nfc(d["name"]), field_code=d["field_code"],
            field_name=nfc(d["field_name"]), level=nfc(d["level"]),
            time_kind=TimeKind(d["time_kind"]), time_days=int(d["time_days"]), cutoff=cutoff,
            fee=fee_rule_from_dict(d["fee"]), result_type=nfc(d.get("result_type", "")),
            components=components, portal_id=d.get("portal_id"), active=bool(d.get("active", True)))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        code = d.get("code", "?") if isinstance(d, dict) else "?"
        raise ValidationError(
            "catalog_bad_procedure", f"Thủ tục «{code}» trong danh mục không hợp lệ ({exc}).",
            f"Catalog procedure {code!r} is invalid ({exc}).", procedure=str(code)) from None
