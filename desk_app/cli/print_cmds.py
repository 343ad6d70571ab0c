"""CLI: ``desk-app receipt`` and ``desk-app form`` — print a dossier's forms to a PDF file.

    desk-app receipt --data-dir DIR CODE -o FILE.pdf
    desk-app form --data-dir DIR --kind 01|02|03 CODE -o FILE.pdf

Exit codes: 0 written; 2 unknown code / bad kind / broken template; 1 storage or write error.
The file is written to a temporary name beside the target, synced, then renamed, so a full disk
or a read-only folder never leaves a half-written PDF under the requested name.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from desk_app.domain.errors import DeskError, StorageError


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``receipt`` and ``form`` sub-commands to the main parser."""
    p = subparsers.add_parser("receipt", help="in giấy tiếp nhận và hẹn trả kết quả (Mẫu 01) / print the receipt slip (form 01)",
                              description="Print the receipt and appointment slip (Mẫu 01) as PDF.")
    _common(p)
    p.set_defaults(func=cmd_receipt, kind="01")

    p = subparsers.add_parser("form", help="in mẫu 01/02/03 của hồ sơ / print form 01, 02 or 03",
                              description="Print form 01 (receipt), 02 (supplement) or 03 (refusal).")
    _common(p)
    # Not argparse choices: a bad kind gets our one-line bilingual message and exit code 2.
    p.add_argument("--kind", required=True, help="01 (tiếp nhận), 02 (bổ sung), 03 (từ chối)")
    p.set_defaults(func=cmd_form)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", required=True, type=Path, help="thư mục dữ liệu của quầy")
    p.add_argument("code", help="mã hồ sơ, ví dụ 000.23.32.H48-261123-1001")
    p.add_argument("-o", "--output", required=True, help="tệp PDF đầu ra ('-' = stdout)")
    p.add_argument("--no-store", action="store_true",
                   help="không lưu bản PDF vào hồ sơ (chỉ xuất tệp) / do not keep the PDF with the dossier")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON / print JSON")


def write_atomic(target: Path, data: bytes) -> None:
    """tmp in the same folder -> fsync -> rename; the target is either complete or untouched."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
        try:
            dfd = os.open(folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StorageError("output_write_failed",
                           f"Không ghi được tệp {target}: {reason}. Không có tệp nào bị ghi dở.",
                           f"Cannot write {target}: {reason}. Nothing was half-written.",
                           path=str(target)) from exc
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _run(args: argparse.Namespace, kind: str) -> int:
    """Render, keep with the dossier, write the file. DeskError propagates to main(), which
    prints the one-line message in the chosen language and maps it to the exit code."""
    from desk_app.services.intake import receipt
    from desk_app.services import open_desk

    kind = receipt.normalise_kind(kind)
    ctx = open_desk(args.data_dir, create=False)
    try:
        pdf = receipt.render(ctx, args.code, kind, store_as_attachment=not args.no_store)
    finally:
        ctx.close()
    if args.output == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.output)
    write_atomic(target, pdf)
    if getattr(args, "json", False):
        print(json.dumps({"code": args.code, "kind": kind, "path": str(target.resolve()),
                          "bytes": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()},
                         ensure_ascii=False))
    else:
        print(f"Đã ghi {target} ({len(pdf) / 1024:.0f} KB) / Wrote {target}.")
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    return _run(args, "01")


def cmd_form(args: argparse.Namespace) -> int:
    return _run(args, args.kind)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m desk_app.cli.print_cmds``); ``desk-app`` normally runs these."""
    parser = argparse.ArgumentParser(prog="desk-app")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except DeskError as exc:
        print(f"Lỗi: {exc.vi} / Error: {exc.en}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
