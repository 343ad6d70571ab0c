"""The main window on a real demo store: list, diacritic-free search, badge, detail, language."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desk_app.domain.text import fold
from desk_app.services import dossiers
from desk_app.ui import i18n
from desk_app.ui.qt import Qt

ROOT = Path(__file__).resolve().parents[2]




def test_opens_with_vietnamese_labels_and_rows(window, ctx):
    model = window.model
    assert model.rowCount() == min(200, len(dossiers.list_recent(ctx, limit=1000)))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Mã hồ sơ", "Người nộp", "Thủ tục", "Ngày nhận", "Hẹn trả", "Trạng thái", "Đồng bộ"]
    assert "Quầy số 1" in window.unit_label.text() and "UBND xã Tân Phong" in window.unit_label.text()
    assert window.user_label.text().endswith("· Quản trị"), window.user_label.text()
    # the platform appends applicationDisplayName ("Một Cửa Desk"): the title must not repeat it
    assert window.windowTitle() == "UBND xã Tân Phong · Quầy số 1"
    assert "Một Cửa" not in window.windowTitle()
    assert window.act_new.shortcuts()[0].toString() == "Ctrl+N"
    assert {s.toString() for s in window.act_new.shortcuts()} == {"Ctrl+N", "F2"}
    assert window.act_sync.shortcuts()[0].toString() == "F5"


def test_search_box_filters_without_diacritics(qtbot, window, ctx):
    target = next(d for d in dossiers.list_recent(ctx, limit=1000) if fold(d.applicant.full_name).startswith("nguyen"))
    given = fold(target.applicant.full_name).split()[-1]
    query = f"nguyen {given}"
    all_rows = window.model.rowCount()
    qtbot.keyClicks(window.search, query)
    qtbot.waitUntil(lambda: 0 < window.model.rowCount() < all_rows, timeout=3000)
    names = [window.model.dossier(r).applicant.full_name for r in range(window.model.rowCount())]
    assert target.applicant.full_name in names
    assert all(fold(n).startswith("nguyen") or "nguyen" in fold(n) for n in names), names
    assert all(given in fold(n).split() for n in names), names
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == all_rows, timeout=3000)


def test_badge_and_detail(qtbot, window, ctx):
    assert "hồ sơ chờ gửi" in window.badge.text() or window.badge.text() == "Đã gửi hết"
    assert window.last_sync.text().startswith("Đồng bộ thành công gần nhất")
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.detail is not None and window.detail.isVisible())
    detail = window.detail
    code = window.model.dossier(0).code
    assert code in detail.windowTitle()
    assert detail.sync_value.text() == window.model.data(window.model.index(0, 6))
    assert detail.events_model.rowCount() >= 1
    detail.reprint("01")
    qtbot.waitUntil(lambda: detail.preview_dialog is not None and detail.preview_dialog.isVisible())
    assert detail.preview_dialog._pages.page_count >= 1
    detail.preview_dialog.close()


def test_language_switch_retranslates(qtbot, window):
    window.set_language("en")
    try:
        qtbot.waitUntil(lambda: window.model.headerData(0, Qt.Orientation.Horizontal) == "Dossier code")
        assert window.act_sync.text() == "Sync now (F5)"
        assert "Desk 1" in window.unit_label.text()
    finally:
        window.set_language("vi")
    qtbot.waitUntil(lambda: window.act_sync.text() == "Đồng bộ ngay (F5)")


def test_qt_standard_buttons_are_vietnamese(qapp):
    from desk_app.ui.qt import QDialogButtonBox
    i18n.install("vi")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert sorted(b.text() for b in box.buttons()) == sorted(["Đồng ý", "Hủy"])


def test_selftest_starts_and_exits_cleanly(desk_dir):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = f"from desk_app.ui.app import run; raise SystemExit(run({str(desk_dir)!r}, selftest=True))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["window", "shown", "selftest", "ok"], proc.stdout


def test_selftest_reports_an_unusable_data_dir(tmp_path):
    """A data folder that is a file: a Vietnamese message on stderr and exit 1, no hang."""
    bad = tmp_path / "not-a-dir"
    bad.write_text("x")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = f"from desk_app.ui.app import run; raise SystemExit(run({str(bad)!r}, selftest=True))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1, proc.stderr[-1500:]
    assert "window shown" in proc.stdout            # the window came first, then the store failed
    assert "selftest ok" not in proc.stdout
    assert "Traceback" not in proc.stderr
    assert "thư mục dữ liệu" in proc.stderr or "cơ sở dữ liệu" in proc.stderr, proc.stderr
