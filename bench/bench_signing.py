"""Batch signing benchmark on a real PKCS#11 token (SoftHSM2, RSA-2048, a one-page PDF).

    .venv/bin/python bench/bench_signing.py [--docs 100] [--cli-docs 20]

Three ways to sign the same documents with the same token, in the same run:
  batch    desk_app.signing.batch.sign_batch (one login; the token thread; pre-sign check once)
  loop     a minimal in-process pyhanko loop over one open session (pyhanko's PKCS11Signer)
  cli      the pyhanko command line once per file (process start, imports, login each time)
Targets (issue 15): batch ≥ 15× faster than the CLI per file, batch ≤ 1.2× the loop.
B-B (offline) signatures, invisible, so the figures measure the signing path, not the network.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--cli-docs", type=int, default=20,
                    help="files signed with the CLI (one process each; per-file time is what counts)")
    args = ap.parse_args()

    from tests.signing import pki as P

    if not P.softhsm_available():
        print("SoftHSM2 missing (apt-get install softhsm2)")
        return 2
    from desk_app.devices import Unattended
    from desk_app.signing.batch import sign_batch
    from desk_app.signing.token import TokenConfig, load_module, on_token
    from desk_app.signing.trust import RevocationCache, TrustStore

    base = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    try:
        pki = P.start_pki(base / "pki")
        hsm = P.init_softhsm(base / "hsm")
        P.init_token(hsm, P.OFFICER_TOKEN)
        lib = on_token(load_module, hsm.lib)
        on_token(P.import_identity, lib, P.OFFICER_TOKEN, pki, "officer", b"\x01")
        src = P.make_form_pdf(base / "src.pdf")
        files = []
        (base / "in").mkdir()
        for i in range(args.docs):
            f = base / "in" / f"doc-{i:03d}.pdf"
            shutil.copy(src, f)
            files.append(f)
        trust = TrustStore([pki.trust_dir])
        cache = RevocationCache.load(pki.revocation_dir)

        class Pin(Unattended):
            def ask_pin(self, req):
                return P.USER_PIN

        cfg = TokenConfig(hsm.lib, token_label=P.OFFICER_TOKEN)
        t0 = time.perf_counter()
        rep = sign_batch(files, base / "out-batch", token_cfg=cfg, handler=Pin(), trust=trust,
                         revocation=cache)
        batch_total = time.perf_counter() - t0
        assert len(rep.signed) == args.docs, rep.summary("en")
        batch_ms = 1000 * batch_total / args.docs

        loop_ms = _minimal_loop(lib, files, base / "out-loop")
        cli_ms = _cli(hsm, files[: args.cli_docs], base / "out-cli")

        print(f"documents: {args.docs} (CLI: {args.cli_docs}), SoftHSM2 RSA-2048, B-B invisible")
        print(f"batch  (desk_app, one login):       {batch_ms:8.1f} ms/doc  "
              f"(total {batch_total:.2f} s incl. login + pre-sign check)")
        print(f"loop   (minimal pyhanko, 1 session): {loop_ms:8.1f} ms/doc")
        print(f"cli    (pyhanko once per file):      {cli_ms:8.1f} ms/doc")
        print(f"batch vs CLI:  {cli_ms / batch_ms:6.1f}× faster   (target ≥ 15×)")
        print(f"batch vs loop: {batch_ms / loop_ms:6.2f}×          (target ≤ 1.2×)")
        pki.close()
        return 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _minimal_loop(lib, files, out_dir: Path) -> float:
    """pyhanko's own PKCS11Signer over one session, one file after the other."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.pkcs11 import PKCS11Signer

    from desk_app.signing.token import on_token
    from tests.signing import pki as P

    out_dir.mkdir()

    def run() -> float:
        token = lib.get_token(token_label=P.OFFICER_TOKEN)
        with token.open(user_pin=P.USER_PIN) as session:
            signer = PKCS11Signer(session, cert_label="officer", key_label="officer",
                                  other_certs_to_pull=None)
            meta = signers.PdfSignatureMetadata(field_name="Signature1",
                                                subfilter=fields.SigSeedSubFilter.PADES)
            t0 = time.perf_counter()
            for f in files:
                w = IncrementalPdfFileWriter(io.BytesIO(f.read_bytes()))
                out = io.BytesIO()
                signers.sign_pdf(w, meta, signer=signer, output=out)
                (out_dir / f.name).write_bytes(out.getvalue())
            return time.perf_counter() - t0

    return 1000 * on_token(run) / len(files)


def _cli(hsm, files, out_dir: Path) -> float:
    exe = Path(sys.executable).parent / "pyhanko"
    if not exe.exists():
        return float("nan")
    out_dir.mkdir()
    env = {**hsm.env(), "PYHANKO_PKCS11_PIN": "123456"}
    t0 = time.perf_counter()
    for f in files:
        subprocess.run([str(exe), "sign", "addsig", "--field", "Signature1", "--use-pades",
                        "pkcs11", "--lib", hsm.lib, "--token-label", "DESK-OFFICER",
                        "--cert-label", "officer", "--key-label", "officer",
                        str(f), str(out_dir / f.name)], check=True, env=env,
                       capture_output=True, stdin=subprocess.DEVNULL)
    return 1000 * (time.perf_counter() - t0) / max(1, len(files))


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    raise SystemExit(main())
