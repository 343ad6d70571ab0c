"""The citizen's rating: a full-screen view on the second screen (the one facing the citizen) when
there is one, else on this screen; big buttons, one per level the province set (Rất hài lòng /
Hài lòng / Không hài lòng by default), a reason box that the lowest level requires, a thank-you.

The levels are data (``services.reports.rating.level_labels``), the rest is ``self.tr``. The
rating is written through the JobRunner when the window has one (every write goes through it),
directly otherwise (a test, a stand-alone view). Nothing about the person is stored.
"""
from __future__ import annotations

from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.ui import i18n, qt
from desk_app.ui.qt import (
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    Signal,
)

LEVEL_COLOURS = ("#1b6e2a", "#2e7d32", "#8d6e00", "#b3261e", "#b3261e", "#b3261e", "#b3261e",
                 "#b3261e", "#b3261e")


class RatingView(QWidget):
    rated = Signal(object)            # the Rating written
    failed = Signal(str)

    def __init__(self, ctx, code: str, *, stage: str = "return", session: Any = None,
                 jobs: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, qt.Qt.WindowType.Window)
        from desk_app.services.reports import rating

        self.setObjectName("ratingView")
        self.ctx, self.code, self.stage, self.session, self.jobs = ctx, code, stage, session, jobs
        self.levels = rating.level_labels(ctx, i18n.current_language())
        self.level: int | None = None
        self.result = None
        self.title = QLabel(self)
        self.title.setObjectName("ratingTitle")
        self.title.setWordWrap(True)
        self.title.setAlignment(qt.Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel(self)
        self.subtitle.setAlignment(qt.Qt.AlignmentFlag.AlignCenter)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.setSpacing(24)
        for i, label in enumerate(self.levels, start=1):
            b = QPushButton(label, self)
            b.setObjectName(f"ratingLevel{i}")
            b.setCheckable(True)
            b.setMinimumSize(180, 140)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.setStyleSheet(f"QPushButton {{ font-size: 26px; font-weight: bold; color: white;"
                            f" background: {LEVEL_COLOURS[i - 1]}; border-radius: 16px;"
                            f" padding: 12px; }} QPushButton:checked {{ border: 6px solid #0b57d0; }}")
            b.clicked.connect(lambda _c=False, lv=i: self.choose(lv))
            self.buttons.append(b)
            row.addWidget(b)
        self.reason_label = QLabel(self)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("ratingReason")
        self.reason.setMaximumHeight(110)
        self.reason.setStyleSheet("font-size: 20px;")
        self.reason_label.hide()
        self.reason.hide()
        self.send = QPushButton(self)
        self.send.setObjectName("ratingSend")
        self.send.setMinimumHeight(64)
        self.send.setStyleSheet("font-size: 24px; font-weight: bold;")
        self.send.setEnabled(False)
        self.send.clicked.connect(self.submit)
        self.message = QLabel(self)
        self.message.setObjectName("ratingMessage")
        self.message.setAlignment(qt.Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 22px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(row, 3)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.send)
        layout.addWidget(self.message)
        self.title.setStyleSheet("font-size: 30px; font-weight: bold;")
        self.subtitle.setStyleSheet("font-size: 20px;")
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Your opinion of our service"))
        self.title.setText(self.tr("How satisfied are you with the service?"))
        self.subtitle.setText((self.tr("Dossier %1 — at the intake") if self.stage == "intake"
                               else self.tr("Dossier %1 — at the return of the result"))
                              .replace("%1", self.code))
        self.reason_label.setText(self.tr("Please tell us why (required):"))
        self.send.setText(self.tr("Send my rating"))

    # --- the citizen's touches ------------------------------------------------------------------
    def choose(self, level: int) -> None:
        self.level = level
        for i, b in enumerate(self.buttons, start=1):
            b.setChecked(i == level)
        lowest = level == len(self.levels)
        self.reason_label.setVisible(lowest)
        self.reason.setVisible(lowest)
        if lowest:
            self.reason.setFocus()
        self.message.clear()
        self.send.setEnabled(True)

    def submit(self) -> None:
        from desk_app.services.reports import rating

        if self.level is None:
            return
        comment = self.reason.toPlainText().strip() if self.reason.isVisible() else ""
        if self.level == len(self.levels) and not comment:
            self.message.setText(self.tr("Please write the reason before sending."))
            self.reason.setFocus()
            return
        actor = self.session.actor if self.session is not None else "desk"
        code, level, stage = self.code, self.level, self.stage
        self.send.setEnabled(False)
        if self.jobs is not None:
            self.jobs.run(lambda wctx, _p, _c: rating.rate(wctx, code, level, stage=stage,
                                                           comment=comment, actor=actor),
                          on_done=self._done, on_error=self._error, show_progress=False,
                          cancellable=False)
            return
        try:
            self._done(rating.rate(self.ctx, code, level, stage=stage, comment=comment,
                                   actor=actor))
        except DeskError as exc:
            self._error(exc)

    def _done(self, result) -> None:
        self.result = result
        for b in self.buttons:
            b.setEnabled(False)
        self.reason.setEnabled(False)
        self.message.setText(self.tr("Thank you! Your rating has been recorded."))
        self.rated.emit(result)

    def _error(self, exc: BaseException) -> None:
        text = i18n.error_text(exc)
        self.message.setText(text)
        self.send.setEnabled(True)
        self.failed.emit(text)

    def keyPressEvent(self, event) -> None:  # noqa: N802 — Qt API
        if event.key() == qt.Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    # --- where it shows ---------------------------------------------------------------------------
    def target_screen(self):
        """The citizen's screen: the second one if the PC has two, else this one."""
        screens = QGuiApplication.screens()
        primary = QGuiApplication.primaryScreen()
        others = [s for s in screens if s is not primary]
        return others[0] if others else primary

    def show_for_citizen(self) -> None:
        screen = self.target_screen()
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        self.showFullScreen()
