"""Start the GUI: QApplication, bundled fonts, translators, the qasync loop, the main window."""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from desk_app.domain.errors import DeskError, StorageError
from desk_app.ui import i18n
from desk_app.ui.qt import (
    QApplication,
    QEvent,
    QEventLoop,
    QFont,
    QFontDatabase,
    QMessageBox,
    QObject,
    QTimer,
    QWindow,
)

log = logging.getLogger(__name__)
FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
APP_FONT = "Noto Sans"


def register_fonts(app: QApplication) -> list[str]:
    """Register the shipped Noto fonts and make Noto Sans the app font.

    Windows 7/10 desk PCs often lack a font with every Vietnamese stacked diacritic; shipping our
    own means "Nguyễn" renders the same on every desk and on the printed slip.
    """
    families: set[str] = set()
    for ttf in sorted(FONTS_DIR.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(ttf))
        if font_id < 0:
            log.error("could not load font %s", ttf)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    if APP_FONT in families:
        font = QFont(APP_FONT)
        font.setPointSize(10)
        app.setFont(font)
    return sorted(families)


class _ExposedWatcher(QObject):
    """Calls ``done`` once the main window has been exposed (painted) — the self-test's proof of life.

    It filters only that window's QWindow: an app-wide filter sent every start-up event (hundreds
    before the first expose) through Python.
    """

    def __init__(self, window: QWindow, done) -> None:
        super().__init__(window)
        self.done = done
        self._fired = False
        window.installEventFilter(self)
        if window.isExposed():  # a platform may expose synchronously inside show()
            self._fire(window)

    def _fire(self, window: QWindow) -> None:
        if self._fired:
            return
        self._fired = True
        window.removeEventFilter(self)
        print("selftest ok", flush=True)
        QTimer.singleShot(0, self.done)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Expose and isinstance(obj, QWindow) and obj.isExposed():
            self._fire(obj)
        return False


def run(data_dir: Path, selftest: bool = False, lang: str = "vi") -> int:
    """Open the desk at ``data_dir`` in a window; returns the process exit code."""
    from desk_app.services import open_desk
    from desk_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("desk-app")
    app.setApplicationDisplayName("Một Cửa Desk")
    app.setOrganizationName("desk-app")
    register_fonts(app)
    i18n.install(lang)
    try:
        ctx = open_desk(Path(data_dir))
    except (DeskError, OSError) as exc:
        if isinstance(exc, OSError):  # open_desk should wrap these; say it clearly meanwhile
            exc = StorageError("data_dir_unusable",
                               f"Không dùng được thư mục dữ liệu {data_dir}: {exc.strerror or exc}.",
                               f"Cannot use the data folder {data_dir}: {exc.strerror or exc}.")
        log.error("cannot open desk at %s: %s", data_dir, exc.code)
        if not selftest:
            QMessageBox.critical(None, "Một Cửa Desk", i18n.error_text(exc))
        print(exc.message(lang), file=sys.stderr)
        return 1

    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    done: asyncio.Future[int] = loop.create_future()

    def finish(code: int = 0) -> None:
        if not done.done():
            done.set_result(code)
    app.aboutToQuit.connect(finish)
    app.lastWindowClosed.connect(finish)
    window = MainWindow(ctx)
    window.show()
    if selftest:
        _ExposedWatcher(window.windowHandle(), finish)
    try:
        with loop:
            code = loop.run_until_complete(done)
    finally:
        ctx.close()
    return code
