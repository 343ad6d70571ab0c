"""The online queue widget on a real desk whose inbox was filled by a real sync with the reference
back end: model tester, detail pane, accept / refuse through the JobRunner, 1024×600."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from desk_app.services import open_desk, session as sessions, sync_control
from desk_app.services.admin import users
from desk_app.sync.credentials import Credentials
from offline_store import Store
from tests.online.conftest import pdf
from tests.sync.harness import PASSWORD

CLERK_PW = "mat-khau-can-bo-1"


@pytest.fixture
def filled_desk(unit, tmp_path: Path):
    data, user = unit.desk(1)
    pids = [unit.file_online(applicant_name="Đặng Thị Hương", filed_at="2026-11-27T16:10",
                             files=[pdf(tmp_path / "to-khai.pdf")]),
            unit.file_online(applicant_name="Đỗ Đức Dũng", applicant_id="001090054321",
                             filed_at="2026-11-28T09:00", files=[pdf(tmp_path / "cccd.pdf", "cccd")])]
    for _ in range(2):      # the entries, then their files
        sync_control.sync_once(data, unit.backend.url, Credentials(user, PASSWORD))
    ctx = open_desk(data, create=False)
    admin = sessions.os_owner_session(ctx)
    users.add(admin, login="hoa.online", full_name="Nguyễn Thị Hoa", role="clerk", password=CLERK_PW)
    yield ctx, pids, data
    ctx.close()


def test_online_queue_model_and_actions(qtbot, qtmodeltester, filled_desk) -> None:
    from desk_app.ui import i18n
    from desk_app.ui.jobs import JobRunner
    from desk_app.ui.online_queue import COL_APPLICANT, COL_PORTAL, OnlineQueueView

    ctx, pids, data = filled_desk
    i18n.install("vi")
    clerk = sessions.login(ctx, "hoa.online", CLERK_PW, face="gui")
    jobs = JobRunner(ctx.data_dir)
    try:
        view = OnlineQueueView(ctx, None, jobs)        # a window builds it before anyone logs in
        qtbot.addWidget(view)
        assert view.model.rowCount() == 0
        view.session = clerk                             # … and sets the person after the log-in
        view.resize(1024, 600)
        view.show()
        hint = view.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 600, hint
        qtmodeltester.check(view.model)
        m = view.model
        assert m.rowCount() == 2
        assert [m.index(r, COL_PORTAL).data() for r in range(2)] == pids
        assert m.index(1, COL_APPLICANT).data() == "Đỗ Đức Dũng"
        assert view.files.count() == 1 and view.components.count() >= 1
        assert view.accept_button.isEnabled()
        if os.environ.get("ONLINE_QUEUE_SCREENSHOT"):       # for docs/: a picture at 1024×600
            qtbot.waitExposed(view)
            view.grab().save(os.environ["ONLINE_QUEUE_SCREENSHOT"])

        codes: list[str] = []
        view.accepted.connect(codes.append)
        view.table.selectRow(0)
        qtbot.mouseClick(view.accept_button, qtbot_left())
        qtbot.waitUntil(lambda: bool(codes), timeout=20_000)
        assert codes[0].endswith("-261127-1001")
        qtbot.waitUntil(lambda: m.rowCount() == 1, timeout=5_000)
        assert "hẹn trả" in view.message.text() and codes[0] in view.message.text()

        # refusing needs a reason; nothing happens without one
        qtbot.mouseClick(view.refuse_button, qtbot_left())
        assert m.rowCount() == 1
        view.reason.setPlainText("Hồ sơ không thuộc thẩm quyền giải quyết của xã")
        qtbot.mouseClick(view.refuse_button, qtbot_left())
        qtbot.waitUntil(lambda: m.rowCount() == 0, timeout=20_000)
        qtmodeltester.check(m)
        assert not view.accept_button.isEnabled()
    finally:
        jobs.shutdown()
    with Store.open(data) as store:
        states = dict(store.conn.execute("SELECT portal_id, state FROM online_inbox").fetchall())
        actors = {r[0] for r in store.conn.execute(
            "SELECT actor FROM audit_log WHERE action IN ('online.accept', 'online.refuse')")}
    assert states == {pids[0]: "accepted", pids[1]: "refused"}
    assert actors == {"hoa.online"}


def qtbot_left():
    from desk_app.ui.qt import Qt

    return Qt.MouseButton.LeftButton
