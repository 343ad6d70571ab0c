"""The intake screen: receive one dossier at the desk, keyboard first.

Flow (Enter advances, Tab order follows it): procedure finder → "scan CCCD QR" field (a USB 2D
reader types the payload and Enter) → applicant fields → components checklist (Space ticks,
Ctrl+O attaches scans to the current row) → delivery → Save (Ctrl+S / Ctrl+Enter).
"Đã lưu" appears only after ``intake.receive`` has returned, i.e. after the durable commit.
Any failure shows one Vietnamese line in the banner and keeps everything typed.
"""
from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from pathlib import Path

from desk_app.domain import cccd
from desk_app.domain.errors import DeskError, ValidationError
from desk_app.domain.models import Applicant, Delivery, Dossier, Procedure
from desk_app.domain.text import fold
from desk_app.services import catalog, intake
from desk_app.services.intake import receipt
from desk_app.services.context import DeskContext
from desk_app.ui import dialogs, i18n, labels, receipt_preview
from desk_app.ui.components_model import COL_FORM, COL_QUANTITY, FORMS, ComponentsModel
from desk_app.ui.procedure_finder import ProcedureFinder
from desk_app.ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMessageBox,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QShortcut,
    QSpinBox,
    QStyledItemDelegate,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b6e2a; font-weight: bold;"


def _decode_qr_image(path: Path) -> str:
    from desk_app.services.intake.cccd_image import decode_qr

    return decode_qr(path)


class ComponentDelegate(QStyledItemDelegate):
    """Combo box for the form column, spin box for the quantity."""

    def createEditor(self, parent, option, index):
        if index.column() == COL_FORM:
            combo = QComboBox(parent)
            combo.addItems([labels.form_label(f) for f in FORMS])
            return combo
        if index.column() == COL_QUANTITY:
            spin = QSpinBox(parent)
            spin.setRange(1, 99)
            return spin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(int(value or 0))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 1))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentIndex())
        elif isinstance(editor, QSpinBox):
            model.setData(index, editor.value())
        else:
            super().setModelData(editor, model, index)


class RefuseDialog(QDialog):
    """Reason box for a refusal (Mẫu 03) or a request to supplement (Mẫu 02)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("refuseDialog")
        self.setWindowTitle(self.tr("Refuse or ask for supplement"))
        self.refuse = QRadioButton(self.tr("Refuse the dossier (form 03)"), self)
        self.supplement = QRadioButton(self.tr("Ask the applicant to supplement (form 02)"), self)
        self.refuse.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.refuse)
        group.addButton(self.supplement)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("refuseReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("Reason, and what exactly is missing or wrong"))
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.refuse)
        layout.addWidget(self.supplement)
        layout.addWidget(QLabel(self.tr("Reason:"), self))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.reason.setFocus()

    @property
    def kind(self) -> str:
        return "refuse" if self.refuse.isChecked() else "supplement"

    def _accept(self) -> None:
        if not self.reason.toPlainText().strip():
            self.error.setText(self.tr("Please write the reason: it is printed on the form."))
            return
        self.accept()


class IntakeForm(QDialog):
    """Receive one dossier. Emits ``saved(Dossier)`` after the durable commit."""

    saved = Signal(object)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("intakeForm")
        self.setWindowTitle(self.tr("New intake"))
        self.procedure: Procedure | None = None
        self.dossier: Dossier | None = None
        self.refuse_dialog: RefuseDialog | None = None
        self.preview_dialog = None
        self._request_id = str(uuid.uuid4())
        self._build()
        self._wire()
        self.finder.setFocus()

    # --- construction ------------------------------------------------------------------------
    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def _build(self) -> None:
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        # 1. procedure
        self.finder = ProcedureFinder(lambda text: catalog.search_procedures(self.ctx, text, limit=8), self)
        self.procedure_info = QLabel(self.tr("No procedure chosen yet."), self)
        self.procedure_info.setObjectName("procedureInfo")
        self.procedure_info.setWordWrap(True)
        self.procedure_error = self._error_label("procedureError")
        box1 = QGroupBox(self.tr("1. Procedure (Alt+1)"), self)
        l1 = QVBoxLayout(box1)
        l1.addWidget(self.finder)
        l1.addWidget(self.procedure_info)
        l1.addWidget(self.procedure_error)

        # 2. applicant
        self.qr = self._line("qrInput", self.tr("Scan the QR on the ID card (USB reader), or type and press Enter"))
        self.qr_image = QPushButton(self.tr("QR from image…"), self)
        self.qr_image.setObjectName("qrFromImage")
        self.qr_error = self._error_label("qrError")
        self.id_number = self._line("idNumber", self.tr("12 digits"))
        self.id_number.setMaxLength(20)
        self.id_error = self._error_label("idError")
        self.full_name = self._line("fullName")
        self.name_error = self._error_label("nameError")
        self.birth_date = self._line("birthDate", self.tr("dd/mm/yyyy"))
        self.birth_error = self._error_label("birthError")
        self.sex = QComboBox(self)
        self.sex.setObjectName("sex")
        self.sex.addItems(["", "Nam", "Nữ"])
        self.address = self._line("address")
        self.phone = self._line("phone")
        self.phone_error = self._error_label("phoneError")
        self.email = self._line("email")
        self.on_behalf = self._line("onBehalfOf", self.tr("Organisation or authorised person, if any"))
        self.applicant_note = QLabel(self)
        self.applicant_note.setObjectName("applicantNote")
        self.applicant_note.setWordWrap(True)
        box2 = QGroupBox(self.tr("2. Applicant (Alt+2)"), self)
        f2 = QFormLayout(box2)
        qr_row = QHBoxLayout()
        qr_row.addWidget(self.qr, 1)
        qr_row.addWidget(self.qr_image)
        f2.addRow(self.tr("CCCD QR:"), qr_row)
        f2.addRow("", self.qr_error)
        f2.addRow(self.tr("ID number:"), self.id_number)
        f2.addRow("", self.id_error)
        f2.addRow(self.tr("Full name:"), self.full_name)
        f2.addRow("", self.name_error)
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.birth_date, 1)
        birth_row.addWidget(QLabel(self.tr("Sex:"), self))
        birth_row.addWidget(self.sex)
        f2.addRow(self.tr("Date of birth:"), birth_row)
        f2.addRow("", self.birth_error)
        f2.addRow(self.tr("Address:"), self.address)
        f2.addRow(self.tr("Phone:"), self.phone)
        f2.addRow("", self.phone_error)
        f2.addRow(self.tr("Email:"), self.email)
        f2.addRow(self.tr("On behalf of:"), self.on_behalf)
        f2.addRow("", self.applicant_note)

        # 3. components
        self.components = ComponentsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("components")
        self.table.setModel(self.components)
        self.table.setItemDelegate(ComponentDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 150)
        self.attach_button = QPushButton(self.tr("Attach scanned file… (Ctrl+O)"), self)
        self.attach_button.setObjectName("attach")
        self.components_error = self._error_label("componentsError")
        box3 = QGroupBox(self.tr("3. Components (Alt+3) — Space: received, F2: edit form/quantity"), self)
        l3 = QVBoxLayout(box3)
        l3.addWidget(self.table)
        legend = QLabel(self.tr("Bold: required by the procedure."), self)
        legend.setObjectName("componentsLegend")
        attach_row = QHBoxLayout()
        attach_row.addWidget(self.attach_button)
        attach_row.addStretch(1)
        attach_row.addWidget(legend)
        l3.addLayout(attach_row)
        l3.addWidget(self.components_error)

        # 4. delivery and fee
        self.delivery = QComboBox(self)
        self.delivery.setObjectName("delivery")
        self.delivery.addItem(labels.delivery_label(Delivery.DESK), Delivery.DESK.value)
        self.delivery.addItem(labels.delivery_label(Delivery.POST), Delivery.POST.value)
        self.postal_address = self._line("postalAddress", self.tr("Postal address for the result"))
        self.postal_address.setEnabled(False)
        self.sets = QSpinBox(self)
        self.sets.setObjectName("sets")
        self.sets.setRange(1, 20)
        # Pages of the original: certified copies are charged per page with a cap (TT 226/2016).
        self.pages = QSpinBox(self)
        self.pages.setObjectName("pages")
        self.pages.setRange(0, 2000)
        self.pages.setEnabled(False)
        self.fee = QLabel("—", self)
        self.fee.setObjectName("fee")
        self.fee.setWordWrap(True)
        box4 = QGroupBox(self.tr("4. Result delivery and fee (Alt+4)"), self)
        f4 = QFormLayout(box4)
        f4.addRow(self.tr("Result delivered:"), self.delivery)
        f4.addRow(self.tr("Postal address:"), self.postal_address)
        f4.addRow(self.tr("Number of sets:"), self.sets)
        f4.addRow(self.tr("Pages of the original:"), self.pages)
        f4.addRow(self.tr("Fee due:"), self.fee)

        # result + buttons
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
            b.setAutoDefault(False)
            b.setDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(box1)
        left.addWidget(box2)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(box3, 1)
        right.addWidget(box4)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        layout.addWidget(self.result)
        layout.addLayout(buttons)
        self.resize(1280, 700)

        order = [self.finder.edit, self.qr, self.qr_image, self.id_number, self.full_name, self.birth_date,
                 self.sex, self.address, self.phone, self.email, self.on_behalf, self.table,
                 self.attach_button, self.delivery, self.postal_address, self.sets, self.pages, self.save_button,
                 self.refuse_button, self.print_button, self.pdf_button, self.new_button]
        for a, b in zip(order, order[1:]):
            QWidget.setTabOrder(a, b)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self._enter_advances = [self.id_number, self.full_name, self.birth_date, self.sex, self.address,
                                self.phone, self.email, self.on_behalf, self.delivery,
                                self.postal_address, self.sets, self.pages]

    def _shortcut(self, keys: str | QKeySequence.StandardKey, slot) -> QShortcut:
        sc = QShortcut(QKeySequence(keys), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(slot)
        return sc

    def _wire(self) -> None:
        self.finder.picked.connect(self._on_procedure)
        self.qr.returnPressed.connect(self._on_qr)
        self.qr_image.clicked.connect(self._on_qr_image)
        self.id_number.textEdited.connect(self._check_id_live)
        self.id_number.editingFinished.connect(self._on_id_finished)
        self.birth_date.editingFinished.connect(self._check_id_live)
        self.phone.editingFinished.connect(self._check_phone)
        self.sex.currentIndexChanged.connect(self._check_id_live)
        self.delivery.currentIndexChanged.connect(self._on_delivery)
        self.sets.valueChanged.connect(self._update_fee)
        self.pages.valueChanged.connect(self._update_fee)
        self.attach_button.clicked.connect(self.attach_files)
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
        self._shortcut("Alt+1", lambda: self.finder.edit.setFocus())
        self._shortcut("Alt+2", lambda: self.qr.setFocus())
        self._shortcut("Alt+3", self._focus_components)
        self._shortcut("Alt+4", lambda: self.delivery.setFocus())
        for w in self._enter_advances:
            w.installEventFilter(self)
        self.table.installEventFilter(self)

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

    # --- procedure ---------------------------------------------------------------------------
    def _on_procedure(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.procedure_error.hide()
        self.finder.edit.setText(f"{procedure.code} · {procedure.name}")
        self.procedure_info.setText(f"<b>{procedure.name}</b><br>{procedure.code} · {procedure.field_name} · "
                                    f"{self._time_text(procedure)}")
        self.components.set_required(procedure.components)
        self.components_error.hide()
        if self.components.rowCount():
            self.table.setCurrentIndex(self.components.index(0, 0))
        self._update_fee()
        self.qr.setFocus()

    def _time_text(self, p: Procedure) -> str:
        kind = p.time_kind.value if hasattr(p.time_kind, "value") else str(p.time_kind)
        if kind in ("same_day", "immediate"):
            if p.cutoff:
                return self.tr("same day (received after %1 → next working day)").replace("%1", p.cutoff)
            return self.tr("same day")
        if kind == "calendar_days":
            return self.tr("%1 calendar days").replace("%1", str(p.time_days))
        return self.tr("%1 working days").replace("%1", str(p.time_days))

    def _update_fee(self) -> None:
        if self.procedure is None:
            self.fee.setText("—")
            self.pages.setEnabled(False)
            return
        self.pages.setEnabled(self.procedure.fee.kind == "per_page_capped")
        try:
            amount, note = intake.fee_for(self.ctx, self.procedure, pages=self._pages(),
                                          copies=self.sets.value())
        except DeskError as exc:
            self.fee.setText(i18n.error_text(exc))
            return
        self.fee.setText(labels.money(amount) + (f" — {note}" if note else ""))

    def _pages(self) -> int:
        return self.pages.value() if self.pages.isEnabled() else 0

    # --- applicant ---------------------------------------------------------------------------
    def _on_qr(self) -> None:
        self.apply_qr_payload(self.qr.text())

    def apply_qr_payload(self, payload: str) -> bool:
        """Fill the applicant from a CCCD QR payload; the stored name wins when the reader lost diacritics."""
        try:
            qr = cccd.parse_qr(payload)
        except ValidationError as exc:
            self.qr_error.setText(i18n.error_text(exc))
            self.qr_error.show()
            log.info("QR rejected: %s", exc.code)
            return False
        self.qr_error.hide()
        stored = intake.find_applicant(self.ctx, qr.id_number)
        name, address = qr.full_name, qr.address
        note = self.tr("Filled from the ID card's QR.")
        if stored is not None:
            if qr.diacritics_lost and fold(stored.full_name) == fold(qr.full_name):
                name = stored.full_name
                if stored.address and fold(stored.address) == fold(qr.address):
                    address = stored.address
                note = self.tr("The reader lost the diacritics; the name stored for this ID number is used.")
            elif qr.diacritics_lost:
                note = self.tr("The reader lost the diacritics; please correct the name as on the card.")
            else:
                note = self.tr("Returning applicant: phone and email filled from the last dossier.")
            self.phone.setText(self.phone.text() or stored.phone)
            self.email.setText(self.email.text() or stored.email)
        elif qr.diacritics_lost:
            note = self.tr("The reader lost the diacritics; please correct the name as on the card.")
        self.id_number.setText(qr.id_number)
        self.full_name.setText(name)
        self.birth_date.setText(qr.birth_date.strftime("%d/%m/%Y"))
        self.sex.setCurrentText(qr.sex)
        self.address.setText(address)
        self.applicant_note.setText(note)
        self.qr.clear()
        self._check_id_live()
        self.phone.setFocus()
        return True

    def _on_qr_image(self) -> None:
        path = dialogs.open_file(self, self.tr("Photo or scan of the ID card"),
                                 self.tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)"))
        if path is None:
            return
        try:
            payload = _decode_qr_image(path)
        except DeskError as exc:
            self.qr_error.setText(i18n.error_text(exc))
            self.qr_error.show()
            return
        self.apply_qr_payload(payload)

    def _parsed_birth(self) -> date | None:
        text = self.birth_date.text().strip()
        if not text:
            self.birth_error.hide()
            return None
        try:
            value = datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            self.birth_error.setText(self.tr("Date of birth must be dd/mm/yyyy, e.g. 05/09/1990."))
            self.birth_error.show()
            return None
        self.birth_error.hide()
        return value

    def _check_id_live(self, *_args) -> bool:
        """Validate the ID number as it is typed; the message comes from the domain rules."""
        text = self.id_number.text().strip()
        if not text:
            self.id_error.hide()
            return False
        sex = self.sex.currentText() or None
        try:
            cccd.validate_id_number(text, birth_date=self._parsed_birth(), sex=sex)
        except ValidationError as exc:
            self.id_error.setText(i18n.error_text(exc))
            self.id_error.show()
            return False
        self.id_error.hide()
        return True

    def _on_id_finished(self) -> None:
        if not self._check_id_live():
            return
        stored = intake.find_applicant(self.ctx, cccd.normalise_id_number(self.id_number.text()))
        if stored is None:
            return
        for edit, value in ((self.full_name, stored.full_name), (self.address, stored.address),
                            (self.phone, stored.phone), (self.email, stored.email)):
            if not edit.text().strip():
                edit.setText(value)
        if not self.birth_date.text().strip() and stored.birth_date:
            self.birth_date.setText(stored.birth_date.strftime("%d/%m/%Y"))
        if not self.sex.currentText() and stored.sex:
            self.sex.setCurrentText(stored.sex)
        self.applicant_note.setText(self.tr("Returning applicant: details filled from the last dossier."))

    def _check_phone(self) -> None:
        digits = self.phone.text().replace(" ", "").replace(".", "")
        if digits and not (digits.lstrip("+").isdigit() and 9 <= len(digits.lstrip("+")) <= 12):
            self.phone_error.setText(self.tr("Phone number should be 10 digits, e.g. 0912 345 678."))
            self.phone_error.show()
        else:
            self.phone_error.hide()

    def _on_delivery(self) -> None:
        by_post = self.delivery.currentData() == Delivery.POST.value
        self.postal_address.setEnabled(by_post)
        if by_post and not self.postal_address.text():
            self.postal_address.setText(self.address.text())

    # --- components ----------------------------------------------------------------------------
    def _focus_components(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.components.rowCount():
            self.table.setCurrentIndex(self.components.index(0, 0))

    def attach_files(self) -> None:
        """Attach scanned files to the current component row (the file dialog is the only mouse step)."""
        if not self.components.rowCount():
            self.components_error.setText(self.tr("Choose the procedure first."))
            self.components_error.show()
            return
        row = max(0, self.table.currentIndex().row())
        paths = dialogs.open_files(self, self.tr("Scanned files for: %1").replace("%1", self.components.row(row).name),
                                   self.tr("Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"))
        unreadable = [p for p in paths if not p.is_file()]
        if unreadable:
            self.components_error.setText(self.tr("Cannot read: %1").replace("%1", ", ".join(map(str, unreadable))))
            self.components_error.show()
            paths = [p for p in paths if p.is_file()]
        if paths:
            self.components.attach(row, paths)
        self.table.setFocus()

    # --- save / refuse -------------------------------------------------------------------------
    def build_request(self) -> intake.IntakeRequest | None:
        """The plain request for the services, or None (with messages shown) when it cannot be built."""
        if self.procedure is None:
            self.procedure_error.setText(self.tr("Choose the procedure: type its code or words of its name, then Enter."))
            self.procedure_error.show()
            self.finder.setFocus()
            return None
        birth = self._parsed_birth()
        if self.birth_date.text().strip() and birth is None:
            self.birth_date.setFocus()
            return None
        applicant = Applicant(
            id_number=cccd.normalise_id_number(self.id_number.text()),
            full_name=" ".join(self.full_name.text().split()),
            birth_date=birth,
            sex=self.sex.currentText() or None,
            address=self.address.text().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
        )
        delivery = Delivery(self.delivery.currentData())
        return intake.IntakeRequest(
            procedure_code=self.procedure.code,
            applicant=applicant,
            components=self.components.to_components(),
            attachments=self.components.to_attachments(),
            on_behalf_of=self.on_behalf.text().strip(),
            delivery=delivery,
            delivery_address=self.postal_address.text().strip() if delivery == Delivery.POST else "",
            sets=self.sets.value(),
            pages=self._pages(),
            clerk=self.ctx.clerk_name,
            request_id=self._request_id,
        )

    def _show_problems(self, problems) -> None:
        """Put each FieldProblem under its field; anything unplaced goes to the banner."""
        targets = [("procedure", self.procedure_error), ("id_number", self.id_error),
                   ("full_name", self.name_error), ("birth", self.birth_error), ("phone", self.phone_error),
                   ("component", self.components_error), ("attachment", self.components_error)]
        unplaced: list[str] = []
        for label in {t[1] for t in targets}:
            label.hide()
        for p in problems:
            text = p.en if i18n.current_language() == "en" else p.vi
            for key, label in targets:
                if key in p.field:
                    label.setText(text if label.isHidden() else label.text() + "\n" + text)
                    label.show()
                    break
            else:
                unplaced.append(text)
        self.show_error("\n".join([self.tr("Please correct the fields marked in red.")] + unplaced))

    def save(self) -> Dossier | None:
        """Validate, then ``intake.receive``; "saved" only once it has returned."""
        if self.dossier is not None:
            return self.dossier
        req = self.build_request()
        if req is None:
            self.show_error(self.tr("Please correct the fields marked in red."))
            return None
        try:
            problems = intake.validate(self.ctx, req)
            if problems:
                self._show_problems(problems)
                return None
            dossier = intake.receive(self.ctx, req)
        except DeskError as exc:
            log.warning("intake save failed: %s", exc.code)
            self.show_error(i18n.error_text(exc))
            return None
        except Exception as exc:  # noqa: BLE001 — any failure must keep the form and say so
            self.show_error(i18n.error_text(exc))
            return None
        self._after_recorded(dossier, self.tr("Saved."))
        return dossier

    def _after_recorded(self, dossier: Dossier, head: str) -> None:
        self.dossier = dossier
        for e in (self.procedure_error, self.id_error, self.name_error, self.birth_error, self.components_error):
            e.hide()
        self.show_info(head)
        due = labels.when(dossier.due_at) or "—"
        self.result.setText(self.tr("%1 Dossier code: %2 · Due: %3").replace("%1", head)
                            .replace("%2", dossier.code).replace("%3", due))
        for w in (self.finder, self.qr, self.qr_image, self.id_number, self.full_name, self.birth_date, self.sex,
                  self.address, self.phone, self.email, self.on_behalf, self.table, self.attach_button,
                  self.delivery, self.postal_address, self.sets, self.pages, self.save_button,
                  self.refuse_button):
            w.setEnabled(False)
        for b in (self.print_button, self.pdf_button, self.new_button):
            b.setEnabled(True)
        self.print_button.setFocus()
        self.saved.emit(dossier)

    def ask_refuse(self) -> None:
        """Open the reason box (non-blocking); on OK the refusal / supplement request is recorded."""
        if self.dossier is not None:
            return
        self.refuse_dialog = RefuseDialog(self)
        self.refuse_dialog.accepted.connect(self._do_refuse)
        self.refuse_dialog.open()

    def _do_refuse(self) -> Dossier | None:
        dialog = self.refuse_dialog
        assert dialog is not None
        req = self.build_request()
        if req is None:
            return None
        try:
            dossier = intake.refuse(self.ctx, req, dialog.reason.toPlainText().strip(), dialog.kind)
        except DeskError as exc:
            self.show_error(i18n.error_text(exc))
            return None
        head = self.tr("Refusal recorded.") if dialog.kind == "refuse" else self.tr("Supplement request recorded.")
        self._after_recorded(dossier, head)
        return dossier

    # --- receipt -----------------------------------------------------------------------------
    def receipt_kind(self) -> str:
        if self.dossier is None:
            return "01"
        status = self.dossier.status.value if hasattr(self.dossier.status, "value") else str(self.dossier.status)
        return {"refused": "03", "waiting_supplement": "02"}.get(status, "01")

    def receipt_pdf(self) -> bytes | None:
        if self.dossier is None:
            return None
        try:
            return receipt.render(self.ctx, self.dossier.code, self.receipt_kind())
        except DeskError as exc:
            self.show_error(i18n.error_text(exc))
            return None

    def print_receipt(self) -> None:
        pdf = self.receipt_pdf()
        if pdf is None:
            return
        title = self.tr("Print preview — form %1 — %2").replace("%1", self.receipt_kind()).replace("%2", self.dossier.code)
        self.preview_dialog = receipt_preview.preview(self, pdf, title)

    def save_pdf(self) -> Path | None:
        pdf = self.receipt_pdf()
        if pdf is None:
            return None
        name = f"{self.dossier.code}-mau{self.receipt_kind()}.pdf"
        target = dialogs.save_file(self, self.tr("Save receipt as PDF"), name, self.tr("PDF (*.pdf)"))
        if target is None:
            return None
        try:
            target.write_bytes(pdf)
        except OSError as exc:
            self.show_error(self.tr("Could not write %1: %2").replace("%1", str(target)).replace("%2", exc.strerror or ""))
            return None
        self.show_info(self.tr("PDF saved: %1").replace("%1", str(target)))
        return target

    # --- reset / close -------------------------------------------------------------------------
    def reset(self) -> None:
        """Start the next dossier (only after the current one is recorded, so nothing typed is dropped)."""
        if self.dossier is None:
            return
        self.dossier = None
        self.procedure = None
        self._request_id = str(uuid.uuid4())
        for w in self.findChildren(QLineEdit):
            w.clear()
            w.setEnabled(True)
        self.postal_address.setEnabled(False)
        self.finder.model.set_items([])
        self.components.set_required(())
        for w in (self.finder, self.qr_image, self.sex, self.table, self.attach_button, self.delivery, self.sets,
                  self.save_button, self.refuse_button):
            w.setEnabled(True)
        for b in (self.print_button, self.pdf_button, self.new_button):
            b.setEnabled(False)
        self.sex.setCurrentIndex(0)
        self.delivery.setCurrentIndex(0)
        self.sets.setValue(1)
        self.pages.setValue(0)
        self.pages.setEnabled(False)
        self.procedure_info.setText(self.tr("No procedure chosen yet."))
        self.applicant_note.clear()
        self.result.clear()
        self.fee.setText("—")
        self.clear_banner()
        self.finder.setFocus()

    def is_dirty(self) -> bool:
        return self.dossier is None and (self.procedure is not None or any(
            w.text().strip() for w in (self.id_number, self.full_name, self.phone, self.address)))

    def reject(self) -> None:
        """Escape must not throw away a half-typed dossier: ask first."""
        if self.is_dirty():
            answer = QMessageBox.question(self, self.tr("Discard this dossier?"),
                                          self.tr("What you typed has not been saved. Discard it?"),
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
