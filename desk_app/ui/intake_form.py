"""The intake screen: receive one dossier at the desk, keyboard first.

Flow (Enter advances, Tab order follows it): procedure finder → "scan CCCD QR" field (a USB 2D
reader types the payload and Enter) → applicant fields → components checklist (Space ticks,
Ctrl+O attaches scans to the current row) → delivery → Save (Ctrl+S / Ctrl+Enter).

The body (blocks 1–4) scrolls; the banner, the result line and the buttons stay outside it, so
Lưu / In are reachable at 1024×600. The dialog opens at a size that fits the screen it is on.

Saving, refusing and rendering a receipt run on the main window's JobRunner (worker thread, its
own store connection): "Đã lưu" appears only in ``on_done``, after the durable commit; while a
save runs the Save button is disabled; any failure shows one Vietnamese line and keeps
everything typed. Save checks EVERYTHING and marks every wrong field at once.
"""
from __future__ import annotations

import logging
import uuid
from pathlib import Path

from desk_app.domain.errors import DeskError
from desk_app.domain.models import Dossier, Procedure
from desk_app.services import catalog, intake
from desk_app.services.context import DeskContext
from desk_app.services.intake import receipt
from desk_app.ui import dialogs, i18n, labels, receipt_preview
from desk_app.ui.intake_applicant import ApplicantPart
from desk_app.ui.intake_components import ComponentsPart
from desk_app.ui.intake_delivery import DeliveryPart
from desk_app.ui.intake_refuse import RefuseDialog
from desk_app.ui.procedure_finder import ProcedureFinder
from desk_app.ui.qt import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QEvent,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMessageBox,
    QObject,
    QPushButton,
    QRect,
    QScrollArea,
    QShortcut,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

__all__ = ["IntakeForm", "RefuseDialog"]

log = logging.getLogger(__name__)
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b6e2a; font-weight: bold;"
# The size the screen opens at when there is room (1366×768 and up); smaller screens get what
# they have. Never larger than the screen's available area.
PREFERRED_SIZE = (1360, 860)
FRAME_ALLOWANCE = (16, 40)   # window-manager border and title bar


def fitting_geometry(available: QRect, preferred: tuple[int, int] = PREFERRED_SIZE) -> QRect:
    """The dialog's client rectangle for a screen's available area: the preferred size when it
    fits, else the available area minus the window frame; centred."""
    w = min(preferred[0], available.width() - FRAME_ALLOWANCE[0])
    h = min(preferred[1], available.height() - FRAME_ALLOWANCE[1])
    x = available.x() + (available.width() - w) // 2
    y = available.y() + max(FRAME_ALLOWANCE[1] - 8, (available.height() - h) // 2)
    return QRect(x, y, w, h)


class IntakeForm(QDialog):
    """Receive one dossier. Emits ``saved(Dossier)`` after the durable commit."""

    saved = Signal(object)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, jobs=None, session=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = session if session is not None else getattr(parent, "session", None)
        self.jobs = jobs if jobs is not None else getattr(parent, "jobs", None)
        self.setObjectName("intakeForm")
        self.setWindowTitle(self.tr("New intake"))
        self.procedure: Procedure | None = None
        self.dossier: Dossier | None = None
        self.refuse_dialog: RefuseDialog | None = None
        self.preview_dialog = None
        self.saving = False
        self._request_id = str(uuid.uuid4())
        self._confirmed_name: str | None = None     # the name the clerk confirmed as a change
        self.name_box: QMessageBox | None = None
        self._build()
        self._wire()
        self.fit_to_screen()
        self.finder.setFocus()

    # --- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        body = QWidget()
        body.setObjectName("intakeBody")
        # 1. procedure
        self.finder = ProcedureFinder(lambda text: catalog.search_procedures(self.ctx, text, limit=8), body)
        self.procedure_info = QLabel(self.tr("No procedure chosen yet."), body)
        self.procedure_info.setObjectName("procedureInfo")
        self.procedure_info.setWordWrap(True)
        self.procedure_error = QLabel(body)
        self.procedure_error.setObjectName("procedureError")
        self.procedure_error.setStyleSheet(ERROR_STYLE)
        self.procedure_error.setWordWrap(True)
        self.procedure_error.hide()
        box1 = QGroupBox(self.tr("1. Procedure (Alt+1)"), body)
        l1 = QVBoxLayout(box1)
        l1.addWidget(self.finder)
        l1.addWidget(self.procedure_info)
        l1.addWidget(self.procedure_error)

        self.applicant_part = ApplicantPart(self.ctx, body)
        self.components_part = ComponentsPart(body)
        self.delivery_part = DeliveryPart(self.ctx, body)
        self.delivery_part.address_source = lambda: self.address.text()
        self._alias_parts()

        left = QVBoxLayout()
        left.addWidget(box1)
        left.addWidget(self.applicant_part)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.components_part, 1)
        right.addWidget(self.delivery_part)
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 4, 0)
        columns.addLayout(left, 4)
        columns.addLayout(right, 5)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("intakeScroll")
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body = body

        # result + buttons: outside the scroll area, always on screen
        self.result = QLabel(self)
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.setStyleSheet(OK_STYLE)
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"), self)
        self.save_button.setObjectName("save")
        self.refuse_button = QPushButton(self.tr("Refuse / ask for supplement…"), self)
        self.refuse_button.setObjectName("refuse")
        self.print_button = QPushButton(self.tr("Print receipt (Ctrl+P)"), self)
        self.print_button.setObjectName("print")
        self.pdf_button = QPushButton(self.tr("Save PDF… (Ctrl+Shift+S)"), self)
        self.pdf_button.setObjectName("savePdf")
        self.new_button = QPushButton(self.tr("Next dossier (Ctrl+N)"), self)
        self.new_button.setObjectName("new")
        for b in (self.print_button, self.pdf_button, self.new_button):
            b.setEnabled(False)
        buttons = QHBoxLayout()
        for b in (self.save_button, self.refuse_button, self.print_button, self.pdf_button, self.new_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.result)
        layout.addLayout(buttons)

        order = [self.finder.edit, *self.applicant_part.inputs(), self.table, self.attach_button,
                 *self.delivery_part.inputs(), self.save_button, self.refuse_button, self.print_button,
                 self.pdf_button, self.new_button]
        for a, b in zip(order, order[1:]):
            QWidget.setTabOrder(a, b)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self._enter_advances = [self.id_number, self.full_name, self.birth_date, self.sex, self.address,
                                self.phone, self.email, self.on_behalf, *self.delivery_part.inputs()]

    def _alias_parts(self) -> None:
        """The parts' widgets under the names the rest of the app (and the tests) use."""
        a, c, d = self.applicant_part, self.components_part, self.delivery_part
        for name in ("qr", "qr_image", "qr_error", "id_number", "id_error", "full_name", "name_error",
                     "birth_date", "birth_error", "sex", "address", "phone", "phone_error", "email",
                     "email_error", "on_behalf"):
            setattr(self, name, getattr(a, name))
        self.applicant_note = a.note
        self.components, self.table, self.attach_button = c.model, c.table, c.attach_button
        self.components_error = c.error
        for name in ("delivery", "postal_address", "sets", "pages", "fee"):
            setattr(self, name, getattr(d, name))

    def fit_to_screen(self, available: QRect | None = None) -> QRect:
        """Open at a size that fits the screen (never 1280×700 on a 1024×600 screen)."""
        if available is None:
            host = self.parentWidget()
            screen = (host.screen() if host is not None else None) or QApplication.primaryScreen()
            available = screen.availableGeometry()
        geo = fitting_geometry(available)
        self.setGeometry(geo)
        return geo

    def _shortcut(self, keys: str, slot) -> QShortcut:
        sc = QShortcut(QKeySequence(keys), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(slot)
        return sc

    def _wire(self) -> None:
        self.finder.picked.connect(self._on_procedure)
        self.finder.qr_scanned.connect(self._on_qr_in_search)
        self.applicant_part.filled.connect(lambda: self.phone.setFocus())
        self.attach_button.clicked.connect(self.attach_files)
        self.components_part.enable_scanning(  # issue 14: "Quét…" per component, "never scan twice"
            self.ctx.data_dir, is_admin=getattr(getattr(getattr(self.session, "user", None), "role", None), "value", "") == "admin",
            ctx=self.ctx, jobs=self.jobs, session=self.session, id_edit=self.id_number,
            procedure=lambda: self.procedure.code if self.procedure else "",
            apply_card=self.applicant_part.apply_qr_payload)
        self.saved.connect(self.components_part.after_saved)
        self.components.dataChanged.connect(self._recheck_components)
        self.save_button.clicked.connect(self.save)
        self.refuse_button.clicked.connect(self.ask_refuse)
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.new_button.clicked.connect(self.reset)
        self._shortcut("Ctrl+S", self.save)
        self._shortcut("Ctrl+Return", self.save)
        self._shortcut("Ctrl+Enter", self.save)
        self._shortcut("Ctrl+O", self.attach_files)
        self._shortcut("Ctrl+P", self.print_receipt)
        self._shortcut("Ctrl+Shift+S", self.save_pdf)
        self._shortcut("Ctrl+N", self.reset)
        self._shortcut("Alt+1", lambda: self._focus(self.finder.edit))
        self._shortcut("Alt+2", lambda: self._focus(self.qr))
        self._shortcut("Alt+3", self._focus_components)
        self._shortcut("Alt+4", lambda: self._focus(self.delivery))
        for w in self._enter_advances:
            w.installEventFilter(self)
        self.table.installEventFilter(self)

    def _focus(self, widget: QWidget) -> None:
        widget.setFocus()
        self.scroll.ensureWidgetVisible(widget)

    def keyPressEvent(self, event) -> None:
        """Enter never "clicks" a button behind the clerk's back (QDialog's default-button rule)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton) and focus.isEnabled():
                focus.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if obj is self.table:
                if self.table.state() != QAbstractItemView.State.EditingState:
                    self.attach_button.setFocus()
                    return True
            elif obj in self._enter_advances:
                if isinstance(obj, QComboBox) and obj.view().isVisible():
                    return False
                self.focusNextChild()
                self.scroll.ensureWidgetVisible(self.focusWidget() or obj)
                return True
        return super().eventFilter(obj, event)

    # --- banner ------------------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.banner.setStyleSheet("background: #fde7e9; " + ERROR_STYLE + " padding: 6px;")
        self.banner.setText(text)
        self.banner.show()

    def show_info(self, text: str) -> None:
        self.banner.setStyleSheet("background: #e6f4ea; color: #1b6e2a; padding: 6px;")
        self.banner.setText(text)
        self.banner.show()

    def clear_banner(self) -> None:
        self.banner.hide()
        self.banner.clear()

    # --- jobs ----------------------------------------------------------------------------------
    def _run(self, fn, *, on_done, on_error, title_vi: str, title_en: str) -> None:
        """``fn(wctx, progress, cancel)`` on the JobRunner's worker; inline when there is none
        (a form built without a main window, e.g. in a script)."""
        if self.jobs is not None:
            self.jobs.run(fn, on_done=on_done, on_error=on_error, title_vi=title_vi, title_en=title_en,
                          cancellable=False)
            return
        try:
            result = fn(self.ctx, lambda _p: None, None)
        except Exception as exc:  # noqa: BLE001 — reported like the runner does
            on_error(exc)
            return
        on_done(result)

    # --- procedure ---------------------------------------------------------------------------
    def _on_procedure(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.procedure_error.hide()
        self.finder.edit.setText(f"{procedure.code} · {procedure.name}")
        self.procedure_info.setText(f"<b>{procedure.name}</b><br>{procedure.code} · {procedure.field_name} · "
                                    f"{self._time_text(procedure)}")
        self.components.set_required(procedure.components)
        self.components_part.show_error("")
        if self.components.rowCount():
            self.table.setCurrentIndex(self.components.index(0, 0))
        self.delivery_part.set_procedure(procedure)
        self._focus(self.qr)

    def _on_qr_in_search(self, payload: str) -> None:
        """A card scanned while the cursor was in the procedure search: the applicant is filled
        (and said so); the search is not filled with the payload."""
        if self.dossier is not None:
            return
        if self.applicant_part.apply_qr_payload(payload):
            self.show_info(self.tr("The ID card was read into the applicant block. Now choose the procedure."))
        else:
            self.show_error(self.tr("The scan went into the procedure search and is not an ID card's QR; "
                                    "see the message under the QR field."))
        self._focus(self.finder.edit)

    def _time_text(self, p: Procedure) -> str:
        kind = p.time_kind.value if hasattr(p.time_kind, "value") else str(p.time_kind)
        if kind in ("same_day", "immediate"):
            if p.cutoff:
                return self.tr("same day (received after %1 → next working day)").replace("%1", p.cutoff)
            return self.tr("same day")
        if kind == "calendar_days":
            return self.tr("%1 calendar days").replace("%1", str(p.time_days))
        return self.tr("%1 working days").replace("%1", str(p.time_days))

    # --- components ----------------------------------------------------------------------------
    def _focus_components(self) -> None:
        self.components_part.focus_table()
        self.scroll.ensureWidgetVisible(self.table)

    def _recheck_components(self, *_args) -> None:
        if not self.components_error.isHidden() and not self.components.missing_required():
            self.components_part.show_error("")

    def attach_files(self) -> None:
        """Attach scanned files to the current component row (the file dialog is the only mouse step)."""
        if self.dossier is not None:
            return
        if not self.components.rowCount():
            self.components_part.show_error(self.tr("Choose the procedure first."))
            return
        row = max(0, self.table.currentIndex().row())
        paths = dialogs.open_files(self, self.tr("Scanned files for: %1").replace("%1", self.components.row(row).name),
                                   self.tr("Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"))
        unreadable = [p for p in paths if not p.is_file()]
        if unreadable:
            self.components_part.show_error(
                self.tr("Cannot read: %1").replace("%1", ", ".join(map(str, unreadable))))
            paths = [p for p in paths if p.is_file()]
        if paths:
            self.components.attach(row, paths)
        self.table.setFocus()

    # --- save / refuse -------------------------------------------------------------------------
    def build_request(self) -> intake.IntakeRequest:
        """The plain request for the services, as typed (checked by ``problems``)."""
        birth, _ok = self.applicant_part.parsed_birth(show=False)
        return intake.IntakeRequest(
            procedure_code=self.procedure.code if self.procedure else "",
            applicant=self.applicant_part.applicant(birth),
            components=self.components.to_components(),
            attachments=self.components.to_attachments(),
            reuse=self.components_part.reuse_list(),  # issue 14: held documents, no new scan
            on_behalf_of=self.on_behalf.text().strip(),
            delivery=self.delivery_part.mode,
            delivery_address=self.delivery_part.address(),
            sets=self.sets.value(),
            pages=self.delivery_part.page_count(),
            clerk=self._clerk_name(),
            request_id=self._request_id,
            actor=getattr(self.session, "actor", ""),
            confirm_name_change=self._confirmed_name is not None
            and self._confirmed_name == self.applicant_part.full_name.text(),
        )

    def _clerk_name(self) -> str:
        """The person logged in (their name is printed on the slip), else the desk's clerk."""
        user = getattr(self.session, "user", None)
        return getattr(user, "full_name", "") or self.ctx.clerk_name

    def problems(self, req: intake.IntakeRequest, *, refusal: bool = False) -> list[intake.FieldProblem]:
        """Everything wrong, the form's own checks and the services' (reads only)."""
        out: list[intake.FieldProblem] = []
        try:
            intake.parse_birth_date(self.birth_date.text())
        except DeskError as exc:
            out.append(intake.FieldProblem("applicant.birth_date", exc.vi, exc.en))
        out += intake.validate(self.ctx, req)
        if refusal:   # missing documents are the very reason of a supplement request
            out = [p for p in out if p.field != "components"]
        return out

    def show_problems(self, problems: list[intake.FieldProblem]) -> str:
        """Mark EVERY wrong field and put a summary of all of them in the banner; returns it."""
        lang = i18n.current_language()
        self.applicant_part.clear_errors()
        self.procedure_error.hide()
        self.components_part.show_error("")
        places = [("procedure", None), ("id_number", "id_number"), ("full_name", "full_name"),
                  ("birth", "birth_date"), ("phone", "phone"), ("email", "email"),
                  ("component", "components"), ("attachment", "components")]
        lines: list[str] = []
        first_widget = None
        for p in problems:
            text = p.message(lang)
            lines.append("• " + text)
            for key, target in places:
                if key not in p.field:
                    continue
                if target is None:
                    self.procedure_error.setText(text)
                    self.procedure_error.show()
                    first_widget = first_widget or self.finder.edit
                elif target == "components":
                    old = self.components_error.text() if not self.components_error.isHidden() else ""
                    self.components_part.show_error((old + "\n" if old else "") + text)
                    first_widget = first_widget or self.table
                else:
                    self.applicant_part.add_error(target, text)
                    first_widget = first_widget or self.applicant_part.errors[target][0]
                break
        summary = "\n".join([self.tr("Please correct the fields marked in red."), *lines])
        self.show_error(summary)
        if first_widget is not None:
            self._focus(first_widget)
        return summary

    def _set_busy(self, busy: bool) -> None:
        self.saving = busy
        self.save_button.setEnabled(not busy and self.dossier is None)
        self.refuse_button.setEnabled(not busy and self.dossier is None)

    def save(self) -> None:
        """Check everything, then ``intake.receive`` on the worker; "saved" only in on_done."""
        if self.dossier is not None or self.saving:
            return
        req = self.build_request()
        problems = self.problems(req)
        if problems:
            self.show_problems(problems)
            return
        self._set_busy(True)
        self.show_info(self.tr("Saving…"))

        def job(wctx, progress, cancel):
            self._permit("dossier add", wctx)
            return intake.receive(wctx, req)
        self._run(job, on_done=lambda d: self._after_recorded(d, self.tr("Saved.")),
                  on_error=self._on_write_failed, title_vi="Đang lưu hồ sơ", title_en="Saving the dossier")

    def _permit(self, command: str, wctx) -> None:
        """The services' one permission check (audited refusal), run on the worker before the
        write: the GUI hides what a person may not do, the services still refuse it."""
        if self.session is None:
            return
        from desk_app.services import registry
        from desk_app.services.session import Session

        registry.check(command, Session(wctx, self.session.user, "gui"))

    def _on_write_failed(self, exc: BaseException) -> None:
        log.warning("intake write failed: %s", getattr(exc, "code", type(exc).__name__))
        self._set_busy(False)
        refusing = self.refuse_dialog is not None and self.refuse_dialog.isVisible()
        if getattr(exc, "code", "") == "applicant_name_changed" and not refusing:
            self.ask_name_change(exc)
            return
        self.show_error(i18n.error_text(exc))
        if self.refuse_dialog is not None and self.refuse_dialog.isVisible():
            self.refuse_dialog.show_problem(i18n.error_text(exc))

    def ask_name_change(self, exc: DeskError) -> QMessageBox:
        """The registry knows this ID number under another name (issue 17): the clerk decides.
        "Yes" saves again with the change confirmed (audited with the old and new names); "No"
        puts the cursor in the name field — nothing typed is lost either way."""
        details = getattr(exc, "details", {}) or {}
        old, new = details.get("stored_name", ""), details.get("new_name", "")
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("A different name for this ID number"),
                          self.tr("This ID number is on file under the name “%1”.\n"
                                  "The form says “%2”.\n\nIs it the same person, whose name"
                                  " changed? Check the ID card before answering.")
                          .replace("%1", old).replace("%2", new),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Same person: update the name"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("No: let me correct it"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.show_error(i18n.error_text(exc))

        def answered(button) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self._confirmed_name = self.applicant_part.full_name.text()   # as typed now
                self.save()
            else:
                self._confirmed_name = None
                self._focus(self.applicant_part.full_name)
        box.buttonClicked.connect(answered)
        self.name_box = box
        box.open()
        return box

    def _after_recorded(self, dossier: Dossier, head: str) -> None:
        self.dossier = dossier
        self._set_busy(False)
        self.procedure_error.hide()
        self.applicant_part.clear_errors()
        self.components_part.show_error("")
        self.show_info(head)
        due = labels.when(dossier.due_at) or "—"
        self.result.setText(self.tr("%1 Dossier code: %2 · Due: %3").replace("%1", head)
                            .replace("%2", dossier.code).replace("%3", due))
        for w in (self.finder, *self.applicant_part.inputs(), self.table, self.attach_button,
                  *self.delivery_part.inputs(), self.save_button, self.refuse_button):
            w.setEnabled(False)
        for b in (self.print_button, self.pdf_button, self.new_button):
            b.setEnabled(True)
        self.print_button.setFocus()
        self.saved.emit(dossier)

    def ask_refuse(self) -> None:
        """Open the reason box (non-blocking); it stays open until the decision is recorded."""
        if self.dossier is not None or self.saving:
            return
        self.refuse_dialog = RefuseDialog(self)
        self.refuse_dialog.submitted.connect(self._do_refuse)
        self.refuse_dialog.open()

    def _do_refuse(self, kind: str, reason: str) -> None:
        dialog = self.refuse_dialog
        assert dialog is not None
        req = self.build_request()
        problems = self.problems(req, refusal=True)
        if problems:
            summary = self.show_problems(problems)
            dialog.show_problem(summary)
            return
        self._set_busy(True)

        def job(wctx, progress, cancel):
            self._permit("dossier add", wctx)
            return intake.refuse(wctx, req, reason, kind)

        def done(d: Dossier) -> None:
            dialog.done_ok()
            head = self.tr("Refusal recorded.") if kind == "refuse" else self.tr("Supplement request recorded.")
            self._after_recorded(d, head)
        self._run(job, on_done=done, on_error=self._on_write_failed,
                  title_vi="Đang ghi nhận", title_en="Recording")

    # --- receipt -----------------------------------------------------------------------------
    def receipt_kind(self) -> str:
        if self.dossier is None:
            return "01"
        status = self.dossier.status.value if hasattr(self.dossier.status, "value") else str(self.dossier.status)
        return {"refused": "03", "waiting_supplement": "02"}.get(status, "01")

    def receipt_pdf(self) -> bytes | None:
        """The PDF for a preview (on the GUI thread; NOT kept in the dossier)."""
        if self.dossier is None:
            return None
        try:
            return receipt.render(self.ctx, self.dossier.code, self.receipt_kind(), store_as_attachment=False)
        except DeskError as exc:
            self.show_error(i18n.error_text(exc))
            return None

    def print_receipt(self) -> None:
        """Ctrl+P: render on the worker, then the preview (its Ctrl+P prints, 2 copies)."""
        if self.dossier is None:
            return
        if self._preview_open():        # Ctrl+P in the preview: print it
            self.preview_dialog.print_now()
            return
        dossier, kind = self.dossier, self.receipt_kind()

        def job(wctx, progress, cancel):
            return receipt.render(wctx, dossier.code, kind, store_as_attachment=False)

        def done(pdf: bytes) -> None:
            title = self.tr("Print preview — form %1 — %2").replace("%1", kind).replace("%2", dossier.code)
            self.preview_dialog = receipt_preview.preview(self, pdf, title)
            self.preview_dialog.printed.connect(lambda: self._keep_printed(dossier, kind, pdf))
        self._run(job, on_done=done, on_error=lambda e: self.show_error(i18n.error_text(e)),
                  title_vi="Đang tạo giấy tiếp nhận", title_en="Rendering the receipt")

    def _preview_open(self) -> bool:
        try:
            return self.preview_dialog is not None and self.preview_dialog.isVisible()
        except RuntimeError:          # deleted on close
            self.preview_dialog = None
            return False

    def _keep_printed(self, dossier: Dossier, kind: str, pdf: bytes) -> None:
        """What went to paper is kept with the dossier (the citizen's copy, for a dispute)."""
        def job(wctx, progress, cancel):
            return receipt.store_pdf(wctx, dossier, kind, pdf)
        self._run(job, on_done=lambda _sha: self.show_info(self.tr("Printed; a copy is kept with the dossier.")),
                  on_error=lambda e: self.show_error(i18n.error_text(e)),
                  title_vi="Đang lưu bản in", title_en="Keeping the printed copy")

    def save_pdf(self) -> None:
        if self.dossier is None:
            return
        dossier, kind = self.dossier, self.receipt_kind()
        target = dialogs.save_file(self, self.tr("Save receipt as PDF"), f"{dossier.code}-mau{kind}.pdf",
                                   self.tr("PDF (*.pdf)"))
        if target is None:
            return

        def job(wctx, progress, cancel) -> Path:
            pdf = receipt.render(wctx, dossier.code, kind, store_as_attachment=True)
            try:
                target.write_bytes(pdf)
            except OSError as exc:
                from desk_app.domain.errors import StorageError
                raise StorageError("pdf_write_failed", f"Không ghi được {target}: {exc.strerror or exc}",
                                   f"Could not write {target}: {exc.strerror or exc}") from exc
            return target
        self._run(job, on_done=lambda t: self.show_info(self.tr("PDF saved: %1").replace("%1", str(t))),
                  on_error=lambda e: self.show_error(i18n.error_text(e)),
                  title_vi="Đang lưu PDF", title_en="Saving the PDF")

    # --- reset / close -------------------------------------------------------------------------
    def reset(self) -> None:
        """Start the next dossier (only after the current one is recorded, so nothing typed is dropped)."""
        if self.dossier is None:
            return
        self.dossier = None
        self.procedure = None
        self._request_id = str(uuid.uuid4())
        self._confirmed_name = None
        self.finder.edit.clear()
        self.finder.model.set_items([])
        self.applicant_part.reset()
        self.components.set_required(())
        self.components_part.show_error("")
        self.delivery_part.reset()
        for w in (self.finder, *self.applicant_part.inputs(), self.table, self.attach_button,
                  self.delivery, self.sets, self.save_button, self.refuse_button):
            w.setEnabled(True)
        for b in (self.print_button, self.pdf_button, self.new_button):
            b.setEnabled(False)
        self.procedure_info.setText(self.tr("No procedure chosen yet."))
        self.procedure_error.hide()
        self.result.clear()
        self.clear_banner()
        self.scroll.verticalScrollBar().setValue(0)
        self.finder.setFocus()

    def is_dirty(self) -> bool:
        return self.dossier is None and (self.procedure is not None or any(
            w.text().strip() for w in (self.id_number, self.full_name, self.phone, self.address)))

    def reject(self) -> None:
        """Escape must not throw away a half-typed dossier: ask first."""
        if self.saving:
            return
        if self.is_dirty():
            answer = QMessageBox.question(self, self.tr("Discard this dossier?"),
                                          self.tr("What you typed has not been saved. Discard it?"),
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
