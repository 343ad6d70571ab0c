"""A pyhanko ``Signer`` whose raw signature is made by a :class:`TokenSession` on the token thread.

pyhanko's own ``PKCS11Signer`` hands ``C_Sign`` to asyncio's default executor (another thread),
which breaks the one-thread rule for token modules; this signer makes the call on the token thread
(the PDF work runs there too, see ``pades.py``) and so reaches the key by the session we opened.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko.sign.pkcs11 import select_pkcs11_signing_params
from pyhanko.sign.signers.pdf_cms import Signer

if TYPE_CHECKING:
    from desk_app.signing.token import TokenSession

__all__ = ["TokenSigner"]


class TokenSigner(Signer):
    def __init__(self, session: "TokenSession") -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple(session.chain)
        super().__init__(signing_cert=session.cert.asn1(), cert_registry=registry,
                         embed_roots=True)
        self._token = session

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False
                             ) -> bytes:
        if dry_run:
            return b"0" * 512
        spec = select_pkcs11_signing_params(
            self.get_signature_mechanism_for_digest(digest_algorithm.lower()),
            digest_algorithm.lower(), use_raw_mechanism=False, sign_kwargs={})
        if spec.pre_sign_transform is not None:
            data = spec.pre_sign_transform(data)
        sig = self._token.sign_raw(data, spec.sign_kwargs)   # @runs_on("token")
        if spec.post_sign_transform is not None:
            sig = spec.post_sign_transform(sig)
        return sig
