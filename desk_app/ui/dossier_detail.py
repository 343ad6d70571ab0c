"""One dossier in full: fields, components, attachments, events, sync state, reprint buttons.

A view of ``dossiers.get``; the print buttons render the form that fits the dossier's
status from the stored dossier through ``services.intake.receipt`` (never from what a form once
showed): Mẫu 01 for a received dossier, Mẫu 02 only for a supplement request, Mẫu 03 only for
a refusal; the control slip (Mẫu 06) once the dossier was handed over, Mẫu 04 after a delay and
Mẫu 05 after a stop (``services.workflow.printing``). A preview stores nothing; printing it, or
saving the PDF, keeps the copy with the dossier. Rendering runs on the main window's JobRunner
when there is one.

Issue 16: the lifecycle actions (hand over, supplement, delay, result, return, refuse, stop,
withdraw) are the buttons of ``workflow_actions.WorkflowBar``, enabled by the person's role; after
one succeeds the window reloads the dossier. The fields sit in a scroll area so the window fits
1024×600.
"""
from __future__ import annotations

from desk_app.domain.errors import DeskError
from desk_app.domain.models import Dossier
from desk_app.services.intake import receipt
from desk_app.services.context import DeskContext
from desk_app.ui import dialogs, i18n, labels, receipt_preview
from desk_app.ui.qt import (
    QAbstractTableModel,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QModelIndex,
    QPersistentModelIndex,
    QPushButton,
    QScrollArea,
    Qt,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A small read-only table of pre-formatted strings (components, attachments, events)."""

    def __init__(self, headers: list[str], rows: list[list[str]], parent=None) -> None:
        super().__init__(parent)
        self._headers = headers
        self._rows = rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return self._headers[section] if 0 <= section < len(self._headers) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self._rows[index.row()]
            return row[index.column()] if 0 <= index.column() < len(row) else None
        return None


def _table(model: QAbstractTableModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    return view


class DossierDetail(QDialog):
    #: A lifecycle step changed the dossier (the main window may reload its list).
    dossier_changed = Signal(object)

    def __init__(self, ctx: DeskContext, dossier: Dossier, parent: QWidget | None = None, *, jobs=None,
                 session=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = jobs if jobs is not None else getattr(parent, "jobs", None)
        self.session = session if session is not None else getattr(parent, "session", None)
        self.dossier = dossier
        self.preview_dialog = None
        self.setObjectName("dossierDetail")
        self.setWindowTitle(self.tr("Dossier %1").replace("%1", dossier.code))
        d = dossier
        self.message = QLabel(self)
        self.message.setObjectName("detailMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        form = QFormLayout()
        rows = [
            (self.tr("Dossier code:"), d.code),
            (self.tr("Procedure:"), f"{d.procedure_code} · {d.procedure_name}"),
            (self.tr("Applicant:"), f"{d.applicant.full_name} · {d.applicant.id_number}"),
            (self.tr("Address:"), d.applicant.address),
            (self.tr("Phone:"), d.applicant.phone),
            (self.tr("On behalf of:"), d.on_behalf_of),
            (self.tr("Received:"), labels.when(d.received_at)),
            (self.tr("Due:"), labels.when(d.due_at)),
            (self.tr("Status:"), labels.status_label(d.status)),
            (self.tr("Result delivered:"), labels.delivery_label(d.delivery)
             + (f" — {d.delivery_address}" if d.delivery_address else "")),
            (self.tr("Fee:"), labels.money(d.fee_amount) + (f" — {d.fee_note}" if d.fee_note else "")),
            (self.tr("Clerk:"), d.clerk),
            (self.tr("Sync:"), labels.sync_label(d)),
        ]
        if d.note:
            rows.append((self.tr("Note:"), d.note))
        self.values: list[QLabel] = []
        for title, value in rows:
            label = QLabel(value, self)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            form.addRow(title, label)
            self.values.append(label)
        self.sync_value = self.values[12]
        self.sync_value.setObjectName("syncState")
        self.due_value, self.status_value = self.values[7], self.values[8]
        self.due_value.setObjectName("detailDue")
        self.status_value.setObjectName("detailStatus")

        tabs = QTabWidget(self)
        self.tabs = tabs
        self.components_model = RowsModel(
            [self.tr("No."), self.tr("Component"), self.tr("Form"), self.tr("Qty")],
            [[str(c.seq), c.name, labels.form_label(c.form), str(c.quantity)] for c in d.components], self)
        self.attachments_model = RowsModel(
            [self.tr("File"), self.tr("Kind"), self.tr("Size"), self.tr("SHA-256")],
            [[a.filename, labels.attachment_kind_label(a.kind, a.filename), f"{a.size:,}".replace(",", "."),
              a.sha256[:16] + "…"] for a in d.attachments],
            self)
        self.events_model = RowsModel(
            [self.tr("Time"), self.tr("By"), self.tr("From"), self.tr("To"), self.tr("Note")],
            [[labels.when(e.at), e.actor, labels.status_label(e.from_status) if e.from_status else "",
              labels.status_label(e.to_status), e.note] for e in d.events], self)
        tabs.addTab(_table(self.components_model, self), self.tr("Components (%1)").replace("%1", str(len(d.components))))
        tabs.addTab(_table(self.attachments_model, self), self.tr("Files (%1)").replace("%1", str(len(d.attachments))))
        tabs.addTab(_table(self.events_model, self), self.tr("History (%1)").replace("%1", str(len(d.events))))

        buttons = QHBoxLayout()
        self.reprint_buttons: dict[str, QPushButton] = {}
        self.kind = form_kind_for(d)
        self._events = ()
        try:
            from desk_app.services.workflow import lifecycle

            self._events = lifecycle.history(ctx, d.code)[2]
        except DeskError:
            pass
        text = {"01": self.tr("Reprint form 01 (receipt)"), "02": self.tr("Print form 02 (supplement)"),
                "03": self.tr("Print form 03 (refusal)")}[self.kind]
        b = QPushButton(text, self)
        b.setObjectName(f"reprint{self.kind}")
        b.setAutoDefault(False)
        b.clicked.connect(lambda _=False: self.reprint(self.kind))
        buttons.addWidget(b)
        self.reprint_buttons[self.kind] = b
        self.pdf_button = QPushButton(self.tr("Save PDF…"), self)
        self.pdf_button.setObjectName("detailSavePdf")
        self.pdf_button.setAutoDefault(False)
        self.pdf_button.clicked.connect(lambda: self.save_pdf(self.kind))
        buttons.addWidget(self.pdf_button)
        self.more_forms: dict[str, QPushButton] = {}
        for kind, text in (("04", self.tr("Form 04 (apology)")), ("05", self.tr("Form 05 (stop)")),
                           ("06", self.tr("Form 06 (control slip)"))):
            b = QPushButton(text, self)
            b.setObjectName(f"form{kind}")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, k=kind: self.reprint(k))
            buttons.addWidget(b)
            self.more_forms[kind] = b
        self._show_more_forms()
        from desk_app.ui.signing_menu import add_detail_buttons  # issue 15: sign / check / certify
        add_detail_buttons(self, buttons)
        self.scan_button = QPushButton(self.tr("Scan / attach…"), self)  # issue 14
        self.scan_button.setObjectName("detailScan")
        self.scan_button.setAutoDefault(False)
        self.scan_button.clicked.connect(self.scan_and_attach)
        buttons.addWidget(self.scan_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        fields = QWidget(self)
        fields.setLayout(form)
        scroll = QScrollArea(self)
        scroll.setObjectName("detailFields")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(fields)
        layout.addWidget(scroll, 1)
        self.workflow = None
        if self.session is not None:
            from desk_app.ui.workflow_actions import WorkflowBar

            self.workflow = WorkflowBar(ctx, d, self.session, self.jobs, self)
            self.workflow.changed.connect(self._after_step)
            layout.addWidget(self.workflow)
        layout.addWidget(tabs, 1)
        layout.addLayout(buttons)
        self.fit_to_screen()

    def scan_and_attach(self):
        """Issue 14: scan or import pages onto a component of this dossier."""
        from desk_app.ui.scan_session_attach import open_for_dossier

        return open_for_dossier(self)

    def _show_more_forms(self) -> None:
        kinds = {e.kind for e in getattr(self, "_events", ())}
        status = self.dossier.status.value if hasattr(self.dossier.status, "value") else str(self.dossier.status)
        events = self.dossier.events
        handed = any(e.from_status is not None for e in events)
        delayed = "delay" in kinds
        for kind, b in self.more_forms.items():
            b.setVisible({"04": delayed, "05": status == "stopped", "06": handed}[kind])

    def _after_step(self, outcome) -> None:
        """A lifecycle step succeeded: show the dossier as stored now."""
        from desk_app.services import dossiers
        from desk_app.services.workflow import lifecycle

        try:
            d = dossiers.get(self.ctx, self.dossier.code)
            self._events = lifecycle.history(self.ctx, d.code)[2]
        except DeskError as exc:
            self._show_message(i18n.error_text(exc))
            return
        self.dossier = d
        self.status_value.setText(labels.status_label(d.status))
        self.due_value.setText(labels.when(d.due_at))
        self.events_model.beginResetModel()
        self.events_model._rows = [[labels.when(e.at), e.actor,
                                    labels.status_label(e.from_status) if e.from_status else "",
                                    labels.status_label(e.to_status), e.note] for e in d.events]
        self.events_model.endResetModel()
        self.attachments_model.beginResetModel()
        self.attachments_model._rows = [[a.filename, labels.attachment_kind_label(a.kind, a.filename),
                                         f"{a.size:,}".replace(",", "."), a.sha256[:16] + "…"]
                                        for a in d.attachments]
        self.attachments_model.endResetModel()
        self.tabs.setTabText(2, self.tr("History (%1)").replace("%1", str(len(d.events))))
        self.tabs.setTabText(1, self.tr("Files (%1)").replace("%1", str(len(d.attachments))))
        if self.workflow is not None:
            self.workflow.set_dossier(d)
        self._show_more_forms()
        msg = getattr(outcome, "message_vi" if i18n.current_language() == "vi" else "message_en", "")
        if msg:
            self.message.setStyleSheet("")
            self.message.setText(msg)
            self.message.show()
        self.step_done = outcome
        self.dossier_changed.emit(d)

    def fit_to_screen(self) -> None:
        host = self.parentWidget()
        screen = (host.screen() if host is not None else None) or self.screen()
        avail = screen.availableGeometry()
        w, h = min(1000, avail.width() - 16), min(720, avail.height() - 40)
        self.setGeometry(avail.x() + (avail.width() - w) // 2, avail.y() + max(32, (avail.height() - h) // 2), w, h)

    def _show_message(self, text: str) -> None:
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setText(text)
        self.message.show()

    def _run(self, fn, on_done) -> None:
        """``fn(wctx, progress, cancel)`` on the JobRunner (inline without one)."""
        on_error = lambda exc: self._show_message(i18n.error_text(exc))  # noqa: E731
        if self.jobs is not None:
            self.jobs.run(fn, on_done=on_done, on_error=on_error, title_vi="Đang tạo mẫu in",
                          title_en="Rendering the form", cancellable=False)
            return
        try:
            result = fn(self.ctx, lambda _p: None, None)
        except Exception as exc:  # noqa: BLE001 — shown to the clerk
            on_error(exc)
            return
        on_done(result)

    def _render(self, kind: str) -> bytes | None:
        """The PDF for a preview, NOT stored with the dossier."""
        try:
            return _forms().render(self.ctx, self.dossier.code, kind, store_as_attachment=False)
        except DeskError as exc:
            self._show_message(i18n.error_text(exc))
            return None

    def reprint(self, kind: str | None = None) -> None:
        """Preview the form the dossier's status calls for (a refused dossier has no Mẫu 01)."""
        if kind in getattr(self, "more_forms", {}):
            return self._preview_more(kind)
        kind = kind if kind in self.reprint_buttons else self.kind
        code = self.dossier.code

        def done(pdf: bytes) -> None:
            title = self.tr("Print preview — form %1 — %2").replace("%1", kind).replace("%2", code)
            self.preview_dialog = receipt_preview.preview(self, pdf, title)
            self.preview_dialog.printed.connect(lambda: self._keep(kind, pdf))
        self._run(lambda wctx, progress, cancel: _forms().render(wctx, code, kind, store_as_attachment=False), done)

    def _preview_more(self, kind: str) -> None:
        """Mẫu 04/05/06 from the dossier's events (``services.workflow.printing``)."""
        code = self.dossier.code

        def render(wctx, progress, cancel):
            from desk_app.services.workflow import printing

            return printing.render(wctx, code, kind, store_as_attachment=False)

        def done(pdf: bytes) -> None:
            title = self.tr("Print preview — form %1 — %2").replace("%1", kind).replace("%2", code)
            self.preview_dialog = receipt_preview.preview(self, pdf, title)
            self.preview_dialog.printed.connect(lambda: self._keep(kind, pdf))
            self.last_pdf = pdf
        self._run(render, done)

    def _keep(self, kind: str, pdf: bytes) -> None:
        dossier = self.dossier
        if kind in ("04", "05", "06"):
            self._run(lambda wctx, progress, cancel: _forms().store_pdf(wctx, dossier, kind, pdf),
                      lambda _sha: None)
            return
        self._run(lambda wctx, progress, cancel: receipt.store_pdf(wctx, dossier, kind, pdf), lambda _sha: None)

    def save_pdf(self, kind: str | None = None) -> None:
        kind = kind if kind in self.reprint_buttons else self.kind
        code = self.dossier.code
        target = dialogs.save_file(self, self.tr("Save receipt as PDF"), f"{code}-mau{kind}.pdf",
                                   self.tr("PDF (*.pdf)"))
        if target is None:
            return

        def job(wctx, progress, cancel):
            pdf = _forms().render(wctx, code, kind, store_as_attachment=True)
            try:
                target.write_bytes(pdf)
            except OSError as exc:
                from desk_app.domain.errors import StorageError
                raise StorageError("pdf_write_failed", f"Không ghi được {target}: {exc.strerror or exc}",
                                   f"Could not write {target}: {exc.strerror or exc}") from exc
            return target
        self._run(job, lambda _t: None)


def _forms():
    """Forms 01–07 from the store (Mẫu 01 keeps the first appointment after a delay)."""
    from desk_app.services.workflow import printing

    return printing


def form_kind_for(d: Dossier) -> str:
    """The one form a dossier's status calls for: 03 refused, 02 waiting for a supplement, else 01."""
    status = d.status.value if hasattr(d.status, "value") else str(d.status)
    return {"refused": "03", "waiting_supplement": "02"}.get(status, "01")
