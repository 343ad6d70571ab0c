"""The supervisor's dashboard: the figures of a period as tiles and charts, each one clickable to
the list of the dossiers behind it (``services.reports.report.trace``).

- tiles: on-time rate against the 90 % target (the words say met / not met, not only the colour),
  digitisation of dossiers and of results, online share, satisfaction, synchronisation;
- charts (drawn here with QPainter, see ``BarChart``): dossiers now in each open state, and the
  on-time rate per procedure / clerk / month with the target line;
- the overdue list (one table model).

The figures come from ``services.reports.report.dashboard`` (no SQL here); through the JobRunner
when the window has one, so a 1,000,000-dossier store never freezes the screen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.ui import i18n, labels, qt
from desk_app.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QComboBox,
    QDateEdit,
    QDialog,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QModelIndex,
    QPainter,
    QPen,
    QPushButton,
    QRectF,
    QScrollArea,
    QSize,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)

TARGET = 90.0
GOOD, BAD, BAR = QColor("#1b6e2a"), QColor("#b3261e"), QColor("#0b57d0")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float               # what the bar's length shows
    text: str                  # the figure written on the bar
    figure: str                # the figure to trace on a click ("" = none)
    group: str | None = None
    group_value: str | None = None


class BarChart(QWidget):
    """Horizontal bars with their values written on them and an optional target line; a click on
    a bar emits ``bar_clicked(index)``."""

    bar_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, maximum: float | None = None,
                 target: float | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.title = ""
        self.maximum = maximum
        self.target = target
        self.row_h = 24
        self.setMouseTracking(True)
        self.setMinimumHeight(120)

    def set_bars(self, title: str, bars: list[Bar]) -> None:
        self.title, self.bars = title, list(bars)
        self.setMinimumHeight(40 + self.row_h * max(1, len(self.bars)))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt API
        return QSize(420, 40 + self.row_h * max(1, len(self.bars)))

    def _geometry(self) -> tuple[float, float, float]:
        label_w = min(220.0, self.width() * 0.38)
        left = label_w + 8
        return label_w, left, max(10.0, self.width() - left - 70)

    def bar_rect(self, i: int) -> QRectF:
        _lw, left, width = self._geometry()
        top = 28 + i * self.row_h
        peak = self.maximum or max((b.value for b in self.bars), default=1) or 1
        return QRectF(left, top + 3, width * max(0.0, self.bars[i].value) / peak, self.row_h - 6)

    def paintEvent(self, _event) -> None:  # noqa: N802 — Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(0, 0, self.width(), 24), int(qt.Qt.AlignmentFlag.AlignLeft
                                                      | qt.Qt.AlignmentFlag.AlignVCenter), self.title)
        p.setFont(self.font())
        label_w, left, width = self._geometry()
        fm = p.fontMetrics()
        for i, b in enumerate(self.bars):
            r = self.bar_rect(i)
            top = 28 + i * self.row_h
            text = fm.elidedText(b.label, qt.Qt.TextElideMode.ElideRight, int(label_w))
            p.setPen(self.palette().windowText().color())
            p.drawText(QRectF(0, top, label_w, self.row_h),
                       int(qt.Qt.AlignmentFlag.AlignRight | qt.Qt.AlignmentFlag.AlignVCenter), text)
            colour = BAR
            if self.target is not None:
                colour = GOOD if b.value >= self.target else BAD
            p.fillRect(r, colour)
            p.drawText(QRectF(r.right() + 4, top, 66, self.row_h),
                       int(qt.Qt.AlignmentFlag.AlignLeft | qt.Qt.AlignmentFlag.AlignVCenter), b.text)
        if self.target is not None and self.bars:
            peak = self.maximum or 100.0
            x = left + width * self.target / peak
            pen = QPen(QColor("#202124"))
            pen.setStyle(qt.Qt.PenStyle.DashLine)
            pen.setWidth(2)
            p.setPen(pen)
            p.drawLine(int(x), 26, int(x), 28 + self.row_h * len(self.bars))
        p.end()

    def bar_at(self, pos) -> int:
        for i in range(len(self.bars)):
            top = 28 + i * self.row_h
            if top <= pos.y() < top + self.row_h:
                return i
        return -1

    def mousePressEvent(self, event) -> None:  # noqa: N802 — Qt API
        i = self.bar_at(event.position() if hasattr(event, "position") else event.pos())
        if i >= 0 and self.bars[i].figure:
            self.bar_clicked.emit(i)
        super().mousePressEvent(event)


class Tile(QPushButton):
    """One headline figure: the rate, the counts behind it, and words for good / not good."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tile_{key}")
        self.setMinimumSize(150, 72)
        self.setSizePolicy(qt.QSizePolicy.Policy.Expanding, qt.QSizePolicy.Policy.Preferred)

    def set_figure(self, title: str, rate: float | None, detail: str, verdict: str = "",
                   good: bool | None = None) -> None:
        value = "—" if rate is None else f"{rate:.1f}".replace(".", ",") + " %"
        lines = [title, value, detail] + ([verdict] if verdict else [])
        self.setText("\n".join(lines))
        colour = "#e6f4ea" if good else ("#fce8e6" if good is False else "#f1f3f4")
        self.setStyleSheet(f"QPushButton {{ text-align: left; padding: 6px; background: {colour};"
                           " border: 1px solid #c0c0c0; border-radius: 6px; }")
        self.setToolTip("\n".join(lines))


class OverdueModel(QAbstractTableModel):
    COLS = ("code", "procedure", "clerk", "due_at")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLS)

    def headerData(self, section, orientation, role=qt.Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (role != qt.Qt.ItemDataRole.DisplayRole or orientation != qt.Qt.Orientation.Horizontal
                or not 0 <= section < len(self.COLS)):
            return None
        return (self.tr("Dossier code"), self.tr("Procedure"), self.tr("Clerk"),
                self.tr("Due"))[section]

    def data(self, index, role=qt.Qt.ItemDataRole.DisplayRole) -> Any:
        if (not index.isValid() or not 0 <= index.row() < len(self._rows)
                or not 0 <= index.column() < len(self.COLS)):
            return None
        r = self._rows[index.row()]
        key = self.COLS[index.column()]
        if role in (qt.Qt.ItemDataRole.DisplayRole, qt.Qt.ItemDataRole.ToolTipRole):
            value = r.get(key) or ""
            if key == "due_at" and value:
                return f"{value[8:10]}/{value[5:7]}/{value[:4]} {value[11:16]}"
            return value
        if role == qt.Qt.ItemDataRole.UserRole:
            return r["code"]
        return None


class CodesModel(QAbstractTableModel):
    """The dossier codes behind a figure."""

    def __init__(self, codes: list[str], parent=None) -> None:
        super().__init__(parent)
        self.codes = list(codes)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.codes)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 1

    def headerData(self, section, orientation, role=qt.Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (role == qt.Qt.ItemDataRole.DisplayRole and orientation == qt.Qt.Orientation.Horizontal
                and section == 0):
            return self.tr("Dossier code")
        return None

    def data(self, index, role=qt.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.codes) or index.column() != 0:
            return None
        if role in (qt.Qt.ItemDataRole.DisplayRole, qt.Qt.ItemDataRole.UserRole):
            return self.codes[index.row()]
        return None


class TraceDialog(QDialog):
    """The dossiers behind one figure; Enter / double-click opens one."""

    open_code = Signal(str)

    def __init__(self, title: str, codes: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("traceDialog")
        self.setWindowTitle(title)
        self.model = CodesModel(codes, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.activated.connect(lambda i: self.open_code.emit(self.model.codes[i.row()]))
        self.count = QLabel(self.tr("%1 dossiers").replace("%1", str(len(codes))), self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(self.table)
        self.resize(420, 460)


class DashboardView(QWidget):
    """The dashboard of one period; ``load()`` computes it, ``trace(figure)`` opens its list."""

    PREFERRED = (1200, 760)

    def fit_to_screen(self) -> None:
        """Open at 1200×760 where that fits, else the screen's work area (1024×600 laptops)."""
        from desk_app.ui.intake_form import fitting_geometry

        host = self.parentWidget()
        screen = (host.screen() if host is not None else None) or qt.QApplication.primaryScreen()
        if screen is None:
            self.resize(*self.PREFERRED)
            return
        self.setGeometry(fitting_geometry(screen.availableGeometry(), self.PREFERRED))

    loaded = Signal(object)
    traced = Signal(object)          # the TraceDialog shown
    open_dossier = Signal(str)

    PRESETS = ("this_month", "last_month", "this_year", "last_12_months")

    def __init__(self, ctx, parent: QWidget | None = None, *, session: Any = None,
                 jobs: Any = None, today: date | None = None) -> None:
        super().__init__(parent, qt.Qt.WindowType.Window)
        self.setObjectName("dashboardView")
        self.ctx, self.session, self.jobs = ctx, session, jobs
        self.today = today
        self.report: dict | None = None
        self.trace_dialog: TraceDialog | None = None
        self.preset = QComboBox(self)
        self.preset.setObjectName("dashPreset")
        self.from_edit, self.to_edit = QDateEdit(self), QDateEdit(self)
        for e in (self.from_edit, self.to_edit):
            e.setCalendarPopup(True)
            e.setDisplayFormat("dd/MM/yyyy")
        self.group = QComboBox(self)
        self.group.setObjectName("dashGroup")
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("dashRefresh")
        self.refresh_button.clicked.connect(self.load)
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.group.currentIndexChanged.connect(lambda _i: self._draw())
        self.from_label, self.to_label, self.group_label = QLabel(self), QLabel(self), QLabel(self)
        self.status = QLabel(self)
        self.status.setObjectName("dashStatus")
        self.tiles = {k: Tile(k, self) for k in ("on_time_rate", "digitisation_rate",
                                                 "result_digitisation_rate", "online_share",
                                                 "satisfaction_rate", "sync_rate")}
        for key, tile in self.tiles.items():
            tile.clicked.connect(lambda _c=False, k=key: self.trace(_TILE_FIGURE[k]))
        self.state_chart = BarChart(self)
        self.state_chart.setObjectName("chartStates")
        self.group_chart = BarChart(self, maximum=100.0, target=TARGET)
        self.group_chart.setObjectName("chartOnTime")
        self.state_chart.bar_clicked.connect(lambda i: self._bar(self.state_chart, i))
        self.group_chart.bar_clicked.connect(lambda i: self._bar(self.group_chart, i))
        self.overdue_model = OverdueModel(self)
        self.overdue = QTableView(self)
        self.overdue.setObjectName("overdueTable")
        self.overdue.setModel(self.overdue_model)
        self.overdue.verticalHeader().hide()
        self.overdue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.overdue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overdue.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.overdue.activated.connect(
            lambda i: self.open_dossier.emit(self.overdue_model._rows[i.row()]["code"]))
        self.overdue_label = QLabel(self)
        self.score_label = QLabel(self)
        self.score_label.setObjectName("dashScore")
        self.score_label.setWordWrap(True)

        controls = QHBoxLayout()
        controls.addWidget(self.preset)
        controls.addWidget(self.from_label)
        controls.addWidget(self.from_edit)
        controls.addWidget(self.to_label)
        controls.addWidget(self.to_edit)
        controls.addWidget(self.group_label)
        controls.addWidget(self.group)
        controls.addWidget(self.refresh_button)
        controls.addStretch(1)
        tiles = QGridLayout()
        for i, t in enumerate(self.tiles.values()):
            tiles.addWidget(t, i // 3, i % 3)
        charts = QHBoxLayout()
        charts.addWidget(self.state_chart, 1)
        charts.addWidget(self.group_chart, 1)
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.addLayout(tiles)
        column.addWidget(self.score_label)
        column.addLayout(charts)
        column.addWidget(self.overdue_label)
        column.addWidget(self.overdue, 1)
        self.overdue.setMinimumHeight(140)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        self.setMinimumSize(800, 480)
        self.fit_to_screen()
        self.retranslate()
        self._apply_preset(0, load=False)

    # --- texts ----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Dashboard"))
        self.from_label.setText(self.tr("From"))
        self.to_label.setText(self.tr("to"))
        self.group_label.setText(self.tr("Per"))
        self.refresh_button.setText(self.tr("Show"))
        keep_p, keep_g = self.preset.currentIndex(), self.group.currentIndex()
        for combo, items in ((self.preset, (self.tr("This month"), self.tr("Last month"),
                                            self.tr("This year"), self.tr("Last 12 months"))),
                             (self.group, (self.tr("procedure"), self.tr("clerk"),
                                           self.tr("month")))):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(items))
            combo.blockSignals(False)
        self.preset.setCurrentIndex(max(0, keep_p))
        self.group.setCurrentIndex(max(0, keep_g))
        if self.report is not None:
            self._draw()

    def _today(self) -> date:
        if self.today is not None:
            return self.today
        from datetime import datetime

        from desk_app.services import convert

        return datetime.now(convert.VN_TZ).date()

    def _apply_preset(self, index: int, load: bool = True) -> None:
        t = self._today()
        first = t.replace(day=1)
        if index == 1:
            end = first - timedelta(days=1)
            start = end.replace(day=1)
        elif index == 2:
            start, end = t.replace(month=1, day=1), t
        elif index == 3:
            start, end = (first.replace(year=first.year - 1) + timedelta(days=31)).replace(day=1), t
        else:
            start, end = first, t
        self.set_period(start, end, load=load)

    def set_period(self, start: date, end: date, load: bool = True) -> None:
        self.from_edit.setDate(qt.QDate(start.year, start.month, start.day))
        self.to_edit.setDate(qt.QDate(end.year, end.month, end.day))
        if load:
            self.load()

    def period(self) -> tuple[date, date]:
        f, t = self.from_edit.date(), self.to_edit.date()
        return date(f.year(), f.month(), f.day()), date(t.year(), t.month(), t.day())

    # --- data -----------------------------------------------------------------------------------
    def load(self) -> None:
        from desk_app.services.reports import report

        start, end = self.period()
        self.status.setText(self.tr("Computing…"))
        try:
            p = report.period(start, end)
        except DeskError as exc:
            self.status.setText(i18n.error_text(exc))
            return
        if self.jobs is not None:
            self.jobs.run(lambda wctx, _p, _c: report.dashboard(wctx, p), on_done=self._loaded,
                          on_error=lambda e: self.status.setText(i18n.error_text(e)),
                          show_progress=False, cancellable=False)
            return
        try:
            self._loaded(report.dashboard(self.ctx, p))
        except DeskError as exc:
            self.status.setText(i18n.error_text(exc))

    def _loaded(self, rep: dict) -> None:
        self.report = rep
        self._draw()
        self.status.setText(self.tr("Figures as of %1").replace("%1", rep["as_of"][:16].replace("T", " ")))
        self.loaded.emit(rep)

    def group_key(self) -> str:
        return ("procedure", "clerk", "month")[max(0, self.group.currentIndex())]

    def _draw(self) -> None:
        rep = self.report
        if rep is None:
            return
        f = rep["figures"]
        names = {
            "on_time_rate": (self.tr("On time"), f["on_time"], f["judged"]),
            "digitisation_rate": (self.tr("Dossiers digitised"), f["digitised"], f["received"]),
            "result_digitisation_rate": (self.tr("Results digitised"), f["results_digitised"],
                                         f["results"]),
            "online_share": (self.tr("Filed online"), f["online"], f["received"]),
            "satisfaction_rate": (self.tr("Satisfied"), f["satisfied"], f["rated"]),
            "sync_rate": (self.tr("Synchronised"), f["synced"], f["sync_basis"]),
        }
        for key, (title, num, den) in names.items():
            rate = rep[key]
            verdict, good = "", None
            if key == "on_time_rate" and rate is not None:
                good = rate > TARGET
                verdict = (self.tr("target over 90 %: met") if good
                           else self.tr("target over 90 %: not met"))
            elif key == "satisfaction_rate" and rate is not None:
                good = rate > TARGET
            self.tiles[key].set_figure(title, rate, f"{num} / {den}", verdict, good)
        states = rep.get("open_by_status") or {}
        self.state_chart.set_bars(self.tr("Dossiers now, by state"), [
            Bar(labels.status_label(s), float(n), str(n), "") for s, n in sorted(states.items())])
        g = self.group_key()
        rows = rep[f"by_{g}"]
        self.group_chart.set_bars(self.tr("On-time rate per %1 (target 90 %)")
                                  .replace("%1", self.group.currentText()), [
            Bar(str(r["label"] or r["group"]), float(r["on_time_rate"] or 0.0),
                "—" if r["on_time_rate"] is None else f"{r['on_time_rate']:.0f} %",
                "late_resolved", g, r["group"])
            for r in rows if r["judged"]][:40])
        od = rep["overdue_now"]
        self.overdue_model.set_rows(od["items"])
        self.overdue_label.setText(self.tr("Overdue now: %1").replace("%1", str(od["count"])))
        self.score_label.setText(self.tr("Decision 766 indicators (parts a desk can compute): "
                                         "%1 of %2 points").replace("%1", f"{rep['score']:.2f}")
                                 .replace("%2", str(rep["computable_max"])))

    # --- click → list -----------------------------------------------------------------------------
    def _bar(self, chart: BarChart, i: int) -> None:
        b = chart.bars[i]
        self.trace(b.figure, b.group, b.group_value, title=f"{chart.title}: {b.label}")

    def trace(self, figure: str, group: str | None = None, value: str | None = None, *,
              title: str = "") -> TraceDialog | None:
        from desk_app.services.reports import report

        start, end = self.period()
        try:
            codes = report.trace(self.ctx, figure, report.period(start, end), group=group,
                                 value=value)
        except DeskError as exc:
            self.status.setText(i18n.error_text(exc))
            return None
        names = (self.report or {}).get("figure_names", {}).get(figure, {})
        name = names.get("en" if i18n.current_language() == "en" else "vi", figure)
        self.trace_dialog = TraceDialog(title or name, codes, self)
        self.trace_dialog.open_code.connect(self.open_dossier)
        self.trace_dialog.show()
        self.traced.emit(self.trace_dialog)
        return self.trace_dialog


_TILE_FIGURE = {"on_time_rate": "on_time", "digitisation_rate": "digitised",
                "result_digitisation_rate": "results_digitised", "online_share": "online",
                "satisfaction_rate": "satisfied", "sync_rate": "synced"}
