"""Plain domain objects shared by services, printing, sync and the UI.

They carry data only; rules live in the sibling modules (dossier_code, working_calendar,
state_machine, cccd, text). Everything is immutable so a value handed to the UI or to a
printer can never be changed behind the store's back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum


class TimeKind(str, Enum):
    """How a procedure's processing time is counted (see shared/catalog.md)."""

    SAME_DAY = "same_day"          # done the day received; after the cut-off -> next working day
    IMMEDIATE = "immediate"        # treated as same day
    WORKING_DAYS = "working_days"  # N working days, day of receipt not counted
    CALENDAR_DAYS = "calendar_days"


class DossierStatus(str, Enum):
    RECEIVED = "received"                      # Đã tiếp nhận
    IN_PROCESS = "in_process"                  # Đang xử lý
    WAITING_SUPPLEMENT = "waiting_supplement"  # Chờ bổ sung
    SUPPLEMENTED = "supplemented"              # Đã bổ sung
    RESULT_READY = "result_ready"              # Có kết quả, chờ trả
    RETURNED = "returned"                      # Đã trả kết quả
    REFUSED = "refused"                        # Từ chối
    WITHDRAWN = "withdrawn"                    # Công dân rút hồ sơ
    STOPPED = "stopped"                        # Dừng giải quyết (Mẫu 05, issue 16)


class Role(str, Enum):
    CLERK = "clerk"          # công chức tiếp nhận
    OFFICER = "officer"      # lãnh đạo (signing officer)
    PROCESSOR = "processor"  # processing side (province / specialist), arrives via the feed
    SUPERVISOR = "supervisor"
    ADMIN = "admin"          # quản trị hệ thống (desk administrator)
    SYSTEM = "system"


class ComponentForm(str, Enum):
    ORIGINAL = "original"              # bản chính
    COPY = "copy"                      # bản sao
    CERTIFIED_COPY = "certified_copy"  # bản sao có chứng thực


class Delivery(str, Enum):
    DESK = "desk"  # nhận tại Bộ phận Một cửa
    POST = "post"  # qua dịch vụ bưu chính công ích


@dataclass(frozen=True)
class Unit:
    code: str                 # electronic identifier code, e.g. 000.23.32.H48
    name: str                 # "UBND xã Tân Phong"
    province_name: str = ""   # "Tỉnh Lai Châu" (for the form header)
    parent_code: str | None = None
    address: str = ""
    replaced_by: str | None = None   # after a merger: the new unit's code
    lookup_url: str | None = None    # public look-up URL printed on receipts, if configured


@dataclass(frozen=True)
class RequiredComponent:
    seq: int
    name: str
    originals: int = 0
    copies: int = 0
    required: bool = True
    code: str | None = None          # MaThanhPhanHoSo where known


@dataclass(frozen=True)
class FeeRule:
    """A fee as data. kind: free | fixed | per_copy | per_page_capped | per_case | provincial."""

    kind: str
    amount: int = 0                  # VND
    note: str = ""                   # legal basis / "HĐND tỉnh quy định"
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Procedure:
    code: str                        # national TTHC code, e.g. 1.001193
    name: str
    field_code: str
    field_name: str
    level: str                       # "xã"
    time_kind: TimeKind
    time_days: int                   # 0 for same day
    cutoff: str | None               # "15:00" for the national same-day rule, else None
    fee: FeeRule
    result_type: str                 # "Giấy khai sinh (bản chính)" ...
    components: tuple[RequiredComponent, ...] = ()
    portal_id: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Applicant:
    id_number: str                   # 12-digit CCCD / personal ID, or org tax code
    full_name: str
    kind: int = 1                    # LoaiDoiTuong: 1 citizen, 2 organisation
    birth_date: date | None = None
    sex: str | None = None           # "Nam" | "Nữ"
    address: str = ""
    phone: str = ""
    email: str = ""
    old_id_number: str = ""


@dataclass(frozen=True)
class DossierComponent:
    seq: int
    name: str
    form: ComponentForm
    quantity: int
    attachment_sha256: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    sha256: str
    size: int
    filename: str
    mime: str
    kind: str = "scan"               # scan | receipt | form | result
    component_seq: int | None = None


@dataclass(frozen=True)
class DossierEvent:
    at: datetime
    actor: str
    role: Role
    from_status: DossierStatus | None
    to_status: DossierStatus
    note: str = ""


@dataclass(frozen=True)
class Dossier:
    record_id: str                   # UUIDv7, stable identity across desks and the server
    code: str                        # MaHoSo: 000.23.32.H48-250625-1001
    unit_code: str
    desk_no: int
    procedure_code: str
    procedure_name: str
    applicant: Applicant
    received_at: datetime            # when the desk received it (local time, tz-aware +07:00)
    due_at: datetime | None          # NgayHenTra
    status: DossierStatus
    clerk: str
    components: tuple[DossierComponent, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    on_behalf_of: str = ""           # organisation / authorised person
    delivery: Delivery = Delivery.DESK
    delivery_address: str = ""
    fee_amount: int = 0
    fee_note: str = ""
    sets: int = 1                    # number of sets (số bộ hồ sơ)
    receipt_no: str = ""             # SoBienNhan (local)
    logbook_no: str = ""             # Sổ theo dõi: quyển số / số thứ tự
    note: str = ""                   # reason for refusal / what to supplement
    version: int = 1
    server_receipt_no: str = ""      # number the province's back end gave it
    sync_state: str = "local"        # local | queued | sending | awaiting | synced | needs_attention
    sync_error: str = ""
    events: tuple[DossierEvent, ...] = ()
