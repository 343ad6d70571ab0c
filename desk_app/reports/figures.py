"""Every figure of the reports as one SQL predicate over a dossier row.

``d`` is the dossier (``dossiers``), ``f`` its ``report_facts`` row (LEFT JOIN: may be NULL).
A figure is *counted* as ``sum(CASE WHEN pred THEN 1 ELSE 0 END)`` (or a sum of a value for the
rating figures) and *listed* as ``SELECT code … WHERE pred``: one definition, so the number a
supervisor sees and the dossiers a click shows can never disagree.

``:now`` is the time the figures are judged at (ISO text, Vietnam time). Stored times are all
ISO-8601 with the +07:00 offset (``convert.iso_local``), so text order is time order.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from desk_app.domain.models import DossierStatus

from desk_app.reports.period import Period

FINAL = ("returned", "refused", "withdrawn", "stopped")
# named positively so the (status, due_at) index serves the "now" queries on a large store
_OPEN = [s.value for s in DossierStatus if s.value not in FINAL]
_OPEN_SQL = "(" + ",".join(f"'{s}'" for s in _OPEN) + ")"
_RUNNING_SQL = "(" + ",".join(f"'{s}'" for s in _OPEN
                              if s not in ("waiting_supplement", "result_ready")) + ")"

# A counter outcome (refused / sent away to complete the papers before it was received) is not
# a received dossier: it has no 'received' event.
COUNTER_OUTCOME = ("(d.status IN ('refused','waiting_supplement') AND d.resolved_at IS NULL"
                   " AND NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id"
                   " AND e.to_status = 'received'))")

# what "on time" is measured against: the due time before the first delay (an apology with a new
# date, Mẫu 04, is issued because the dossier is late), else the due time (supplements included)
_REF_DUE = "coalesce(f.due_before_delay, d.due_at)"

_JUDGED = ("(d.status <> 'withdrawn' AND d.due_at IS NOT NULL AND (d.resolved_at IS NOT NULL"
           " OR (d.due_at < :now AND d.status <> 'waiting_supplement')))")


@dataclass(frozen=True)
class Figure:
    key: str
    vi: str
    en: str
    pred: str                 # SQL boolean over d / f
    value: str | None = None  # summed instead of counted (rating figures)


FIGURES: dict[str, Figure] = {f.key: f for f in (
    Figure("received", "Hồ sơ tiếp nhận", "Dossiers received", "1"),
    Figure("withdrawn", "Công dân rút hồ sơ", "Withdrawn", "d.status = 'withdrawn'"),
    Figure("judged", "Hồ sơ đã đến hạn hoặc đã giải quyết", "Due or resolved", _JUDGED),
    Figure("resolved", "Đã giải quyết", "Resolved", "d.resolved_at IS NOT NULL"),
    Figure("ahead", "Giải quyết trước hạn", "Resolved ahead of time",
           f"{_JUDGED} AND d.resolved_at IS NOT NULL"
           f" AND substr(d.resolved_at, 1, 10) < substr({_REF_DUE}, 1, 10)"),
    Figure("on_time", "Giải quyết trước hạn và đúng hạn", "Resolved ahead of time or on time",
           f"{_JUDGED} AND d.resolved_at IS NOT NULL AND d.resolved_at <= {_REF_DUE}"),
    Figure("late_resolved", "Giải quyết quá hạn", "Resolved late",
           f"{_JUDGED} AND d.resolved_at IS NOT NULL AND d.resolved_at > {_REF_DUE}"),
    Figure("delayed", "Hồ sơ xin lỗi, hẹn lại ngày trả", "Delayed with an apology",
           "f.due_before_delay IS NOT NULL"),
    Figure("overdue_open", "Quá hạn, chưa giải quyết", "Overdue, not resolved",
           f"{_JUDGED} AND d.resolved_at IS NULL"),
    Figure("returned", "Đã trả kết quả", "Result returned", "d.status = 'returned'"),
    Figure("online", "Nộp trực tuyến", "Filed online", "d.channel = 'online'"),
    Figure("post", "Nộp qua bưu chính", "Filed by post", "d.channel = 'post'"),
    Figure("digitised", "Hồ sơ được số hóa", "Dossiers digitised",
           "(d.channel = 'online' OR (coalesce(f.components, 0) > 0"
           " AND f.scanned >= f.components))"),
    Figure("results", "Hồ sơ có kết quả", "Dossiers with a result",
           "(d.resolved_at IS NOT NULL AND d.status IN ('result_ready','returned'))"),
    Figure("results_digitised", "Kết quả được số hóa", "Results digitised",
           "(d.resolved_at IS NOT NULL AND d.status IN ('result_ready','returned')"
           " AND coalesce(f.result_files, 0) > 0)"),
    Figure("sync_basis", "Hồ sơ do quầy tiếp nhận", "Dossiers received by this desk",
           "d.origin = 'local'"),
    Figure("synced", "Đã đồng bộ", "Synchronised", "(d.origin = 'local' AND d.sync_state = 'synced')"),
    Figure("rated", "Lượt đánh giá", "Ratings", "coalesce(f.ratings, 0) > 0",
           "coalesce(f.ratings, 0)"),
    Figure("satisfied", "Lượt hài lòng", "Satisfied ratings", "coalesce(f.satisfied, 0) > 0",
           "coalesce(f.satisfied, 0)"),
    Figure("unsatisfied", "Lượt không hài lòng", "Unsatisfied ratings",
           "coalesce(f.ratings, 0) > coalesce(f.satisfied, 0)",
           "coalesce(f.ratings, 0) - coalesce(f.satisfied, 0)"),
)}

# group key -> (SQL expression, SQL label expression)
GROUPS: dict[str, tuple[str, str]] = {
    "procedure": ("d.procedure_code", "max(d.procedure_name)"),
    "clerk": ("d.clerk", "d.clerk"),
    "month": ("substr(d.received_at, 1, 7)", "substr(d.received_at, 1, 7)"),
    "channel": ("d.channel", "d.channel"),
    "status": ("d.status", "d.status"),
}

_FROM = (" FROM dossiers d LEFT JOIN report_facts f ON f.dossier_id = d.id"
         " WHERE d.received_at >= :lo AND d.received_at < :hi AND NOT " + COUNTER_OUTCOME)


def _args(period: Period, now: str, extra: dict | None = None) -> dict:
    lo, hi = period.bounds()
    return {"lo": lo, "hi": hi, "now": now, **(extra or {})}


_DIMS = ("procedure", "clerk", "month", "channel", "status")      # the finest grouping


def count_all(conn: sqlite3.Connection, period: Period, now: str,
              groups: tuple[str | None, ...] = (None,)) -> dict[str | None, list[dict]]:
    """Every figure for each grouping in ``groups`` (None = totals).

    One pass over the period's dossiers, grouped by every dimension at once (a month of a busy
    unit gives a few thousand combinations), then the combinations are added up per grouping
    here: the figures of each dossier are evaluated once, however many groupings are asked."""
    keys = list(FIGURES)
    dims = ", ".join(GROUPS[g][0] for g in _DIMS)
    sql = (f"SELECT {dims}, max(d.procedure_name), "
           + ", ".join(f"coalesce(sum({_flag_expr(f)}), 0)" for f in FIGURES.values())
           + f"{_FROM} GROUP BY {dims}")
    combos = conn.execute(sql, _args(period, now)).fetchall()
    n_dims = len(_DIMS)
    out: dict[str | None, list[dict]] = {}
    for group in groups:
        if group is not None and group not in GROUPS:
            raise KeyError(group)
        acc: dict = {}
        labels: dict = {}
        pos = None if group is None else _DIMS.index(group)
        for r in combos:
            key = None if pos is None else r[pos]
            vals = r[n_dims + 1:]
            cur = acc.get(key)
            if cur is None:
                acc[key] = list(vals)
            else:
                for i, v in enumerate(vals):
                    cur[i] += v
            if group == "procedure":
                labels[key] = max(labels.get(key) or "", r[n_dims] or "")
        if group is None:
            totals = acc.get(None, [0] * len(keys))
            out[None] = [{"group": None, "label": None, **dict(zip(keys, map(int, totals)))}]
            continue
        out[group] = [{"group": k, "label": labels.get(k, k),
                       **dict(zip(keys, map(int, acc[k])))}
                      for k in sorted(acc, key=lambda x: (x is None, x or ""))]
    return out


def _flag_expr(fig: Figure) -> str:
    # comparisons are 0/1 (NULL when unknown: sum() skips it), cheaper than CASE per figure
    return f"({fig.value})" if fig.value else f"({fig.pred})"


def count_figures(conn: sqlite3.Connection, period: Period, now: str,
                  group: str | None = None) -> list[dict]:
    """Every figure, as one row of totals (``group=None``) or one row per group value."""
    return count_all(conn, period, now, (group,))[group]


def codes_behind(conn: sqlite3.Connection, figure: str, period: Period, now: str, *,
                 group: str | None = None, value: str | None = None,
                 limit: int | None = None) -> list[str]:
    """The dossier codes a figure counts (within one group value when given), oldest first.
    The digitisation figures (``digitisation.FIGURES``) trace the same way."""
    fig = FIGURES.get(figure) or _digitisation_figure(figure)
    sql = f"SELECT d.code{_FROM} AND {fig.pred}"
    extra: dict = {}
    if group is not None:
        sql += f" AND {GROUPS[group][0]} = :value"
        extra["value"] = value
    sql += " ORDER BY d.received_at, d.id"
    if limit is not None:
        sql += " LIMIT :limit"
        extra["limit"] = int(limit)
    return [r[0] for r in conn.execute(sql, _args(period, now, extra)).fetchall()]


def _digitisation_figure(figure: str) -> Figure:
    from desk_app.reports import digitisation

    return digitisation.FIGURES[figure]       # KeyError for an unknown figure, as before


def all_figures() -> dict[str, Figure]:
    """Every traceable figure: FIGURES and the digitisation figures."""
    from desk_app.reports import digitisation

    return {**FIGURES, **digitisation.FIGURES}


def overdue_now(conn: sqlite3.Connection, now: str, limit: int = 200) -> tuple[int, list[tuple]]:
    """Open dossiers whose due time has passed (whatever their period), most overdue first:
    (count, rows of code, procedure, applicant, clerk, due_at, status)."""
    # "+" keeps the planner on the (status, due_at) index, not on resolved_at's
    where = (f" FROM dossiers d WHERE d.status IN {_RUNNING_SQL} AND +d.resolved_at IS NULL"
             " AND d.due_at IS NOT NULL AND d.due_at < :now")
    n = conn.execute(f"SELECT count(*){where}", {"now": now}).fetchone()[0]
    rows = conn.execute(f"SELECT d.code, d.procedure_name, d.applicant_name, d.clerk, d.due_at,"
                        f" d.status{where} ORDER BY +d.due_at LIMIT :limit",
                        {"now": now, "limit": limit}).fetchall()
    return int(n), [tuple(r) for r in rows]


def open_by_status(conn: sqlite3.Connection) -> dict[str, int]:
    """Dossiers now in each non-final status (the dashboard's "by state")."""
    rows = conn.execute(f"SELECT status, count(*) FROM dossiers WHERE status IN {_OPEN_SQL}"
                        " GROUP BY status").fetchall()
    return {r[0]: int(r[1]) for r in rows}


def status_counts(conn: sqlite3.Connection, period: Period, now: str) -> dict[str, int]:
    return {r["group"]: r["received"] for r in count_figures(conn, period, now, "status")}
