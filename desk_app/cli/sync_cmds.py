"""CLI: ``desk-app sync``, ``desk-app login``, ``desk-app queue``.

    desk-app sync  --data-dir DIR --server URL [--once] [--json] [--user U --password-env VAR]
    desk-app login --server URL [--user U] [--password-env VAR]      (stores in the OS keyring)
    desk-app queue --data-dir DIR [--json] [--all]

``sync`` without ``--once`` runs until SIGTERM / Ctrl-C and exits 0 after releasing its leases.
With ``--json`` every engine event is one JSON line on stdout (the GUI-less status feed).
Exit codes: 0 done; 1 the server could not be reached / answered badly (items stay queued);
2 bad input (no credentials, unknown folder); 3 another sync already runs for this desk.
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import signal
import sys
from pathlib import Path
from typing import Any

from desk_app.domain.errors import DeskError


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``sync``, ``login`` and ``queue`` to the main parser."""
    p = subparsers.add_parser("sync", help="đồng bộ với máy chủ tỉnh / sync with the provincial server",
                              description="Relay the outbox to the provincial server and pull the unit feed.")
    p.add_argument("--data-dir", required=True, type=Path, help="thư mục dữ liệu của quầy / the desk's data folder")
    p.add_argument("--server", required=True, help="địa chỉ máy chủ tỉnh / server URL, e.g. https://motcua.tinh.gov.vn")
    p.add_argument("--once", action="store_true", help="gửi những gì sẵn sàng rồi dừng / send what is ready, then stop")
    p.add_argument("--json", action="store_true", help="mỗi sự kiện một dòng JSON / one JSON line per event")
    _cred_args(p)
    p.add_argument("--ca-bundle", default=None, help="chứng chỉ CA của tỉnh (PEM) / the province's CA bundle (PEM)")
    p.add_argument("--lease-seconds", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--chunk-mib", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--stall-seconds", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--feed-interval", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--backoff-cap", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--io-timeout", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--idle-poll", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_sync)

    p = subparsers.add_parser("login", help="đăng nhập máy chủ tỉnh, lưu vào kho khóa / log in, save in the OS keyring",
                              description="Check the desk account against the server and save it in the OS keyring.")
    p.add_argument("--server", required=True)
    _cred_args(p)
    p.add_argument("--ca-bundle", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_login)

    p = subparsers.add_parser("queue", help="hàng chờ gửi và lý do / what waits to be sent, and why",
                              description="Show what waits to be sent, and why.")
    p.add_argument("--data-dir", required=True, type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="gồm cả mục đã đồng bộ / include synced items")
    p.set_defaults(func=cmd_queue)


def _cred_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--user", default=None, help="tên đăng nhập / user name")
    p.add_argument("--password-env", default=None,
                   help="biến môi trường chứa mật khẩu / environment variable holding the password")


def _error(exc: DeskError, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"ok": False, "error": exc.to_dict()}, ensure_ascii=False))
    else:
        print(f"Lỗi: {exc.vi}\nError: {exc.en}", file=sys.stderr)
    return exc.exit_code


def _options(args: argparse.Namespace) -> dict[str, Any]:
    opts: dict[str, Any] = {
        "lease_seconds": args.lease_seconds, "stall_seconds": args.stall_seconds,
        "feed_interval": args.feed_interval, "backoff_cap": args.backoff_cap, "seed": args.seed,
        "io_timeout": args.io_timeout, "connect_timeout": args.io_timeout, "idle_poll": args.idle_poll,
        "chunk_size": int(args.chunk_mib * 1024 * 1024) if args.chunk_mib else None,
    }
    if args.ca_bundle:
        opts["verify"] = args.ca_bundle
    return opts


def cmd_sync(args: argparse.Namespace) -> int:
    from desk_app.services import sync_control
    from desk_app.services import is_initialised
    from desk_app.sync import credentials
    from desk_app.sync.engine import SyncLockBusy

    if not is_initialised(args.data_dir):
        from desk_app.domain.errors import NotFoundError
        return _error(NotFoundError("desk_not_initialised",
                                    f"Chưa có dữ liệu quầy tại {args.data_dir}; hãy chạy “desk-app init”.",
                                    f"No desk data at {args.data_dir}; run “desk-app init” first."), args.json)
    try:
        creds = credentials.resolve(args.server, args.user, args.password_env)
    except DeskError as exc:
        return _error(exc, args.json)

    def on_event(ev: dict) -> None:
        if args.json:
            print(json.dumps(ev, ensure_ascii=False, default=str), flush=True)
        elif ev.get("event") in ("fault", "offline", "needs_attention"):
            print(f"{ev.get('event')}: {ev.get('vi', '')}", file=sys.stderr, flush=True)

    async def main() -> Any:
        if args.once:
            return await sync_control.sync_once_async(args.data_dir, args.server, creds, on_event=on_event,
                                                      **_options(args))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        return await sync_control.run_forever(args.data_dir, args.server, creds, stop=stop,
                                              on_event=on_event, **_options(args))

    try:
        report = asyncio.run(main())
    except SyncLockBusy as exc:
        _error(exc, args.json)
        return 3
    except DeskError as exc:
        return _error(exc, args.json)
    out = report.to_dict()
    if args.json:
        print(json.dumps({"event": "report", "ok": report.online, **out}, ensure_ascii=False, default=str))
    else:
        print(f"Đã gửi {report.acked} mục, {report.needs_attention} mục cần xử lý, "
              f"{report.retried} mục sẽ thử lại; nhận {report.feed_applied} thay đổi từ máy chủ.")
        if not report.online and report.faults:
            last = report.faults[-1]
            print(f"Lỗi: {last['vi']}\nError: {last['en']}", file=sys.stderr)
    return 0 if report.online else 1


def cmd_login(args: argparse.Namespace) -> int:
    from desk_app.sync import credentials, reasons
    from desk_app.sync.api import Api, Credentials

    try:
        if args.password_env:
            creds = credentials.from_env(args.user or "", args.password_env)
        else:
            user = args.user or input("Tên đăng nhập: ").strip()
            creds = Credentials(user, getpass.getpass("Mật khẩu: "))
    except DeskError as exc:
        return _error(exc, args.json)

    async def check() -> dict:
        api = Api(args.server, creds, verify=args.ca_bundle or True)
        try:
            await api.login()
            return {"unit_code": api.unit_code, "desk": api.desk}
        finally:
            await api.aclose()

    try:
        info = asyncio.run(check())
    except reasons.SyncFault as fault:
        if args.json:
            print(json.dumps({"ok": False, "error": fault.to_dict()}, ensure_ascii=False))
        else:
            print(f"Lỗi: {fault.vi}\nError: {fault.en}", file=sys.stderr)
        return 2 if fault.code == "auth" else 1
    try:
        credentials.store(args.server, creds)
    except DeskError as exc:
        return _error(exc, args.json)
    if args.json:
        print(json.dumps({"ok": True, "user": creds.username, **info}, ensure_ascii=False))
    else:
        print(f"Đã đăng nhập {creds.username} (đơn vị {info['unit_code']}, quầy {info['desk']}); "
              "mật khẩu được lưu trong kho khóa của hệ điều hành.")
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    from desk_app.services import open_desk, sync_control

    try:
        ctx = open_desk(args.data_dir, create=False)
    except DeskError as exc:
        return _error(exc, args.json)
    try:
        rows = sync_control.queue(ctx, include_done=args.all)
        summ = sync_control.summary(ctx)
    finally:
        ctx.close()
    if args.json:
        print(json.dumps({"summary": summ.to_dict(), "items": [r.to_dict() for r in rows]},
                         ensure_ascii=False, default=str))
        return 0
    print(summ.badge())
    if summ.last_sync:
        from desk_app.services.convert import local  # office time (+07:00), whatever the PC's zone

        print(f"Lần đồng bộ thành công gần nhất: {local(summ.last_sync).strftime('%d/%m/%Y %H:%M')}")
    for r in rows:
        pct = f" {r.percent}%" if r.bytes_total else ""
        why = f" — {r.reason_vi}" if r.reason_vi else ""
        print(f"{r.code or r.kind:<28} {r.state_vi}{pct} (lần thử {r.attempts}){why}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (tests, or before the main CLI wires these commands in)."""
    parser = argparse.ArgumentParser(prog="desk-app")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
