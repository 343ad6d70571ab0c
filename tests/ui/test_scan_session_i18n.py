"""The scan session keeps its buttons on a 1024×600 screen (that its strings all have Vietnamese
is tests/ui/test_translations.py's job)."""
from __future__ import annotations



def test_buttons_stay_on_a_1024x600_screen(qtbot, desk_dir) -> None:
    from desk_app.ui.qt import QRect
    from desk_app.ui.scan_session import ScanSessionDialog

    dlg = ScanSessionDialog(desk_dir, "Giấy tờ tùy thân của người yêu cầu (hộ chiếu, thẻ Căn cước)")
    try:
        dlg.setGeometry(QRect(0, 0, 1008, 560))         # 1024×600 minus the window frame
        dlg.show()
        qtbot.waitExposed(dlg)
        qtbot.waitUntil(lambda: not dlg.busy, timeout=20_000)
        inside = dlg.rect()
        for b in (dlg.save_button, dlg.close_button, dlg.scan_button, dlg.import_button,
                  dlg.test_button, dlg.ocr, dlg.preset):
            r = QRect(b.mapTo(dlg, b.rect().topLeft()), b.size())
            assert b.isVisible() and inside.contains(r), (b.objectName(), r, inside)
        assert dlg.pages_view.height() >= 150
    finally:
        dlg.done(0)
