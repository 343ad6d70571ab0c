"""Human labels for domain values (status, sync state, component form, delivery, money, dates).

The tables are built inside functions with literal ``QCoreApplication.translate`` calls so that
``pyside6-lupdate`` sees every string and a language switch takes effect on the next call.
"""
from __future__ import annotations

from datetime import date, datetime

from desk_app.domain.models import ComponentForm, Delivery, Dossier, DossierStatus
from desk_app.ui.qt import QCoreApplication



def status_label(status: DossierStatus | str) -> str:
    """The dossier status as the clerk reads it."""
    table = {
        DossierStatus.RECEIVED: QCoreApplication.translate("Status", "Received"),
        DossierStatus.IN_PROCESS: QCoreApplication.translate("Status", "In process"),
        DossierStatus.WAITING_SUPPLEMENT: QCoreApplication.translate("Status", "Waiting for supplement"),
        DossierStatus.SUPPLEMENTED: QCoreApplication.translate("Status", "Supplemented"),
        DossierStatus.RESULT_READY: QCoreApplication.translate("Status", "Result ready"),
        DossierStatus.RETURNED: QCoreApplication.translate("Status", "Result returned"),
        DossierStatus.REFUSED: QCoreApplication.translate("Status", "Refused"),
        DossierStatus.WITHDRAWN: QCoreApplication.translate("Status", "Withdrawn"),
    }
    try:
        return table[DossierStatus(status)]
    except ValueError:
        return str(status)


def sync_label(dossier: Dossier, percent: int | None = None) -> str:
    """One line per dossier: where it is on the way to the province, and why if it is stuck."""
    state = dossier.sync_state
    if state == "local":
        return QCoreApplication.translate("Sync", "Saved on this computer")
    if state == "queued":
        return QCoreApplication.translate("Sync", "Queued")
    if state == "sending":
        if percent is None:
            return QCoreApplication.translate("Sync", "Sending")
        return QCoreApplication.translate("Sync", "Sending %1%").replace("%1", str(percent))
    if state == "awaiting":
        return QCoreApplication.translate("Sync", "Sent, awaiting confirmation")
    if state == "synced":
        if dossier.server_receipt_no:
            return QCoreApplication.translate("Sync", "Synced · receipt %1").replace("%1", dossier.server_receipt_no)
        return QCoreApplication.translate("Sync", "Synced")
    if state == "needs_attention":
        reason = dossier.sync_error or QCoreApplication.translate("Sync", "unknown reason")
        return QCoreApplication.translate("Sync", "Needs attention: %1").replace("%1", reason)
    return state


def form_label(form: ComponentForm | str) -> str:
    table = {
        ComponentForm.ORIGINAL: QCoreApplication.translate("Form", "Original"),
        ComponentForm.COPY: QCoreApplication.translate("Form", "Copy"),
        ComponentForm.CERTIFIED_COPY: QCoreApplication.translate("Form", "Certified copy"),
    }
    return table[ComponentForm(form)]


def delivery_label(delivery: Delivery | str) -> str:
    table = {
        Delivery.DESK: QCoreApplication.translate("Delivery", "At the one-stop desk"),
        Delivery.POST: QCoreApplication.translate("Delivery", "By public postal service"),
    }
    return table[Delivery(delivery)]


def money(amount: int) -> str:
    """VND with dot thousands separators, as printed on Vietnamese receipts: 8.000 đ."""
    return f"{amount:,}".replace(",", ".") + " đ"


def when(value: datetime | date | None) -> str:
    """dd/mm/yyyy HH:MM (or dd/mm/yyyy for a date); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # office time (+07:00) whatever the PC's zone: sync times are UTC
            from desk_app.domain.working_calendar import VN_TZ

            value = value.astimezone(VN_TZ)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def megabytes(n_bytes: int) -> str:
    """Size in MB with one decimal and a decimal comma (Vietnamese convention)."""
    return f"{n_bytes / 1_000_000:.1f}".replace(".", ",")
