"""Sign PDFs in PAdES (ETSI.CAdES.detached) with pyhanko, and upgrade offline signatures later.

Levels: B-B offline (no time-stamp, no validation data); B-T with a time-stamp service; B-LT when
the revocation sources are reachable too (validation data embedded). A document signed offline
is upgraded later (``upgrade``): validation data for its signatures and a document time-stamp
added in incremental updates, the signature itself untouched.

The visible appearance follows Nghị định 30/2020 Phụ lục I: the person's signature image in the
box between the title line and the name line of the form (``Appearance.person``); the
organisation's seal over the left third of it (``Appearance.organisation`` with
``org_box_for(person_box)``); a copy's signature top right of page 1, text only
(``Appearance.copy``). Text lines "Ký bởi / Cơ quan / Thời gian ký" in an embedded Noto font.

Inputs are never modified: the signed file is written to another folder, atomically.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from desk_app.devices import runs_on
from desk_app.signing import errors as E
from desk_app.signing.trust import PresignReport, RevocationCache, TrustStore, presign_check

__all__ = [
    "Appearance", "Box", "SignOptions", "SignedFile", "UpgradeResult", "copy_box", "load_pdf",
    "org_box_for", "sign_pdf", "upgrade", "write_atomic",
]

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "fonts"
SANS = RESOURCES / "NotoSans-Regular.ttf"
SERIF = RESOURCES / "NotoSerif-Regular.ttf"     # the closest bundled face to Times New Roman


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in PDF points from the bottom-left corner; page 0 = the first,
    -1 = the last."""

    x1: float
    y1: float
    x2: float
    y2: float
    page: int = 0

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1


def org_box_for(person: Box) -> Box:
    """The seal's box: as tall as the person's box, square, covering its left third."""
    side = person.height
    right = person.x1 + person.width / 3
    return Box(right - side, person.y1, right, person.y2, person.page)


def copy_box(page_width: float, page_height: float, *, margin: float = 8,
             width: float = 250, height: float = 44) -> Box:
    """Top right of page 1, for the signature on an electronic copy."""
    return Box(page_width - margin - width, page_height - margin - height,
               page_width - margin, page_height - margin, 0)


@dataclass(frozen=True)
class Appearance:
    kind: str                       # "person" | "org" | "copy"
    box: Box | None = None          # None: the copy's default place; required for person/org
    image: Path | None = None       # person: handwritten signature (PNG); org: the seal (PNG)
    copy_label: str = "BẢN SAO ĐIỆN TỬ"
    organisation: str | None = None  # overrides the certificate's O= on the text line

    @classmethod
    def person(cls, box: Box, image: Path | None) -> "Appearance":
        return cls("person", box, image)

    @classmethod
    def org(cls, box: Box, seal: Path | None) -> "Appearance":
        return cls("org", box, seal)

    @classmethod
    def copy(cls, label: str = "BẢN SAO ĐIỆN TỬ", organisation: str | None = None) -> "Appearance":
        return cls("copy", None, None, label, organisation)


@dataclass(frozen=True)
class SignOptions:
    trust: TrustStore
    revocation: RevocationCache | None = None
    appearance: Appearance | None = None     # None = invisible
    field_name: str | None = None
    reason: str | None = None
    location: str | None = None
    tsa_url: str | None = None
    online: bool = False                     # the revocation sources may be asked
    presign: bool = True


@dataclass(frozen=True)
class SignedFile:
    source: Path
    output: Path
    field_name: str
    level: str                   # "B-B" | "B-T" | "B-LT"
    signer: str
    signed_at: datetime
    sha256: str
    presign: PresignReport | None = field(default=None, repr=False)

    @property
    def needs_upgrade(self) -> bool:
        return self.level != "B-LT"


@dataclass(frozen=True)
class UpgradeResult:
    source: Path
    output: Path
    signatures: int
    level: str                   # "B-LTA" after a document time-stamp over the validation data


# --------------------------------------------------------------------------- files

def write_atomic(path: Path, data: bytes) -> None:
    """tmp file in the target folder → fsync → rename (and the folder fsynced where possible)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):       # POSIX: make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _unusable(path: Path, code: str, vi: str, en: str) -> E.UnusablePdf:
    return E.UnusablePdf(code, f"{path.name}: {vi}", f"{path.name}: {en}", path=str(path))


def load_pdf(path: Path) -> tuple[bytes, object]:
    """The file's bytes and a pyhanko reader; UnusablePdf (exit 2) when it is not a PDF we can
    use: missing, not a PDF, corrupt, encrypted."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unusable(path, "pdf_unreadable", f"không đọc được tệp ({exc.strerror}).",
                        f"cannot read the file ({exc.strerror}).") from None
    if b"%PDF-" not in data[:1024]:
        raise _unusable(path, "pdf_not_pdf", "không phải tệp PDF.", "not a PDF file.")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise _unusable(path, "pdf_encrypted",
                            "tệp PDF được mã hóa/đặt mật khẩu: hãy dùng bản không mã hóa.",
                            "the PDF is encrypted (password-protected): use an unencrypted copy.")
        reader.root["/Pages"]
        _ = len(reader.root["/Pages"]["/Kids"])
    except E.UnusablePdf:
        raise
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise _unusable(path, "pdf_corrupt", f"tệp PDF bị hỏng ({exc}).",
                        f"the PDF is damaged ({exc}).") from None
    return data, reader


def _existing_fields(reader) -> set[str]:
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        return {name for name, _, _ in enumerate_sig_fields(reader, filled_status=None)}
    except Exception:  # noqa: BLE001  (no AcroForm)
        return set()


def _field_name(reader, wanted: str | None) -> str:
    names = _existing_fields(reader)
    if wanted:
        return wanted
    n = len(names) + 1
    while f"Signature{n}" in names:
        n += 1
    return f"Signature{n}"


def _page_size(reader, page: int) -> tuple[float, float]:
    pages = reader.root["/Pages"]
    count = int(pages["/Count"])
    idx = page if page >= 0 else count + page
    pref = reader.find_page_for_modification(idx)[0]
    pobj = pref.get_object() if hasattr(pref, 'get_object') else pref
    box = [float(v) for v in pobj.get("/MediaBox", [0, 0, 595.28, 841.89])]
    return box[2] - box[0], box[3] - box[1]


# --------------------------------------------------------------------------- appearance

def _stamp_style(app: Appearance, signer_cn: str, org: str, at: datetime):
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    when = E.when(at)
    if app.kind == "copy":
        text = f"{app.copy_label}\nCơ quan: {app.organisation or org}\nThời gian ký: {when}"
        font = GlyphAccumulatorFactory(str(SERIF), font_size=10)
        return TextStampStyle(
            stamp_text=text, border_width=1, border_color=(0.1, 0.1, 0.5),
            text_box_style=TextBoxStyle(font=font, font_size=10, leading=12),
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(4, 4, 2, 2)))
    if app.kind == "org":
        # the organisation's signature shows its seal only (Phụ lục I): the text lines are the
        # person's, and the seal sits over the left third of the person's image
        text = " "
    else:
        text = f"Ký bởi: {signer_cn}\nCơ quan: {app.organisation or org}\nThời gian ký: {when}"
    font = GlyphAccumulatorFactory(str(SANS), font_size=7)
    background = None
    if app.image is not None:
        from PIL import Image

        with Image.open(app.image) as im:
            background = PdfImage(im.convert("RGBA"))
    box_w = app.box.width if app.box is not None else 180
    return TextStampStyle(
        stamp_text=text, border_width=0, background=background, background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(0, 0, 0, 24 if app.kind == "person" else 0)),
        text_box_style=TextBoxStyle(font=font, font_size=7, leading=8),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MIN,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
            margins=layout.Margins(int(box_w / 3) + 4, 2, 1, 1)))


# --------------------------------------------------------------------------- signing

def _network_error(exc: BaseException) -> bool:
    """A failure to reach the TSA or a revocation source (→ sign offline, upgrade later)."""
    names = set()
    seen: BaseException | None = exc
    while seen is not None:
        names.add(type(seen).__name__)
        names.update(c.__name__ for c in type(seen).__mro__)
        seen = seen.__cause__ or seen.__context__
    return bool(names & {"TimestampRequestError", "ClientError", "ConnectionError", "Timeout",
                         "ClientConnectorError", "TimeoutError", "OSError", "URLError",
                         "CertificateFetchError", "CRLFetchError", "OCSPFetchError",
                         "InsufficientRevinfoError", "ValidationInfoReadingError"})


def _sign_bytes(data: bytes, reader, session, opts: SignOptions, field_name: str,
                at: datetime, level: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.sign.fields import SigFieldSpec

    from desk_app.signing.trust import validation_context

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    cert = session.cert
    meta_kwargs = dict(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES,
                       md_algorithm="sha256", reason=opts.reason, location=opts.location,
                       name=cert.common_name)
    timestamper = None
    if level in ("B-T", "B-LT"):
        timestamper = timestamps.HTTPTimeStamper(opts.tsa_url, timeout=10)
    if level == "B-LT":
        meta_kwargs.update(embed_validation_info=True, validation_context=validation_context(
            opts.trust, opts.revocation, online=True, other_certs=session.chain))
    spec = None
    style = None
    app = opts.appearance
    if app is not None:
        box = app.box
        if box is None:
            box = copy_box(*_page_size(reader, 0))
        page = box.page
        if page < 0:
            page = int(reader.root["/Pages"]["/Count"]) + page
        spec = SigFieldSpec(field_name, on_page=page, box=(box.x1, box.y1, box.x2, box.y2))
        style = _stamp_style(app, cert.common_name, cert.organisation, at)
    elif field_name not in _existing_fields(reader):
        spec = SigFieldSpec(field_name)
    pdf_signer = signers.PdfSigner(signers.PdfSignatureMetadata(**meta_kwargs), session.signer(),
                                   timestamper=timestamper, stamp_style=style,
                                   new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(w, output=out)
    return out.getvalue()


@runs_on("token")
def sign_pdf(src: Path, out: Path, session, opts: SignOptions, *,
             presign: PresignReport | None = None) -> SignedFile:
    """Sign ``src`` with the logged-in ``session`` and write ``out`` atomically.

    Runs on the token thread (the raw signature is a token call). ``presign`` is a check already
    made for this session (a batch checks once); else it is made here and refuses a revoked,
    expired or untrusted certificate before anything is signed.
    """
    from desk_app.signing.token import map_token_error

    src, out = Path(src), Path(out)
    if out.resolve() == src.resolve():
        raise E.UnusablePdf("sign_in_place",
                            "Không ký đè lên tệp gốc: hãy chọn thư mục đầu ra khác.",
                            "Refusing to overwrite the input: choose another output folder.",
                            path=str(src))
    data, reader = load_pdf(src)
    at = datetime.now(timezone.utc)
    if presign is None and opts.presign:
        presign = presign_check(session.cert.asn1(), session.chain, opts.trust, opts.revocation,
                                online=opts.online, at=at)
    field_name = _field_name(reader, opts.field_name)
    levels = ["B-B"]
    if opts.tsa_url:
        levels = (["B-LT"] if opts.online else []) + ["B-T", "B-B"]
    signed = b""
    level = levels[-1]
    for i, level in enumerate(levels):
        try:
            signed = _sign_bytes(data, reader, session, opts, field_name, at, level)
            break
        except E.SigningError:
            raise
        except Exception as exc:
            mapped = map_token_error(exc, session.device)
            if mapped is not exc:
                raise mapped from None
            if i + 1 < len(levels) and _network_error(exc):
                continue        # TSA / revocation source not reachable: one level down
            raise E.SigningError("sign_failed", f"Không ký được {src.name}: {exc}",
                                 f"Could not sign {src.name}: {exc}", path=str(src)) from exc
    write_atomic(out, signed)
    return SignedFile(src, out, field_name, level, session.cert.common_name, at,
                      hashlib.sha256(signed).hexdigest(), presign)


# --------------------------------------------------------------------------- upgrade

def upgrade(src: Path, out: Path, *, tsa_url: str, trust: TrustStore,
            revocation: RevocationCache | None = None) -> UpgradeResult:
    """Add validation data (DSS: certificates, OCSP/CRL) for every signature, then a document
    time-stamp, each in an incremental update: the signatures are untouched. Needs the network
    (the TSA and the revocation sources). Runs on any thread without an event loop (no token)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers, timestamps
    from pyhanko.sign.validation import add_validation_info

    from desk_app.signing.trust import validation_context

    src, out = Path(src), Path(out)
    if out.resolve() == src.resolve():
        raise E.UnusablePdf("sign_in_place", "Không ghi đè lên tệp gốc.",
                            "Refusing to overwrite the input.", path=str(src))
    data, reader = load_pdf(src)
    sigs = list(reader.embedded_regular_signatures)
    if not sigs:
        raise E.UnusablePdf("pdf_unsigned", f"{src.name}: tệp chưa có chữ ký nào để bổ sung.",
                            f"{src.name}: the file has no signature to upgrade.", path=str(src))
    try:
        vc = validation_context(trust, revocation, online=True)
        buf = io.BytesIO(data)
        for i in range(len(sigs)):
            r = PdfFileReader(buf, strict=False)
            sig = r.embedded_regular_signatures[i]
            nxt = io.BytesIO()
            add_validation_info(sig, vc, output=nxt)
            buf = nxt
        w = IncrementalPdfFileWriter(buf, strict=False)
        stamper = signers.PdfTimeStamper(timestamps.HTTPTimeStamper(tsa_url, timeout=10))
        final = io.BytesIO()
        stamper.timestamp_pdf(w, "sha256", validation_context=vc, output=final)
    except Exception as exc:
        if _network_error(exc):
            raise E.SigningError(
                "upgrade_offline",
                f"Chưa bổ sung được dữ liệu kiểm tra cho {src.name}: không kết nối được dịch vụ "
                "cấp dấu thời gian / kiểm tra thu hồi. Sẽ thử lại khi đồng bộ.",
                f"Could not upgrade {src.name}: the time-stamp / revocation services are not "
                "reachable. It will be retried at the next sync.", path=str(src)) from exc
        raise E.SigningError("upgrade_failed", f"Không bổ sung được {src.name}: {exc}",
                             f"Could not upgrade {src.name}: {exc}", path=str(src)) from exc
    write_atomic(out, final.getvalue())
    return UpgradeResult(src, out, len(sigs), "B-LTA")
