"""Handlers of the core commands: ``cmd_x(args) -> exit code``; they may raise DeskError."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from desk_app.cli.gui import cmd_gui  # noqa: F401  (lives apart so `desk-app gui` skips this module)
from desk_app.cli.output import dossier_detail, dossier_line, dumps, fmt_dt
from desk_app.domain.errors import ValidationError


def _vi(args: argparse.Namespace) -> bool:
    return args.lang == "vi"


def _say(args: argparse.Namespace, vi: str, en: str) -> None:
    print(vi if _vi(args) else en)


def _open(args: argparse.Namespace):
    from desk_app.services import open_desk

    return open_desk(args.data_dir, create=False)


def parse_when(text: str, field: str = "received_at") -> datetime:
    """ISO 8601 date-time (naive = Vietnam time) or a ValidationError naming the option."""
    from desk_app.services.convert import local

    try:
        return local(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except (ValueError, AttributeError):
        raise ValidationError("bad_datetime",
                              f"“{text}” không phải thời điểm ISO 8601 (ví dụ 2026-01-02T10:30).",
                              f"“{text}” is not an ISO 8601 date-time (e.g. 2026-01-02T10:30).",
                              field=field, value=text) from None


def _parse_date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("bad_date", f"“{text}” không phải ngày dạng YYYY-MM-DD.",
                              f"“{text}” is not a YYYY-MM-DD date.", field=field,
                              value=text) from None


def _non_negative(value: int, field: str) -> None:
    if value < 0:
        raise ValidationError("negative", f"Giá trị --{field} không được âm.",
                              f"--{field} must not be negative.", field=field)

# --------------------------------------------------------------------------- init / catalog


def cmd_init(args: argparse.Namespace) -> int:
    from desk_app.services.admin import setup

    _non_negative(args.n_dossiers, "n-dossiers")
    rep = setup.init_store(args.data_dir, demo=args.demo, desk_no=args.desk, unit_code=args.unit,
                          n_dossiers=args.n_dossiers, catalog_path=args.catalog)
    if args.json:
        print(dumps(rep))
    else:
        _say(args, f"Đã khởi tạo quầy số {rep.desk_no} của đơn vị {rep.unit_code} tại"
                   f" {rep.data_dir}: {rep.procedures} thủ tục, {rep.demo_dossiers} hồ sơ mẫu"
                   f" ({rep.seconds} giây).",
             f"Desk {rep.desk_no} of unit {rep.unit_code} set up at {rep.data_dir}:"
             f" {rep.procedures} procedures, {rep.demo_dossiers} demo dossiers ({rep.seconds} s).")
    return 0


def cmd_catalog_import(args: argparse.Namespace) -> int:
    from desk_app.services import catalog

    with _open(args) as ctx:
        rep = catalog.import_catalog(ctx, args.file)
    if args.json:
        print(dumps(rep))
    else:
        _say(args, f"Đã nhập danh mục phiên bản {rep.version}: {rep.procedures} thủ tục,"
                   f" {rep.units} đơn vị.",
             f"Imported catalog version {rep.version}: {rep.procedures} procedures,"
             f" {rep.units} units.")
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from desk_app.services import catalog

    with _open(args) as ctx:
        procs = catalog.list_procedures(ctx)
    if args.json:
        print(dumps(procs))
    else:
        for p in procs:
            days = {"same_day": "trong ngày", "immediate": "ngay"}.get(p.time_kind.value,
                                                                      f"{p.time_days} ngày")
            print(f"{p.code:<12} {p.name}  [{p.field_name}; {days}]")
    return 0

# --------------------------------------------------------------------------- dossiers


def cmd_dossier_add(args: argparse.Namespace) -> int:
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import catalog, intake

    received = parse_when(args.received_at) if args.received_at else None
    birth = _parse_date(args.birth_date, "birth_date")
    with _open(args) as ctx:
        proc = catalog.get_procedure(ctx, args.procedure)
        comps = [DossierComponent(seq=c.seq, name=c.name,
                                  form=ComponentForm.ORIGINAL if c.originals else ComponentForm.COPY,
                                  quantity=max(1, c.originals or c.copies or 1))
                 for c in proc.components if c.required]
        req = intake.IntakeRequest(
            procedure_code=proc.code,
            applicant=Applicant(id_number=args.applicant_id, full_name=args.applicant_name,
                                kind=args.applicant_kind, birth_date=birth, sex=args.sex,
                                address=args.address, phone=args.phone, email=args.email),
            components=comps, attachments=[(Path(f), None) for f in args.attach],
            received_at=received, clerk=args.clerk, request_id=args.request_id,
            pages=args.pages, copies=args.copies)
        d = intake.receive(ctx, req)
    if args.json:
        print(dumps(d))
    else:
        _say(args, f"Đã tiếp nhận hồ sơ {d.code} — hẹn trả {fmt_dt(d.due_at, 'vi')}",
             f"Received dossier {d.code} — due {fmt_dt(d.due_at, 'en')}")
    return 0


def cmd_dossier_list(args: argparse.Namespace) -> int:
    from desk_app.services import dossiers

    _non_negative(args.limit, "limit")
    _non_negative(args.offset, "offset")
    with _open(args) as ctx:
        rows = dossiers.list_recent(ctx, args.limit, args.offset)
    _print_dossiers(args, rows)
    return 0


def cmd_dossier_show(args: argparse.Namespace) -> int:
    from desk_app.services import dossiers

    with _open(args) as ctx:
        d = dossiers.get(ctx, args.code)
    print(dumps(d) if args.json else dossier_detail(d, args.lang))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from desk_app.services import dossiers

    _non_negative(args.limit, "limit")
    with _open(args) as ctx:
        rows = dossiers.search(ctx, args.text, args.limit)
    _print_dossiers(args, rows)
    return 0


def _print_dossiers(args: argparse.Namespace, rows: list) -> None:
    if args.json:
        print(dumps(rows))
        return
    for d in rows:
        print(dossier_line(d, args.lang))
    _say(args, f"({len(rows)} hồ sơ)", f"({len(rows)} dossiers)")

# --------------------------------------------------------------------------- calendar / cccd


def cmd_calendar_due(args: argparse.Namespace) -> int:
    from desk_app.domain.models import TimeKind
    from desk_app.services import calendar_svc

    received = parse_when(args.received_at)
    try:
        kind = TimeKind(args.kind)
    except ValueError:
        raise ValidationError("bad_time_kind",
                              f"Loại thời hạn “{args.kind}” không hợp lệ (working_days,"
                              " calendar_days, same_day, immediate).",
                              f"Unknown time kind “{args.kind}” (working_days, calendar_days,"
                              " same_day, immediate).", field="kind") from None
    _non_negative(args.days, "days")
    if args.data_dir is not None:
        with _open(args) as ctx:
            ex = calendar_svc.explain(ctx, received, args.days, kind, args.cutoff)
    else:
        ex = calendar_svc.explain(None, received, args.days, kind, args.cutoff)
    if args.json:
        print(dumps({"due": ex.due, "counted_from": ex.counted_from,
                     "steps_vi": ex.steps_vi, "steps_en": ex.steps_en}))
    else:
        print(ex.due.isoformat())
        for s in (ex.steps_vi if _vi(args) else ex.steps_en):
            print(f"  {s}")
    return 0


def cmd_cccd_parse(args: argparse.Namespace) -> int:
    from desk_app.domain.cccd import parse_qr

    print(dumps(parse_qr(args.payload)))
    return 0

# --------------------------------------------------------------------------- verify / gui


def cmd_verify(args: argparse.Namespace) -> int:
    from desk_app.services.admin import verify as verify_svc

    with _open(args) as ctx:
        rep = verify_svc.run(ctx, blobs=not args.no_blobs)
    if args.json:
        print(dumps(rep.as_dict()))
    else:
        for name, ok, detail in rep.checks:
            print(f"{'✓' if ok else '✗'} {name}" + (f": {detail}" if detail else ""))
        _say(args, "Dữ liệu toàn vẹn." if rep.ok else "PHÁT HIỆN LỖI DỮ LIỆU.",
             "Store is consistent." if rep.ok else "PROBLEMS FOUND.")
    if not rep.ok:
        print("Lỗi: kiểm tra dữ liệu phát hiện vấn đề / Error: verification found problems",
              file=sys.stderr)
    return 0 if rep.ok else 1
