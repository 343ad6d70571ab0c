"""``report-digitisation``: the digitisation section of the report, or the dossiers behind one
of its figures (``report-trace`` for the figures of ``desk_app/reports/digitisation.py``)."""
from __future__ import annotations

from datetime import datetime

from desk_app.domain.errors import ValidationError
from desk_app.services import convert
from desk_app.services.context import DeskContext


def run(ctx: DeskContext, from_: str | None, to: str | None, *, trace: str | None = None,
        now: datetime | None = None) -> dict:
    from desk_app.reports import digitisation as D
    from desk_app.reports import figures as F
    from desk_app.reports.indicators import build_report
    from desk_app.services.commands import parse_date
    from desk_app.services.reports.report import period
    from desk_app.services.scanning.documents import _catch_up

    p = period(parse_date(from_, "from"), parse_date(to, "to"))
    now_s = convert.iso_local(now or datetime.now(convert.VN_TZ))
    names = F.all_figures()
    if trace is not None and trace not in names:
        raise ValidationError("report_unknown_figure",
                              f"Không có số liệu “{trace[:40]}” (có: {', '.join(names)}).",
                              f"No figure “{trace[:40]}” (there are: {', '.join(names)}).",
                              field="trace")
    _catch_up(ctx)                 # attachments recorded elsewhere (results, feed) count too
    if trace is not None:
        return {"figure": trace, "period": p.to_dict(),
                "codes": F.codes_behind(ctx.store.conn, trace, p, now_s)}
    rep = build_report(ctx.store.conn, p, now_s)
    return {"period": p.to_dict(), **rep["digitisation"],
            "indicator": rep["indicators"]["so_hoa_ho_so"]}
