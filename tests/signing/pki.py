"""A test PKI (certomancer) served on 127.0.0.1 and SoftHSM2 tokens holding its keys.

Used by ``tests/signing/conftest.py`` (session-scoped) and ``bench/bench_signing.py``. Nothing here
is product code: the keys are generated per run and thrown away.

Architecture "desk-test": root → issuing CA (interm) → signers:
  officer  the signing officer (a person, "Nguyễn Văn Bình", UBND xã An Bình)
  org      the commune itself (the organisation's certificate, held by the văn thư)
  revoked  a person whose certificate the issuing CA revoked
  expired  a person whose certificate ran out in 2025
plus a TSA (issued by root) and an OCSP responder for interm; CRLs for root and interm.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
USER_PIN = "123456"
SO_PIN = "12345678"
ARCH = "desk-test"
OFFICER_TOKEN = "DESK-OFFICER"
ORG_TOKEN = "DESK-ORG"

KEYS = ("root", "interm", "tsa", "ocsp", "officer", "org", "revoked", "expired")

_SIGNER_EXT = """
        extensions:
          - id: basic_constraints
            critical: true
            value: {ca: false}
          - id: extended_key_usage
            value: [email_protection, client_auth]
          - id: netscape_certificate_type
            value: !!set {email: null}
          - id: certificate_policies
            value: [{policy_identifier: "2.16.704.1.1.1"}]
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature, non_repudiation]}
          - id: authority_information_access
            smart-value: {schema: aia-urls, params: {ocsp-responder-names: [interm]}}
"""

CONFIG = """
keysets:
  desk-test:
    path-prefix: keys
    keys:
{keys}
pki-architectures:
  desk-test:
    keyset: desk-test
    entity-defaults:
      country-name: VN
      organization-name: Test CA Việt Nam
    entities:
      root: {{common-name: Test Root CA}}
      interm: {{common-name: Test Issuing CA}}
      tsa: {{common-name: Test Time-Stamping Authority}}
      ocsp: {{common-name: Test OCSP responder}}
      officer: {{common-name: Nguyễn Văn Bình, organization-name: UBND xã An Bình, locality-name: Huyện Đông Anh}}
      org: {{common-name: UBND xã An Bình, organization-name: UBND xã An Bình, locality-name: Huyện Đông Anh}}
      revoked: {{common-name: Trần Thị Thu, organization-name: UBND xã An Bình}}
      expired: {{common-name: Lê Văn Cũ, organization-name: UBND xã An Bình}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2050-01-01T00:00:00+0000"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
          - id: extended_key_usage
            value: [email_protection, client_auth, ocsp_signing, time_stamping]
      interm:
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2045-01-01T00:00:00+0000"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true, path-len-constraint: 0}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
          - id: extended_key_usage
            value: [email_protection, client_auth, ocsp_signing, time_stamping]
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      ocsp:
        issuer: interm
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2045-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [ocsp_signing]
          - id: ocsp_no_check
      tsa:
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2045-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      officer:
        issuer: interm
        validity: {{valid-from: "2024-01-01T00:00:00+0000", valid-to: "2040-01-01T00:00:00+0000"}}
{signer_ext}
      org:
        template: officer
        subject: org
      revoked:
        template: officer
        subject: revoked
        revocation: {{revoked-since: "2025-06-01T00:00:00+0000", reason: key_compromise}}
      expired:
        template: officer
        subject: expired
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2025-01-01T00:00:00+0000"}}
    services:
      ocsp:
        interm: {{for-issuer: interm, responder-cert: ocsp, signing-key: ocsp}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P90D"}}
        interm: {{for-issuer: interm, signing-key: interm, simulated-update-schedule: "P30D"}}
      cert-repo:
        root: {{for-issuer: root, publish-issued-certs: yes}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_keys(key_dir: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key_dir.mkdir(parents=True, exist_ok=True)
    for name in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (key_dir / f"{name}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))


@dataclass
class TestPKI:
    base: Path
    url: str                       # http://127.0.0.1:PORT
    arch: object                   # certomancer PKIArchitecture
    trust_dir: Path                # root.pem (what the desk trusts)
    revocation_dir: Path           # CRLs as cached at the "last sync"
    _server: object = field(default=None, repr=False)

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def cert(self, label: str):
        return self.arch.get_cert(label)

    def cert_der(self, label: str) -> bytes:
        return self.arch.get_cert(label).dump()

    def key_der(self, label: str) -> bytes:
        """The PKCS#1 RSAPrivateKey DER (what PKCS#11 import wants)."""
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(
            (self.base / "keys" / f"{label}.key.pem").read_bytes(), None)
        return key.private_bytes(serialization.Encoding.DER,
                                 serialization.PrivateFormat.TraditionalOpenSSL,
                                 serialization.NoEncryption())

    def cert_path(self, label: str) -> Path:
        p = self.base / "certs" / f"{label}.pem"
        if not p.exists():
            from asn1crypto import pem

            p.parent.mkdir(exist_ok=True)
            p.write_bytes(pem.armor("CERTIFICATE", self.cert_der(label)))
        return p

    def fetch(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}/{ARCH}/{path}", timeout=10) as r:
            return r.read()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None


def start_pki(base: Path) -> TestPKI:
    """Generate keys, build the architecture with URLs on a free local port, serve it."""
    from asn1crypto import pem
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from werkzeug.serving import make_server

    base.mkdir(parents=True, exist_ok=True)
    _make_keys(base / "keys")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    keys = "\n".join(f"      {k}: {{path: {k}.key.pem}}" for k in KEYS)
    cfg_text = CONFIG.format(keys=keys, signer_ext=_SIGNER_EXT.rstrip())
    cfg = CertomancerConfig.from_yaml(cfg_text, key_search_dir=str(base),
                                      external_url_prefix=url)
    arch = cfg.get_pki_arch(ARCH)
    class WholeSeconds(Animator):
        """NSS (pdfsig) cannot parse fractional seconds in OCSP GeneralizedTime: serve whole
        seconds, as real responders do."""

        def at_time(self, request):
            return super().at_time(request).replace(microsecond=0)

    app = WholeSeconds(AnimatorArchStore(cfg.pki_archs), with_web_ui=False)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="test-pki", daemon=True).start()

    pki = TestPKI(base, url, arch, base / "trust", base / "revocation", server)
    pki.trust_dir.mkdir(exist_ok=True)
    (pki.trust_dir / "test-root.pem").write_bytes(pem.armor("CERTIFICATE", pki.cert_der("root")))
    pki.revocation_dir.mkdir(exist_ok=True)
    # the cache as the last sync left it: CRLs of the CAs, OCSP responses for the desk's signers
    from desk_app.signing.trust import fetch_ocsp

    for repo in ("root", "interm"):
        (pki.revocation_dir / f"{repo}.crl").write_bytes(pki.fetch(f"crls/{repo}/latest.crl"))
    for label in ("officer", "org", "revoked"):
        (pki.revocation_dir / f"{label}.ocsp").write_bytes(
            fetch_ocsp(pki.cert(label), pki.cert("interm")))
    return pki


# --------------------------------------------------------------------------- SoftHSM2

@dataclass
class SoftHSM:
    conf: Path
    token_dir: Path
    lib: str = SOFTHSM_LIB

    def env(self) -> dict[str, str]:
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}


def softhsm_available() -> bool:
    return Path(SOFTHSM_LIB).exists() and shutil.which("softhsm2-util") is not None


def init_softhsm(base: Path) -> SoftHSM:
    """A private SoftHSM2 configuration; sets SOFTHSM2_CONF for this process (the library reads it
    when it is loaded)."""
    token_dir = base / "tokens"
    token_dir.mkdir(parents=True, exist_ok=True)
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {token_dir}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return SoftHSM(conf, token_dir)


def init_token(hsm: SoftHSM, label: str, pin: str = USER_PIN) -> None:
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label,
                    "--so-pin", SO_PIN, "--pin", pin], check=True, env=hsm.env(),
                   capture_output=True)


def import_identity(lib, token_label: str, pki: TestPKI, cert_label: str, key_id: bytes,
                    pin: str = USER_PIN, with_chain: bool = True) -> None:
    """Write the private key and its certificate (same CKA_ID and CKA_LABEL) onto the token,
    plus the issuing CA certificate, as a CA's token-issuing software does. ``lib`` is the module
    the product loaded; call this on the token thread (``on_token``)."""
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    token = lib.get_token(token_label=token_label)
    with token.open(rw=True, user_pin=pin) as s:
        attrs = decode_rsa_private_key(pki.key_der(cert_label))
        attrs.update({Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
                      Attribute.SIGN: True, Attribute.ID: key_id, Attribute.LABEL: cert_label})
        s.create_object(attrs)
        cattrs = decode_x509_certificate(pki.cert_der(cert_label))
        cattrs.update({Attribute.TOKEN: True, Attribute.ID: key_id, Attribute.LABEL: cert_label})
        s.create_object(cattrs)
        if with_chain:
            ca = decode_x509_certificate(pki.cert_der("interm"))
            ca.update({Attribute.TOKEN: True, Attribute.LABEL: "Test Issuing CA",
                       Attribute.ID: b"ca-" + key_id})
            s.create_object(ca)


# --------------------------------------------------------------------------- documents, images

def _font(size: int):
    from PIL import ImageFont

    root = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    return ImageFont.truetype(str(root / "NotoSans-Bold.ttf"), size)


def make_signature_png(path: Path) -> Path:
    """A blue handwritten-looking signature on a transparent background."""
    import math

    from PIL import Image, ImageDraw

    im = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    pts = [(40 + x * 5, 130 + 55 * math.sin(x / 6.0) * math.exp(-x / 120) - x * 0.3)
           for x in range(100)]
    d.line(pts, fill=(20, 40, 170, 255), width=9, joint="curve")
    d.line([(120, 190), (520, 150)], fill=(20, 40, 170, 255), width=6)
    d.arc((330, 40, 470, 200), 200, 520, fill=(20, 40, 170, 255), width=8)
    im.save(path)
    return path


def make_seal_png(path: Path, text: str = "ỦY BAN NHÂN DÂN XÃ AN BÌNH") -> Path:
    """A red round seal on a transparent background."""
    import math

    from PIL import Image, ImageDraw

    size = 480
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    red = (210, 20, 30, 215)
    d.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    d.ellipse((60, 60, size - 60, size - 60), outline=red, width=5)
    f = _font(34)
    n = len(text)
    for i, ch in enumerate(text):
        ang = math.pi * (1.05 + 0.9 * i / max(1, n - 1))
        x = size / 2 + 185 * math.cos(ang)
        y = size / 2 + 185 * math.sin(ang)
        glyph = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((30, 30), ch, font=f, fill=red, anchor="mm")
        im.alpha_composite(glyph.rotate(-math.degrees(ang) - 90, resample=Image.BICUBIC),
                           (int(x - 30), int(y - 30)))
    d.regular_polygon((size / 2, size / 2, 70), 5, fill=red)
    d.text((size / 2, size / 2 + 110), "HÀ NỘI", font=_font(40), fill=red, anchor="mm")
    im.save(path)
    return path


FORM_TITLE_Y = 300      # the "CHỦ TỊCH" line
FORM_NAME_Y = 170       # the name line
PERSON_BOX = (340, 185, 520, 290)   # between them (x1, y1, x2, y2), page -1


def make_form_pdf(path: Path, pages: int = 1, title: str = "GIẤY XÁC NHẬN") -> Path:
    """A commune document with the signature block of Nghị định 30/2020 (title line, space for
    the signature, name line), Vietnamese text in an embedded Noto font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    root = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    if "NotoSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("NotoSerif", str(root / "NotoSerif-Regular.ttf")))
        pdfmetrics.registerFont(TTFont("NotoSerif-Bold", str(root / "NotoSerif-Bold.ttf")))
    c = canvas.Canvas(str(path))
    for p in range(pages):
        c.setFont("NotoSerif-Bold", 12)
        c.drawCentredString(150, 770, "ỦY BAN NHÂN DÂN")
        c.drawCentredString(150, 754, "XÃ AN BÌNH")
        c.drawCentredString(430, 770, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        c.drawCentredString(430, 754, "Độc lập - Tự do - Hạnh phúc")
        c.setFont("NotoSerif-Bold", 15)
        c.drawCentredString(297, 720, title)
        c.setFont("NotoSerif", 12)
        for i, line in enumerate(["Ủy ban nhân dân xã An Bình xác nhận:",
                                  "Ông/bà Trần Văn An, sinh ngày 02/01/1980,",
                                  "thường trú tại thôn Đông, xã An Bình, huyện Đông Anh.",
                                  f"Trang {p + 1}/{pages}."]):
            c.drawString(80, 670 - 22 * i, line)
        if p == pages - 1:
            c.setFont("NotoSerif-Bold", 12)
            c.drawCentredString(430, FORM_TITLE_Y + 16, "TM. ỦY BAN NHÂN DÂN")
            c.drawCentredString(430, FORM_TITLE_Y, "CHỦ TỊCH")
            c.drawCentredString(430, FORM_NAME_Y, "Nguyễn Văn Bình")
        c.showPage()
    c.save()
    return path


def pdfsig_nss_dir(base: Path, pki: TestPKI) -> Path:
    """An NSS database trusting the test root, for ``pdfsig -nssdir sql:DIR``."""
    nss = base / "nss"
    if not (nss / "cert9.db").exists():
        nss.mkdir(parents=True, exist_ok=True)
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True,
                       capture_output=True)
        subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "test-root", "-t", "CT,C,C",
                        "-i", str(pki.cert_path("root"))], check=True, capture_output=True)
    return nss


# --------------------------------------------------------------------------- one set per process
# The PKCS#11 module reads SOFTHSM2_CONF once, when it is loaded: a second SoftHSM2 in the same
# process would be invisible and a second import of the keys would duplicate them on the first
# tokens. tests/signing and tests/ui (signing screens) therefore share one PKI and one SoftHSM2
# per test process, whichever asks first (pytest-xdist workers are processes of their own).
_SHARED: dict[str, object] = {}


def shared_pki(folder_factory):
    """The process's test PKI (``folder_factory()`` gives a fresh folder when one is made)."""
    if "pki" not in _SHARED:
        _SHARED["pki"] = start_pki(folder_factory())
    return _SHARED["pki"]


def shared_hsm(folder_factory, pki):
    """The process's SoftHSM2 with the officer's token (officer, expired, revoked) and the
    commune's (org), keys and certificates from ``pki``."""
    if "hsm" not in _SHARED:
        from desk_app.signing.token import load_module, on_token

        h = init_softhsm(folder_factory())
        init_token(h, OFFICER_TOKEN)
        init_token(h, ORG_TOKEN)
        lib = on_token(load_module, h.lib)      # SoftHSM reads SOFTHSM2_CONF here
        for token, label, key_id in ((OFFICER_TOKEN, "officer", b"\x01"),
                                     (OFFICER_TOKEN, "expired", b"\x02"),
                                     (OFFICER_TOKEN, "revoked", b"\x03"),
                                     (ORG_TOKEN, "org", b"\x11")):
            on_token(import_identity, lib, token, pki, label, key_id,
                     with_chain=label in ("officer", "org"))
        _SHARED["hsm"] = h
    return _SHARED["hsm"]


def close_shared() -> None:
    p = _SHARED.pop("pki", None)
    if p is not None:
        p.close()
