"""The batch signing dialog on a real SoftHSM2 token: PIN typed into the real dialog, outputs that
pyhanko and poppler's pdfsig both accept, cancel between documents, a wrong PIN (message, nothing
written), a token pulled out mid-batch, expired certificates shown as such."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.signing import pki as P
from tests.ui.signing_helpers import (  # noqa: F401 — fixtures
    signing_qm_dir, signing_vi,
    cache, hsm, officer, pdfs, pdfsig, nss_dir, pki, signing_desk, trust, type_pin,
)


@pytest.fixture
def dialog(qtbot, ctx, jobs, officer, hsm, tmp_path):
    from desk_app.ui import i18n
    from desk_app.ui.signing_dialog import SignDialog

    i18n.install("vi")
    dlg = SignDialog(ctx, officer, jobs, lib=hsm.lib, out_dir=tmp_path / "signed")
    qtbot.addWidget(dlg)
    dlg.handler.show_notice_boxes = False
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.certs.rowCount() > 0, timeout=20_000)
    yield dlg
    dlg.handler.cancel_all()
    if dlg.handle is not None:
        dlg.handle.cancel()
        dlg.handle.wait(30)


def _choose(dlg, common_name: str) -> None:
    row = next(i for i, r in enumerate(dlg.certs.rows) if r.common_name == common_name)
    dlg.cert_view.selectRow(row)
    assert dlg.selected_cert() is not None and dlg.selected_cert().common_name == common_name


def test_models_pass_the_model_tester(qtmodeltester, dialog, pdfs):
    dialog.docs.set_files(pdfs(3))
    qtmodeltester.check(dialog.certs)
    qtmodeltester.check(dialog.docs)


def test_certificates_listed_with_expired_shown_and_not_choosable(dialog):
    names = {r.common_name: r for r in dialog.certs.rows}
    assert {"Nguyễn Văn Bình", "Lê Văn Cũ", "UBND xã An Bình"} <= set(names)
    row = list(names).index("Lê Văn Cũ")
    state = dialog.certs.index(row, 4).data()
    assert "HẾT HẠN" in state or "EXPIRED" in state
    assert not dialog.certs.flags(dialog.certs.index(row, 0))       # cannot be chosen
    dialog.cert_view.selectRow(row)
    assert dialog.selected_cert() is None or dialog.selected_cert().common_name != "Lê Văn Cũ"
    r = names["Nguyễn Văn Bình"]
    i = dialog.certs.rows.index(r)
    assert dialog.certs.index(i, 1).data() == "UBND xã An Bình"
    assert dialog.certs.index(i, 2).data() == "Test Issuing CA"
    assert dialog.certs.index(i, 5).data() == P.OFFICER_TOKEN


def test_sign_two_pdfs_through_the_dialog(qtbot, dialog, pdfs, trust, cache, pdfsig, tmp_path):
    from desk_app.signing.validate import validate_pdf
    from desk_app.ui.qt import Qt

    files = pdfs(2)
    before = [f.read_bytes() for f in files]
    dialog.docs.set_files(files)
    _choose(dialog, "Nguyễn Văn Bình")
    dialog._update_buttons()
    assert dialog.sign_button.isEnabled()
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as done:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
        type_pin(qtbot, dialog.handler)
    report = done.args[0]
    assert report is not None and report.complete and len(report.signed) == 2
    assert [f.read_bytes() for f in files] == before                 # inputs untouched
    out = sorted((tmp_path / "signed").iterdir())
    assert [p.name for p in out] == [f.name for f in files]
    for p in out:
        assert validate_pdf(p, trust, cache).ok
        text = pdfsig(p)
        assert "Signature is Valid" in text and "ETSI.CAdES.detached" in text
    assert [r.state for r in dialog.docs.rows] == ["signed", "signed"]
    assert "Đã ký" in dialog.docs.index(0, 1).data()
    assert dialog.report_text.toPlainText().startswith("Đã ký: 2 · lỗi: 0 · chưa ký: 0")
    assert dialog.sign_button.isEnabled() and not dialog.stop_button.isEnabled()


def test_cancel_between_documents(qtbot, dialog, pdfs, tmp_path):
    files = pdfs(8)
    dialog.docs.set_files(files)
    _choose(dialog, "Nguyễn Văn Bình")
    stopped: list = []

    def on_progress(p):           # the first document is under way: the officer presses Stop
        if p.step == "sign.batch" and p.done >= 1 and not stopped:
            stopped.append(p.done)
            assert dialog.stop_button.isEnabled()
            dialog.stop_button.click()
    dialog.jobs.progressed.connect(on_progress)
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as done:
        dialog.start()
        type_pin(qtbot, dialog.handler)
    report = done.args[0]
    assert report.stopped == "cancelled"
    assert 1 <= len(report.signed) < len(files) and report.not_done
    written = sorted(p.name for p in (tmp_path / "signed").iterdir())
    assert written == sorted(s.output.name for s in report.signed)    # nothing half-written
    assert all(not (tmp_path / "signed" / f.name).exists() for f in report.not_done)
    states = [r.state for r in dialog.docs.rows]
    assert states.count("signed") == len(report.signed) and states.count("not_done") == len(report.not_done)
    assert "dừng" in dialog.report_text.toPlainText().lower()


def test_wrong_pin_says_so_and_writes_nothing(qtbot, dialog, pdfs, tmp_path):
    files = pdfs(2)
    dialog.docs.set_files(files)
    _choose(dialog, "Nguyễn Văn Bình")
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as done:
        dialog.start()
        type_pin(qtbot, dialog.handler, "999999")
    assert done.args[0] is None and getattr(dialog.error, "code", "") == "pin_wrong"
    text = dialog.status.text()
    assert "Mã PIN" in text and "không đúng" in text
    # SoftHSM does not report the tries left: the dialog says so instead of a number
    assert "lần thử" in text and "Chưa ký tài liệu nào" in text
    assert not (tmp_path / "signed").exists() or not any((tmp_path / "signed").iterdir())
    assert [r.state for r in dialog.docs.rows] == ["waiting", "waiting"]


def test_wrong_pin_with_tries_left_reported(qtbot, dialog):
    """A token that reports its counter: the number is in the message (core's pin_wrong)."""
    from desk_app.signing import errors as E

    dialog._failed(E.pin_wrong("“DESK-OFFICER”", 2))
    assert "Còn 2 lần thử" in dialog.status.text()
    assert "không cho biết" not in dialog.status.text()


def test_token_pulled_out_stops_cleanly(qtbot, monkeypatch, dialog, pdfs, tmp_path, trust, cache):
    from desk_app.signing import batch as B
    from desk_app.signing.token import on_token
    from desk_app.signing.validate import validate_pdf

    files = pdfs(6)
    dialog.docs.set_files(files)
    _choose(dialog, "Nguyễn Văn Bình")
    opened = []
    real_open = B.open_session

    def spy(cfg, handler):
        s = real_open(cfg, handler)
        opened.append(s)
        return s
    monkeypatch.setattr(B, "open_session", spy)

    pulled: list = []

    def on_progress(p):           # the token is pulled out while the batch runs
        if p.step == "sign.batch" and p.done >= 1 and opened and not pulled:
            pulled.append(p.done)
            on_token(opened[0]._break)
    dialog.jobs.progressed.connect(on_progress)
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as done:
        dialog.start()
        type_pin(qtbot, dialog.handler)
    report = done.args[0]
    assert report.stopped == "token_removed" and report.not_done
    assert "rút ra" in dialog.status.text() and "rút ra" in dialog.report_text.toPlainText()
    assert dialog.status.styleSheet().startswith("color: #b3261e")
    for s in report.signed:
        assert validate_pdf(s.output, trust, cache).ok
    assert all(not (tmp_path / "signed" / f.name).exists() for f in report.not_done)
    assert dialog.sign_button.isEnabled()


def test_results_awaiting_signature_and_failures_with_reasons(qtbot, dialog, ctx):
    """“Kết quả chờ ký”: the unsigned current results of the dossiers ready to return; the demo's
    result files are not real PDFs, so each fails with its reason and nothing else happens."""
    with qtbot.waitSignal(dialog.pending_loaded, timeout=30_000) as loaded:
        dialog.pending_button.click()
    n = loaded.args[0]
    ready = {r.code for r in __import__("desk_app.services.reports.queues", fromlist=["rows"])
             .rows(ctx, "to_return", limit=500)}
    assert n > 0 and dialog.docs.dossier_mode and len(dialog.docs.rows) == n
    assert all(r.version.dossier_code in ready and r.version.kind == "result" for r in dialog.docs.rows)
    assert not dialog.out_edit.isVisible() and dialog.dossier_note.isVisible()
    dialog.docs.set_versions([r.version for r in dialog.docs.rows[:3]])
    k = len(dialog.docs.rows)
    _choose(dialog, "Nguyễn Văn Bình")
    with qtbot.waitSignal(dialog.batch_finished, timeout=60_000) as done:
        dialog.start()
        type_pin(qtbot, dialog.handler)
    report = done.args[0]
    assert not report.signed and len(report.failed) == k
    assert [r.state for r in dialog.docs.rows] == ["failed"] * k
    assert all("hỏng" in r.note for r in dialog.docs.rows)            # the reason, in words
    assert f"lỗi: {k}" in dialog.report_text.toPlainText() and "✘" in dialog.report_text.toPlainText()
    assert dialog.status.styleSheet().startswith("color: #b3261e")


def test_pinpad_token_gets_no_pin_field(qtbot, dialog):
    """A PIN-pad reader: the dialog says to type the PIN on the device, and the handler's prompt
    has no PIN field (the core logs in through the protected authentication path)."""
    from dataclasses import replace

    from desk_app.devices import PinRequest
    from desk_app.ui.qt import QLineEdit

    pad = replace(dialog.certs.rows[0], pinpad=True)
    dialog.certs.set_rows([pad])
    dialog.cert_view.selectRow(0)
    assert "bàn phím PIN" in dialog.cert_note.text()
    assert "có bàn phím PIN" in dialog.certs.index(0, 5).data()
    box = dialog.handler.make_pin_dialog(PinRequest(device=pad.device, label_vi="Nhập mã PIN",
                                                    label_en="Enter the PIN", pinpad=True))
    assert box.findChild(QLineEdit) is None and "bàn phím" in box.text()
    box.deleteLater()
