"""resources/catalog: the schema, the demo catalog, and their conversion to domain objects."""
from __future__ import annotations

import copy
import json
import unicodedata
from datetime import datetime

import jsonschema
import pytest

from desk_app.domain import catalog_data
from desk_app.domain.errors import ValidationError
from desk_app.domain.fees import compute
from desk_app.domain.models import TimeKind
from desk_app.domain.text import nfc
from desk_app.domain.working_calendar import VN_TZ, WorkingCalendar

SCHEMA = json.loads(catalog_data.SCHEMA_PATH.read_text(encoding="utf-8"))
DEMO = json.loads(catalog_data.DEMO_CATALOG_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())

FROM_SHARED_CATALOG_MD = """1.001193 1.000689 1.000894 1.000656 1.001022 1.004837 1.004859 1.004873
1.004884 1.004746 1.005461 2.000635 2.000528 2.000806 2.000815 2.000884 2.000992 2.001035 2.000913
2.000942 2.001019 1.001776 1.001731 1.001699 1.014027 1.010833 1.011606 1.012812 1.013978 1.013225
1.001612""".split()


def test_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_demo_catalog_validates() -> None:
    errors = sorted(VALIDATOR.iter_errors(DEMO), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_demo_catalog_covers_the_shared_list() -> None:
    codes = [p["code"] for p in DEMO["procedures"]]
    assert len(codes) == len(set(codes)) and 28 <= len(codes) <= 40
    assert set(FROM_SHARED_CATALOG_MD) <= set(codes)


def test_demo_values_are_marked() -> None:
    note = DEMO["note"]
    assert "DEMO" in note
    for p in DEMO["procedures"]:
        if p["field_code"] not in ("G15-TP07", "G15-TP03"):
            assert p["field_code"] in note, p["field_code"]  # named as invented
        if p["fee"]["kind"] == "provincial":
            assert "giá trị ví dụ" in p["fee"]["note"], p["code"]
            assert p["fee"]["params"]["example_value"] is True
    assert len(DEMO["units"]) == 2
    for u in DEMO["units"]:
        assert "demo" in u["note"] and u["province_name"].startswith("Tỉnh ")


def test_same_day_civil_status_and_certification_have_the_national_cutoff() -> None:
    by_code = {p["code"]: p for p in DEMO["procedures"]}
    for code in ("1.001193", "1.000894", "1.000656", "2.000815", "2.000884", "2.000942"):
        assert by_code[code]["time_kind"] == "same_day" and by_code[code]["cutoff"] == "15:00"
    assert by_code["2.000635"]["time_kind"] == "immediate"
    assert by_code["1.012812"]["time_kind"] == "calendar_days" and by_code["1.012812"]["time_days"] == 30
    assert by_code["2.000815"]["fee"]["params"]["cap_per_copy"] == 200000
    assert by_code["1.001193"]["components"][1]["name"].startswith("Giấy chứng sinh")


def test_components_are_numbered_and_texts_are_clean_nfc() -> None:
    for p in DEMO["procedures"]:
        comps = p["components"]
        assert [c["seq"] for c in comps] == list(range(1, len(comps) + 1))
        assert any(c["required"] for c in comps), p["code"]
        for text in [p["name"], p["field_name"], p["result_type"]] + [c["name"] for c in comps]:
            assert unicodedata.is_normalized("NFC", text) and nfc(text) == text


def test_every_demo_procedure_converts_and_computes_fee_and_due() -> None:
    cal = WorkingCalendar.default()
    received = datetime(2026, 3, 4, 10, 0, tzinfo=VN_TZ)
    procs = [catalog_data.procedure_from_dict(p) for p in DEMO["procedures"]]
    for proc in procs:
        amount, note = compute(proc.fee, pages=3, copies=1)
        assert amount >= 0 and note
        due = cal.due(received, proc.time_kind, proc.time_days, proc.cutoff)
        assert cal.is_working_day(due.date())
    units = [catalog_data.unit_from_dict(u) for u in DEMO["units"]]
    assert units[0].code == "000.23.32.H48" and units[0].name == "UBND xã Tân Phong"
    birth = next(p for p in procs if p.code == "1.001193")
    assert birth.time_kind is TimeKind.SAME_DAY and birth.fee.params["late_amount"] == 8000


def _broken(path: list, value) -> dict:
    data = copy.deepcopy(DEMO)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize("path,value", [
    (["version"], KeyError),
    (["procedures", 0, "name"], KeyError),
    (["procedures", 0, "nmae"], "typo"),
    (["procedures", 0, "code"], "1001193"),
    (["procedures", 0, "cutoff"], "3pm"),
    (["procedures", 0, "time_kind"], "weekly"),
    (["procedures", 1, "time_days"], 0),              # working_days need at least 1
    (["procedures", 0, "fee", "kind"], "bribe"),
    (["procedures", 0, "fee", "amount"], -1),
    (["procedures", 0, "components", 0, "seq"], 0),
    (["procedures", 0, "field_code"], "Hộ tịch"),
    (["units", 0, "code"], "000.23.32"),
    (["units"], []),
    (["calendar"], [{"day": "2026-01-02", "kind": "holiday"}]),
])
def test_schema_rejects_broken_catalogs(path: list, value) -> None:
    assert not VALIDATOR.is_valid(_broken(path, value))


def test_converter_refuses_what_it_cannot_represent() -> None:
    bad = dict(DEMO["procedures"][0], time_kind="weekly")
    with pytest.raises(ValidationError) as err:
        catalog_data.procedure_from_dict(bad)
    assert err.value.code == "catalog_bad_procedure" and "1.001193" in err.value.vi
    with pytest.raises(ValidationError):
        catalog_data.unit_from_dict({"name": "x"})


def test_a_catalog_may_carry_the_national_swaps() -> None:
    """GET /api/v1/catalog serves the swaps with the catalog: same entries as vn_swaps.json."""
    from desk_app.domain.working_calendar import DEFAULT_SWAPS_FILE

    swaps = json.loads(DEFAULT_SWAPS_FILE.read_text(encoding="utf-8"))["swaps"]
    assert VALIDATOR.is_valid(dict(DEMO, swaps=swaps))
    assert not VALIDATOR.is_valid(dict(DEMO, swaps=[{"date": "2026-01-02", "kind": "maybe"}]))
