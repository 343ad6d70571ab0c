"""The signing services and their registry declarations."""
from __future__ import annotations

import shutil
from types import SimpleNamespace

from desk_app.domain.models import Role
from desk_app.services.registry import REGISTRY, allowed
from desk_app.services.signing import certify_copy, sign_files, verify_file
from desk_app.signing.validate import exit_code
from tests.signing.conftest import FixedPin


def test_commands_declared_for_the_signing_officer():
    import desk_app.services.signing.commands  # noqa: F401

    for name in ("sign files", "sign upgrade", "sign verify", "certify"):
        assert name in REGISTRY
    assert REGISTRY["sign files"].role == Role.OFFICER and REGISTRY["sign files"].job
    assert allowed(Role.OFFICER, "sign files") and allowed(Role.OFFICER, "certify")
    assert not allowed(Role.CLERK, "sign files") and not allowed(Role.SUPERVISOR, "sign files")
    opts = {p.option for p in REGISTRY["sign files"].params}
    assert {"--pkcs11-lib", "--token-label", "--cert-subject", "--pin-env", "--visible", "--tsa",
            "--out-dir"} <= opts


def test_sign_files_with_the_desk_trust_folder(officer_cfg, pki, make_pdf, tmp_path):
    data = tmp_path / "desk"
    shutil.copytree(pki.trust_dir, data / "trust")
    shutil.copytree(pki.revocation_dir, data / "revocation")
    files = [make_pdf("a.pdf"), make_pdf("b.pdf")]
    rep = sign_files(files, tmp_path / "out", token=officer_cfg, handler=FixedPin(),
                     data_dir=data, tsa=pki.tsa_url)
    assert rep.complete and {s.level for s in rep.signed} == {"B-LT"}
    assert exit_code(verify_file(rep.signed[0].output, data_dir=data)) == 0


def test_sign_command_through_the_registry(officer_cfg, pki, make_pdf, tmp_path, monkeypatch):
    import desk_app.services.signing.commands  # noqa: F401

    monkeypatch.setenv("TEST_TOKEN_PIN", "123456")
    session = SimpleNamespace(ctx=SimpleNamespace(data_dir=None), actor="binh")
    rep = REGISTRY["sign files"].fn(session, pkcs11_lib=officer_cfg.lib, token_label=officer_cfg.token_label,
                              cert_subject="Nguyễn", pin_env="TEST_TOKEN_PIN",
                              out_dir=tmp_path / "out", files=[make_pdf()], visible=True,
                              trust=[pki.trust_dir])
    assert rep.complete and rep.signed[0].level == "B-B"


def test_certified_copy_is_numbered_and_signed(officer_cfg, pki, make_pdf, tmp_path):
    data = tmp_path / "desk"
    shutil.copytree(pki.trust_dir, data / "trust")
    shutil.copytree(pki.revocation_dir, data / "revocation")
    scan = make_pdf("ban-chinh.pdf", pages=3)
    outs = []
    for _ in range(2):
        outs.append(certify_copy(scan, tmp_path / f"out{len(outs)}", token=officer_cfg,
                                 handler=FixedPin(), data_dir=data, desk="Q1", book="02",
                                 document="Giấy khai sinh", applicant="Trần Văn An"))
    assert [c.entry.number for c in outs] == [1, 2]
    assert outs[0].entry.fee == 5_000 and outs[0].entry.pages == 3
    assert "quyển số 02/" in outs[0].statement
    rep = verify_file(outs[1].signed.output, data_dir=data)
    assert rep.ok and rep.signatures[0].signer == "Nguyễn Văn Bình"


def test_refused_login_uses_no_number(officer_cfg, pki, make_pdf, tmp_path):
    import pytest

    from desk_app.signing import errors as E

    data = tmp_path / "desk"
    shutil.copytree(pki.trust_dir, data / "trust")
    with pytest.raises(E.SigningError):
        certify_copy(make_pdf(), tmp_path / "o", token=officer_cfg, handler=FixedPin("000000"),
                     data_dir=data, desk="Q1", book="02", document="d", applicant="a")
    assert not (data / "certbook").exists()
