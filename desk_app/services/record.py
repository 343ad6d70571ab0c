"""The dossier as the province's systems name it (national sync vocabulary, shared/domain.md §5).

Built from the stored Dossier, never from the form, so what is sent is what was saved.
"""
from __future__ import annotations

from datetime import datetime

from desk_app.domain.models import Dossier, Procedure
from desk_app.domain.dossier_record import STATUS_TO_CODE
from desk_app.services.convert import local

# TrangThaiHoSo: the national codes (resources/api/openapi.yaml); the textual status is also sent
# ("status") so an adapter never has to guess.
STATUS_CODES = STATUS_TO_CODE
HINH_THUC_DESK = 1   # HinhThuc: received directly at the one-stop desk


def wire_time(dt: datetime | None) -> str | None:
    """yyyyMMddHHmmss in Vietnam time."""
    return local(dt).strftime("%Y%m%d%H%M%S") if dt else None


def national_record(d: Dossier, proc: Procedure | None = None) -> dict:
    """The record payload of outbox items ``dossier.create`` / ``dossier.update``."""
    comp_code = {c.seq: c.code for c in proc.components} if proc else {}
    return {
        "MaHoSo": d.code,
        "SoBienNhan": d.receipt_no or d.code,
        "MaTTHC": d.procedure_code,
        "TenTTHC": d.procedure_name,
        "MaLinhVuc": proc.field_code if proc else "",
        "TenLinhVuc": proc.field_name if proc else "",
        "ChuHoSo": d.applicant.full_name,
        "LoaiDoiTuong": d.applicant.kind,
        "MaDoiTuong": d.applicant.id_number,
        "NgayTiepNhan": wire_time(d.received_at),
        "NgayHenTra": wire_time(d.due_at),
        "TrangThaiHoSo": STATUS_CODES[d.status],
        "HinhThuc": HINH_THUC_DESK,
        "DonViXuLy": d.unit_code,
        "TaiLieuNop": [
            {"TepDinhKemId": a.sha256, "TenTepDinhKem": a.filename,
             "MaThanhPhanHoSo": (comp_code.get(a.component_seq) or
                                 (str(a.component_seq) if a.component_seq is not None else "")),
             "KichThuoc": a.size}
            for a in d.attachments if a.kind == "scan"],
        "DanhSachGiayToKetQua": [],
        # Not in the national vocabulary, needed by the province's reference back end:
        "record_id": d.record_id,
        "desk": d.desk_no,
        "version": d.version,
        "status": d.status.value,
        "components": [{"seq": c.seq, "name": c.name, "form": c.form.value,
                        "quantity": c.quantity} for c in d.components],
        # contact and desk fields (snake_case, as desk_app/sync/feed.py reads them back)
        "phone": d.applicant.phone,
        "email": d.applicant.email,
        "address": d.applicant.address,
        "on_behalf_of": d.on_behalf_of,
        "delivery": d.delivery.value,
        "delivery_address": d.delivery_address,
        "fee_amount": d.fee_amount,
        "fee_note": d.fee_note,
        "sets": d.sets,
        "clerk": d.clerk,
        "receipt_no": d.receipt_no,
        "logbook_no": d.logbook_no,
        "note": d.note,
    }
