"""The back end's CLI and its independence from the desk code."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.backend.refserver import ROOT, Server


def test_backend_shares_no_code_with_the_desk() -> None:
    code = ("import importlib, pkgutil, sys, reference_backend\n"
            "for m in pkgutil.walk_packages(reference_backend.__path__, 'reference_backend.'):\n"
            "    importlib.import_module(m.name)\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('desk_app', 'offline_store', 'PySide6'))\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_add_desk_cli(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "reference_backend", "add-desk", "--data-dir", str(tmp_path)]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PW": "mật khẩu"}
    r = subprocess.run(base + ["--unit", "../../etc", "--user", "a", "--password-env", "PW"],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "Mã đơn vị không đúng dạng" in r.stderr
    r = subprocess.run(base + ["--unit", "000.23.32.H48", "--user", "a", "--password-env", "NOPE"],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "NOPE" in r.stderr
    r = subprocess.run(base + ["--unit", "000.23.32.H48", "--user", "a", "--password-env", "PW", "--desk", "3"],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    from reference_backend.db import Database, accounts
    db = Database(tmp_path)
    with db.read() as conn:
        row = conn.execute(accounts.select()).one()
    db.dispose()
    assert row.desk == 3 and row.password_hash.startswith("$argon2id$") and "mật" not in row.password_hash


def test_catalog_file_served_and_etag_follows_it(make_server) -> None:
    s: Server = make_server()
    (s.data_dir / "catalog.json").write_text(json.dumps(
        {"version": "v1", "units": [{"code": "000.23.32.H48"}], "procedures": [{"code": "1.001193"}]}),
        encoding="utf-8")
    c = s.client()
    r1 = c.http.get("/api/v1/catalog")
    assert r1.json()["version"] == "v1" and r1.json()["swaps"] == [] and r1.json()["calendar"] == []
    assert c.http.get("/api/v1/catalog", headers={"If-None-Match": r1.headers["ETag"]}).status_code == 304
    (s.data_dir / "catalog.json").write_text(json.dumps({"version": "v2", "units": [], "procedures": []}))
    r2 = c.http.get("/api/v1/catalog", headers={"If-None-Match": r1.headers["ETag"]})
    assert r2.status_code == 200 and r2.json()["version"] == "v2" and r2.headers["ETag"] != r1.headers["ETag"]
