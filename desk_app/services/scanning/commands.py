"""The ``scan`` commands, declared once (``desk_app.services.registry``); role: clerk.

| command | what |
|---|---|
| ``scan list`` | the scanners this computer reaches (SANE / WIA / TWAIN / eSCL) |
| ``scan test DEVICE`` | one small page: does it answer, how fast |
| ``scan device DEVICE [--source …] [--pages N] [--profile P] -o FILE.pdf`` | a batch to one PDF |
| ``scan import FILE… -o FILE.pdf`` | images, PDFs, phone photos into one PDF (exit 2 on an unusable file) |
| ``scan watch DIR [--into DIR]`` | a copier's scan-to-folder: each stable file becomes a PDF |
| ``scan ocr FILE.pdf -o FILE.pdf`` | Vietnamese text layer + PDF/A-2b (ocrmypdf), text for search |

A batch that stops early (jam, empty feeder, scanner gone, Ctrl+C) saves what was scanned and
ends with ScanIncomplete (exit 1) saying how many pages were kept.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk_app.domain.models import Role
from desk_app.scanning.profiles import JOB_SOURCES, PRESETS
from desk_app.services.registry import Param, command

if TYPE_CHECKING:
    from desk_app.services.session import Session

_OUTPUT = Param("output", help_vi="tệp PDF đầu ra", help_en="output PDF file", required=True,
                cli_name="-o|--output")
_PRESET = Param("preset", choices=PRESETS,
                help_vi="kiểu nén: bw_g4 (đen trắng), gray_jpeg, color_jpeg, color_jpeg_small, keep",
                help_en="compression: bw_g4 (black and white), gray_jpeg, color_jpeg,"
                        " color_jpeg_small, keep")


_DEBUG_LOG = Param("debug_log", Path,
                   help_vi="ghi nhật ký gỡ lỗi máy quét vào tệp này (gửi cho cán bộ CNTT)",
                   help_en="write the scanner debug log to this file (for the IT person)")


def _with_log(path: Path | None, fn: Any, *a: Any, **kw: Any) -> Any:
    """Run ``fn``; the debug log is written to ``path`` afterwards, whatever happened."""
    from desk_app.scanning.backend import debug_log

    try:
        return fn(*a, **kw)
    finally:
        if path is not None:
            debug_log.write(path)


def _data_dir(session: Session | None) -> Path | None:
    return session.ctx.data_dir if session is not None and session.ctx is not None else None


def _handler(session: Session | None, handler: Any) -> Any:
    if handler is not None:
        return handler
    from desk_app.devices.handler import CliHandler, Unattended

    return CliHandler() if session is None or session.face == "cli" else Unattended()


def _jobkw(progress: Any, cancel: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if progress is not None:
        out["progress"] = progress
    if cancel is not None:
        out["cancel"] = cancel
    return out


@command("scan list", role=Role.CLERK, writes=False,
         help_vi="liệt kê máy quét", help_en="list the scanners")
def scan_list(session: Session):
    from desk_app.services.scanning import service

    devices, notes = service.list_devices(_data_dir(session))
    return {"devices": [d.to_dict() | {"label": d.label} for d in devices], "notes": notes}


@command("scan test", role=Role.CLERK, writes=False,
         help_vi="thử máy quét (một trang nhỏ)", help_en="test a scanner (one small page)",
         params=(Param("device", required=True, positional=True,
                       help_vi="mã máy quét (xem “scan list”)", help_en="scanner id (see “scan list”)"),
                 _DEBUG_LOG))
def scan_test(session: Session, *, device: str, debug_log: Path | None = None,
              handler: Any = None):
    from desk_app.services.scanning import service

    return _with_log(debug_log, service.test_scanner, _data_dir(session), device,
                     handler=_handler(session, handler))


@command("scan device", role=Role.CLERK, writes=False, job=True,
         help_vi="quét một xấp giấy thành một tệp PDF", help_en="scan a batch into one PDF",
         params=(Param("device", required=True, positional=True,
                       help_vi="mã máy quét (xem “scan list”)", help_en="scanner id (see “scan list”)"),
                 Param("source", choices=JOB_SOURCES,
                       help_vi="mặt kính, khay nạp, hai mặt, hai mặt thủ công",
                       help_en="flatbed, feeder, duplex, manual duplex"),
                 Param("pages", int, help_vi="số trang tối đa", help_en="at most this many pages"),
                 Param("profile", default="form",
                       help_vi="hồ sơ quét: id_card, form, certificate, result",
                       help_en="scan profile: id_card, form, certificate, result"),
                 Param("dpi", int, help_vi="độ phân giải", help_en="resolution"),
                 _PRESET, _DEBUG_LOG, _OUTPUT))
def scan_device(session: Session, *, device: str, output: str, source: str | None = None,
                pages: int | None = None, profile: str = "form", dpi: int | None = None,
                preset: str | None = None, debug_log: Path | None = None, handler: Any = None,
                progress: Any = None, cancel: Any = None):
    from desk_app.services.scanning import service

    return _with_log(debug_log, service.scan_to_pdf, _data_dir(session), device, output,
                     profile=profile, source=source, pages=pages, preset=preset, dpi=dpi,
                     by_admin=session is not None and session.user.role == Role.ADMIN,
                     handler=_handler(session, handler), **_jobkw(progress, cancel))


@command("scan import", role=Role.CLERK, writes=False, job=True,
         help_vi="ghép ảnh, PDF, ảnh chụp điện thoại thành một PDF",
         help_en="images, PDFs and phone photos into one PDF",
         params=(Param("files", Path, required=True, positional=True, multiple=True,
                       help_vi="các tệp đầu vào", help_en="input files"),
                 Param("preset", default="color_jpeg", choices=PRESETS,
                       help_vi="kiểu nén", help_en="compression"), _OUTPUT))
def scan_import(session: Session, *, files: list[Path], output: str,
                preset: str = "color_jpeg", progress: Any = None, cancel: Any = None):
    from desk_app.services.scanning import service

    files = files if isinstance(files, (list, tuple)) else [files]
    return service.import_files(list(files), output, preset=preset, **_jobkw(progress, cancel))


@command("scan watch", role=Role.CLERK, writes=False, job=True,
         help_vi="theo dõi thư mục máy photocopy quét vào", help_en="watch a copier's scan folder",
         params=(Param("folder", Path, required=True, positional=True,
                       help_vi="thư mục máy quét lưu tệp", help_en="the folder the copier writes to"),
                 Param("into", Path, help_vi="thư mục lưu PDF (mặc định: FOLDER/pdf)",
                       help_en="where the PDFs go (default: FOLDER/pdf)"),
                 Param("preset", default="color_jpeg", choices=PRESETS,
                       help_vi="kiểu nén", help_en="compression"),
                 Param("interval", float, default=1.0, help_vi="giây giữa hai lần xem",
                       help_en="seconds between polls"),
                 Param("max_polls", int, hidden=True)))
def scan_watch(session: Session, *, folder: Path, into: Path | None = None,
               preset: str = "color_jpeg", interval: float = 1.0, max_polls: int | None = None,
               on_event: Any = None, progress: Any = None, cancel: Any = None):
    from desk_app.services.scanning import service

    events = service.watch_folder(folder, into, preset=preset, interval=interval,
                                  max_polls=max_polls, on_event=on_event,
                                  **_jobkw(progress, cancel))
    return [e.to_dict() for e in events]


@command("scan ocr", role=Role.CLERK, writes=False, job=True,
         help_vi="thêm lớp chữ tiếng Việt và chuyển PDF/A-2b",
         help_en="add a Vietnamese text layer and make PDF/A-2b",
         params=(Param("file", Path, required=True, positional=True, help_vi="tệp PDF",
                       help_en="PDF file"),
                 Param("no_ocr", flag=True, help_vi="chỉ chuyển PDF/A", help_en="PDF/A only"),
                 _OUTPUT))
def scan_ocr(session: Session, *, file: Path, output: str, no_ocr: bool = False,
             progress: Any = None, cancel: Any = None):
    from desk_app.services.scanning import service

    text = service.ocr_pdf(file, output, ocr=not no_ocr, cancel=cancel)
    return {"output": output, "text_chars": len(text), "text": text}


# --------------------------------------------------------------------------- attach / never scan twice

_CODE = Param("code", required=True, positional=True, help_vi="mã hồ sơ", help_en="dossier code")
_COMPONENT = Param("component", int, help_vi="số thứ tự thành phần hồ sơ",
                   help_en="number of the dossier component")


def _who(session: Session) -> dict[str, Any]:
    return {"actor": session.actor, "role": session.user.role}


@command("dossier attach", role=Role.CLERK, writes=True,
         help_vi="đính kèm tệp quét (PDF, ảnh) vào một thành phần của hồ sơ",
         help_en="attach a scanned file (PDF, image) to a dossier component",
         params=(_CODE,
                 Param("file", Path, required=True, positional=True,
                       help_vi="tệp PDF hoặc ảnh", help_en="PDF or image file"),
                 _COMPONENT,
                 Param("kind", default="scan", choices=("scan", "result"),
                       help_vi="scan (giấy tờ nộp) hoặc result (bản số hóa kết quả)",
                       help_en="scan (a submitted paper) or result (the digitised result)"),
                 Param("doc_type", help_vi="loại giấy tờ (id_card, birth_certificate, …);"
                       " mặc định: theo tên thành phần",
                       help_en="document type (id_card, birth_certificate, …); default: from"
                       " the component's name")))
def dossier_attach(session: Session, *, code: str, file: Path, component: int | None = None,
                   kind: str = "scan", doc_type: str | None = None):
    from desk_app.services.scanning.attach import attach_file

    return attach_file(session.ctx, code, component, file, kind=kind, doc_type=doc_type,
                       **_who(session))


@command("dossier reuse", role=Role.CLERK, writes=True,
         help_vi="dùng lại bản số hóa đã có của người nộp cho một thành phần (không quét lại)",
         help_en="re-use the applicant's digitised document for a component (no new scan)",
         params=(_CODE, Param("component", int, required=True,
                              help_vi="số thứ tự thành phần hồ sơ",
                              help_en="number of the dossier component"),
                 Param("document", int, required=True,
                       help_vi="số bản số hóa (xem “applicant documents”)",
                       help_en="digitised document number (see “applicant documents”)")))
def dossier_reuse(session: Session, *, code: str, component: int, document: int):
    from desk_app.services.scanning import documents

    return documents.reuse(session.ctx, code, component, document, **_who(session))


@command("applicant documents", role=Role.CLERK, writes=False,
         help_vi="các giấy tờ đã số hóa của một người nộp",
         help_en="an applicant's digitised documents",
         params=(Param("id_number", required=True, positional=True,
                       help_vi="số định danh của người nộp", help_en="the applicant's ID number"),
                 Param("procedure", help_vi="chỉ các bản khớp với thành phần của thủ tục này",
                       help_en="only those matching the components of this procedure")))
def applicant_documents(session: Session, *, id_number: str, procedure: str | None = None):
    from desk_app.services.scanning import documents

    if procedure:
        return documents.offers(session.ctx, id_number, procedure)
    return documents.documents(session.ctx, id_number)


@command("report-digitisation", role=Role.SUPERVISOR, writes=False,
         help_vi="số liệu số hóa hồ sơ, kết quả và tái sử dụng (Bộ chỉ số 766, nhóm Số hóa)",
         help_en="digitisation figures: dossiers, results, re-use (Decision 766, group 4)",
         params=(Param("from_", cli_name="--from", help_vi="từ ngày YYYY-MM-DD",
                       help_en="from YYYY-MM-DD"),
                 Param("to", help_vi="đến ngày YYYY-MM-DD", help_en="to YYYY-MM-DD"),
                 Param("trace", help_vi="liệt kê các hồ sơ đứng sau số liệu này (reused,"
                       " reuse_basis, paper_digitised, …)",
                       help_en="list the dossiers behind this figure (reused, reuse_basis,"
                       " paper_digitised, …)")))
def report_digitisation(session: Session, *, from_: str | None = None, to: str | None = None,
                        trace: str | None = None):
    from desk_app.services.scanning import digitisation_report

    return digitisation_report.run(session.ctx, from_, to, trace=trace)


@command("scan qr", role=None, writes=False, needs_desk=False,
         help_vi="đọc mã QR căn cước trên trang quét thẻ (PDF hoặc ảnh; để cán bộ xác nhận)",
         help_en="read the ID-card QR on a scanned card page (PDF or image; for the clerk to"
                 " confirm)",
         params=(Param("file", Path, required=True, positional=True,
                       help_vi="trang quét hoặc ảnh chụp thẻ", help_en="scanned page or photo"),))
def scan_qr(session: Session | None, *, file: Path):
    from desk_app.services.scanning import qr

    found = qr.read_card_page(file)
    return found.to_dict() | {
        "note_vi": "Đối chiếu với thẻ và xác nhận trước khi dùng; chưa có gì được điền.",
        "note_en": "Check against the card and confirm before use; nothing was filled in."}


# --------------------------------------------------------------------------- text of the papers

@command("dossier ocr", role=Role.CLERK, writes=True, job=True,
         help_vi="nhận dạng chữ các tệp quét của hồ sơ (chạy nền) để tìm trong nội dung",
         help_en="recognise the text of a dossier's scans (background job) for content search",
         params=(_CODE, Param("attachment", int, help_vi="chỉ tệp đính kèm số này",
                              help_en="only this attachment")))
def dossier_ocr(session: Session, *, code: str, attachment: int | None = None,
                progress: Any = None, cancel: Any = None):
    from desk_app.services.scanning import ocr_text

    return ocr_text.ocr_attachment(session.ctx, code, attachment, progress=progress,
                                   cancel=cancel)


@command("dossier search-content", role=None, writes=False,
         help_vi="tìm hồ sơ theo nội dung giấy tờ đã quét (không dấu cũng được)",
         help_en="find dossiers by the text of their scanned papers (diacritics optional)",
         params=(Param("text", required=True, positional=True, help_vi="các từ cần tìm",
                       help_en="words to find"),
                 Param("limit", int, default=50, help_vi="tối đa", help_en="at most")))
def dossier_search_content(session: Session, *, text: str, limit: int = 50):
    from desk_app.services.scanning import ocr_text

    return ocr_text.search_content(session.ctx, text, limit)
