"""The queues panel, the dashboard, the rating view and the cash view on the demo store, with
qtbot (no sleeps) and qtmodeltester for every model; at 1024×600 and 1920×1080."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from desk_app.services import convert
from desk_app.services.reports import fees, queues as Q, report
from desk_app.ui.qt import QApplication, QEvent, QPoint, QPushButton, Qt

PASSWORDS = {"hoa": "demo-clerk", "lan": "demo-supervisor", "quantri": "demo-admin"}
TODAY = date(2026, 11, 20)


def _session(ctx, login: str):
    from desk_app.services import session

    return session.login(ctx, login, PASSWORDS[login], face="gui")


@pytest.fixture(autouse=True)
def _vi(qapp):
    from desk_app.ui import i18n

    i18n.install("vi")


def _dispose(w) -> None:
    w.hide()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


# --------------------------------------------------------------------------- models

def test_every_model_passes_the_model_tester(qtmodeltester, ctx) -> None:
    from desk_app.ui.cash_summary import CashModel
    from desk_app.ui.dashboard import CodesModel, OverdueModel
    from desk_app.ui.queues import QueueListModel, QueueTableModel

    lm = QueueListModel()
    lm.set_counts(Q.counts(ctx))
    qtmodeltester.check(lm)
    tm = QueueTableModel()
    tm.set_rows(Q.rows(ctx, "to_return"))
    assert tm.rowCount() > 0
    qtmodeltester.check(tm)
    om = OverdueModel()
    rep = report.dashboard(ctx, report.period(date(2025, 1, 1), TODAY))
    om.set_rows(rep["overdue_now"]["items"] or [{"code": "x", "procedure": "p", "clerk": "c",
                                                 "due_at": "2026-01-01T17:00:00+07:00"}])
    qtmodeltester.check(om)
    qtmodeltester.check(CodesModel(report.trace(ctx, "online", report.period(date(2025, 1, 1), TODAY))))
    cm = CashModel()
    old = ctx.store.conn.execute("SELECT day FROM cash_signoffs LIMIT 1").fetchone()[0]
    cm.set_rows(fees.summary(ctx, date.fromisoformat(old)).clerks)
    assert cm.rowCount() > 0
    qtmodeltester.check(cm)


# --------------------------------------------------------------------------- queues

@pytest.fixture
def queues_view(qtbot, ctx):
    from desk_app.ui.queues import QueuesView

    v = QueuesView(ctx)
    v.resize(1024, 560)
    v.show()
    qtbot.waitExposed(v)
    yield v
    _dispose(v)


def test_queue_panel_counts_lists_sorts_and_searches(qtbot, queues_view, ctx) -> None:
    v = queues_view
    assert v.counts() == {c.name: c.count for c in Q.counts(ctx)}
    row = v.list_model.row_of("to_return")
    rect = v.list.visualRect(v.list_model.index(row))
    qtbot.mouseClick(v.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: v.current == "to_return" and v.model.rowCount() == v.counts()["to_return"])
    # sort by code, descending: click the header twice
    header = v.table.horizontalHeader()
    x = header.sectionViewportPosition(0) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: v.sort_key == "code")
    codes = [v.model.row(r).code for r in range(v.model.rowCount())]
    assert codes == sorted(codes, reverse=v.descending)
    # folded search: type the applicant's name without diacritics
    from desk_app.domain.text import fold

    target = v.model.row(0)
    qtbot.keyClicks(v.search, fold(target.applicant_name))
    qtbot.waitUntil(lambda: 0 < v.model.rowCount() < len(codes) or v.model.rowCount() == 1)
    assert target.code in {v.model.row(r).code for r in range(v.model.rowCount())}


def test_timing_is_written_not_only_coloured(qtbot, queues_view, ctx) -> None:
    code = ctx.store.conn.execute("SELECT code FROM dossiers WHERE status = 'returned' LIMIT 1"
                                  ).fetchone()[0]
    with ctx.store.transaction() as conn:
        conn.execute("UPDATE dossiers SET status = 'in_process', resolved_at = NULL,"
                     " due_at = '2026-01-05T17:00:00+07:00' WHERE code = ?", (code,))
    v = queues_view
    v.refresh()
    v.show_queue("overdue")
    r = v.model.row_of(code)
    assert r >= 0
    from desk_app.ui.queues import COLUMNS

    idx = v.model.index(r, COLUMNS.index("timing"))
    assert v.model.data(idx) and v.model.data(idx, Qt.ItemDataRole.BackgroundRole) is not None
    for row in range(v.model.rowCount()):          # every coloured cell also has its word
        cell = v.model.index(row, COLUMNS.index("timing"))
        if v.model.data(cell, Qt.ItemDataRole.BackgroundRole) is not None:
            assert v.model.data(cell)


def test_a_newly_saved_dossier_is_selected_in_its_queue(qtbot, queues_view, ctx) -> None:
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import intake
    from desk_app.services.catalog import get_procedure

    comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
             for c in get_procedure(ctx, "2.000815").components if c.required]
    d = intake.receive(ctx, intake.IntakeRequest(
        procedure_code="2.000815", components=comps, clerk="Nguyễn Thị Hoa", actor="hoa",
        applicant=Applicant(id_number="001088012345", full_name="Đoàn Văn Lưu")))
    assert queues_view.select_code(d.code)
    assert queues_view.selected_code() == d.code
    assert queues_view.current in ("due_today", "due_soon")


# --------------------------------------------------------------------------- dashboard

@pytest.mark.parametrize("size", [(1024, 600), (1920, 1080)])
def test_dashboard_draws_and_fits(qtbot, ctx, size) -> None:
    from desk_app.ui.dashboard import DashboardView

    v = DashboardView(ctx, today=TODAY)
    v.resize(*size)
    v.show()
    qtbot.waitExposed(v)
    try:
        with qtbot.waitSignal(v.loaded):
            v.set_period(date(2025, 1, 1), TODAY)
        assert v.minimumSizeHint().width() <= 1024 and v.minimumSizeHint().height() <= 570
        rep = v.report
        tile = v.tiles["on_time_rate"].text()
        assert f"{rep['on_time_rate']:.1f}".replace(".", ",") in tile
        assert f"{rep['figures']['on_time']} / {rep['figures']['judged']}" in tile
        assert len(tile.splitlines()) == 4                   # the verdict is in words too
        assert v.state_chart.bars and v.group_chart.bars
        assert len(v.group_chart.bars) == len([r for r in rep["by_procedure"] if r["judged"]])
        assert v.overdue_model.rowCount() == min(rep["overdue_now"]["count"], 500)
        img = v.grab()
        assert not img.isNull() and img.width() >= 800
    finally:
        _dispose(v)


def test_dashboard_click_gives_the_list_behind_the_figure(qtbot, ctx) -> None:
    from desk_app.ui.dashboard import DashboardView

    v = DashboardView(ctx, today=TODAY)
    v.resize(1280, 800)
    v.show()
    qtbot.waitExposed(v)
    try:
        with qtbot.waitSignal(v.loaded):
            v.set_period(date(2025, 1, 1), TODAY)
        with qtbot.waitSignal(v.traced) as sig:
            qtbot.mouseClick(v.tiles["online_share"], Qt.MouseButton.LeftButton)
        dialog = sig.args[0]
        assert dialog.model.rowCount() == v.report["figures"]["online"] > 0
        dialog.close()
        # a bar of the per-procedure chart: its late dossiers
        chart = v.group_chart
        v.findChild(type(v.overdue)).scrollTo(v.overdue_model.index(0, 0))
        rect = chart.bar_rect(0)
        with qtbot.waitSignal(v.traced) as sig:
            qtbot.mouseClick(chart, Qt.MouseButton.LeftButton,
                             pos=QPoint(int(rect.left()) + 2, int(rect.center().y())))
        bar = chart.bars[0]
        row = next(r for r in v.report["by_procedure"] if r["group"] == bar.group_value)
        assert sig.args[0].model.rowCount() == row["late_resolved"]
        sig.args[0].close()
        # per clerk
        v.group.setCurrentIndex(1)
        assert {b.group_value for b in v.group_chart.bars} == {r["group"] for r in v.report["by_clerk"]
                                                                if r["judged"]}
    finally:
        _dispose(v)


# --------------------------------------------------------------------------- rating

def _returned_unrated(ctx) -> str:
    return ctx.store.conn.execute(
        "SELECT code FROM dossiers d WHERE status = 'returned' AND NOT EXISTS (SELECT 1 FROM"
        " ratings r WHERE r.dossier_id = d.id) LIMIT 1").fetchone()[0]


def test_rating_view_big_buttons_reason_and_record(qtbot, ctx) -> None:
    from desk_app.ui.rating_view import RatingView

    code = _returned_unrated(ctx)
    v = RatingView(ctx, code, stage="return")
    v.resize(1024, 600)
    v.show()
    qtbot.waitExposed(v)
    try:
        assert [b.text() for b in v.buttons] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
        assert all(b.height() >= 120 and b.width() >= 180 for b in v.buttons)
        assert v.minimumSizeHint().width() <= 1024 and v.minimumSizeHint().height() <= 600
        qtbot.mouseClick(v.buttons[2], Qt.MouseButton.LeftButton)
        assert v.reason.isVisible()
        n = ctx.store.conn.execute("SELECT count(*) FROM ratings").fetchone()[0]
        qtbot.mouseClick(v.send, Qt.MouseButton.LeftButton)
        assert v.message.text() and ctx.store.conn.execute(
            "SELECT count(*) FROM ratings").fetchone()[0] == n
        v.reason.insertPlainText("Phải chờ lâu")        # typed through the IME (non-ASCII)
        with qtbot.waitSignal(v.rated) as sig:
            qtbot.mouseClick(v.send, Qt.MouseButton.LeftButton)
        assert sig.args[0].level == 3 and not sig.args[0].satisfied
        row = ctx.store.conn.execute("SELECT r.level, r.comment FROM ratings r JOIN dossiers d ON"
                                     " d.id = r.dossier_id WHERE d.code = ? AND r.stage = 'return'",
                                     (code,)).fetchone()
        assert tuple(row) == (3, "Phải chờ lâu")
        assert not any(b.isEnabled() for b in v.buttons)
    finally:
        _dispose(v)


def test_rating_view_goes_to_the_citizens_screen(qtbot, ctx) -> None:
    from desk_app.ui.qt import QGuiApplication
    from desk_app.ui.rating_view import RatingView

    v = RatingView(ctx, _returned_unrated(ctx))
    try:
        screens = QGuiApplication.screens()
        expected = [s for s in screens if s is not QGuiApplication.primaryScreen()] or screens
        assert v.target_screen() is expected[0]
        v.show_for_citizen()
        qtbot.waitExposed(v)
        assert v.isFullScreen() or v.windowState() & Qt.WindowState.WindowFullScreen
    finally:
        _dispose(v)


def test_rating_of_a_dossier_never_returned_shows_the_message(qtbot, ctx) -> None:
    from desk_app.ui.rating_view import RatingView

    code = ctx.store.conn.execute("SELECT code FROM dossiers WHERE status = 'in_process' LIMIT 1"
                                  ).fetchone()[0]
    v = RatingView(ctx, code, stage="return")
    v.show()
    qtbot.waitExposed(v)
    try:
        qtbot.mouseClick(v.buttons[0], Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(v.failed) as sig:
            qtbot.mouseClick(v.send, Qt.MouseButton.LeftButton)
        assert "chưa trả kết quả" in sig.args[0]
    finally:
        _dispose(v)


# --------------------------------------------------------------------------- cash / main window

def test_cash_view_signs_off_as_supervisor_only(qtbot, ctx) -> None:
    from desk_app.ui.cash_summary import CashView

    proc_day = datetime.now(convert.VN_TZ).date()
    code = ctx.store.conn.execute(
        "SELECT d.code FROM dossiers d JOIN procedures p ON p.code = d.procedure_code WHERE"
        " d.status = 'in_process' AND p.fee_json LIKE '%provincial%' AND NOT EXISTS (SELECT 1"
        " FROM fee_payments f WHERE f.dossier_id = d.id) LIMIT 1").fetchone()
    if code is None:
        code = ctx.store.conn.execute("SELECT d.code FROM dossiers d WHERE d.status = 'received'"
                                      " AND NOT EXISTS (SELECT 1 FROM fee_payments f WHERE"
                                      " f.dossier_id = d.id) LIMIT 1").fetchone()
    fees.collect(ctx, code[0], clerk="Nguyễn Thị Hoa", actor="hoa", pages=2)
    clerk_view = CashView(ctx, session=_session(ctx, "hoa"), day=proc_day)
    assert not clerk_view.sign.isVisibleTo(clerk_view)
    _dispose(clerk_view)
    v = CashView(ctx, session=_session(ctx, "lan"), day=proc_day)
    v.show()
    qtbot.waitExposed(v)
    try:
        assert v.sign.isVisible() and v.model.rowCount() >= 1
        row = next(r for r in range(v.model.rowCount()) if v.model.row(r).clerk == "Nguyễn Thị Hoa")
        v.table.selectRow(row)
        with qtbot.waitSignal(v.signed):
            qtbot.mouseClick(v.sign, Qt.MouseButton.LeftButton)
        assert v.model.row(row).signed_off_by == "Phạm Thị Lan"
    finally:
        _dispose(v)


def test_main_window_has_the_queue_tab_and_opens_the_dashboard(qtbot, ctx, qloop) -> None:
    from desk_app.ui.main_window import MainWindow

    w = MainWindow(ctx, _session(ctx, "lan"))
    w.resize(1024, 600)
    w.show()
    qtbot.waitExposed(w)
    try:
        assert w.tabs.count() >= 2 and w.tabs.widget(1) is w.queues
        w.show_queues()
        assert w.tabs.currentWidget() is w.queues
        assert w.act_dashboard.isVisible() and w.act_rating.isVisible()
        dash = w.open_dashboard()
        qtbot.waitUntil(lambda: dash.report is not None, timeout=10000)
        assert dash.isVisible()
        dash.close()
        w.queues.show_queue("to_return")
        w.queues.table.selectRow(0)
        view = w.open_rating()
        assert view is not None and view.stage == "intake" and view.code == w.queues.selected_code()
        view.close()
    finally:
        w.shutdown()
        _dispose(w)


def test_a_clerk_does_not_see_the_dashboard(qtbot, ctx, qloop) -> None:
    from desk_app.ui.main_window import MainWindow

    w = MainWindow(ctx, _session(ctx, "hoa"))
    w.show()
    qtbot.waitExposed(w)
    try:
        assert not w.act_dashboard.isVisible() and w.open_dashboard() is None
        assert w.act_rating.isVisible() and w.act_cash.isVisible()
    finally:
        w.shutdown()
        _dispose(w)
    assert isinstance(QPushButton, type)


def test_after_a_save_the_new_dossier_is_selected_in_the_list_and_its_queue(qtbot, ctx, qloop) -> None:
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import intake
    from desk_app.services.catalog import get_procedure
    from desk_app.ui.main_window import MainWindow

    w = MainWindow(ctx, _session(ctx, "hoa"))
    w.show()
    qtbot.waitExposed(w)
    try:
        comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
                 for c in get_procedure(ctx, "2.000815").components if c.required]
        d = intake.receive(ctx, intake.IntakeRequest(
            procedure_code="2.000815", components=comps, clerk="Nguyễn Thị Hoa", actor="hoa",
            applicant=Applicant(id_number="001088054321", full_name="Đinh Thị Mới")))
        before = w.queues.counts()
        w._on_saved(d)                      # what IntakeForm.saved triggers
        assert w.selected_code() == d.code
        assert w.queues.selected_code() == d.code
        after = w.queues.counts()              # refreshed: the new one is counted in its queue
        assert after == {c.name: c.count for c in Q.counts(ctx, soon_days=w.queues.soon_days.value())}
        if w.queues.soon_days.value() == 2:
            assert after[w.queues.current] == before[w.queues.current] + 1
    finally:
        w.shutdown()
        _dispose(w)


def test_the_window_records_a_rating_through_its_job_runner(qtbot, ctx, qloop) -> None:
    from desk_app.ui.main_window import MainWindow

    w = MainWindow(ctx, _session(ctx, "hoa"))
    w.show()
    qtbot.waitExposed(w)
    try:
        rated = {r[0] for r in ctx.store.conn.execute(
            "SELECT d.code FROM ratings r JOIN dossiers d ON d.id = r.dossier_id"
            " WHERE r.stage = 'return'")}
        row = next(r for r in range(w.model.rowCount())
                   if w.model.dossier(r).status.value == "returned"
                   and w.model.dossier(r).code not in rated)
        w.table.selectRow(row)
        view = w.open_rating()
        assert view.stage == "return" and view.jobs is w.jobs
        qtbot.waitExposed(view)
        view.choose(2)
        with qtbot.waitSignal(view.rated, timeout=10000) as sig:
            qtbot.mouseClick(view.send, Qt.MouseButton.LeftButton)
        assert sig.args[0].code == w.model.dossier(row).code and sig.args[0].label == "Hài lòng"
        assert ctx.store.conn.execute(
            "SELECT count(*) FROM ratings r JOIN dossiers d ON d.id = r.dossier_id WHERE d.code = ?"
            " AND r.stage = 'return'", (sig.args[0].code,)).fetchone()[0] == 1
        view.close()
    finally:
        w.shutdown()
        _dispose(w)


def test_queue_filters_by_procedure_and_clerk(qtbot, queues_view, ctx) -> None:
    v = queues_view
    v.show_queue("to_return")
    all_rows = v.model.rowCount()
    procs = [v.procedure.itemData(i) for i in range(1, v.procedure.count())]
    clerks = [v.clerk.itemData(i) for i in range(1, v.clerk.count())]
    assert procs and clerks and v.procedure.itemData(0) == ""
    v.clerk.setCurrentIndex(1)
    assert 0 < v.model.rowCount() <= all_rows
    assert {v.model.row(r).clerk for r in range(v.model.rowCount())} == {clerks[0]}
    expected = Q.rows(ctx, "to_return", clerk=clerks[0], procedure=procs[0])
    v.procedure.setCurrentIndex(1)
    assert [v.model.row(r).code for r in range(v.model.rowCount())] == [r.code for r in expected]
    v.refresh()                                    # the choice survives a refresh
    assert v.procedure.currentData() == procs[0] and v.clerk.currentData() == clerks[0]
