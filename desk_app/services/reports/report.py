"""The supervisor's report as a job: figures → Decision 766 indicators → JSON / XLSX / PDF.

Read-only: the progress events come between the report's queries, where a cancel is checked
(nothing is written, so a cancel loses nothing). The computation is ``desk_app.reports`` (no
Qt); the PDF is ``desk_app.printing.report_pdf``.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.jobs import CancelToken, ProgressFn, Steps
from desk_app.reports import figures as F
from desk_app.reports.indicators import build_report
from desk_app.reports.period import Period
from desk_app.services import convert
from desk_app.services.context import DeskContext

MAX_DAYS = 3 * 366 + 1


def period(start: date | None, end: date | None, today: date | None = None) -> Period:
    today = today or datetime.now(convert.VN_TZ).date()
    if start is None and end is None:
        return Period.month_of(today)
    start = start or (end.replace(day=1) if end else today.replace(day=1))
    end = end or today
    if end < start:
        raise ValidationError("report_bad_period", f"Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt"
                              f" đầu {start:%d/%m/%Y}.", f"The end {end} is before the start"
                              f" {start}.", field="to")
    if (end - start).days > MAX_DAYS:
        raise ValidationError("report_period_too_long", "Kỳ báo cáo dài quá 3 năm.",
                              "The period is longer than 3 years.", field="to")
    return Period(start, end)


def _unit_name(ctx: DeskContext) -> str:
    from desk_app.services.catalog import current_unit

    try:
        return current_unit(ctx).name
    except NotFoundError:    # a store without its unit still reports
        return ctx.unit_code


def run(ctx: DeskContext, p: Period, *, now: datetime | None = None, xlsx: Path | None = None,
        pdf: Path | None = None, progress: ProgressFn | None = None,
        cancel: CancelToken | None = None) -> dict:
    now_s = convert.iso_local(now or datetime.now(convert.VN_TZ))
    total = 7 + bool(xlsx) + bool(pdf)
    steps = Steps(progress, cancel)
    steps.step("report.compute", 0, total, "Đang tính số liệu…", "Computing figures…")

    def tick(done: int, _n: int, vi: str, en: str) -> None:
        steps.step("report.compute", done, total, vi, en)

    report = build_report(ctx.store.conn, p, now_s, progress=tick)
    done = 7
    unit = _unit_name(ctx)
    report["unit"] = {"code": ctx.unit_code, "name": unit}
    if xlsx:
        from desk_app.reports import xlsx as X

        X.write(report, Path(xlsx), unit_name=unit)
        done += 1
        report["xlsx"] = str(xlsx)
        steps.step("report.xlsx", done, total, f"Đã ghi {xlsx}", f"Wrote {xlsx}")
    if pdf:
        from desk_app.printing.report_pdf import render

        Path(pdf).write_bytes(render(report, unit_name=unit, printed_at=now_s))
        done += 1
        report["pdf"] = str(pdf)
        steps.step("report.pdf", done, total, f"Đã ghi {pdf}", f"Wrote {pdf}")
    steps.finish("report.done", total, total, "Đã lập báo cáo", "Report done")
    return report


def dashboard(ctx: DeskContext, p: Period, *, now: datetime | None = None) -> dict:
    """What the dashboard draws: the report of ``p`` plus the dossiers now in each open state."""
    now_s = convert.iso_local(now or datetime.now(convert.VN_TZ))
    report = build_report(ctx.store.conn, p, now_s)
    report["open_by_status"] = F.open_by_status(ctx.store.conn)
    return report


def trace(ctx: DeskContext, figure: str, p: Period, *, group: str | None = None,
          value: str | None = None, now: datetime | None = None,
          limit: int | None = None) -> list[str]:
    """The dossier codes behind one figure (click → list)."""
    known = F.all_figures()
    if figure not in known:
        raise ValidationError("report_unknown_figure", f"Không có số liệu “{figure}” (có: "
                              f"{', '.join(known)}).", f"No figure “{figure}” (there are: "
                              f"{', '.join(known)}).", field="figure")
    if group is not None and group not in F.GROUPS:
        raise ValidationError("report_unknown_group", f"Không có nhóm “{group}” (có: "
                              f"{', '.join(F.GROUPS)}).", f"No group “{group}” (there are: "
                              f"{', '.join(F.GROUPS)}).", field="group")
    now_s = convert.iso_local(now or datetime.now(convert.VN_TZ))
    return F.codes_behind(ctx.store.conn, figure, p, now_s, group=group, value=value,
                          limit=limit)
