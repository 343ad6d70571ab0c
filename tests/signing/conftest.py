"""Session-wide signing fixtures: a test PKI served on 127.0.0.1 (certomancer: TSA, OCSP, CRLs)
and SoftHSM2 tokens holding its keys, loaded through the product's own token code.

Tokens (user PIN ``pki.USER_PIN``):
  DESK-OFFICER  officer (id 01), expired (id 02), revoked (id 03)   — the leader's token
  DESK-ORG      org (id 11)                                         — the commune's token (văn thư)
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.signing import pki as P

if not P.softhsm_available():  # pragma: no cover  (installer/setup.sh installs softhsm2)
    raise RuntimeError("SoftHSM2 is not installed: run installer/setup.sh (apt softhsm2)")


class FixedPin:
    """A DeviceHandler giving one PIN and recording what it was asked (never the PIN)."""

    def __init__(self, pin: str | None = P.USER_PIN) -> None:
        self._pin = pin
        self.requests: list = []
        self.notes: list = []

    def ask_pin(self, req):
        self.requests.append(req)
        return self._pin

    def confirm(self, vi, en):
        return True

    def notify(self, vi, en, level="info"):
        self.notes.append((level, en))


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    yield P.shared_pki(lambda: tmp_path_factory.mktemp("pki"))
    P.close_shared()


@pytest.fixture(scope="session")
def hsm(tmp_path_factory, pki):
    return P.shared_hsm(lambda: tmp_path_factory.mktemp("softhsm"), pki)


@pytest.fixture(scope="session")
def trust(pki):
    from desk_app.signing.trust import TrustStore

    return TrustStore([pki.trust_dir])


@pytest.fixture(scope="session")
def cache(pki):
    from desk_app.signing.trust import RevocationCache

    return RevocationCache.load(pki.revocation_dir)


@pytest.fixture()
def officer_cfg(hsm):
    from desk_app.signing.token import TokenConfig

    return TokenConfig(hsm.lib, token_label=P.OFFICER_TOKEN, cert_subject="Nguyễn Văn Bình")


@pytest.fixture()
def org_cfg(hsm):
    from desk_app.signing.token import TokenConfig

    return TokenConfig(hsm.lib, token_label=P.ORG_TOKEN)


@pytest.fixture()
def session_for(hsm):
    """open_session(cfg) → a logged-in TokenSession, closed after the test."""
    from desk_app.signing.token import on_token, open_session

    opened = []

    def _open(cfg, handler=None):
        s = on_token(open_session, cfg, handler or FixedPin())
        opened.append(s)
        return s

    yield _open
    for s in opened:
        on_token(s.close)


@pytest.fixture(scope="session")
def images(tmp_path_factory):
    d = tmp_path_factory.mktemp("images")
    return {"signature": P.make_signature_png(d / "chu-ky.png"),
            "seal": P.make_seal_png(d / "con-dau.png")}


@pytest.fixture()
def make_pdf(tmp_path):
    (tmp_path / "in").mkdir(exist_ok=True)

    def _make(name: str = "giay.pdf", pages: int = 1) -> Path:
        return P.make_form_pdf(tmp_path / "in" / name, pages=pages)

    return _make


@pytest.fixture(scope="session")
def nss_dir(tmp_path_factory, pki):
    if shutil.which("certutil") is None or shutil.which("pdfsig") is None:
        pytest.fail("pdfsig / certutil missing: run installer/setup.sh (poppler-utils, libnss3-tools)")
    return P.pdfsig_nss_dir(tmp_path_factory.mktemp("nss"), pki)


@pytest.fixture(scope="session")
def pdfsig(nss_dir):
    """pdfsig's report of a file, verified against a private NSS store that trusts the test root
    (OCSP on: the test responder is up; poppler 22.12 only says "Trusted" when the whole NSS
    check leaves no stale error, which an unreachable OCSP responder would)."""

    def _run(path: Path) -> str:
        r = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss_dir}", str(path)],
                           capture_output=True, text=True, timeout=60)
        return r.stdout + r.stderr

    return _run
