"""Catalog: search, import validated against the schema, atomic, and a bad file changes nothing."""
from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.services import catalog, open_desk
from tests.services.deskutil import MINI_CATALOG, dump

GOOD = json.loads(MINI_CATALOG.read_text(encoding="utf-8"))


def test_search_by_code_prefix_and_folded_words(ctx) -> None:
    assert [p.code for p in catalog.search_procedures(ctx, "1.00")] == ["1.001193", "1.004873"]
    assert [p.code for p in catalog.search_procedures(ctx, "khai sinh")] == ["1.001193"]
    assert [p.code for p in catalog.search_procedures(ctx, "HÔN NHÂN")] == ["1.004873"]
    assert [p.code for p in catalog.search_procedures(ctx, "hoa giai dat")] == ["1.012812"]
    assert catalog.search_procedures(ctx, "100%_") == []
    p = catalog.get_procedure(ctx, "2.000815")
    assert p.fee.kind == "per_page_capped" and p.components[0].name == "Bản chính giấy tờ"
    with pytest.raises(NotFoundError):
        catalog.get_procedure(ctx, "1.999999")
    assert catalog.current_unit(ctx).name == "UBND xã Tân Phong"
    assert len(catalog.units(ctx)) == 2


def test_import_replaces_atomically(ctx, tmp_path: Path) -> None:
    new = copy.deepcopy(GOOD)
    new["version"] = "test-2"
    new["procedures"] = new["procedures"][:2]
    new["calendar"] = [{"day": "2026-11-27", "kind": "off", "name": "Nghỉ của tỉnh"}]
    f = tmp_path / "cat.json"
    f.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    rep = catalog.import_catalog(ctx, f)
    assert (rep.version, rep.procedures, rep.calendar_days) == ("test-2", 2, 1)
    assert [p.code for p in catalog.list_procedures(ctx)] == ["1.001193", "2.000815"]
    assert not ctx.calendar.is_working_day(date(2026, 11, 27))


def test_demo_catalog_imports(ctx) -> None:
    rep = catalog.import_catalog(ctx, catalog.DEMO_CATALOG)
    assert rep.procedures >= 25 and rep.units >= 2


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d["procedures"][1].update(time_kind="weeks"), "procedures[1].time_kind"),
    (lambda d: d["procedures"][0].pop("name"), "procedures[0]"),
    (lambda d: d["units"][0].update(code="H48"), "units[0].code"),
    (lambda d: d["procedures"].append(copy.deepcopy(d["procedures"][0])), "procedures[4].code"),
    (lambda d: d.update(calendar=[{"day": "2026-02-30", "kind": "off"}]), "calendar[0].day"),
    (lambda d: d["procedures"][0]["fee"].update(amount=-5), "procedures[0].fee.amount"),
])
def test_bad_file_names_the_field_and_changes_nothing(desk_dir: Path, tmp_path: Path,
                                                     mutate, field) -> None:
    data = copy.deepcopy(GOOD)
    mutate(data)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = dump(desk_dir)
    with open_desk(desk_dir) as c:
        with pytest.raises(ValidationError) as ei:
            catalog.import_catalog(c, f)
    assert field in ei.value.vi and field in ei.value.en
    assert dump(desk_dir) == before


@pytest.mark.parametrize("content,code", [
    (b"\xff\xfe{", "catalog_not_utf8"), (b'{"version": "1",', "catalog_bad_json"),
    (b"[]", "catalog_schema"), (b"", "catalog_bad_json")])
def test_unreadable_files(ctx, tmp_path: Path, content: bytes, code: str) -> None:
    f = tmp_path / "x.json"
    f.write_bytes(content)
    with pytest.raises(ValidationError) as ei:
        catalog.import_catalog(ctx, f)
    assert ei.value.code == code
    with pytest.raises(ValidationError) as ei:
        catalog.import_catalog(ctx, tmp_path / "nope.json")
    assert ei.value.code == "catalog_unreadable"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**6) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3), max_leaves=8)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = [p for p in _paths(GOOD) if p]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ALL_PATHS), value=json_values, drop=st.booleans())
def test_fuzzed_catalogs_never_corrupt_the_store(ctx, tmp_path_factory, path, value, drop) -> None:
    """Any mutation either imports cleanly (it was still valid) or raises ValidationError and
    leaves the catalog exactly as it was."""
    data = copy.deepcopy(GOOD)
    parent = data
    for k in path[:-1]:
        parent = parent[k]
    if drop and isinstance(parent, dict):
        parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    f = tmp_path_factory.mktemp("fz") / "c.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = [(p.code, p.name) for p in catalog.list_procedures(ctx)]
    try:
        catalog.import_catalog(ctx, f)
    except ValidationError as e:
        assert e.vi and e.en and e.code.startswith(("catalog_", "text_"))
        assert [(p.code, p.name) for p in catalog.list_procedures(ctx)] == before
    else:
        catalog.import_catalog(ctx, MINI_CATALOG)        # back to the baseline for the next run


def test_deeply_nested_json_is_a_validation_error(ctx, tmp_path: Path) -> None:
    f = tmp_path / "deep.json"
    f.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(ValidationError) as ei:
        catalog.import_catalog(ctx, f)
    assert ei.value.code == "catalog_bad_json"


def test_unit_code_change_keeps_old_dossiers_and_rekeys_the_desk(ctx) -> None:
    from desk_app.services import dossiers, intake
    from tests.services.deskutil import request
    old = intake.receive(ctx, request())
    u = catalog.change_unit_code(ctx, "000.23.32.H48", "000.31.32.H48", "2025-07-01",
                                 new_name="UBND xã Tân Phong (sau sáp nhập)")
    assert (u.code, u.name) == ("000.31.32.H48", "UBND xã Tân Phong (sau sáp nhập)")
    assert ctx.unit_code == "000.31.32.H48"
    assert dossiers.get(ctx, old.code).unit_code == "000.23.32.H48"      # history kept
    new = intake.receive(ctx, request(person=1))
    assert new.code.startswith("000.31.32.H48-")
    assert {x.code: x.replaced_by for x in catalog.units(ctx)}["000.23.32.H48"] == "000.31.32.H48"
    with pytest.raises(ValidationError):
        catalog.change_unit_code(ctx, "000.31.32.H48", "bad", "2025-07-01")
    with pytest.raises(NotFoundError):
        catalog.change_unit_code(ctx, "000.99.32.H48", "000.98.32.H48", "2025-07-01")


def test_procedure_search_ranks_the_plain_name_first(tmp_path) -> None:
    """Typing "khai sinh" must offer birth registration first, not a longer variant."""
    from desk_app.services import open_desk
    from desk_app.services.admin import setup

    setup.init_store(tmp_path / "d", demo=True, n_dossiers=0)
    ctx = open_desk(tmp_path / "d")
    try:
        assert catalog.search_procedures(ctx, "khai sinh")[0].code == "1.001193"
        assert catalog.search_procedures(ctx, "ket hon")[0].code == "1.000894"
        assert catalog.search_procedures(ctx, "Đăng ký khai tử")[0].code == "1.000656"
    finally:
        ctx.close()


def test_common_paper_procedure_before_its_electronic_variant(tmp_path) -> None:
    """"chung thuc ban sao": the paper certified copy (every day at the desk) before the
    electronic-copy procedure; typing "dien tu" asks for the electronic one."""
    from desk_app.services import open_desk
    from desk_app.services.admin import setup

    setup.init_store(tmp_path / "d", demo=True, n_dossiers=0)
    ctx = open_desk(tmp_path / "d")
    try:
        codes = [p.code for p in catalog.search_procedures(ctx, "chung thuc ban sao")]
        assert codes[:2] == ["2.000815", "2.000815.02"], codes
        assert catalog.search_procedures(ctx, "chung thuc ban sao dien tu")[0].code == "2.000815.02"
        assert catalog.search_procedures(ctx, "dang ky lai khai sinh")[0].code == "1.004884"
        assert [p.code for p in catalog.search_procedures(ctx, "khai sinh", limit=3)][0] == "1.001193"
    finally:
        ctx.close()
