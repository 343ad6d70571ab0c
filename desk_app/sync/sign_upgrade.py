"""Deferred handlers of the signing work (issue 15), lane ``deferred``:

- ``deferred.sign_upgrade``: a document signed offline (PAdES B-B, or B-T without validation
  data) is upgraded when the time-stamp service and the revocation sources answer: validation
  data and a document time-stamp in incremental updates (the signature untouched); the upgraded
  file is stored as the newest version of the dossier's file and a ``dossier.update`` carries it
  to the province. Not reachable yet → retried with the lane's back-off.
- ``deferred.certbook``: one entry of the electronic certification book, sent once to
  ``POST /api/v1/certbook`` (op_id ``certbook:<unit>:<book>:<year>:<number>``: a repeat is a
  replay; another body under the same number is refused and goes to needs-attention).

The sync layer does not import the signing code (its README rule): the upgrade itself is given
by the services layer through ``set_upgrader`` (``desk_app.services.signing.upgrades`` does it
when imported, which every face does through the command registry).
"""
from __future__ import annotations

import asyncio
from typing import Any, Protocol

from desk_app.sync import deferred

UPGRADE_KIND = "deferred.sign_upgrade"
CERTBOOK_KIND = "deferred.certbook"


class Upgrader(Protocol):
    """What the services layer provides. ``prepare`` and ``commit`` run on the store's thread
    (``store`` is the engine's Store); ``upgrade`` runs on a worker thread without the store (it
    talks to the TSA and the revocation sources, blocking) and raises ``DeferredError``."""

    def prepare(self, store: Any, payload: dict) -> Any | None: ...   # None: nothing to do
    def upgrade(self, plan: Any) -> bytes: ...
    def commit(self, store: Any, payload: dict, plan: Any, data: bytes) -> None: ...


_UPGRADER: Upgrader | None = None


def set_upgrader(upgrader: Upgrader | None) -> None:
    global _UPGRADER
    _UPGRADER = upgrader


async def upgrade_signed(item: Any, ctx: deferred.DeferredContext) -> None:
    up = _UPGRADER
    if up is None:
        raise deferred.DeferredError(
            "chưa nạp phần ký số để bổ sung chữ ký / the signing upgrade is not loaded",
            retryable=True)
    plan = await ctx.run_db(up.prepare, ctx.store, item.payload)
    if plan is None:
        return                          # already upgraded or replaced: nothing left to do
    data = await asyncio.to_thread(up.upgrade, plan)
    await ctx.run_db(up.commit, ctx.store, item.payload, plan, data)


_ENTRY_KEYS = ("SoQuyen", "Nam", "So", "Loai", "NgayChungThuc", "Quay", "NguoiChungThuc",
               "TenGiayTo", "NguoiYeuCau", "SoTrang", "SoBan", "LePhi", "TepDinhKemId", "MaHoSo")


async def send_certbook_entry(item: Any, ctx: deferred.DeferredContext) -> None:
    from desk_app.sync.api import API

    body = {"op_id": item.op_id, **{k: item.payload.get(k) for k in _ENTRY_KEYS}}
    reply = await ctx.api.request("POST", f"{API}/certbook", json_body=body, ok=(200,),
                                  accept=(400, 409))
    if reply.status != 200:
        try:
            err = reply.json().get("error") or {}
        except (ValueError, AttributeError):
            err = {}
        raise deferred.DeferredError(f"{err.get('code', reply.status)}: "
                                     f"{str(err.get('message', ''))[:200]}", retryable=False)


deferred.register(UPGRADE_KIND, upgrade_signed)
deferred.register(CERTBOOK_KIND, send_certbook_entry)
