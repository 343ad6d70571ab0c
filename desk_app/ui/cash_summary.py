"""The day's takings per clerk (``services.reports.fees.summary``) and the supervisor's sign-off.

One model (``CashModel``); the sign-off goes through the registry's rule (``cash signoff`` needs a
supervisor) and the JobRunner when the window has one.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.ui import i18n, labels, qt
from desk_app.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QModelIndex,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)


class CashModel(QAbstractTableModel):
    COLS = ("clerk", "payments", "exempt", "total", "signed")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, r: int):
        return self._rows[r]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLS)

    def headerData(self, section, orientation, role=qt.Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (role != qt.Qt.ItemDataRole.DisplayRole or orientation != qt.Qt.Orientation.Horizontal
                or not 0 <= section < len(self.COLS)):
            return None
        return (self.tr("Clerk"), self.tr("Payments"), self.tr("Exempt"), self.tr("Total"),
                self.tr("Signed off by"))[section]

    def data(self, index, role=qt.Qt.ItemDataRole.DisplayRole) -> Any:
        if (not index.isValid() or not 0 <= index.row() < len(self._rows)
                or not 0 <= index.column() < len(self.COLS)):
            return None
        c = self._rows[index.row()]
        key = self.COLS[index.column()]
        if role == qt.Qt.ItemDataRole.DisplayRole:
            return {"clerk": c.clerk, "payments": str(c.payments), "exempt": str(c.exempt),
                    "total": labels.money(c.total),
                    "signed": c.signed_off_by or self.tr("not yet")}[key]
        if role == qt.Qt.ItemDataRole.TextAlignmentRole and key in ("payments", "exempt", "total"):
            return int(qt.Qt.AlignmentFlag.AlignRight | qt.Qt.AlignmentFlag.AlignVCenter)
        return None


class CashView(QWidget):
    signed = Signal(object)

    def __init__(self, ctx, parent: QWidget | None = None, *, session: Any = None,
                 jobs: Any = None, day: date | None = None) -> None:
        super().__init__(parent, qt.Qt.WindowType.Window)
        self.setObjectName("cashView")
        self.ctx, self.session, self.jobs = ctx, session, jobs
        self.day_edit = QDateEdit(self)
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        d = day or datetime.now().date()
        self.day_edit.setDate(qt.QDate(d.year, d.month, d.day))
        self.day_edit.dateChanged.connect(lambda _d: self.refresh())
        self.model = CashModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sign = QPushButton(self)
        self.sign.setObjectName("cashSign")
        self.sign.clicked.connect(self.sign_selected)
        self.total = QLabel(self)
        self.message = QLabel(self)
        self.day_label = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.day_label)
        top.addWidget(self.day_edit)
        top.addStretch(1)
        top.addWidget(self.sign)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.message)
        from desk_app.services import registry

        self.sign.setVisible(session is not None and registry.allowed(session.user.role,
                                                                      "cash signoff"))
        self.resize(720, 420)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Takings of the day"))
        self.day_label.setText(self.tr("Day:"))
        self.sign.setText(self.tr("Sign off the selected clerk's day"))

    def day(self) -> date:
        q = self.day_edit.date()
        return date(q.year(), q.month(), q.day())

    def refresh(self) -> None:
        from desk_app.services.reports import fees

        s = fees.summary(self.ctx, self.day())
        self.model.set_rows(s.clerks)
        self.total.setText(self.tr("Total of the day: %1").replace("%1", labels.money(s.total)))

    def sign_selected(self) -> None:
        from desk_app.services import registry

        idx = self.table.currentIndex()
        if not idx.isValid() or self.session is None:
            return
        clerk, day = self.model.row(idx.row()).clerk, self.day().isoformat()
        session = self.session

        def work(wctx, _p, _c):
            from desk_app.services.session import Session

            return registry.call("cash signoff", Session(wctx, session.user, session.face),
                                 day=day, clerk=clerk)
        if self.jobs is not None:
            self.jobs.run(work, on_done=self._done, on_error=self._error, show_progress=False,
                          cancellable=False)
            return
        try:
            self._done(registry.call("cash signoff", session, day=day, clerk=clerk))
        except DeskError as exc:
            self._error(exc)

    def _done(self, result) -> None:
        self.message.setText(self.tr("Signed off."))
        self.refresh()
        self.signed.emit(result)

    def _error(self, exc: BaseException) -> None:
        self.message.setText(i18n.error_text(exc))
