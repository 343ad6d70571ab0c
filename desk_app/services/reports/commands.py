"""Commands of the reports capability (issue 16); imported by desk_app/services/commands.py.

| command | role | writes |
|---|---|---|
| queues [NAME] | anyone logged in | no |
| fee collect CODE | clerk | yes |
| cash summary | clerk | no |
| cash signoff | supervisor | yes |
| rate CODE | clerk (the desk's rating screen) | yes |
| report, report-trace | supervisor | no (report: a job) |
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import Role
from desk_app.services.registry import Param, command

if TYPE_CHECKING:
    from desk_app.services.session import Session


def _date(text: str | None, field: str) -> date | None:
    from desk_app.services.commands import parse_date

    return parse_date(text, field)


def _clerk_of(session: "Session") -> str:
    """Who collects / rates: the person logged in (the data folder's owner: the desk's clerk)."""
    if not session.builtin:
        return session.user.full_name
    return session.ctx.clerk_name or session.actor


def _clerk_name(session: "Session", value: str) -> str:
    """--clerk takes a login or a full name."""
    from offline_store import repo

    row = repo.get_account(session.ctx.store.conn, value.strip())
    return row["full_name"] if row is not None else value.strip()


# --------------------------------------------------------------------------- work queues

@command("queues", role=None, writes=False,
         help_vi="hàng việc: đến hạn hôm nay, quá hạn, sắp đến hạn, chờ bổ sung, chờ trả,"
                 " trực tuyến chờ tiếp nhận, cần xử lý đồng bộ",
         help_en="work queues: due today, overdue, due soon, supplement, to return, online,"
                 " sync attention", params=(
             Param("name", help_vi="tên hàng việc (không có: số lượng mọi hàng)",
                   help_en="queue name (none: every queue's count)", positional=True),
             Param("due_days", int, "số ngày làm việc của “sắp đến hạn”",
                   "working days of “due soon”", default=2),
             Param("search", default="", help_vi="tìm (không dấu cũng được)",
                   help_en="search (diacritics optional)"),
             Param("procedure", default="", help_vi="mã thủ tục", help_en="procedure code"),
             Param("clerk", default="", help_vi="cán bộ tiếp nhận", help_en="receiving clerk"),
             Param("channel", default="", choices=("", "desk", "online", "post"),
                   help_vi="kênh nộp", help_en="channel"),
             Param("sort", default="due_at", help_vi="sắp xếp theo cột", help_en="sort column"),
             Param("desc", flag=True, help_vi="giảm dần", help_en="descending"),
             Param("limit", int, "số dòng tối đa", "most rows", default=500)))
def queues_cmd(session: "Session", *, name: str | None = None, due_days: int = 2,
               search: str = "", procedure: str = "", clerk: str = "", channel: str = "",
               sort: str = "due_at", desc: bool = False, limit: int = 500):
    from desk_app.services.reports import queues

    if not name:
        return queues.counts(session.ctx, soon_days=due_days)
    return queues.rows(session.ctx, name, soon_days=due_days, search=search,
                       procedure=procedure, clerk=clerk, channel=channel or "", sort=sort,
                       descending=desc, limit=limit)


# --------------------------------------------------------------------------- fees / cash

@command("fee collect", role=Role.CLERK, writes=True,
         help_vi="thu phí, lệ phí của hồ sơ", help_en="collect a dossier's fee", params=(
             Param("code", help_vi="mã hồ sơ", help_en="dossier code", required=True,
                   positional=True),
             Param("exempt", help_vi="mã đối tượng miễn (ho_ngheo, nguoi_co_cong, …)",
                   help_en="exemption code"),
             Param("pages", int, "số trang bản chính (chứng thực)", "pages of the original"),
             Param("copies", int, "số bản", "copies")))
def fee_collect(session: "Session", *, code: str, exempt: str | None = None,
                pages: int | None = None, copies: int | None = None):
    from desk_app.services.reports import fees

    return fees.collect(session.ctx, code, clerk=_clerk_of(session), actor=session.actor,
                        exemption=exempt, pages=pages, copies=copies)


@command("cash summary", role=Role.CLERK, writes=False,
         help_vi="tổng hợp tiền thu trong ngày theo cán bộ", help_en="a day's takings per clerk",
         params=(Param("day", help_vi="ngày YYYY-MM-DD (mặc định hôm nay)",
                       help_en="day YYYY-MM-DD (default today)"),
                 Param("clerk", help_vi="cán bộ (tên đăng nhập hoặc họ tên)",
                       help_en="clerk (login or full name)")))
def cash_summary(session: "Session", *, day: str | None = None, clerk: str | None = None):
    from desk_app.services import convert
    from desk_app.services.reports import fees

    d = _date(day, "day") or datetime.now(convert.VN_TZ).date()
    return fees.summary(session.ctx, d, _clerk_name(session, clerk) if clerk else None)


@command("cash signoff", role=Role.SUPERVISOR, writes=True,
         help_vi="giám sát ký xác nhận tiền thu trong ngày của một cán bộ",
         help_en="the supervisor signs off a clerk's takings of a day", params=(
             Param("day", help_vi="ngày YYYY-MM-DD", help_en="day YYYY-MM-DD", required=True),
             Param("clerk", help_vi="cán bộ (tên đăng nhập hoặc họ tên)",
                   help_en="clerk (login or full name)", required=True)))
def cash_signoff(session: "Session", *, day: str, clerk: str):
    from desk_app.services.reports import fees

    return fees.signoff(session.ctx, _date(day, "day"), _clerk_name(session, clerk),
                        supervisor=session.user.full_name, actor=session.actor)


# --------------------------------------------------------------------------- rating

@command("rate", role=Role.CLERK, writes=True,
         help_vi="ghi đánh giá của công dân (ẩn danh)", help_en="record the citizen's rating"
         " (anonymous)", params=(
             Param("code", help_vi="mã hồ sơ", help_en="dossier code", required=True,
                   positional=True),
             Param("level", int, "mức: 1 rất hài lòng, 2 hài lòng, 3 không hài lòng",
                   "level: 1 very satisfied, 2 satisfied, 3 not satisfied", required=True),
             Param("comment", default="", help_vi="ý kiến (bắt buộc với mức thấp nhất)",
                   help_en="comment (required for the lowest level)"),
             Param("stage", default="return", choices=("intake", "return"),
                   help_vi="khâu được đánh giá", help_en="stage rated")))
def rate_cmd(session: "Session", *, code: str, level: int, comment: str = "",
             stage: str = "return"):
    from desk_app.services.reports import rating

    return rating.rate(session.ctx, code, level, stage=stage, comment=comment,
                       actor=session.actor)


# --------------------------------------------------------------------------- report

_PERIOD = (Param("from_", cli_name="--from", help_vi="từ ngày YYYY-MM-DD",
                 help_en="from YYYY-MM-DD"),
           Param("to", help_vi="đến ngày YYYY-MM-DD", help_en="to YYYY-MM-DD"))


def _period(from_: str | None, to: str | None):
    from desk_app.services.reports.report import period

    return period(_date(from_, "from"), _date(to, "to"))


@command("report", role=Role.SUPERVISOR, writes=False, job=True,
         help_vi="báo cáo kết quả giải quyết và Bộ chỉ số 766 (JSON, XLSX, PDF)",
         help_en="results report and the Decision 766 indicators (JSON, XLSX, PDF)", params=(
             *_PERIOD,
             Param("xlsx", Path, "ghi tệp Excel", "write an XLSX file"),
             Param("pdf", Path, "ghi tệp PDF", "write a PDF file")))
def report_cmd(session: "Session", *, from_: str | None = None, to: str | None = None,
               xlsx: Path | None = None, pdf: Path | None = None, progress: Any = None,
               cancel: Any = None):
    from desk_app.services.reports import report

    for path, ext in ((xlsx, ".xlsx"), (pdf, ".pdf")):
        if path is not None and Path(path).suffix.lower() != ext:
            raise ValidationError("report_bad_file", f"Tệp “{path}” cần đuôi {ext}.",
                                  f"The file “{path}” needs the {ext} extension.",
                                  field=ext[1:])
        if path is not None and not Path(path).parent.exists():
            raise ValidationError("report_no_folder", f"Không có thư mục “{Path(path).parent}”.",
                                  f"No folder “{Path(path).parent}”.", field=ext[1:])
    return report.run(session.ctx, _period(from_, to), xlsx=xlsx, pdf=pdf, progress=progress,
                      cancel=cancel)


@command("report-trace", role=Role.SUPERVISOR, writes=False,
         help_vi="các hồ sơ đứng sau một số liệu của báo cáo",
         help_en="the dossiers behind one figure of the report", params=(
             Param("figure", help_vi="tên số liệu (on_time, overdue_open, digitised, …)",
                   help_en="figure name", required=True, positional=True),
             *_PERIOD,
             Param("group", help_vi="nhóm: procedure, clerk, month, channel, status",
                   help_en="group"),
             Param("value", help_vi="giá trị của nhóm", help_en="the group's value")))
def report_trace(session: "Session", *, figure: str, from_: str | None = None,
                 to: str | None = None, group: str | None = None, value: str | None = None):
    from desk_app.services.reports import report

    if (group is None) != (value is None):
        raise ValidationError("report_group_value", "--group và --value đi cùng nhau.",
                              "--group and --value go together.", field="group")
    return report.trace(session.ctx, figure, _period(from_, to), group=group, value=value)
