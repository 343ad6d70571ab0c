"""Shared fixtures of the signing GUI tests: the real SoftHSM2 tokens and test PKI of
tests/signing (imported, so pytest registers them here too) and a demo desk that trusts the
test root and holds its revocation cache, as a desk does after a sync."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.signing import pki as P

# One test PKI and one SoftHSM2 per process, shared with tests/signing (tests/signing/pki.py
# says why).


@pytest.fixture(scope="session")
def pki(request, tmp_path_factory):
    request.session.config.add_cleanup(P.close_shared)
    return P.shared_pki(lambda: tmp_path_factory.mktemp("pki-ui"))


@pytest.fixture(scope="session")
def hsm(tmp_path_factory, pki):
    return P.shared_hsm(lambda: tmp_path_factory.mktemp("softhsm-ui"), pki)


@pytest.fixture(scope="session")
def trust(pki):
    from desk_app.signing.trust import TrustStore

    return TrustStore([pki.trust_dir])


@pytest.fixture(scope="session")
def cache(pki):
    from desk_app.signing.trust import RevocationCache

    return RevocationCache.load(pki.revocation_dir)


@pytest.fixture(scope="session")
def nss_dir(tmp_path_factory, pki):
    import shutil as _sh

    if _sh.which("certutil") is None or _sh.which("pdfsig") is None:
        pytest.fail("pdfsig / certutil missing: run installer/setup.sh (poppler-utils, libnss3-tools)")
    return P.pdfsig_nss_dir(tmp_path_factory.mktemp("nss-ui"), pki)


@pytest.fixture(scope="session")
def pdfsig(nss_dir):
    import subprocess

    def _run(path: Path) -> str:
        r = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss_dir}", str(path)],
                           capture_output=True, text=True, timeout=60)
        return r.stdout + r.stderr
    return _run


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


TSV = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "new_vi_g2.tsv"
SIGNING_MODULES = ("signing_dialog.py", "validation_view.py", "certify_dialog.py", "certbook_view.py",
                   "signing_menu.py")
_kept: list = []


def tsv_pairs() -> dict[tuple[str, str], str]:
    out = {}
    for line in TSV.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            out[(parts[0], parts[1].replace("\\n", "\n"))] = parts[2].replace("\\n", "\n")
    return out


def install_signing_translations(folder: Path) -> None:
    """The signing screens' strings are in the shipped desk_vi.qm (``i18n.install("vi")``); a
    new_vi_g2.tsv still waiting to be merged (while someone adds strings) is compiled into a .qm
    of its own (pyside6-lrelease) and installed on top."""
    if not TSV.is_file():
        return
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    from desk_app.ui.qt import QCoreApplication, QTranslator

    root = ET.Element("TS", version="2.1", language="vi_VN")
    contexts: dict[str, ET.Element] = {}
    for (ctx, src), vi in tsv_pairs().items():
        c = contexts.get(ctx)
        if c is None:
            c = contexts[ctx] = ET.SubElement(root, "context")
            ET.SubElement(c, "name").text = ctx
        m = ET.SubElement(c, "message")
        ET.SubElement(m, "source").text = src
        ET.SubElement(m, "translation").text = vi
    folder.mkdir(parents=True, exist_ok=True)
    ts, qm = folder / "signing_vi.ts", folder / "signing_vi.qm"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                  + ET.tostring(root, encoding="unicode"), encoding="utf-8")
    subprocess.run([str(Path(sys.executable).with_name("pyside6-lrelease")), "-silent", str(ts),
                    "-qm", str(qm)], check=True)
    for tr in _kept:
        QCoreApplication.removeTranslator(tr)
    _kept.clear()
    tr = QTranslator()
    assert tr.load(str(qm)), qm
    QCoreApplication.installTranslator(tr)
    _kept.append(tr)


@pytest.fixture(scope="session")
def signing_qm_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("signing-qm")


@pytest.fixture(autouse=True)
def signing_vi(qapp, signing_qm_dir):
    """Vietnamese, with the signing screens' own strings (see install_signing_translations)."""
    from desk_app.ui import i18n
    from desk_app.ui.qt import QCoreApplication

    i18n.install("vi")
    install_signing_translations(signing_qm_dir)
    yield
    for tr in _kept:
        QCoreApplication.removeTranslator(tr)
    _kept.clear()
