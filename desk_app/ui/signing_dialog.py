"""The officer's batch signing dialog: choose the certificate, the documents, sign them with one PIN.

Everything slow runs as a job on the window's ``JobRunner``: listing the tokens and the batch
itself (``registry.call("sign files", …)`` as the logged-in person — the one permission check);
every PKCS#11 call hops from the job onto the token thread inside the core. The PIN is asked by
``QtDeviceHandler`` (the token thread waits, the GUI thread shows the dialog; a PIN-pad token gets
a "type the PIN on the keypad" message instead of a field). Progress events come back through
the runner's ``progressed`` signal (queued to the GUI thread): widgets are only touched here.

"Dừng" (stop) asks the batch to stop between documents; the report then says what was signed,
what failed and why, and what was left unsigned (untouched). A wrong PIN writes nothing and says
how many tries are left when the token tells; a token pulled out stops the batch cleanly.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.ui import dialogs, i18n, signing_access
from desk_app.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QBrush,
    QCheckBox,
    QColor,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPersistentModelIndex,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

__all__ = ["CertificatesModel", "DocumentsModel", "SignDialog", "fit_dialog", "open_sign_dialog", "run_job"]

Index = QModelIndex | QPersistentModelIndex
RED = QColor("#b3261e")
GREEN = QColor("#1b6e20")
GREY = QColor("#777777")


def fit_dialog(dlg: QWidget, width: int, height: int) -> None:
    """Open at ``width``×``height`` when the screen has room, else at its available area."""
    host = dlg.parentWidget()
    screen = (host.screen() if host is not None else None) or dlg.screen()
    avail = screen.availableGeometry()
    w, h = min(width, avail.width() - 16), min(height, avail.height() - 40)
    dlg.setGeometry(avail.x() + (avail.width() - w) // 2,
                    avail.y() + max(30, (avail.height() - h) // 2), w, h)


def run_job(jobs: Any, fn, *, on_done, on_error, **kwargs):
    """``jobs.run`` whose handle lets go of the job and its callbacks once they ran (on the GUI
    thread). Otherwise the finished handle, still referenced by the worker until its next job,
    would keep this dialog alive and the worker thread would drop the last reference to a
    widget — Qt objects must be destroyed on the GUI thread."""
    box: list = []

    def release() -> None:
        h = box[0] if box else None
        if h is not None:
            h.fn = h.on_done = h.on_error = None
            if h.error is not None:
                h.error.__traceback__ = None      # its frames hold the job's closure

    def done(result) -> None:
        try:
            on_done(result)
        finally:
            release()

    def failed(exc: BaseException) -> None:
        try:
            on_error(exc)
        finally:
            release()

    handle = jobs.run(fn, on_done=done, on_error=failed, **kwargs)
    box.append(handle)
    return handle


def _view(model: QAbstractTableModel, parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return view


# --------------------------------------------------------------------------- certificates

class CertificatesModel(QAbstractTableModel):
    """The certificates on the tokens present: holder, organisation, issuer, validity, state.
    An expired (or not yet valid) certificate stays listed, greyed, with the words, and cannot
    be chosen."""

    COLUMNS = 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[signing_access.CertRow] = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 — Qt API
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = (self.tr("Holder"), self.tr("Organisation"), self.tr("Issued by"),
                  self.tr("Valid until"), self.tr("State"), self.tr("Token"))
        return titles[section] if 0 <= section < len(titles) else None

    def state_text(self, r) -> str:
        state = r.state()
        if state == "expired":
            return self.tr("EXPIRED — cannot sign")
        if state == "not_yet":
            return self.tr("Not valid yet")
        if r.pin_state == "locked":
            return self.tr("PIN locked")
        return self.tr("Valid")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return r.common_name
            if col == 1:
                return r.organisation
            if col == 2:
                return r.issuer
            if col == 3:
                return _date(r.not_after)
            if col == 4:
                return self.state_text(r)
            if col == 5:
                text = r.token_label
                if r.pinpad:
                    text += " · " + self.tr("PIN pad")
                return text if role == Qt.ItemDataRole.DisplayRole else r.device
        if role == Qt.ItemDataRole.ForegroundRole and not r.usable:
            return QBrush(RED if col == 4 else GREY)
        if role == Qt.ItemDataRole.UserRole:
            return r
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        r = self.rows[index.row()]
        if not r.usable:
            return Qt.ItemFlag.NoItemFlags       # shown, not choosable
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _date(dt) -> str:
    from desk_app.domain.localtime import VN_TZ

    return dt.astimezone(VN_TZ).strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- documents

@dataclass
class DocRow:
    path: Path | None               # a plain file, or None for a dossier's file version
    state: str = "waiting"          # waiting | signing | signed | failed | not_done
    note: str = ""
    output: Path | None = None
    version: Any = None             # services.signing.FileVersion (dossier mode)

    @property
    def key(self):
        return self.version.id if self.version is not None else self.path

    @property
    def name(self) -> str:
        if self.version is not None:
            v = self.version
            return f"{v.dossier_code} · {v.filename} (v{v.version})"
        return self.path.name


class DocumentsModel(QAbstractTableModel):
    """The documents of the batch and what happened to each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[DocRow] = []

    def set_files(self, paths: list[Path]) -> None:
        self.beginResetModel()
        self.rows = [DocRow(Path(p)) for p in paths]
        self.endResetModel()

    def set_versions(self, versions: list) -> None:
        """A dossier's current file versions (signed into new versions of the dossier)."""
        self.beginResetModel()
        self.rows = [DocRow(None, version=v) for v in versions]
        self.endResetModel()

    @property
    def dossier_mode(self) -> bool:
        return any(r.version is not None for r in self.rows)

    def add(self, paths: list[Path]) -> None:
        known = {r.path.resolve() for r in self.rows if r.path is not None}
        new = [Path(p) for p in paths if Path(p).resolve() not in known]
        if not new:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self.rows += [DocRow(p) for p in new]
        self.endInsertRows()

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def paths(self) -> list[Path]:
        return [r.path for r in self.rows if r.path is not None]

    def set_state(self, row: int, state: str, note: str = "", output: Path | None = None) -> None:
        if not 0 <= row < len(self.rows):
            return
        r = self.rows[row]
        r.state, r.note = state, note
        if output is not None:
            r.output = output
        self.dataChanged.emit(self.index(row, 0), self.index(row, 2))

    def reset_states(self) -> None:
        for r in self.rows:
            r.state, r.note, r.output = "waiting", "", None
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 2))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 — Qt API
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = (self.tr("Document"), self.tr("State"), self.tr("Details"))
        return titles[section] if 0 <= section < len(titles) else None

    def state_text(self, state: str) -> str:
        return {"waiting": self.tr("Waiting"), "signing": self.tr("Signing…"),
                "signed": self.tr("Signed"), "failed": self.tr("FAILED"),
                "not_done": self.tr("Not signed (stopped)"),
                "processed": self.tr("Processed")}.get(state, state)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return r.name if role == Qt.ItemDataRole.DisplayRole or r.path is None \
                    else str(r.path)
            if col == 1:
                return self.state_text(r.state)
            if col == 2:
                return r.note
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            if r.state == "failed":
                return QBrush(RED)
            if r.state == "signed":
                return QBrush(GREEN)
        return None


# --------------------------------------------------------------------------- the dialog

class SignDialog(QDialog):
    """Batch signing (see the module docstring)."""

    #: the batch ended; the BatchReport (or None after an error before signing)
    batch_finished = Signal(object)
    tokens_loaded = Signal(int)

    def __init__(self, ctx: Any, session: Any, jobs: Any, parent: QWidget | None = None, *,
                 files: list[Path] | None = None, lib: str | None = None,
                 out_dir: Path | None = None, handler: Any = None, tsa: str | None = None,
                 versions: list | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = session
        self.jobs = jobs
        if handler is None:
            from desk_app.ui.device_handler import QtDeviceHandler

            handler = QtDeviceHandler(self)
        self.handler = handler
        self.handle = None
        self.report = None
        self.error: BaseException | None = None
        self._total = 0
        self.setObjectName("signDialog")
        self.setWindowTitle(self.tr("Sign documents with the USB token"))

        # -- the token and the certificate
        self.lib_edit = QLineEdit(lib if lib is not None else signing_access.pkcs11_lib(ctx), self)
        self.lib_edit.setObjectName("pkcs11Lib")
        self.lib_edit.setPlaceholderText(self.tr("Token library (.dll / .so) of the certificate provider"))
        self.lib_browse = QPushButton(self.tr("Choose…"), self)
        self.lib_browse.setAutoDefault(False)
        self.lib_browse.clicked.connect(self._choose_lib)
        self.refresh_button = QPushButton(self.tr("Find tokens"), self)
        self.refresh_button.setObjectName("refreshTokens")
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh_tokens)
        lib_row = QHBoxLayout()
        lib_row.addWidget(QLabel(self.tr("Token library:"), self))
        lib_row.addWidget(self.lib_edit, 1)
        lib_row.addWidget(self.lib_browse)
        lib_row.addWidget(self.refresh_button)

        self.certs = CertificatesModel(self)
        self.cert_view = _view(self.certs, self, "certificates")
        self.cert_view.setMinimumHeight(100)
        self.cert_view.selectionModel().selectionChanged.connect(self._cert_changed)
        self.cert_note = QLabel(self)
        self.cert_note.setObjectName("certNote")
        self.cert_note.setWordWrap(True)

        # -- options
        self.visible = QCheckBox(self.tr("Visible signature (top right of page 1)"), self)
        self.visible.setObjectName("visibleSignature")
        configured_tsa = tsa if tsa is not None else signing_access.tsa_url(ctx)
        self.tsa = QCheckBox(self.tr("Time-stamp (B-T): %1").replace("%1", configured_tsa)
                             if configured_tsa else
                             self.tr("No time-stamp service configured: signed as B-B, "
                                     "upgraded at the next sync"), self)
        self.tsa.setObjectName("useTsa")
        self.tsa.setEnabled(bool(configured_tsa))
        self.tsa.setChecked(bool(configured_tsa))
        self.tsa_url = configured_tsa
        options = QHBoxLayout()
        options.addWidget(self.visible)
        options.addWidget(self.tsa, 1)

        # -- documents
        self.docs = DocumentsModel(self)
        if versions:
            self.docs.set_versions(list(versions))
        else:
            self.docs.set_files(list(files or []))
        self.doc_view = _view(self.docs, self, "documents")
        self.doc_view.setMinimumHeight(90)
        self.add_button = QPushButton(self.tr("Add PDF files…"), self)
        self.add_button.setObjectName("addDocuments")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_files)
        self.pending_button = QPushButton(self.tr("Results awaiting signature"), self)
        self.pending_button.setObjectName("pendingResults")
        self.pending_button.setAutoDefault(False)
        self.pending_button.clicked.connect(self.load_pending)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self._remove_file)
        self.out_edit = QLineEdit(str(out_dir) if out_dir else "", self)
        self.out_edit.setObjectName("outDir")
        self.out_edit.setPlaceholderText(self.tr("Folder for the signed files"))
        out_browse = QPushButton(self.tr("Folder…"), self)
        out_browse.setAutoDefault(False)
        out_browse.clicked.connect(self._choose_out)
        doc_row = QHBoxLayout()
        doc_row.addWidget(self.pending_button)
        doc_row.addWidget(self.add_button)
        doc_row.addWidget(self.remove_button)
        out_label = QLabel(self.tr("Save signed files in:"), self)
        doc_row.addWidget(out_label)
        doc_row.addWidget(self.out_edit, 1)
        doc_row.addWidget(out_browse)
        self.dossier_note = QLabel(self.tr("Each signed file becomes a new version in its dossier "
                                           "(the unsigned one is kept); the signed version is what "
                                           "syncs and what the citizen receives."), self)
        self.dossier_note.setWordWrap(True)
        self.dossier_note.setVisible(self.docs.dossier_mode)
        doc_row.addWidget(self.dossier_note, 1)
        self._file_widgets = (self.add_button, self.remove_button, out_label, self.out_edit,
                              out_browse)
        self._show_mode()

        # -- progress, report, buttons
        self.bar = QProgressBar(self)
        self.bar.setObjectName("signProgress")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status = QLabel(self)
        self.status.setObjectName("signStatus")
        self.status.setWordWrap(True)
        self.report_text = QPlainTextEdit(self)
        self.report_text.setObjectName("signReport")
        self.report_text.setReadOnly(True)
        self.report_text.setMaximumHeight(72)
        self.report_text.hide()
        self.sign_button = QPushButton(self.tr("Sign"), self)
        self.sign_button.setObjectName("signButton")
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop after this document"), self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAutoDefault(False)
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setSpacing(5)
        layout.addWidget(_heading(self.tr("1. Certificate"), self))
        layout.addLayout(lib_row)
        layout.addWidget(self.cert_view, 2)
        layout.addWidget(self.cert_note)
        layout.addLayout(options)
        layout.addWidget(_heading(self.tr("2. Documents"), self))
        layout.addWidget(self.doc_view, 3)
        layout.addLayout(doc_row)
        layout.addWidget(self.status)
        layout.addWidget(self.report_text)
        layout.addLayout(buttons)
        self._size_columns()
        fit_dialog(self, 1000, 680)
        if self.jobs is not None:
            self.jobs.progressed.connect(self._on_progress)
        if self.lib_edit.text():
            self.refresh_tokens()
        else:
            self.cert_note.setText(self.tr("Choose the token library of your certificate provider, "
                                           "then press “Find tokens”."))
        self._update_buttons()

    # -- layout helpers --------------------------------------------------------------------------
    def _size_columns(self) -> None:
        fm = self.fontMetrics()
        for b in self.findChildren(QPushButton):         # never a cut label (long Vietnamese)
            b.setMinimumWidth(fm.horizontalAdvance(b.text()) + 28)
        h = self.cert_view.horizontalHeader()
        for col, sample in ((0, "Nguyễn Văn Bình Nguyễn"), (1, "UBND xã An Bình xã"),
                            (2, "Test Issuing CA"), (3, "31/12/2030"), (4, "HẾT HẠN — không được ký")):
            h.resizeSection(col, fm.horizontalAdvance(sample) + 16)
        d = self.doc_view.horizontalHeader()
        d.resizeSection(0, fm.horizontalAdvance("ket-qua-giay-xac-nhan-2026.pdf") + 16)
        d.resizeSection(1, fm.horizontalAdvance("Chưa ký (đã dừng)") + 16)

    def _show_mode(self) -> None:
        dossier = self.docs.dossier_mode
        for w in self._file_widgets:
            w.setVisible(not dossier)
        self.dossier_note.setVisible(dossier)
        self.pending_button.setVisible(dossier or not self.docs.rows)

    # -- “Chờ ký”: the dossiers whose result waits for the officer's signature --------------------
    pending_loaded = Signal(int)

    def load_pending(self) -> None:
        """The current, unsigned result PDFs of the dossiers whose result is ready (queue
        ``to_return``), each to become a signed version of its dossier."""
        if self.jobs is None or self.running:
            return
        from desk_app.services import registry
        from desk_app.services.session import Session

        user = self.session.user

        def job(wctx, _p, _c):
            s = Session(wctx, user, "gui")
            out = []
            for row in registry.call("queues", s, name="to_return", limit=200):
                for v in registry.call("dossier files", s, code=row.code):
                    if (v.current and v.kind == "result" and not v.signed_level
                            and v.filename.lower().endswith(".pdf")):
                        out.append(v)
            return out

        def done(versions) -> None:
            self.pending_button.setEnabled(True)
            self.docs.set_versions(list(versions))
            self._show_mode()
            self._say(self.tr("Results awaiting signature: %1").replace("%1", str(len(versions)))
                      if versions else self.tr("No result is waiting for a signature."))
            self._update_buttons()
            self.pending_loaded.emit(len(versions))

        def failed(exc: BaseException) -> None:
            self.pending_button.setEnabled(True)
            self._say(i18n.error_text(exc), error=True)
            self.pending_loaded.emit(-1)

        self.pending_button.setEnabled(False)
        run_job(self.jobs, job, on_done=done, on_error=failed, title_vi="Tìm kết quả chờ ký",
                title_en="Finding results awaiting signature", show_progress=False,
                cancellable=False)

    # -- choosing ----------------------------------------------------------------------------------
    def _choose_lib(self) -> None:
        path = dialogs.open_file(self, self.tr("Token library"),
                                 self.tr("PKCS#11 library (*.dll *.so *.dylib *.so.*)"))
        if path is not None:
            self.lib_edit.setText(str(path))
            self.refresh_tokens()

    def _choose_out(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Folder for the signed files"),
                                                self.out_edit.text() or str(Path.home()),
                                                dialogs.OPTIONS)
        if name:
            self.out_edit.setText(name)
            self._update_buttons()

    def _add_files(self) -> None:
        paths = dialogs.open_files(self, self.tr("Documents to sign"), self.tr("PDF (*.pdf)"))
        if paths:
            self.docs.add(paths)
            self._show_mode()
            if not self.out_edit.text():
                self.out_edit.setText(str(Path(paths[0]).parent / "da-ky"))
            self._update_buttons()

    def _remove_file(self) -> None:
        idx = self.doc_view.currentIndex()
        if idx.isValid() and not self.running:
            self.docs.remove(idx.row())
            self._update_buttons()

    def selected_cert(self):
        rows = self.cert_view.selectionModel().selectedRows()
        if not rows:
            return None
        r = self.certs.rows[rows[0].row()]
        return r if r.usable else None

    def _cert_changed(self, *_a) -> None:
        r = self.selected_cert()
        if r is None:
            self.cert_note.setText("")
        elif r.pinpad:
            self.cert_note.setText(self.tr("This token has a PIN pad: type the PIN on the device "
                                           "when asked."))
        elif r.tries_left is not None:
            self.cert_note.setText(self.tr("Careful: the token says %1 PIN tries are left.")
                                   .replace("%1", str(r.tries_left)))
        elif r.pin_state == "count_low":
            self.cert_note.setText(self.tr("Careful: a wrong PIN was entered on this token before."))
        else:
            self.cert_note.setText(self.tr("Signer: %1 — %2").replace("%1", r.common_name)
                                   .replace("%2", r.organisation))
        self._update_buttons()

    @property
    def running(self) -> bool:
        return self.handle is not None and self.handle.state in ("queued", "running")

    def _update_buttons(self) -> None:
        busy = self.running
        self.sign_button.setEnabled(not busy and self.selected_cert() is not None
                                    and bool(self.docs.rows)
                                    and (self.docs.dossier_mode or bool(self.out_edit.text().strip())))
        self.stop_button.setEnabled(busy)
        for w in (self.add_button, self.remove_button, self.refresh_button, self.lib_browse,
                  self.cert_view, self.visible, self.out_edit, self.lib_edit, self.pending_button):
            w.setEnabled(not busy)
        self.tsa.setEnabled(not busy and bool(self.tsa_url))
        self.close_button.setEnabled(not busy)

    # -- the tokens (a job: every PKCS#11 call on the token thread) --------------------------------
    def refresh_tokens(self) -> None:
        lib = self.lib_edit.text().strip()
        if not lib or self.jobs is None:
            return
        self.cert_note.setText(self.tr("Looking for tokens…"))
        self.refresh_button.setEnabled(False)

        def done(rows) -> None:
            self.refresh_button.setEnabled(True)
            self.certs.set_rows(rows)
            usable = [i for i, r in enumerate(rows) if r.usable]
            if not rows:
                self.cert_note.setText(self.tr("No certificate found: plug the token in and press "
                                               "“Find tokens”."))
            elif usable:
                self.cert_view.selectRow(usable[0])
            else:
                self.cert_note.setText(self.tr("No certificate on the token can sign now "
                                               "(expired, not yet valid or PIN locked)."))
            self._update_buttons()
            self.tokens_loaded.emit(len(rows))

        def failed(exc: BaseException) -> None:
            self.refresh_button.setEnabled(True)
            self.certs.set_rows([])
            self._say(i18n.error_text(exc), error=True)
            self.cert_note.setText("")
            self._update_buttons()
            self.tokens_loaded.emit(-1)

        run_job(self.jobs, lambda _w, _p, _c: signing_access.tokens(lib), on_done=done, on_error=failed,
                      title_vi="Tìm thiết bị ký số", title_en="Looking for tokens",
                      show_progress=False, cancellable=False, needs_store=False)

    # -- signing -----------------------------------------------------------------------------------
    def start(self) -> None:
        cert = self.selected_cert()
        dossier = self.docs.dossier_mode
        files = self.docs.paths()
        out = self.out_edit.text().strip()
        if cert is None or not self.docs.rows or (not dossier and (not files or not out)) \
                or self.running:
            return
        from desk_app.services import registry
        from desk_app.services.session import Session

        session, handler = self.session, self.handler
        params = dict(pkcs11_lib=cert.lib, token_label=cert.token_label, cert_subject=cert.subject,
                      visible=self.visible.isChecked(),
                      tsa=self.tsa_url if self.tsa.isChecked() and self.tsa_url else None)
        if dossier:      # signed versions in the dossiers (the old versions kept)
            name = "dossier sign"
            params["targets"] = [str(r.version.id) for r in self.docs.rows]
        else:
            name = "sign files"
            params.update(out_dir=Path(out), files=files)

        def job(wctx, progress, cancel):
            return registry.call(name, Session(wctx, session.user, "gui"), **params,
                                 handler=handler, progress=progress, cancel=cancel)

        self.report = None
        self.error = None
        self._total = len(self.docs.rows)
        self.docs.reset_states()
        self.report_text.clear()
        self.report_text.hide()
        self.bar.setRange(0, self._total)
        self.bar.setValue(0)
        self._say(self.tr("Opening the token — enter the PIN when asked…"))
        self.handle = run_job(self.jobs, job, on_done=self._done, on_error=self._failed,
                                    title_vi="Ký số tài liệu", title_en="Signing documents",
                                    cancellable=True)
        self._update_buttons()

    def stop(self) -> None:
        if self.handle is not None and self.handle.cancel():
            self.stop_button.setEnabled(False)
            self._say(self.tr("Stopping after the current document…"))

    def _on_progress(self, p) -> None:
        if not self.running or self.jobs.current is not self.handle or p.step != "sign.batch":
            return
        if p.total:
            self.bar.setRange(0, p.total)
            self.bar.setValue(min(p.done, p.total))
        for i in range(min(p.done, len(self.docs.rows))):
            if self.docs.rows[i].state in ("waiting", "signing"):
                self.docs.set_state(i, "processed")
        opening = p.en.startswith("Opening")       # the login, before any document
        if not opening and p.done < len(self.docs.rows) and p.done < (p.total or 0):
            self.docs.set_state(p.done, "signing")
        self._say(p.message(i18n.current_language()))

    def _done(self, report) -> None:
        self.report = report
        lang = i18n.current_language()
        dossier = self.docs.dossier_mode

        def key(x):
            return int(x) if dossier else Path(x)
        by_key = {(s.previous_id if dossier else Path(s.source)): s for s in report.signed}
        failed = {key(f): (en if lang == "en" else vi) for f, vi, en in report.failed}
        not_done = {key(p) for p in report.not_done}
        for i, row in enumerate(self.docs.rows):
            if row.key in by_key:
                s = by_key[row.key]
                where = (self.tr("version %1 in the dossier").replace("%1", str(s.attachment_id))
                         if dossier else s.output.name)
                note = self.tr("%1 · %2").replace("%1", s.level).replace("%2", where)
                if s.needs_upgrade:
                    note += " · " + self.tr("to be upgraded at the next sync")
                self.docs.set_state(i, "signed", note, getattr(s, "output", None))
            elif row.key in failed:
                self.docs.set_state(i, "failed", failed[row.key])
            elif row.key in not_done:
                self.docs.set_state(i, "not_done", self.tr("untouched"))
        self.bar.setValue(len(report.signed) + len(report.failed))
        lines = [self.tr("Signed: %1 · failed: %2 · not signed: %3")
                 .replace("%1", str(len(report.signed))).replace("%2", str(len(report.failed)))
                 .replace("%3", str(len(report.not_done)))]
        if report.signer:
            lines.append(self.tr("Signer: %1 — token %2").replace("%1", report.signer)
                         .replace("%2", getattr(report, "device", "") or "—"))
        if getattr(report, "presign", None) is not None:
            lines.append(report.presign.message(lang))
        names = {r.key: r.name for r in self.docs.rows}
        for f, vi, en in report.failed:
            lines.append(f"✘ {names.get(key(f), str(f))}: {en if lang == 'en' else vi}")
        if report.stopped:
            lines.append(report.stop_en if lang == "en" else report.stop_vi)
        self.report_text.setPlainText("\n".join(lines))
        self.report_text.show()
        trouble = bool(report.failed) or report.stopped not in (None, "cancelled")
        self._say(lines[0] + ("" if not report.stopped else " — " + (
            report.stop_en if lang == "en" else report.stop_vi)), error=trouble)
        self._update_buttons()
        self.batch_finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        text = i18n.error_text(exc)
        code = getattr(exc, "code", "")
        if code == "pin_wrong":
            tries = (getattr(exc, "details", {}) or {}).get("tries_left")
            if tries is None:
                text += " " + self.tr("The token does not say how many tries are left; most "
                                      "tokens lock after 3 wrong PINs.")
        if isinstance(exc, DeskError):
            text += " " + self.tr("No document was signed; nothing was written.")
        self._say(text, error=True)
        self.docs.reset_states()                    # nothing was signed
        self.bar.setValue(0)
        self._update_buttons()
        self.batch_finished.emit(None)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b3261e; font-weight: bold;" if error else "")
        self.status.setText(text)

    # -- closing -------------------------------------------------------------------------------------
    def reject(self) -> None:
        if self.running:           # never close under a running batch: stop it first
            self.stop()
            return
        if self.jobs is not None:
            try:
                self.jobs.progressed.disconnect(self._on_progress)
            except (RuntimeError, TypeError):
                pass
        super().reject()


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet("font-weight: bold;")
    return label


def open_sign_dialog(window, files: list[Path] | None = None, **kwargs) -> SignDialog:
    """The main window's (plain files) / the dossier detail's (``versions=``: the dossier's
    current files, signed into new versions) way in."""
    dlg = SignDialog(window.ctx, window.session, window.jobs, window, files=files, **kwargs)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg
