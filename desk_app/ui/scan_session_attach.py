"""The scan session from an existing dossier ("Quét / đính kèm" in the dossier view): choose the
component, scan or import, and the saved PDF is attached through
``services.scanning.attach.attach_file`` (blob store, attachment row, outbox upload, audit — one
transaction) on the window's JobRunner; the view then shows the dossier as stored."""
from __future__ import annotations

import logging
from pathlib import Path

from desk_app.services.scanning import session as scan_session
from desk_app.ui import i18n
from desk_app.ui.qt import QInputDialog, QObject, Qt
from desk_app.ui.scan_session import ScanSessionDialog

log = logging.getLogger(__name__)

__all__ = ["DossierScan", "open_for_dossier"]


class DossierScan(QObject):
    """One "scan and attach" round for the dossier shown in ``detail`` (a DossierDetail)."""

    def __init__(self, detail) -> None:
        super().__init__(detail)
        self.detail = detail
        self.chooser: QInputDialog | None = None
        self.session: ScanSessionDialog | None = None
        self.outcome = None
        self.error: str | None = None

    def _choices(self) -> list[tuple[str, int]]:
        return [(f"{c.seq}. {c.name}", c.seq) for c in self.detail.dossier.components]

    def start(self) -> QInputDialog | ScanSessionDialog | None:
        choices = self._choices()
        if not choices:
            self.detail._show_message(self.tr("This dossier has no components to attach to."))
            return None
        if len(choices) == 1:
            return self.open_session(choices[0][1])
        dlg = QInputDialog(self.detail)
        dlg.setObjectName("scanComponentChooser")
        dlg.setWindowTitle(self.tr("Scan / attach"))
        dlg.setLabelText(self.tr("Attach the pages to which component?"))
        dlg.setComboBoxItems([c[0] for c in choices])
        dlg.setComboBoxEditable(False)
        dlg.setOkButtonText(self.tr("Scan…"))
        dlg.setCancelButtonText(self.tr("Cancel"))

        def chosen(text: str) -> None:
            seq = dict(choices).get(text)
            if seq is not None:
                self.open_session(seq)
        dlg.textValueSelected.connect(chosen)
        self.chooser = dlg
        dlg.open()
        return dlg

    def open_session(self, seq: int) -> ScanSessionDialog:
        comp = next(c for c in self.detail.dossier.components if c.seq == seq)
        user = getattr(self.detail.session, "user", None)
        is_admin = getattr(getattr(user, "role", None), "value", "") == "admin"
        dlg = ScanSessionDialog(self.detail.ctx.data_dir, comp.name, self.detail,
                                is_admin=is_admin,
                                default_profile=scan_session.profile_for(comp.name))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(lambda path: self.attach(seq, Path(path), getattr(dlg, "ocr_text", None)))
        self.session = dlg
        dlg.open()
        return dlg

    def attach(self, seq: int, path: Path, ocr_text: str | None = None) -> None:
        detail = self.detail
        code = detail.dossier.code
        session = detail.session
        actor = getattr(session, "actor", "") or detail.ctx.clerk_name or "gui"
        role = getattr(getattr(session, "user", None), "role", None) or "clerk"

        def job(wctx, progress, cancel):
            from desk_app.services.scanning import attach

            ctx = wctx if wctx is not None else detail.ctx
            outcome = attach.attach_file(ctx, code, seq, path, actor=actor, role=role, kind="scan",
                                         ocr_text=ocr_text)
            path.unlink(missing_ok=True)          # it is in the blob store now
            return outcome

        def done(outcome) -> None:
            self.outcome = outcome
            detail._after_step(outcome)

        def failed(exc: BaseException) -> None:
            # the PDF stays in scan-drafts: nothing scanned is lost
            self.error = i18n.error_text(exc) + " " + self.tr("The scan is kept in %1.") \
                .replace("%1", str(path))
            detail._show_message(self.error)

        if detail.jobs is not None:
            detail.jobs.run(job, on_done=done, on_error=failed, title_vi="Đang đính kèm bản quét",
                            title_en="Attaching the scan", cancellable=False)
            return
        try:
            result = job(None, lambda _p: None, None)
        except Exception as exc:  # noqa: BLE001 — shown to the clerk
            failed(exc)
            return
        done(result)


def open_for_dossier(detail) -> DossierScan:
    """The "Quét / đính kèm" action of a dossier view."""
    action = DossierScan(detail)
    detail.scan_action = action
    action.start()
    return action
