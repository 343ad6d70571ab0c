"""Block 2 of the intake: the applicant, filled from the ID card's QR or typed.

The rules (QR merge, phone, e-mail, birth date) live in ``services.intake.applicant`` so the CLI
applies the same ones; this widget shows their messages under each field, marks the field, and
clears the mark as soon as the field is corrected.
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from desk_app.domain import cccd
from desk_app.domain.errors import DeskError, ValidationError
from desk_app.domain.models import Applicant
from desk_app.services import intake
from desk_app.services.context import DeskContext
from desk_app.ui import dialogs, i18n
from desk_app.ui.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)
ERROR_STYLE = "color: #b3261e;"
MARK_STYLE = "border: 1px solid #b3261e;"


def _decode_qr_image(path: Path) -> str:
    from desk_app.services.intake.cccd_image import decode_qr

    return decode_qr(path)


class ApplicantPart(QGroupBox):
    """Emits ``filled()`` after a QR filled the fields (the form moves the cursor on)."""

    filled = Signal()

    def __init__(self, ctx: DeskContext, parent=None) -> None:
        super().__init__(self.tr("2. Applicant (Alt+2)"), parent)
        self.setObjectName("applicantBox")
        self.ctx = ctx
        self.qr = self._line("qrInput", self.tr("Scan the QR on the ID card (USB reader), or type and press Enter"))
        self.qr_image = QPushButton(self.tr("QR from image…"), self)
        self.qr_image.setObjectName("qrFromImage")
        self.id_number = self._line("idNumber", self.tr("12 digits"))
        self.id_number.setMaxLength(20)
        self.full_name = self._line("fullName")
        self.birth_date = self._line("birthDate", self.tr("dd/mm/yyyy"))
        self.sex = QComboBox(self)
        self.sex.setObjectName("sex")
        self.sex.addItems(["", "Nam", "Nữ"])
        self.address = self._line("address")
        self.phone = self._line("phone")
        self.email = self._line("email")
        self.on_behalf = self._line("onBehalfOf", self.tr("Organisation or authorised person, if any"))
        self.qr_error = self._error_label("qrError")
        self.id_error = self._error_label("idError")
        self.name_error = self._error_label("nameError")
        self.birth_error = self._error_label("birthError")
        self.phone_error = self._error_label("phoneError")
        self.email_error = self._error_label("emailError")
        self.note = QLabel(self)
        self.note.setObjectName("applicantNote")
        self.note.setWordWrap(True)
        # field -> its error line (the order is the order of the summary)
        self.errors = {"qr": (self.qr, self.qr_error), "id_number": (self.id_number, self.id_error),
                       "full_name": (self.full_name, self.name_error),
                       "birth_date": (self.birth_date, self.birth_error),
                       "phone": (self.phone, self.phone_error), "email": (self.email, self.email_error)}

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        qr_row = QHBoxLayout()
        qr_row.addWidget(self.qr, 1)
        qr_row.addWidget(self.qr_image)
        form.addRow(self.tr("CCCD QR:"), self._with_error(qr_row, self.qr_error))
        form.addRow(self.tr("ID number:"), self._with_error(self.id_number, self.id_error))
        form.addRow(self.tr("Full name:"), self._with_error(self.full_name, self.name_error))
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.birth_date, 1)
        birth_row.addWidget(QLabel(self.tr("Sex:"), self))
        birth_row.addWidget(self.sex)
        form.addRow(self.tr("Date of birth:"), self._with_error(birth_row, self.birth_error))
        form.addRow(self.tr("Address:"), self.address)
        form.addRow(self.tr("Phone:"), self._with_error(self.phone, self.phone_error))
        form.addRow(self.tr("Email:"), self._with_error(self.email, self.email_error))
        form.addRow(self.tr("On behalf of:"), self.on_behalf)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)       # its own row: a wrapped note never covers a field

        self.qr.returnPressed.connect(self.on_qr)
        self.qr_image.clicked.connect(self.on_qr_image)
        self.id_number.textEdited.connect(self.check_id)
        self.id_number.editingFinished.connect(self._on_id_finished)
        self.birth_date.textEdited.connect(self._birth_edited)
        self.birth_date.editingFinished.connect(self._birth_finished)
        self.sex.currentIndexChanged.connect(self.check_id)
        self.full_name.textEdited.connect(self._name_edited)
        self.phone.textEdited.connect(lambda: self._recheck("phone", self.check_phone))
        self.phone.editingFinished.connect(self.check_phone)
        self.email.textEdited.connect(lambda: self._recheck("email", self.check_email))
        self.email.editingFinished.connect(self.check_email)
        self.qr.textEdited.connect(self._qr_edited)

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

    def _with_error(self, field, error: QLabel) -> QWidget:
        """The field with its error line UNDER it, in one cell (no separate form row to overlap)."""
        box = QWidget(self)
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        if isinstance(field, QWidget):
            v.addWidget(field)
        else:
            v.addLayout(field)
        v.addWidget(error)
        return box

    # --- errors ------------------------------------------------------------------------------
    def set_error(self, key: str, text: str) -> None:
        field, label = self.errors[key]
        if text:
            label.setText(text)
            label.show()
            field.setStyleSheet(MARK_STYLE)
        else:
            label.clear()
            label.hide()
            field.setStyleSheet("")

    def add_error(self, key: str, text: str) -> None:
        _field, label = self.errors[key]
        if label.isVisible() and label.text() and text not in label.text():
            text = label.text() + "\n" + text
        self.set_error(key, text)

    def has_error(self, key: str) -> bool:
        return not self.errors[key][1].isHidden()

    def clear_errors(self) -> None:
        for key in self.errors:
            self.set_error(key, "")

    def _recheck(self, key: str, check) -> None:
        """While typing, only CLEAR an error (never nag before the field is finished)."""
        if self.has_error(key):
            check()

    # --- rules -------------------------------------------------------------------------------
    def parsed_birth(self, *, show: bool = True) -> tuple[date | None, bool]:
        """(date or None, ok). A wrong date is shown under the field when ``show``."""
        try:
            value = intake.parse_birth_date(self.birth_date.text())
        except ValidationError as exc:
            if show:
                self.set_error("birth_date", i18n.error_text(exc))
            return None, False
        if show:
            self.set_error("birth_date", "")
        return value, True

    def _birth_edited(self) -> None:
        if self.has_error("birth_date"):
            self.parsed_birth()

    def _birth_finished(self) -> None:
        self.parsed_birth()
        self.check_id()

    def check_id(self, *_args) -> bool:
        """Validate the ID number as it is typed; the message comes from the domain rules."""
        text = self.id_number.text().strip()
        if not text:
            self.set_error("id_number", "")
            return False
        birth, _ok = self.parsed_birth(show=False)
        try:
            cccd.validate_id_number(text, birth_date=birth, sex=self.sex.currentText() or None)
        except ValidationError as exc:
            self.set_error("id_number", i18n.error_text(exc))
            return False
        self.set_error("id_number", "")
        return True

    def _name_edited(self) -> None:
        if self.full_name.text().strip():
            self.set_error("full_name", "")

    def check_phone(self) -> bool:
        problem = intake.phone_problem(self.phone.text())
        self.set_error("phone", problem.message(i18n.current_language()) if problem else "")
        return problem is None

    def check_email(self) -> bool:
        problem = intake.email_problem(self.email.text())
        self.set_error("email", problem.message(i18n.current_language()) if problem else "")
        return problem is None

    def _on_id_finished(self) -> None:
        if not self.check_id():
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
        self.set_error("full_name", "")
        self.note.setText(self.tr("Returning applicant: details filled from the last dossier."))

    # --- QR ----------------------------------------------------------------------------------
    def _qr_edited(self, text: str) -> None:
        """A new scan starts: the previous scan's error goes (the field was cleared after it)."""
        if text and self.has_error("qr"):
            self.set_error("qr", "")

    def on_qr(self) -> None:
        self.apply_qr_payload(self.qr.text())

    def reject_qr(self, text: str) -> None:
        """Show why a scan was refused and EMPTY the field, so the next scan is not appended."""
        self.set_error("qr", text)
        self.qr.clear()
        self.qr.setStyleSheet(MARK_STYLE)

    def apply_qr_payload(self, payload: str) -> bool:
        """Fill the applicant from a CCCD QR payload (``services.intake.fill_from_qr``)."""
        try:
            fill = intake.fill_from_qr(self.ctx, payload)
        except ValidationError as exc:
            log.info("QR rejected: %s", exc.code)
            self.reject_qr(i18n.error_text(exc))
            return False
        self.set_error("qr", "")
        self.id_number.setText(fill.id_number)
        self.full_name.setText(fill.full_name)
        self.birth_date.setText(fill.birth_date.strftime("%d/%m/%Y"))
        self.sex.setCurrentText(fill.sex)
        self.address.setText(fill.address)
        self.phone.setText(self.phone.text() or fill.phone)
        self.email.setText(self.email.text() or fill.email)
        self.note.setText(fill.note(i18n.current_language()))
        self.qr.clear()
        for key in ("full_name", "birth_date"):
            self.set_error(key, "")
        self.check_id()
        if self.phone.text():
            self.check_phone()
        self.filled.emit()
        return True

    def on_qr_image(self) -> None:
        path = dialogs.open_file(self, self.tr("Photo or scan of the ID card"),
                                 self.tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)"))
        if path is None:
            return
        try:
            payload = _decode_qr_image(path)
        except DeskError as exc:
            self.reject_qr(i18n.error_text(exc))
            return
        self.apply_qr_payload(payload)

    # --- values ------------------------------------------------------------------------------
    def applicant(self, birth: date | None) -> Applicant:
        return Applicant(
            id_number=cccd.normalise_id_number(self.id_number.text()),
            full_name=" ".join(self.full_name.text().split()),
            birth_date=birth,
            sex=self.sex.currentText() or None,
            address=self.address.text().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
        )

    def inputs(self) -> list[QWidget]:
        return [self.qr, self.qr_image, self.id_number, self.full_name, self.birth_date, self.sex,
                self.address, self.phone, self.email, self.on_behalf]

    def reset(self) -> None:
        for w in (self.qr, self.id_number, self.full_name, self.birth_date, self.address, self.phone,
                  self.email, self.on_behalf):
            w.clear()
        self.sex.setCurrentIndex(0)
        self.note.clear()
        self.clear_errors()
        self.qr.setStyleSheet("")
