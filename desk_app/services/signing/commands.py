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


@command("sign verify", role=None, writes=False,
         help_vi="kiểm tra chữ ký số của tệp PDF (0: mọi chữ ký hợp lệ và tin cậy; 1: có chữ "
                 "ký không hợp lệ; 2: tệp không dùng được)",
         help_en="validate a PDF's signatures (0: all intact and trusted; 1: any not; "
                 "2: unusable input)",
         params=(Param("file", Path, required=True, positional=True), _TRUST,
                 Param("online", flag=True, help_vi="hỏi OCSP/CRL trực tuyến",
                       help_en="ask OCSP/CRL online")))
def sign_verify(session: "Session", *, file: Path, trust: list[Path] | None = None,
                online: bool = False):
    """Returns a PdfReport; the CLI exits with ``desk_app.signing.validate.exit_code(report)``."""
    from desk_app.services.signing.files import verify_file

    return verify_file(file, data_dir=getattr(session.ctx, "data_dir", None), trust=trust,
                       online=online)


@command("certify", role=Role.OFFICER, writes=True,
         help_vi="chứng thực bản sao điện tử từ bản chính (ghi sổ, ký số)",
         help_en="electronic certified copy from the original (register, sign)", params=(
             *_TOKEN,
             Param("scan", Path, required=True, positional=True,
                   help_vi="bản chụp/quét bản chính (PDF)", help_en="the scanned original (PDF)"),
             Param("out_dir", Path, required=True, help_vi="thư mục ghi bản sao",
                   help_en="folder for the copy"),
             Param("book", required=True, help_vi="quyển số của quầy (ví dụ 02)",
                   help_en="this desk's book number (e.g. 02)"),
             Param("document", required=True, help_vi="tên giấy tờ", help_en="document name"),
             Param("applicant", required=True, help_vi="người yêu cầu", help_en="applicant"),
             Param("tsa", help_vi="dịch vụ cấp dấu thời gian", help_en="time-stamp URL"),
             _TRUST))
def certify(session: "Session", *, pkcs11_lib: str, scan: Path, out_dir: Path, book: str,
            document: str, applicant: str, token_label: str | None = None,
            cert_subject: str | None = None, pin_env: str | None = None,
            tsa: str | None = None, trust: list[Path] | None = None, handler: Any = None):
    from desk_app.services.signing.files import certify_copy

    desk = str(session.ctx.settings.get("desk_code") or "") if hasattr(session.ctx, "settings") \
        else ""
    return certify_copy(scan, out_dir, token=_token(pkcs11_lib, token_label, cert_subject),
                        handler=_handler(session, pin_env, handler), data_dir=session.ctx.data_dir,
                        desk=desk or "desk", book=book, document=document, applicant=applicant,
                        tsa=tsa, trust=trust)
