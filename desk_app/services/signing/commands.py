"""Registry declarations of the signing commands (role: officer — a signing officer; the
registry's ``allowed`` lets admin through too, and keeps supervisors out of signing).

To wire: add ``import desk_app.services.signing.commands  # noqa: F401`` to
``desk_app/services/commands.py``. ``verify`` is already the store check, so PDF validation is
``sign verify`` here (the integrator may alias ``verify FILE.pdf`` to it).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk_app.domain.models import Role
from desk_app.services.registry import Param, command

if TYPE_CHECKING:
    from desk_app.services.session import Session

_TOKEN = (
    Param("pkcs11_lib", help_vi="thư viện PKCS#11 của token (.dll/.so)",
          help_en="the token's PKCS#11 module (.dll/.so)", required=True),
    Param("token_label", help_vi="nhãn token", help_en="token label"),
    Param("cert_subject", help_vi="chọn chứng thư số theo tên (một phần)",
          help_en="pick the certificate by (part of) its subject"),
    Param("pin_env", help_vi="biến môi trường chứa mã PIN (không ghi PIN lên dòng lệnh)",
          help_en="environment variable holding the PIN (never the PIN on the command line)"),
)
_TRUST = Param("trust", Path, multiple=True, help_vi="chứng thư gốc tin cậy (PEM), lặp lại được",
               help_en="trusted root (PEM), repeatable")


def _token(pkcs11_lib: str, token_label: str | None, cert_subject: str | None):
    from desk_app.signing.token import TokenConfig

    return TokenConfig(pkcs11_lib, token_label=token_label, cert_subject=cert_subject)


def _handler(session: "Session", pin_env: str | None, handler: Any):
    if handler is not None:
        return handler
    from desk_app.devices import CliHandler

    return CliHandler(pin_env=pin_env)


@command("sign files", role=Role.OFFICER, writes=False, job=True,
         help_vi="ký số tệp PDF bằng token (không sửa tệp gốc)",
         help_en="sign PDF files with the token (inputs never modified)", params=(
             *_TOKEN,
             Param("visible", flag=True, help_vi="chữ ký hiển thị (bản sao: góc trên bên phải)",
                   help_en="visible signature (a copy's: top right of page 1)"),
             Param("tsa", help_vi="địa chỉ dịch vụ cấp dấu thời gian",
                   help_en="time-stamp service URL"),
             Param("out_dir", Path, required=True, help_vi="thư mục ghi tệp đã ký",
                   help_en="folder for the signed files"),
             _TRUST,
             Param("files", Path, required=True, positional=True, multiple=True,
                   help_vi="các tệp PDF", help_en="PDF files")))
def sign(session: "Session", *, pkcs11_lib: str, out_dir: Path, files: list[Path],
         token_label: str | None = None, cert_subject: str | None = None,
         pin_env: str | None = None, visible: bool = False, tsa: str | None = None,
         trust: list[Path] | None = None, handler: Any = None, progress: Any = None,
         cancel: Any = None):
    from desk_app.jobs import no_progress
    from desk_app.services.signing.files import sign_files
    from desk_app.signing.pades import Appearance

    return sign_files(list(files), out_dir, token=_token(pkcs11_lib, token_label, cert_subject),
                      handler=_handler(session, pin_env, handler),
                      data_dir=getattr(session.ctx, "data_dir", None), trust=trust,
                      visible=Appearance.copy() if visible else None, tsa=tsa,
                      progress=progress or no_progress, cancel=cancel)


@command("sign upgrade", role=Role.OFFICER, writes=False,
         help_vi="bổ sung dấu thời gian và dữ liệu kiểm tra (B-LT) cho tệp đã ký ngoại tuyến",
         help_en="add a document time-stamp and validation data (B-LT) to an offline signature",
         params=(Param("file", Path, required=True, positional=True),
                 Param("tsa", required=True, help_vi="dịch vụ cấp dấu thời gian",
                       help_en="time-stamp service URL"),
                 Param("output", Path, cli_name="-o|--output",
                       help_vi="tệp đầu ra (mặc định: TÊN.ltv.pdf)",
                       help_en="output file (default: NAME.ltv.pdf)"), _TRUST))
def sign_upgrade(session: "Session", *, file: Path, tsa: str, output: Path | None = None,
                 trust: list[Path] | None = None):
    from desk_app.services.signing.files import upgrade_file

    out = output or file.with_name(file.stem + ".ltv.pdf")
    return upgrade_file(file, out, tsa=tsa, data_dir=getattr(session.ctx, "data_dir", None),
                        trust=trust)


@command("sign verify", role=None, writes=False, needs_desk=False,
         help_vi="kiểm tra chữ ký số của tệp PDF (0: mọi chữ ký hợp lệ và tin cậy; 1: có chữ "
                 "ký không hợp lệ; 2: tệp không dùng được)",
         help_en="validate a PDF's signatures (0: all intact and trusted; 1: any not; "
                 "2: unusable input)",
         params=(Param("file", Path, required=True, positional=True), _TRUST,
                 Param("data_dir", Path, help_vi="thư mục dữ liệu của quầy (dùng kho chứng thư "
                       "gốc và dữ liệu thu hồi của quầy; không bắt buộc)",
                       help_en="the desk's data folder (its trust store and revocation data; "
                               "optional)"),
                 Param("online", flag=True, help_vi="hỏi OCSP/CRL trực tuyến",
                       help_en="ask OCSP/CRL online")))
def sign_verify(session: "Session | None", *, file: Path, trust: list[Path] | None = None,
                online: bool = False, data_dir: Path | None = None):
    """Returns a PdfReport; the CLI exits with ``desk_app.signing.validate.exit_code(report)``.
    Needs no desk and no login (``verify FILE.pdf`` is the same command): the trust roots come
    from ``--trust`` and, when given, the desk's ``trust/`` folder."""
    from desk_app.services.signing.files import verify_file

    if data_dir is None and session is not None and getattr(session, "ctx", None) is not None:
        data_dir = getattr(session.ctx, "data_dir", None)
    return verify_file(file, data_dir=data_dir, trust=trust, online=online)


@command("certify", role=Role.OFFICER, writes=True,
         help_vi="chứng thực bản sao điện tử từ bản chính (ghi sổ chứng thực của quầy, ký số)",
         help_en="electronic certified copy from the original (this desk's book, signed)",
         params=(
             *_TOKEN,
             Param("scan", Path, required=True, positional=True,
                   help_vi="bản chụp/quét bản chính (PDF)", help_en="the scanned original (PDF)"),
             Param("out_dir", Path, help_vi="thư mục ghi bản sao giao cho người yêu cầu",
                   help_en="folder for the copy handed to the applicant"),
             Param("dossier", help_vi="mã hồ sơ nhận bản sao (kết quả của hồ sơ)",
                   help_en="dossier the copy belongs to (its result)"),
             Param("book", help_vi="quyển số (mặc định: quyển của quầy này)",
                   help_en="book number (default: this desk's book)"),
             Param("document", required=True, help_vi="tên giấy tờ", help_en="document name"),
             Param("applicant", required=True, help_vi="người yêu cầu", help_en="applicant"),
             Param("copies", int, default=1, help_vi="số bản", help_en="number of copies"),
             Param("tsa", help_vi="dịch vụ cấp dấu thời gian (mặc định: thiết lập "
                   "signing_tsa_url)", help_en="time-stamp URL (default: setting "
                   "signing_tsa_url)"),
             _TRUST))
def certify(session: "Session", *, pkcs11_lib: str, scan: Path, document: str, applicant: str,
            out_dir: Path | None = None, dossier: str | None = None, book: str | None = None,
            copies: int = 1, token_label: str | None = None, cert_subject: str | None = None,
            pin_env: str | None = None, tsa: str | None = None, trust: list[Path] | None = None,
            handler: Any = None):
    from desk_app.services.signing.book import certify_in_book

    return certify_in_book(session.ctx, scan, token=_token(pkcs11_lib, token_label, cert_subject),
                           handler=_handler(session, pin_env, handler), actor=session.actor,
                           document=document, applicant=applicant, dossier=dossier,
                           out_dir=out_dir, copies=copies, book=book, tsa=tsa, trust=trust)


_SIGN_DOSSIER = (
    *_TOKEN,
    Param("visible", flag=True, help_vi="chữ ký hiển thị (góc trên bên phải trang 1)",
          help_en="visible signature (top right of page 1)"),
    Param("tsa", help_vi="dịch vụ cấp dấu thời gian (mặc định: thiết lập signing_tsa_url)",
          help_en="time-stamp URL (default: setting signing_tsa_url)"),
    _TRUST,
)


@command("dossier sign", role=Role.OFFICER, writes=True, job=True,
         help_vi="ký số các tệp kết quả của hồ sơ (bản đã ký thành phiên bản mới, giữ bản cũ)",
         help_en="sign dossiers' result files (the signed file becomes a new version; the old "
                 "one is kept)", params=(
             *_SIGN_DOSSIER,
             Param("kind", multiple=True, choices=("result", "receipt", "form", "scan"),
                   help_vi="loại tệp cần ký (mặc định: result)",
                   help_en="kind of file to sign (default: result)"),
             Param("targets", required=True, positional=True, multiple=True,
                   help_vi="mã hồ sơ hoặc số tệp", help_en="dossier codes or file numbers")))
def dossier_sign(session: "Session", *, pkcs11_lib: str, targets: list[str],
                 token_label: str | None = None, cert_subject: str | None = None,
                 pin_env: str | None = None, visible: bool = False, tsa: str | None = None,
                 trust: list[Path] | None = None, kind: list[str] | None = None,
                 handler: Any = None, progress: Any = None, cancel: Any = None):
    from desk_app.jobs import no_progress
    from desk_app.services.signing.dossiers import sign_dossier_files
    from desk_app.signing.pades import Appearance

    return sign_dossier_files(session.ctx, list(targets),
                              token=_token(pkcs11_lib, token_label, cert_subject),
                              handler=_handler(session, pin_env, handler), actor=session.actor,
                              trust=trust, visible=Appearance.copy() if visible else None,
                              tsa=tsa, kinds=tuple(kind or ("result",)),
                              progress=progress or no_progress, cancel=cancel)


@command("dossier sign-result", role=Role.OFFICER, writes=True, job=True,
         help_vi="ký số kết quả của một hồ sơ (bản đã ký là kết quả trả cho người dân)",
         help_en="sign a dossier's result (the signed version is what the citizen receives)",
         params=(*_SIGN_DOSSIER,
                 Param("code", required=True, positional=True, help_vi="mã hồ sơ",
                       help_en="dossier code")))
def dossier_sign_result(session: "Session", *, pkcs11_lib: str, code: str,
                        token_label: str | None = None, cert_subject: str | None = None,
                        pin_env: str | None = None, visible: bool = False,
                        tsa: str | None = None, trust: list[Path] | None = None,
                        handler: Any = None, progress: Any = None, cancel: Any = None):
    return dossier_sign(session, pkcs11_lib=pkcs11_lib, targets=[code], token_label=token_label,
                        cert_subject=cert_subject, pin_env=pin_env, visible=visible, tsa=tsa,
                        trust=trust, kind=["result"], handler=handler, progress=progress,
                        cancel=cancel)


@command("dossier files", role=None, writes=False,
         help_vi="các tệp của hồ sơ và mọi phiên bản (bản ký số, bản cũ)",
         help_en="a dossier's files and all their versions (signed, old)",
         params=(Param("code", required=True, positional=True, help_vi="mã hồ sơ",
                       help_en="dossier code"),))
def dossier_files(session: "Session", *, code: str):
    from desk_app.services.signing.dossiers import file_versions

    return file_versions(session.ctx, code)


@command("certbook list", role=None, writes=False,
         help_vi="sổ chứng thực điện tử: các số đã cấp", help_en="the certification book's entries",
         params=(Param("year", int, help_vi="năm", help_en="year"),
                 Param("month", help_vi="tháng YYYY-MM", help_en="month YYYY-MM"),
                 Param("book", help_vi="quyển số", help_en="book number")))
def certbook_list(session: "Session", *, year: int | None = None, month: str | None = None,
                  book: str | None = None):
    from desk_app.services.signing.book import list_entries

    return list_entries(session.ctx, year=year, month=month, book=book)


@command("certbook print", role=None, writes=False,
         help_vi="in sổ chứng thực điện tử của một tháng (PDF)",
         help_en="print the certification book of one month (PDF)",
         params=(Param("month", required=True, help_vi="tháng YYYY-MM", help_en="month YYYY-MM"),
                 Param("output", Path, required=True, cli_name="-o|--output",
                       help_vi="tệp PDF đầu ra", help_en="output PDF")))
def certbook_print(session: "Session", *, month: str, output: Path) -> dict:
    from desk_app.services.signing.book import list_entries, print_month
    from desk_app.signing.pades import write_atomic

    pdf = print_month(session.ctx, month)
    n = len(list_entries(session.ctx, month=month))
    write_atomic(Path(output), pdf)
    return {"output": str(output), "entries": n, "bytes": len(pdf),
            "message_vi": f"Đã in sổ chứng thực tháng {month}: {n} số, tệp {output}.",
            "message_en": f"Printed the certification book of {month}: {n} entries, {output}."}
