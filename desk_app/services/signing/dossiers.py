"""Sign the files of dossiers: each signed PDF becomes the newest version of the file it signs
(the old version is kept), and the newest version is what syncs and what the citizen receives.

``sign_dossier_files`` is a job (``desk_app.jobs``): one PIN login for the whole batch, progress
per document, cancel between documents. A token pulled out mid-batch stops it cleanly: what was
signed is kept as new versions, the rest is untouched. A document signed without a time-stamp
(offline, B-B) or without validation data (B-T) gets a deferred outbox item
``deferred.sign_upgrade``: the sync upgrades it to B-LT(A) when the services answer
(``desk_app/sync/sign_upgrade.py``, wired by ``desk_app.services.signing.upgrades``).
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desk_app.devices import DeviceHandler
from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.jobs import CancelToken, ProgressFn, no_progress
from desk_app.services.context import DeskContext
from desk_app.signing.batch import BatchSummary, sign_batch
from desk_app.signing.pades import Appearance
from desk_app.signing.token import TokenConfig
from desk_app.signing.trust import RevocationCache
from offline_store import audit, outbox, repo

__all__ = ["FileVersion", "SignedVersion", "DossierSignReport", "UPGRADE_KIND", "current_files",
           "export_results", "file_versions", "sign_dossier_files", "to_sign", "tsa_setting"]

UPGRADE_KIND = "deferred.sign_upgrade"
TSA_SETTING = "signing_tsa_url"
PDF = "application/pdf"


@dataclass(frozen=True)
class FileVersion:
    """One version of a dossier's file (attachments row)."""

    id: int
    dossier_code: str
    kind: str                       # scan | receipt | form | result
    filename: str
    sha256: str
    size: int
    version: int
    supersedes: int | None
    signed_level: str               # '' | B-B | B-T | B-LT | B-LTA
    signed_by: str
    created_at: str
    current: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SignedVersion:
    dossier_code: str
    previous_id: int
    attachment_id: int
    filename: str
    sha256: str
    level: str
    needs_upgrade: bool             # a deferred upgrade item was queued
    update_queued: bool             # a dossier.update carries the new version to the province

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class DossierSignReport(BatchSummary):
    signed: list[SignedVersion] = field(default_factory=list)
    failed: list[tuple[int, str, str]] = field(default_factory=list)    # (attachment id, vi, en)
    not_done: list[int] = field(default_factory=list)                   # untouched attachment ids
    stopped: str | None = None
    stop_vi: str = ""
    stop_en: str = ""
    signer: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"signed": [s.to_dict() for s in self.signed],
                "failed": [{"attachment_id": a, "vi": vi, "en": en} for a, vi, en in self.failed],
                "not_done": list(self.not_done), "stopped": self.stopped,
                "stop_vi": self.stop_vi, "stop_en": self.stop_en, "signer": self.signer,
                "complete": self.complete, "summary_vi": self.summary("vi"),
                "summary_en": self.summary("en")}


def tsa_setting(ctx: DeskContext) -> str | None:
    return (ctx.settings.get(TSA_SETTING) or "").strip() or None


def _version(conn, row, code: str) -> FileVersion:
    return FileVersion(int(row["id"]), code, row["kind"], row["filename"], row["sha256"],
                       int(row["size"]), int(row["version"]), row["supersedes"],
                       row["signed_level"], row["signed_by"], row["created_at"],
                       repo.successor_of(conn, int(row["id"])) is None)


def _dossier(conn, code: str):
    code = (code or "").strip()
    row = repo.get_dossier(conn, code) or repo.get_dossier(conn, code.upper())
    if row is None:
        raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{code}”.",
                            f"No dossier with code “{code}”.", dossier_code=code)
    return row


def file_versions(ctx: DeskContext, code: str) -> list[FileVersion]:
    """Every version of every file of a dossier (old ones included), in the order attached."""
    conn = ctx.store.conn
    d = _dossier(conn, code)
    return [_version(conn, r, d["code"]) for r in repo.attachments_of(conn, int(d["id"]))]


def current_files(ctx: DeskContext, code: str, kind: str | None = "result") -> list[FileVersion]:
    """The newest version of each file (by default the results: what the citizen receives)."""
    conn = ctx.store.conn
    d = _dossier(conn, code)
    return [_version(conn, r, d["code"])
            for r in repo.current_attachments(conn, int(d["id"]), kind)]


def export_results(ctx: DeskContext, code: str, out_dir: Path) -> list[Path]:
    """Write the newest version of each result of a dossier into ``out_dir`` (what the citizen
    receives: the signed version when there is one). Nothing is written over an existing file."""
    from desk_app.signing.pades import write_atomic

    files = current_files(ctx, code, "result")
    if not files:
        raise ValidationError("no_results", f"Hồ sơ {code} chưa có tệp kết quả.",
                              f"Dossier {code} has no result file yet.", dossier_code=code)
    out: list[Path] = []
    for v in files:
        name = Path(v.filename).name or f"ket-qua-{v.id}.pdf"
        target = Path(out_dir) / name
        if target.exists() or target in out:
            target = Path(out_dir) / f"{target.stem}-{v.id}{target.suffix}"
        if target.exists():
            raise ValidationError("output_exists", f"Tệp {target} đã có: không ghi đè.",
                                  f"{target} exists: not overwritten.", path=str(target))
        with ctx.store.blobs.open(v.sha256) as f:
            write_atomic(target, f.read())
        out.append(target)
    return out


def to_sign(ctx: DeskContext, *, kinds: Sequence[str] = ("result",),
            limit: int = 500) -> list[FileVersion]:
    """The current PDF files (by default results) that nobody has signed yet, newest first —
    what a batch-signing dialog offers."""
    conn = ctx.store.conn
    return [_version(conn, r, r["dossier_code"])
            for r in repo.unsigned_current_attachments(conn, tuple(kinds), limit)]


def _targets(ctx: DeskContext, targets: Sequence[str | int], kinds: Sequence[str]) -> list:
    """(attachment row, dossier row) for each target, checked before anything is signed."""
    conn = ctx.store.conn
    out: list = []
    seen: set[int] = set()
    if not targets:
        raise ValidationError("sign_nothing", "Chưa chọn hồ sơ hay tệp nào để ký.",
                              "No dossier or file chosen to sign.")
    for t in targets:
        if isinstance(t, int) or (isinstance(t, str) and t.strip().isdigit()):
            aid = int(t)
            a = repo.get_attachment(conn, aid)
            if a is None:
                raise NotFoundError("attachment_not_found", f"Không có tệp số {aid}.",
                                    f"No file number {aid}.", attachment_id=aid)
            d = repo.get_dossier_by_id(conn, int(a["dossier_id"]))
            if repo.successor_of(conn, aid) is not None:
                raise ValidationError(
                    "sign_not_current",
                    f"Tệp số {aid} ({a['filename']}) đã có phiên bản mới hơn: hãy ký phiên bản "
                    "mới nhất.",
                    f"File {aid} ({a['filename']}) has a newer version: sign the newest one.",
                    attachment_id=aid)
            if a["mime"] != PDF:
                raise ValidationError("sign_not_pdf",
                                      f"Tệp {a['filename']} không phải PDF: chỉ ký được tệp PDF.",
                                      f"{a['filename']} is not a PDF: only PDFs can be signed.",
                                      attachment_id=aid)
            rows = [a]
        else:
            d = _dossier(conn, str(t))
            rows = [a for a in repo.current_attachments(conn, int(d["id"]))
                    if a["kind"] in kinds and a["mime"] == PDF]
            if not rows:
                names = ", ".join(kinds)
                raise ValidationError(
                    "sign_no_files",
                    f"Hồ sơ {d['code']} không có tệp PDF nào ({names}) để ký.",
                    f"Dossier {d['code']} has no PDF file ({names}) to sign.",
                    dossier_code=d["code"])
        for a in rows:
            if int(a["id"]) not in seen:
                seen.add(int(a["id"]))
                out.append((a, d))
    return out


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def sign_dossier_files(ctx: DeskContext, targets: Sequence[str | int], *, token: TokenConfig,
                       handler: DeviceHandler, actor: str, trust: list[Path] | None = None,
                       visible: Appearance | None = None, tsa: str | None = None,
                       kinds: Sequence[str] = ("result",), reason: str | None = None,
                       progress: ProgressFn = no_progress, cancel: CancelToken | None = None
                       ) -> DossierSignReport:
    """Sign dossiers' PDF files with one token login; each signed file becomes a new version.

    ``targets``: dossier codes (their current PDF files of ``kinds``, by default the results) or
    attachment ids (ints or digit strings; the current version of a PDF). ``tsa`` defaults to the
    setting ``signing_tsa_url``; none (or none answering) → B-B now and an upgrade item queued.
    Bad input raises before the PIN is asked (nothing changed); login / PIN / certificate errors
    raise before anything is written."""
    from desk_app.services.signing.files import _trust, desk_paths
    from desk_app.services.workflow.lifecycle import publish_files

    chosen = _targets(ctx, targets, kinds)
    tsa = tsa if tsa is not None else tsa_setting(ctx)
    paths = desk_paths(ctx.data_dir)
    report = DossierSignReport()
    tmp_root = Path(ctx.data_dir) / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root, prefix="sign-") as tmp:
        src_dir, out_dir = Path(tmp) / "in", Path(tmp) / "out"
        src_dir.mkdir()
        by_name: dict[str, tuple] = {}
        files = []
        for a, d in chosen:
            stem = _SAFE.sub("_", Path(a["filename"]).stem)[:60] or "tep"
            name = f"{int(a['id'])}-{stem}.pdf"
            p = src_dir / name
            with ctx.store.blobs.open(a["sha256"]) as f:
                p.write_bytes(f.read())
            by_name[name] = (a, d)
            files.append(p)
        batch = sign_batch(files, out_dir, token_cfg=token, handler=handler,
                           trust=_trust(paths, trust),
                           revocation=RevocationCache.load(paths.revocation if paths else None),
                           visible=visible, tsa=tsa, online=bool(tsa), reason=reason,
                           progress=progress, cancel=cancel)
        report.signer = batch.signer
        report.stopped, report.stop_vi, report.stop_en = batch.stopped, batch.stop_vi, batch.stop_en
        for src, vi, en in batch.failed:
            report.failed.append((int(by_name[src.name][0]["id"]), vi, en))
        report.not_done = [int(by_name[p.name][0]["id"]) for p in batch.not_done]
        for s in batch.signed:
            a, d = by_name[s.source.name]
            data = s.output.read_bytes()
            sha, size = ctx.store.blobs.put_bytes(data)
            with ctx.store.transaction() as conn:
                new_id = repo.insert_attachment_version(conn, int(a["id"]), {
                    "sha256": sha, "size": size, "signed_level": s.level,
                    "signed_by": s.signer})
                needs = s.level != "B-LT"
                if needs:
                    outbox.enqueue(conn, kind=UPGRADE_KIND, lane="deferred",
                                   op_id=f"sign-upgrade:{sha}", dossier_id=int(d["id"]),
                                   payload={"attachment_id": new_id, "sha256": sha,
                                            "MaHoSo": d["code"], "tsa": tsa or "",
                                            "level": s.level}, clerk=actor)
                queued = publish_files(ctx, conn, int(d["id"]), actor=actor)
                audit.append(conn, actor=actor, action="attachment.signed", entity="dossier",
                             entity_id=d["record_id"],
                             detail={"code": d["code"], "attachment": int(a["id"]),
                                     "version": new_id, "sha256": sha, "level": s.level,
                                     "signer": s.signer})
            report.signed.append(SignedVersion(d["code"], int(a["id"]), new_id, a["filename"],
                                               sha, s.level, needs, queued))
    return report
