"""The procedure catalog: search for the intake form, import a province's catalog file atomically."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Procedure, Unit
from desk_app.domain.text import fold, nfc, search_tokens
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import audit, repo

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
SCHEMA_PATH = RESOURCES / "catalog" / "catalog.schema.json"
DEMO_CATALOG = RESOURCES / "catalog" / "demo_catalog.json"
_CODE_START = re.compile(r"^\d")
MAX_CATALOG_BYTES = 20 * 2**20


@dataclass(frozen=True)
class ImportReport:
    version: str
    procedures: int
    components: int
    units: int
    calendar_days: int
    source: str


# Words that mark a special variant of a common procedure ("… điện tử", "… có yếu tố nước ngoài",
# "Đăng ký lại …", "… lưu động", "… kết hợp …"): unless the clerk typed them, the plain procedure
# the desk handles every day comes first ("chung thuc ban sao" -> paper copies before electronic).
VARIANT_MARKERS = ("dien tu", "yeu to nuoc ngoai", "luu dong", "ket hop", "lai")


def _rank(name_folded: str, words: list[str]) -> tuple:
    phrase = " ".join(words)
    name_words = name_folded.replace(",", " ").split()
    padded = " " + " ".join(name_words) + " "
    typed = " " + phrase + " "
    variants = sum(1 for m in VARIANT_MARKERS if f" {m} " in padded and f" {m} " not in typed)
    return (name_folded != phrase, not padded.startswith(typed), typed not in padded, variants,
            len(name_folded))


def search_procedures(ctx: DeskContext, text: str, limit: int = 20) -> list[Procedure]:
    """Active procedures by code prefix ("1.0011") or by folded words of the name ("khai sinh").

    Words are ranked: the exact name, then names starting with the words as typed, then names
    containing them, then the plain procedure before its special variants (``VARIANT_MARKERS``),
    then the shortest name."""
    text = (text or "").strip()
    conn = ctx.store.conn
    if _CODE_START.match(text):
        rows = repo.search_procedures(conn, code_prefix=text, folded_words=(), limit=limit)
    else:
        words = list(search_tokens(text))
        # A catalog holds hundreds of procedures: read every match, rank here, keep ``limit``.
        rows = repo.search_procedures(conn, code_prefix=None, folded_words=words,
                                      limit=max(limit, 1000))
        rows = sorted(rows, key=lambda r: (_rank(r["name_folded"], words), r["code"]))[:limit]
    return [convert.procedure(r, repo.procedure_components(conn, r["code"])) for r in rows]


def get_procedure(ctx: DeskContext, code: str) -> Procedure:
    row = repo.get_procedure(ctx.store.conn, (code or "").strip())
    if row is None:
        raise NotFoundError("procedure_not_found",
                            f"Không có thủ tục mã “{code}” trong danh mục.",
                            f"No procedure with code “{code}” in the catalog.", procedure_code=code)
    return convert.procedure(row, repo.procedure_components(ctx.store.conn, row["code"]))


def list_procedures(ctx: DeskContext) -> list[Procedure]:
    conn = ctx.store.conn
    comps: dict[str, list] = {}
    for c in repo.all_procedure_components(conn):
        comps.setdefault(c["procedure_code"], []).append(c)
    return [convert.procedure(r, comps.get(r["code"], [])) for r in repo.list_procedures(conn)]


def units(ctx: DeskContext) -> list[Unit]:
    return [convert.unit(r) for r in repo.list_units(ctx.store.conn)]


def current_unit(ctx: DeskContext) -> Unit:
    row = repo.get_unit(ctx.store.conn, ctx.unit_code)
    if row is None:
        raise NotFoundError("unit_not_found",
                            f"Quầy chưa được gắn với đơn vị (mã “{ctx.unit_code}” không có trong"
                            " danh mục).",
                            f"This desk has no unit (code “{ctx.unit_code}” is not in the catalog).",
                            unit_code=ctx.unit_code)
    return convert.unit(row)

# --------------------------------------------------------------------------- import


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # only for imports; keeps it out of the GUI's start-up

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _where(path: Any) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(gốc tệp / file root)"


def _bad(code: str, vi: str, en: str, **details: Any) -> ValidationError:
    return ValidationError(code, vi, en, **details)


def load_catalog_file(path: Path) -> dict:
    """Read and validate a catalog file; every problem is a ValidationError naming the field."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CATALOG_BYTES:
            raise _bad("catalog_too_large",
                       f"Tệp danh mục {path} quá lớn (tối đa {MAX_CATALOG_BYTES // 2**20} MB).",
                       f"The catalog file {path} is too large (at most"
                       f" {MAX_CATALOG_BYTES // 2**20} MB).", path=str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad("catalog_unreadable", f"Không đọc được tệp danh mục {path}: {exc.strerror}.",
                   f"Cannot read the catalog file {path}: {exc.strerror}.", path=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad("catalog_not_utf8",
                   f"Tệp danh mục không phải UTF-8 (byte lỗi ở vị trí {exc.start}).",
                   f"The catalog file is not UTF-8 (bad byte at offset {exc.start}).",
                   path=str(path), offset=exc.start)
    try:
        data = json.loads(text)
    except RecursionError:
        raise _bad("catalog_bad_json", "Tệp danh mục lồng nhau quá sâu, không phải danh mục.",
                   "The catalog file is nested too deeply to be a catalog.", path=str(path))
    except json.JSONDecodeError as exc:
        raise _bad("catalog_bad_json",
                   f"Tệp danh mục không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}"
                   f" ({exc.msg}).",
                   f"The catalog file is not valid JSON: line {exc.lineno}, column {exc.colno}"
                   f" ({exc.msg}).", path=str(path), line=exc.lineno, column=exc.colno)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        from jsonschema.exceptions import best_match

        err = best_match(errors)
        where = _where(err.absolute_path)
        raise _bad("catalog_schema",
                   f"Danh mục sai ở trường {where}: {err.message} ({len(errors)} lỗi).",
                   f"Catalog error at field {where}: {err.message} ({len(errors)} error(s)).",
                   path=str(path), field=where, count=len(errors))
    _check_semantics(data)
    return data


def _check_semantics(data: dict) -> None:
    from desk_app.domain.dossier_code import is_valid_unit_code

    seen: set[str] = set()
    for i, p in enumerate(data.get("procedures", [])):
        if p["code"] in seen:
            raise _bad("catalog_duplicate_code",
                       f"Danh mục sai ở trường procedures[{i}].code: mã “{p['code']}” bị trùng.",
                       f"Catalog error at field procedures[{i}].code: duplicate code"
                       f" “{p['code']}”.", field=f"procedures[{i}].code")
        seen.add(p["code"])
        seqs = [c.get("seq") for c in p.get("components", [])]
        if len(seqs) != len(set(seqs)):
            raise _bad("catalog_duplicate_seq",
                       f"Danh mục sai ở trường procedures[{i}].components: số thứ tự bị trùng.",
                       f"Catalog error at field procedures[{i}].components: duplicate seq.",
                       field=f"procedures[{i}].components")
    for i, d in enumerate(data.get("calendar") or []):
        try:
            date.fromisoformat(d["day"])
        except ValueError:
            raise _bad("catalog_bad_day",
                       f"Danh mục sai ở trường calendar[{i}].day: “{d['day']}” không phải ngày"
                       " có thật.", f"Catalog error at field calendar[{i}].day: “{d['day']}” is"
                       " not a real date.", field=f"calendar[{i}].day") from None
    for i, u in enumerate(data.get("units", [])):
        if not is_valid_unit_code(u["code"]):
            raise _bad("catalog_bad_unit_code",
                       f"Danh mục sai ở trường units[{i}].code: “{u['code']}” không đúng dạng mã"
                       " định danh (QCVN 102:2016).",
                       f"Catalog error at field units[{i}].code: “{u['code']}” is not an"
                       " identifier code (QCVN 102:2016).", field=f"units[{i}].code")


def _procedure_row(p: dict, version: str) -> dict:
    name = nfc(p["name"])
    comps = [{"seq": c["seq"], "name": nfc(c["name"]), "originals": c.get("originals", 0),
              "copies": c.get("copies", 0), "required": 1 if c.get("required", True) else 0,
              "code": c.get("code")} for c in p.get("components", [])]
    return {"code": p["code"], "name": name, "name_folded": fold(name),
            "field_code": p.get("field_code", ""), "field_name": nfc(p.get("field_name", "")),
            "level": p.get("level", "xã"), "time_kind": p["time_kind"],
            "time_days": int(p.get("time_days", 0)), "cutoff": p.get("cutoff"),
            "fee": p.get("fee") or {"kind": "free"}, "result_type": nfc(p.get("result_type", "")),
            "portal_id": p.get("portal_id"), "active": 1 if p.get("active", True) else 0,
            "catalog_version": version, "components": comps}


def _calendar_rows(data: dict) -> list[dict] | None:
    """Province calendar days carried by the catalog ({day, kind, name}), if any."""
    cal = data.get("calendar")
    if not cal:
        return None
    return [{"day": d["day"], "source": "province", "kind": d["kind"], "name": d.get("name", "")}
            for d in cal]


def apply_catalog(ctx: DeskContext, data: dict, *, source: str, actor: str = "") -> ImportReport:
    """Replace procedures (and upsert units, province days) from validated ``data`` atomically."""
    version = str(data.get("version", ""))
    procs = [_procedure_row(p, version) for p in data.get("procedures", [])]
    units_in = data.get("units", [])
    cal = _calendar_rows(data)
    with ctx.store.transaction() as conn:
        repo.replace_catalog(conn, procs)
        for u in units_in:
            repo.upsert_unit(conn, {**u, "name": nfc(u["name"]),
                                    "province_name": nfc(u.get("province_name", ""))})
        if cal is not None:
            repo.replace_calendar_days(conn, cal, source="province")
        repo.set_meta(conn, "catalog_version", version)
        audit.append(conn, actor=actor or ctx.clerk_name or "system", action="catalog.import",
                     entity="catalog", entity_id=version,
                     detail={"source": source, "procedures": len(procs), "units": len(units_in)})
    ctx._calendar = None
    return ImportReport(version=version, procedures=len(procs),
                        components=sum(len(p["components"]) for p in procs),
                        units=len(units_in), calendar_days=len(cal or ()), source=source)


def import_catalog(ctx: DeskContext, path: Path) -> ImportReport:
    """Validate ``path`` against catalog.schema.json, then replace the catalog in one transaction;
    a bad file changes nothing."""
    data = load_catalog_file(Path(path))
    return apply_catalog(ctx, data, source=str(path))


def change_unit_code(ctx: DeskContext, old_code: str, new_code: str, effective: str,
                     reason: str = "merger", *, new_name: str | None = None,
                     actor: str = "") -> Unit:
    """Re-key a unit (merger, temporary -> final code). Old dossiers keep their old code; the
    change is remembered in unit_code_changes, and a desk working for ``old_code`` switches to
    ``new_code`` so tomorrow's dossier codes carry the new identifier."""
    from datetime import date as _date

    from desk_app.domain.dossier_code import is_valid_unit_code

    for field_name, code in (("old_code", old_code), ("new_code", new_code)):
        if not is_valid_unit_code(code):
            raise ValidationError("unit_code_invalid",
                                  f"Mã đơn vị “{code}” không đúng dạng mã định danh.",
                                  f"Unit code “{code}” is not an identifier code.",
                                  field=field_name)
    try:
        _date.fromisoformat(effective)
    except ValueError:
        raise ValidationError("bad_date", f"Ngày hiệu lực “{effective}” không hợp lệ.",
                              f"Effective date “{effective}” is not a date.",
                              field="effective") from None
    with ctx.store.transaction() as conn:
        old = repo.get_unit(conn, old_code)
        if old is None:
            raise NotFoundError("unit_not_found", f"Không có đơn vị mã “{old_code}”.",
                                f"No unit with code “{old_code}”.", unit_code=old_code)
        if repo.get_unit(conn, new_code) is None:
            repo.upsert_unit(conn, {**dict(old), "code": new_code, "name": new_name or old["name"],
                                    "replaced_by": None, "valid_from": effective})
        repo.record_code_change(conn, old_code, new_code, effective, reason)
        if repo.get_meta(conn, "unit_code") == old_code:
            repo.set_meta(conn, "unit_code", new_code)
        audit.append(conn, actor=actor or ctx.clerk_name or "admin", action="unit.change_code",
                     entity="unit", entity_id=old_code,
                     detail={"new_code": new_code, "effective": effective, "reason": reason})
    ctx.reload()
    return convert.unit(repo.get_unit(ctx.store.conn, new_code))
