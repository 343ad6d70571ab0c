"""Trust store, cached revocation data, and the check before signing.

The trust store is a folder of PEM/DER files a province can update: the Vietnam National Root CA
(NEAC) and the Government specialised root CA (Ban Cơ yếu, "RootCA chuyên dùng Chính phủ G2").
Nothing else is trusted (not the operating system's store).

The revocation cache is a folder of CRLs (``*.crl``) and OCSP responses (``*.ocsp``) saved at the
last sync; offline, the pre-sign check uses it and says how old it is.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from desk_app.signing import errors as E

__all__ = ["PresignReport", "RevocationCache", "TrustStore", "age_text", "fetch_ocsp",
           "presign_check",
           "validation_context"]

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def _load_certs(data: bytes) -> list[asn1_x509.Certificate]:
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"]
    return [asn1_x509.Certificate.load(data)]


class TrustStore:
    """The trust anchors: every certificate file in the given folders (or the files given)."""

    def __init__(self, paths: Iterable[str | os.PathLike]) -> None:
        self.paths = [Path(p) for p in paths]
        self.roots: list[asn1_x509.Certificate] = []
        for p in self.paths:
            files = sorted(f for f in p.iterdir() if f.suffix.lower() in CERT_SUFFIXES) \
                if p.is_dir() else [p]
            for f in files:
                try:
                    self.roots += _load_certs(f.read_bytes())
                except (OSError, ValueError) as exc:
                    raise E.SigningError(
                        "trust_store_bad", f"Không đọc được chứng thư gốc {f}: {exc}",
                        f"Cannot read the trust anchor {f}: {exc}", path=str(f)) from None

    def __len__(self) -> int:
        return len(self.roots)

    def names(self) -> list[str]:
        return [r.subject.human_friendly for r in self.roots]


@dataclass
class RevocationCache:
    """CRLs and OCSP responses saved at the last sync (folder ``revocation/`` of the desk)."""

    folder: Path
    crls: list[bytes] = field(default_factory=list, repr=False)
    ocsps: list[bytes] = field(default_factory=list, repr=False)

    @classmethod
    def load(cls, folder: str | os.PathLike | None) -> "RevocationCache":
        cache = cls(Path(folder) if folder else Path())
        if folder and cache.folder.is_dir():
            for f in sorted(cache.folder.iterdir()):
                if f.suffix == ".crl":
                    data = f.read_bytes()
                    cache.crls.append(pem.unarmor(data)[2] if pem.detect(data) else data)
                elif f.suffix == ".ocsp":
                    cache.ocsps.append(f.read_bytes())
        return cache

    def newest_update(self) -> datetime | None:
        """The most recent ``thisUpdate`` / ``producedAt`` among the cached data."""
        times: list[datetime] = []
        for data in self.crls:
            try:
                times.append(asn1_crl.CertificateList.load(data)["tbs_cert_list"]["this_update"]
                             .native)
            except ValueError:
                continue
        for data in self.ocsps:
            try:
                resp = asn1_ocsp.OCSPResponse.load(data)
                times.append(resp.basic_ocsp_response["tbs_response_data"]["produced_at"].native)
            except (ValueError, KeyError, TypeError):
                continue
        return max(times) if times else None

    def age(self, now: datetime | None = None) -> timedelta | None:
        newest = self.newest_update()
        return None if newest is None else (now or datetime.now(timezone.utc)) - newest

    def save(self, name: str, data: bytes) -> Path:
        """Store one fetched CRL (``name.crl``) or OCSP response (``name.ocsp``) durably."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / name
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        return target


def fetch_ocsp(cert: asn1_x509.Certificate, issuer: asn1_x509.Certificate, *,
               timeout: float = 10) -> bytes:
    """Ask the certificate's OCSP responder (from its AIA) about it; the DER response.
    Used at sync to refresh the cache for the desk's own signing certificates."""
    import urllib.request

    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import ocsp

    urls = cert.ocsp_urls
    if not urls:
        raise E.SigningError("ocsp_none", "Chứng thư số không có địa chỉ OCSP.",
                             "The certificate names no OCSP responder.")
    req = ocsp.OCSPRequestBuilder().add_certificate(
        cx509.load_der_x509_certificate(cert.dump()),
        cx509.load_der_x509_certificate(issuer.dump()), hashes.SHA1()).build()
    http = urllib.request.Request(urls[0], data=req.public_bytes(serialization.Encoding.DER),
                                  headers={"Content-Type": "application/ocsp-request"})
    with urllib.request.urlopen(http, timeout=timeout) as r:  # noqa: S310  (configured URL)
        return r.read()


def age_text(age: timedelta | None) -> tuple[str, str]:
    """How old the cached revocation data is, for a person."""
    if age is None:
        return ("không có dữ liệu thu hồi đã lưu", "no cached revocation data")
    hours = int(age.total_seconds() // 3600)
    if hours < 1:
        return ("dữ liệu thu hồi vừa cập nhật", "revocation data just updated")
    if hours < 48:
        return (f"dữ liệu thu hồi cập nhật {hours} giờ trước", f"revocation data {hours} hours old")
    return (f"dữ liệu thu hồi cập nhật {hours // 24} ngày trước",
            f"revocation data {hours // 24} days old")


def validation_context(trust: TrustStore, cache: RevocationCache | None = None, *,
                       online: bool, other_certs: Iterable[asn1_x509.Certificate] = (),
                       hard_fail: bool = False, moment: datetime | None = None):
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    return ValidationContext(
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=10) if online else None,
        trust_roots=list(trust.roots), other_certs=list(other_certs), allow_fetching=online,
        crls=list(cache.crls) if cache else [], ocsps=list(cache.ocsps) if cache else [],
        revocation_mode="hard-fail" if hard_fail else "soft-fail", moment=moment)


@dataclass(frozen=True)
class PresignReport:
    subject: str
    trusted: bool
    revocation: str                 # "good" | "unknown" (revoked raises)
    source: str                     # "online" | "cache"
    cache_age: timedelta | None
    vi: str
    en: str

    def message(self, lang: str = "vi") -> str:
        return self.en if lang.lower().startswith("en") else self.vi


def _run(coro):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    raise RuntimeError("presign_check must not run inside an event loop (use the token thread)")


def presign_check(cert: asn1_x509.Certificate, chain: Iterable[asn1_x509.Certificate],
                  trust: TrustStore, cache: RevocationCache | None, *, online: bool,
                  at: datetime | None = None) -> PresignReport:
    """Validity, trust path and revocation of the signer's certificate, before signing.

    Refuses (raises SigningError) an expired, not-yet-valid, untrusted or revoked certificate.
    Unknown revocation state (offline, stale cache) does not refuse: it is reported with the age
    of the cached data, and the later upgrade adds fresh validation data.
    """
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator import errors as CE

    chain = list(chain)
    subject = cert.subject.native.get("common_name") or cert.subject.human_friendly
    now = at or datetime.now(timezone.utc)
    validity = cert["tbs_certificate"]["validity"]
    if now > validity["not_after"].native:
        raise E.cert_expired(subject, validity["not_after"].native)
    if now < validity["not_before"].native:
        raise E.cert_not_yet_valid(subject, validity["not_before"].native)
    age = cache.age(now) if cache is not None else None
    age_vi, age_en = age_text(age) if not online else ("kiểm tra trực tuyến", "checked online")
    if not trust.roots:
        raise E.cert_untrusted(subject, "kho chứng thư gốc trống / the trust store is empty")

    def attempt(hard: bool) -> None:
        vc = validation_context(trust, cache, online=online, other_certs=chain, hard_fail=hard,
                                moment=now)
        v = CertificateValidator(cert, intermediate_certs=chain, validation_context=vc)
        _run(v.async_validate_usage({"non_repudiation"}))

    state = "good"
    try:
        try:
            attempt(hard=True)
        except CE.InsufficientRevinfoError:
            state = "unknown"
            attempt(hard=False)
    except CE.RevokedError as exc:
        since = getattr(exc, "revocation_dt", None)
        raise E.cert_revoked(subject, since, age_en if online else age_vi) from None
    except CE.ExpiredError:
        raise E.cert_expired(subject, validity["not_after"].native) from None
    except CE.NotYetValidError:
        raise E.cert_not_yet_valid(subject, validity["not_before"].native) from None
    except (CE.PathBuildingError, CE.PathValidationError, CE.InvalidCertificateError) as exc:
        raise E.cert_untrusted(subject, str(exc)) from None
    if state == "good":
        vi, en = f"Chứng thư số hợp lệ, tin cậy, chưa bị thu hồi ({age_vi}).", \
                 f"Certificate valid, trusted, not revoked ({age_en})."
    else:
        vi = (f"Chứng thư số hợp lệ và tin cậy; chưa xác định được tình trạng thu hồi ({age_vi}). "
              "Chữ ký sẽ được bổ sung dữ liệu kiểm tra khi có mạng.")
        en = (f"Certificate valid and trusted; revocation state unknown ({age_en}). Validation "
              "data will be added when the network is back.")
    return PresignReport(subject, True, state, "online" if online else "cache", age, vi, en)
