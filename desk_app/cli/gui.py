"""The `gui` command on its own: opening the window is the common case, so its path imports only
this module (not the other handlers, their JSON/text output and the domain models they print)."""
from __future__ import annotations

import argparse
from pathlib import Path

from desk_app.domain.errors import StorageError


def cmd_gui(args: argparse.Namespace) -> int:
    from desk_app.cli.main import default_data_dir

    data_dir = args.data_dir or default_data_dir()
    try:
        from desk_app.ui.app import run
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(("desk_app.ui", "PySide6")):
            raise StorageError("gui_missing", f"Không có giao diện đồ họa ({exc.name}).",
                               f"The desktop interface is not installed ({exc.name}).") from exc
        raise
    import inspect

    extra = {"lang": args.lang} if "lang" in inspect.signature(run).parameters else {}
    return int(run(Path(data_dir), bool(args.selftest), **extra))
