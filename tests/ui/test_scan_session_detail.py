"""The dossier view's "Quét / đính kèm": choose the component, import pages in the session, Save →
``attach_file`` on the JobRunner → the view shows the new file; the draft PDF is gone."""
from __future__ import annotations

from desk_app.domain.models import ComponentForm, DossierComponent
from desk_app.services import catalog, dossiers, intake
from desk_app.domain.models import Applicant
from desk_app.ui.qt import QApplication, QEvent, Qt
from tests.ui.conftest import gui_session


def _dossier(ctx):
    proc = catalog.get_procedure(ctx, "1.001193")
    return intake.receive(ctx, intake.IntakeRequest(
        procedure_code=proc.code,
        applicant=Applicant(id_number="001090012345", full_name="Trần Thị Bích", phone="0987654321",
                            address="Thôn Nà Khum, xã Tân Phong"),
        components=[DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1)
                    for c in proc.components if c.required]))


def test_scan_and_attach_from_the_dossier_view(qtbot, ctx, jobs, scan_png) -> None:
    from desk_app.ui import i18n
    from desk_app.ui.dossier_detail import DossierDetail

    i18n.install("vi")
    d = _dossier(ctx)
    before = len(d.attachments)
    detail = DossierDetail(ctx, d, jobs=jobs, session=gui_session(ctx, "hoa"))
    detail.show()
    qtbot.waitExposed(detail)
    try:
        assert detail.scan_button.isVisible()
        qtbot.mouseClick(detail.scan_button, Qt.MouseButton.LeftButton)
        action = detail.scan_action
        chooser = action.chooser
        if chooser is not None:                       # more than one component: choose the 2nd
            assert chooser.isVisible()
            chooser.setTextValue(chooser.comboBoxItems()[1])
            chooser.accept()
            seq = d.components[1].seq
        else:
            seq = d.components[0].seq
        dlg = action.session
        assert dlg is not None and dlg.isVisible()
        qtbot.waitUntil(lambda: dlg.devices_loaded and not dlg.busy, timeout=20_000)
        dlg.import_paths([scan_png])
        qtbot.waitUntil(lambda: dlg.model.rowCount() == 1 and not dlg.busy, timeout=20_000)
        dlg.save()
        qtbot.waitUntil(lambda: action.outcome is not None or action.error is not None,
                        timeout=60_000)
        assert action.error is None, action.error
        assert action.outcome.component_seq == seq and action.outcome.new_blob
        stored = dossiers.get(ctx, d.code)
        assert len(stored.attachments) == before + 1
        assert detail.attachments_model.rowCount() == before + 1        # the view reloaded
        assert not any((ctx.data_dir / "scan-drafts").glob("*.pdf"))     # the draft is in the blobs
        assert action.outcome.message("vi") in detail.message.text()
    finally:
        detail.hide()
        detail.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
