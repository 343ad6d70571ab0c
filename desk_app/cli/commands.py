"""The CLI face of each registered command: how its result is printed (text or --json), plus the
few face-only hooks (a prompt before the call, callbacks for a long run, starting the window).

``FACES[name] = Face(render=…, prepare=…, extra=…, direct=…)``; a command without an entry is
printed as JSON. The services return domain objects; turning them into lines happens here.
Receipt/form faces live in ``print_cmds.py``, sync/login/queue in ``sync_cmds.py``.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any, Callable

from desk_app.cli.gui import cmd_gui
from desk_app.cli.output import dossier_detail, dossier_line, dumps, fmt_dt


def _vi(args: argparse.Namespace) -> bool:
    return args.lang == "vi"


def say(args: argparse.Namespace, vi: str, en: str) -> None:
    print(vi if _vi(args) else en)


def _json_render(result: Any, args: argparse.Namespace) -> int:
    print(dumps(result))
    return 0


@dataclass(frozen=True)
class Face:
    render: Callable[[Any, argparse.Namespace], int] = _json_render
    prepare: Callable[[argparse.Namespace, dict], dict] | None = None   # after the permission check
    extra_fn: Callable[[argparse.Namespace], dict] | None = None        # face-only keyword args
    direct: Callable[[argparse.Namespace], int] | None = None           # runs without the registry

    def extra(self, args: argparse.Namespace) -> dict:
        return self.extra_fn(args) if self.extra_fn else {}


def _json_or(text: Callable[[Any, argparse.Namespace], None]) -> Callable[[Any, argparse.Namespace], int]:
    def render(result: Any, args: argparse.Namespace) -> int:
        if getattr(args, "json", False):
            print(dumps(result))
        else:
            text(result, args)
        return 0
    return render

# --------------------------------------------------------------------------- init / catalog


def _init(rep, args) -> None:
    say(args, f"Đã khởi tạo quầy số {rep.desk_no} của đơn vị {rep.unit_code} tại"
              f" {rep.data_dir}: {rep.procedures} thủ tục, {rep.demo_dossiers} hồ sơ mẫu"
              f" ({rep.seconds} giây).",
        f"Desk {rep.desk_no} of unit {rep.unit_code} set up at {rep.data_dir}:"
        f" {rep.procedures} procedures, {rep.demo_dossiers} demo dossiers ({rep.seconds} s).")
    if getattr(rep, "encrypted", False):
        where = ("kho khóa của hệ điều hành" if rep.key_kept == "keyring" else rep.key_kept,
                 "the OS keyring" if rep.key_kept == "keyring" else rep.key_kept)
        say(args, f"Dữ liệu được mã hóa; khóa giữ ở {where[0]}.",
            f"The data is encrypted; the key is kept in {where[1]}.")


def _catalog_import(rep, args) -> None:
    say(args, f"Đã nhập danh mục phiên bản {rep.version}: {rep.procedures} thủ tục,"
              f" {rep.units} đơn vị.",
        f"Imported catalog version {rep.version}: {rep.procedures} procedures,"
        f" {rep.units} units.")


def _catalog_list(procs, args) -> None:
    for p in procs:
        days = {"same_day": "trong ngày", "immediate": "ngay"}.get(p.time_kind.value,
                                                                  f"{p.time_days} ngày")
        print(f"{p.code:<12} {p.name}  [{p.field_name}; {days}]")

# --------------------------------------------------------------------------- dossiers


def _dossier_add(d, args) -> None:
    say(args, f"Đã tiếp nhận hồ sơ {d.code} — hẹn trả {fmt_dt(d.due_at, 'vi')}",
        f"Received dossier {d.code} — due {fmt_dt(d.due_at, 'en')}")


def _dossiers(rows, args) -> None:
    for d in rows:
        print(dossier_line(d, args.lang))
    say(args, f"({len(rows)} hồ sơ)", f"({len(rows)} dossiers)")


def _dossier_show(d, args) -> None:
    print(dossier_detail(d, args.lang))


def _calendar_due(ex, args) -> int:
    if args.json:
        print(dumps({"due": ex.due, "counted_from": ex.counted_from,
                     "steps_vi": ex.steps_vi, "steps_en": ex.steps_en}))
    else:
        print(ex.due.isoformat())
        for s in (ex.steps_vi if _vi(args) else ex.steps_en):
            print(f"  {s}")
    return 0


def _verify(rep, args) -> int:
    if args.json:
        print(dumps(rep.as_dict()))
    else:
        for name, ok, detail in rep.checks:
            print(f"{'✓' if ok else '✗'} {name}" + (f": {detail}" if detail else ""))
        say(args, "Dữ liệu toàn vẹn." if rep.ok else "PHÁT HIỆN LỖI DỮ LIỆU.",
            "Store is consistent." if rep.ok else "PROBLEMS FOUND.")
    if not rep.ok:
        print("Lỗi: kiểm tra dữ liệu phát hiện vấn đề / Error: verification found problems",
              file=sys.stderr)
    return 0 if rep.ok else 1


def _backup(rep, args) -> None:
    if isinstance(rep, list):
        for s in rep:
            say(args, f"{s.name}  {s.created_at}  {s.dossiers} hồ sơ, {s.blobs} tệp",
                f"{s.name}  {s.created_at}  {s.dossiers} dossiers, {s.blobs} files")
        if not rep:
            say(args, "Chưa có bản sao lưu nào.", "No backups yet.")
        return
    say(args, f"Đã sao lưu {rep.dossiers} hồ sơ, {rep.blobs} tệp ({rep.blobs_copied} tệp mới) vào"
              f" {rep.folder} (bản {rep.snapshot}), đã kiểm tra; {rep.seconds} giây,"
              f" {rep.mb_per_s} MB/s.",
        f"Backed up {rep.dossiers} dossiers, {rep.blobs} files ({rep.blobs_copied} new) to"
        f" {rep.folder} (snapshot {rep.snapshot}), verified; {rep.seconds} s, {rep.mb_per_s} MB/s.")
    if rep.pruned:
        say(args, f"Đã xóa {len(rep.pruned)} bản cũ theo chế độ lưu giữ.",
            f"Removed {len(rep.pruned)} old snapshot(s) by the retention rule.")
    if rep.recovery_key:
        where = "khóa lưu trong keyring của hệ điều hành" if rep.key_kept == "keyring" else \
            f"khóa lưu trong tệp {rep.key_kept} (không có keyring dùng được)"
        where_en = "the key is kept in the OS keyring" if rep.key_kept == "keyring" else \
            f"the key is kept in the file {rep.key_kept} (no usable keyring)"
        say(args, "KHÓA KHÔI PHỤC (chỉ hiện một lần — hãy viết ra giấy, cất nơi an toàn; cần khi"
                  f" khôi phục trên máy khác):\n    {rep.recovery_key}\n({where})",
            "RECOVERY KEY (shown once only — write it down and keep it safe; needed to restore"
            f" on another PC):\n    {rep.recovery_key}\n({where_en})")


def _restore(rep, args) -> None:
    say(args, f"Đã khôi phục bản {rep.snapshot} vào {rep.data_dir}: {rep.dossiers} hồ sơ,"
              f" {rep.blobs} tệp; kiểm tra toàn bộ đạt ({rep.seconds} giây).",
        f"Restored snapshot {rep.snapshot} into {rep.data_dir}: {rep.dossiers} dossiers,"
        f" {rep.blobs} files; full verification passed ({rep.seconds} s).")

# --------------------------------------------------------------------------- accounts / settings


def _account_line(a, args) -> str:
    from desk_app.domain.roles import role_label

    state = ("" if a.active else (" (đã vô hiệu hóa)" if _vi(args) else " (disabled)"))
    src = "" if a.source == "local" else (" [tỉnh]" if _vi(args) else " [province]")
    return f"{a.login:<16} {a.full_name:<28} {role_label(a.role, args.lang)}{state}{src}"


def _user_add(a, args) -> None:
    say(args, f"Đã thêm tài khoản: {_account_line(a, args)}",
        f"Account added: {_account_line(a, args)}")


def _user_list(accounts, args) -> None:
    for a in accounts:
        print(_account_line(a, args))
    say(args, f"({len(accounts)} tài khoản)", f"({len(accounts)} accounts)")


def _user_disable(a, args) -> None:
    say(args, f"Đã vô hiệu hóa tài khoản {a.login}.", f"Account {a.login} disabled.")


def _user_passwd(a, args) -> None:
    say(args, f"Đã đặt mật khẩu mới cho {a.login}.", f"New password set for {a.login}.")


def _settings_json(rows) -> list[dict]:
    return [{"key": s.key, "value": v, "default": s.default, "type": s.type,
             "role": s.role.value, "vi": s.vi, "en": s.en} for s, v in rows]


def _settings(rows, args) -> int:
    if args.json:
        print(dumps(_settings_json(rows)))
        return 0
    for s, v in rows:
        print(f"{s.key:<18} = {v!r:<24} {s.vi if _vi(args) else s.en}")
    return 0

# --------------------------------------------------------------------------- table


def _gui(args: argparse.Namespace) -> int:
    return cmd_gui(args)


def _cccd(result, args) -> int:
    print(dumps(result))                   # always JSON
    return 0


def _sign(report, args) -> int:
    if getattr(args, "json", False):
        print(dumps(report))
    else:
        print(report.summary(args.lang))
    return 0 if report.complete else 1


def _sign_verify(report, args) -> int:
    from desk_app.services.signing.files import verify_exit_code

    print(dumps(report.to_dict()) if getattr(args, "json", False) else report.text(args.lang))
    return verify_exit_code(report)


def _message(result, args) -> None:
    """Commands whose result carries its own one-line message (online accept, the lifecycle
    steps …): print that; --json prints everything."""
    get = result.get if isinstance(result, dict) else (lambda k, d=None: getattr(result, k, d))
    vi = get("message_vi") or get("message") or ""
    en = get("message_en") or vi
    if vi or en:
        say(args, vi, en)
    else:
        print(dumps(result))


FACES: dict[str, Face] = {
    "encrypt": Face(_json_or(_message)),
    "dossier sign": Face(_sign),
    "dossier sign-result": Face(_sign),
    "init": Face(_json_or(_init)),
    "catalog import": Face(_json_or(_catalog_import)),
    "catalog list": Face(_json_or(_catalog_list)),
    "dossier add": Face(_json_or(_dossier_add)),
    "dossier list": Face(_json_or(_dossiers)),
    "dossier show": Face(_json_or(_dossier_show)),
    "search": Face(_json_or(_dossiers)),
    "calendar due": Face(_calendar_due),
    "cccd parse": Face(_cccd),
    "verify": Face(_verify),
    "backup": Face(_json_or(_backup)),
    **{name: Face(_json_or(_message)) for name in (
        "online accept", "online supplement", "online refuse", "dossier transition",
        "dossier handover", "dossier supplement request", "dossier supplement received",
        "dossier refuse",
        "dossier delay", "dossier stop", "dossier result", "dossier return",
        "dossier withdraw")},
    "restore": Face(_json_or(_restore)),
    "user add": Face(_json_or(_user_add)),
    "user list": Face(_json_or(_user_list)),
    "user disable": Face(_json_or(_user_disable)),
    "user passwd": Face(_json_or(_user_passwd)),
    "settings show": Face(_settings),
    "settings set": Face(_settings),
    "gui": Face(direct=_gui),
    "sign files": Face(_sign),
    "sign verify": Face(_sign_verify),
}


def _plugins() -> None:
    from desk_app.cli import print_cmds, sync_cmds

    FACES.update(print_cmds.faces(Face))
    FACES.update(sync_cmds.faces(Face))


_plugins()
