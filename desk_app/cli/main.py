"""`desk-app`: the command-line face, generated from the command registry.

The argparse tree is built from ``desk_app.services.registry.REGISTRY`` (a name with spaces,
"dossier add", becomes nested sub-commands); each command's text/JSON rendering lives in the
table of ``desk_app/cli/commands.py``. Every command accepts the global options ``--lang``,
``--user LOGIN`` and ``--password-env VAR`` before or after its name (``user add`` and
``user passwd`` have their own ``--password-env`` — the new password —, so there the acting
person's one goes before the command word).

Who acts: ``--user`` names a person (password from ``--password-env VAR``, or a prompt on a
terminal); without it the OS account that owns the data folder acts as the built-in
administrator, anyone else is refused (exit 3). ``services.registry.call`` does the one
permission check.

Exit codes: 0 done; 1 failed (storage, server, ``verify`` findings); 2 bad input
(ValidationError, NotFoundError, argparse errors); 3 not permitted (PermissionDenied, failed
log-in, another sync running). Errors are one line on stderr ("Lỗi: … / Error: …", or only
"Error: …" with --lang en); with --json the error object is also printed on stdout.

``desk-app`` / ``desk-app gui`` take a fast path that imports neither the registry nor the
services: opening the window is the common case and its start-up time matters.
"""
from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from desk_app import __version__
from desk_app.domain.errors import DeskError

if TYPE_CHECKING:
    from desk_app.services.registry import Command, Param

log = logging.getLogger("desk_app.cli")
logging.getLogger("desk_app").addHandler(logging.NullHandler())  # no stderr noise

GROUP_HELP = {
    "catalog": "danh mục thủ tục / procedure catalog",
    "dossier": "hồ sơ / dossiers",
    "calendar": "lịch làm việc / working calendar",
    "cccd": "căn cước công dân / citizen ID card",
    "user": "tài khoản người dùng / user accounts",
    "settings": "thiết lập của quầy / desk settings",
    "sign": "ký số bằng token: sign [tùy chọn] TỆP.pdf… (= sign files), sign upgrade, sign verify / token signing",
    "scan": "quét và số hóa giấy tờ / scanning and digitisation",
}
# global options: (option, dest, help); --lang is handled apart (choices)
GLOBAL_AUTH = (("--user", "auth_user", "người thực hiện (tên đăng nhập) / acting person's login"),
               ("--password-env", "auth_password_env",
                "biến môi trường chứa mật khẩu của --user / variable holding --user's password"))
_VALUE_GLOBALS = ("--lang", "--user", "--password-env")


class UsageError(Exception):
    """argparse found bad arguments (exit 2)."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage, so the message is one line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def default_data_dir() -> Path:
    env = os.environ.get("DESK_APP_DATA")
    if env:
        return Path(env)
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "MotCuaDesk"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "desk-app"


# --------------------------------------------------------------------------- the generated tree


def _help(vi: str, en: str) -> str:
    return f"{vi} / {en}" if vi and en and vi != en else (vi or en or "")


def _add_param(p: argparse.ArgumentParser, prm: "Param") -> None:
    help_ = argparse.SUPPRESS if prm.hidden else _help(prm.help_vi, prm.help_en)
    if prm.positional:
        nargs = ("+" if prm.required else "*") if prm.multiple else (None if prm.required else "?")
        p.add_argument(prm.name, type=prm.type, help=help_ or None, nargs=nargs,
                       default=prm.default)
        return
    names = prm.option.split("|")
    kw: dict[str, Any] = {"dest": prm.name, "help": help_ or None}
    if prm.flag:
        p.add_argument(*names, action="store_true", **kw)
        return
    if prm.env:
        kw["metavar"] = "VAR"
    elif prm.choices is None:
        kw["metavar"] = prm.name.upper()
    if prm.multiple:
        p.add_argument(*names, action="append", default=[], type=prm.type, **kw)
        return
    p.add_argument(*names, type=str if prm.env else prm.type, required=prm.required,
                   default=prm.default, choices=prm.choices, **kw)


def _add_globals(p: argparse.ArgumentParser, cmd: "Command | None") -> None:
    """``--lang/--user/--password-env`` after the command word (the top-level value is kept
    when they are absent: default SUPPRESS)."""
    taken = {n for prm in (cmd.params if cmd else ()) for n in prm.option.split("|")}
    p.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS)
    for opt, dest, _ in GLOBAL_AUTH:
        if opt not in taken:
            p.add_argument(opt, dest=dest, default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _epilog(cmds: dict[str, "Command"]) -> str:
    lines = ["Các lệnh / commands (vai trò cần có / required role):"]
    for c in cmds.values():
        if "cli" in c.faces:
            lines.append(f"  {c.name:<16} {c.help_vi} / {c.help_en}  [{c.rule('vi')}]")
    lines.append("")
    lines.append("Mã thoát / exit codes: 0 xong/done, 1 lỗi/failed, 2 sai đầu vào/bad input,"
                 " 3 không được phép/not permitted.")
    return "\n".join(lines)


def build_parser() -> Parser:
    from desk_app.services import registry

    cmds = registry.load()
    parser = Parser(prog="desk-app", description="Một Cửa Desk — bàn tiếp nhận một cửa cấp xã.",
                    epilog=_epilog(cmds), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"desk-app {__version__}")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="ngôn ngữ thông báo / message language (vi, en)")
    for opt, dest, help_ in GLOBAL_AUTH:
        parser.add_argument(opt, dest=dest, default=None, help=help_,
                            metavar="LOGIN" if opt == "--user" else "VAR")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[tuple[str, ...], argparse._SubParsersAction] = {(): sub}
    for cmd in cmds.values():
        if "cli" not in cmd.faces:
            continue
        words = cmd.words
        for i in range(1, len(words)):
            key = tuple(words[:i])
            if key not in groups:
                g = groups[key[:-1]].add_parser(key[-1], help=GROUP_HELP.get(" ".join(key), ""))
                groups[key] = g.add_subparsers(dest=f"_{'_'.join(key)}_action", metavar="ACTION",
                                               required=True)
        p = groups[tuple(words[:-1])].add_parser(words[-1], help=_help(cmd.help_vi, cmd.help_en),
                                                 description=_help(cmd.help_vi, cmd.help_en))
        if cmd.needs_desk:
            p.add_argument("--data-dir", type=Path, required=True, dest="data_dir",
                           help="thư mục dữ liệu của quầy / the desk's data folder")
        for prm in cmd.params:
            _add_param(p, prm)
        if cmd.json:
            p.add_argument("--json", action="store_true", help="in kết quả dạng JSON / print JSON")
        if cmd.job:
            p.add_argument("--progress", action="store_true",
                           help="với --json: tiến độ thành từng dòng JSON / with --json: progress"
                                " as JSON lines before the result")
        _add_globals(p, cmd)
        p.set_defaults(_command=cmd.name)
    return parser


# --------------------------------------------------------------------------- running one


LOG_MAX_BYTES = 1_000_000      # one log file; five older ones are kept (cli.log.1 … .5)
LOG_BACKUPS = 5


class MaskPersonalData(logging.Filter):
    """Replaces what may identify a citizen (ID numbers, phones, e-mails, names, anything quoted
    from input) in every record, its arguments and its traceback, before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        from desk_app.domain.text import mask_personal

        try:
            msg = record.getMessage()
        except Exception:          # a bad format string must not lose the record
            msg = str(record.msg)
        record.msg, record.args = mask_personal(msg), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Size-capped, rotated, and every file it opens is 0600 (POSIX) whatever the umask."""

    def _open(self):
        if os.name == "posix":
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.close(fd)
            os.chmod(self.baseFilename, 0o600)
        return super()._open()


def log_handler(path: Path) -> logging.Handler:
    """The handler every face uses for a desk's log file (the GUI may use it too)."""
    h = PrivateRotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                   encoding="utf-8")
    h.addFilter(MaskPersonalData())
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return h


def _setup_logging(data_dir: Path | None) -> None:
    if data_dir is None or not (Path(data_dir) / "desk.sqlite3").exists():
        return
    try:
        logs = Path(data_dir) / "logs"
        logs.mkdir(exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(logs, 0o700)
        h = log_handler(logs / "cli.log")
    except OSError:
        return
    logging.getLogger("desk_app").addHandler(h)
    logging.getLogger("desk_app").setLevel(logging.INFO)


def _fail(lang: str, code: str, vi: str, en: str, exit_code: int, as_json: bool,
          details: dict | None = None) -> int:
    from desk_app.cli.output import dumps

    vi1, en1 = " ".join(vi.split()), " ".join(en.split())
    line = f"Lỗi: {vi1} / Error: {en1}" if lang == "vi" else f"Error: {en1}"
    print(line, file=sys.stderr)
    if as_json:
        print(dumps({"error": {"code": code, "vi": vi, "en": en, "details": details or {}}}))
    log.warning("%s: %s", code, en)
    return exit_code


def _lang_of(argv: list[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in ("vi", "en") else "vi"
        if a.startswith("--lang="):
            return a.split("=", 1)[1] if a.split("=", 1)[1] in ("vi", "en") else "vi"
    return "vi"


def _leading_globals(argv: list[str]) -> int:
    """How many words at the start are global options with their values."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in _VALUE_GLOBALS:
            i += 2
        elif any(a.startswith(g + "=") for g in _VALUE_GLOBALS):
            i += 1
        else:
            break
    return i


def _default_to_gui(argv: list[str]) -> list[str]:
    """`desk-app --selftest --data-dir D` means `desk-app gui --selftest --data-dir D`: the GUI is
    the default command, so its options may come without the word "gui"."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return argv
    i = _leading_globals(argv)
    rest = argv[i:]
    if rest and rest[0].startswith("-"):
        return [*argv[:i], "gui", *rest]
    return argv


def _is_gui(argv: list[str]) -> bool:
    """Opening the window is the common case: it skips the registry and every other parser."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return False
    rest = argv[_leading_globals(argv):]
    return not rest or rest[0] == "gui"


def _gui_parser() -> Parser:
    parser = Parser(prog="desk-app")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    for opt, dest, _ in GLOBAL_AUTH:
        parser.add_argument(opt, dest=dest, default=None)
    parser.add_argument("command", nargs="?", choices=("gui",), default="gui")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--selftest", action="store_true", help=argparse.SUPPRESS)
    return parser


def _env_value(var: str, option: str) -> str:
    from desk_app.domain.errors import ValidationError

    value = os.environ.get(var or "")
    if not value:
        raise ValidationError("password_env_empty",
                              f"Biến môi trường {var} ({option}) chưa có giá trị.",
                              f"Environment variable {var} ({option}) holds no value.",
                              variable=var)
    return value


def params_of(cmd: "Command", args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments for ``cmd.fn`` from the parsed options (env options resolved)."""
    out: dict[str, Any] = {}
    for prm in cmd.params:
        value = getattr(args, prm.name, prm.default)
        if prm.env and value is not None:
            value = _env_value(value, prm.option)
        out[prm.name] = value
    return out


def _acting_session(ctx, args: argparse.Namespace):
    """--user/--password-env (or a password prompt on a terminal), else the data folder's owner."""
    from desk_app.domain.errors import ValidationError
    from desk_app.services import session as sess

    user = getattr(args, "auth_user", None)
    var = getattr(args, "auth_password_env", None)
    if not user:
        if var:
            raise ValidationError("user_required", "--password-env cần đi kèm --user TÊN.",
                                  "--password-env needs --user LOGIN.")
        return sess.os_owner_session(ctx)
    if var:
        password = _env_value(var, "--password-env")
    elif sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Mật khẩu / Password: ")
    else:
        raise ValidationError("password_env_required",
                              "Cần --password-env BIẾN cho mật khẩu của --user.",
                              "--user needs --password-env VAR for its password.")
    return sess.login(ctx, user, password, "cli")


def run_command(cmd: "Command", args: argparse.Namespace) -> int:
    """Open the desk, make the session, call through the registry, render."""
    from desk_app.cli import commands as faces
    from desk_app.services import registry

    face = faces.FACES.get(cmd.name, faces.Face())
    if face.direct is not None:                       # the face runs it itself (gui)
        return int(face.direct(args))
    params = params_of(cmd, args)
    ctx = None
    try:
        if cmd.needs_desk:
            from desk_app.services import open_desk

            ctx = open_desk(args.data_dir, create=False)
            session = _acting_session(ctx, args)
        elif cmd.role is not None and "data_dir" in params:   # init: the desk may not exist yet
            from desk_app.services import is_initialised, open_desk
            from desk_app.services import session as sess

            if is_initialised(params["data_dir"]):
                ctx = open_desk(params["data_dir"], create=False)
                session = _acting_session(ctx, args)
            elif getattr(args, "auth_user", None):
                from desk_app.services.admin.users import AuthError

                raise AuthError(reason="no_accounts_yet")
            else:
                session = sess.owner_session_for_new_desk(params["data_dir"])
        else:
            session = None
        registry.check(cmd.name, session, **params)    # refuse before prompting or working
        if face.prepare is not None:
            params = face.prepare(args, params)
        if cmd.job:
            result = _run_job(cmd, session, args, params)
        else:
            result = registry.call(cmd.name, session, **params, **face.extra(args))
        return int(face.render(result, args))
    finally:
        if ctx is not None:
            ctx.close()


def _run_job(cmd: "Command", session, args: argparse.Namespace, params: dict[str, Any]) -> Any:
    import functools

    from desk_app.services import registry

    try:
        from desk_app.cli.progress import run_job
    except ModuleNotFoundError as exc:       # the job runner is not installed: run plainly
        if exc.name not in ("desk_app.cli.progress", "desk_app.jobs"):
            raise
        return registry.call(cmd.name, session, **params)
    as_json = bool(getattr(args, "json", False)) and bool(getattr(args, "progress", False))
    return run_job(functools.partial(registry.call, cmd.name, session), as_json=as_json,
                   lang=args.lang, **params)


def _command_at(argv: list[str]) -> int | None:
    """Index of the first word that is not an option or a global option's value (the command)."""
    valued = {"--lang", *(opt for opt, _dest, _help in GLOBAL_AUTH)}
    i = 0
    while i < len(argv):
        if argv[i] in valued:
            i += 2
        elif argv[i].startswith("-"):
            i += 1
        else:
            return i
    return None


def _sign_alias(argv: list[str]) -> list[str]:
    """`desk-app sign [options] FILE.pdf…` is `desk-app sign files …` (the issue's spelling);
    `sign upgrade` / `sign verify` stay as they are."""
    i = _command_at(argv)
    if i is None or argv[i] != "sign":
        return argv                              # the command is another one
    nxt = argv[i + 1] if i + 1 < len(argv) else None
    if nxt in ("files", "upgrade", "verify", "-h", "--help"):
        return argv
    return [*argv[:i + 1], "files", *argv[i + 1:]]


def _verify_alias(argv: list[str]) -> list[str]:
    """`desk-app verify [--trust PEM]... FILE.pdf [--json]` is `desk-app sign verify …` (a PDF's
    signatures, no desk needed); `desk-app verify --data-dir D [--repair]` (no path) stays the
    store check."""
    i = _command_at(argv)
    if i is None or argv[i] != "verify":
        return argv
    valued = {"--trust", "--data-dir", "--lang", *(opt for opt, _dest, _help in GLOBAL_AUTH)}
    rest, j = argv[i + 1:], 0
    while j < len(rest):
        if rest[j] in valued:
            j += 2
        elif rest[j].startswith("-"):
            j += 1
        else:
            return [*argv[:i], "sign", "verify", *rest]
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(argv)
    argv = _verify_alias(_sign_alias(_default_to_gui(argv)))
    gui = _is_gui(argv)
    parser = _gui_parser() if gui else build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _fail(lang, "usage", f"Tham số không hợp lệ — {exc}", f"Bad arguments — {exc}", 2,
                     "--json" in argv)
    except SystemExit as exc:          # --help / --version print and exit 0
        return int(exc.code or 0)
    if gui:
        from desk_app.cli.gui import cmd_gui

        return _guarded(args, lambda: cmd_gui(args), False)
    if getattr(args, "_command", None) is None:  # only global options: open the GUI
        from desk_app.cli.gui import cmd_gui

        args.data_dir, args.selftest = None, False
        return _guarded(args, lambda: cmd_gui(args), False)
    from desk_app.services import registry

    cmd = registry.get(args._command)
    as_json = bool(getattr(args, "json", False))
    _setup_logging(getattr(args, "data_dir", None))
    return _guarded(args, lambda: run_command(cmd, args), as_json)


def _guarded(args: argparse.Namespace, fn, as_json: bool) -> int:
    lang = getattr(args, "lang", "vi")
    try:
        return int(fn())
    except DeskError as exc:
        return _fail(lang, exc.code, exc.vi, exc.en, exc.exit_code, as_json,
                     {k: v for k, v in exc.details.items() if k != "problems"}
                     | ({"problems": exc.details["problems"]} if "problems" in exc.details
                        else {}))
    except sqlite3.Error as exc:
        return _fail(lang, "sqlite", f"Lỗi cơ sở dữ liệu: {exc}", f"Database error: {exc}",
                     1, as_json)
    except BrokenPipeError:            # `desk-app … | head`: the reader left, not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as exc:
        return _fail(lang, "os", f"Lỗi tệp/ổ đĩa: {exc}", f"File/disk error: {exc}", 1,
                     as_json)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:           # a bug: one line for the clerk, the traceback in the log
        log.exception("unexpected error")
        if os.environ.get("DESK_APP_DEBUG"):
            raise
        return _fail(lang, "internal", f"Lỗi nội bộ ({type(exc).__name__}: {exc}); chi tiết"
                     " trong logs/cli.log.", f"Internal error ({type(exc).__name__}: {exc});"
                     " details in logs/cli.log.", 1, as_json)


if __name__ == "__main__":
    raise SystemExit(main())
