"""PAdES signing on the SoftHSM2 token, checked by our validator and by poppler's pdfsig."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desk_app.signing import errors as E
from desk_app.signing.pades import (Appearance, Box, SignOptions, load_pdf, org_box_for,
                                    sign_pdf, upgrade)
from desk_app.signing.token import on_token
from desk_app.signing.validate import exit_code, validate_pdf
from tests.signing import pki as P

ROOT = Path(__file__).resolve().parents[2]


def _sign(session, src, out, opts):
    return on_token(sign_pdf, src, out, session, opts)


def _assert_pdfsig_ok(text: str, count: int = 1) -> None:
    assert text.count("Signature is Valid.") == count, text
    assert text.count("Certificate is Trusted.") == count, text
    assert text.count("ETSI.CAdES.detached") == count, text


def test_invisible_b_b_offline_verifies_with_pdfsig(session_for, officer_cfg, trust, cache,
                                                    make_pdf, tmp_path, pdfsig):
    src = make_pdf()
    before = src.read_bytes()
    s = session_for(officer_cfg)
    r = _sign(s, src, tmp_path / "out" / src.name, SignOptions(trust, cache))
    assert r.level == "B-B" and r.presign.revocation == "good" and r.presign.source == "cache"
    assert "dữ liệu thu hồi" in r.presign.vi
    assert src.read_bytes() == before                       # the input is never modified
    assert not list((tmp_path / "out").glob(".*tmp"))       # no temp file left behind
    _assert_pdfsig_ok(pdfsig(r.output))
    rep = validate_pdf(r.output, trust, cache)
    (sig,) = rep.signatures
    assert sig.ok and sig.level == "B-B" and sig.signer == "Nguyễn Văn Bình"
    assert sig.coverage == "ENTIRE_FILE" and sig.subfilter == "ETSI.CAdES.detached"
    assert exit_code(rep) == 0


def test_b_t_and_b_lt_online(session_for, officer_cfg, trust, cache, make_pdf, tmp_path, pki,
                             pdfsig):
    s = session_for(officer_cfg)
    src = make_pdf()
    bt = _sign(s, src, tmp_path / "bt" / src.name, SignOptions(trust, cache, tsa_url=pki.tsa_url))
    blt = _sign(s, src, tmp_path / "blt" / src.name,
                SignOptions(trust, cache, tsa_url=pki.tsa_url, online=True))
    assert (bt.level, blt.level) == ("B-T", "B-LT")
    for r in (bt, blt):
        _assert_pdfsig_ok(pdfsig(r.output))
    v_bt = validate_pdf(bt.output, trust).signatures[0]
    assert v_bt.level == "B-T" and v_bt.timestamp_time is not None and v_bt.timestamp_trusted
    v_blt = validate_pdf(blt.output, trust).signatures[0]      # no cache: embedded data only
    assert v_blt.level == "B-LT" and v_blt.revocation == "good" and v_blt.ok


def test_unreachable_tsa_falls_back_to_b_b(session_for, officer_cfg, trust, cache, make_pdf,
                                           tmp_path):
    s = session_for(officer_cfg)
    src = make_pdf()
    r = _sign(s, src, tmp_path / "o" / src.name,
              SignOptions(trust, cache, tsa_url="http://127.0.0.1:9/tsa", online=True))
    assert r.level == "B-B" and r.needs_upgrade


def test_offline_sign_then_upgrade_reaches_b_lt(session_for, officer_cfg, trust, cache, make_pdf,
                                                tmp_path, pki, pdfsig):
    s = session_for(officer_cfg)
    src = make_pdf()
    signed = _sign(s, src, tmp_path / "offline" / src.name, SignOptions(trust, cache))
    assert validate_pdf(signed.output, trust).signatures[0].level == "B-B"
    original = signed.output.read_bytes()
    up = upgrade(signed.output, tmp_path / "up" / src.name, tsa_url=pki.tsa_url, trust=trust)
    data = up.output.read_bytes()
    assert data.startswith(original)                       # incremental: the signature untouched
    rep = validate_pdf(up.output, trust)                    # offline: embedded data only
    sig, ts = rep.signatures
    assert sig.kind == "signature" and ts.kind == "timestamp"
    assert sig.level in ("B-LT", "B-LTA") and sig.revocation == "good"
    assert sig.modified_after == "LTA_UPDATES" and sig.intact and sig.ok
    assert ts.intact and ts.trusted
    assert exit_code(rep) == 0
    out = pdfsig(up.output)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out


def test_upgrade_offline_says_so(session_for, officer_cfg, trust, cache, make_pdf, tmp_path):
    s = session_for(officer_cfg)
    src = make_pdf()
    signed = _sign(s, src, tmp_path / "o" / src.name, SignOptions(trust, cache))
    with pytest.raises(E.SigningError) as ei:
        upgrade(signed.output, tmp_path / "u" / src.name, tsa_url="http://127.0.0.1:9/tsa",
                trust=trust)
    assert ei.value.code in ("upgrade_offline", "upgrade_failed")
    assert not (tmp_path / "u" / src.name).exists()


def test_revoked_certificate_refused_before_signing(hsm, session_for, trust, cache, make_pdf,
                                                   tmp_path):
    from desk_app.signing.token import TokenConfig

    s = session_for(TokenConfig(hsm.lib, token_label=P.OFFICER_TOKEN, cert_subject="Trần Thị Thu"))
    src = make_pdf()
    for online in (False, True):
        with pytest.raises(E.SigningError) as ei:
            _sign(s, src, tmp_path / "o" / src.name, SignOptions(trust, cache, online=online))
        assert ei.value.code == "cert_revoked" and "thu hồi" in ei.value.vi
    assert not (tmp_path / "o").exists()


def test_untrusted_root_refused(session_for, officer_cfg, cache, make_pdf, tmp_path, pki):
    from desk_app.signing.trust import TrustStore

    other = tmp_path / "trust"
    other.mkdir()
    shutil.copy(pki.cert_path("tsa"), other / "not-a-root.pem")
    s = session_for(officer_cfg)
    with pytest.raises(E.SigningError) as ei:
        _sign(s, make_pdf(), tmp_path / "o" / "x.pdf", SignOptions(TrustStore([other]), cache))
    assert ei.value.code == "cert_untrusted"


def test_one_changed_byte_is_caught(session_for, officer_cfg, trust, cache, make_pdf, tmp_path,
                                    pdfsig):
    s = session_for(officer_cfg)
    r = _sign(s, make_pdf(), tmp_path / "o" / "a.pdf", SignOptions(trust, cache))
    data = bytearray(r.output.read_bytes())
    i = data.index(b"/MediaBox") + 12                   # a digit inside the signed range
    data[i] = ord("7") if data[i] != ord("7") else ord("8")
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(bytes(data))
    rep = validate_pdf(bad, trust, cache)
    assert not rep.signatures[0].intact and not rep.ok and exit_code(rep) == 1
    out = pdfsig(bad)
    assert "Signature is Valid." not in out


def test_incremental_change_after_signing_is_shown(session_for, officer_cfg, trust, cache,
                                                   make_pdf, tmp_path):
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    s = session_for(officer_cfg)
    r = _sign(s, make_pdf(), tmp_path / "o" / "a.pdf", SignOptions(trust, cache))
    w = IncrementalPdfFileWriter(io.BytesIO(r.output.read_bytes()))
    page_ref = w.find_page_for_modification(0)[0]
    page = page_ref.get_object()
    page["/MediaBox"] = generic.ArrayObject([generic.NumberObject(0), generic.NumberObject(0),
                                             generic.NumberObject(300), generic.NumberObject(300)])
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(out.getvalue())
    sig = validate_pdf(altered, trust, cache).signatures[0]
    assert sig.intact                              # the signed bytes are still there …
    assert sig.coverage == "ENTIRE_REVISION"       # … but the file was extended
    assert sig.modified_after == "OTHER" and not sig.ok and "sau khi ký" in sig.problem


def test_second_signature_keeps_the_first(session_for, officer_cfg, org_cfg, trust, cache,
                                          make_pdf, tmp_path, pdfsig, images):
    person_box = Box(*P.PERSON_BOX, page=-1)
    s1 = session_for(officer_cfg)
    first = _sign(s1, make_pdf(), tmp_path / "1" / "a.pdf",
                  SignOptions(trust, cache, appearance=Appearance.person(person_box,
                                                                         images["signature"])))
    s2 = session_for(org_cfg)
    second = _sign(s2, first.output, tmp_path / "2" / "a.pdf",
                   SignOptions(trust, cache, appearance=Appearance.org(org_box_for(person_box),
                                                                       images["seal"])))
    assert second.field_name != first.field_name
    rep = validate_pdf(second.output, trust, cache)
    a, b = rep.signatures
    assert (a.signer, b.signer) == ("Nguyễn Văn Bình", "UBND xã An Bình")
    assert a.ok and b.ok and a.modified_after == "FORM_FILLING" and b.coverage == "ENTIRE_FILE"
    _assert_pdfsig_ok(pdfsig(second.output), count=2)
    _render(second.output, -1, tmp_path, "signature-person-seal", crop=(0.5, 0.52, 0.95, 0.82))


def test_copy_signature_top_right(session_for, org_cfg, trust, cache, make_pdf, tmp_path, pdfsig):
    s = session_for(org_cfg)
    r = _sign(s, make_pdf(pages=2), tmp_path / "o" / "copy.pdf",
              SignOptions(trust, cache, appearance=Appearance.copy()))
    _assert_pdfsig_ok(pdfsig(r.output))
    _, reader = load_pdf(r.output)
    field = reader.root["/AcroForm"]["/Fields"][0]
    rect = [float(x) for x in field["/Rect"]]
    assert rect[0] > 297 and rect[1] > 700                  # top right of page 1
    _render(r.output, 1, tmp_path, "signature-copy", crop=(0.45, 0.0, 1.0, 0.16))


def test_visible_appearance_embeds_the_font(session_for, officer_cfg, trust, cache, make_pdf,
                                            tmp_path, images):
    s = session_for(officer_cfg)
    r = _sign(s, make_pdf(), tmp_path / "o" / "a.pdf",
              SignOptions(trust, cache, appearance=Appearance.person(Box(*P.PERSON_BOX, page=-1),
                                                                     images["signature"])))
    fonts = subprocess.run(["pdffonts", str(r.output)], capture_output=True, text=True).stdout
    noto = [ln for ln in fonts.splitlines() if "NotoSans" in ln]
    assert noto and all(" yes " in ln for ln in noto)       # embedded (subset)


def test_bad_input_is_refused(session_for, officer_cfg, trust, cache, tmp_path, make_pdf):
    import pikepdf

    s = session_for(officer_cfg)
    enc = tmp_path / "enc.pdf"
    with pikepdf.open(make_pdf()) as pdf:
        pdf.save(enc, encryption=pikepdf.Encryption(owner="chu-quan", user=""))
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + os.urandom(300))
    notpdf = tmp_path / "note.pdf"
    notpdf.write_text("xin chào")
    for bad, code in ((enc, "pdf_encrypted"), (corrupt, "pdf_corrupt"), (notpdf, "pdf_not_pdf")):
        with pytest.raises(E.UnusablePdf) as ei:
            _sign(s, bad, tmp_path / "o" / bad.name, SignOptions(trust, cache))
        assert ei.value.code == code and ei.value.exit_code == 2
        with pytest.raises(E.UnusablePdf):
            validate_pdf(bad, trust)
    assert not (tmp_path / "o").exists()
    src = make_pdf()
    with pytest.raises(E.UnusablePdf) as ei:
        _sign(s, src, src, SignOptions(trust, cache))
    assert ei.value.code == "sign_in_place"


def test_unsigned_pdf_exits_1(trust, make_pdf):
    rep = validate_pdf(make_pdf(), trust)
    assert rep.signatures == [] and exit_code(rep) == 1 and "không có chữ ký" in rep.text("vi")


def _render(pdf: Path, page: int, tmp: Path, name: str, crop) -> Path:
    """Render a page with pdftoppm, crop the signature area; also into docs/screenshots when
    DESK_SIGNING_SCREENSHOTS=1."""
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm missing: run installer/setup.sh (poppler-utils)")
    if page < 0:
        _, reader = load_pdf(pdf)
        page = int(reader.root["/Pages"]["/Count"]) + page + 1
    base = tmp / name
    subprocess.run(["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(pdf), str(base)], check=True, timeout=60)
    png = base.with_suffix(".png")
    with Image.open(png) as im:
        w, h = im.size
        cut = im.crop((int(crop[0] * w), int(crop[1] * h), int(crop[2] * w), int(crop[3] * h)))
        colours = cut.convert("RGB").getcolors(1 << 20) or []
        assert len(colours) > 20            # not a blank area: the appearance was drawn
        cut.save(png)
    if os.environ.get("DESK_SIGNING_SCREENSHOTS") == "1":
        shutil.copy(png, ROOT / "docs" / "screenshots" / f"{name}.png")
    return png
