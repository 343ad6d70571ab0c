"""The signing screens' ways in: the main window's “Ký số” menu and the dossier detail's buttons.

Kept here so the shared windows get one line each (``SigningMenu(window)`` in the main window,
``add_detail_buttons(detail, layout)`` in the dossier detail). Every action is shown only when
the registry lets the person run its command (``session_menus.allowed``): signing and the
certified copy for a signing officer (and the administrator), checking a signature for anyone.
"""
from __future__ import annotations

from pathlib import Path
from desk_app.ui import i18n, session_menus, signing_access
from desk_app.ui.qt import QAction, QMenu, QObject, QPushButton

__all__ = ["COMMANDS", "SigningMenu", "add_detail_buttons"]

#: action → the registry command it runs (the role rule)
COMMANDS = {"sign": "sign files", "verify": "sign verify", "certify": "certify",
            "certbook": "certify"}


class SigningMenu(QObject):
    """“Ký số” in the main window's menu bar, before “Ngôn ngữ”."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.menu = QMenu(window)
        self.menu.setObjectName("menuSigning")
        self.actions: dict[str, QAction] = {}
        for key, slot in (("sign", self.sign), ("verify", self.verify),
                          ("certify", self.certify), ("certbook", self.certbook)):
            a = QAction(window)
            a.setObjectName(f"actSigning_{key}")
            a.triggered.connect(slot)
            self.menu.addAction(a)
            self.actions[key] = a
        bar = window.menuBar()
        lang = getattr(window, "menu_lang", None)
        if lang is not None:
            bar.insertMenu(lang.menuAction(), self.menu)
        else:
            bar.addMenu(self.menu)
        self.retranslate()

    def retranslate(self) -> None:
        self.menu.setTitle(self.tr("Si&gning"))
        self.actions["sign"].setText(self.tr("Sign documents with the token…"))
        self.actions["verify"].setText(self.tr("Check signatures…"))
        self.actions["certify"].setText(self.tr("Certified copy from the original…"))
        self.actions["certbook"].setText(self.tr("Certification book…"))

    def apply(self, session) -> None:
        for key, a in self.actions.items():
            ok = session_menus.allowed(session, COMMANDS[key])
            a.setVisible(ok)
            a.setEnabled(ok)
        self.menu.menuAction().setVisible(any(a.isVisible() for a in self.actions.values()))

    # -- the actions ---------------------------------------------------------------------------
    def sign(self, *_a, files: list[Path] | None = None):
        from desk_app.ui.signing_dialog import open_sign_dialog

        return open_sign_dialog(self.window, files)

    def verify(self, *_a, path: Path | None = None):
        from desk_app.ui.validation_view import open_validation

        return open_validation(self.window, path)

    def certify(self, *_a):
        from desk_app.ui.certify_dialog import open_certify

        return open_certify(self.window)

    def certbook(self, *_a):
        from desk_app.ui.certbook_view import open_certbook

        return open_certbook(self.window)


# --------------------------------------------------------------------------- the dossier detail

class _DetailButtons(QObject):
    """The dossier detail's signing buttons (work on the files tab's selected PDF, or on the
    dossier's results and receipts)."""

    def __init__(self, detail, layout) -> None:
        super().__init__(detail)
        self.detail = detail
        session = detail.session
        self.sign_button = self._button(self.tr("Sign…"), "detailSign", self.sign,
                                        session_menus.allowed(session, "sign files"), layout)
        self.verify_button = self._button(self.tr("Check signatures…"), "detailVerify", self.verify,
                                          session_menus.allowed(session, "sign verify"), layout)
        self.certify_button = self._button(self.tr("Certified copy…"), "detailCertify",
                                           self.certify, session_menus.allowed(session, "certify"),
                                           layout)
        self.opened = None

    def _button(self, text: str, name: str, slot, visible: bool, layout) -> QPushButton:
        b = QPushButton(text, self.detail)
        b.setObjectName(name)
        b.setAutoDefault(False)
        b.clicked.connect(lambda _=False: slot())
        b.setVisible(visible)
        layout.addWidget(b)
        return b

    def _pdfs(self, *, selected_only: bool) -> list:
        d = self.detail.dossier
        view = self.detail.tabs.widget(1)
        rows = sorted({i.row() for i in view.selectionModel().selectedRows()}) \
            if view is not None and view.selectionModel() is not None else []
        if not rows and view is not None and view.currentIndex().isValid():
            rows = [view.currentIndex().row()]
        chosen = [d.attachments[r] for r in rows if 0 <= r < len(d.attachments)]
        if not chosen and not selected_only:
            chosen = [a for a in d.attachments if a.kind in ("result", "receipt", "form")]
        return [a for a in chosen if a.filename.lower().endswith(".pdf") or a.mime == "application/pdf"]

    def _export(self, atts: list, then) -> None:
        """The attachments as plain files (on the JobRunner), then ``then(paths)`` on the GUI thread."""
        if not atts:
            self.detail._show_message(self.tr("Choose a PDF file in the “Files” tab first."))  # noqa: SLF001
            return
        from desk_app.ui.signing_dialog import run_job

        folder = Path(self.detail.ctx.data_dir) / "signing-work" / self.detail.dossier.code
        pairs = [(a.sha256, a.filename) for a in atts]

        def job(wctx, _p, _c):
            return [signing_access.attachment_file(wctx, sha, name, folder) for sha, name in pairs]

        run_job(self.detail.jobs, job, on_done=then,
                on_error=lambda exc: self.detail._show_message(i18n.error_text(exc)),  # noqa: SLF001
                title_vi="Chuẩn bị tệp", title_en="Preparing the files", cancellable=False,
                show_progress=False)

    def sign(self) -> None:
        """The selected PDF (or the dossier's results and receipts), current versions from
        ``dossier files``; signed into new versions of the dossier."""
        from desk_app.services import registry
        from desk_app.services.session import Session
        from desk_app.ui.signing_dialog import open_sign_dialog, run_job

        chosen = {a.sha256 for a in self._pdfs(selected_only=False)}
        if not chosen:
            self.detail._show_message(self.tr("Choose a PDF file in the “Files” tab first."))  # noqa: SLF001
            return
        code, user = self.detail.dossier.code, self.detail.session.user

        def job(wctx, _p, _c):
            versions = registry.call("dossier files", Session(wctx, user, "gui"), code=code)
            return [v for v in versions if v.current and v.sha256 in chosen]

        def done(versions) -> None:
            if not versions:
                self.detail._show_message(self.tr("Choose a PDF file in the “Files” tab first."))  # noqa: SLF001
                return
            dlg = open_sign_dialog(self.detail, versions=versions)
            dlg.batch_finished.connect(self._signed)
            self.opened = dlg

        run_job(self.detail.jobs, job, on_done=done,
                on_error=lambda exc: self.detail._show_message(i18n.error_text(exc)),  # noqa: SLF001
                title_vi="Đọc các tệp của hồ sơ", title_en="Reading the dossier's files",
                cancellable=False, show_progress=False)

    def _signed(self, report) -> None:
        if report is not None and getattr(report, "signed", None):
            self.detail._after_step(report)  # noqa: SLF001 — reload the files (new versions)

    def _opened(self, dlg, paths: list[Path]) -> None:
        """Keep the dialog; the exported copies are removed once it closes."""
        self.opened = dlg

        def clean(*_a) -> None:
            for p in paths:
                try:
                    p.unlink(missing_ok=True)
                except OSError:
                    pass
        dlg.finished.connect(clean)

    def verify(self) -> None:
        from desk_app.ui.validation_view import open_validation

        atts = self._pdfs(selected_only=True)[:1]
        self._export(atts, lambda paths: self._opened(open_validation(
            self.detail, paths[0], title=f"{self.detail.dossier.code} · {atts[0].filename}"), paths))

    def certify(self) -> None:
        from desk_app.ui.certify_dialog import open_certify

        d = self.detail.dossier
        self._export(self._pdfs(selected_only=True)[:1], lambda paths: self._opened(
            open_certify(self.detail, paths[0], applicant=d.applicant.full_name, dossier=d.code),
            paths))


def add_detail_buttons(detail, layout) -> _DetailButtons | None:
    """The detail's one hook line. Without a person or a job runner there is nothing to offer."""
    if getattr(detail, "session", None) is None or getattr(detail, "jobs", None) is None:
        return None
    detail.signing_buttons = _DetailButtons(detail, layout)
    return detail.signing_buttons
