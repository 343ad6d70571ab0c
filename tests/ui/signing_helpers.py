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
