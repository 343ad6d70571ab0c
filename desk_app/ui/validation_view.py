"""“Kiểm tra chữ ký…”: every signature of a PDF, checked against the desk's trust store.

The check is ``registry.call("sign verify", …)`` on the window's JobRunner (pyhanko's validation
starts its own event loop and may read files: never on the GUI thread). The view shows the
verdict in words first — "HỢP LỆ" / "KHÔNG HỢP LỆ: tệp bị sửa sau khi ký" — and in colour second,
then one row per signature (signer, time, integrity, coverage and what was added after it, trust,
revocation, time-stamp, PAdES level) and the full report as text.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from desk_app.ui import dialogs, i18n
from desk_app.ui.qt import (
    QAbstractTableModel,
    QBrush,
    QColor,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QModelIndex,
    QPersistentModelIndex,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desk_app.ui.signing_dialog import _view, fit_dialog, run_job

__all__ = ["SignaturesModel", "ValidationView", "open_validation"]

Index = QModelIndex | QPersistentModelIndex
RED = QColor("#b3261e")
GREEN = QColor("#1b6e20")
AMBER = QColor("#8a5a00")


def _when(dt) -> str:
    from desk_app.domain.localtime import VN_TZ

    return dt.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if dt else "—"


class SignaturesModel(QAbstractTableModel):
    """One row per signature / document time-stamp of a ``PdfReport``."""

    COLUMNS = 10

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list = []

    def set_report(self, report) -> None:
        self.beginResetModel()
        self.rows = list(report.signatures) if report is not None else []
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 — Qt API
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        titles = (self.tr("Result"), self.tr("Signer"), self.tr("Signing time"),
                  self.tr("Integrity"), self.tr("Added after signing"), self.tr("Trust"),
                  self.tr("Revocation"), self.tr("Time-stamp"), self.tr("Level"),
                  self.tr("Field"))
        return titles[section] if 0 <= section < len(titles) else None

    def result_text(self, s) -> str:
        if s.ok:
            return self.tr("VALID") if s.kind == "signature" else self.tr("VALID (time-stamp)")
        return self.tr("NOT VALID")

    def reason_text(self, s) -> str:
        """Why a signature is not valid, in words."""
        if not s.intact:
            return self.tr("the signed content was altered")
        if s.modified_after == "OTHER":
            return self.tr("the file was changed after signing")
        if s.revocation == "revoked":
            return self.tr("the certificate is revoked")
        if not s.trusted:
            return self.tr("the certificate does not chain to a trusted root")
        return self.tr("the signature cannot be verified")

    def added_text(self, s) -> str:
        return {"NONE": self.tr("nothing"),
                "LTA_UPDATES": self.tr("validation data / time-stamps only"),
                "FORM_FILLING": self.tr("more signatures or form filling"),
                "ANNOTATIONS": self.tr("annotations"),
                "OTHER": self.tr("CONTENT CHANGED")}.get(s.modified_after, s.modified_after)

    def cell(self, s, col: int) -> str:
        if col == 0:
            return self.result_text(s)
        if col == 1:
            return s.signer
        if col == 2:
            if s.timestamp_time:
                return _when(s.timestamp_time)
            return (_when(s.claimed_time) + " *") if s.claimed_time else "—"
        if col == 3:
            return self.tr("intact") if s.intact else self.tr("ALTERED")
        if col == 4:
            return self.added_text(s)
        if col == 5:
            return self.tr("trusted") if s.trusted else self.tr("NOT trusted")
        if col == 6:
            return {"good": self.tr("not revoked"), "revoked": self.tr("REVOKED"),
                    "unknown": self.tr("not known")}.get(s.revocation, s.revocation)
        if col == 7:
            if s.timestamp_time is None:
                return self.tr("none")
            return (self.tr("yes, trusted") if s.timestamp_trusted else self.tr("yes, NOT trusted"))
        if col == 8:
            return s.level or "—"
        if col == 9:
            return s.field_name
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        s = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(s, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0 and not s.ok:
                return self.cell(s, col) + " — " + self.reason_text(s)
            if col == 1:
                return s.signer + (f" — {s.organisation}" if s.organisation else "") + f"\n{s.issuer}"
            if col == 2 and not s.timestamp_time and s.claimed_time:
                return _when(s.claimed_time) + " " + self.tr("(signer's clock)")
            return self.cell(s, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            bad = {0: not s.ok, 3: not s.intact, 4: s.modified_after == "OTHER", 5: not s.trusted,
                   6: s.revocation == "revoked"}.get(col)
            if bad:
                return QBrush(RED)
            if col == 0:
                return QBrush(GREEN)
            if col == 6 and s.revocation == "unknown":
                return QBrush(AMBER)
        if role == Qt.ItemDataRole.FontRole and col == 0:
            from desk_app.ui.qt import QFont

            f = QFont()
            f.setBold(True)
            return f
        return None


class ValidationView(QDialog):
    """One PDF's signatures (see the module docstring)."""

    checked = Signal(object)          # the PdfReport, or the exception

    def __init__(self, ctx: Any, session: Any, jobs: Any, parent: QWidget | None = None, *,
                 path: Path | None = None, title: str | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.session, self.jobs = ctx, session, jobs
        self.path: Path | None = None
        self.report = None
        self.setObjectName("validationView")
        self.setWindowTitle(self.tr("Check signatures"))
        self._title = title
        self.file_label = QLabel(self)
        self.file_label.setObjectName("validationFile")
        self.file_label.setWordWrap(True)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setMargin(8)
        self.model = SignaturesModel(self)
        self.table = _view(self.model, self, "signatures")
        self.table.setWordWrap(False)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("validationDetails")
        self.details.setReadOnly(True)
        self.trust_note = QLabel(self.tr("* time from the signer's own clock (no time-stamp). "
                                         "Trusted roots: the desk's trust store (national root CA "
                                         "and the government specialised root CA)."), self)
        self.trust_note.setWordWrap(True)
        self.trust_note.setStyleSheet("color: #555;")
        self.open_button = QPushButton(self.tr("Open another PDF…"), self)
        self.open_button.setObjectName("openPdf")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.choose)
        close = QPushButton(self.tr("Close"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.trust_note, 1)
        row.addWidget(self.open_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.verdict)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details, 2)
        layout.addLayout(row)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setStretchLastSection(True)
        self.table.setColumnHidden(9, True)          # the field name: in the details below
        self.table.setMaximumHeight(150)
        fit_dialog(self, 1200, 640)
        if path is not None:
            self.check(Path(path))

    def choose(self) -> None:
        path = dialogs.open_file(self, self.tr("PDF file to check"), self.tr("PDF (*.pdf)"))
        if path is not None:
            self.check(path)

    def check(self, path: Path) -> None:
        from desk_app.services import registry
        from desk_app.services.session import Session

        self.path = Path(path)
        self.report = None
        self.model.set_report(None)
        self.details.clear()
        self.file_label.setText(self.tr("File: %1").replace("%1", self._title or str(self.path)))
        self._verdict(self.tr("Checking…"), None)
        session, target = self.session, self.path

        def job(wctx, _progress, _cancel):
            s = Session(wctx, session.user, "gui") if session is not None else None
            if s is None:
                from desk_app.services.session import os_owner_session

                s = os_owner_session(wctx)
            return registry.call("sign verify", s, file=target)

        run_job(self.jobs, job, on_done=self._shown, on_error=self._failed,
                      title_vi="Kiểm tra chữ ký", title_en="Checking signatures",
                      cancellable=False, show_progress=False)

    def _shown(self, report) -> None:
        self.report = report
        self.model.set_report(report)
        lang = i18n.current_language()
        self.details.setPlainText(report.text(lang))
        n = len(report.signatures)
        if not n:
            self._verdict(self.tr("✘ NO SIGNATURE: this file is not signed."), False)
        elif report.ok:
            self._verdict(self.tr("✔ VALID: %1 signature(s), all intact and trusted.").replace("%1", str(n)), True)
        else:
            bad = [s for s in report.signatures if not s.ok]
            why = self.model.reason_text(bad[0])
            self._verdict(self.tr("✘ NOT VALID — %1 (%2 of %3 signatures not valid). Do not "
                                  "accept this file as signed.")
                          .replace("%1", why).replace("%2", str(len(bad))).replace("%3", str(n)),
                          False)
        if report.signatures:
            self.table.selectRow(0)
        self.checked.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._verdict(self.tr("✘ CANNOT CHECK: %1").replace("%1", i18n.error_text(exc)), False)
        self.checked.emit(exc)

    def _verdict(self, text: str, ok: bool | None) -> None:
        self.verdict.setText(text)
        if ok is None:
            self.verdict.setStyleSheet("")
        elif ok:
            self.verdict.setStyleSheet("background: #e3f1e4; color: #1b6e20; font-weight: bold;")
        else:
            self.verdict.setStyleSheet("background: #fbe4e2; color: #b3261e; font-weight: bold;")

    @property
    def verdict_ok(self) -> bool | None:
        return None if self.report is None else bool(self.report.ok)


def open_validation(window, path: Path | None = None, *, title: str | None = None) -> ValidationView | None:
    """The menu's “Kiểm tra chữ ký…”: ask for a PDF when none is given."""
    from desk_app.ui.qt import QCoreApplication

    if path is None:
        path = dialogs.open_file(window, QCoreApplication.translate("ValidationView", "PDF file to check"),
                                 QCoreApplication.translate("ValidationView", "PDF (*.pdf)"))
        if path is None:
            return None
    view = ValidationView(window.ctx, window.session, window.jobs, window, path=path, title=title)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view
