"""The lifecycle from the dossier window (qtbot, offscreen, real store and JobRunner, no sleeps):
buttons enabled by role, a step through the JobRunner reloads the window, a refusal stays in the
dialog and changes nothing, and the window fits 1024×600."""
from __future__ import annotations

from pathlib import Path

import pytest

from desk_app.domain.models import DossierStatus as S
from desk_app.services import dossiers
from desk_app.ui.qt import Qt
from tests.workflow.helpers import PDF, SUP, drive, receive

PASSWORDS = {"hoa": "demo-clerk", "thang": "demo-processor", "binh": "demo-officer",
             "lan": "demo-supervisor", "quantri": "demo-admin"}


@pytest.fixture
def desk(ctx):
    from desk_app.services.admin.setup import add_demo_accounts

    with ctx.store.transaction() as conn:
        add_demo_accounts(conn)
    return ctx


@pytest.fixture
def jobs(qapp, desk):
    from desk_app.ui.jobs import JobRunner

    runner = JobRunner(desk.data_dir)
    yield runner
    runner.shutdown()


def session_of(ctx, login: str):
    from desk_app.services import session

    return session.login(ctx, login, PASSWORDS[login], face="gui")


def open_detail(qtbot, ctx, jobs, code: str, login: str):
    from desk_app.ui import i18n
    from desk_app.ui.dossier_detail import DossierDetail

    i18n.install("vi")
    w = DossierDetail(ctx, dossiers.get(ctx, code), jobs=jobs, session=session_of(ctx, login))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def shown(w, key: str) -> tuple[bool, bool]:
    b = w.workflow.buttons[key]
    return b.isVisible(), b.isEnabled()


def test_buttons_follow_the_role_and_the_status(qtbot, desk, jobs) -> None:
    code = receive(desk).code
    clerk = open_detail(qtbot, desk, jobs, code, "hoa")
    assert shown(clerk, "handover") == (True, True)
    assert shown(clerk, "supplement_request") == (True, True)
    assert shown(clerk, "refuse") == (True, False)           # only the processing side refuses
    assert shown(clerk, "withdraw") == (True, True)
    assert not clerk.workflow.buttons["return"].isVisible()  # nothing to return yet
    assert not clerk.workflow.buttons["stop"].isVisible()    # no stop before processing
    assert clerk.workflow.open("refuse") is None              # a disabled button opens nothing
    clerk.close()
    proc = open_detail(qtbot, desk, jobs, code, "thang")
    assert shown(proc, "refuse") == (True, True)
    assert shown(proc, "withdraw") == (True, False)          # a clerk's command (registry)
    assert shown(proc, "delay") == (True, True)
    proc.close()


def test_hand_over_then_result_through_the_jobrunner(qtbot, desk, jobs, tmp_path: Path) -> None:
    from desk_app.domain import labels

    code = receive(desk).code
    w = open_detail(qtbot, desk, jobs, code, "hoa")
    n_events = w.events_model.rowCount()
    dlg = w.workflow.open("handover")
    dlg.inputs["to"].setText("Cán bộ tư pháp - hộ tịch")
    dlg.inputs["agency"].setText("Phòng Tư pháp")
    with qtbot.waitSignal(w.dossier_changed, timeout=10_000) as sig:
        qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    assert sig.args[0].status is S.IN_PROCESS
    assert w.status_value.text() == labels.status_label(S.IN_PROCESS)
    assert not dlg.isVisible()
    assert w.events_model.rowCount() == n_events + 1
    assert w.more_forms["06"].isVisible() and not w.more_forms["04"].isVisible()
    assert dossiers.get(desk, code).status is S.IN_PROCESS
    n_files = len(dossiers.get(desk, code).attachments)
    w.more_forms["06"].click()
    qtbot.waitUntil(lambda: w.preview_dialog is not None and w.preview_dialog.isVisible(),
                    timeout=10_000)
    assert w.last_pdf.startswith(b"%PDF-")
    w.preview_dialog.close()
    assert len(dossiers.get(desk, code).attachments) == n_files      # a preview stores nothing
    assert shown(w, "result") == (True, False)               # a clerk does not produce results
    w.close()

    p = open_detail(qtbot, desk, jobs, code, "thang")
    bad = tmp_path / "ket-qua.pdf"
    bad.write_text("không phải PDF", encoding="utf-8")
    dlg = p.workflow.open("result")
    dlg.file_edit.setText(str(bad))
    dlg.ok.click()
    qtbot.waitUntil(lambda: dlg.error.isVisible() and dlg.ok.isEnabled(), timeout=10_000)
    assert "PDF" in dlg.error.text() and dlg.isVisible()
    assert dossiers.get(desk, code).status is S.IN_PROCESS   # nothing changed
    good = tmp_path / "that.pdf"
    good.write_bytes(PDF)
    dlg.file_edit.setText(str(good))
    dlg.ok.click()
    qtbot.waitUntil(lambda: p.status_value.text() == labels.status_label(S.RESULT_READY),
                    timeout=10_000)
    assert any(a.kind == "result" for a in dossiers.get(desk, code).attachments)
    assert not p.workflow.buttons["result"].isVisible()


def test_required_fields_are_asked_before_anything_runs(qtbot, desk, jobs) -> None:
    code = receive(desk).code
    w = open_detail(qtbot, desk, jobs, code, "thang")
    dlg = w.workflow.open("refuse")
    dlg.ok.click()
    assert dlg.error.isVisible() and dlg.isVisible() and dlg.ok.isEnabled()
    assert dossiers.get(desk, code).status is S.RECEIVED
    assert not jobs.busy


def test_supplement_round_trip_moves_the_due_date(qtbot, desk, jobs, tmp_path: Path) -> None:
    from desk_app.domain import labels

    code = receive(desk).code
    drive(desk, code, S.WAITING_SUPPLEMENT, tmp_path)
    w = open_detail(qtbot, desk, jobs, code, "hoa")
    before = w.due_value.text()
    dlg = w.workflow.open("supplement_received")
    dlg.ok.click()
    qtbot.waitUntil(lambda: w.status_value.text() == labels.status_label(S.SUPPLEMENTED),
                    timeout=10_000)
    assert w.due_value.text() == before       # same day: nothing paused
    assert "0" in w.message.text()


@pytest.mark.parametrize("size", [(1024, 600), (1366, 768)])
def test_the_window_fits_the_screen(qtbot, desk, jobs, tmp_path: Path, size) -> None:
    code = receive(desk).code
    drive(desk, code, S.IN_PROCESS, tmp_path)                # the most buttons at once
    w = open_detail(qtbot, desk, jobs, code, "lan")
    w.resize(*size)
    w.setMinimumSize(0, 0)
    qtbot.waitUntil(lambda: w.width() <= size[0] and w.height() <= size[1])
    w.layout().activate()
    bar = w.workflow
    visible = [b for b in bar.buttons.values() if b.isVisible()]
    assert len(visible) >= 6
    assert bar.sizeHint().width() <= w.width(), (bar.sizeHint().width(), w.width())
    assert w.layout().minimumSize().height() <= size[1]
