"""The status bar's backup indicator and the automatic backup of an open desk (issue 17 §5):
a real JobRunner runs the real backup into a real folder; the indicator says its age and warns
in text (not colour alone) when the last backup is old while work is unsynced."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from desk_app.services.admin import backup, settings
from desk_app.ui import i18n
from desk_app.ui.backup_status import AutoBackup, BackupIndicator


def test_indicator_warns_in_text_then_an_automatic_backup_clears_it(qtbot, ctx, jobs, tmp_path: Path):
    i18n.install("vi")
    label = BackupIndicator()
    qtbot.addWidget(label)
    label.refresh(ctx)
    assert label.text().startswith("⚠") and "Chưa sao lưu" in label.text()
    usb = tmp_path / "usb"
    backup.backup(ctx, usb, now=datetime.now(timezone.utc) - timedelta(hours=30))
    label.refresh(ctx)
    assert backup.status(ctx).unsynced > 0, "the demo desk has work waiting to be synced"
    assert "quá một ngày" in label.text() and label.property("warn")
    settings.update(ctx, backup_dir=str(usb), backup_every_hours="24")
    auto = AutoBackup(lambda: ctx, jobs, label)
    assert auto.due() == usb
    auto.check()
    qtbot.waitUntil(lambda: not auto.running and backup.status(ctx).age_hours < 1, timeout=20_000)
    assert "vừa xong" in label.text() and not label.text().startswith("⚠")
    assert len(backup.list_backups(usb)) >= 1
    assert auto.due() is None, "not due again right after a backup"


def test_a_missing_folder_is_said_once_in_the_indicator(qtbot, ctx, jobs, tmp_path: Path):
    i18n.install("vi")
    label = BackupIndicator()
    qtbot.addWidget(label)
    label.refresh(ctx)
    settings.update(ctx, backup_dir=str(tmp_path / "unplugged"))
    auto = AutoBackup(lambda: ctx, jobs, label)
    auto.check()
    assert not auto.running and label.text().startswith("⚠")
    assert label.missing_text() in label.text()
