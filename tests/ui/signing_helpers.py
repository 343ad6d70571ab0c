"""Shared fixtures of the signing GUI tests: the real SoftHSM2 tokens and test PKI of
tests/signing (imported, so pytest registers them here too) and a demo desk that trusts the
test root and holds its revocation cache, as a desk does after a sync."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.signing import pki as P
from tests.signing.conftest import cache, hsm, images, make_pdf, nss_dir, pdfsig, pki, trust  # noqa: F401


@pytest.fixture
def signing_desk(desk_dir: Path, pki) -> Path:  # noqa: F811
    """The demo desk's data folder with trust/ and revocation/ from the test PKI."""
    for name, src in (("trust", pki.trust_dir), ("revocation", pki.revocation_dir)):
        shutil.copytree(src, desk_dir / name, dirs_exist_ok=True)
    return desk_dir


@pytest.fixture
def officer(ctx, signing_desk):
    """The demo signing officer (binh), logged in for real."""
    from tests.ui.conftest import gui_session

    return gui_session(ctx, "binh")


@pytest.fixture
def pdfs(tmp_path: Path):
    def _make(n: int, prefix: str = "ket-qua") -> list[Path]:
        d = tmp_path / "to-sign"
        d.mkdir(exist_ok=True)
        return [P.make_form_pdf(d / f"{prefix}-{i + 1}.pdf") for i in range(n)]
    return _make


def type_pin(qtbot, handler, pin: str = P.USER_PIN) -> None:
    """Wait for the handler's real PIN dialog, type the PIN into it and press OK."""
    from desk_app.ui.qt import QLineEdit, Qt

    qtbot.waitUntil(lambda: handler.current_dialog is not None and handler.current_dialog.isVisible(),
                    timeout=20_000)
    dlg = handler.current_dialog
    edit = dlg.findChild(QLineEdit, "pin_edit")
    assert edit is not None and edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def signed_samples(folder: Path, lib: str, data_dir: Path) -> dict[str, Path]:
    """A PDF signed on the officer's token (B-B, invisible) and two broken copies of it: one with a
    byte changed inside the signed range, one extended afterwards by an incremental update that
    changes the page (both must show as NOT valid)."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from desk_app.services.signing.files import sign_files
    from desk_app.signing.token import TokenConfig
    from tests.signing.conftest import FixedPin

    folder.mkdir(parents=True, exist_ok=True)
    src = P.make_form_pdf(folder / "giay-xac-nhan.pdf")
    rep = sign_files([src], folder / "signed", token=TokenConfig(lib, token_label=P.OFFICER_TOKEN,
                                                                   cert_subject="Nguyễn Văn Bình"),
                     handler=FixedPin(), data_dir=data_dir)
    good = rep.signed[0].output
    data = bytearray(good.read_bytes())
    i = data.index(b"/MediaBox") + 12
    data[i] = ord("7") if data[i] != ord("7") else ord("8")
    tampered = folder / "giay-xac-nhan-bi-sua.pdf"
    tampered.write_bytes(bytes(data))
    w = IncrementalPdfFileWriter(io.BytesIO(good.read_bytes()))
    page = w.find_page_for_modification(0)[0].get_object()
    page["/MediaBox"] = generic.ArrayObject([generic.NumberObject(0), generic.NumberObject(0),
                                             generic.NumberObject(300), generic.NumberObject(300)])
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    altered = folder / "giay-xac-nhan-them-sau-khi-ky.pdf"
    altered.write_bytes(out.getvalue())
    return {"unsigned": src, "valid": good, "tampered": tampered, "altered": altered}
