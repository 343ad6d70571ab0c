"""`desk-app`: the command-line face. Thin: parse, call one service, print text or --json.

Exit codes: 0 ok; 2 bad input (ValidationError, NotFoundError, argparse errors); 1 storage
errors (StorageError, SQLite/OS errors) and `verify` findings. Errors are one line on stderr
("Lỗi: … / Error: …", or only the --lang language); with --json the error is also printed as JSON
on stdout. Other engineers add commands in print_cmds.py / sync_cmds.py via register(subparsers);
a handler is ``args.func(args) -> int`` and may raise DeskError.
"""
from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import NoReturn

from desk_app import __version__
from desk_app.domain.errors import DeskError

log = logging.getLogger("desk_app.cli")
logging.getLogger("desk_app").addHandler(logging.NullHandler())  # no stderr noise


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


def _data_dir(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--data-dir", type=Path, required=required,
                   help="thư mục dữ liệu của quầy / the desk's data folder")


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON / print JSON")


def build_parser() -> Parser:
    from desk_app.cli import commands as c

    parser = Parser(prog="desk-app", description="Một Cửa Desk — bàn tiếp nhận một cửa cấp xã.")
    parser.add_argument("--version", action="version", version=f"desk-app {__version__}")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="ngôn ngữ thông báo / message language (vi, en)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="khởi tạo dữ liệu quầy / set up a desk")
    _data_dir(p)
    p.add_argument("--demo", action="store_true", help="thêm ~2.000 hồ sơ mẫu / add demo dossiers")
    p.add_argument("--desk", type=int, default=1, help="số hiệu bàn 1–9 / desk number 1–9")
    p.add_argument("--unit", help="mã định danh đơn vị / unit identifier code")
    p.add_argument("--catalog", type=Path, help="tệp danh mục thay cho danh mục mẫu kèm theo /"
                   " catalog file instead of the bundled demo catalog")
    p.add_argument("--n-dossiers", type=int, default=2000, help=argparse.SUPPRESS)
    _json(p)
    p.set_defaults(func=c.cmd_init)

    cat = sub.add_parser("catalog", help="danh mục thủ tục / procedure catalog")
    csub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    p = csub.add_parser("import", help="nhập tệp danh mục JSON / import a catalog file")
    _data_dir(p)
    p.add_argument("file", type=Path)
    _json(p)
    p.set_defaults(func=c.cmd_catalog_import)
    p = csub.add_parser("list", help="liệt kê thủ tục / list procedures")
    _data_dir(p)
    _json(p)
    p.set_defaults(func=c.cmd_catalog_list)

    dos = sub.add_parser("dossier", help="hồ sơ / dossiers")
    dsub = dos.add_subparsers(dest="dossier_command", metavar="ACTION", required=True)
    p = dsub.add_parser("add", help="tiếp nhận hồ sơ / receive a dossier")
    _data_dir(p)
    p.add_argument("--procedure", required=True, help="mã thủ tục / procedure code")
    p.add_argument("--applicant-id", required=True, help="số định danh cá nhân (CCCD) / ID number")
    p.add_argument("--applicant-name", required=True, help="họ và tên / full name")
    p.add_argument("--applicant-kind", type=int, choices=(1, 2), default=1,
                   help="1 công dân, 2 tổ chức / 1 citizen, 2 organisation")
    p.add_argument("--birth-date", help="ngày sinh YYYY-MM-DD / birth date")
    p.add_argument("--sex", help="Nam | Nữ")
    p.add_argument("--address", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--email", default="")
    p.add_argument("--received-at", help="thời điểm tiếp nhận ISO / time of receipt (ISO 8601)")
    p.add_argument("--attach", action="append", default=[], type=Path, metavar="FILE",
                   help="tệp đính kèm (lặp lại được) / attachment (repeatable)")
    p.add_argument("--clerk", default="", help="cán bộ tiếp nhận / receiving clerk")
    p.add_argument("--request-id", help="khóa chống trùng / idempotency key")
    p.add_argument("--pages", type=int, default=0, help="số trang (lệ phí chứng thực) / pages")
    p.add_argument("--copies", type=int, default=1, help="số bản / copies")
    _json(p)
    p.set_defaults(func=c.cmd_dossier_add)
    p = dsub.add_parser("list", help="hồ sơ mới nhất / most recent dossiers")
    _data_dir(p)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    _json(p)
    p.set_defaults(func=c.cmd_dossier_list)
    p = dsub.add_parser("show", help="chi tiết một hồ sơ / one dossier")
    _data_dir(p)
    p.add_argument("code")
    _json(p)
    p.set_defaults(func=c.cmd_dossier_show)

    p = sub.add_parser("search", help="tìm hồ sơ / search dossiers")
    _data_dir(p)
    p.add_argument("text", help="tên, mã hồ sơ, số CCCD hoặc số điện thoại / name, code, ID, phone")
    p.add_argument("--limit", type=int, default=50)
    _json(p)
    p.set_defaults(func=c.cmd_search)

    cal = sub.add_parser("calendar", help="lịch làm việc / working calendar")
    calsub = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    p = calsub.add_parser("due", help="tính ngày hẹn trả / compute the due date")
    p.add_argument("--received-at", required=True, help="ISO 8601, ví dụ 2026-01-02T10:00")
    p.add_argument("--days", required=True, type=int)
    p.add_argument("--kind", default="working_days",
                   help="working_days | calendar_days | same_day | immediate")
    p.add_argument("--cutoff", help="giờ chốt HH:MM / cut-off HH:MM")
    _data_dir(p, required=False)
    _json(p)
    p.set_defaults(func=c.cmd_calendar_due)

    cc = sub.add_parser("cccd", help="căn cước công dân / citizen ID card")
    ccsub = cc.add_subparsers(dest="cccd_command", metavar="ACTION", required=True)
    p = ccsub.add_parser("parse", help="đọc nội dung mã QR / parse the QR payload")
    p.add_argument("payload")
    p.set_defaults(func=c.cmd_cccd_parse, json=True)

    p = sub.add_parser("verify", help="kiểm tra toàn vẹn dữ liệu / check the store")
    _data_dir(p)
    p.add_argument("--no-blobs", action="store_true", help="bỏ qua kiểm tra tệp / skip blobs")
    _json(p)
    p.set_defaults(func=c.cmd_verify)

    p = sub.add_parser("gui", help="mở giao diện / open the desktop app (default)")
    _data_dir(p, required=False)
    p.add_argument("--selftest", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=c.cmd_gui)

    _lang_anywhere(sub)
    _register_plugins(sub)
    return parser


def _lang_anywhere(sub: argparse._SubParsersAction) -> None:
    """Accept ``--lang`` after the command too (``desk-app search --lang en …``)."""
    for p in set(sub.choices.values()):
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            for n in nested:
                _lang_anywhere(n)
        else:
            p.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                           help=argparse.SUPPRESS)


def _register_plugins(sub: argparse._SubParsersAction) -> None:
    """Commands written by other engineers. Only a module that does not exist yet is skipped;
    any other import error is a real bug and propagates."""
    import importlib

    for name in ("desk_app.cli.print_cmds", "desk_app.cli.sync_cmds"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)


def _setup_logging(data_dir: Path | None) -> None:
    if data_dir is None or not (Path(data_dir) / "desk.sqlite3").exists():
        return
    try:
        logs = Path(data_dir) / "logs"
        logs.mkdir(exist_ok=True)
        h = logging.FileHandler(logs / "cli.log", encoding="utf-8")
    except OSError:
        return
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger("desk_app").addHandler(h)
    logging.getLogger("desk_app").setLevel(logging.INFO)


def _fail(lang: str, code: str, vi: str, en: str, exit_code: int, as_json: bool,
          details: dict | None = None) -> int:
    from desk_app.cli.output import dumps

    line = vi if lang == "vi" else en
    prefix = "Lỗi" if lang == "vi" else "Error"
    print(f"{prefix}: {' '.join(line.split())}", file=sys.stderr)
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


def _default_to_gui(argv: list[str]) -> list[str]:
    """`desk-app --selftest --data-dir D` means `desk-app gui --selftest --data-dir D`: the GUI is
    the default command, so its options may come without the word "gui"."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return argv
    i = 0
    while i < len(argv) and (argv[i] == "--lang" or argv[i].startswith("--lang=")):
        i += 2 if argv[i] == "--lang" else 1
    rest = argv[i:]
    if rest and rest[0].startswith("-"):
        return [*argv[:i], "gui", *rest]
    return argv


def _is_gui(argv: list[str]) -> bool:
    """Opening the window is the common case: it skips building every subcommand's parser."""
    words = [a for a in argv if not a.startswith("-")]
    return (not words or words[0] == "gui" or (argv[:1] == ["--lang"] and words[1:2] == ["gui"])) \
        and not any(a in ("-h", "--help", "--version") for a in argv)


def _gui_parser() -> Parser:
    from desk_app.cli import gui as c

    parser = Parser(prog="desk-app")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("command", nargs="?", choices=("gui",), default="gui")
    _data_dir(parser, required=False)
    parser.add_argument("--selftest", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(func=c.cmd_gui)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(argv)
    argv = _default_to_gui(argv)
    parser = _gui_parser() if _is_gui(argv) else build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _fail(lang, "usage", f"Tham số không hợp lệ — {exc}", f"Bad arguments — {exc}", 2,
                     "--json" in argv)
    except SystemExit as exc:          # --help / --version print and exit 0
        return int(exc.code or 0)
    if args.command is None:           # no command: open the GUI on the default data folder
        args = parser.parse_args([*argv, "gui"])
    as_json = bool(getattr(args, "json", False))
    _setup_logging(getattr(args, "data_dir", None))
    try:
        return int(args.func(args))
    except DeskError as exc:
        return _fail(args.lang, exc.code, exc.vi, exc.en, exc.exit_code, as_json,
                     {k: v for k, v in exc.details.items() if k != "problems"}
                     | ({"problems": exc.details["problems"]} if "problems" in exc.details
                        else {}))
    except sqlite3.Error as exc:
        return _fail(args.lang, "sqlite", f"Lỗi cơ sở dữ liệu: {exc}", f"Database error: {exc}",
                     1, as_json)
    except BrokenPipeError:            # `desk-app … | head`: the reader left, not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as exc:
        return _fail(args.lang, "os", f"Lỗi tệp/ổ đĩa: {exc}", f"File/disk error: {exc}", 1,
                     as_json)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:           # a bug: one line for the clerk, the traceback in the log
        log.exception("unexpected error")
        if os.environ.get("DESK_APP_DEBUG"):
            raise
        return _fail(args.lang, "internal", f"Lỗi nội bộ ({type(exc).__name__}: {exc}); chi tiết"
                     " trong logs/cli.log.", f"Internal error ({type(exc).__name__}: {exc});"
                     " details in logs/cli.log.", 1, as_json)


if __name__ == "__main__":
    raise SystemExit(main())
