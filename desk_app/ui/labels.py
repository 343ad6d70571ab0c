"""Human labels for domain values (status, sync state, component form, delivery, money, dates).

The tables are built inside functions with literal ``QCoreApplication.translate`` calls so that
``pyside6-lupdate`` sees every string and a language switch takes effect on the next call.
"""
from __future__ import annotations

from datetime import date, datetime

from desk_app.domain.models import ComponentForm, Delivery, Dossier, DossierStatus
from desk_app.ui.qt import QCoreApplication



def status_label(status: DossierStatus | str) -> str:
    """The dossier status as the clerk reads it (the words of ``desk_app.domain.labels``)."""
    from desk_app.domain import labels
    from desk_app.ui.i18n import current_language

    return labels.status_label(status, current_language())


def sync_label(dossier: Dossier, percent: int | None = None) -> str:
    """One line per dossier: where it is on the way to the province, and why if it is stuck."""
    from desk_app.domain import labels
    from desk_app.ui.i18n import current_language

    lang = current_language()
    state = dossier.sync_state
    text = labels.sync_state_label(state, lang)
    if state == "sending" and percent is not None:
        return f"{text} {percent}%"
    if state == "synced" and dossier.server_receipt_no:
        return f"{text} · {'receipt' if lang == 'en' else 'số biên nhận'} {dossier.server_receipt_no}"
    if state == "needs_attention":
        reason = dossier.sync_error or ("unknown reason" if lang == "en" else "chưa rõ lý do")
        return f"{text}: {reason}"
    return text


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
            from desk_app.domain.localtime import VN_TZ

            value = value.astimezone(VN_TZ)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def megabytes(n_bytes: int) -> str:
    """Size in MB with one decimal and a decimal comma (Vietnamese convention)."""
    return f"{n_bytes / 1_000_000:.1f}".replace(".", ",")


_ATTACHMENT_KINDS = {
    # kind stored with the file: (Vietnamese, English)
    "scan": ("Bản quét giấy tờ", "Scanned document"),
    "receipt": ("Giấy tiếp nhận (Mẫu 01)", "Receipt (form 01)"),
    "form": ("Phiếu đã in (Mẫu 02/03)", "Printed form (02/03)"),
    "result": ("Kết quả giải quyết", "Result document"),
    "signed": ("Bản đã ký số", "Digitally signed copy"),
}


def attachment_kind_label(kind: str, filename: str = "") -> str:
    """The Files tab's type column in words, never the stored code (`scan`, `receipt`, `form`).
    A printed form names its number when the file name carries it (mau02-… / mau03-…)."""
    from desk_app.ui.i18n import current_language

    en = current_language() == "en"
    if kind == "form":
        low = filename.lower()
        for number, vi_name, en_name in (("02", "Phiếu yêu cầu bổ sung (Mẫu 02)", "Supplement request (form 02)"),
                                         ("03", "Phiếu từ chối (Mẫu 03)", "Refusal (form 03)")):
            if low.startswith(f"mau{number}"):
                return en_name if en else vi_name
    pair = _ATTACHMENT_KINDS.get(kind)
    if pair is None:
        return ("Other file" if en else "Tệp khác") + (f" ({kind})" if kind else "")
    return pair[1] if en else pair[0]
