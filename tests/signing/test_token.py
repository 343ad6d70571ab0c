"""Token access on a real PKCS#11 module (SoftHSM2): listing, login, the person's errors."""
from __future__ import annotations

import struct
import sys

import pytest

from desk_app.devices import WrongThread
from desk_app.signing import errors as E
from desk_app.signing import middleware
from desk_app.signing.token import (TokenConfig, list_tokens, load_module, on_token,
                                    open_session, pin_state)
from tests.signing import pki as P
from tests.signing.conftest import FixedPin


def test_lists_tokens_and_certificates(hsm):
    tokens = {t.label: t for t in on_token(list_tokens, hsm.lib)}
    assert set(tokens) == {P.OFFICER_TOKEN, P.ORG_TOKEN}
    certs = {c.common_name: c for c in tokens[P.OFFICER_TOKEN].certificates}
    officer = certs["Nguyễn Văn Bình"]
    assert officer.organisation == "UBND xã An Bình"
    assert "Test Issuing CA" in officer.issuer
    assert officer.key_usage == ("digital_signature", "non_repudiation")
    assert officer.id_hex == "01" and not officer.is_ca
    assert certs["Test Issuing CA"].is_ca
    assert tokens[P.OFFICER_TOKEN].pinpad is False
    assert tokens[P.OFFICER_TOKEN].pin_state in ("ok", "count_low")   # after a wrong PIN: low


def test_token_calls_must_run_on_the_token_thread(hsm, officer_cfg):
    with pytest.raises(WrongThread):
        list_tokens(hsm.lib)
    with pytest.raises(WrongThread):
        open_session(officer_cfg, FixedPin())


def test_login_picks_the_key_by_its_certificate(session_for, officer_cfg):
    handler = FixedPin()
    s = session_for(officer_cfg, handler)
    assert s.cert.common_name == "Nguyễn Văn Bình"
    assert [c.subject.native["common_name"] for c in s.chain] == ["Test Issuing CA"]
    (req,) = handler.requests
    assert req.pinpad is False and req.tries_left is None and P.OFFICER_TOKEN in req.device
    assert P.USER_PIN not in repr(s) and P.USER_PIN not in repr(req)


def test_wrong_pin_is_refused_with_a_clear_message(hsm, officer_cfg):
    with pytest.raises(E.SigningError) as ei:
        on_token(open_session, officer_cfg, FixedPin("000000"))
    assert ei.value.code == "pin_wrong"
    assert "Mã PIN" in ei.value.vi and "Wrong PIN" in ei.value.en
    assert "000000" not in ei.value.vi + ei.value.en + repr(ei.value.details)
    # SoftHSM reports CKF_USER_PIN_COUNT_LOW after a wrong PIN: the next request warns the person
    state = {t.label: t.pin_state for t in on_token(list_tokens, hsm.lib, with_certs=False)}
    assert state[P.OFFICER_TOKEN] == "count_low"
    handler = FixedPin(None)
    with pytest.raises(E.SigningError):
        on_token(open_session, officer_cfg, handler)
    assert "cẩn thận" in handler.requests[0].label_vi


def test_cancelled_pin_entry(hsm, officer_cfg):
    with pytest.raises(E.SigningError) as ei:
        on_token(open_session, officer_cfg, FixedPin(None))
    assert ei.value.code == "pin_cancelled"


def test_expired_certificate_is_refused_before_the_pin(hsm):
    handler = FixedPin()
    cfg = TokenConfig(hsm.lib, token_label=P.OFFICER_TOKEN, cert_subject="Lê Văn Cũ")
    with pytest.raises(E.SigningError) as ei:
        on_token(open_session, cfg, handler)
    assert ei.value.code == "cert_expired" and "hết hạn" in ei.value.vi
    assert handler.requests == []


def test_absent_token_and_unknown_certificate(hsm):
    with pytest.raises(E.SigningError) as ei:
        on_token(open_session, TokenConfig(hsm.lib, token_label="KHÔNG-CÓ"), FixedPin())
    assert ei.value.code == "token_absent" and "cắm token" in ei.value.vi
    with pytest.raises(E.SigningError) as ei:
        on_token(open_session, TokenConfig(hsm.lib, cert_subject="Không Ai"), FixedPin())
    assert ei.value.code == "cert_not_found"


def test_pin_flags_give_the_tries_left():
    from pkcs11.constants import TokenFlag

    assert pin_state(0) == ("ok", None)
    assert pin_state(TokenFlag.USER_PIN_COUNT_LOW) == ("count_low", None)
    assert pin_state(TokenFlag.USER_PIN_COUNT_LOW | TokenFlag.USER_PIN_FINAL_TRY) == ("final_try", 1)
    assert pin_state(TokenFlag.USER_PIN_LOCKED) == ("locked", 0)
    assert "Chỉ còn 1 lần thử" in E.pin_wrong("t", 1).vi
    assert "2 tries left" in E.pin_wrong("t", 2).en
    assert E.pin_locked("t").code == "pin_locked"


def test_locked_token_refused_before_asking(monkeypatch, hsm, officer_cfg):
    from desk_app.signing import token as T

    monkeypatch.setattr(T, "pin_state", lambda flags: ("locked", 0))
    handler = FixedPin()
    with pytest.raises(E.SigningError) as ei:
        on_token(open_session, officer_cfg, handler)
    assert ei.value.code == "pin_locked" and handler.requests == []


def test_final_try_is_shown_to_the_person(monkeypatch, hsm, officer_cfg):
    from desk_app.signing import token as T

    monkeypatch.setattr(T, "pin_state", lambda flags: ("final_try", 1))
    handler = FixedPin("000000")
    with pytest.raises(E.SigningError) as ei:
        on_token(open_session, officer_cfg, handler)
    assert handler.requests[0].tries_left == 1
    assert ei.value.details["tries_left"] == 1 and "1 lần thử" in ei.value.vi


def test_module_of_the_wrong_bitness(tmp_path):
    # a 32-bit ELF shared object header: dlopen says "wrong ELF class: ELFCLASS32"
    if not sys.platform.startswith("linux"):
        pytest.skip("ELF only")
    fake = tmp_path / "vnptca_p11_v8.so"
    header = b"\x7fELF" + bytes([1, 1, 1, 0]) + b"\0" * 8 + struct.pack(
        "<HHIIIIIHHHHHH", 3, 3, 1, 0, 0, 0, 0, 52, 32, 0, 40, 0, 0)
    fake.write_bytes(header + b"\0" * 4096)
    with pytest.raises(E.SigningError) as ei:
        on_token(load_module, str(fake))
    assert ei.value.code == "token_module_bitness"
    assert "32 bit" in ei.value.vi and "64" in ei.value.vi and "ELFCLASS32" in ei.value.en
    with pytest.raises(E.SigningError) as ei:
        on_token(load_module, str(tmp_path / "missing.so"))
    assert ei.value.code == "token_module_load"


def test_windows_bitness_message_and_middleware_list():
    err = E.module_load_failed(r"C:\Windows\SysWOW64\vnptca_p11_v8.dll",
                               "[WinError 193] %1 is not a valid Win32 application", bits=64)
    assert err.code == "token_module_bitness" and "SysWOW64" in err.vi
    win = middleware.candidates("win32")
    names = {p.rsplit("\\", 1)[-1] for _, p, _ in win}
    for expected in ("vnptca_p11_v*.dll", "viettel-ca_v*.dll", "BkavCA*.dll", "fptca_v*.dll",
                     "misaca_csp11_v2.dll", "CA2_csp11.dll", "bit4xpki.dll", "eTPKCS11.dll"):
        assert expected in names
    assert {bits for _, _, bits in win} == {32, 64}
    linux = [p for _, p, _ in middleware.candidates("linux")]
    assert "/usr/lib/fptca_v4.so" in linux


def test_detect_finds_installed_modules(monkeypatch, tmp_path):
    monkeypatch.setattr(middleware, "KNOWN_MODULES", (
        middleware.ModuleSpec("Test", linux=(str(tmp_path / "libtest_p11*.so"),)),))
    (tmp_path / "libtest_p11_v2.so").write_bytes(b"x")
    found = middleware.detect("linux")
    assert [c.path for c in found] == [str(tmp_path / "libtest_p11_v2.so")]


def test_pin_is_never_logged(caplog, session_for, officer_cfg, trust, cache, make_pdf, tmp_path):
    import logging

    from desk_app.signing.pades import SignOptions, sign_pdf

    caplog.set_level(logging.DEBUG)
    s = session_for(officer_cfg, FixedPin("123456"))
    on_token(sign_pdf, make_pdf(), tmp_path / "o" / "a.pdf", s, SignOptions(trust, cache))
    assert caplog.records and "123456" not in caplog.text


def test_pinpad_reader_gets_no_pin(monkeypatch, hsm, officer_cfg):
    """A PIN-pad token: the handler is asked with pinpad=True and C_Login gets the protected
    authentication path, not a PIN (SoftHSM has no PIN pad, so its module refuses the path)."""
    import dataclasses

    import pkcs11.exceptions as X

    from desk_app.signing import token as T

    real = T._token_info
    monkeypatch.setattr(T, "_token_info",
                        lambda slot, tok, certs=(): dataclasses.replace(real(slot, tok, certs),
                                                                        pinpad=True))
    handler = FixedPin("")
    with pytest.raises(X.ArgumentsBad, match="Protected authentication"):
        on_token(open_session, officer_cfg, handler)
    assert handler.requests[0].pinpad is True
