"""The issue-15 commands through the console script (real SoftHSM2 token, test PKI):
`dossier sign-result`, `certify --dossier`, `certbook list/print`, `sign verify FILE.pdf` with no
desk, and `verify FILE.pdf`. Only the signing officer signs (exit 3 for the others, nothing
written); bad input exits 2 with the Vietnamese message."""
from __future__ import annotations

import json
import subprocess
from datetime import datetime

import pytest

from desk_app.domain.localtime import VN_TZ
from desk_app.services import open_desk
from tests.signing import pki as P
from tests.signing.desks import signing_desk, with_results
from tests.signing.test_cli import run


def _token(hsm):
    return ["--pkcs11-lib", str(hsm.lib), "--token-label", P.OFFICER_TOKEN, "--cert-subject",
            "Nguyễn Văn Bình", "--pin-env", "TOKEN_PIN"]


def _as(user, pw):
    return ["--user", user, "--password-env", "PW"], {"PW": pw, "TOKEN_PIN": P.USER_PIN}


def _count(data, sql):
    with open_desk(data, create=False) as ctx:
        return ctx.store.conn.execute(sql).fetchone()[0]


@pytest.fixture()
def desk(hsm, pki, tmp_path):
    data = tmp_path / "desk"
    r = run("init", "--data-dir", str(data), "--demo", "--n-dossiers", "0")
    assert r.returncode == 0, r.stderr
    signing_desk(data, pki, make=False)
    return data


def test_sign_result_and_certify_through_the_cli(desk, hsm, pki, make_pdf, tmp_path):
    [code] = with_results(desk, 1)
    dd = ["--data-dir", str(desk)]
    n_att = _count(desk, "SELECT count(*) FROM attachments")
    auth, env = _as("hoa", "demo-clerk")                     # a clerk may not sign
    r = run(*auth, "dossier", "sign-result", *dd, *_token(hsm), code, **env)
    assert r.returncode == 3 and "không được phép" in r.stderr, r.stderr
    scan = make_pdf("ban-chinh.pdf", pages=2)
    r = run(*auth, "certify", *dd, *_token(hsm), str(scan), "--document", "Giấy khai sinh",
            "--applicant", "Trần Văn An", **env)
    assert r.returncode == 3
    assert _count(desk, "SELECT count(*) FROM attachments") == n_att
    assert _count(desk, "SELECT count(*) FROM certbook_entries") == 0

    auth, env = _as("binh", "demo-officer")                  # the signing officer
    r = run(*auth, "dossier", "sign-result", *dd, *_token(hsm), "--json", code, **env)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert [s["dossier_code"] for s in got["signed"]] == [code]
    assert got["signed"][0]["level"] == "B-B" and got["stopped"] is None
    r = run(*auth, "dossier", "files", *dd, "--json", code, **env)
    versions = [v for v in json.loads(r.stdout) if v["kind"] == "result"]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]

    r = run(*auth, "certify", *dd, *_token(hsm), str(scan), "--document", "Giấy khai sinh",
            "--applicant", "Trần Văn An", "--dossier", code, "--out-dir", str(tmp_path / "giao"),
            "--json", **env)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["entry"]["number"] == 1 and rec["entry"]["book"] == "01"
    assert rec["entry"]["fee"] == 4_000 and rec["entry"]["dossier_code"] == code
    assert (tmp_path / "giao").is_dir()

    auth, env = _as("hoa", "demo-clerk")                     # reading the book: anyone
    r = run(*auth, "certbook", "list", *dd, "--json", **env)
    assert r.returncode == 0, r.stderr
    assert [e["label"] for e in json.loads(r.stdout)] == [rec["entry"]["label"]]
    month = datetime.now(VN_TZ).strftime("%Y-%m")
    out = tmp_path / "so.pdf"
    r = run(*auth, "certbook", "print", *dd, "--month", month, "-o", str(out), **env)
    assert r.returncode == 0, r.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Trần Văn An" in text and "Giấy khai sinh" in text
    r = run(*auth, "certbook", "print", *dd, "--month", "2026-13", "-o", str(tmp_path / "x.pdf"),
            **env)
    assert r.returncode == 2 and "YYYY-MM" in r.stderr and not (tmp_path / "x.pdf").exists()


def _signed_file(desk, hsm, make_pdf, tmp_path):
    src = make_pdf("ket-qua.pdf")
    auth, env = _as("binh", "demo-officer")
    r = run(*auth, "sign", "--data-dir", str(desk), *_token(hsm), "--out-dir",
            str(tmp_path / "out"), str(src), **env)
    assert r.returncode == 0, r.stderr
    return tmp_path / "out" / src.name


def test_sign_verify_needs_no_desk(desk, hsm, pki, make_pdf, tmp_path):
    signed = _signed_file(desk, hsm, make_pdf, tmp_path)
    root = str(pki.trust_dir / "test-root.pem")
    r = run("sign", "verify", "--trust", root, str(signed), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["signatures"][0]["signer"] == "Nguyễn Văn Bình"
    assert run("sign", "verify", str(signed)).returncode == 1          # nothing trusted
    junk = tmp_path / "khong-phai.pdf"
    junk.write_bytes(b"not a pdf")
    assert run("sign", "verify", "--trust", root, str(junk)).returncode == 2


def test_verify_with_a_pdf_path_verifies_the_pdf(desk, hsm, pki, make_pdf, tmp_path):
    signed = _signed_file(desk, hsm, make_pdf, tmp_path)
    root = str(pki.trust_dir / "test-root.pem")
    r = run("verify", "--trust", root, str(signed), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["signatures"][0]["intact"] is True
    data = bytearray(signed.read_bytes())
    i = data.index(b"/Contents") - 200
    data[i] ^= 0x01
    bad = tmp_path / "sua.pdf"
    bad.write_bytes(bytes(data))
    assert run("verify", "--trust", root, str(bad)).returncode in (1, 2)
    junk = tmp_path / "rac.pdf"
    junk.write_bytes(b"rac")
    assert run("verify", str(junk)).returncode == 2
    # without a path it is still the store check (supervisor)
    r = run("--user", "lan", "--password-env", "PW", "verify", "--data-dir", str(desk),
            "--no-blobs", PW="demo-supervisor")
    assert r.returncode == 0, r.stderr
