"""Who is acting: a ``Session`` is the person (an ``Account``) behind every call of a face.

* ``login(ctx, login, password, face)`` — a person with a local or province account.
* ``os_owner_session(ctx)`` — the CLI run by the OS account that owns the data folder, without
  ``--user``: the built-in administrator. Its actor is ``os:<OS user name>`` (never a valid
  account login, so it cannot be confused with one). Anyone else without ``--user`` is refused
  (``PermissionDenied``, exit 3). Several staff may share one Windows account on a commune PC;
  there the owner cannot be checked cheaply and the current user is taken as the owner — the
  GUI always asks for a login.

``session.actor`` is what goes into the ``actor`` column of every audit row the session writes.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desk_app.domain.models import Role
from desk_app.services.admin.users import Account

if TYPE_CHECKING:
    from desk_app.services.context import DeskContext


@dataclass
class Session:
    ctx: "DeskContext | None"      # None only for set-up of a desk that does not exist yet
    user: Account
    face: str = "cli"              # "cli" | "gui"

    @property
    def actor(self) -> str:
        return self.user.login

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def builtin(self) -> bool:
        """The OS owner acting as administrator (no account row)."""
        return self.user.source == "os"


def _os_user() -> str:
    try:
        return getpass.getuser() or "owner"
    except Exception:          # no user name in the environment (service accounts)
        return "owner"


def _builtin_admin() -> Account:
    name = _os_user()
    return Account(login=f"os:{name}", full_name=f"Quản trị (tài khoản máy {name})",
                   role=Role.ADMIN, active=True, source="os", created_at="", updated_at="")


def is_owner(path: Path) -> bool:
    """True if the current OS account owns ``path`` (or, for a folder not created yet, its
    nearest existing parent). Windows: always true (see the module docstring)."""
    if os.name == "nt":
        return True
    p = Path(path).absolute()
    while not p.exists() and p.parent != p:
        p = p.parent
    try:
        return os.stat(p).st_uid == os.getuid()   # type: ignore[attr-defined]  (POSIX only)
    except OSError:
        return False


def _not_owner(path: Path):
    from desk_app.services.registry import PermissionDenied

    who = _os_user()
    return PermissionDenied("not_data_owner",
                            f"Tài khoản máy “{who}” không sở hữu thư mục dữ liệu {path}: hãy"
                            " đăng nhập bằng --user TÊN --password-env BIẾN.",
                            f"The OS account “{who}” does not own the data folder {path}: log"
                            " in with --user LOGIN --password-env VAR.", data_dir=str(path))


def os_owner_session(ctx: "DeskContext") -> Session:
    """The built-in administrator, if this process's OS account owns ``ctx.data_dir``."""
    if not is_owner(ctx.data_dir):
        raise _not_owner(ctx.data_dir)
    return Session(ctx, _builtin_admin(), "cli")


def owner_session_for_new_desk(data_dir: Path) -> Session:
    """``desk-app init`` on a folder without a store: no accounts exist yet, so only the owner
    of the folder (or of its nearest existing parent) may set it up."""
    if not is_owner(data_dir):
        raise _not_owner(Path(data_dir))
    return Session(None, _builtin_admin(), "cli")


def login(ctx: "DeskContext", login: str, password: str, face: str = "cli") -> Session:
    """A session for (login, password), or ``users.AuthError`` (exit 3)."""
    from desk_app.services.admin import users

    return Session(ctx, users.authenticate(ctx, login, password), face)


def record_unlock(ctx: "DeskContext", user: Account, by: Account, face: str = "gui") -> None:
    """Audit "session.unlock": whose locked session (``user``) and who unlocked it (``by``: the
    same person, or a supervisor/administrator — the session stays ``user``'s)."""
    from offline_store import audit

    with ctx.store.transaction() as conn:
        audit.append(conn, actor=by.login, action="session.unlock", entity="session",
                     entity_id=user.login, detail={"session": user.login, "unlocked_by": by.login,
                                                   "face": face})
