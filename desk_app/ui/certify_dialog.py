"""Chứng thực bản sao điện tử từ bản chính: the scanned original → the certified, signed copy.

The officer picks the scanned original (a PDF file, or a dossier's scan handed in by the
dossier detail), types what the document is and who asks; the dialog shows the page count, the
fee per page with its cap, and a preview of the statement that will be written on the copy
(the next number of this desk's book, the book, the date, the certifier). "Chứng thực và ký"
runs ``registry.call("certify", …)`` on the JobRunner: the officer's PIN, the number registered
durably in the book just before signing, the copy signed; then, when the commune's certificate
is chosen, the organisation's signature on the văn thư's token (``sign files``, a second PIN).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from desk_app.ui import dialogs, i18n, labels, signing_access
from desk_app.ui.qt import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desk_app.ui.signing_dialog import CertificatesModel, _view, fit_dialog, run_job

__all__ = ["CertifyDialog", "open_certify"]


def _pages(path: Path) -> int:
    """The page count of a PDF (QtPdf); 0 when it cannot be read."""
    from desk_app.ui.qt import QPdfDocument

    doc = QPdfDocument()
    doc.load(str(path))
    n = doc.pageCount() if doc.status() == QPdfDocument.Status.Ready else 0
    doc.close()
    return max(0, n)


class CertifyDialog(QDialog):
    """See the module docstring."""

    certified = Signal(object)        # {"copy": CertifiedCopy, "final": Path} or the exception
    tokens_loaded = Signal(int)

    def __init__(self, ctx: Any, session: Any, jobs: Any, parent: QWidget | None = None, *,
                 scan: Path | None = None, lib: str | None = None, out_dir: Path | None = None,
                 handler: Any = None, applicant: str = "", document: str = "",
                 dossier: str | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.jobs = ctx, session, jobs
        if handler is None:
            from desk_app.ui.device_handler import QtDeviceHandler

            handler = QtDeviceHandler(self)
        self.handler = handler
        self.handle = None
        self.result = None
        self.error: BaseException | None = None
        self.scan: Path | None = None
        self.pages = 0
        self.dossier = dossier
        self.next_number: int | None = None
        self.book = signing_access.book_for(ctx)
        self.lib = lib if lib is not None else signing_access.pkcs11_lib(ctx)
        self.setObjectName("certifyDialog")
        self.setWindowTitle(self.tr("Electronic certified copy from the original"))

        self.scan_edit = QLineEdit(self)
        self.scan_edit.setObjectName("scanFile")
        self.scan_edit.setReadOnly(True)
        self.scan_edit.setPlaceholderText(self.tr("The scanned original (PDF)"))
        pick = QPushButton(self.tr("Choose the scan…"), self)
        pick.setObjectName("chooseScan")
        pick.setAutoDefault(False)
        pick.clicked.connect(self.choose_scan)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_edit, 1)
        scan_row.addWidget(pick)
        self.document = QLineEdit(document, self)
        self.document.setObjectName("documentName")
        self.document.setPlaceholderText(self.tr("e.g. Giấy khai sinh bản chính số 123"))
        self.applicant = QLineEdit(applicant, self)
        self.applicant.setObjectName("applicantName")
        self.pages_label = QLabel("—", self)
        self.pages_label.setObjectName("pageCount")
        first, later, cap = signing_access.fee_rule()
        self.fee_label = QLabel("—", self)
        self.fee_label.setObjectName("fee")
        self.fee_rule = QLabel(self.tr("%1 per page for pages 1–2, %2 per page from the third, at "
                                       "most %3 per copy")
                               .replace("%1", labels.money(first)).replace("%2", labels.money(later))
                               .replace("%3", labels.money(cap)), self)
        self.fee_rule.setObjectName("feeRule")
        self.fee_rule.setWordWrap(True)
        self.fee_rule.setStyleSheet("color: #555;")

        self.officer_certs = CertificatesModel(self)
        self.officer_view = _view(self.officer_certs, self, "officerCertificates")
        self.officer_view.setMinimumHeight(72)
        self.officer_view.selectionModel().selectionChanged.connect(self._refresh_preview)
        self.org_combo = QComboBox(self)
        self.org_combo.setObjectName("orgCertificate")
        self.org_combo.addItem(self.tr("(none now: the văn thư adds it later)"), None)

        self.out_edit = QLineEdit(str(out_dir) if out_dir else "", self)
        self.out_edit.setObjectName("copyOutDir")
        self.out_edit.setPlaceholderText(self.tr("Folder for the certified copy"))
        out_browse = QPushButton(self.tr("Folder…"), self)
        out_browse.setAutoDefault(False)
        out_browse.clicked.connect(self._choose_out)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(out_browse)

        form = QFormLayout()
        form.setVerticalSpacing(4)
        form.addRow(self.tr("Scanned original:"), scan_row)
        form.addRow(self.tr("Document:"), self.document)
        form.addRow(self.tr("Requested by:"), self.applicant)
        fee_row = QHBoxLayout()
        fee_row.addWidget(self.pages_label)
        fee_row.addSpacing(16)
        fee_row.addWidget(QLabel(self.tr("Fee:"), self))
        fee_row.addWidget(self.fee_label)
        fee_row.addSpacing(12)
        fee_row.addWidget(self.fee_rule, 1)
        form.addRow(self.tr("Pages:"), fee_row)
        form.addRow(self.tr("Commune's signature:"), self.org_combo)
        form.addRow(self.tr("Save in:"), out_row)

        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("statementPreview")
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(110)
        self.status = QLabel(self)
        self.status.setObjectName("certifyStatus")
        self.status.setWordWrap(True)
        self.sign_button = QPushButton(self.tr("Certify and sign"), self)
        self.sign_button.setObjectName("certifyButton")
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.start)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setSpacing(5)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("The officer's certificate:"), self))
        layout.addWidget(self.officer_view, 1)
        layout.addWidget(QLabel(self.tr("Statement written on the copy (preview; the number is "
                                        "given when signing):"), self))
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        for w in (self.document, self.applicant, self.out_edit):
            w.textChanged.connect(lambda _t: self._update_buttons())
        fm = self.fontMetrics()
        h = self.officer_view.horizontalHeader()
        for col, sample in ((0, "Nguyễn Văn Bình Nguyễn"), (1, "UBND xã An Bình xã"),
                            (2, "Test Issuing CA"), (3, "31/12/2030"), (4, "HẾT HẠN — không được ký")):
            h.resizeSection(col, fm.horizontalAdvance(sample) + 16)
        fit_dialog(self, 960, 680)
        if scan is not None:
            self.set_scan(Path(scan))
        self._refresh_preview()
        self.load_book()
        if self.lib:
            self.refresh_tokens()

    # -- inputs ---------------------------------------------------------------------------------
    def choose_scan(self) -> None:
        path = dialogs.open_file(self, self.tr("The scanned original"), self.tr("PDF (*.pdf)"))
        if path is not None:
            self.set_scan(path)

    def set_scan(self, path: Path) -> None:
        self.scan = Path(path)
        self.scan_edit.setText(str(self.scan))
        self.pages = _pages(self.scan)
        if not self.out_edit.text():
            self.out_edit.setText(str(self.scan.parent / "ban-sao-chung-thuc"))
        if self.pages:
            self.pages_label.setText(self.tr("%1 page(s)").replace("%1", str(self.pages)))
            self.fee_label.setText(labels.money(signing_access.fee(self.pages)))
            self._say("")
        else:
            self.pages_label.setText("—")
            self.fee_label.setText("—")
            self._say(self.tr("This file cannot be read as a PDF: choose the scanned original "
                              "again."), error=True)
        self._refresh_preview()

    def _choose_out(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Folder for the certified copy"),
                                                self.out_edit.text() or str(Path.home()),
                                                dialogs.OPTIONS)
        if name:
            self.out_edit.setText(name)

    def selected_officer(self):
        rows = self.officer_view.selectionModel().selectedRows()
        if not rows:
            return None
        r = self.officer_certs.rows[rows[0].row()]
        return r if r.usable else None

    # -- tokens ----------------------------------------------------------------------------------
    def refresh_tokens(self) -> None:
        lib = self.lib

        def done(rows) -> None:
            self.officer_certs.set_rows(rows)
            self.org_combo.clear()
            self.org_combo.addItem(self.tr("(none now: the văn thư adds it later)"), None)
            usable = [r for r in rows if r.usable]
            for r in usable:
                self.org_combo.addItem(f"{r.common_name} — {r.token_label}", r)
            people = [i for i, r in enumerate(rows) if r.usable and r.common_name != r.organisation]
            if people:
                self.officer_view.selectRow(people[0])
            orgs = [i for i, r in enumerate(usable) if r.common_name == r.organisation]
            if orgs:
                self.org_combo.setCurrentIndex(orgs[0] + 1)
            self._refresh_preview()
            self.tokens_loaded.emit(len(rows))

        def failed(exc: BaseException) -> None:
            self._say(i18n.error_text(exc), error=True)
            self.tokens_loaded.emit(-1)

        run_job(self.jobs, lambda _w, _p, _c: signing_access.tokens(lib), on_done=done, on_error=failed,
                      title_vi="Tìm thiết bị ký số", title_en="Looking for tokens",
                      show_progress=False, cancellable=False, needs_store=False)

    # -- preview ---------------------------------------------------------------------------------
    def _call(self, wctx, name: str, **params):
        from desk_app.services import registry
        from desk_app.services.session import Session

        return registry.call(name, Session(wctx, self.session.user, "gui"), **params)

    book_loaded = Signal(int)         # the number the next certification gets

    def load_book(self) -> None:
        """The next number of this desk's book this year (``certbook list`` on the JobRunner)."""
        from desk_app.domain.localtime import VN_TZ

        year, book, call = datetime.now(VN_TZ).year, self.book, self._call

        def done(entries) -> None:
            self.next_number = signing_access.next_number(list(entries), book, year)
            self._refresh_preview()
            self.book_loaded.emit(self.next_number)

        run_job(self.jobs, lambda wctx, _p, _c: call(wctx, "certbook list", year=year, book=book),
                on_done=done, on_error=self._failed_quietly, title_vi="Đọc sổ chứng thực",
                title_en="Reading the book", show_progress=False, cancellable=False)

    def _failed_quietly(self, exc: BaseException) -> None:
        self._say(i18n.error_text(exc), error=True)

    def _refresh_preview(self, *_a) -> None:
        officer = self.selected_officer()
        certifier = officer.common_name if officer else self.tr("(the officer)")
        if self.next_number is None:
            self.preview.setPlainText(self.tr("Reading the book…"))
            self._update_buttons()
            return
        try:
            p = signing_access.next_entry(self.next_number, self.book, certifier=certifier,
                                          pages=max(1, self.pages))
        except Exception as exc:  # noqa: BLE001 — shown, never fatal to the dialog
            self.preview.setPlainText(i18n.error_text(exc))
            return
        self.preview_number = p.number
        self.preview.setPlainText(p.statement if self.pages else p.statement.rsplit("\n", 1)[0])
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.handle is not None and self.handle.state in ("queued", "running")
        self.sign_button.setEnabled(not busy and self.scan is not None and self.pages > 0
                                    and self.selected_officer() is not None
                                    and bool(self.document.text().strip())
                                    and bool(self.applicant.text().strip())
                                    and bool(self.out_edit.text().strip()))
        self.close_button.setEnabled(not busy)

    # -- certify ---------------------------------------------------------------------------------
    def start(self) -> None:
        officer = self.selected_officer()
        if officer is None or self.scan is None:
            return
        org = self.org_combo.currentData()
        handler, call = self.handler, self._call
        out = Path(self.out_edit.text().strip())
        params = dict(pkcs11_lib=officer.lib, token_label=officer.token_label,
                      cert_subject=officer.subject, scan=self.scan, out_dir=out / "can-bo-ky",
                      book=self.book, document=self.document.text().strip(),
                      applicant=self.applicant.text().strip(), dossier=self.dossier)

        def job(wctx, progress, cancel):
            record = call(wctx, "certify", **params, handler=handler)
            final, problem = record.output, ""
            if org is not None:
                token = dict(pkcs11_lib=org.lib, token_label=org.token_label,
                             cert_subject=org.subject, handler=handler, progress=progress,
                             cancel=cancel)
                if record.attachment_id is not None:       # the dossier's copy: a new version
                    rep = call(wctx, "dossier sign", targets=[str(record.attachment_id)], **token)
                else:
                    rep = call(wctx, "sign files", out_dir=out, files=[record.output], **token)
                if rep.signed:
                    s = rep.signed[0]
                    final = getattr(s, "output", None) or out / s.filename
                    if getattr(s, "output", None) is None:      # the version lives in the dossier
                        final = None
                else:
                    problem = rep.summary(i18n.current_language())
            return {"copy": record, "final": final, "org_problem": problem,
                    "org_signed": org is not None and not problem}

        self.result, self.error = None, None
        self._say(self.tr("Opening the token — enter the PIN when asked…"))
        self.handle = run_job(self.jobs, job, on_done=self._done, on_error=self._failed,
                                    title_vi="Chứng thực bản sao", title_en="Certifying a copy",
                                    cancellable=False)
        self._update_buttons()

    def _done(self, result) -> None:
        self.result = result
        copy = result["copy"]
        e = copy.entry
        where = str(result["final"]) if result["final"] else self.tr("dossier %1").replace(
            "%1", self.dossier or "")
        text = (self.tr("Certified: %1. Fee %2. Copy: %3")
                .replace("%1", e.label).replace("%2", labels.money(e.fee)).replace("%3", where))
        if result["org_problem"]:
            text += " — " + self.tr("the commune's signature was not added: %1").replace(
                "%1", result["org_problem"])
        self.preview.setPlainText(copy.statement)
        self.next_number = e.number + 1
        self._say(text, error=bool(result["org_problem"]))
        self._update_buttons()
        self.certified.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        self._say(i18n.error_text(exc), error=True)
        self.load_book()                   # a refused login used no number: show it again
        self._update_buttons()
        self.certified.emit(exc)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b3261e; font-weight: bold;" if error else "")
        self.status.setText(text)

    def reject(self) -> None:
        if self.handle is not None and self.handle.state in ("queued", "running"):
            return
        super().reject()


def open_certify(window, scan: Path | None = None, **kwargs) -> CertifyDialog:
    """The menu's / the dossier detail's way in (``dossier=CODE``: the copy joins that dossier)."""
    dlg = CertifyDialog(window.ctx, window.session, window.jobs, window, scan=scan, **kwargs)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


