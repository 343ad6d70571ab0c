"""Backup benchmark (issue 17): time and MB/s of `backup` and `restore`, against a plain copy of
the same bytes (`shutil.copyfile` of the database and every blob, fsync'd) measured in the same run.

    .venv/bin/python bench/bench_backup.py [--dossiers 100000] [--blob-mb 5000] [--dir DIR]
    .venv/bin/python bench/bench_backup.py --demo          # the demo store (~2,000 dossiers)

The fixture: a desk with N demo dossiers (the demo generator) plus attachments of 2 MB random
(incompressible) bytes, written straight into the blob store and attached to the first dossiers,
until --blob-mb is reached. Three runs: the first backup (everything copied and encrypted), a
second backup (nothing new: only the database), and a restore into a new folder (decrypt, hash,
full verify). The baseline is a plain fsync'd copy of the same files.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DESK_APP_SEAL_KEY_DIR", tempfile.mkdtemp(prefix="bench-keys-"))

from desk_app.services import open_desk  # noqa: E402
from desk_app.services.admin import backup as bk  # noqa: E402
from desk_app.services.admin import demo, setup  # noqa: E402
from offline_store import repo  # noqa: E402


def build(dir_: Path, n: int, blob_mb: int) -> Path:
    data = dir_ / "desk"
    if (data / "desk.sqlite3").exists():
        return data
    setup.init_store(data, demo=True, n_dossiers=0)
    with open_desk(data, create=False) as ctx:
        demo.generate_dossiers(ctx, n, batch=5_000)       # one call: serials run per day
        ids = [r[0] for r in ctx.store.conn.execute("SELECT id FROM dossiers ORDER BY id")]
        tmp = dir_ / "blob.bin"
        with ctx.store.transaction() as conn:
            for i in range(blob_mb // 2):
                tmp.write_bytes(os.urandom(2 << 20))
                sha, size, _new = ctx.store.blobs.put_file_ex(tmp)
                repo.insert_attachment(conn, ids[i % len(ids)], {
                    "sha256": sha, "size": size, "filename": f"scan{i}.pdf",
                    "mime": "application/pdf", "component_seq": 1, "kind": "result"})
        tmp.unlink(missing_ok=True)
    return data


def plain_copy(data: Path, to: Path) -> tuple[float, int]:
    t = time.perf_counter()
    total = 0
    to.mkdir(parents=True)
    for p in [data / "desk.sqlite3", *sorted((data / "blobs").glob("??/*"))]:
        q = to / p.name
        shutil.copyfile(p, q)
        with open(q, "rb+") as fh:
            os.fsync(fh.fileno())
        total += p.stat().st_size
    return time.perf_counter() - t, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=100_000)
    ap.add_argument("--blob-mb", type=int, default=5_000)
    ap.add_argument("--demo", action="store_true", help="the demo store: 2,000 dossiers, no blobs")
    ap.add_argument("--dir", type=Path)
    a = ap.parse_args()
    if a.demo:
        a.dossiers, a.blob_mb = 2_000, 0
    root = a.dir or Path(tempfile.gettempdir()) / f"desk-bench-backup-{a.dossiers}-{a.blob_mb}"
    root.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    data = build(root, a.dossiers, a.blob_mb)
    print(f"fixture: {a.dossiers} dossiers, {a.blob_mb} MB of blobs ({time.perf_counter() - t:.0f} s)")
    for d in ("usb", "plain", "restored"):
        shutil.rmtree(root / d, ignore_errors=True)
    base_s, base_bytes = plain_copy(data, root / "plain")
    shutil.rmtree(root / "plain")
    mb = base_bytes / 1e6
    print(f"{'step':<28}{'seconds':>10}{'MB/s':>10}{'× plain copy':>14}")
    print(f"{'plain fsync-ed copy':<28}{base_s:>10.2f}{mb / base_s:>10.1f}{1.0:>14.2f}")
    with open_desk(data, create=False) as ctx:
        for label in ("backup (first, all new)", "backup (second, nothing new)"):
            t = time.perf_counter()
            rep = bk.backup(ctx, root / "usb", keep_daily=7, keep_weekly=4)
            s = time.perf_counter() - t
            moved = (rep.bytes_copied + (data / "desk.sqlite3").stat().st_size) / 1e6
            print(f"{label:<28}{s:>10.2f}{moved / s:>10.1f}{s / base_s:>14.2f}")
    t = time.perf_counter()
    bk.restore(root / "usb", root / "restored")
    s = time.perf_counter() - t
    print(f"{'restore (+ full verify)':<28}{s:>10.2f}{mb / s:>10.1f}{s / base_s:>14.2f}")
    print(f"load average: {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "")


if __name__ == "__main__":
    main()
