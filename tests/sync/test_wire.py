"""The record on the wire matches resources/api/openapi.yaml exactly (the only client/server contract)."""
from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml
from hypothesis import given, strategies as st

from desk_app.sync.wire import ATTACHMENT_FIELDS, RECORD_FIELDS, to_wire
from offline_store import Store, outbox
from tests.sync.harness import make_desk, receive

DOC = yaml.safe_load((Path(__file__).resolve().parents[2] / "resources" / "api" / "openapi.yaml").read_text("utf-8"))


def batch_item_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": "#/components/schemas/BatchItem", "components": DOC["components"]})


def test_field_lists_follow_the_openapi_document() -> None:
    schemas = DOC["components"]["schemas"]
    assert RECORD_FIELDS == set(schemas["Record"]["properties"])
    assert ATTACHMENT_FIELDS == set(schemas["Attachment"]["properties"])


def test_payloads_written_by_the_services_validate_as_batch_items(tmp_path: Path) -> None:
    data = tmp_path / "desk"
    make_desk(data, 1)
    receive(data, 3, attachment_sizes=[1000])
    validator = batch_item_validator()
    with Store.open(data) as store:
        items = outbox.items(store)
    for it in items:
        item = {"op_id": it.op_id, "kind": it.kind, "record_id": it.record_id, "base_version": it.base_version,
                "record": to_wire(it.payload)}
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(item)]
        assert not errors, errors
        assert to_wire(it.payload) == to_wire(it.payload)      # deterministic: retries replay, never mismatch
        assert item["record"]["extra"]["version"] == it.payload["version"]   # nothing the desk knows is dropped


@given(st.dictionaries(st.text(max_size=12) | st.sampled_from(["extra", "phone", "SoDienThoai", "version"]),
                       st.text(max_size=5), max_size=8))
def test_unknown_fields_go_under_extra_never_lost(extra_fields: dict) -> None:
    payload = {"MaHoSo": "000.23.32.H48-261123-1001", **{k: v for k, v in extra_fields.items()}}
    wire = to_wire(payload)
    assert set(wire) <= RECORD_FIELDS
    if extra_fields.get("extra"):
        assert wire["extra"]["extra"] == extra_fields["extra"]
    for k, v in extra_fields.items():
        if k not in RECORD_FIELDS and k != "extra" and k not in ("SoDienThoai", "Email", "DiaChi", "NguoiNopThay",
                                                               "NhanKetQua", "DiaChiNhanKetQua", "LePhi", "SoBo",
                                                               "CanBoTiepNhan", "GhiChu", "NgaySinh"):
            assert wire["extra"][k] == v
