"""CLI faces of ``desk-app sync``, ``desk-app login``, ``desk-app queue`` (declared in
``desk_app/services/commands.py``).

    desk-app sync  --data-dir DIR [--server URL] [--once] [--json]
                   [--server-user U --server-password-env VAR] [--ca-bundle PEM]
    desk-app login --server URL [--server-user U] [--server-password-env VAR]   (OS keyring)
    desk-app queue --data-dir DIR [--json] [--all]

``sync`` without server options uses the saved server settings and the keyring; without
``--once`` it runs until SIGTERM / Ctrl-C and exits 0 after releasing its leases. With ``--json``
every engine event is one JSON line on stdout (the GUI-less status feed). The CLI never talks to
the server itself: ``login`` calls ``sync_control.login_and_store``.
Exit codes: 0 done; 1 the server could not be reached / answered badly, or (``--once``) anything
the run tried is still undelivered — the report's ``undelivered`` lists it (items stay queued);
2 bad input (no credentials, unknown folder, refused account); 3 another sync already runs for
this desk, or the person may not sync.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any


def _sync_extra(args: argparse.Namespace) -> dict[str, Any]:
    def on_event(ev: dict) -> None:
        if args.json:
            print(json.dumps(ev, ensure_ascii=False, default=str), flush=True)
        elif ev.get("event") in ("fault", "offline", "needs_attention"):
            # the code and the technical detail too: a log an administrator can act on
            detail = (ev.get("details") or {}).get("detail") or (ev.get("details") or {}).get("status") or ""
            tail = f" [{ev.get('code', '')}{': ' + str(detail)[:200] if detail else ''}]" if ev.get("code") else ""
            print(f"{ev.get('event')}: {ev.get('vi', '')}{tail}", file=sys.stderr, flush=True)

    extra: dict[str, Any] = {"on_event": on_event}
    if not args.once:
        stop = threading.Event()
        for name in ("SIGTERM", "SIGINT"):          # SIGTERM exists on Windows too (signal.signal)
            sig = getattr(signal, name, None)
            if sig is not None and threading.current_thread() is threading.main_thread():
                signal.signal(sig, lambda *_: stop.set())
        extra["stop"] = stop
    return extra


def _sync_render(report, args: argparse.Namespace) -> int:
    out = report.to_dict()
    if args.json:
        print(json.dumps({"event": "report", "ok": report.complete, **out}, ensure_ascii=False,
                         default=str))
    else:
        print(f"Đã gửi {report.acked} mục, {report.needs_attention} mục cần xử lý, "
              f"{report.retried} mục sẽ thử lại; nhận {report.feed_applied} thay đổi từ máy chủ.")
        if not report.online and report.faults:
            last = report.faults[-1]
            print(f"Lỗi: {last['vi']} / Error: {last['en']}", file=sys.stderr)
        for u in list(report.undelivered.values())[:20]:
            print(f"Chưa gửi được / Not delivered: {u['dossier'] or u['item']}: {u['vi']} / {u['en']}",
                  file=sys.stderr)
        if report.feed_stopped:
            print(f"Dừng nhận thay đổi / Feed stopped: {report.feed_stopped['reason']}", file=sys.stderr)
    if not args.once:  # a long-running sync stopped by SIGTERM: 0 once its leases are released
        return 0 if report.online else 1
    # --once: 0 only when everything this run tried was delivered (and the feed was taken)
    return 0 if report.complete else 1


def _login_prepare(args: argparse.Namespace, params: dict) -> dict:
    """A person at a terminal may type the account and password instead of --server-*."""
    if params.get("server_password") is None and sys.stdin.isatty():
        import getpass

        user = params.get("server_user") or input("Tên đăng nhập máy chủ: ").strip()
        params = {**params, "server_user": user,
                  "server_password": getpass.getpass("Mật khẩu máy chủ: ")}
    return params


def _login_render(info: dict, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps({"ok": True, **info}, ensure_ascii=False))
        return 0
    if info.get("saved", True):
        print(f"Đã đăng nhập {info['user']} (đơn vị {info['unit_code']}, quầy {info['desk']}); "
              f"mật khẩu được lưu trong kho khóa của hệ điều hành ({info.get('kept_in', '?')}).")
    else:
        print(f"Đã đăng nhập {info['user']} (đơn vị {info['unit_code']}, quầy {info['desk']}).")
        print(f"{info.get('keyring_note_vi', '')} / {info.get('keyring_note_en', '')}",
              file=sys.stderr)
    return 0


def _queue_render(result, args: argparse.Namespace) -> int:
    summ, rows = result
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


def faces(Face) -> dict:
    """This module's entries of the CLI face table (``cli/commands.py``)."""
    return {"sync": Face(_sync_render, extra_fn=_sync_extra),
            "login": Face(_login_render, prepare=_login_prepare),
            "queue": Face(_queue_render)}


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (tests): the same as ``desk-app``."""
    from desk_app.cli.main import main as desk_main

    return desk_main(argv)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
