"""The signing screens really speak Vietnamese once installed (that every string has a
translation with diacritics and its placeholders is tests/ui/test_translations.py's job)."""
from __future__ import annotations

from tests.ui.signing_helpers import install_signing_translations


def test_the_dialogs_speak_vietnamese(qtbot, qapp, ctx, tmp_path):
    from desk_app.ui import i18n
    from desk_app.ui.qt import Qt
    from desk_app.ui.signing_dialog import SignDialog

    i18n.install("vi")
    install_signing_translations(tmp_path / "qm")
    dlg = SignDialog(ctx, None, None, lib="")
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Ký số tài liệu bằng thiết bị ký số (USB token)"
    assert dlg.sign_button.text() == "Ký số" and dlg.stop_button.text() == "Dừng sau tài liệu này"
    assert dlg.docs.headerData(1, Qt.Orientation.Horizontal) == "Tình trạng"
    assert dlg.docs.state_text("signed") == "Đã ký"
