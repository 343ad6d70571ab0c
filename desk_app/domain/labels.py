"""The one definition of what a person reads for a dossier status and a sync state (vi, en).

The CLI, the services' reports and the Qt face all take their words from here, so a status is
never called two names on two screens.
"""
from __future__ import annotations

from desk_app.domain.models import DossierStatus

STATUS_LABELS: dict[DossierStatus, tuple[str, str]] = {
    DossierStatus.RECEIVED: ("Đã tiếp nhận", "Received"),
    DossierStatus.IN_PROCESS: ("Đang xử lý", "In process"),
    DossierStatus.WAITING_SUPPLEMENT: ("Chờ bổ sung", "Waiting for supplement"),
    DossierStatus.SUPPLEMENTED: ("Đã bổ sung", "Supplemented"),
    DossierStatus.RESULT_READY: ("Có kết quả", "Result ready"),
    DossierStatus.RETURNED: ("Đã trả kết quả", "Result returned"),
    DossierStatus.REFUSED: ("Từ chối", "Refused"),
    DossierStatus.WITHDRAWN: ("Rút hồ sơ", "Withdrawn"),
    DossierStatus.STOPPED: ("Dừng giải quyết", "Processing stopped"),
}

# A dossier's way to the province (dossiers.sync_state) and an outbox item's state.
SYNC_STATE_LABELS: dict[str, tuple[str, str]] = {
    "local": ("Đã lưu trên máy", "Saved on this computer"),
    "queued": ("Chờ gửi", "Queued"),
    "sending": ("Đang gửi", "Sending"),
    "awaiting": ("Đã gửi, chờ xác nhận", "Sent, awaiting confirmation"),
    "synced": ("Đã đồng bộ", "Synced"),
    "done": ("Đã đồng bộ", "Synced"),
    "needs_attention": ("Cần xử lý", "Needs attention"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang.lower().startswith("en") else pair[0]


def status_label(status: DossierStatus | str, lang: str = "vi") -> str:
    """The status as the clerk reads it; an unknown code is shown as it is."""
    try:
        return _pick(STATUS_LABELS[DossierStatus(status)], lang)
    except ValueError:
        return str(status)


def sync_state_label(state: str, lang: str = "vi") -> str:
    pair = SYNC_STATE_LABELS.get(state)
    return _pick(pair, lang) if pair else state
