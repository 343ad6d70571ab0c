"""A demo desk of 2,000 dossiers with full lifecycles (built once per session, copied per test),
and the CLI run in-process (``desk_app.cli.main.main``) with its output captured."""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

N_DEMO = 2000
# The demo is generated as of this instant so every figure is reproducible.
DEMO_NOW = datetime.fromisoformat("2026-11-20T10:00:00+07:00")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desk_app.services import open_desk
    from desk_app.services.admin import demo, setup

    path = tmp_path_factory.mktemp("reports-demo") / "desk"
    setup.init_store(path, demo=True, n_dossiers=0)
    ctx = open_desk(path, create=False)
    try:
        demo.generate_dossiers(ctx, N_DEMO, now=DEMO_NOW)
    finally:
        ctx.close()
    return path


@pytest.fixture
def desk_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "desk"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def ctx(desk_dir: Path):
    from desk_app.services import open_desk

    c = open_desk(desk_dir, create=False)
    yield c
    c.close()


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli(*argv, user=None) -> (exit code, stdout, stderr); ``user`` logs in a demo account."""
    from desk_app.cli.main import main

    passwords = {"hoa": "demo-clerk", "lan": "demo-supervisor", "thang": "demo-processor",
                 "quantri": "demo-admin"}

    def run(*argv: str, user: str | None = None):
        args = list(argv)
        if user:
            monkeypatch.setenv("DESK_PW", passwords[user])
            args = ["--user", user, "--password-env", "DESK_PW", *args]
        capsys.readouterr()
        code = main(args)
        out, err = capsys.readouterr()
        return code, out, err
    return run


def as_json(out: str):
    return json.loads(out)
