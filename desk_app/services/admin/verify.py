"""Store verification for the faces (`desk-app verify`, the diagnostics screen)."""
from __future__ import annotations

from desk_app.services.context import DeskContext
from offline_store import verify as store_verify
from offline_store.verify import VerifyReport


def run(ctx: DeskContext, *, blobs: bool = True) -> VerifyReport:
    return store_verify.verify(ctx.store, blobs=blobs)
