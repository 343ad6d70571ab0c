"""Work queues for the clerk and the supervisor: counts and lists, sortable, filtered, searched.

Each queue is one SQL condition over ``dossiers`` (``+d.resolved_at`` keeps SQLite on the
``(status, due_at)`` index rather than on the index of ``resolved_at``) (``online_to_accept`` counts the online inbox of
migration 0010 when the store has it). Open work is named by a positive list of statuses so the
``(status, due_at)`` index of migration 0011 serves every count (a 1,000,000-dossier store
refreshes its counts in a few milliseconds; ``bench/bench_reports.py``).

Timing of an open dossier (shown with words, not colour alone): ``late`` (due time passed),
``due_soon`` (due within ``soon_days`` working days, today included), ``on_time``.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import DossierStatus as S
from desk_app.domain.text import fold
from desk_app.services import convert
from desk_app.services.context import DeskContext

QUEUES: dict[str, tuple[str, str]] = {
    "due_today": ("Đến hạn hôm nay", "Due today"),
    "overdue": ("Quá hạn", "Overdue"),
    "due_soon": ("Sắp đến hạn", "Due soon"),
    "waiting_supplement": ("Chờ bổ sung", "Waiting for a supplement"),
    "to_return": ("Chờ trả kết quả", "Results to return"),
    "online_to_accept": ("Hồ sơ trực tuyến chờ tiếp nhận", "Online, to accept"),
    "needs_attention": ("Cần xử lý đồng bộ", "Needs attention (sync)"),
}
TIMING = {"late": ("Quá hạn", "Late"), "due_soon": ("Sắp đến hạn", "Due soon"),
          "on_time": ("Trong hạn", "On time"), "": ("", "")}

_NOT_OPEN = {S.RETURNED, S.REFUSED, S.WITHDRAWN, S.WAITING_SUPPLEMENT, S.RESULT_READY}
# statuses whose processing clock runs (the lifecycle may add more: every non-final one counts)
OPEN_STATUSES = tuple(s.value for s in S if s not in _NOT_OPEN and s.value != "stopped")
_OPEN_IN = "(" + ",".join(f"'{s}'" for s in OPEN_STATUSES) + ")"

# "+" (a no-op) so a sort never drives the plan onto a whole-table index walk
SORTS = {"due_at": "+d.due_at", "received_at": "+d.received_at", "code": "+d.code",
         "applicant": "+d.applicant_name", "procedure": "+d.procedure_name", "clerk": "+d.clerk",
         "status": "+d.status"}
DEFAULT_SOON_DAYS = 2
MAX_LIMIT = 5000


@dataclass(frozen=True)
class QueueRow:
    code: str
    applicant_name: str
    procedure_code: str
    procedure_name: str
    received_at: datetime
    due_at: datetime | None
    status: str
    clerk: str
    channel: str
    sync_state: str
    timing: str                       # late | due_soon | on_time | "" (not running)

    def timing_label(self, lang: str = "vi") -> str:
        vi, en = TIMING[self.timing]
        return en if lang == "en" else vi


@dataclass(frozen=True)
class QueueCount:
    name: str
    vi: str
    en: str
    count: int


@dataclass(frozen=True)
class Window:
    """The instants the queues are judged against."""

    now: str
    today: str
    tomorrow: str
    soon_end: str          # start of the day after the last "soon" working day


def window(ctx: DeskContext, now: datetime | None = None,
           soon_days: int = DEFAULT_SOON_DAYS) -> Window:
    if not 0 <= soon_days <= 60:
        raise ValidationError("bad_soon_days", "Số ngày làm việc sắp đến hạn phải từ 0 đến 60.",
                              "The due-soon window must be 0 to 60 working days.",
                              field="due_days")
    now = convert.local(now or datetime.now(convert.VN_TZ))
    today = now.date()
    cal = ctx.calendar
    # N working days after today (today not counted, as deadlines count); 0 = today only
    last = cal.add_working_days(today, soon_days) if soon_days else today
    return Window(convert.iso_local(now), today.isoformat(),
                  (today + timedelta(days=1)).isoformat(),
                  (max(last, today) + timedelta(days=1)).isoformat())


def _where(name: str) -> str:
    if name == "due_today":
        return (f"d.status IN {_OPEN_IN} AND +d.resolved_at IS NULL AND d.due_at >= :today"
                " AND d.due_at < :tomorrow")
    if name == "overdue":
        return f"d.status IN {_OPEN_IN} AND +d.resolved_at IS NULL AND d.due_at < :now"
    if name == "due_soon":
        return (f"d.status IN {_OPEN_IN} AND +d.resolved_at IS NULL AND d.due_at >= :now"
                " AND d.due_at < :soon_end")
    if name == "waiting_supplement":
        return "d.status = 'waiting_supplement'"
    if name == "to_return":
        return "d.status = 'result_ready'"
    if name == "needs_attention":
        return "d.sync_state = 'needs_attention'"
    raise _unknown(name)


def _unknown(name: str) -> ValidationError:
    names = ", ".join(QUEUES)
    return ValidationError("queue_unknown", f"Không có hàng việc “{name}” (có: {names}).",
                           f"No work queue “{name}” (there are: {names}).", queue=name)


def _args(w: Window) -> dict:
    return {"now": w.now, "today": w.today, "tomorrow": w.tomorrow, "soon_end": w.soon_end}


# --------------------------------------------------------------------------- online inbox (0010)

def _inbox_sql(conn: sqlite3.Connection) -> str | None:
    """How to count the online dossiers waiting for the clerk's decision (migration 0010's
    ``online_inbox.state = 'pending'``); None: the store has no online inbox."""
    cols = {r[1] for r in conn.execute("PRAGMA table_info(online_inbox)").fetchall()}
    if "state" not in cols:
        return None
    return "SELECT count(*) FROM online_inbox WHERE state = 'pending'"


def counts(ctx: DeskContext, *, now: datetime | None = None,
           soon_days: int = DEFAULT_SOON_DAYS) -> list[QueueCount]:
    """Every queue's count (the side panel's badges)."""
    w = window(ctx, now, soon_days)
    conn = ctx.store.conn
    out = []
    for name, (vi, en) in QUEUES.items():
        if name == "online_to_accept":
            sql = _inbox_sql(conn)
            n = int(conn.execute(sql).fetchone()[0]) if sql else 0
        else:
            n = int(conn.execute(f"SELECT count(*) FROM dossiers d WHERE {_where(name)}",
                                 _args(w)).fetchone()[0])
        out.append(QueueCount(name, vi, en, n))
    return out


def timing_of(due_at: str | None, status: str, w: Window) -> str:
    if not due_at or status not in OPEN_STATUSES:
        return ""
    if due_at < w.now:
        return "late"
    if due_at < w.soon_end:
        return "due_soon"
    return "on_time"


def rows(ctx: DeskContext, name: str, *, now: datetime | None = None,
         soon_days: int = DEFAULT_SOON_DAYS, search: str = "", procedure: str = "",
         clerk: str = "", channel: str = "", sort: str = "due_at", descending: bool = False,
         limit: int = 500) -> list[QueueRow]:
    """One queue's dossiers: filtered (procedure code, clerk, channel), searched (words folded:
    no diacritics, đ = d, so "dang" finds "Đặng"), sorted by a column."""
    if name not in QUEUES:
        raise _unknown(name)
    if sort not in SORTS:
        raise ValidationError("queue_bad_sort", f"Không sắp xếp được theo “{sort}” (có: "
                              f"{', '.join(SORTS)}).", f"Cannot sort by “{sort}” (there are: "
                              f"{', '.join(SORTS)}).", field="sort")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("queue_bad_limit", f"Giới hạn phải từ 1 đến {MAX_LIMIT}.",
                              f"The limit must be 1 to {MAX_LIMIT}.", field="limit")
    if name == "online_to_accept":
        return []        # the online inbox has its own view (desk_app/ui/online_queue.py)
    w = window(ctx, now, soon_days)
    args = _args(w)
    where = [_where(name)]
    for col, value in (("procedure_code", procedure), ("clerk", clerk), ("channel", channel)):
        if value:
            where.append(f"d.{col} = :{col}")
            args[col] = value
    for i, tok in enumerate(fold(search or "").split()):
        where.append(f"d.search_folded LIKE :t{i} ESCAPE '\\'")
        args[f"t{i}"] = "%" + tok.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    order = f"{SORTS[sort]} {'DESC' if descending else 'ASC'}, d.id"
    sql = ("SELECT d.code, d.applicant_name, d.procedure_code, d.procedure_name, d.received_at,"
           " d.due_at, d.status, d.clerk, d.channel, d.sync_state FROM dossiers d WHERE "
           + " AND ".join(where) + f" ORDER BY {order} LIMIT {int(limit)}")
    out = []
    for r in ctx.store.conn.execute(sql, args).fetchall():
        r = tuple(r)
        out.append(QueueRow(r[0], r[1], r[2], r[3], convert.parse_dt(r[4]), convert.parse_dt(r[5]),
                            r[6], r[7], r[8], r[9], timing_of(r[5], r[6], w)))
    return out


def filter_values(ctx: DeskContext) -> tuple[list[tuple[str, str]], list[str]]:
    """What the filters offer: (procedure code, name) and clerks of the dossiers still in work
    (a few thousand at most: the status index serves it)."""
    statuses = "(" + ",".join(f"'{s}'" for s in (*OPEN_STATUSES, "waiting_supplement",
                                                   "result_ready")) + ")"
    conn = ctx.store.conn
    procs = conn.execute(f"SELECT procedure_code, max(procedure_name) FROM dossiers WHERE status IN"
                         f" {statuses} GROUP BY procedure_code ORDER BY 2").fetchall()
    clerks = conn.execute(f"SELECT DISTINCT clerk FROM dossiers WHERE status IN {statuses}"
                          " ORDER BY clerk").fetchall()
    return [(r[0], r[1]) for r in procs], [r[0] for r in clerks]


def queue_of(ctx: DeskContext, code: str, *, now: datetime | None = None,
             soon_days: int = DEFAULT_SOON_DAYS) -> list[str]:
    """The queues a dossier is in (the GUI selects a newly saved dossier in its list)."""
    w = window(ctx, now, soon_days)
    found = []
    for name in QUEUES:
        if name == "online_to_accept":
            continue
        hit = ctx.store.conn.execute(f"SELECT 1 FROM dossiers d WHERE d.code = :code AND"
                                     f" {_where(name)}", {**_args(w), "code": code}).fetchone()
        if hit:
            found.append(name)
    return found

