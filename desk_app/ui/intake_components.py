"""Block 3 of the intake: the components checklist (Space ticks, F2 edits, Ctrl+O attaches)."""
from __future__ import annotations

from desk_app.ui import labels
from desk_app.ui.components_model import COL_FORM, COL_QUANTITY, FORMS, ComponentsModel
from desk_app.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QEvent,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QMessageBox,
    QObject,
    QPushButton,
    QShortcut,
    QSpinBox,
    QStyledItemDelegate,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
)

ERROR_STYLE = "color: #b3261e;"
MIN_VISIBLE_ROWS = 4


class ComponentDelegate(QStyledItemDelegate):
    """Combo box for the form column, spin box for the quantity; the editor is never narrower
    than its text ("Bản sao chứng thực" in full, not "Bản ch")."""

    def createEditor(self, parent, option, index):
        if index.column() == COL_FORM:
            combo = QComboBox(parent)
            combo.setObjectName("formEditor")
            combo.addItems([labels.form_label(f) for f in FORMS])
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            return combo
        if index.column() == COL_QUANTITY:
            spin = QSpinBox(parent)
            spin.setObjectName("quantityEditor")
            spin.setRange(1, 99)
            return spin
        return super().createEditor(parent, option, index)

    def updateEditorGeometry(self, editor, option, index):
        rect = option.rect
        width = max(rect.width(), editor.sizeHint().width())
        height = max(rect.height(), editor.sizeHint().height())
        editor.setGeometry(rect.x(), rect.y(), width, height)

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


class ComponentsPart(QGroupBox):
    """The checklist table, the attach button, the legend and the block's error line."""

    def __init__(self, parent=None) -> None:
        super().__init__(self.tr("3. Components (Alt+3) — Space: received, F2: edit form/quantity"), parent)
        self.setObjectName("componentsBox")
        self.model = ComponentsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("components")
        self.table.setModel(self.model)
        self.table.setItemDelegate(ComponentDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # F2 is handled in eventFilter (it goes to the form column even from the tick column).
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Two lines per row, whatever the name's length (the full name is the tooltip): a long
        # catalog name must not push the other rows out of sight.
        row_h = self.table.fontMetrics().lineSpacing() * 2 + 10
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(row_h)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(30)
        for col in (0, COL_FORM, 3):
            # the form column fits what it shows; its editor widens itself (updateEditorGeometry)
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(4, 96)
        # At least MIN_VISIBLE_ROWS rows stay visible however small the window is.
        self.table.setMinimumHeight(header.sizeHint().height() + MIN_VISIBLE_ROWS * row_h + 4)
        self.attach_button = QPushButton(self.tr("Attach scanned file… (Ctrl+O)"), self)
        self.attach_button.setObjectName("attach")
        self.scan_button = QPushButton(self.tr("Scan… (Ctrl+Shift+O)"), self)
        self.scan_button.setObjectName("scanComponent")
        self.scan_button.setToolTip(self.tr("Scan or import the pages of the selected component"))
        self.scan_button.setAutoDefault(False)
        self.scan_button.clicked.connect(self.scan_current)
        self.scan_data_dir = None          # set by enable_scanning (the intake's data folder)
        self.scan_is_admin = False
        self.scan_dialog = None
        # "never scan twice": what the applicant already has, offered per component
        self.offers_label = QLabel(self)
        self.offers_label.setObjectName("componentOffers")
        self.offers_label.setWordWrap(True)
        self.offers_label.setStyleSheet("color: #1b4e8a;")
        self.offers_label.hide()
        self.reuse_button = QPushButton(self.tr("Reuse digitised copy (Ctrl+D)"), self)
        self.reuse_button.setObjectName("reuseOffer")
        self.reuse_button.setAutoDefault(False)
        self.reuse_button.clicked.connect(self.toggle_reuse)
        self.reuse_button.hide()
        self.offers: dict[int, object] = {}       # component seq -> services Offer
        self.reuse_chosen: dict[int, int] = {}    # component seq -> held document id
        self.reuse_results: list = []
        self.card_box = None                      # "fill the applicant from this card?"
        self.card_found = None
        self.card_note = ""
        self._scan_ctx = None
        self._scan_jobs = None
        self._scan_session = None
        self._id_source = None
        self._procedure_source = None
        self.error = QLabel(self)
        self.error.setObjectName("componentsError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        legend = QLabel(self.tr("Bold: required by the procedure."), self)
        legend.setObjectName("componentsLegend")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.attach_button)
        row.addWidget(self.scan_button)
        row.addWidget(self.reuse_button)
        row.addStretch(1)
        row.addWidget(legend)
        layout.addLayout(row)
        layout.addWidget(self.offers_label)
        layout.addWidget(self.error)
        self.table.installEventFilter(self)
        scan_key = QShortcut(QKeySequence("Ctrl+Shift+O"), self)
        scan_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        scan_key.activated.connect(self.scan_current)
        reuse_key = QShortcut(QKeySequence("Ctrl+D"), self)
        reuse_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        reuse_key.activated.connect(self.toggle_reuse)
        self.table.itemDelegate().closeEditor.connect(
            lambda *_: QTimer.singleShot(0, self._back_to_tick_column))

    def _back_to_tick_column(self) -> None:
        """After F2 editing, Space ticks again: the cursor returns to the "received" column."""
        current = self.table.currentIndex()
        if current.isValid() and current.column() != 0:
            self.table.setCurrentIndex(self.model.index(current.row(), 0))

    def focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def edit_current(self) -> bool:
        """F2: open the form editor of the current row (whatever column has the cursor), with
        its list shown, so the clerk sees every choice at once."""
        current = self.table.currentIndex()
        if not current.isValid():
            if not self.model.rowCount():
                return False
            current = self.model.index(0, 0)
        if current.column() not in (COL_FORM, COL_QUANTITY):
            current = self.model.index(current.row(), COL_FORM)
        self.table.setCurrentIndex(current)
        self.table.edit(current)
        return self.table.state() == QAbstractItemView.State.EditingState

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_F2 \
                and self.table.state() != QAbstractItemView.State.EditingState:
            self.edit_current()
            return True
        return super().eventFilter(obj, event)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- scanning (issue 14): a scan session per component --------------------------------------
    def enable_scanning(self, data_dir, *, is_admin: bool = False, ctx=None, jobs=None,
                        session=None, id_edit=None, procedure=None, apply_card=None) -> None:
        """Turn on the "Scan…" button (its sessions save their PDFs under ``data_dir``) and,
        with ``ctx``, the "already digitised" offers for the applicant typed in ``id_edit`` and
        the procedure ``procedure()`` names; the chosen ones are attached by ``after_saved``."""
        self.scan_data_dir = data_dir
        self.scan_is_admin = is_admin
        self._scan_ctx, self._scan_jobs, self._scan_session = ctx, jobs, session
        self._id_source = id_edit
        self._procedure_source = procedure
        self._apply_card = apply_card          # fills the applicant from a CCCD QR payload
        if ctx is not None:
            self.model.modelReset.connect(self.refresh_offers)
            if id_edit is not None:
                id_edit.textChanged.connect(lambda _t: self.refresh_offers())

    # --- the CCCD QR on a scanned ID card ------------------------------------------------------
    def read_card(self, path) -> None:
        """Look for the card's QR on the scanned pages (both sides, on the worker); when found,
        ask the clerk before anything is filled in (the scan never fills the form by itself)."""
        from desk_app.ui import i18n

        def job(_wctx, progress, cancel):
            from desk_app.services.scanning import qr

            return qr.read_card_page(path)

        def failed(exc: BaseException) -> None:
            self.card_note = i18n.error_text(exc)
            self.offers_label.setText(self.tr("No ID card QR code read from the scan: %1")
                                      .replace("%1", self.card_note))
            self.offers_label.show()

        self._scan_jobs.run(job, on_done=self.confirm_card, on_error=failed,
                            title_vi="Đang đọc mã QR trên thẻ", title_en="Reading the card's QR code",
                            cancellable=False, needs_store=False)

    def confirm_card(self, found) -> QMessageBox:
        card = found.card
        self.card_found = found
        text = self.tr("The scanned ID card says:\n\n%1\nID number: %2\nBorn: %3 · %4\n%5\n\n"
                       "Fill the applicant with these details?") \
            .replace("%1", card.full_name).replace("%2", card.id_number) \
            .replace("%3", card.birth_date.strftime("%d/%m/%Y")).replace("%4", card.sex) \
            .replace("%5", card.address)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("ID card QR code"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Fill in"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Do not fill"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)

        def answered(button) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes \
                    and self._apply_card is not None:
                self._apply_card(found.payload)
        box.buttonClicked.connect(answered)
        self.card_box = box
        box.open()
        return box

    # --- never scan twice ----------------------------------------------------------------------
    def refresh_offers(self) -> None:
        """Ask the services what this applicant already has for this procedure (a read)."""
        ctx = self._scan_ctx
        idn = self._id_source.text().strip() if self._id_source is not None else ""
        code = self._procedure_source() if self._procedure_source is not None else ""
        offers: dict[int, object] = {}
        if ctx is not None and code and len(idn) == 12 and idn.isdigit():
            try:
                from desk_app.services.scanning import documents

                offers = {o.component_seq: o for o in documents.offers(ctx, idn, code)}
            except ImportError:
                offers = {}
            except Exception as exc:  # noqa: BLE001 — an offer is a help, never a blocker
                from desk_app.ui import i18n

                self.offers_label.setText(i18n.error_text(exc))
                self.offers_label.show()
                return
        self.offers = offers
        self.reuse_chosen = {s: d for s, d in self.reuse_chosen.items() if s in offers}
        self._show_offers()

    def _show_offers(self) -> None:
        from desk_app.ui import i18n

        lang = i18n.current_language()
        lines = []
        for seq, offer in sorted(self.offers.items()):
            name = offer.component_name if len(offer.component_name) <= 60 \
                else offer.component_name[:57] + "…"
            if seq in self.reuse_chosen:
                lines.append(self.tr("%1. %2: %3 — will be reused (Ctrl+D to undo)")
                             .replace("%1", str(seq)).replace("%2", name)
                             .replace("%3", offer.note(lang)))
            else:
                lines.append(self.tr("%1. %2: %3 — Ctrl+D reuses it, no new scan")
                             .replace("%1", str(seq)).replace("%2", name)
                             .replace("%3", offer.note(lang)))
        self.offers_label.setText("\n".join(lines))
        self.offers_label.setVisible(bool(lines))
        self.reuse_button.setVisible(bool(self.offers))

    def toggle_reuse(self) -> bool:
        """Ctrl+D on a row with an offer: reuse the digitised copy (the row becomes received),
        or undo that choice. Returns whether the row now reuses one."""
        if not self.attach_button.isEnabled():
            return False
        row = self.table.currentIndex().row()
        if row < 0 or row >= self.model.rowCount():
            offered = [r for r, c in enumerate(self.model.rows()) if c.seq in self.offers]
            if not offered:
                return False
            row = offered[0]
            self.table.setCurrentIndex(self.model.index(row, 0))
        comp = self.model.row(row)
        offer = self.offers.get(comp.seq)
        if offer is None:
            self.show_error(self.tr("No digitised copy of this component is on file."))
            return False
        if comp.seq in self.reuse_chosen:
            del self.reuse_chosen[comp.seq]
            chosen = False
        else:
            self.reuse_chosen[comp.seq] = offer.document.id
            self.model.setData(self.model.index(row, 0), Qt.CheckState.Checked.value,
                               Qt.ItemDataRole.CheckStateRole)
            chosen = True
        self._show_offers()
        return chosen

    def reuse_list(self) -> list[tuple[int, int]]:
        """``IntakeRequest.reuse``: (component seq, held document id) for each chosen offer of
        a row still ticked — recorded with the dossier in its one transaction (same blob, no
        upload)."""
        ticked = {r.seq for r in self.model.rows() if r.received}
        return sorted((seq, doc) for seq, doc in self.reuse_chosen.items() if seq in ticked)

    def after_saved(self, dossier) -> None:
        """The dossier is recorded: say which digitised copies it reused."""
        from desk_app.ui import i18n

        chosen, self.reuse_chosen = dict(self.reuse_chosen), {}
        if not chosen:
            return
        lang = i18n.current_language()
        self.reuse_results = [self.offers[s] for s in sorted(chosen) if s in self.offers]
        self.offers_label.setText("\n".join(
            self.tr("%1. %2: the digitised copy (%3) was reused.").replace("%1", str(o.component_seq))
            .replace("%2", o.component_name[:60]).replace("%3", o.note(lang))
            for o in self.reuse_results))
        self.offers_label.show()
        self.reuse_button.hide()

    def scan_current(self):
        """Open a scan session for the current row; its saved PDF is attached to that row
        (which also ticks it as received). Returns the session (None when it cannot open)."""
        if self.scan_data_dir is None or not self.attach_button.isEnabled():
            return None
        if not self.model.rowCount():
            self.show_error(self.tr("Choose the procedure first."))
            return None
        if self.scan_dialog is not None and self.scan_dialog.isVisible():
            self.scan_dialog.raise_()
            self.scan_dialog.activateWindow()
            return self.scan_dialog
        from desk_app.services.scanning.session import profile_for
        from desk_app.ui.scan_session import ScanSessionDialog

        row = max(0, self.table.currentIndex().row())
        comp = self.model.row(row)
        dlg = ScanSessionDialog(self.scan_data_dir, comp.name, self.window(),
                                is_admin=self.scan_is_admin, default_profile=profile_for(comp.name))
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        seq = comp.seq

        is_card = profile_for(comp.name) == "id_card"

        def saved(path) -> None:
            for r, c in enumerate(self.model.rows()):     # the row, wherever it is now
                if c.seq == seq:
                    self.model.attach(r, [path])
                    self.table.setCurrentIndex(self.model.index(r, 0))
                    break
            if is_card and self._apply_card is not None and self._scan_jobs is not None:
                self.read_card(path)

        dlg.saved.connect(saved)
        dlg.finished.connect(lambda _r: (setattr(self, "scan_dialog", None), self.table.setFocus()))
        self.scan_dialog = dlg
        dlg.open()
        return dlg
