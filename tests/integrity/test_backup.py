"""Backup and restore (issue 17 §5) on real stores, real files and real processes: consistent
while another process writes, encrypted, verified, restorable on a "new PC" with the recovery
key, and never half-done after ``kill -9`` of the backup or of the restore."""
from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desk_app.domain.errors import StorageError, ValidationError
from desk_app.services import intake, open_desk
from desk_app.services.admin import backup as bk
from desk_app.services.admin import sealkey
from desk_app.services.admin import verify as verify_svc
from offline_store import repo
from tests.services.deskutil import request

KILLS = int(os.environ.get("DESK_BACKUP_KILLS", "25"))     # per phase: 25 + 25 = 50 in CI


def _scan(tmp: Path, i: int, size: int = 200_000) -> Path:
    f = tmp / f"scan{i}.pdf"
    rng = random.Random(i)
    f.write_bytes(b"%PDF-1.4\n" + rng.randbytes(size))
    return f


def _fill(ctx, tmp: Path, n: int, *, size: int = 200_000, start: int = 0) -> None:
    for i in range(start, start + n):
        intake.receive(ctx, request("1.004873", attachments=[(_scan(tmp, i, size), 1)]))


def _rows(data_dir: Path) -> dict[str, list]:
    con = sqlite3.connect(data_dir / "desk.sqlite3")
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("dossiers", "dossier_components", "dossier_events", "attachments",
                          "applicants", "outbox", "audit_log", "dossier_seals")}
    finally:
        con.close()


def _blob_files(data_dir: Path) -> dict[str, bytes]:
    """Each blob's content as the app reads it (an encrypted desk's files are ciphertext, and a
    restore re-encrypts them with the new PC's key)."""
    from offline_store import Store

    with Store.open(data_dir) as store:
        return {p.name: store.blobs.read_bytes(p.name)
                for p in (data_dir / "blobs").glob("??/*") if len(p.name) == 64}


def test_backup_is_encrypted_and_a_restore_equals_the_source(ctx, tmp_path: Path) -> None:
    _fill(ctx, tmp_path, 4)
    usb = tmp_path / "usb"
    rep = bk.backup(ctx, usb)
    assert rep.verified and rep.dossiers == repo.count_dossiers(ctx.store.conn)
    assert rep.blobs == rep.blobs_copied == 4 and rep.recovery_key.count("-") == 12
    # nothing readable on the stick: no applicant name, no ID number, no blob plaintext
    name = ctx.store.conn.execute("SELECT applicant_name, applicant_id_number FROM dossiers"
                                  ).fetchone()
    blob = next(iter(_blob_files(ctx.data_dir).values()))
    for f in usb.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert name[0].encode() not in data and name[1].encode() not in data, f
            assert blob[100:164] not in data, f
            assert ctx.store.conn.execute("SELECT sha256 FROM attachments").fetchone()[0] \
                not in f.name
    # a second backup copies no blob again (content-addressed pool)
    again = bk.backup(ctx, usb)
    assert again.blobs_copied == 0 and again.recovery_key == ""
    target = tmp_path / "restored"
    out = bk.restore(usb, target)
    assert out.verified and out.dossiers == rep.dossiers
    got, src = _rows(target), _rows(ctx.data_dir)
    # the source's audit log goes on after the snapshot by exactly one row: "backup.done" of the
    # second backup itself (written once the snapshot was safely in place)
    assert [r[3] for r in src["audit_log"][len(got["audit_log"]):]] == ["backup.done"]
    src["audit_log"] = src["audit_log"][:len(got["audit_log"])]
    assert got == src
    assert _blob_files(target) == _blob_files(ctx.data_dir)
    with open_desk(target, create=False) as rctx:
        assert verify_svc.run(rctx).ok


def test_restore_on_a_new_pc_needs_the_recovery_key(ctx, tmp_path: Path, monkeypatch) -> None:
    _fill(ctx, tmp_path, 2)
    usb = tmp_path / "usb"
    key = bk.backup(ctx, usb).recovery_key
    monkeypatch.setenv("DESK_APP_SEAL_KEY_DIR", str(tmp_path / "new-pc-keys"))   # no keys here
    with pytest.raises(ValidationError) as e:
        bk.restore(usb, tmp_path / "a")
    assert e.value.code == "recovery_key_needed" and not (tmp_path / "a").exists()
    wrong = ("A" if key[0] != "A" else "B") + key[1:]
    with pytest.raises(ValidationError) as e:
        bk.restore(usb, tmp_path / "b", recovery_key=wrong)
    assert e.value.code == "backup_wrong_key" and not (tmp_path / "b").exists()
    # the last character holds 1 key bit and 4 unused ones: a spelling that differs only in the
    # unused bits is refused as malformed, never taken for the same key
    assert key[-1] in "AQ"
    alias = key[:-1] + chr(ord(key[-1]) + 1)          # A→B, Q→R: same key bit, unused bits set
    with pytest.raises(ValidationError) as e:
        bk.restore(usb, tmp_path / "b", recovery_key=alias)
    assert e.value.code == "recovery_key_invalid" and not (tmp_path / "b").exists()
    out = bk.restore(usb, tmp_path / "c", recovery_key=key.lower().replace("-", " "))
    assert out.verified
    with open_desk(tmp_path / "c", create=False) as rctx:   # seals hold with the restored key
        rep = verify_svc.run(rctx)
        assert rep.ok, rep.checks
        assert "seal(s) hold" in dict((c, d) for c, _ok, d in rep.checks)["seals"]


def test_refusals_change_nothing(ctx, tmp_path: Path, desk_dir: Path) -> None:
    usb = tmp_path / "usb"
    bk.backup(ctx, usb)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    with pytest.raises(ValidationError) as e:
        bk.restore(usb, busy)
    assert e.value.code == "restore_target_not_empty" and os.listdir(busy) == ["keep.txt"]
    with pytest.raises(ValidationError):
        bk.backup(ctx, ctx.data_dir / "inside")
    (usb / "backup-of.json").write_text(json.dumps({"install_id": "another-desk"}))
    before = sorted(p.name for p in (usb / "snapshots").iterdir())
    with pytest.raises(ValidationError) as e:
        bk.backup(ctx, usb)
    assert e.value.code == "backup_folder_foreign"
    assert sorted(p.name for p in (usb / "snapshots").iterdir()) == before


def test_a_changed_backup_is_refused_and_nothing_appears(ctx, tmp_path: Path) -> None:
    _fill(ctx, tmp_path, 2)
    usb = tmp_path / "usb"
    bk.backup(ctx, usb)
    victim = sorted((usb / "blobs").iterdir())[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    with pytest.raises(StorageError):
        bk.restore(usb, tmp_path / "r")
    assert not (tmp_path / "r").exists()
    assert not list(tmp_path.glob(".r.restoring-*"))
    snap = bk._snapshots(usb)[-1]
    m = json.loads((snap / "manifest.json").read_text())
    m["dossiers"] += 1                                       # an edited manifest
    (snap / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(StorageError) as e:
        bk.restore(usb, tmp_path / "r")
    assert e.value.code == "backup_manifest_changed" and not (tmp_path / "r").exists()


def test_retention_keeps_daily_and_weekly(ctx, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    t0 = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
    for day in range(40):
        for hour in (0, 5):                                  # two backups a day
            bk.backup(ctx, usb, keep_daily=7, keep_weekly=4,
                      now=t0 + timedelta(days=day, hours=hour))
    names = [s.name for s in bk.list_backups(usb)]
    days = sorted({n[:8] for n in names})
    last7 = [(t0 + timedelta(days=d)).strftime("%Y%m%d") for d in range(33, 40)]
    assert set(last7) <= set(days)
    assert len(names) == len(days), "one snapshot per kept day (the day's newest)"
    weeks = {datetime.strptime(d, "%Y%m%d").isocalendar()[:2] for d in days}
    assert len(days) <= 7 + 4 and len(weeks) >= 4
    assert all(n.endswith("Z") for n in names) and names[-1][:8] == last7[-1]


def test_status_warns_when_old_and_unsynced(ctx, tmp_path: Path) -> None:
    _fill(ctx, tmp_path, 1, size=1000)
    st = bk.status(ctx)
    assert st.last_at is None and st.warn and "Chưa sao lưu" in st.text("vi")
    bk.backup(ctx, tmp_path / "usb", now=datetime.now(timezone.utc) - timedelta(hours=30))
    st = bk.status(ctx)
    assert st.age_hours >= 29 and st.unsynced > 0 and st.warn
    assert "quá một ngày" in st.text("vi") and "over a day" in st.text("en")
    bk.backup(ctx, tmp_path / "usb")
    assert not bk.status(ctx).warn


def test_malformed_database_names_the_newest_backup(ctx, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    snap = bk.backup(ctx, usb).snapshot
    data_dir = ctx.data_dir
    ctx.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.close()
    with open(data_dir / "desk.sqlite3", "r+b") as fh:
        fh.write(b"\0garbage" * 64)
    with pytest.raises(StorageError) as e:
        open_desk(data_dir, create=False)
    assert e.value.code == "store_malformed"
    assert snap in e.value.vi and "desk-app restore" in e.value.vi and snap in e.value.en


# --------------------------------------------------------------------------- real processes

def _cli(desk_app_cmd, *args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*desk_app_cmd, *args], capture_output=True, text=True, env=env,
                          timeout=120)


WRITER = r"""
import sys, itertools
from pathlib import Path
from desk_app.services import intake, open_desk
from tests.services.deskutil import request
with open_desk(Path(sys.argv[1]), create=False) as ctx:
    print("ready", flush=True)
    for i in itertools.count():
        intake.receive(ctx, request("1.004873"))
"""


def test_backup_while_another_process_writes(ctx, tmp_path: Path, desk_app_cmd) -> None:
    _fill(ctx, tmp_path, 3)
    data_dir = ctx.data_dir
    ctx.close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        usb = tmp_path / "usb"
        counts = []
        for _ in range(3):
            r = _cli(desk_app_cmd, "backup", "--data-dir", str(data_dir), "--to", str(usb),
                     "--keep-daily", "0", "--keep-weekly", "0", "--json")
            assert r.returncode == 0, r.stderr
            counts.append(json.loads(r.stdout)["dossiers"])
    finally:
        writer.kill()
        writer.wait()
    assert counts == sorted(counts) and counts[-1] > counts[0] >= 3, "the writer kept writing"
    out = bk.restore(usb, tmp_path / "r")
    assert out.verified and out.dossiers == counts[-1]


KILL_BACKUP = r"""
import sys
from pathlib import Path
from desk_app.services import open_desk
from desk_app.services.admin import backup
with open_desk(Path(sys.argv[1]), create=False) as ctx:
    print("go", flush=True)
    backup.backup(ctx, Path(sys.argv[2]), keep_daily=2, keep_weekly=0)
print("done", flush=True)
"""

KILL_RESTORE = r"""
import sys
from pathlib import Path
from desk_app.services.admin import backup
print("go", flush=True)
backup.restore(Path(sys.argv[1]), Path(sys.argv[2]))
print("done", flush=True)
"""


def _run_and_kill(script: str, args: list[str], delay: float) -> bool:
    """Start ``script``, kill -9 it ``delay`` s after it says "go"; True if it finished first."""
    global _LAST_SPAN
    p = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "go"
        t = time.perf_counter()
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            p.kill()
        p.wait()
        _LAST_SPAN = time.perf_counter() - t
        return p.returncode == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


_LAST_SPAN = 0.0


def _timed(script: str, args: list[str]) -> float:
    """How long the work takes once the process is ready (kills land inside that span)."""
    assert _run_and_kill(script, args, 600)
    return _LAST_SPAN


def test_kill_9_during_backup_and_restore_never_leaves_a_half_state(ctx, tmp_path: Path) -> None:
    _fill(ctx, tmp_path, 12, size=1_500_000)             # long enough to be killed mid-way
    data_dir = ctx.data_dir
    ctx.close()
    usb = tmp_path / "usb"
    _timed(KILL_BACKUP, [str(data_dir), str(usb)])

    def one_more_scan(i: int) -> None:          # each backup has new files to copy
        with open_desk(data_dir, create=False) as c:
            _fill(c, tmp_path, 2, size=800_000, start=100 + 2 * i)
    one_more_scan(-1)
    span = _timed(KILL_BACKUP, [str(data_dir), str(usb)])
    rng = random.Random(17)
    finished = 0
    for i in range(KILLS):
        one_more_scan(i)
        finished += _run_and_kill(KILL_BACKUP, [str(data_dir), str(usb)], rng.uniform(0, 1.2 * span))
        for snap in bk._snapshots(usb):                  # every visible snapshot is whole
            m = json.loads((snap / "manifest.json").read_text())
            key = sealkey.load(m["key_id"], "backup")
            assert bk._verify_snapshot(snap, key, full_blobs=None)
    assert bk._snapshots(usb), "at least the first backup is there"
    with open_desk(data_dir, create=False) as c2:       # the desk itself is untouched
        assert verify_svc.run(c2).ok
    span = _timed(KILL_RESTORE, [str(usb), str(tmp_path / "probe")])
    done_restores = 0
    for i in range(KILLS):
        target = tmp_path / f"restore{i}"
        ok = _run_and_kill(KILL_RESTORE, [str(usb), str(target)], rng.uniform(0, 1.2 * span))
        if target.exists():                              # either absent or complete and sound
            done_restores += 1
            assert ok or (target / "desk.sqlite3").exists()
            with open_desk(target, create=False) as rc:
                assert verify_svc.run(rc).ok
    # a killed restore leaves only hidden litter, which the next restore sweeps
    bk.restore(usb, tmp_path / "final")
    assert not list(tmp_path.glob(".final.restoring-*"))
    print(f"backup kills: {KILLS} ({finished} finished first); restore kills: {KILLS}"
          f" ({done_restores} completed)")
    # the kills must land mid-way (how many runs finish first depends on the machine's load,
    # which slows the killed runs against the span timed before: under xdist often none)
    assert finished < KILLS and done_restores < KILLS, "the kills must land mid-way"
