"""The reason box for a refusal (Mẫu 03) or a request to supplement (Mẫu 02).

Supplement is the default: it is what the desk does most often (a paper missing), refusal is for
a dossier the commune cannot handle at all. OK does not close the box by itself: the intake form
records the decision and closes it only when that worked; a problem (the form has an error, the
disk refused) is shown IN the box and the typed reason stays.
"""
from __future__ import annotations

from desk_app.ui.qt import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    Signal,
)

ERROR_STYLE = "color: #b3261e;"


class RefuseDialog(QDialog):
    """Emits ``submitted(kind, reason)`` on OK with a reason; the caller answers with
    ``done_ok()`` or ``show_problem(text)``."""

    submitted = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("refuseDialog")
        self.setWindowTitle(self.tr("Refuse or ask for supplement"))
        self.supplement = QRadioButton(self.tr("Ask the applicant to supplement (form 02)"), self)
        self.supplement.setObjectName("choiceSupplement")
        self.refuse = QRadioButton(self.tr("Refuse the dossier (form 03)"), self)
        self.refuse.setObjectName("choiceRefuse")
        self.supplement.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.supplement)
        group.addButton(self.refuse)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("refuseReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("Reason, and what exactly is missing or wrong"))
        self.error = QLabel(self)
        self.error.setObjectName("refuseError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.supplement)
        layout.addWidget(self.refuse)
        layout.addWidget(QLabel(self.tr("Reason:"), self))
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    @property
    def kind(self) -> str:
        return "refuse" if self.refuse.isChecked() else "supplement"

    @property
    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def _accept(self) -> None:
        if not self.reason_text:
            self.show_problem(self.tr("Please write the reason: it is printed on the form."))
            return
        self.error.clear()
        self.set_busy(True)
        self.submitted.emit(self.kind, self.reason_text)

    def set_busy(self, busy: bool) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not busy)

    def show_problem(self, text: str) -> None:
        """Stay open, say what is wrong, keep the reason."""
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()
        self.reason.setFocus()

    def done_ok(self) -> None:
        self.set_busy(False)
        self.accept()
