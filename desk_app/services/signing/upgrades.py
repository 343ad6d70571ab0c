"""The upgrade of offline signatures through the sync queue (``deferred.sign_upgrade``).

``desk_app/sync/sign_upgrade.py`` dispatches the outbox item; this module gives it the work
(the sync layer does not import the signing code): read the signed version, add validation data
and a document time-stamp (``desk_app.signing.pades.upgrade``, the signature untouched), store the
result as the newest version of the dossier's file and queue the ``dossier.update`` that carries it
to the province. Registered on import (``desk_app.services.signing`` imports it).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desk_app.sync import deferred, sign_upgrade
from offline_store import audit, repo

__all__ = ["Plan", "StoreUpgrader", "install"]


@dataclass(frozen=True)
class Plan:
    data_dir: Path
    attachment_id: int
    blob: bytes          # the signed file as stored (read through the blob store: plaintext)
    tsa: str
    signed_by: str


class StoreUpgrader:
    def prepare(self, store: Any, payload: dict) -> Plan | None:
        conn = store.conn
        aid = int(payload.get("attachment_id") or 0)
        a = repo.get_attachment(conn, aid)
        if a is None or a["sha256"] != payload.get("sha256"):
            return None                          # the file is gone: nothing to upgrade
        if repo.successor_of(conn, aid) is not None:
            return None                          # already replaced by a newer version
        # the desk's setting as it is now (an administrator may have fixed it), else the
        # service named when it was signed
        tsa = (repo.get_setting(conn, "signing_tsa_url") or payload.get("tsa") or "").strip()
        if not tsa:
            raise deferred.DeferredError(
                "chưa có địa chỉ dịch vụ cấp dấu thời gian (thiết lập signing_tsa_url) / "
                "no time-stamp service configured (setting signing_tsa_url)", retryable=True)
        return Plan(Path(store.data_dir), aid, store.blobs.read_bytes(a["sha256"]), tsa,
                    a["signed_by"])

    def upgrade(self, plan: Plan) -> bytes:
        from desk_app.services.signing.files import upgrade_file
        from desk_app.signing import errors as E

        tmp_root = plan.data_dir / "tmp"
        tmp_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tmp_root, prefix="upgrade-") as tmp:
            src, out = Path(tmp) / "signed.pdf", Path(tmp) / "ltv.pdf"
            src.write_bytes(plan.blob)
            try:
                upgrade_file(src, out, tsa=plan.tsa, data_dir=plan.data_dir)
            except E.SigningError as exc:
                raise deferred.DeferredError(f"{exc.code}: {exc.en}"[:300],
                                             retryable=exc.code == "upgrade_offline") from None
            except E.UnusablePdf as exc:
                raise deferred.DeferredError(f"{exc.code}: {exc.en}"[:300],
                                             retryable=False) from None
            return out.read_bytes()

    def commit(self, store: Any, payload: dict, plan: Plan, data: bytes) -> None:
        from desk_app.services.context import DeskContext
        from desk_app.services.workflow.lifecycle import publish_files

        sha, size = store.blobs.put_bytes(data)
        ctx = DeskContext(data_dir=Path(store.data_dir), store=store)
        ctx.reload()
        with store.transaction() as conn:
            if repo.successor_of(conn, plan.attachment_id) is not None:
                return
            new_id = repo.insert_attachment_version(conn, plan.attachment_id, {
                "sha256": sha, "size": size, "signed_level": "B-LTA",
                "signed_by": plan.signed_by})
            a = repo.get_attachment(conn, new_id)
            d = repo.get_dossier_by_id(conn, int(a["dossier_id"]))
            publish_files(ctx, conn, int(d["id"]), actor="system")
            audit.append(conn, actor="system", action="attachment.upgraded", entity="dossier",
                         entity_id=d["record_id"],
                         detail={"code": d["code"], "attachment": plan.attachment_id,
                                 "version": new_id, "sha256": sha, "level": "B-LTA"})


def install() -> None:
    sign_upgrade.set_upgrader(StoreUpgrader())


install()
