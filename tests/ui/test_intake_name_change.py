"""Issue 17 in the GUI: a known ID number typed with another name asks the clerk before the
registry of returning applicants takes the new name; "No" keeps everything typed."""
from __future__ import annotations

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
from desk_app.services import catalog, dossiers, intake
from desk_app.ui.qt import QMessageBox, Qt
from offline_store import repo
from tests.ui.intake_helpers import wait_idle
from tests.ui.keyboard import type_text
from tests.ui.test_intake_errors import VALID_ID, pick_birth_registration


def _first_intake(ctx) -> None:
    proc = catalog.get_procedure(ctx, "2.000635")
    intake.receive(ctx, intake.IntakeRequest(
        procedure_code=proc.code,
        applicant=Applicant(id_number=VALID_ID, full_name="Đặng Thị Thu", phone="0977000111"),
        components=[DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1)
                    for c in proc.components if c.required]))


def _fill(qtbot, form) -> None:
    pick_birth_registration(qtbot, form)
    type_text(qtbot, form.id_number, VALID_ID)
    form.full_name.clear()
    type_text(qtbot, form.full_name, "Đặng Thị Thu Hà")
    form.table.setFocus()
    for row in range(2):
        form.table.setCurrentIndex(form.components.index(row, 0))
        qtbot.keyClick(form.table, Qt.Key.Key_Space)


def _save_and_get_box(qtbot, form) -> QMessageBox:
    form.name_box = None
    form.save_button.click()
    wait_idle(qtbot, form)
    qtbot.waitUntil(lambda: form.name_box is not None and form.name_box.isVisible())
    return form.name_box


def test_other_name_asks_and_no_keeps_the_form_then_yes_saves_audited(qtbot, form, ctx):
    _first_intake(ctx)
    before = len(dossiers.list_recent(ctx, limit=100))
    _fill(qtbot, form)
    box = _save_and_get_box(qtbot, form)
    assert "Đặng Thị Thu" in box.text() and "Đặng Thị Thu Hà" in box.text()
    assert form.dossier is None
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert form.dossier is None and form.full_name.text() == "Đặng Thị Thu Hà"
    assert len(dossiers.list_recent(ctx, limit=100)) == before
    assert repo.get_applicant(ctx.store.conn, VALID_ID)["full_name"] == "Đặng Thị Thu"

    box = _save_and_get_box(qtbot, form)
    box.button(QMessageBox.StandardButton.Yes).click()
    wait_idle(qtbot, form)
    qtbot.waitUntil(lambda: form.dossier is not None)
    assert form.dossier.applicant.full_name == "Đặng Thị Thu Hà"
    assert repo.get_applicant(ctx.store.conn, VALID_ID)["full_name"] == "Đặng Thị Thu Hà"
    first = [d for d in dossiers.list_recent(ctx, limit=100) if d.code != form.dossier.code][0]
    assert dossiers.get(ctx, first.code).applicant.full_name == "Đặng Thị Thu", "the first stays"
    row = ctx.store.conn.execute("SELECT detail_json FROM audit_log WHERE action ="
                                 " 'applicant.update' ORDER BY id DESC").fetchone()
    assert row is not None and '"name_change_confirmed": true' in row[0].replace('":true', '": true')
