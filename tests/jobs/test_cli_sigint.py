"""Ctrl+C on a CLI job: the job stops between batches, exit 1 with the Vietnamese message, and what
was written is whole batches that verify passes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desk_app.services import open_desk
from desk_app.services.admin import verify as verify_svc
from offline_store import repo
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
N, BATCH = 4000, 100


def interrupt_when(argv: list[str], ready, *, env: dict, what: str) -> tuple[int, list[str], str]:
    """Start ``argv``, wait (bounded) until ``ready(stdout lines)``, send SIGINT (Ctrl+C) and
    return (exit code, stdout lines, stderr)."""
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")),
                              daemon=True)
    reader.start()
    try:
        wait_for(lambda: ready(list(lines)), timeout=120, what=what)
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    reader.join(10)
    stderr = proc.stderr.read()
    proc.stderr.close()
    proc.stdout.close()
    return rc, lines, stderr


@pytest.mark.skipif(os.name == "nt", reason="delivering Ctrl+C to a child needs a console group on"
                    " Windows; the handler itself is portable (signal.SIGINT)")
def test_sigint_cancels_between_batches(desk_dir: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    def first_batch_committed(lines: list[str]) -> bool:
        return any(ev.get("event") == "progress" and ev["done"] >= BATCH
                   for ev in map(json.loads, lines))

    rc, lines, stderr = interrupt_when(
        [sys.executable, str(Path(__file__).with_name("sigint_job.py")), str(desk_dir), str(N),
         str(BATCH)], first_batch_committed, env=env,
        what="the first committed batch's progress line")
    assert rc == 1, stderr
    assert "Lỗi: Đã hủy theo yêu cầu." in stderr
    events = [json.loads(x) for x in lines]
    assert events[-1]["error"]["code"] == "cancelled"
    progress = [e for e in events if e.get("event") == "progress"]
    assert progress and all(e["step"] == "demo.batch" and e["total"] == N for e in progress)
    assert all(set(e) == {"event", "step", "done", "total", "vi", "en"} for e in progress)
    with open_desk(desk_dir, create=False) as ctx:
        count = repo.count_dossiers(ctx.store.conn)
        assert 0 < count < N and count % BATCH == 0
        assert count == events[-1]["error"]["details"]["done"] == progress[-1]["done"]
        assert verify_svc.run(ctx).ok


@pytest.mark.skipif(os.name == "nt", reason="delivering Ctrl+C to a child needs a console group on"
                    " Windows")
def test_ctrl_c_on_desk_app_init_demo_leaves_a_usable_desk(tmp_path: Path) -> None:
    """The real console command: `desk-app init --demo --json --progress`, Ctrl+C after the first
    batch: exit 1 with the Vietnamese message, whole batches, a desk that verifies."""
    exe = Path(sys.executable).with_name("desk-app")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "desk_app"]
    d = tmp_path / "desk"
    n = 20000
    rc, _lines, stderr = interrupt_when(
        [*cmd, "init", "--data-dir", str(d), "--demo", "--n-dossiers", str(n), "--json",
         "--progress"], lambda lines: any('"progress"' in x for x in lines),
        env=dict(os.environ, PYTHONUNBUFFERED="1"), what="the first progress line of init --demo")
    assert rc == 1, stderr
    assert "Đã hủy theo yêu cầu" in stderr
    with open_desk(d, create=False) as ctx:
        count = repo.count_dossiers(ctx.store.conn)
        assert 0 < count < n and count % 500 == 0      # generate_dossiers' default batch
        assert verify_svc.run(ctx).ok
