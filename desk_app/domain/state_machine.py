"""Dossier status transitions and who may make them.

The life of a dossier at the one-stop desk (Decree 61/2018/NĐ-CP, Circular 01/2018/TT-VPCP):

===================  ===================  ==================================================
from                 to                   allowed roles
===================  ===================  ==================================================
received             in_process           clerk, officer, processor, supervisor, system
received             waiting_supplement   clerk, officer, processor, supervisor
received             refused              officer, processor, supervisor
received             withdrawn            clerk, supervisor
in_process           waiting_supplement   officer, processor, supervisor
in_process           result_ready         officer, processor, supervisor
in_process           refused              officer, processor, supervisor
in_process           withdrawn            clerk, supervisor
waiting_supplement   supplemented         clerk, supervisor
waiting_supplement   refused              officer, processor, supervisor
waiting_supplement   withdrawn            clerk, supervisor
supplemented         in_process           clerk, officer, processor, supervisor, system
supplemented         withdrawn            clerk, supervisor
result_ready         returned             clerk, supervisor
in_process           stopped              officer, processor, supervisor
waiting_supplement   stopped              officer, processor, supervisor
supplemented         stopped              officer, processor, supervisor
===================  ===================  ==================================================

``returned``, ``refused``, ``withdrawn`` and ``stopped`` are final. ``stopped`` (issue 16) is
Mẫu 05 of Circular 03/2025/TT-VPCP, "Thông báo dừng giải quyết hồ sơ": processing ends without a
decision (national TrangThaiHoSo 8, "Dừng xử lý").

Actions that do not change the status (:data:`ACTIONS`): a hand-over between the desk and the
processing agencies (``handover``; from ``received`` or ``supplemented`` it also moves the
dossier to ``in_process``), the apology with a new date (``delay``, Mẫu 04) and a note. Why these roles: the clerk (công chức
tiếp nhận) receives, hands over, takes supplements, returns results and records withdrawals at
the applicant's request; the processing side (processor / signing officer) asks for supplements,
refuses or produces results; ``system`` only moves dossiers forward automatically (hand-over
to processing); a supervisor may make any allowed move to correct mistakes. Refusing at the
counter before a dossier is received is not a transition: it is recorded by ``intake.refuse``.
"""
from __future__ import annotations

from .errors import ValidationError
from .models import DossierStatus as S
from .models import Role as R

_ALL_PROCESSING = frozenset({R.OFFICER, R.PROCESSOR, R.SUPERVISOR})

ALLOWED: dict[tuple[S, S], frozenset[R]] = {
    (S.RECEIVED, S.IN_PROCESS): frozenset({R.CLERK, R.OFFICER, R.PROCESSOR, R.SUPERVISOR,
                                           R.SYSTEM}),
    (S.RECEIVED, S.WAITING_SUPPLEMENT): frozenset({R.CLERK}) | _ALL_PROCESSING,
    (S.RECEIVED, S.REFUSED): _ALL_PROCESSING,
    (S.RECEIVED, S.WITHDRAWN): frozenset({R.CLERK, R.SUPERVISOR}),
    (S.IN_PROCESS, S.WAITING_SUPPLEMENT): _ALL_PROCESSING,
    (S.IN_PROCESS, S.RESULT_READY): _ALL_PROCESSING,
    (S.IN_PROCESS, S.REFUSED): _ALL_PROCESSING,
    (S.IN_PROCESS, S.WITHDRAWN): frozenset({R.CLERK, R.SUPERVISOR}),
    (S.WAITING_SUPPLEMENT, S.SUPPLEMENTED): frozenset({R.CLERK, R.SUPERVISOR}),
    (S.WAITING_SUPPLEMENT, S.REFUSED): _ALL_PROCESSING,
    (S.WAITING_SUPPLEMENT, S.WITHDRAWN): frozenset({R.CLERK, R.SUPERVISOR}),
    (S.SUPPLEMENTED, S.IN_PROCESS): frozenset({R.CLERK, R.OFFICER, R.PROCESSOR, R.SUPERVISOR,
                                               R.SYSTEM}),
    (S.SUPPLEMENTED, S.WITHDRAWN): frozenset({R.CLERK, R.SUPERVISOR}),
    (S.RESULT_READY, S.RETURNED): frozenset({R.CLERK, R.SUPERVISOR}),
    (S.IN_PROCESS, S.STOPPED): _ALL_PROCESSING,
    (S.WAITING_SUPPLEMENT, S.STOPPED): _ALL_PROCESSING,
    (S.SUPPLEMENTED, S.STOPPED): _ALL_PROCESSING,
}

FINAL: frozenset[S] = frozenset({S.RETURNED, S.REFUSED, S.WITHDRAWN, S.STOPPED})

#: Actions without a status change of their own: the statuses they may start from and who may.
ACTIONS: dict[str, tuple[frozenset[S], frozenset[R]]] = {
    "handover": (frozenset({S.RECEIVED, S.IN_PROCESS, S.SUPPLEMENTED}),
                 frozenset({R.CLERK, R.OFFICER, R.PROCESSOR, R.SUPERVISOR, R.SYSTEM})),
    "delay": (frozenset({S.RECEIVED, S.IN_PROCESS, S.WAITING_SUPPLEMENT, S.SUPPLEMENTED}),
              _ALL_PROCESSING),
    "note": (frozenset(S) - FINAL, frozenset({R.CLERK, R.OFFICER, R.PROCESSOR, R.SUPERVISOR})),
}

ACTION_LABELS: dict[str, tuple[str, str]] = {
    "handover": ("chuyển hồ sơ (bàn giao)", "hand over"),
    "delay": ("gia hạn, xin lỗi (Mẫu 04)", "delay with an apology (form 04)"),
    "note": ("ghi chú", "add a note"),
}

STATUS_LABELS: dict[S, tuple[str, str]] = {
    S.RECEIVED: ("Đã tiếp nhận", "Received"),
    S.IN_PROCESS: ("Đang xử lý", "In process"),
    S.WAITING_SUPPLEMENT: ("Chờ bổ sung", "Waiting for supplement"),
    S.SUPPLEMENTED: ("Đã bổ sung", "Supplemented"),
    S.RESULT_READY: ("Có kết quả, chờ trả", "Result ready"),
    S.RETURNED: ("Đã trả kết quả", "Result returned"),
    S.REFUSED: ("Từ chối", "Refused"),
    S.WITHDRAWN: ("Công dân rút hồ sơ", "Withdrawn by the applicant"),
    S.STOPPED: ("Dừng giải quyết", "Processing stopped"),
}

ROLE_LABELS: dict[R, tuple[str, str]] = {
    R.CLERK: ("công chức tiếp nhận", "receiving clerk"),
    R.OFFICER: ("lãnh đạo ký duyệt", "signing officer"),
    R.PROCESSOR: ("bộ phận xử lý", "processing unit"),
    R.SUPERVISOR: ("người giám sát", "supervisor"),
    R.ADMIN: ("quản trị hệ thống", "administrator"),
    R.SYSTEM: ("hệ thống", "system"),
}


def _coerce_status(value: S | str) -> S:
    try:
        return S(value)
    except ValueError:
        raise ValidationError(
            "status_unknown", f"Trạng thái hồ sơ «{value}» không tồn tại.",
            f"Unknown dossier status {value!r}.", value=str(value)) from None


def _coerce_role(value: R | str) -> R:
    try:
        return R(value)
    except ValueError:
        raise ValidationError(
            "role_unknown", f"Vai trò «{value}» không tồn tại.", f"Unknown role {value!r}.",
            value=str(value)) from None


def allowed(from_status: S | str, to_status: S | str, role: R | str) -> bool:
    """True if ``role`` may move a dossier from ``from_status`` to ``to_status``."""
    try:
        key = (_coerce_status(from_status), _coerce_status(to_status))
        return _coerce_role(role) in ALLOWED.get(key, frozenset())
    except ValidationError:
        return False


def next_statuses(from_status: S | str, role: R | str) -> list[S]:
    """Statuses ``role`` may move a dossier to from ``from_status`` (for menus and buttons)."""
    f, r = _coerce_status(from_status), _coerce_role(role)
    return [t for (a, t), roles in ALLOWED.items() if a is f and r in roles]


def transition(from_status: S | str, to_status: S | str, role: R | str) -> S:
    """Return ``to_status`` if the move is allowed, else raise ValidationError saying why."""
    f, t, r = _coerce_status(from_status), _coerce_status(to_status), _coerce_role(role)
    fv, fe = STATUS_LABELS[f]
    tv, te = STATUS_LABELS[t]
    rv, re_ = ROLE_LABELS[r]
    if f is t:
        raise ValidationError(
            "status_unchanged", f"Hồ sơ đã ở trạng thái «{fv}».",
            f"The dossier is already '{fe}'.", from_status=f.value, to_status=t.value)
    if f in FINAL:
        raise ValidationError(
            "status_final", f"Hồ sơ ở trạng thái «{fv}» đã kết thúc, không thể chuyển sang "
            f"«{tv}».", f"Status '{fe}' is final; the dossier cannot change to '{te}'.",
            from_status=f.value, to_status=t.value)
    roles = ALLOWED.get((f, t))
    if roles is None:
        possible = ", ".join(f"«{STATUS_LABELS[b][0]}»" for (a, b) in ALLOWED if a is f)
        possible_en = ", ".join(f"'{STATUS_LABELS[b][1]}'" for (a, b) in ALLOWED if a is f)
        raise ValidationError(
            "status_not_allowed", f"Không thể chuyển hồ sơ từ «{fv}» sang «{tv}». "
            f"Từ «{fv}» chỉ có thể chuyển sang: {possible}.",
            f"A dossier cannot go from '{fe}' to '{te}'. From '{fe}' it can only go to: "
            f"{possible_en}.", from_status=f.value, to_status=t.value)
    if r not in roles:
        who = ", ".join(ROLE_LABELS[x][0] for x in sorted(roles, key=lambda x: x.value))
        who_en = ", ".join(ROLE_LABELS[x][1] for x in sorted(roles, key=lambda x: x.value))
        raise ValidationError(
            "status_role_forbidden", f"Vai trò {rv} không được chuyển hồ sơ từ «{fv}» sang "
            f"«{tv}»; chỉ {who} được làm việc này.",
            f"The {re_} role may not move a dossier from '{fe}' to '{te}'; only: {who_en}.",
            from_status=f.value, to_status=t.value, role=r.value)
    return t


def action_allowed(action: str, status: S | str, role: R | str) -> bool:
    """True if ``role`` may take ``action`` (see :data:`ACTIONS`) on a dossier in ``status``."""
    try:
        froms, roles = ACTIONS[action]
        return _coerce_status(status) in froms and _coerce_role(role) in roles
    except (KeyError, ValidationError):
        return False


def check_action(action: str, status: S | str, role: R | str) -> None:
    """Raise ValidationError saying why ``role`` may not take ``action`` now (same codes as
    :func:`transition`: ``status_final``, ``status_not_allowed``, ``status_role_forbidden``)."""
    f, r = _coerce_status(status), _coerce_role(role)
    froms, roles = ACTIONS[action]
    av, ae = ACTION_LABELS[action]
    fv, fe = STATUS_LABELS[f]
    if f not in froms:
        code = "status_final" if f in FINAL else "status_not_allowed"
        ok = ", ".join(f"«{STATUS_LABELS[x][0]}»" for x in S if x in froms)
        ok_en = ", ".join(f"'{STATUS_LABELS[x][1]}'" for x in S if x in froms)
        raise ValidationError(
            code, f"Không thể {av} khi hồ sơ ở trạng thái «{fv}»; chỉ được khi hồ sơ ở: {ok}.",
            f"Cannot {ae} while the dossier is '{fe}'; only when it is: {ok_en}.",
            from_status=f.value, action=action)
    if r not in roles:
        rv, re_ = ROLE_LABELS[r]
        who = ", ".join(ROLE_LABELS[x][0] for x in sorted(roles, key=lambda x: x.value))
        who_en = ", ".join(ROLE_LABELS[x][1] for x in sorted(roles, key=lambda x: x.value))
        raise ValidationError(
            "status_role_forbidden", f"Vai trò {rv} không được {av}; chỉ {who} được làm việc này.",
            f"The {re_} role may not {ae}; only: {who_en}.", from_status=f.value,
            action=action, role=r.value)
