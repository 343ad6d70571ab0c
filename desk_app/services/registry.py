"""Commands declared once: name, parameters, required role, whether it writes.

Modelled on Electrum's ``commands.py``: each job both faces offer is a function decorated with
``@command(...)``; the CLI builds its argparse tree from ``REGISTRY`` (``desk_app/cli/main.py``),
the GUI asks ``allowed(role, name)`` which menus to show. ``call(name, session, **params)`` is
THE permission check: every face calls a command through it.

Declarations live in ``desk_app/services/commands.py``; ``load()`` imports it once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from desk_app.domain.errors import DeskError
from desk_app.domain.models import Role
from desk_app.domain.roles import may, role_label

if TYPE_CHECKING:
    from desk_app.services.session import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Param:
    """One parameter. ``name`` is the Python keyword; the CLI option is ``--name-with-dashes``
    unless ``cli_name`` says otherwise (or ``positional``)."""

    name: str
    type: Callable[[str], Any] = str
    help_vi: str = ""
    help_en: str = ""
    required: bool = False
    default: Any = None
    multiple: bool = False          # repeatable option -> list
    flag: bool = False              # store_true
    positional: bool = False
    choices: tuple | None = None
    cli_name: str | None = None
    env: bool = False               # the CLI reads the value from the environment variable
                                    # the option names (passwords never go on a command line)
    hidden: bool = False            # not listed in --help (test and tuning knobs)

    @property
    def option(self) -> str:
        return self.cli_name or "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class Command:
    name: str                       # "dossier add": words -> nested CLI sub-commands
    fn: Callable[..., Any]          # fn(session, **params) -> domain object
    role: Role | None               # None = anyone logged in
    writes: bool
    params: tuple[Param, ...] = ()
    help_vi: str = ""
    help_en: str = ""
    needs_desk: bool = True         # the face opens the desk and makes a Session first
    job: bool = False               # long work: fn takes progress= and cancel= (jobs protocol)
    faces: tuple[str, ...] = ("cli", "gui")
    json: bool = True               # the CLI offers --json
    self_param: str | None = None   # a person may run it on their own account (e.g. passwd)

    @property
    def words(self) -> list[str]:
        return self.name.split()

    def rule(self, lang: str = "vi") -> str:
        if self.role is None:
            return "mọi người đã đăng nhập" if lang == "vi" else "anyone logged in"
        return role_label(self.role, lang)


REGISTRY: dict[str, Command] = {}


def command(name: str, *, role: Role | None, writes: bool, params: tuple[Param, ...] = (),
            help_vi: str, help_en: str, needs_desk: bool = True, job: bool = False,
            faces: tuple[str, ...] = ("cli", "gui"), json: bool = True,
            self_param: str | None = None) -> Callable:
    """Decorator: register ``fn`` as the command ``name``."""
    def deco(fn: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"command {name!r} declared twice")
        REGISTRY[name] = Command(name, fn, role, writes, tuple(params), help_vi, help_en,
                                 needs_desk, job, tuple(faces), json, self_param)
        return fn
    return deco


def load() -> dict[str, Command]:
    """Every declared command (imports the declarations once)."""
    import desk_app.services.commands  # noqa: F401  (fills REGISTRY)

    return REGISTRY


def get(name: str) -> Command:
    load()
    try:
        return REGISTRY[name]
    except KeyError:
        from desk_app.domain.errors import NotFoundError

        raise NotFoundError("command_unknown", f"Không có lệnh “{name}”.",
                            f"No command “{name}”.", command=name) from None


class PermissionDenied(DeskError):
    """The person may not run this command (CLI exit code 3)."""

    exit_code = 3


def allowed(user_role: Role | str, command: Command | str) -> bool:
    cmd = command if isinstance(command, Command) else get(command)
    return may(user_role, cmd.role)


def _denied(session: "Session | None", cmd: Command) -> PermissionDenied:
    if session is None:
        return PermissionDenied("login_required",
                                f"Lệnh “{cmd.name}” cần đăng nhập.",
                                f"The command “{cmd.name}” needs a login.", command=cmd.name)
    u = session.user
    return PermissionDenied(
        "permission_denied",
        f"Tài khoản “{u.login}” ({u.full_name}, vai trò {role_label(u.role, 'vi')}) không được"
        f" phép chạy lệnh “{cmd.name}” (cần: {cmd.rule('vi')}).",
        f"Account “{u.login}” ({u.full_name}, role {role_label(u.role, 'en')}) may not run"
        f" “{cmd.name}” (requires: {cmd.rule('en')}).",
        command=cmd.name, login=u.login, role=u.role.value,
        required=cmd.role.value if cmd.role else None)


def _audit_denied(session: "Session", cmd: Command, exc: PermissionDenied) -> None:
    """The refusal is recorded in its own transaction (nothing else of the call ran)."""
    from offline_store import audit

    if session.ctx is None:
        return
    with session.ctx.store.transaction() as conn:
        audit.append(conn, actor=session.actor, action="permission.denied", entity="command",
                     entity_id=cmd.name, detail={"role": session.user.role.value,
                                                 "required": exc.details.get("required"),
                                                 "face": session.face})
    log.warning("permission denied: %s (%s) -> %s", session.actor, session.user.role.value,
                cmd.name)


def check(name: str, session: "Session | None", /, **params: Any) -> Command:
    """The permission rule for ``name`` (audited refusal). ``call`` uses it; a face may use it
    to refuse before reading a password from a prompt."""
    cmd = get(name)
    if session is None:
        if cmd.needs_desk or cmd.role is not None:
            raise _denied(None, cmd)
        return cmd
    if not session.user.active:
        raise _denied(session, cmd)
    if may(session.user.role, cmd.role):
        return cmd
    if cmd.self_param and params.get(cmd.self_param) == session.actor:
        return cmd
    exc = _denied(session, cmd)
    _audit_denied(session, cmd, exc)
    raise exc


def call(name: str, session: "Session | None", /, **params: Any) -> Any:
    """Run command ``name`` as ``session``: THE permission check, then ``fn(session, **params)``.
    A refusal writes an audit row ``permission.denied`` and raises ``PermissionDenied``."""
    cmd = check(name, session, **params)
    return cmd.fn(session, **params)


def commands_for(role: Role | str, face: str = "gui") -> list[Command]:
    """What a person with ``role`` may run from ``face`` (the GUI builds its menus from this)."""
    return [c for c in load().values() if face in c.faces and may(role, c.role)]
