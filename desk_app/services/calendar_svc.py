"""Deadlines for faces that only need a date (the CLI's `calendar due`, the intake form preview)."""
from __future__ import annotations

from datetime import datetime, time

from desk_app.domain.models import TimeKind
from desk_app.services.context import DeskContext


def due(ctx_or_none: DeskContext | None, received_at: datetime, days: int,
        time_kind: TimeKind | str = TimeKind.WORKING_DAYS, cutoff: time | str | None = None
        ) -> datetime:
    """Due time with the desk's calendar and province cut-off, or the shipped national calendar
    when no desk is open."""
    from desk_app.domain.working_calendar import WorkingCalendar

    if ctx_or_none is None:
        return WorkingCalendar.default().due(received_at, time_kind, days, cutoff)
    ctx = ctx_or_none
    return ctx.calendar.due(received_at, time_kind, days, cutoff,
                            province_cutoff=ctx.province_cutoff)


def explain(ctx_or_none: DeskContext | None, received_at: datetime, days: int,
            time_kind: TimeKind | str = TimeKind.WORKING_DAYS, cutoff: time | str | None = None):
    """The domain's DueExplanation (due time plus the days skipped and why)."""
    from desk_app.domain.working_calendar import WorkingCalendar

    if ctx_or_none is None:
        return WorkingCalendar.default().explain(received_at, time_kind, days, cutoff)
    return ctx_or_none.calendar.explain(received_at, time_kind, days, cutoff,
                                        province_cutoff=ctx_or_none.province_cutoff)
