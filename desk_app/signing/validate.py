"""Validate every signature of a PDF against the desk's trust store.

For each signature: who signed, when (the time-stamp's time when there is one; the signer's own
claim is shown but not trusted), integrity, what the signature covers and what was added after it,
trust against the trust store (only the configured roots), revocation state when known, time-stamp,
and the PAdES level the file reaches (B-B, B-T, B-LT, B-LTA) offline.

Exit rule for the CLI (``exit_code``): 0 only when every signature is intact and trusted, 1 when
any is not (or there is none), 2 on unusable input (``UnusablePdf`` raised by ``validate_pdf``).
"""
from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from desk_app.signing import errors as E
from desk_app.signing.pades import load_pdf
from desk_app.signing.trust import RevocationCache, TrustStore, validation_context

__all__ = ["PdfReport", "SignatureReport", "exit_code", "validate_pdf"]

_COVERAGE = {
    "ENTIRE_FILE": ("toàn bộ tệp", "the entire file"),
    "ENTIRE_REVISION": ("phiên bản đã ký; tệp có phần thêm sau đó",
                        "the signed revision; the file was extended afterwards"),
    "CONTIGUOUS_BLOCK_FROM_START": ("một phần đầu tệp", "a block from the start of the file"),
    "UNCLEAR": ("không rõ", "unclear"),
}
_MODIFIED = {
    "NONE": ("không có", "nothing"),
    "LTA_UPDATES": ("chỉ dữ liệu kiểm tra / dấu thời gian", "validation data / time-stamps only"),
    "FORM_FILLING": ("điền biểu mẫu hoặc thêm chữ ký", "form filling or more signatures"),
    "ANNOTATIONS": ("thêm chú thích", "annotations"),
    "OTHER": ("nội dung bị thay đổi sau khi ký", "content changed after signing"),
}


@dataclass
class SignatureReport:
    field_name: str
    kind: str                        # "signature" | "timestamp" (a document time-stamp)
    signer: str
    organisation: str
    issuer: str
    claimed_time: datetime | None    # the signer's own claim (not trusted)
    timestamp_time: datetime | None  # from a trusted-or-not time-stamp token
    timestamp_trusted: bool | None
    intact: bool
    valid: bool
    trusted: bool
    revocation: str                  # "good" | "revoked" | "unknown"
    coverage: str                    # pyhanko's SignatureCoverageLevel name
    modified_after: str              # ModificationLevel name ("NONE", "LTA_UPDATES", ...)
    level: str                       # "B-B" | "B-T" | "B-LT" | "B-LTA" | "" (time-stamp)
    subfilter: str
    problem: str = ""

    @property
    def ok(self) -> bool:
        return (self.intact and self.valid and self.trusted and self.revocation != "revoked"
                and self.modified_after != "OTHER")

    def lines(self, lang: str = "vi") -> list[str]:
        en = lang.lower().startswith("en")

        def t(vi: str, e: str) -> str:
            return e if en else vi

        cov = _COVERAGE.get(self.coverage, (self.coverage, self.coverage))
        mod = _MODIFIED.get(self.modified_after, (self.modified_after, self.modified_after))
        when = self.timestamp_time or self.claimed_time
        out = [
            f"{self.field_name}: " + (t("HỢP LỆ", "VALID") if self.ok else t("KHÔNG HỢP LỆ", "NOT VALID")),
            t("  Người ký: ", "  Signer: ") + self.signer
            + (f" — {self.organisation}" if self.organisation else ""),
            t("  Thời gian ký: ", "  Signing time: ") + (E.when(when) if when else "—")
            + (t(" (dấu thời gian)", " (time-stamp)") if self.timestamp_time else
               t(" (theo máy người ký, chưa xác thực)", " (signer's clock, unverified)")),
            t("  Toàn vẹn: ", "  Integrity: ") + (t("nguyên vẹn", "intact") if self.intact
                                                 else t("BỊ SỬA", "ALTERED")),
            t("  Phạm vi: ", "  Coverage: ") + (cov[1] if en else cov[0])
            + t("; thêm sau khi ký: ", "; added after signing: ") + (mod[1] if en else mod[0]),
            t("  Tin cậy: ", "  Trust: ") + (t("có (chuỗi đến chứng thư gốc tin cậy)",
                                               "yes (chains to a trusted root)")
                                             if self.trusted else t("KHÔNG", "NO")),
            t("  Thu hồi: ", "  Revocation: ") + {
                "good": t("chưa bị thu hồi", "not revoked"),
                "revoked": t("ĐÃ BỊ THU HỒI", "REVOKED"),
                "unknown": t("chưa xác định", "unknown")}[self.revocation],
        ]
        if self.level:
            out.append(t("  Mức PAdES: ", "  PAdES level: ") + self.level)
        if self.problem:
            out.append(t("  Vấn đề: ", "  Problem: ") + self.problem)
        return out


@dataclass
class PdfReport:
    path: Path
    signatures: list[SignatureReport] = field(default_factory=list)
    revisions: int = 1

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    def to_dict(self) -> dict:
        d = {"path": str(self.path), "ok": self.ok, "revisions": self.revisions,
             "signatures": []}
        for s in self.signatures:
            sd = asdict(s)
            sd["ok"] = s.ok
            for k in ("claimed_time", "timestamp_time"):
                sd[k] = sd[k].isoformat() if sd[k] else None
            d["signatures"].append(sd)
        return d

    def text(self, lang: str = "vi") -> str:
        en = lang.lower().startswith("en")
        if not self.signatures:
            return (f"{self.path.name}: no signature." if en else f"{self.path.name}: không có chữ ký.")
        lines = [f"{self.path.name}: " + (("all signatures valid" if en else "mọi chữ ký hợp lệ")
                                          if self.ok else ("NOT all signatures valid" if en
                                                           else "CÓ chữ ký không hợp lệ"))]
        for s in self.signatures:
            lines += s.lines(lang)
        return "\n".join(lines)


def exit_code(report: PdfReport) -> int:
    return 0 if report.ok else 1


def _cn(cert) -> tuple[str, str, str]:
    if cert is None:
        return "", "", ""
    n = cert.subject.native
    return (str(n.get("common_name", cert.subject.human_friendly)),
            str(n.get("organization_name", "")), cert.issuer.human_friendly)


def _dss_revinfo(reader) -> tuple[list, list, list]:
    """Certificates, OCSP responses and CRLs in the document security store."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # noqa: BLE001  (no DSS)
        return [], [], []
    certs = list(dss.load_certs())
    ocsps = [ref.get_object().data for ref in dss.ocsps]
    crls = [ref.get_object().data for ref in dss.crls]
    return certs, ocsps, crls


def _offline_revocation_ok(cert, certs, ocsps, crls, trust: TrustStore, moment) -> bool:
    """Does the embedded validation data alone prove the signer not revoked at ``moment``?"""
    import asyncio

    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    def der(o):
        return o.dump() if hasattr(o, "dump") else o

    vc = ValidationContext(trust_roots=list(trust.roots), other_certs=certs,
                           ocsps=[der(o) for o in ocsps], crls=[der(c) for c in crls],
                           allow_fetching=False, revocation_mode="hard-fail", moment=moment)
    try:
        asyncio.run(CertificateValidator(cert, validation_context=vc).async_validate_usage(set()))
        return True
    except Exception:  # noqa: BLE001  (any failure = not proven offline)
        return False


def validate_pdf(path: str | Path, trust: TrustStore, revocation: RevocationCache | None = None,
                 *, online: bool = False) -> PdfReport:
    """Validate every signature and document time-stamp of ``path``.

    Raises UnusablePdf (exit 2) for a file that is not a usable PDF. Must not run inside an event
    loop (pyhanko's synchronous API starts one)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    path = Path(path)
    data, _ = load_pdf(path)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    report = PdfReport(path, revisions=reader.xrefs.total_revisions)
    dss_certs, dss_ocsps, dss_crls = _dss_revinfo(reader)
    sigs = list(reader.embedded_signatures)
    doc_ts_revisions = [s.signed_revision for s in sigs
                        if s.sig_object_type == "/DocTimeStamp"]
    for emb in sigs:
        vc = validation_context(trust, revocation, online=online, other_certs=dss_certs)
        kind = "timestamp" if emb.sig_object_type == "/DocTimeStamp" else "signature"
        problem = ""
        try:
            if kind == "timestamp":
                st = validate_pdf_timestamp(emb, validation_context=vc)
            else:
                st = validate_pdf_signature(emb, signer_validation_context=vc,
                                            ts_validation_context=vc)
        except Exception as exc:  # noqa: BLE001  (a broken signature dictionary / CMS blob)
            signer, org, issuer = "", "", ""
            report.signatures.append(SignatureReport(
                emb.field_name, kind, signer, org, issuer, None, None, None, False, False, False,
                "unknown", "UNCLEAR", "OTHER", "", "", problem=str(exc)))
            continue
        signer, org, issuer = _cn(st.signing_cert)
        ts = getattr(st, "timestamp_validity", None)
        ts_time = ts.timestamp if ts is not None else (st.timestamp if kind == "timestamp" else None)
        ts_trusted = ts.trusted if ts is not None else (st.trusted if kind == "timestamp" else None)
        mod = st.modification_level
        revoked = st.revocation_details is not None
        level = ""
        rev_state = "revoked" if revoked else "unknown"
        if kind == "signature":
            later_doc_ts = [r for r in doc_ts_revisions if r > emb.signed_revision]
            level = "B-T" if (ts is not None or later_doc_ts) else "B-B"
            moment = ts_time or st.signer_reported_dt
            if not revoked and (dss_ocsps or dss_crls or emb.sig_object.get("/Contents")):
                cms_ocsps, cms_crls = _cms_revinfo(emb)
                if _offline_revocation_ok(st.signing_cert, dss_certs + list(emb.other_embedded_certs),
                                          dss_ocsps + cms_ocsps, dss_crls + cms_crls, trust,
                                          moment):
                    rev_state = "good"
                    if level == "B-T":
                        level = "B-LTA" if later_doc_ts and dss_ocsps + dss_crls else "B-LT"
            if rev_state == "unknown" and revocation_cache_says_good(st, trust, revocation):
                rev_state = "good"
            if not st.intact:
                problem = "nội dung đã ký bị thay đổi / the signed bytes were altered"
            elif mod is not None and mod.name == "OTHER":
                problem = ("tệp bị sửa sau khi ký (không phải ký thêm hay bổ sung dữ liệu kiểm "
                           "tra) / the file was changed after signing")
            elif not st.trusted:
                problem = "không tin cậy / untrusted: " + str(st.trust_problem_indic)
        subfilter = str(emb.sig_object.get("/SubFilter", "")).lstrip("/")
        report.signatures.append(SignatureReport(
            field_name=emb.field_name, kind=kind, signer=signer, organisation=org, issuer=issuer,
            claimed_time=getattr(st, "signer_reported_dt", None), timestamp_time=ts_time,
            timestamp_trusted=ts_trusted, intact=st.intact, valid=st.valid, trusted=st.trusted,
            revocation=rev_state,
            coverage=st.coverage.name if st.coverage is not None else "UNCLEAR",
            modified_after=mod.name if mod is not None else "NONE",
            level=level, subfilter=subfilter, problem=problem))
    return report


def _cms_revinfo(emb) -> tuple[list, list]:
    """Revocation data inside the CMS (adbe-revocationInfoArchival), if any."""
    try:
        from pyhanko.sign.general import find_unique_cms_attribute

        attr = find_unique_cms_attribute(emb.signer_info["signed_attrs"],
                                         "adobe_revocation_info_archival")
    except Exception:  # noqa: BLE001
        return [], []
    return ([o.dump() for o in (attr["ocsp"] or [])] if attr["ocsp"] else [],
            [c.dump() for c in (attr["crl"] or [])] if attr["crl"] else [])


def revocation_cache_says_good(st, trust: TrustStore, cache: RevocationCache | None) -> bool:
    """Offline: the desk's cached revocation data proves the signer not revoked at signing."""
    if cache is None or not (cache.crls or cache.ocsps) or st.signing_cert is None:
        return False
    return _offline_revocation_ok(st.signing_cert, [], cache.ocsps, cache.crls, trust,
                                  getattr(st, "signer_reported_dt", None))
