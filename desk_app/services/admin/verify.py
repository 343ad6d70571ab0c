"""Store verification for the faces (`desk-app verify`, the diagnostics screen): a job
(``desk_app.jobs``) that reports each check and every 200 blobs, and can be cancelled between
them. It only reads, so a cancel leaves the store as it was."""
from __future__ import annotations

from desk_app.jobs import CancelToken, ProgressFn, Steps
from desk_app.services.context import DeskContext
from offline_store import verify as store_verify
from offline_store.verify import VerifyReport

# what each check looks at, for the progress line
CHECK_LABELS: dict[str, tuple[str, str]] = {
    "integrity_check": ("tính toàn vẹn của cơ sở dữ liệu", "database integrity"),
    "foreign_keys": ("liên kết giữa các bảng", "links between tables"),
    "attachments_blobs": ("tệp đính kèm", "attached files"),
    "audit_chain": ("chuỗi nhật ký kiểm tra", "audit log chain"),
    "dossier_events": ("lịch sử xử lý hồ sơ", "dossier history"),
    "dossier_audit": ("nhật ký của từng hồ sơ", "audit rows of each dossier"),
    "dossier_outbox": ("hàng đợi gửi lên tỉnh", "queue to the province"),
    "seals": ("dấu niêm phong của từng hồ sơ (phát hiện sửa ngoài phần mềm)",
              "each dossier's seal (edits made outside the app)"),
}


def run(ctx: DeskContext, *, blobs: bool = True, progress: ProgressFn | None = None,
        cancel: CancelToken | None = None) -> VerifyReport:
    """Run every check (``offline_store.verify``); findings are the report, never an exception.
    Raises ``Cancelled`` when ``cancel`` is set, between checks or between 200 blobs."""
    steps = Steps(progress, cancel)

    def tell(step: str, done: int, total: int) -> None:
        if step == "blobs":
            steps.step("verify.blobs", done, total, f"Đã kiểm tra {done}/{total} tệp đính kèm",
                       f"Checked {done}/{total} attached files")
        elif step == "done":
            steps.finish("verify.done", done, total, "Đã kiểm tra xong", "Verification finished")
        else:
            vi, en = CHECK_LABELS.get(step, (step, step))
            steps.step("verify.check", done, total, f"Đang kiểm tra {vi} ({done + 1}/{total})",
                       f"Checking {en} ({done + 1}/{total})")

    return store_verify.verify(ctx.store, blobs=blobs, progress=tell)


def repair(ctx: DeskContext, *, grace_s: float = 3600.0) -> dict:
    """``verify --repair``: remove what no row refers to — blobs that no attachment names (a
    crash between writing a file and committing its dossier) and leftover temporary files. A
    blob younger than ``grace_s`` is kept: another process (the GUI next to this command) may
    be about to commit the dossier that names it. Audited; returns what was removed."""
    import time as _time

    from offline_store import audit

    referenced = {r[0] for r in ctx.store.conn.execute("SELECT DISTINCT sha256 FROM attachments")}
    now = _time.time()
    removed, freed = [], 0
    for sha in ctx.store.blobs.all():
        if sha in referenced:
            continue
        p = ctx.store.blobs.path(sha)
        try:
            st = p.stat()
        except OSError:
            continue
        if now - st.st_mtime < grace_s:
            continue
        p.unlink(missing_ok=True)
        removed.append(sha)
        freed += st.st_size
    tmp = ctx.store.blobs.clean_tmp()
    with ctx.store.transaction() as conn:
        audit.append(conn, actor="repair", action="store.repair", entity="desk", entity_id="",
                     detail={"orphan_blobs": len(removed), "bytes": freed, "tmp_files": tmp})
    return {"orphan_blobs_removed": len(removed), "bytes_freed": freed, "tmp_files_removed": tmp}
