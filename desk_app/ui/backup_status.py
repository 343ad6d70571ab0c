"""The status bar's backup indicator and the automatic backup of an open desk (issue 17 §5).

``BackupIndicator`` shows the last backup's age ("Sao lưu: 3 giờ trước") and turns into a
warning (text first, colour second) when it is older than a day while work is still waiting to
be synced — then the only copy of that work is this PC's disk. ``AutoBackup`` checks every
ten minutes whether the administrator set a backup folder (setting ``backup_dir``) and the last
backup is older than ``backup_every_hours``; if so it runs ``backup`` on the main window's
JobRunner (its own connection, off the GUI thread). A folder that is missing (USB stick not
plugged in) is reported once in the indicator, not as a dialog.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from desk_app.ui import i18n
from desk_app.ui.qt import QLabel, QObject, QTimer, QWidget

log = logging.getLogger(__name__)


class BackupIndicator(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupIndicator")
        self.status = None
        self.problem = ""

    def refresh(self, ctx) -> None:
        from desk_app.services.admin import backup

        try:
            self.status = backup.status(ctx)
        except Exception:             # a broken store is reported elsewhere; never crash here
            log.warning("backup status unavailable", exc_info=True)
            return
        self._render()

    def missing_text(self) -> str:
        return self.tr("backup folder not found (USB stick?)")

    def set_problem(self, text: str) -> None:
        self.problem = text
        self._render()

    def _render(self) -> None:
        lang = i18n.current_language()
        if self.status is None:
            return
        text = self.status.text(lang)
        if self.problem:
            text += f" — {self.problem}"
        warn = self.status.warn or bool(self.problem)
        self.setText(("⚠ " if warn else "") + text)
        self.setToolTip(text)
        self.setStyleSheet("color: #9a3412; font-weight: bold;" if warn else "")
        self.setProperty("warn", warn)


class AutoBackup(QObject):
    """Runs the backup job when it is due (see the module text)."""

    CHECK_MS = 10 * 60 * 1000

    def __init__(self, ctx_fn: Callable[[], Any], jobs: Any, indicator: BackupIndicator,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx_fn, self.jobs, self.indicator = ctx_fn, jobs, indicator
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(self.CHECK_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(0, self.check)

    def due(self) -> Path | None:
        """The folder to back up into now, or None (off, not due, or already running)."""
        ctx = self.ctx_fn()
        if ctx is None or self.running or self.jobs is None:
            return None
        folder = (ctx.settings.get("backup_dir") or "").strip()
        if not folder:
            return None
        from desk_app.services.admin import backup

        st = backup.status(ctx)
        every = int(ctx.settings.get("backup_every_hours") or 24)
        if st.age_hours is not None and st.age_hours < every:
            return None
        return Path(folder)

    def check(self) -> None:
        folder = self.due()
        if folder is None:
            return
        if not folder.exists():
            self.indicator.set_problem(self.indicator.missing_text())
            return
        self.running = True

        def job(wctx, progress, cancel):
            from desk_app.services.admin import backup

            return backup.backup(wctx, folder, progress=progress, cancel=cancel)

        def done(_rep) -> None:
            self.running = False
            self.indicator.set_problem("")
            self.indicator.refresh(self.ctx_fn())

        def failed(exc: BaseException) -> None:
            self.running = False
            log.warning("automatic backup failed: %s", getattr(exc, "code", type(exc).__name__))
            self.indicator.set_problem(i18n.error_text(exc))

        self.jobs.run(job, on_done=done, on_error=failed, title_vi="Đang sao lưu",
                      title_en="Backing up", cancellable=True)
