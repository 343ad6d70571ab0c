"""Commands of the online capability (issue 16); imported by desk_app/services/commands.py.

| command | role | writes |
|---|---|---|
| online list [--all] [--json] | clerk (supervisor, admin) | no |
| online show PORTAL_ID | clerk (supervisor, admin) | no |
| online accept PORTAL_ID | clerk (supervisor, admin) | yes — prints the new code and the due date |
| online supplement PORTAL_ID --reason T | clerk (supervisor, admin) | yes |
| online refuse PORTAL_ID --reason T | clerk (supervisor, admin) | yes |
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from desk_app.domain.models import Role
from desk_app.services.registry import Param, command

if TYPE_CHECKING:
    from desk_app.services.session import Session

_PID = Param("portal_id", positional=True, required=True, help_vi="mã hồ sơ trực tuyến (cổng dịch vụ công)",
             help_en="online dossier id (public-service portal)")
_REASON = Param("reason", required=True, help_vi="lý do (ghi rõ giấy tờ cần bổ sung / lý do từ chối)",
                help_en="reason (what is missing / why refused)")


def _clerk(session: "Session") -> str:
    return "" if session.builtin else session.user.full_name


@command("online list", role=Role.CLERK, writes=False,
         help_vi="hồ sơ trực tuyến chờ tiếp nhận (mỗi hồ sơ kèm mã trên cổng)",
         help_en="online dossiers waiting to be accepted (each with its portal id)",
         params=(Param("all", flag=True, help_vi="gồm cả hồ sơ đã xử lý", help_en="include decided ones"),))
def online_list(session: "Session", *, all: bool = False):  # noqa: A002 (the CLI option is --all)
    from desk_app.services.online import inbox

    return inbox.list_inbox(session.ctx, None if all else ("pending",))


@command("online show", role=Role.CLERK, writes=False,
         help_vi="chi tiết hồ sơ trực tuyến: thành phần, tệp", help_en="an online dossier: components, files",
         params=(_PID,))
def online_show(session: "Session", *, portal_id: str):
    from desk_app.services.online import inbox

    return inbox.get(session.ctx, portal_id)


@command("online accept", role=Role.CLERK, writes=True,
         help_vi="tiếp nhận hồ sơ trực tuyến (cấp mã hồ sơ, tính ngày hẹn trả)",
         help_en="accept an online dossier (gives its code and due date)", params=(_PID,))
def online_accept(session: "Session", *, portal_id: str):
    from desk_app.services.online import inbox

    res = inbox.accept(session.ctx, portal_id, clerk=_clerk(session), actor=session.actor)
    return {"portal_id": res.portal_id, "code": res.code, "due_at": res.due_at,
            "message": res.message("vi"), "message_en": res.message("en")}


@command("online supplement", role=Role.CLERK, writes=True,
         help_vi="yêu cầu bổ sung hồ sơ trực tuyến", help_en="ask for a supplement of an online dossier",
         params=(_PID, _REASON))
def online_supplement(session: "Session", *, portal_id: str, reason: str):
    from desk_app.services.online import inbox

    return inbox.decide(session.ctx, portal_id, "supplement", reason, clerk=_clerk(session), actor=session.actor)


@command("online refuse", role=Role.CLERK, writes=True,
         help_vi="từ chối hồ sơ trực tuyến", help_en="refuse an online dossier", params=(_PID, _REASON))
def online_refuse(session: "Session", *, portal_id: str, reason: str):
    from desk_app.services.online import inbox

    return inbox.decide(session.ctx, portal_id, "refuse", reason, clerk=_clerk(session), actor=session.actor)
