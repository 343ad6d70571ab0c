"""Start the GUI: QApplication, bundled fonts, translators, the main window shown first, then the
store, the login and the qasync loop (start-up measured by bench/bench_startup.py)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from desk_app.domain.errors import DeskError, StorageError
from desk_app.ui import i18n
from desk_app.ui.qt import (
    QApplication,
    QEvent,
    QFont,
    QFontDatabase,
    QMessageBox,
    QObject,
    QTimer,
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


def _wait_exposed(window, timeout_ms: int = 3000) -> bool:
    """Run a local Qt event loop until ``window`` is exposed (painted), before asyncio and qasync
    are even imported: what the person sees first is the window, not our imports."""
    from desk_app.ui.qt import QtCoreEventLoop

    handle = window.windowHandle()
    if handle is None or handle.isExposed():
        QApplication.processEvents()
        return handle is not None
    loop = QtCoreEventLoop()

    class Watch(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 — Qt API
            if event.type() == QEvent.Type.Expose and obj.isExposed():
                QTimer.singleShot(0, loop.quit)      # after the paint that follows the expose
            return False
    watch = Watch()
    handle.installEventFilter(watch)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    handle.removeEventFilter(watch)
    return handle.isExposed()


def place(window) -> bool:
    """Size the window for the screen; True = show it maximised (a small screen: 1024×600,
    1366×768 laptops), else 1280×800 or less, centred in the available geometry."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return False
    avail = screen.availableGeometry()
    w, h = min(1280, avail.width()), min(800, avail.height())
    window.setGeometry(avail.x() + (avail.width() - w) // 2, avail.y() + (avail.height() - h) // 2, w, h)
    return avail.width() < 1400 or avail.height() < 820


def selftest_session(ctx):
    """The self-test (``desk-app --selftest``) never waits on a login dialog: it acts as the data
    folder's owner — the built-in administrator, as the CLI does without ``--user``."""
    from desk_app.services import session as session_svc

    s = session_svc.os_owner_session(ctx)
    s.face = "gui"
    return s


def run(data_dir: Path, selftest: bool = False, lang: str = "vi", session=None, *,
        idle_ms: int | None = None) -> int:
    """Open the desk at ``data_dir`` in a window; returns the process exit code.

    1. QApplication, fonts, translators, the main window as an empty shell ("Đang mở dữ liệu…"),
       shown and painted (a local Qt loop; asyncio/qasync and the services are not imported yet);
    2. then the store is opened, the person logs in (``session`` given: no dialog; selftest: the
       built-in administrator, see ``selftest_session``), and the window is filled.
    ``selftest`` prints "window shown" at the first expose, "selftest ok" once the store is open
    and the list painted, and exits 0 (1 with the reason on stderr if the store cannot be used).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("desk-app")
    app.setApplicationDisplayName("Một Cửa Desk")
    app.setOrganizationName("desk-app")
    register_fonts(app)
    i18n.install(lang)
    from desk_app.ui.main_window import MainWindow

    window = MainWindow(idle_ms=idle_ms)
    if place(window):
        window.showMaximized()
    else:
        window.show()
    _wait_exposed(window)
    if selftest:
        print("window shown", flush=True)

    from desk_app.services import open_desk

    try:
        ctx = open_desk(Path(data_dir))
    except (DeskError, OSError) as exc:
        if isinstance(exc, OSError):  # open_desk should wrap these; say it clearly meanwhile
            exc = StorageError("data_dir_unusable",
                               f"Không dùng được thư mục dữ liệu {data_dir}: {exc.strerror or exc}.",
                               f"Cannot use the data folder {data_dir}: {exc.strerror or exc}.")
        log.error("cannot open desk at %s: %s", data_dir, exc.code)
        if not selftest:
            QMessageBox.critical(window, "Một Cửa Desk", i18n.error_text(exc))
        print(exc.message(lang), file=sys.stderr)
        window.hide()
        return 1

    import asyncio

    from desk_app.ui.qt import QEventLoop  # qasync's

    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    done: asyncio.Future[int] = loop.create_future()

    def finish(code: int = 0) -> None:
        if not done.done():
            done.set_result(code)
    app.aboutToQuit.connect(finish)
    app.lastWindowClosed.connect(finish)
    try:
        window.open_store(ctx)
        if session is None and selftest:
            session = selftest_session(ctx)
        if session is not None:
            window.set_session(session)
        else:
            window.ask_login()
        if selftest:
            def proof() -> None:
                window.repaint()
                print("selftest ok", flush=True)
                finish(0)
            QTimer.singleShot(0, proof)
        with loop:
            code = loop.run_until_complete(done)
    except DeskError as exc:
        print(exc.message(lang), file=sys.stderr)
        code = 1
    finally:
        window.shutdown()
        window.hide()
        ctx.close()
    return code
