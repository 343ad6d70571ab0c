"""Domain objects for the form tests (no store needed: forms.render takes plain dataclasses)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from desk_app.domain.models import (
    Applicant, ComponentForm, Delivery, Dossier, DossierComponent, DossierEvent, DossierStatus,
    FeeRule, Procedure, Role, TimeKind, Unit,
)

TZ = timezone(timedelta(hours=7))
CODE = "000.23.32.H48-261123-1001"

UNIT = Unit(code="000.23.32.H48", name="UBND xã Tân Phong", province_name="Tỉnh Lai Châu")

PROCEDURE = Procedure(
    code="1.001193", name="Đăng ký khai sinh", field_code="HT", field_name="Hộ tịch", level="xã",
    time_kind=TimeKind.SAME_DAY, time_days=0, cutoff="15:00", fee=FeeRule(kind="free"),
    result_type="Giấy khai sinh (bản chính)")

WORKING = replace(PROCEDURE, code="2.000884", name="Chứng thực chữ ký trong giấy tờ, văn bản",
                  time_kind=TimeKind.WORKING_DAYS, time_days=3, cutoff=None)

APPLICANT = Applicant(id_number="001190012345", full_name="Đặng Thị Hương Nguyệt",
                      address="Số 12, bản Nà Pẩu, xã Tân Phong, tỉnh Lai Châu",
                      phone="0912345678", email="nguyet@example.vn")

COMPONENTS = (
    DossierComponent(1, "Tờ khai đăng ký khai sinh", ComponentForm.ORIGINAL, 1),
    DossierComponent(2, "Giấy chứng sinh", ComponentForm.ORIGINAL, 1),
    DossierComponent(3, "Căn cước của người đi đăng ký", ComponentForm.CERTIFIED_COPY, 2),
)


def dossier(**changes) -> Dossier:
    base = Dossier(
        record_id="0193a3c2-0000-7000-8000-000000000001", code=CODE, unit_code=UNIT.code,
        desk_no=1, procedure_code=PROCEDURE.code, procedure_name=PROCEDURE.name,
        applicant=APPLICANT, received_at=datetime(2026, 11, 23, 9, 5, tzinfo=TZ),
        due_at=datetime(2026, 11, 23, 17, 0, tzinfo=TZ), status=DossierStatus.RECEIVED,
        clerk="Lò Văn Dũng", components=COMPONENTS, receipt_no=CODE, logbook_no="2026/1-1001",
        events=(DossierEvent(datetime(2026, 11, 23, 9, 5, tzinfo=TZ), "Lò Văn Dũng", Role.CLERK,
                             None, DossierStatus.RECEIVED),),
    )
    return replace(base, **changes)


def supplement(**changes) -> Dossier:
    changes.setdefault("note", "Bổ sung Giấy chứng sinh bản chính\n- Bổ sung giấy tờ chứng minh nơi cư trú\n"
                               "Lý do: bản sao Giấy chứng sinh bị mờ, không đọc được số")
    return dossier(status=DossierStatus.WAITING_SUPPLEMENT, due_at=None, **changes)


def refusal(**changes) -> Dossier:
    changes.setdefault("note", "Thủ tục không thuộc thẩm quyền giải quyết của UBND xã Tân Phong; "
                               "đề nghị Ông/Bà nộp tại Sở Tư pháp tỉnh Lai Châu.")
    return dossier(status=DossierStatus.REFUSED, due_at=None, **changes)


__all__ = ["APPLICANT", "CODE", "COMPONENTS", "Delivery", "PROCEDURE", "TZ", "UNIT", "WORKING",
           "dossier", "refusal", "supplement"]
