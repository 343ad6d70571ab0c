"""Deferred handler ``deferred.rating``: the citizen's rating (issue 16 §5) to the province.

The outbox item (written by ``desk_app.services.reports.rating`` in the rating's transaction)
names only the dossier code, stage, level, label, satisfied flag, comment and time; it is sent
once to ``POST /api/v1/ratings`` (the op_id makes a repeat a replay). A dossier the province
does not know yet (its record still on the way) is retried later; a refusal that cannot get
better by retrying (a bad body, another body under the same op_id) goes to needs-attention with
the server's reason.
"""
from __future__ import annotations

from typing import Any

from desk_app.sync import deferred

KIND = "deferred.rating"


async def send_rating(item: Any, ctx: deferred.DeferredContext) -> None:
    from desk_app.sync.api import API

    body = {"op_id": item.op_id, **{k: v for k, v in item.payload.items()
                                    if k in ("MaHoSo", "GiaiDoan", "MucDo", "TenMucDo", "HaiLong",
                                             "YKien", "ThoiGian")}}
    reply = await ctx.api.request("POST", f"{API}/ratings", json_body=body, ok=(200,),
                                  accept=(400, 404, 409))
    if reply.status != 200:
        try:
            err = reply.json().get("error") or {}
        except (ValueError, AttributeError):
            err = {}
        # 404: the dossier's own record has not reached the province yet (the lanes run side
        # by side) — wait and retry; 400/409 cannot get better by retrying
        raise deferred.DeferredError(f"{err.get('code', reply.status)}: "
                                     f"{str(err.get('message', ''))[:200]}",
                                     retryable=reply.status == 404)


deferred.register(KIND, send_rating)
