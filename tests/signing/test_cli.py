"""`desk-app sign …`, `sign verify` end to end through the console script, on the real SoftHSM2
token and test PKI: the officer signs, a clerk is refused (exit 3), one changed byte → exit 1."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.signing import pki as P


def _cmd() -> list[str]:
    exe = Path(sys.executable).with_name("desk-app")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "desk_app"]


def run(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run([*_cmd(), *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, **env})


def test_sign_and_verify_through_the_cli(hsm, pki, make_pdf, tmp_path) -> None:
    desk = tmp_path / "desk"
    assert run("init", "--data-dir", str(desk), "--demo", "--n-dossiers", "0").returncode == 0
    shutil.copytree(pki.trust_dir, desk / "trust")
    shutil.copytree(pki.revocation_dir, desk / "revocation")
    src = make_pdf("ket-qua.pdf")
    before = src.read_bytes()
    token = ["--pkcs11-lib", str(hsm.lib), "--token-label", P.OFFICER_TOKEN,
             "--cert-subject", "Nguyễn Văn Bình", "--pin-env", "TOKEN_PIN"]
    out = tmp_path / "out"
    clerk = run("--user", "hoa", "--password-env", "PW", "sign", "--data-dir", str(desk), *token,
                "--out-dir", str(out), str(src), PW="demo-clerk", TOKEN_PIN=P.USER_PIN)
    assert clerk.returncode == 3, clerk.stderr
    assert "không được phép" in clerk.stderr and not out.exists()
    ok = run("--user", "binh", "--password-env", "PW", "sign", "--data-dir", str(desk), *token,
             "--out-dir", str(out), str(src), PW="demo-officer", TOKEN_PIN=P.USER_PIN)
    assert ok.returncode == 0, ok.stderr
    assert "Đã ký 1" in ok.stdout
    assert src.read_bytes() == before, "the input is never modified"
    signed = out / src.name
    good = run("--user", "hoa", "--password-env", "PW", "sign", "verify", "--data-dir", str(desk),
               str(signed), PW="demo-clerk")
    assert good.returncode == 0, good.stdout + good.stderr
    data = bytearray(signed.read_bytes())
    i = data.index(b"/Contents") - 200                    # a byte inside the signed range
    data[i] = data[i] ^ 0x01
    bad = tmp_path / "sua.pdf"
    bad.write_bytes(bytes(data))
    broken = run("--user", "hoa", "--password-env", "PW", "sign", "verify", "--data-dir",
                 str(desk), str(bad), PW="demo-clerk")
    assert broken.returncode in (1, 2), broken.stdout + broken.stderr
    junk = tmp_path / "khong-phai.pdf"
    junk.write_bytes(b"not a pdf at all")
    assert run("--user", "hoa", "--password-env", "PW", "sign", "verify", "--data-dir", str(desk),
               str(junk), PW="demo-clerk").returncode == 2
