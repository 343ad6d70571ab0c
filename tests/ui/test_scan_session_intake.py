"""The intake's "Quét…" button: a scan session for the selected component, its PDF attached to that
component, then stored with the dossier when the intake is saved (real SANE test backend)."""
from __future__ import annotations

import pikepdf

import tests.scanning.conftest as sane_conf  # noqa: F401 — private SANE_CONFIG_DIR
from desk_app.services import dossiers
from desk_app.ui.qt import QApplication, Qt
from tests.ui.intake_helpers import wait_idle
from tests.ui.test_intake_errors import pick_birth_registration, type_applicant
from tests.ui.test_scan_session import PROFILES

DEV = "sane:test:0"


def test_scan_button_attaches_the_pdf_to_the_component(qtbot, form, ctx, desk_dir) -> None:
    (desk_dir / "scan_profiles.toml").write_text(PROFILES, encoding="utf-8")
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    form.table.setFocus()
    for row in range(form.components.rowCount()):
        if form.components.row(row).required:
            form.table.setCurrentIndex(form.components.index(row, 0))
            qtbot.keyClick(form.table, Qt.Key.Key_Space)
    target = 1
    form.table.setCurrentIndex(form.components.index(target, 0))
    assert form.components_part.scan_button.isVisible()
    qtbot.keyClick(form.table, Qt.Key.Key_O,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = form.components_part.scan_dialog
    assert dlg is not None and dlg.isVisible()
    assert form.components.row(target).name in dlg.heading.text()
    qtbot.waitUntil(lambda: dlg.devices_loaded and not dlg.busy, timeout=20_000)
    dlg.device.setCurrentIndex(dlg.device.findData(DEV))
    dlg.source.setCurrentIndex(dlg.source.findData("feeder"))
    dlg.pages_limit.setValue(2)
    dlg.activateWindow()
    dlg.pages_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    qtbot.keyClick(dlg.pages_view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: dlg.last_result is not None and not dlg.busy, timeout=60_000)
    assert dlg.model.rowCount() == 2
    qtbot.keyClick(dlg.pages_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(form.components.row(target).files), timeout=60_000)
    pdf = form.components.row(target).files[0]
    assert pdf.suffix == ".pdf" and pdf.is_file()
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 2
    assert form.components.row(target).received
    qtbot.waitUntil(lambda: form.components_part.scan_dialog is None)
    # the intake saves the dossier with the scan on that component
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is not None, form.banner.text()
    stored = dossiers.get(ctx, form.dossier.code)
    scans = [a for a in stored.attachments if a.filename == pdf.name]
    assert len(scans) == 1 and scans[0].component_seq == form.components.row(target).seq
    assert scans[0].size == pdf.stat().st_size


def test_second_intake_reuses_the_digitised_id_card(qtbot, form, ctx, desk_dir, tmp_path) -> None:
    """Never scan twice: the applicant's ID card scanned for an earlier dossier is offered
    ("đã có bản số hóa ngày …"); Ctrl+D reuses it — the same blob, no new one."""
    from PIL import Image

    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import catalog, intake
    from tests.ui.test_intake_errors import VALID_ID

    proc = catalog.get_procedure(ctx, "1.001193")
    card = tmp_path / "cccd.png"
    Image.new("RGB", (420, 300), (230, 220, 200)).save(card)
    first = intake.receive(ctx, intake.IntakeRequest(
        procedure_code=proc.code,
        applicant=Applicant(id_number=VALID_ID, full_name="Trần Thị Bích", phone="0987654321",
                            address="Thôn Nà Khum, xã Tân Phong"),
        components=[DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1)
                    for c in proc.components if c.required or c.seq == 4],
        attachments=[(card, 4)]))
    sha = next(a.sha256 for a in first.attachments if a.component_seq == 4)
    blobs_before = ctx.store.conn.execute("SELECT count(DISTINCT sha256) FROM attachments").fetchone()[0]

    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    part = form.components_part
    qtbot.waitUntil(lambda: 4 in part.offers)
    assert part.offers_label.isVisible()
    assert "đã có bản số hóa ngày" in part.offers_label.text()
    form.table.setFocus()
    for row in range(form.components.rowCount()):
        if form.components.row(row).required:
            form.table.setCurrentIndex(form.components.index(row, 0))
            qtbot.keyClick(form.table, Qt.Key.Key_Space)
    row4 = next(r for r, c in enumerate(form.components.rows()) if c.seq == 4)
    form.table.setCurrentIndex(form.components.index(row4, 0))
    qtbot.keyClick(form.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)   # one key
    assert part.reuse_chosen == {4: part.offers[4].document.id}
    assert form.build_request().reuse == [(4, part.offers[4].document.id)]
    assert form.components.row(row4).received
    qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is not None, form.banner.text()
    assert "đã dùng lại" in part.offers_label.text() or "reused" in part.offers_label.text()
    stored = dossiers.get(ctx, form.dossier.code)
    assert [a.sha256 for a in stored.attachments if a.component_seq == 4] == [sha]
    blobs_after = ctx.store.conn.execute("SELECT count(DISTINCT sha256) FROM attachments").fetchone()[0]
    assert blobs_after == blobs_before


def test_scanned_id_card_qr_fills_the_applicant_after_the_clerk_confirms(qtbot, form, tmp_path) -> None:
    import random
    import sys
    from pathlib import Path

    from desk_app.ui.qt import QMessageBox

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import bench_qr as gen  # the card generator of bench/bench_qr.py (segno, a real payload)

    payload = ("001090012345|123456789|Nguyễn Văn An|01051990|Nam|"
               "Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội|15082021")
    card = tmp_path / "cccd-mat-sau.png"
    gen.card_side(payload, random.Random(3), with_qr=True).save(card, dpi=(300, 300))
    pick_birth_registration(qtbot, form)
    assert form.id_number.text() == ""
    row4 = next(r for r, c in enumerate(form.components.rows()) if c.seq == 4)   # the ID card
    form.table.setFocus()
    form.table.setCurrentIndex(form.components.index(row4, 0))
    dlg = form.components_part.scan_current()
    assert dlg is not None and dlg.current_profile().name == "id_card"
    qtbot.waitUntil(lambda: dlg.devices_loaded and not dlg.busy, timeout=20_000)
    dlg.import_paths([card])
    qtbot.waitUntil(lambda: dlg.model.rowCount() == 1 and not dlg.busy, timeout=20_000)
    dlg.save()
    part = form.components_part
    qtbot.waitUntil(lambda: part.card_box is not None and part.card_box.isVisible(), timeout=30_000)
    assert "001090012345" in part.card_box.text() and form.id_number.text() == ""  # asks first
    qtbot.mouseClick(part.card_box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert form.id_number.text() == "001090012345"
    assert form.full_name.text() == "Nguyễn Văn An"
    assert form.components.row(row4).files and form.components.row(row4).received
