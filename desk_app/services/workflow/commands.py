"""Commands of the workflow capability (issue 16); imported by desk_app/services/commands.py.

The lifecycle of a dossier after intake. Registry roles: the commands only the desk does
(supplement received, return, withdraw) require ``clerk``; the others are open to anyone logged in
because the rule is per transition — the state machine (desk_app/domain/state_machine.py) decides
who may make each move, and a refusal there is ``PermissionDenied`` (exit 3, audited) like the
registry's. An administrator acts as a supervisor. The GUI enables a button when
``registry.allowed(role, name)`` AND ``state_machine.allowed(...)`` hold.

``form`` here supersedes the Mẫu 01–03 declaration in services/commands.py (it adds 04–07 and the
period of the logbook); the integrator may delete that one — until then it is replaced below.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk_app.domain.models import Role
from desk_app.services.registry import REGISTRY, Param, command

if TYPE_CHECKING:
    from desk_app.services.session import Session

_CODE = Param("code", help_vi="mã hồ sơ", help_en="dossier code", required=True,
              positional=True)
_NOTE = Param("note", default="", help_vi="nội dung / lý do", help_en="text / reason")
_AT = Param("at", help_vi="thời điểm ISO 8601 (mặc định: bây giờ; không trước khi tiếp nhận)",
            help_en="ISO 8601 time (default: now; not before intake)")


def _at(at: str | None) -> datetime | None:
    from desk_app.services.commands import parse_when

    return parse_when(at, "at") if at else None


def _who(session: "Session") -> dict[str, Any]:
    name = session.user.full_name if not session.builtin else session.actor
    return {"actor": session.actor, "role": session.user.role, "by": name}


def _svc():
    from desk_app.services.workflow import lifecycle

    return lifecycle


@command("dossier transition", role=None, writes=True,
         help_vi="chuyển trạng thái hồ sơ (bàn giao, bổ sung, từ chối, gia hạn, dừng, kết quả, "
                 "trả, rút)",
         help_en="move a dossier on (hand over, supplement, refuse, delay, stop, result, "
                 "return, withdraw)", params=(
             _CODE,
             Param("to", required=True, help_vi="trạng thái mới (in_process, waiting_supplement,"
                   " supplemented, result_ready, returned, refused, withdrawn, stopped)",
                   help_en="new status"),
             _NOTE,
             Param("new_due", help_vi="ngày hẹn mới YYYY-MM-DD (Mẫu 04; --to = trạng thái hiện "
                   "tại)", help_en="new due date (form 04; --to = the current status)"),
             Param("agency", help_vi="cơ quan nhận hồ sơ (liên thông)",
                   help_en="receiving agency (inter-agency)"),
             Param("file", Path, help_vi="tệp kết quả (PDF hoặc ảnh)",
                   help_en="result file (PDF or image)"),
             Param("received_by", default="", help_vi="người nhận (bàn giao / trả kết quả)",
                   help_en="who received it (hand-over / return)"),
             Param("via", choices=("desk", "post"), help_vi="trả tại quầy hoặc bưu chính",
                   help_en="returned at the desk or by post"),
             Param("tracking", default="", help_vi="số hiệu bưu gửi (trả qua bưu chính)",
                   help_en="postal item number (returned by post)"),
             _AT))
def dossier_transition(session: "Session", *, code: str, to: str, note: str = "",
                       new_due: str | None = None, agency: str | None = None,
                       file: Path | None = None, received_by: str = "", via: str | None = None,
                       tracking: str = "", at: str | None = None):
    return _svc().transition(session.ctx, code, to=to, note=note, new_due=new_due,
                             agency=agency, file=file, received_by=received_by, via=via,
                             tracking=tracking, at=_at(at), **_who(session))


@command("dossier handover", role=None, writes=True,
         help_vi="chuyển hồ sơ cho cán bộ xử lý hoặc cơ quan khác (ghi vào Phiếu kiểm soát)",
         help_en="hand a dossier over to the processing officer or another agency", params=(
             _CODE,
             Param("to", required=True, help_vi="người / bộ phận nhận",
                   help_en="receiving person / unit"),
             Param("agency", default="", help_vi="cơ quan (liên thông cấp tỉnh, chuyên ngành)",
                   help_en="agency (provincial / specialised)"),
             Param("received_by", default="", help_vi="người nhận ký",
                   help_en="who signed for it"),
             _NOTE, _AT))
def dossier_handover(session: "Session", *, code: str, to: str, agency: str = "",
                     received_by: str = "", note: str = "", at: str | None = None):
    return _svc().handover(session.ctx, code, to=to, agency=agency, receiver=received_by,
                           note=note, at=_at(at), **_who(session))


@command("dossier supplement request", role=None, writes=True,
         help_vi="yêu cầu bổ sung hồ sơ (Mẫu 02; tạm dừng thời hạn)",
         help_en="request a supplement (form 02; the clock stops)",
         params=(_CODE, Param("note", required=True, help_vi="nội dung cần bổ sung",
                              help_en="what is missing"), _AT))
def dossier_supplement_request(session: "Session", *, code: str, note: str,
                               at: str | None = None):
    return _svc().request_supplement(session.ctx, code, note=note, at=_at(at), **_who(session))


@command("dossier supplement received", role=Role.CLERK, writes=True,
         help_vi="nhận hồ sơ bổ sung (tính lại ngày hẹn)",
         help_en="supplement received (the due date is recomputed)", params=(_CODE, _NOTE, _AT))
def dossier_supplement_received(session: "Session", *, code: str, note: str = "",
                                at: str | None = None):
    return _svc().supplement_received(session.ctx, code, note=note, at=_at(at), **_who(session))


@command("dossier refuse", role=None, writes=True,
         help_vi="từ chối giải quyết hồ sơ (Mẫu 03)", help_en="refuse the dossier (form 03)",
         params=(_CODE, Param("note", required=True, help_vi="lý do", help_en="reason"), _AT))
def dossier_refuse(session: "Session", *, code: str, note: str, at: str | None = None):
    return _svc().refuse(session.ctx, code, note=note, at=_at(at), **_who(session))


@command("dossier delay", role=None, writes=True,
         help_vi="xin lỗi và hẹn lại ngày trả (Mẫu 04)",
         help_en="apologise and set a new due date (form 04)", params=(
             _CODE, Param("new_due", required=True, help_vi="ngày hẹn mới YYYY-MM-DD",
                          help_en="new due date YYYY-MM-DD"),
             Param("note", required=True, help_vi="lý do", help_en="reason"), _AT))
def dossier_delay(session: "Session", *, code: str, new_due: str, note: str,
                  at: str | None = None):
    return _svc().delay(session.ctx, code, new_due=new_due, note=note, at=_at(at),
                        **_who(session))


@command("dossier stop", role=None, writes=True,
         help_vi="dừng giải quyết hồ sơ (Mẫu 05)", help_en="stop processing (form 05)",
         params=(_CODE, Param("note", required=True, help_vi="lý do", help_en="reason"), _AT))
def dossier_stop(session: "Session", *, code: str, note: str, at: str | None = None):
    return _svc().stop(session.ctx, code, note=note, at=_at(at), **_who(session))


@command("dossier result", role=None, writes=True,
         help_vi="nhận kết quả giải quyết (tệp PDF/ảnh đã số hóa)",
         help_en="result received (digitised PDF/image)", params=(
             _CODE, Param("file", Path, required=True, help_vi="tệp kết quả",
                          help_en="result file"), _NOTE, _AT))
def dossier_result(session: "Session", *, code: str, file: Path, note: str = "",
                   at: str | None = None):
    return _svc().result(session.ctx, code, file=file, note=note, at=_at(at), **_who(session))


@command("dossier return", role=Role.CLERK, writes=True,
         help_vi="trả kết quả cho công dân (tại quầy: người nhận ký; hoặc gửi bưu chính)",
         help_en="return the result (at the desk, signed for; or by post)", params=(
             _CODE,
             Param("via", default="desk", choices=("desk", "post"),
                   help_vi="tại quầy hoặc bưu chính", help_en="desk or post"),
             Param("received_by", default="", help_vi="họ tên người nhận (ký nhận)",
                   help_en="name of the person who signed for it"),
             Param("tracking", default="", help_vi="số hiệu bưu gửi",
                   help_en="postal item number"),
             _NOTE, _AT))
def dossier_return(session: "Session", *, code: str, via: str = "desk", received_by: str = "",
                   tracking: str = "", note: str = "", at: str | None = None):
    return _svc().return_result(session.ctx, code, via=via, received_by=received_by,
                                tracking=tracking, note=note, at=_at(at), **_who(session))


@command("dossier withdraw", role=Role.CLERK, writes=True,
         help_vi="công dân rút hồ sơ", help_en="withdrawn at the applicant's request",
         params=(_CODE, _NOTE, _AT))
def dossier_withdraw(session: "Session", *, code: str, note: str = "", at: str | None = None):
    return _svc().withdraw(session.ctx, code, note=note, at=_at(at), **_who(session))


@command("dossier history", role=None, writes=False,
         help_vi="các bước xử lý của hồ sơ", help_en="a dossier's steps",
         params=(_CODE,))
def dossier_history(session: "Session", *, code: str):
    _d, lc, evs = _svc().history(session.ctx, code)
    return {"code": _d.code, "status": _d.status.value, "due_at": _d.due_at, "lifecycle": lc,
            "events": evs}


# --------------------------------------------------------------------------- forms 01–07

class RenderedForm:
    """A printed form: the CLI face (cli/print_cmds.py) writes ``pdf`` where asked."""

    def __init__(self, code: str, kind: str, pdf: bytes) -> None:
        self.code, self.kind, self.pdf = code, kind, pdf


REGISTRY.pop("form", None)    # supersedes the 01–03 declaration of services/commands.py


@command("form", role=Role.CLERK, writes=True,
         help_vi="in mẫu 01–07 (Thông tư 03/2025/TT-VPCP) của hồ sơ; 07 = sổ theo dõi một kỳ",
         help_en="print form 01–07 (Circular 03/2025/TT-VPCP); 07 = the logbook of a period",
         params=(
             Param("code", help_vi="mã hồ sơ (01–06)", help_en="dossier code (01–06)",
                   positional=True),
             Param("output", help_vi="tệp PDF đầu ra ('-' = stdout)",
                   help_en="output PDF ('-' = stdout)", required=True, cli_name="-o|--output"),
             Param("kind", required=True,
                   help_vi="01 tiếp nhận, 02 bổ sung, 03 từ chối, 04 xin lỗi/gia hạn, 05 dừng, "
                           "06 phiếu kiểm soát, 07 sổ theo dõi",
                   help_en="01 receipt, 02 supplement, 03 refusal, 04 apology/delay, 05 stop, "
                           "06 control slip, 07 logbook"),
             Param("date_from", cli_name="--from", help_vi="từ ngày YYYY-MM-DD (07)",
                   help_en="from date (07)"),
             Param("date_to", cli_name="--to", help_vi="đến ngày YYYY-MM-DD (07)",
                   help_en="to date (07)"),
             Param("no_store", flag=True, help_vi="không lưu bản PDF vào hồ sơ (chỉ xuất tệp)",
                   help_en="do not keep the PDF with the dossier")))
def form_cmd(session: "Session", *, output: str, kind: str, code: str | None = None,
             date_from: str | None = None, date_to: str | None = None, no_store: bool = False):
    from desk_app.services.workflow import printing

    kind = printing.normalise_kind(kind)
    if kind == "07":
        pdf, label = printing.render_logbook(session.ctx, date_from, date_to)
        return RenderedForm(label, kind, pdf)
    pdf = printing.render(session.ctx, code, kind, store_as_attachment=not no_store)
    return RenderedForm(code or "", kind, pdf)
