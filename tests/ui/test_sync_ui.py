"""Sync in the GUI: the badge follows the queue, and the window stays responsive while syncing."""
from __future__ import annotations

import json
import re
import time

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
from desk_app.services import catalog, intake, sync_control
from desk_app.sync.api import Credentials
from desk_app.ui import dialogs
from desk_app.ui.qt import QTimer, Qt
from desk_app.ui.sync_panel import badge_text
from tests.ui.slow_server import SlowServer


def receive_one(ctx, id_number: str = "001090012345") -> str:
    proc = catalog.get_procedure(ctx, "2.000635")
    comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
             for c in proc.components if c.required]
    return intake.receive(ctx, intake.IntakeRequest(
        procedure_code=proc.code, applicant=Applicant(id_number=id_number, full_name="Lò Văn Páo"),
        components=comps)).code


def pending_in(text: str) -> int:
    m = re.match(r"(\d+) hồ sơ chờ gửi", text)
    return int(m.group(1)) if m else 0


def test_badge_counts_queue_and_refreshes_on_its_timer(qtbot, window, ctx):
    before = pending_in(window.badge.text())
    assert before == sync_control.summary(ctx).pending
    # the demo desk has no server: no time is promised
    assert re.fullmatch(r"\d+ hồ sơ chờ gửi · \d+,\d MB · chưa thiết lập máy chủ( · \d+ cần xử lý)?",
                        window.badge.text()), window.badge.text()
    window.sync.timer.setInterval(50)
    window.sync.timer.start()
    receive_one(ctx)                 # e.g. saved by the CLI or another window: the timer must notice
    qtbot.waitUntil(lambda: pending_in(window.badge.text()) == before + 1, timeout=3000)


def test_badge_promises_a_time_only_with_a_server(qtbot, window, ctx):
    from desk_app.services.admin import settings

    assert "phút" not in window.badge.text() and "chưa thiết lập máy chủ" in window.badge.text()
    settings.update(ctx, actor="test", server_url="https://motcua.example.gov.vn", server_user="desk1")
    window.sync.refresh()
    assert re.fullmatch(r"\d+ hồ sơ chờ gửi · \d+,\d MB · ~\d+ phút( · \d+ cần xử lý)?", window.badge.text()), \
        window.badge.text()


def test_server_settings_messages_are_plain(qtbot, window, ctx, monkeypatch):
    """One name for the action; a bad address never shows the key; a keyring failure never says
    "saved" nor points the clerk at a CLI option."""
    import keyring
    import keyring.errors

    assert window.act_server.text() == "Thiết lập máy chủ…"
    window.act_server.trigger()
    dialog = next(w for w in window.findChildren(object)
                  if getattr(w, "objectName", lambda: "")() == "serverSettings")
    assert dialog.windowTitle() == "Thiết lập máy chủ"
    dialog.url.setText("ftp:/nothing")
    dialog.user.setText("desk1")
    dialog.password.setText("mat-khau-2")
    dialog.save()
    assert dialog.isVisible()
    assert "server_url" not in dialog.error.text() and "https://" in dialog.error.text(), dialog.error.text()

    def broken(*_a, **_k):
        raise keyring.errors.KeyringError("no backend")
    monkeypatch.setattr(keyring, "set_password", broken)
    monkeypatch.setattr(keyring, "get_password", lambda *a, **k: None)
    dialog.url.setText("https://motcua.example.gov.vn")
    dialog.save()
    text = dialog.notice
    assert "--password-env" not in text and "đã lưu" not in text.lower()
    assert "Không giữ được mật khẩu" in text and "hỏi lại" in text
    assert dialog.password.text() == ""
    assert ctx.settings["server_url"] == "https://motcua.example.gov.vn"
    server, creds = window.sync.connection()
    assert server == "https://motcua.example.gov.vn" and creds.password == "mat-khau-2"


def test_badge_text_all_sent_and_attention(qapp):
    class S:
        pending, bytes, eta_minutes, needs_attention = 0, 0, 0.0, 2
    assert badge_text(S) == "Đã gửi hết · 2 cần xử lý"
    S.pending, S.bytes, S.eta_minutes, S.needs_attention = 3, 12_400_000, 4.4, 0
    assert badge_text(S) == "3 hồ sơ chờ gửi · 12,4 MB · ~4 phút"


def test_window_stays_responsive_during_a_slow_sync(qtbot, window, ctx):
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    finished: list[object] = []
    window.sync.finished.connect(finished.append)
    window.sync.failed.connect(finished.append)
    with SlowServer(delay=0.7) as server:
        window.sync.connection = lambda: (server.url, Credentials("desk1", "secret"))
        timer.start()
        qtbot.keyClick(window.table, Qt.Key.Key_F5)          # "Đồng bộ ngay"
        qtbot.waitUntil(lambda: window.sync.running or bool(finished), timeout=3000)
        qtbot.waitUntil(lambda: bool(finished), timeout=20000)
        timer.stop()
        assert server.requests >= 1
    assert not window.sync.running
    duration = ticks[-1] - ticks[0]
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert duration >= 0.7, "the sync really waited on the slow server"
    assert len(ticks) >= duration / 0.02 * 0.5, (len(ticks), duration)
    assert max(gaps) < 0.25, f"event loop blocked for {max(gaps) * 1000:.0f} ms"
    assert finished[0].faults, "the overloaded server must be reported"
    assert window.statusBar().currentMessage().startswith("Đồng bộ chưa xong: Máy chủ tỉnh đang bận")


def test_second_press_while_syncing_is_ignored(qtbot, window):
    calls: list[int] = []
    window.sync.connection = lambda: calls.append(1) or ("http://127.0.0.1:9", None)
    window.sync.running = True               # a sync is already under way
    task = window.sync.sync_now()
    qtbot.waitUntil(task.done, timeout=3000)
    assert calls == [], "a second sync must not start"
    window.sync.running = False
    task = window.sync.sync_now()            # the control: when idle, the press does start one
    qtbot.waitUntil(task.done, timeout=15000)
    assert calls == [1]


def test_diagnostics_export_writes_json(qtbot, window, ctx, tmp_path, monkeypatch):
    target = tmp_path / "diag.json"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: target)
    window.act_diag.trigger()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["unit_code"] == ctx.unit_code and "summary" in data


def test_server_settings_dialog(qtbot, window, ctx):
    """The dialog hands the password to the service (keyring) and keeps none of it."""
    import keyring

    window.act_server.trigger()
    dialog = window.findChild(type(window), "serverSettings") or next(
        w for w in window.findChildren(object) if getattr(w, "objectName", lambda: "")() == "serverSettings")
    dialog.url.setText("http://127.0.0.1:8765")
    dialog.user.setText("desk1")
    dialog.password.setText("mat-khau-1")
    dialog.save()
    assert dialog.password.text() == ""
    server, creds = sync_control.connection(ctx)
    assert server == "http://127.0.0.1:8765" and creds.username == "desk1"
    assert any("mat-khau-1" == keyring.get_password("mot-cua-desk", k)
               for k in ("http://127.0.0.1:8765|desk1",))
