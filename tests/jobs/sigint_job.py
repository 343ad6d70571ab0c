"""Run by tests/jobs/test_cli_sigint.py in a subprocess: generate_dossiers through the CLI's job
runner (``run_job``, --json), with the CLI's error convention (one line on stderr, exit code)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from desk_app.cli.progress import run_job
from desk_app.domain.errors import DeskError
from desk_app.services import open_desk
from desk_app.services.admin.demo import generate_dossiers


def main(data_dir: str, n: str, batch: str) -> int:
    try:
        with open_desk(Path(data_dir), create=False) as ctx:
            made = run_job(generate_dossiers, as_json=True, lang="vi", ctx=ctx, n=int(n),
                           batch=int(batch))
    except DeskError as exc:
        print(f"Lỗi: {exc.message('vi')}", file=sys.stderr)
        print(json.dumps({"error": exc.to_dict()}, ensure_ascii=False), flush=True)
        return exc.exit_code
    print(json.dumps({"made": made}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
