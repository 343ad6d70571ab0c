"""Who may do what: the five people who log in at a commune desk and the one rule between roles.

Pure data and one function; the services (``desk_app.services.registry.call``) apply it to every
command, the GUI asks the same registry which menus to show.

| role (``Role``) | vi | may run commands that require |
|---|---|---|
| ``clerk`` | Cán bộ tiếp nhận | clerk |
| ``processor`` | Cán bộ xử lý | processor |
| ``officer`` | Lãnh đạo ký duyệt | officer (signing) |
| ``supervisor`` | Giám sát | clerk, processor, supervisor — **not** officer (signing is personal) |
| ``admin`` | Quản trị | everything |

A command whose required role is ``None`` is open to anyone logged in (reading).
``Role.SYSTEM`` marks automatic events in a dossier's history; no account has it and it may
nothing.
"""
from __future__ import annotations

from desk_app.domain.models import Role

#: The roles an account may have, in the order menus and lists show them.
ACCOUNT_ROLES: tuple[Role, ...] = (Role.CLERK, Role.PROCESSOR, Role.OFFICER, Role.SUPERVISOR,
                                   Role.ADMIN)

ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.CLERK: ("Cán bộ tiếp nhận", "Clerk"),
    Role.PROCESSOR: ("Cán bộ xử lý", "Processing officer"),
    Role.OFFICER: ("Lãnh đạo ký duyệt", "Signing officer"),
    Role.SUPERVISOR: ("Giám sát", "Supervisor"),
    Role.ADMIN: ("Quản trị", "Administrator"),
    Role.SYSTEM: ("Hệ thống", "System"),
}

#: For each role, the required roles it satisfies (admin: all of them).
SATISFIES: dict[Role, frozenset[Role]] = {
    Role.CLERK: frozenset({Role.CLERK}),
    Role.PROCESSOR: frozenset({Role.PROCESSOR}),
    Role.OFFICER: frozenset({Role.OFFICER}),
    Role.SUPERVISOR: frozenset({Role.CLERK, Role.PROCESSOR, Role.SUPERVISOR}),
    Role.ADMIN: frozenset(ACCOUNT_ROLES),
    Role.SYSTEM: frozenset(),
}


def may(role: Role | str, required: Role | str | None) -> bool:
    """True when a person with ``role`` may run something that requires ``required``
    (``None`` = anyone logged in, except the non-person ``system``)."""
    role = Role(role)
    if role == Role.SYSTEM:
        return False
    if required is None:
        return True
    return Role(required) in SATISFIES[role]


def role_label(role: Role | str, lang: str = "vi") -> str:
    vi, en = ROLE_LABELS[Role(role)]
    return en if lang.lower().startswith("en") else vi


def parse_role(text: str) -> Role:
    """An account role from its name (``clerk`` …) or a ValidationError listing the choices."""
    from desk_app.domain.errors import ValidationError

    value = (text or "").strip().lower()
    for r in ACCOUNT_ROLES:
        if r.value == value:
            return r
    names = ", ".join(r.value for r in ACCOUNT_ROLES)
    raise ValidationError("role_invalid", f"Vai trò “{text}” không hợp lệ (chọn: {names}).",
                          f"Unknown role “{text}” (choose: {names}).", field="role", value=text)
