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

from desk_app.domain.errors import StorageError


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


def _render(result, args: argparse.Namespace) -> int:
    """Write the rendered form (``services.commands.RenderedForm``) where the person asked.
    DeskError propagates to main(), which prints the one-line message and maps the exit code."""
    pdf = result.pdf
    if args.output == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.output)
    write_atomic(target, pdf)
    if getattr(args, "json", False):
        print(json.dumps({"code": result.code, "kind": result.kind, "path": str(target.resolve()),
                          "bytes": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest()},
                         ensure_ascii=False))
    else:
        print(f"Đã ghi {target} ({len(pdf) / 1024:.0f} KB) / Wrote {target}.")
    return 0


def faces(Face) -> dict:
    """This module's entries of the CLI face table (``cli/commands.py``)."""
    return {"receipt": Face(_render), "form": Face(_render)}


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m desk_app.cli.print_cmds``): the same as ``desk-app``."""
    from desk_app.cli.main import main as desk_main

    return desk_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
