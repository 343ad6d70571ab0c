"""The certified-copy dialog and the book view on the real tokens: statement preview, fee with its
cap, officer + commune signatures (two PINs typed into the real dialog), the entry in the book,
the month's register printed."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.signing import pki as P
from tests.ui.signing_helpers import (  # noqa: F401 — fixtures
    signing_qm_dir, signing_vi,
    cache, hsm, officer, pki, signing_desk, trust, type_pin,
)


@pytest.fixture
def certify(qtbot, ctx, jobs, officer, hsm, tmp_path):
    from desk_app.ui import i18n
    from desk_app.ui.certify_dialog import CertifyDialog

    i18n.install("vi")
    (tmp_path / "scan").mkdir()
    scan = P.make_form_pdf(tmp_path / "scan" / "giay-khai-sinh.pdf", pages=3, title="GIẤY KHAI SINH")
    dlg = CertifyDialog(ctx, officer, jobs, lib=hsm.lib, out_dir=tmp_path / "copies", scan=scan,
                        applicant="Trần Thị Mai", document="Giấy khai sinh bản chính số 45")
    qtbot.addWidget(dlg)
    dlg.handler.show_notice_boxes = False
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.officer_certs.rowCount() > 0, timeout=20_000)
    yield dlg
    dlg.handler.cancel_all()
    if dlg.handle is not None:
        dlg.handle.wait(30)


def test_preview_fee_and_certificates(certify):
    assert certify.pages == 3
    assert certify.fee_label.text() == "5.000 đ"                   # 2 × 2.000 + 1 × 1.000
    assert "200.000 đ" in certify.fee_rule.text()                  # the cap is shown
    assert certify.selected_officer().common_name == "Nguyễn Văn Bình"
    assert certify.org_combo.currentData().common_name == "UBND xã An Bình"
    text = certify.preview.toPlainText()
    assert "Chứng thực bản sao đúng với bản chính" in text
    assert "Số chứng thực: 1, quyển số 01/" in text and "-SCT/BS" in text
    assert "Người thực hiện chứng thực: Nguyễn Văn Bình" in text and "Bản sao gồm 3 trang" in text
    assert certify.sign_button.isEnabled()


def test_certify_with_officer_and_commune_then_book(qtbot, qtmodeltester, certify, ctx, jobs,
                                                    officer, trust, cache, tmp_path):
    from desk_app.signing.validate import validate_pdf
    from desk_app.ui.certbook_view import CertBookView

    with qtbot.waitSignal(certify.certified, timeout=90_000) as done:
        certify.sign_button.click()
        type_pin(qtbot, certify.handler)              # the officer's token
        qtbot.waitUntil(lambda: certify.handler.current_dialog is None, timeout=20_000)
        type_pin(qtbot, certify.handler)              # the văn thư's token (the commune)
    result = done.args[0]
    assert isinstance(result, dict), certify.status.text()
    assert result["copy"].entry.number == 1 and not result["org_problem"]
    final = result["final"]
    assert result["org_signed"] and final is not None
    rep = validate_pdf(final, trust, cache)
    assert rep.ok and [s.signer for s in rep.signatures] == ["Nguyễn Văn Bình", "UBND xã An Bình"]
    assert "Số chứng thực: 1" in certify.status.text()
    assert "Số chứng thực: 1" in certify.preview.toPlainText()

    book = CertBookView(ctx, officer, jobs)
    qtbot.addWidget(book)
    with qtbot.waitSignal(book.loaded, timeout=20_000):
        pass
    qtmodeltester.check(book.model)
    assert book.model.rowCount() == 1
    assert [book.model.index(0, c).data() for c in (0, 2, 3, 4, 6, 7)] == [
        "1", "Trần Thị Mai", "Giấy khai sinh bản chính số 45", "3", "5.000 đ", "Nguyễn Văn Bình"]
    assert "01/" in book.title.text() and "SCT/BS" in book.title.text()
    assert book.print_button.isEnabled()
    with qtbot.waitSignal(book.printed, timeout=30_000) as printed:
        book.print_button.click()
    pdf = tmp_path / "so.pdf"
    pdf.write_bytes(printed.args[0])
    assert book.preview_dialog is not None and book.preview_dialog.isVisible()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Trần Thị Mai" in text and "Nguyễn Văn Bình" in text
    book.preview_dialog.close()
    # the next copy would get number 2
    with qtbot.waitSignal(certify.book_loaded, timeout=20_000):
        certify.load_book()
    assert "Số chứng thực: 2," in certify.preview.toPlainText()


def test_wrong_pin_uses_no_number(qtbot, certify):
    with qtbot.waitSignal(certify.certified, timeout=60_000) as done:
        certify.sign_button.click()
        type_pin(qtbot, certify.handler, "000000")
    assert getattr(done.args[0], "code", "") == "pin_wrong"
    assert "không đúng" in certify.status.text()
    assert "Số chứng thực: 1," in certify.preview.toPlainText()     # the number was not used
