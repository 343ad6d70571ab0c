"""``verify --repair`` (issue 17 §6): removes blobs no row refers to (older than the grace
period) and leftover temp files; keeps every referenced or young blob; admin only (exit 3)."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from desk_app.services import intake
from desk_app.services.admin import verify as verify_svc
from tests.services.deskutil import request


def _age(p: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(p, (t, t))


def test_repair_removes_only_old_orphans(ctx, tmp_path: Path) -> None:
    scan = tmp_path / "kept.pdf"
    scan.write_bytes(b"%PDF-1.4 kept scan")
    intake.receive(ctx, request("1.004873", attachments=[(scan, 1)]))
    kept = ctx.store.conn.execute("SELECT sha256 FROM attachments").fetchone()[0]
    old, _ = ctx.store.blobs.put_bytes(b"orphan of a crashed intake")
    young, _ = ctx.store.blobs.put_bytes(b"being committed by another process")
    for sha in (kept, old):
        _age(ctx.store.blobs.path(sha), 7200)
    on_disk = ctx.store.blobs.path(old).stat().st_size     # the plaintext's size on a plain desk
    out = verify_svc.repair(ctx)
    assert out["orphan_blobs_removed"] == 1 and out["bytes_freed"] == on_disk
    assert not ctx.store.blobs.exists(old)
    assert ctx.store.blobs.exists(kept) and ctx.store.blobs.exists(young)
    assert verify_svc.run(ctx).ok
    assert ctx.store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'store.repair'"
                                  ).fetchone()[0] == 1


def test_repair_is_for_administrators(desk_app_cmd, tmp_path: Path) -> None:
    d = tmp_path / "desk"
    env = {**os.environ, "PW": "demo-clerk"}
    subprocess.run([*desk_app_cmd, "init", "--data-dir", str(d), "--demo", "--n-dossiers", "0"],
                   check=True, capture_output=True, timeout=120)
    r = subprocess.run([*desk_app_cmd, "verify", "--repair", "--data-dir", str(d), "--user", "lan",
                        "--password-env", "PW"], capture_output=True, text=True, env={
                            **env, "PW": "demo-supervisor"}, timeout=120)
    assert r.returncode == 3, r.stderr
    r = subprocess.run([*desk_app_cmd, "verify", "--repair", "--data-dir", str(d)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "orphan_blobs_removed=0" in r.stdout
