"""Block 4 of the intake: where the result is collected, number of sets, pages, the fee."""
from __future__ import annotations

from desk_app.domain.errors import DeskError
from desk_app.domain.models import Delivery, Procedure
from desk_app.services import intake
from desk_app.services.context import DeskContext
from desk_app.ui import i18n, labels
from desk_app.ui.qt import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QSpinBox


class DeliveryPart(QGroupBox):
    def __init__(self, ctx: DeskContext, parent=None) -> None:
        super().__init__(self.tr("4. Result delivery and fee (Alt+4)"), parent)
        self.setObjectName("deliveryBox")
        self.ctx = ctx
        self.procedure: Procedure | None = None
        self.delivery = QComboBox(self)
        self.delivery.setObjectName("delivery")
        self.delivery.addItem(labels.delivery_label(Delivery.DESK), Delivery.DESK.value)
        self.delivery.addItem(labels.delivery_label(Delivery.POST), Delivery.POST.value)
        self.postal_address = QLineEdit(self)
        self.postal_address.setObjectName("postalAddress")
        self.postal_address.setPlaceholderText(self.tr("Postal address for the result"))
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
        form = QFormLayout(self)
        form.addRow(self.tr("Result delivered:"), self.delivery)
        form.addRow(self.tr("Postal address:"), self.postal_address)
        form.addRow(self.tr("Number of sets:"), self.sets)
        form.addRow(self.tr("Pages of the original:"), self.pages)
        form.addRow(self.tr("Fee due:"), self.fee)
        self.address_source = lambda: ""
        self.delivery.currentIndexChanged.connect(self._on_delivery)
        self.sets.valueChanged.connect(self.update_fee)
        self.pages.valueChanged.connect(self.update_fee)

    def _on_delivery(self) -> None:
        by_post = self.delivery.currentData() == Delivery.POST.value
        self.postal_address.setEnabled(by_post)
        if by_post and not self.postal_address.text():
            self.postal_address.setText(self.address_source())

    def set_procedure(self, procedure: Procedure | None) -> None:
        self.procedure = procedure
        self.update_fee()

    def page_count(self) -> int:
        return self.pages.value() if self.pages.isEnabled() else 0

    def update_fee(self) -> None:
        if self.procedure is None:
            self.fee.setText("—")
            self.pages.setEnabled(False)
            return
        self.pages.setEnabled(self.procedure.fee.kind == "per_page_capped")
        try:
            amount, note = intake.fee_for(self.ctx, self.procedure, pages=self.page_count(),
                                          copies=self.sets.value())
        except DeskError as exc:
            self.fee.setText(i18n.error_text(exc))
            return
        # The clerk sees the whole explanation (legal basis included); the slip prints less.
        self.fee.setText(labels.money(amount) + (f" — {note}" if note else ""))

    @property
    def mode(self) -> Delivery:
        return Delivery(self.delivery.currentData())

    def address(self) -> str:
        return self.postal_address.text().strip() if self.mode == Delivery.POST else ""

    def inputs(self):
        return [self.delivery, self.postal_address, self.sets, self.pages]

    def reset(self) -> None:
        self.delivery.setCurrentIndex(0)
        self.postal_address.clear()
        self.postal_address.setEnabled(False)
        self.sets.setValue(1)
        self.pages.setValue(0)
        self.pages.setEnabled(False)
        self.procedure = None
        self.fee.setText("—")
