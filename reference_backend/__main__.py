"""CLI: serve, add-desk, passwd-desk, revoke-desk, add-account, export, set-status, cleanup (``python -m reference_backend --help``)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
from pathlib import Path

from .common import ApiError, Settings
from .portal import COMMANDS as PORTAL_COMMANDS


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, required=True, help="attachments, secret key, SQLite file")
    p.add_argument("--database-url", default=os.environ.get("REFBACK_DATABASE_URL"),
                   help="e.g. postgresql+psycopg://user@host:port/db (default: SQLite in --data-dir)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m reference_backend",
                                 description="Provincial reference back end for Một Cửa Desk")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="run the HTTP server")
    _common(s)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080, help="0 = pick a free port (printed)")
    s.add_argument("--max-upload-mb", type=float, default=200.0)
    s.add_argument("--max-chunk-mb", type=float, default=16.0)
    s.add_argument("--upload-expiry-seconds", type=float, default=24 * 3600.0)
    s.add_argument("--cleanup-interval", type=float, default=600.0)
    s.add_argument("--idempotency-days", type=float, default=90.0)
    s.add_argument("--access-ttl", type=int, default=3600)
    s.add_argument("--max-in-flight", type=int, default=256,
                   help="authenticated requests in flight before 503 + Retry-After")
    s.add_argument("--max-unauth-in-flight", type=int, default=64,
                   help="requests without a valid token in flight (their own pool) before 503")
    s.add_argument("--header-timeout", type=float, default=10.0, help="seconds for a request's headers")
    s.add_argument("--body-timeout", type=float, default=15.0, help="longest pause inside a body (then 408)")
    s.add_argument("--min-body-rate", type=float, default=1024.0,
                   help="bytes/s a body must average after --body-grace seconds (then 408)")
    s.add_argument("--body-grace", type=float, default=5.0)
    s.add_argument("--max-json-depth", type=int, default=64, help="JSON nesting limit (then 400 too_deep)")
    s.add_argument("--hash-concurrency", type=int, default=2, help="password hashes at once (64 MiB each)")
    s.add_argument("--hash-queue", type=int, default=16, help="logins waiting for a hash before 429")
    s.add_argument("--login-failures-per-user", type=int, default=10, help="per minute, then 429")
    s.add_argument("--login-failures-per-ip", type=int, default=30, help="per minute, then 429")
    s.add_argument("--refresh-grace", type=float, default=60.0,
                   help="seconds the previous refresh token may be re-sent (its answer was lost) for the same pair")
    s.add_argument("--catalog", type=Path, default=None, help="catalog JSON (default <data-dir>/catalog.json)")
    s.add_argument("--log-level", default="warning")
    a = sub.add_parser("add-desk", help="create or update a desk account")
    _common(a)
    a.add_argument("--unit", required=True)
    a.add_argument("--user", required=True)
    a.add_argument("--password-env", required=True, help="name of the environment variable holding the password")
    a.add_argument("--desk", type=int, default=1)
    pw = sub.add_parser("passwd-desk", help="change a desk's password; revokes all its tokens at once")
    _common(pw)
    pw.add_argument("--user", required=True)
    pw.add_argument("--password-env", required=True, help="name of the environment variable holding the password")
    rv = sub.add_parser("revoke-desk", help="invalidate every access and refresh token of a desk account")
    _common(rv)
    rv.add_argument("--user", required=True)
    m = sub.add_parser("add-account", help="create or update a person's account of a unit (pushed to its desks)")
    _common(m)
    m.add_argument("--unit", required=True)
    m.add_argument("--login", required=True)
    m.add_argument("--name", required=True, help="full name")
    m.add_argument("--role", required=True, choices=("clerk", "processor", "officer", "supervisor", "admin"))
    m.add_argument("--password-env", required=True, help="name of the environment variable holding the password")
    m.add_argument("--disabled", action="store_true", help="the account may no longer log in")
    e = sub.add_parser("export", help="every record and attachment, hashes recomputed from disk")
    _common(e)
    e.add_argument("--json", action="store_true", help="JSON on stdout (the only format)")
    t = sub.add_parser("set-status", help="change a dossier's status on the processing side")
    _common(t)
    t.add_argument("--code", required=True, help="MaHoSo")
    t.add_argument("--status", type=int, required=True, help="TrangThaiHoSo 1..10")
    t.add_argument("--unit", default=None)
    t.add_argument("--note", default="")
    c = sub.add_parser("cleanup", help="release expired uploads and idempotency keys past retention")
    _common(c)
    c.add_argument("--idempotency-days", type=float, default=90.0)
    c.add_argument("--upload-expiry-seconds", type=float, default=24 * 3600.0)
    from .portal import add_commands
    add_commands(sub, _common)
    return ap


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import build_app
    from .guard import guarded_h11

    if args.idempotency_days < 90:
        print("--idempotency-days must be at least 90 (the contract keeps keys >= 90 days)", file=sys.stderr)
        return 2
    settings = Settings(
        data_dir=args.data_dir, database_url=args.database_url,
        max_upload_bytes=int(args.max_upload_mb * 1024 * 1024), max_chunk_bytes=int(args.max_chunk_mb * 1024 * 1024),
        upload_expiry_seconds=args.upload_expiry_seconds, cleanup_interval_seconds=args.cleanup_interval,
        idempotency_days=args.idempotency_days, access_ttl_seconds=args.access_ttl, catalog_path=args.catalog,
        max_in_flight=args.max_in_flight, max_unauth_in_flight=args.max_unauth_in_flight,
        header_timeout_seconds=args.header_timeout, body_timeout_seconds=args.body_timeout,
        min_body_rate=args.min_body_rate, body_grace_seconds=args.body_grace, max_json_depth=args.max_json_depth,
        hash_concurrency=args.hash_concurrency, hash_queue=args.hash_queue,
        login_failures_per_user=args.login_failures_per_user, login_failures_per_ip=args.login_failures_per_ip,
        refresh_grace_seconds=args.refresh_grace)
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(1024)
    port = sock.getsockname()[1]

    def ready() -> None:
        print(f"listening on http://{args.host}:{port}", flush=True)

    app = build_app(settings, on_ready=ready)
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, timeout_keep_alive=30,
                            server_header=False, lifespan="on", http=guarded_h11(args.header_timeout))
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=getattr(args, "log_level", "warning").upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.cmd == "serve":
        return serve(args)
    from .db import Database
    db = Database(args.data_dir, args.database_url)
    db.create_all()
    try:
        if args.cmd == "add-desk":
            from .auth import add_desk
            password = os.environ.get(args.password_env)
            if not password:
                print(f"environment variable {args.password_env} is empty or unset", file=sys.stderr)
                return 2
            add_desk(db, unit_code=args.unit, username=args.user, password=password, desk=args.desk)
            print(f"desk account {args.user} (unit {args.unit}, desk {args.desk}) saved")
        elif args.cmd == "passwd-desk":
            from .auth import set_desk_password
            password = os.environ.get(args.password_env)
            if not password:
                print(f"environment variable {args.password_env} is empty or unset", file=sys.stderr)
                return 2
            set_desk_password(db, username=args.user, password=password)
            print(f"password of {args.user} changed; every token it had is revoked")
        elif args.cmd == "revoke-desk":
            from .auth import revoke_desk
            version = revoke_desk(db, username=args.user)
            print(f"every token of {args.user} revoked (token version {version})")
        elif args.cmd == "add-account":
            from .auth import add_staff_account
            password = os.environ.get(args.password_env)
            if not password:
                print(f"environment variable {args.password_env} is empty or unset", file=sys.stderr)
                return 2
            out = add_staff_account(db, unit_code=args.unit, login=args.login, full_name=args.name,
                                    role=args.role, password=password, active=not args.disabled)
            print(f"account {args.login} ({args.role}, unit {args.unit}) saved at {out['updated_at']}")
        elif args.cmd == "export":
            from .export import export
            report = export(db, args.data_dir)
            json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return 0 if report["ok"] else 1
        elif args.cmd == "set-status":
            from .records import RecordService, load_item_validator
            out = RecordService(db, load_item_validator()).set_status(args.code, args.status, args.unit, args.note)
            print(json.dumps(out, ensure_ascii=False))
        elif args.cmd in PORTAL_COMMANDS:
            from .portal import run_command
            return run_command(db, args)
        elif args.cmd == "cleanup":
            from .uploads import cleanup
            s = Settings(data_dir=args.data_dir, database_url=args.database_url,
                         idempotency_days=args.idempotency_days, upload_expiry_seconds=args.upload_expiry_seconds)
            print(json.dumps(cleanup(db, s)))
    except ApiError as e:
        print(f"{e.vi} / {e.en}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
