"""How a dossier is indexed and how its status is named on the wire — one definition for the
desk's own writes (services) and for records that arrive from the unit feed (sync).

TrangThaiHoSo follows the status table of resources/api/openapi.yaml (national dossier-sync codes);
the desk's own status is also sent as text (``status``), so the reverse map is only a fallback.
"""
from __future__ import annotations

from desk_app.domain.models import DossierStatus
from desk_app.domain.text import fold

STATUS_TO_CODE: dict[DossierStatus, int] = {
    DossierStatus.RECEIVED: 2,
    DossierStatus.IN_PROCESS: 4,
    DossierStatus.WAITING_SUPPLEMENT: 5,
    DossierStatus.SUPPLEMENTED: 4,
    DossierStatus.RESULT_READY: 9,
    DossierStatus.RETURNED: 10,
    DossierStatus.REFUSED: 3,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,        # Dừng xử lý
}

# Reverse map for records that carry only the number: codes the desk does not itself use fall
# back to the nearest desk status (1 = newly filed online, 6 = a processing step; 8 = stopped).
CODE_TO_STATUS: dict[int, DossierStatus] = {
    1: DossierStatus.RECEIVED,
    2: DossierStatus.RECEIVED,
    3: DossierStatus.REFUSED,
    4: DossierStatus.IN_PROCESS,
    5: DossierStatus.WAITING_SUPPLEMENT,
    6: DossierStatus.IN_PROCESS,
    7: DossierStatus.WITHDRAWN,
    8: DossierStatus.STOPPED,
    9: DossierStatus.RESULT_READY,
    10: DossierStatus.RETURNED,
}


def search_text(code: str, full_name: str, id_number: str, phone: str, procedure_code: str,
                on_behalf_of: str = "") -> str:
    """The dossiers.search_folded text: folded code (whole, and its date-serial tail), name,
    ID number, phone, procedure code. Procedure names are left out on purpose: "dang" must find
    the family name Đặng, not every "Đăng ký …" dossier."""
    tail = code.split("-", 1)[1] if "-" in code else ""
    return fold(" ".join(x for x in (code, tail, full_name, id_number, phone, procedure_code,
                                     on_behalf_of) if x))
