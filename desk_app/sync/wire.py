"""The record as the OpenAPI ``Record`` schema spells it (resources/api/openapi.yaml).

The outbox payload is written by the services when the dossier is saved. This module is the one
place that turns it into the exact wire shape: known Vietnamese aliases are renamed to the
schema's field names, ``TrangThaiHoSo`` follows the document's status table, and any field the
schema does not name goes under ``extra`` (the schema forbids unknown properties, and a province
must still receive everything the desk knows). The mapping is deterministic, so a retried push
carries the same body and the server's idempotency check replays instead of refusing.
"""
from __future__ import annotations

from typing import Any

from desk_app.domain.dossier_record import STATUS_TO_CODE as _STATUS_TO_CODE

# Record properties of resources/api/openapi.yaml (tests/sync/test_wire.py checks the two agree).
RECORD_FIELDS = frozenset({
    "record_id", "MaHoSo", "SoBienNhan", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "ChuHoSo",
    "LoaiDoiTuong", "MaDoiTuong", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "HinhThuc",
    "DonViXuLy", "TaiLieuNop", "DanhSachGiayToKetQua", "desk", "status", "components", "phone",
    "email", "address", "birth_date", "on_behalf_of", "delivery", "delivery_address", "fee_amount",
    "fee_note", "sets", "clerk", "note", "receipt_no", "logbook_no", "extra",
})
ATTACHMENT_FIELDS = frozenset({"TepDinhKemId", "TenTepDinhKem", "MaThanhPhanHoSo", "KichThuoc",
                               "seq", "kind", "mime"})
ALIASES = {
    "SoDienThoai": "phone", "Email": "email", "DiaChi": "address", "NguoiNopThay": "on_behalf_of",
    "NhanKetQua": "delivery", "DiaChiNhanKetQua": "delivery_address", "LePhi": "fee_amount",
    "SoBo": "sets", "CanBoTiepNhan": "clerk", "GhiChu": "note", "NgaySinh": "birth_date",
}
STATUS_TO_CODE = {status.value: code for status, code in _STATUS_TO_CODE.items()}


def to_wire(payload: dict[str, Any]) -> dict[str, Any]:
    """The ``record`` object of a ``BatchItem`` for this payload."""
    out: dict[str, Any] = {}
    given = payload.get("extra")
    extra: dict[str, Any] = dict(given) if isinstance(given, dict) else ({"extra": given} if given else {})
    for key, value in payload.items():
        if key == "extra":
            continue
        name = ALIASES.get(key, key)
        if name in RECORD_FIELDS:
            if name not in out or out[name] in ("", None):
                out[name] = value
        else:
            extra[key] = value
    status = out.get("status")
    if status in STATUS_TO_CODE:
        out["TrangThaiHoSo"] = STATUS_TO_CODE[status]
    atts = []
    for a in out.get("TaiLieuNop") or []:
        att = {k: v for k, v in a.items() if k in ATTACHMENT_FIELDS}
        if att.get("MaThanhPhanHoSo") == "":
            att["MaThanhPhanHoSo"] = None
        atts.append(att)
    if "TaiLieuNop" in out:
        out["TaiLieuNop"] = atts
    for key in ("phone", "email", "address", "on_behalf_of", "delivery_address", "fee_note", "clerk",
                "note", "receipt_no", "logbook_no"):
        if key in out and out[key] is None:
            out[key] = ""
    if extra:
        out["extra"] = extra
    return out
