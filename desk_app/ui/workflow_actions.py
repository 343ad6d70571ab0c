"""The lifecycle actions of one dossier (issue 16) for the dossier window: a row of buttons and
the small dialog each one opens.

A button is shown when the action exists for the dossier's status at all, and enabled only when
the person may take it: ``registry.allowed(role, command)`` AND the state machine's rule for that
move (an administrator acts as a supervisor — ``lifecycle.effective_role``). A disabled button
says why in its tooltip. The command runs through ``registry.call`` as the window's person on the
JobRunner (a write never runs on the GUI thread); its refusal stays in the dialog.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk_app.domain.models import Dossier, DossierStatus as S
from desk_app.services.workflow.lifecycle import action_state
from desk_app.ui import dialogs, i18n
from desk_app.ui.qt import (
    QCoreApplication,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)


@dataclass(frozen=True)
class Action:
    key: str
    command: str
    target: S | None          # the status it moves to (None: an action without a move)
    fields: tuple[str, ...]   # what the dialog asks
    required: tuple[str, ...] = ()


ACTIONS: tuple[Action, ...] = (
    Action("handover", "dossier handover", S.IN_PROCESS, ("to", "agency", "received_by", "note"),
           ("to",)),
    Action("supplement_request", "dossier supplement request", S.WAITING_SUPPLEMENT, ("note",),
           ("note",)),
    Action("supplement_received", "dossier supplement received", S.SUPPLEMENTED, ("note",)),
    Action("delay", "dossier delay", None, ("new_due", "note"), ("new_due", "note")),
    Action("result", "dossier result", S.RESULT_READY, ("file", "note"), ("file",)),
    Action("return", "dossier return", S.RETURNED, ("via", "received_by", "tracking", "note")),
    Action("refuse", "dossier refuse", S.REFUSED, ("note",), ("note",)),
    Action("stop", "dossier stop", S.STOPPED, ("note",), ("note",)),
    Action("withdraw", "dossier withdraw", S.WITHDRAWN, ("note",)),
)
BY_KEY = {a.key: a for a in ACTIONS}


def applicable(action: Action, status: S) -> bool:
    """The action exists for this status (for someone)."""
    return action_state(action.key, status, "supervisor")[0]


def permitted(action: Action, status: S, role) -> bool:
    """The person with ``role`` may take it now (registry rule AND state machine rule)."""
    return action_state(action.key, status, role)[1]


class WorkflowDialog(QDialog):
    """Asks what one action needs; ``params()`` are the command's keyword arguments."""

    def __init__(self, action: Action, dossier: Dossier, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action = action
        self.setObjectName(f"workflowDialog_{action.key}")
        self.setWindowTitle(action_title(self, action.key))
        self.error = QLabel(self)
        self.error.setObjectName("workflowError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        form = QFormLayout()
        self.inputs: dict[str, QWidget] = {}
        for name in action.fields:
            w = self._input(name, dossier)
            w.setObjectName(f"wf_{name}")
            self.inputs[name] = w
            form.addRow(field_label(self, name, action.key), w)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setObjectName("workflowOk")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{dossier.code} · {dossier.applicant.full_name}", self))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 260)

    def _input(self, name: str, d: Dossier) -> QWidget:
        if name == "note":
            w = QPlainTextEdit(self)
            w.setTabChangesFocus(True)
            w.setFixedHeight(72)
            return w
        if name == "new_due":
            w = QDateEdit(self)
            w.setCalendarPopup(True)
            w.setDisplayFormat("dd/MM/yyyy")
            start = d.due_at.date() if d.due_at else d.received_at.date()
            w.setDate(QDate(start.year, start.month, start.day).addDays(1))
            return w
        if name == "via":
            w = QComboBox(self)
            w.addItem(self.tr("At the desk"), "desk")
            w.addItem(self.tr("By post"), "post")
            w.setCurrentIndex(1 if getattr(d.delivery, "value", d.delivery) == "post" else 0)
            return w
        if name == "file":
            box = QWidget(self)
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            self.file_edit = QLineEdit(box)
            self.file_edit.setObjectName("wf_file_path")
            pick = QPushButton(self.tr("Choose…"), box)
            pick.setAutoDefault(False)
            pick.clicked.connect(self._pick_file)
            row.addWidget(self.file_edit, 1)
            row.addWidget(pick)
            return box
        w = QLineEdit(self)
        if name == "received_by" and self.action.key == "return":
            w.setText(d.applicant.full_name)
        if name == "to":
            w.setText(self.tr("Processing officer"))
        return w

    def _pick_file(self) -> None:
        path = dialogs.open_file(self, self.tr("Result file"),
                                 self.tr("PDF or image (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"))
        if path is not None:
            self.file_edit.setText(str(path))

    def value(self, name: str):
        w = self.inputs[name]
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip()
        if isinstance(w, QDateEdit):
            return w.date().toString("yyyy-MM-dd")
        if isinstance(w, QComboBox):
            return w.currentData()
        if name == "file":
            text = self.file_edit.text().strip()
            return Path(text) if text else None
        return w.text().strip()

    def params(self) -> dict:
        out = {}
        for name in self.action.fields:
            v = self.value(name)
            if v in ("", None) and name not in self.action.required:
                continue
            out[name] = v
        return out

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.ok.setEnabled(True)

    def _accept(self) -> None:
        missing = [n for n in self.action.required if self.value(n) in ("", None)]
        if missing:
            self.show_error(self.tr("Please fill in: %1").replace(
                "%1", ", ".join(field_label(self, n, self.action.key).rstrip(":")
                                for n in missing)))
            self.inputs[missing[0]].setFocus()
            return
        self.ok.setEnabled(False)        # one submission; re-enabled on an error
        self.submitted.emit(self.params())

    submitted = Signal(object)


def action_title(w: QWidget, key: str) -> str:
    return {
        "handover": QCoreApplication.translate("WorkflowDialog", "Hand over"),
        "supplement_request": QCoreApplication.translate("WorkflowDialog", "Request a supplement (form 02)"),
        "supplement_received": QCoreApplication.translate("WorkflowDialog", "Supplement received"),
        "delay": QCoreApplication.translate("WorkflowDialog", "Delay with an apology (form 04)"),
        "result": QCoreApplication.translate("WorkflowDialog", "Result received"),
        "return": QCoreApplication.translate("WorkflowDialog", "Return the result"),
        "refuse": QCoreApplication.translate("WorkflowDialog", "Refuse (form 03)"),
        "stop": QCoreApplication.translate("WorkflowDialog", "Stop processing (form 05)"),
        "withdraw": QCoreApplication.translate("WorkflowDialog", "Withdrawn by the applicant"),
    }[key]


def field_label(w: QWidget, name: str, key: str) -> str:
    if name == "note":
        return {"supplement_request": QCoreApplication.translate("WorkflowDialog", "What is missing:"), "refuse": QCoreApplication.translate("WorkflowDialog", "Reason:"),
                "stop": QCoreApplication.translate("WorkflowDialog", "Reason:"), "delay": QCoreApplication.translate("WorkflowDialog", "Reason:")}.get(key, QCoreApplication.translate("WorkflowDialog", "Note:"))
    return {"to": QCoreApplication.translate("WorkflowDialog", "Hand over to:"), "agency": QCoreApplication.translate("WorkflowDialog", "Agency (inter-agency):"),
            "received_by": QCoreApplication.translate("WorkflowDialog", "Received by:"), "new_due": QCoreApplication.translate("WorkflowDialog", "New due date:"),
            "file": QCoreApplication.translate("WorkflowDialog", "Result file:"), "via": QCoreApplication.translate("WorkflowDialog", "Returned:"),
            "tracking": QCoreApplication.translate("WorkflowDialog", "Postal item no.:")}[name]


class WorkflowBar(QWidget):
    """The buttons of the dossier's possible actions; ``changed`` after a successful one."""

    changed = Signal(object)      # the command's Outcome

    def __init__(self, ctx, dossier: Dossier, session, jobs=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("workflowBar")
        self.ctx, self.session, self.jobs = ctx, session, jobs
        self.dialog: WorkflowDialog | None = None
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for a in ACTIONS:
            b = QPushButton(short_label(self, a.key), self)
            b.setObjectName(f"wf_{a.key}")
            b.setAutoDefault(False)
            b.setToolTip(action_title(self, a.key))
            b.clicked.connect(lambda _=False, k=a.key: self.open(k))
            row.addWidget(b)
            self.buttons[a.key] = b
        row.addStretch(1)
        self.set_dossier(dossier)

    def set_dossier(self, dossier: Dossier) -> None:
        self.dossier = dossier
        status = S(dossier.status)
        role = self.session.user.role if self.session is not None else None
        for a in ACTIONS:
            b = self.buttons[a.key]
            b.setVisible(applicable(a, status))
            ok = role is not None and permitted(a, status, role)
            b.setEnabled(ok)
            b.setToolTip(action_title(self, a.key) if ok else
                         action_title(self, a.key) + " — "
                         + self.tr("your role may not do this now"))

    def open(self, key: str) -> WorkflowDialog | None:
        button = self.buttons[key]
        if not (button.isVisible() and button.isEnabled()):
            return None
        self.dialog = WorkflowDialog(BY_KEY[key], self.dossier, self)
        self.dialog.submitted.connect(lambda params, k=key: self.submit(k, params))
        self.dialog.show()
        return self.dialog

    def submit(self, key: str, params: dict) -> None:
        from desk_app.services import registry

        action = BY_KEY[key]
        code, session, dialog = self.dossier.code, self.session, self.dialog

        def fn(wctx, progress, cancel):
            from desk_app.ui.session_menus import worker_session

            return registry.call(action.command, worker_session(session, wctx), code=code,
                                 **params)

        def done(outcome) -> None:
            if dialog is not None:
                dialog.accept()
            self.changed.emit(outcome)

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.show_error(i18n.error_text(exc))

        if self.jobs is not None:
            self.jobs.run(fn, on_done=done, on_error=failed, title_vi="Đang ghi bước xử lý hồ sơ",
                          title_en="Recording the dossier's step", cancellable=False)
            return
        try:
            result = registry.call(action.command, session, code=code, **params)
        except Exception as exc:  # noqa: BLE001 — shown in the dialog
            failed(exc)
            return
        done(result)


def short_label(w: QWidget, key: str) -> str:
    return {
        "handover": QCoreApplication.translate("WorkflowDialog", "Hand over"), "supplement_request": QCoreApplication.translate("WorkflowDialog", "Ask supplement"),
        "supplement_received": QCoreApplication.translate("WorkflowDialog", "Supplement in"), "delay": QCoreApplication.translate("WorkflowDialog", "Delay (04)"),
        "result": QCoreApplication.translate("WorkflowDialog", "Result in"), "return": QCoreApplication.translate("WorkflowDialog", "Return"), "refuse": QCoreApplication.translate("WorkflowDialog", "Refuse"),
        "stop": QCoreApplication.translate("WorkflowDialog", "Stop (05)"), "withdraw": QCoreApplication.translate("WorkflowDialog", "Withdraw"),
    }[key]
