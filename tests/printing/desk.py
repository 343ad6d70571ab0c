"""A real desk store for the printing service/CLI tests, built through the store's own API.

Why not ``desk-app init --demo``: it is written in parallel; this helper needs only the store's
repo functions and intake.receive, so the receipt tests run against real SQLite either way.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
from desk_app.domain.text import fold

UNIT_CODE = "000.23.32.H48"
TZ = timezone(timedelta(hours=7))


def make_desk(data_dir: Path, *, lookup_url: str | None = None) -> None:
    """Store with one unit (UBND xã Tân Phong, tỉnh Lai Châu) and two procedures."""
    from offline_store import Store, repo

    store = Store.open(data_dir)
    try:
        with store.transaction() as conn:
            repo.set_meta(conn, "unit_code", UNIT_CODE)
            repo.set_meta(conn, "desk_no", "1")
            repo.set_meta(conn, "clerk_name", "Lò Văn Dũng")
            repo.upsert_unit(conn, {"code": UNIT_CODE, "name": "UBND xã Tân Phong",
                                    "province_name": "Tỉnh Lai Châu", "lookup_url": lookup_url})
            repo.replace_catalog(conn, [
                {"code": "1.001193", "name": "Đăng ký khai sinh",
                 "name_folded": fold("Đăng ký khai sinh"), "field_code": "HT",
                 "field_name": "Hộ tịch", "level": "xã", "time_kind": "same_day", "time_days": 0,
                 "cutoff": "15:00", "fee": {"kind": "free"}, "result_type": "Giấy khai sinh",
                 "components": [{"seq": 1, "name": "Tờ khai đăng ký khai sinh", "originals": 1},
                                {"seq": 2, "name": "Giấy chứng sinh", "originals": 1}]},
                {"code": "2.000884", "name": "Chứng thực chữ ký trong giấy tờ, văn bản",
                 "name_folded": fold("Chứng thực chữ ký trong giấy tờ, văn bản"),
                 "field_code": "CT", "field_name": "Chứng thực", "level": "xã",
                 "time_kind": "working_days", "time_days": 3, "cutoff": None,
                 "fee": {"kind": "per_case", "amount": 10000}, "result_type": "",
                 "components": [{"seq": 1, "name": "Giấy tờ cần chứng thực", "originals": 1}]},
            ])
    finally:
        store.close()


def receive_one(ctx, *, name: str = "Đặng Thị Hương Nguyệt", procedure: str = "1.001193",
                received_at: datetime | None = None, request_id: str | None = None):
    """One dossier through the real intake service."""
    from desk_app.services import intake

    req = intake.IntakeRequest(
        procedure_code=procedure,
        applicant=Applicant(id_number="001190012345", full_name=name,
                            address="Số 12, bản Nà Pẩu, xã Tân Phong, tỉnh Lai Châu",
                            phone="0912345678", email="nguyet@example.vn"),
        components=[DossierComponent(1, "Tờ khai đăng ký khai sinh", ComponentForm.ORIGINAL, 1),
                    DossierComponent(2, "Giấy chứng sinh", ComponentForm.ORIGINAL, 1)],
        received_at=received_at or datetime(2026, 11, 23, 9, 5, tzinfo=TZ),
        clerk="Lò Văn Dũng", request_id=request_id)
    return intake.receive(ctx, req)
