"""Idle lock: the window hides every dossier after the idle time; who may unlock; Ctrl+L; role menus;
the window at 1024×600."""
from __future__ import annotations

import pytest

from desk_app.ui import i18n
from desk_app.ui.main_window import PAGE_LIST, PAGE_LOCK, MainWindow
from desk_app.ui.qt import QApplication, QEvent, Qt
from tests.ui.conftest import gui_session


@pytest.fixture
def make_window(qtbot, ctx, qloop):
    made: list[MainWindow] = []

    def make(login: str = "hoa", **kw) -> MainWindow:
        i18n.install("vi")
        w = MainWindow(ctx, gui_session(ctx, login), **kw)
        w.show()
        qtbot.waitExposed(w)
        w.activateWindow()
        made.append(w)
        return w
    yield make
    for w in made:
        w.shutdown()
        w.hide()
        w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _audit(ctx, action: str) -> list[tuple]:
    return [tuple(r) for r in ctx.store.conn.execute(
        "SELECT actor, entity_id FROM audit_log WHERE action = ?", (action,))]


def _unlock(qtbot, w: MainWindow, login: str, password: str) -> None:
    w.lock_screen.login.setText(login)
    w.lock_screen.password.setText(password)
    qtbot.keyClick(w.lock_screen.password, Qt.Key.Key_Return)


def test_locks_after_the_idle_time_and_hides_the_data(qtbot, make_window):
    w = make_window("hoa", idle_ms=300)
    assert w.stack.currentIndex() == PAGE_LIST and w.table.isVisible()
    detail = w.open_detail() if w.table.selectRow(0) is None else None
    qtbot.waitUntil(lambda: detail.isVisible())
    qtbot.waitUntil(lambda: w.locked, timeout=5000)
    assert w.stack.currentIndex() == PAGE_LOCK
    assert not w.table.isVisible() and not w.search.isVisible() and not detail.isVisible()
    assert not w.toolbar.isVisible() and not w.act_new.isEnabled()
    assert w.new_intake() is None                       # Ctrl+N does nothing while locked
    assert "Cán bộ tiếp nhận" in w.lock_screen.who.text() and w.lock_screen.login.text() == "hoa"


def test_input_resets_the_idle_timer(qtbot, make_window):
    w = make_window("hoa", idle_ms=600)
    w.idle.poke()
    from desk_app.ui.qt import QElapsedTimer

    for _ in range(4):                                  # keep typing for longer than the idle time
        clock = QElapsedTimer()
        clock.start()
        qtbot.waitUntil(lambda: clock.elapsed() >= 200, timeout=5000)   # a third of the idle time
        qtbot.keyClick(w.search, Qt.Key.Key_A)
        assert not w.locked
    qtbot.waitUntil(lambda: w.locked, timeout=5000)      # then idle: it locks


def test_ctrl_l_locks_and_the_same_person_unlocks(qtbot, make_window, ctx):
    w = make_window("hoa")
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert w.locked and not w.table.isVisible()
    _unlock(qtbot, w, "hoa", "wrong")
    qtbot.waitUntil(lambda: bool(w.lock_screen.error.text()))
    assert w.locked and w.lock_screen.error.text() == "Sai tên đăng nhập hoặc mật khẩu."
    _unlock(qtbot, w, "hoa", "demo-clerk")
    qtbot.waitUntil(lambda: not w.locked)
    assert w.table.isVisible() and w.session.actor == "hoa"
    assert ("hoa", "hoa") in _audit(ctx, "session.unlock")


def test_a_supervisor_unlocks_and_the_session_stays(qtbot, make_window, ctx):
    w = make_window("hoa")
    w.lock()
    _unlock(qtbot, w, "lan", "demo-supervisor")
    qtbot.waitUntil(lambda: not w.locked)
    assert w.session.actor == "hoa" and "Cán bộ tiếp nhận" in w.user_label.text()
    assert ("lan", "hoa") in _audit(ctx, "session.unlock")


def test_another_clerk_cannot_unlock(qtbot, make_window, ctx):
    from desk_app.services.admin import users
    from desk_app.services.session import os_owner_session

    users.add(os_owner_session(ctx), login="mai", full_name="Lê Thị Mai", role="clerk", password="mat-khau-mai")
    w = make_window("hoa")
    w.lock()
    _unlock(qtbot, w, "mai", "mat-khau-mai")
    qtbot.waitUntil(lambda: bool(w.lock_screen.error.text()))
    assert w.locked and not w.table.isVisible()
    assert "Lê Thị Mai không được mở khóa" in w.lock_screen.error.text()
    assert _audit(ctx, "session.unlock") == []


def test_clerk_does_not_see_the_supervisors_menus(make_window):
    clerk = make_window("hoa")
    assert not clerk.menu_admin.menuAction().isVisible()
    assert not any(a.isVisible() for a in (clerk.act_verify, clerk.act_accounts, clerk.act_settings,
                                           clerk.act_catalog, clerk.act_server))
    assert clerk.act_new.isVisible() and clerk.act_sync.isVisible()
    supervisor = make_window("lan")
    assert supervisor.menu_admin.menuAction().isVisible() and supervisor.act_verify.isVisible()
    assert not supervisor.act_accounts.isVisible()          # accounts are the administrator's
    admin = make_window("quantri")
    assert all(a.isVisible() for a in (admin.act_verify, admin.act_accounts, admin.act_settings,
                                       admin.act_catalog, admin.act_server))
    assert clerk.user_label.text().endswith("· Cán bộ tiếp nhận")


def test_verify_runs_on_the_job_runner_for_a_supervisor(qtbot, make_window):
    w = make_window("lan")
    w.act_verify.trigger()
    qtbot.waitUntil(lambda: getattr(w, "last_verify", None) is not None, timeout=20000)
    assert w.last_verify.ok
    assert w.statusBar().currentMessage() == "Đã kiểm tra dữ liệu: không có lỗi."


@pytest.mark.parametrize("size", [(1024, 600), (1920, 1080)])
def test_fits_the_screen(qtbot, make_window, size):
    w = make_window("hoa")
    w.resize(*size)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == size)
    QApplication.processEvents()
    header = w.table.horizontalHeader()
    viewport = w.table.viewport().width()
    for col in range(w.model.columnCount()):
        right = header.sectionViewportPosition(col) + header.sectionSize(col)
        assert header.sectionSize(col) >= 60 and right <= viewport, (col, right, viewport)
    bar = w.statusBar()
    assert bar.isVisible() and bar.geometry().bottom() <= w.height() and bar.geometry().top() > w.table.geometry().top()
    assert w.badge.isVisible() and w.badge.geometry().right() <= bar.width()
    assert w.minimumSizeHint().width() <= 1024 and w.minimumSizeHint().height() <= 560
    if size == (1920, 1080):
        from desk_app.ui.dossier_model import COL_APPLICANT
        assert header.sectionSize(COL_APPLICANT) > 300        # the names widen on a big screen


def test_ctrl_l_in_the_intake_locks_and_hides_it(qtbot, make_window):
    w = make_window("hoa")
    form = w.new_intake()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClick(form.finder, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.locked)
    assert not form.isVisible()
    _unlock(qtbot, w, "hoa", "demo-clerk")
    qtbot.waitUntil(lambda: not w.locked)
    assert form.isVisible()                               # what was typed is still there


def test_opens_inside_the_available_screen(make_window):
    from desk_app.ui.app import place

    w = make_window("hoa")
    maximise = place(w)
    avail = w.screen().availableGeometry()
    assert avail.contains(w.geometry()), (w.geometry(), avail)
    assert maximise == (avail.width() < 1400 or avail.height() < 820)
