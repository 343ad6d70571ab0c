"""Batch signing as a job: one PIN login for many documents (desk_app.jobs protocol).

``sign_batch`` runs on the caller's (job) thread; every token call is marshalled onto the token
thread. It logs in once, checks the certificate once (validity, trust path, revocation), then signs
the documents one by one, reporting progress per document and checking the cancel token between
documents. A document is either signed completely (its output written atomically) or not at all.

When the token is pulled out (or stops answering) mid-batch, the batch stops cleanly: the files
signed so far are kept, the rest are untouched, and the report says which is which. A wrong PIN
writes nothing and says how many tries are left when the token reports it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desk_app.devices import DeviceHandler
from desk_app.jobs import CancelToken, Cancelled, ProgressFn, Steps, no_progress
from desk_app.signing import errors as E
from desk_app.signing.pades import Appearance, SignedFile, SignOptions, sign_pdf
from desk_app.signing.token import TokenConfig, on_token, open_session
from desk_app.signing.trust import PresignReport, RevocationCache, TrustStore, presign_check

__all__ = ["BatchReport", "BatchSummary", "sign_batch"]

STEP = "sign.batch"


class BatchSummary:
    """``complete`` and the one-line summary of a signing batch: shared by the file batch here and
    the services' dossier batch (fields ``signed``, ``failed``, ``not_done``, ``stopped``,
    ``stop_vi``, ``stop_en``)."""

    @property
    def complete(self) -> bool:
        return self.stopped is None and not self.failed

    def summary(self, lang: str = "vi") -> str:
        en = lang.lower().startswith("en")
        n, f, r = len(self.signed), len(self.failed), len(self.not_done)
        text = (f"Signed {n}, failed {f}, not signed {r}." if en
                else f"Đã ký {n}, lỗi {f}, chưa ký {r}.")
        if self.stopped:
            text += " " + (self.stop_en if en else self.stop_vi)
        return text


@dataclass
class BatchReport(BatchSummary):
    signed: list[SignedFile] = field(default_factory=list)
    failed: list[tuple[Path, str, str]] = field(default_factory=list)   # (file, vi, en)
    not_done: list[Path] = field(default_factory=list)                  # untouched
    stopped: str | None = None     # None = ran to the end; else an error code / "cancelled"
    stop_vi: str = ""
    stop_en: str = ""
    presign: PresignReport | None = None
    signer: str = ""
    device: str = ""


def sign_batch(files: Iterable[str | Path], out_dir: str | Path, *, token_cfg: TokenConfig,
               handler: DeviceHandler, trust: TrustStore,
               revocation: RevocationCache | None = None, visible: Appearance | None = None,
               tsa: str | None = None, online: bool = False, reason: str | None = None,
               location: str | None = None, progress: ProgressFn = no_progress,
               cancel: CancelToken | None = None) -> BatchReport:
    """Sign ``files`` into ``out_dir`` (same file names). Login / PIN / certificate errors raise
    before anything is written. Returns the report; a cancel stops between documents and is in
    the report (``stopped == "cancelled"``), not raised, so the face can show what was kept."""
    files = [Path(f) for f in files]
    out_dir = Path(out_dir)
    for f in files:
        if (out_dir / f.name).resolve() == f.resolve():
            raise E.UnusablePdf("sign_in_place",
                                "Thư mục đầu ra trùng thư mục của tệp gốc: không ký đè lên tệp gốc.",
                                "The output folder is the input's folder: refusing to overwrite "
                                "the input.", path=str(f))
    steps = Steps(progress, cancel)
    total = len(files)
    steps.report(STEP, 0, total, "Đang mở thiết bị ký số…", "Opening the signing token…")
    session = on_token(open_session, token_cfg, handler)
    report = BatchReport(signer=session.cert.common_name, device=session.device)
    try:
        report.presign = on_token(presign_check, session.cert.asn1(), session.chain, trust,
                                  revocation, online=online)
        opts = SignOptions(trust=trust, revocation=revocation, appearance=visible, reason=reason,
                           location=location, tsa_url=tsa, online=online)
        for i, src in enumerate(files):
            try:
                steps.step(STEP, i, total, f"Đang ký {i + 1}/{total}: {src.name}",
                           f"Signing {i + 1}/{total}: {src.name}")
            except Cancelled:
                report.not_done = files[i:]
                report.stopped, report.stop_vi, report.stop_en = (
                    "cancelled", "Đã dừng theo yêu cầu; các tệp đã ký được giữ lại.",
                    "Stopped on request; the files already signed are kept.")
                break
            try:
                report.signed.append(on_token(sign_pdf, src, out_dir / src.name, session, opts,
                                              presign=report.presign))
            except E.UnusablePdf as exc:
                report.failed.append((src, exc.vi, exc.en))
            except E.SigningError as exc:
                if exc.code in ("token_removed", "pin_locked"):
                    report.not_done = files[i:]
                    report.stopped, report.stop_vi, report.stop_en = exc.code, exc.vi, exc.en
                    break
                report.failed.append((src, exc.vi, exc.en))
        else:
            steps.finish(STEP, total, total, report.summary("vi"), report.summary("en"))
    finally:
        on_token(session.close)
    return report
