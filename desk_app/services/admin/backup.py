"""Backup and restore (issue 17 §5): consistent while the GUI writes, encrypted, verified,
kill-safe, with retention; a restore is verified in full before it appears.

Layout of a backup folder (a second disk or a USB stick; one folder per desk)::

    DIR/backup-of.json            which desk these backups belong to (no personal data)
    DIR/blobs/<name>              attachment files, encrypted; <name> = HMAC(key, sha256) so the
                                  folder does not reveal which files a desk holds; shared by
                                  every snapshot (an unchanged scan is copied once)
    DIR/snapshots/<UTC stamp>/    desk.sqlite3.enc, keys.enc (the seal key), manifest.json
    DIR/snapshots/.tmp-*          a snapshot being written (or killed): never read, swept

Why this shape: the SQLite online backup API copies a consistent snapshot while other
connections keep writing (WAL); blobs are content-addressed, so the snapshot's own attachment
list says exactly which files it needs and nothing can change under it. A snapshot folder is
renamed into place only after every file in it and every blob it names is written and fsync'd,
so a ``kill -9`` at any moment leaves the old set of snapshots plus litter that the next run
sweeps. Everything is AES-256-GCM (``offline_store.filecrypt``) with a per-desk backup key kept
like the seal key (OS keyring, or a 0600 file outside the data folder); the key is shown once
as a **recovery key** for restoring on a new PC. The plaintext copy of the database lives only
inside the desk's own private data folder while it is being encrypted.

A restore decrypts into a hidden staging folder next to the target, checks every hash, installs
the seal key, runs the full ``verify`` and only then renames the staging folder to the target:
the target either does not exist yet or is complete.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from desk_app.domain.errors import DeskError, StorageError, ValidationError
from desk_app.jobs import CancelToken, Progress, ProgressFn
from offline_store import audit, repo
from offline_store.blobs import BlobCorrupt
from offline_store.filecrypt import (DecryptError, decrypt_file, encrypt_file, encrypt_stream,
                                     fsync_dir, plaintext_sha256)

log = logging.getLogger(__name__)

FORMAT = 1
POINTER = "backup-location.json"      # in the data folder: where the newest backup is
_CHECK = b"desk-app backup key check"


@dataclass
class BackupReport:
    folder: str
    snapshot: str
    dossiers: int
    blobs: int
    blobs_copied: int
    bytes_copied: int
    seconds: float
    mb_per_s: float
    verified: bool
    pruned: list[str] = field(default_factory=list)
    recovery_key: str = ""             # only on the first backup of this desk: shown once
    key_kept: str = ""                 # "keyring" or the key file's path


@dataclass
class RestoreReport:
    data_dir: str
    snapshot: str
    dossiers: int
    blobs: int
    seconds: float
    verified: bool


@dataclass
class SnapshotInfo:
    name: str
    created_at: str
    dossiers: int
    blobs: int


@dataclass
class BackupStatus:
    folder: str
    last_at: str | None
    age_hours: float | None
    unsynced: int
    warn: bool

    def text(self, lang: str = "vi") -> str:
        vi = lang == "vi"
        if self.last_at is None:
            return "Chưa sao lưu lần nào" if vi else "Never backed up"
        h = self.age_hours or 0.0
        age = (f"{h:.0f} giờ trước" if vi else f"{h:.0f} h ago") if h >= 1 else \
              ("vừa xong" if vi else "just now")
        head = ("Sao lưu: " if vi else "Backup: ") + age
        if self.warn:
            head += (" — quá một ngày, còn việc chưa đồng bộ" if vi
                     else " — over a day old with unsynced work")
        return head


# --------------------------------------------------------------------------- keys

def _sealkey():
    from desk_app.services.admin import sealkey

    return sealkey


def format_recovery_key(key: bytes) -> str:
    """32 bytes → 13 groups of 4 base32 characters (what the administrator writes down)."""
    s = base64.b32encode(key).decode("ascii").rstrip("=")
    return "-".join(s[i:i + 4] for i in range(0, len(s), 4))


def parse_recovery_key(text: str) -> bytes:
    s = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        key = base64.b32decode(s + "=" * (-len(s) % 8))
    except (ValueError, TypeError):
        key = b""
    # 52 base32 characters carry 260 bits for 256: the last character's low bits are unused, so
    # only the canonical spelling is accepted (a changed last character must not decode alike).
    if len(key) != 32 or base64.b32encode(key).decode("ascii").rstrip("=") != s:
        raise ValidationError("recovery_key_invalid",
                              "Khóa khôi phục không đúng dạng (13 nhóm 4 ký tự, ví dụ ABCD-EFGH-…).",
                              "The recovery key is not well formed (13 groups of 4 characters,"
                              " e.g. ABCD-EFGH-…).")
    return key


def _key_check(key: bytes) -> str:
    return hmac.new(key, _CHECK, hashlib.sha256).hexdigest()


def _desk_key(ctx) -> tuple[str, bytes, bool, str]:
    """(key id, key, created now?, where kept). Created on the first backup of a desk."""
    sk = _sealkey()
    key_id = repo.get_meta(ctx.store.conn, "backup_key_id")
    if key_id is not None:
        key = sk.load(key_id, "backup")
        if key is None:
            raise StorageError("backup_key_missing",
                               "Không tìm thấy khóa sao lưu của quầy này trên máy. Hãy khôi phục"
                               " khóa bằng khóa khôi phục, hoặc hỏi cán bộ CNTT.",
                               "This desk's backup key is not on this PC. Restore it with the"
                               " recovery key, or ask IT.")
        return key_id, key, False, ""
    key_id = secrets.token_hex(12)
    key, where = sk.create(key_id, "backup")
    with ctx.store.transaction() as conn:
        repo.set_meta(conn, "backup_key_id", key_id)
    return key_id, key, True, where


# --------------------------------------------------------------------------- helpers

def _pool_name(key: bytes, sha: str) -> str:
    return hmac.new(key, sha.encode("ascii"), hashlib.sha256).hexdigest()


def _encrypted_size(size: int) -> int:
    chunks = max(1, -(-size // (1 << 20)))
    return 6 + 8 + chunks * (4 + 16) + size


def _manifest_mac(key: bytes, manifest: dict) -> str:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _write_json(path: Path, data: dict) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)
    fsync_dir(path.parent)


def _stamp(now: datetime) -> str:
    return now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _mkdir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


def _snapshots(folder: Path) -> list[Path]:
    d = folder / "snapshots"
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and (p / "manifest.json").is_file())


def _read_manifest(snap: Path) -> dict:
    try:
        return json.loads((snap / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise StorageError("backup_manifest_unreadable",
                           f"Không đọc được bản kê của bản sao lưu {snap.name}.",
                           f"The manifest of backup {snap.name} cannot be read.") from exc


def _sweep(folder: Path, older_than_s: float = 0.0) -> None:
    """Litter of killed runs: .tmp snapshot folders and .part files."""
    now = time.time()
    for p in list((folder / "snapshots").glob(".tmp-*")) + list((folder / "blobs").glob("*.part")):
        try:
            if now - p.stat().st_mtime < older_than_s:
                continue
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        except OSError:
            pass


def _step(progress: ProgressFn | None, step: str, done: int, total: int, vi: str, en: str) -> None:
    if progress is not None:
        progress(Progress(step, done, total, vi, en))


def _check_cancel(cancel: CancelToken | None, done: int, total: int) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled(done=done, total=total)


# --------------------------------------------------------------------------- backup

def backup(ctx, to: Path, *, keep_daily: int = 7, keep_weekly: int = 4,
           now: datetime | None = None, progress: ProgressFn | None = None,
           cancel: CancelToken | None = None) -> BackupReport:
    """Back the desk up into ``to`` (see the module text). A job: progress per blob, cancel
    between blobs (nothing half-done is left visible)."""
    from filelock import FileLock, Timeout

    t0 = time.perf_counter()
    folder = Path(to)
    if folder.resolve() == ctx.data_dir.resolve() or ctx.data_dir.resolve() in folder.resolve().parents:
        raise ValidationError("backup_inside_data",
                              "Thư mục sao lưu không được nằm trong thư mục dữ liệu của quầy.",
                              "The backup folder must not be inside the desk's data folder.")
    try:
        for d in (folder, folder / "blobs", folder / "snapshots"):
            _mkdir(d)
    except OSError as exc:
        raise StorageError("backup_folder_unwritable",
                           f"Không ghi được vào thư mục sao lưu {folder}: {exc.strerror or exc}",
                           f"Cannot write to the backup folder {folder}: {exc.strerror or exc}"
                           ) from exc
    install_id = repo.get_meta(ctx.store.conn, "install_id") or ""
    owner = folder / "backup-of.json"
    if owner.exists():
        try:
            theirs = json.loads(owner.read_text("utf-8")).get("install_id")
        except (OSError, ValueError):
            theirs = None
        if theirs and theirs != install_id:
            raise ValidationError("backup_folder_foreign",
                                  "Thư mục này đang chứa bản sao lưu của một quầy khác; hãy chọn"
                                  " thư mục riêng cho quầy này.",
                                  "This folder holds another desk's backups; choose a folder of"
                                  " this desk's own.")
    lock = FileLock(str(folder / ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise StorageError("backup_busy", "Một lần sao lưu khác đang chạy vào thư mục này.",
                           "Another backup into this folder is running.") from None
    work = ctx.data_dir / "backup-tmp"          # private (0700): the only plaintext copy
    try:
        _sweep(folder)
        shutil.rmtree(work, ignore_errors=True)
        _mkdir(work)
        key_id, key, fresh, kept = _desk_key(ctx)
        if not owner.exists():
            _write_json(owner, {"install_id": install_id, "format": FORMAT,
                                "unit_code": repo.get_meta(ctx.store.conn, "unit_code") or "",
                                "desk_no": repo.get_meta(ctx.store.conn, "desk_no") or ""})
        now = now or datetime.now(timezone.utc)
        name = _stamp(now)
        tmp = folder / "snapshots" / f".tmp-{name}-{secrets.token_hex(3)}"
        _mkdir(tmp)

        # 1. a consistent copy of the database (other connections may keep writing)
        _step(progress, "backup.db", 0, 1, "Đang chép cơ sở dữ liệu", "Copying the database")
        plain = work / "desk.sqlite3"
        from offline_store.cipher import plain_copy

        plain_copy(ctx.store, plain)       # encrypted stores: sqlcipher_export, same snapshot
        dst = sqlite3.connect(plain)
        try:
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise StorageError("backup_source_corrupt",
                                   "Cơ sở dữ liệu của quầy có lỗi nên không sao lưu được;"
                                   " chạy “desk-app verify” và báo cán bộ CNTT.",
                                   "The desk's database has errors and cannot be backed"
                                   " up; run “desk-app verify” and tell IT.")
            n_dossiers = dst.execute("SELECT count(*) FROM dossiers").fetchone()[0]
            blobs = [(r[0], int(r[1])) for r in dst.execute(
                "SELECT DISTINCT sha256, size FROM attachments ORDER BY sha256")]
            seal_key_id = (dst.execute("SELECT value FROM meta WHERE key = 'seal_key_id'")
                           .fetchone() or [None])[0]
        finally:
            dst.close()
        db_sha, db_size = encrypt_file(key, plain, tmp / "desk.sqlite3.enc")
        plain.unlink()

        # 2. the blobs it names (each copied once into the shared pool)
        copied, copied_bytes, total = 0, 0, len(blobs)
        new_names: list[tuple[str, str, int]] = []
        for i, (sha, size) in enumerate(blobs):
            _check_cancel(cancel, i, total)
            target = folder / "blobs" / _pool_name(key, sha)
            if not (target.is_file() and target.stat().st_size == _encrypted_size(size)):
                part = target.with_name(target.name + ".part")
                try:
                    with ctx.store.blobs.open(sha) as fin, open(part, "wb") as fout:
                        got_sha, got = encrypt_stream(key, fin, fout)
                        fout.flush()
                        os.fsync(fout.fileno())
                except (OSError, ValueError, BlobCorrupt) as exc:
                    part.unlink(missing_ok=True)
                    raise StorageError("backup_blob_unreadable",
                                       f"Tệp đính kèm {sha[:12]}… của quầy không đọc được hoặc đã"
                                       " hỏng; chạy “desk-app verify”.",
                                       f"Attachment {sha[:12]}… cannot be read or is damaged;"
                                       " run “desk-app verify”.") from exc
                if got_sha != sha or got != size:
                    part.unlink(missing_ok=True)
                    raise StorageError("backup_blob_mismatch",
                                       f"Tệp đính kèm {sha[:12]}… không khớp mã băm; chạy"
                                       " “desk-app verify”.",
                                       f"Attachment {sha[:12]}… does not match its hash; run"
                                       " “desk-app verify”.")
                os.replace(part, target)
                copied += 1
                copied_bytes += size
                new_names.append((target.name, sha, size))
            _step(progress, "backup.blobs", i + 1, total,
                  f"Đang chép tệp đính kèm ({i + 1}/{total})",
                  f"Copying attachments ({i + 1}/{total})")
        if copied:
            fsync_dir(folder / "blobs")

        # 3. the seal key travels inside the backup (encrypted): a restore on a new PC verifies
        keys = {"seal_key_id": seal_key_id, "seal_key": None}
        if seal_key_id:
            sk = _sealkey().load(seal_key_id)
            keys["seal_key"] = sk.hex() if sk else None
        (work / "keys.json").write_text(json.dumps(keys), "utf-8")
        encrypt_file(key, work / "keys.json", tmp / "keys.enc")
        (work / "keys.json").unlink()

        manifest = {"format": FORMAT, "created_at": now.isoformat(), "install_id": install_id,
                    "key_id": key_id, "key_check": _key_check(key),
                    "db": {"file": "desk.sqlite3.enc", "sha256": db_sha, "size": db_size},
                    "dossiers": n_dossiers, "encrypted": bool(ctx.store.encrypted),
                    "blobs": [[_pool_name(key, s), s, n] for s, n in blobs]}
        manifest["mac"] = _manifest_mac(key, manifest)
        _write_json(tmp / "manifest.json", manifest)
        final = folder / "snapshots" / name
        os.replace(tmp, final)
        fsync_dir(folder / "snapshots")

        # 4. verify what was written: database and new blobs decrypted and hashed, others sized
        _step(progress, "backup.verify", 0, 1, "Đang kiểm tra bản sao lưu", "Verifying the backup")
        verified = _verify_snapshot(final, key, full_blobs={n for n, _s, _z in new_names})

        # 5. remember it (status bar, "malformed" advice) and apply the retention
        pruned = prune(folder, keep_daily=keep_daily, keep_weekly=keep_weekly, key=key)
        with ctx.store.transaction() as conn:
            repo.set_sync_state(conn, "last_backup", json.dumps(
                {"at": now.isoformat(), "folder": str(folder), "snapshot": name}))
            audit.append(conn, actor=getattr(ctx, "actor", "") or "backup", action="backup.done",
                         entity="desk", entity_id=install_id,
                         detail={"snapshot": name, "dossiers": n_dossiers, "blobs": total,
                                 "copied": copied})
        try:
            _write_json(ctx.data_dir / POINTER, {"folder": str(folder.resolve()),
                                                 "snapshot": name, "at": now.isoformat()})
        except OSError:
            pass
        secs = max(time.perf_counter() - t0, 1e-6)
        moved = db_size + copied_bytes
        log.info("backup %s: %d dossiers, %d blobs (%d copied), %.1f s", name, n_dossiers, total,
                 copied, secs)
        return BackupReport(str(folder), name, n_dossiers, total, copied, copied_bytes,
                            round(secs, 2), round(moved / secs / 1e6, 1), verified, pruned,
                            format_recovery_key(key) if fresh else "", kept)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        lock.release()


def _verify_snapshot(snap: Path, key: bytes, *, full_blobs: set[str] | None = None) -> bool:
    """Raise StorageError when the snapshot is not whole; ``full_blobs`` None = hash every blob."""
    m = _read_manifest(snap)
    if m.get("key_check") != _key_check(key):
        raise ValidationError("backup_wrong_key", "Khóa khôi phục không đúng với bản sao lưu này.",
                              "The recovery key does not match this backup.")
    if not hmac.compare_digest(str(m.get("mac", "")), _manifest_mac(key, m)):
        raise StorageError("backup_manifest_changed",
                           f"Bản kê của bản sao lưu {snap.name} đã bị sửa.",
                           f"The manifest of backup {snap.name} was changed.")
    try:
        sha, size = plaintext_sha256(key, snap / m["db"]["file"])
        if (sha, size) != (m["db"]["sha256"], m["db"]["size"]):
            raise DecryptError("database copy does not match")
        pool = snap.parent.parent / "blobs"
        for name, bsha, bsize in m["blobs"]:
            p = pool / name
            if full_blobs is None or name in full_blobs:
                if plaintext_sha256(key, p) != (bsha, bsize):
                    raise DecryptError(f"blob {name[:12]} does not match")
            elif not p.is_file() or p.stat().st_size != _encrypted_size(bsize):
                raise DecryptError(f"blob {name[:12]} is missing or has the wrong size")
    except (OSError, DecryptError) as exc:
        raise StorageError("backup_damaged",
                           f"Bản sao lưu {snap.name} bị hỏng hoặc thiếu tệp: {exc}",
                           f"Backup {snap.name} is damaged or incomplete: {exc}") from exc
    return True


def prune(folder: Path, *, keep_daily: int, keep_weekly: int, key: bytes | None = None) -> list[str]:
    """Keep the newest snapshot of each of the last ``keep_daily`` days and of each of the last
    ``keep_weekly`` ISO weeks (the newest snapshot always); remove the rest, then the pool blobs
    no kept snapshot names. Returns the removed snapshot names."""
    snaps = _snapshots(folder)
    if not snaps:
        return []
    by_day: dict[str, Path] = {}
    by_week: dict[tuple[int, int], Path] = {}
    for s in snaps:                                  # sorted oldest → newest: newest wins
        d = datetime.strptime(s.name[:8], "%Y%m%d").date()
        by_day[s.name[:8]] = s
        by_week[tuple(d.isocalendar()[:2])] = s
    keep = {snaps[-1]}
    keep |= {by_day[k] for k in sorted(by_day)[-max(keep_daily, 0):]} if keep_daily else set()
    keep |= {by_week[k] for k in sorted(by_week)[-max(keep_weekly, 0):]} if keep_weekly else set()
    removed = []
    for s in snaps:
        if s in keep:
            continue
        trash = s.with_name(f".tmp-prune-{s.name}")
        os.replace(s, trash)                         # gone from the list in one step
        shutil.rmtree(trash, ignore_errors=True)
        removed.append(s.name)
    if removed:
        wanted: set[str] = set()
        for s in _snapshots(folder):
            wanted |= {b[0] for b in _read_manifest(s).get("blobs", [])}
        for p in (folder / "blobs").iterdir():
            if p.is_file() and not p.name.endswith(".part") and p.name not in wanted:
                p.unlink(missing_ok=True)
    return removed


def list_backups(folder: Path) -> list[SnapshotInfo]:
    out = []
    for s in _snapshots(Path(folder)):
        m = _read_manifest(s)
        out.append(SnapshotInfo(s.name, m.get("created_at", ""), int(m.get("dossiers", 0)),
                                len(m.get("blobs", []))))
    return out


def status(ctx) -> BackupStatus:
    """For the status bar: the last backup's age, and a warning when it is older than a day
    while work is still waiting to be synced (the only copy is on this PC)."""
    raw = repo.get_sync_state(ctx.store.conn, "last_backup")
    unsynced = ctx.store.conn.execute(
        "SELECT count(*) FROM outbox WHERE state NOT IN ('done')").fetchone()[0]
    if not raw:
        return BackupStatus("", None, None, unsynced, unsynced > 0)
    info = json.loads(raw)
    at = datetime.fromisoformat(info["at"])
    age = (datetime.now(timezone.utc) - at).total_seconds() / 3600
    return BackupStatus(info.get("folder", ""), info["at"], round(age, 1), unsynced,
                        age > 24 and unsynced > 0)


def newest_backup_hint(data_dir: Path) -> dict | None:
    """Where the newest backup of a (possibly broken) desk is, read without opening its DB."""
    try:
        info = json.loads((Path(data_dir) / POINTER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    snaps = _snapshots(Path(info.get("folder", "")))
    if not snaps:
        return None
    return {"folder": info["folder"], "snapshot": snaps[-1].name}


# --------------------------------------------------------------------------- restore

def restore(src: Path, data_dir: Path, *, recovery_key: str | None = None,
            snapshot: str | None = None, progress: ProgressFn | None = None,
            cancel: CancelToken | None = None) -> RestoreReport:
    """Restore the newest (or the named) snapshot of the backup folder ``src`` into the new data
    folder ``data_dir`` (which must not hold a desk). Verified in full before it appears."""
    t0 = time.perf_counter()
    src, data_dir = Path(src), Path(data_dir)
    if src.name and (src / "manifest.json").is_file():       # a snapshot folder itself
        snapshot, src = src.name, src.parent.parent
    snaps = _snapshots(src)
    if snapshot:
        snaps = [s for s in snaps if s.name == snapshot]
    if not snaps:
        raise ValidationError("backup_not_found",
                              f"Không có bản sao lưu hoàn chỉnh nào trong {src}.",
                              f"No complete backup in {src}.")
    snap = snaps[-1]
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise ValidationError("restore_target_not_empty",
                              f"Thư mục {data_dir} đã có dữ liệu; hãy khôi phục vào một thư mục"
                              " mới (dữ liệu hiện có không bị động đến).",
                              f"{data_dir} is not empty; restore into a new folder (nothing"
                              " there was touched).")
    m = _read_manifest(snap)
    sk = _sealkey()
    if recovery_key:
        key = parse_recovery_key(recovery_key)
    else:
        key = sk.load(str(m.get("key_id", "")), "backup")
        if key is None:
            raise ValidationError("recovery_key_needed",
                                  "Máy này không có khóa sao lưu của quầy; hãy nhập khóa khôi"
                                  " phục (--recovery-key-env).",
                                  "This PC does not hold the desk's backup key; give the"
                                  " recovery key (--recovery-key-env).")
    _step(progress, "restore.check", 0, 1, "Đang kiểm tra bản sao lưu", "Checking the backup")
    _verify_snapshot(snap, key, full_blobs=set())
    parent = data_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    for old in parent.glob(f".{data_dir.name}.restoring-*"):   # litter of a killed restore
        shutil.rmtree(old, ignore_errors=True)
    staging = parent / f".{data_dir.name}.restoring-{secrets.token_hex(4)}"
    staging.mkdir(mode=0o700)
    try:
        db_sha, db_size = decrypt_file(key, snap / m["db"]["file"], staging / "desk.sqlite3")
        if (db_sha, db_size) != (m["db"]["sha256"], m["db"]["size"]):
            raise StorageError("backup_damaged", "Bản sao cơ sở dữ liệu không khớp bản kê.",
                               "The database copy does not match the manifest.")
        blobs = m.get("blobs", [])
        for i, (name, sha, size) in enumerate(blobs):
            _check_cancel(cancel, i, len(blobs))
            d = staging / "blobs" / sha[:2]
            d.mkdir(parents=True, exist_ok=True)
            got = decrypt_file(key, src / "blobs" / name, d / sha)
            if got != (sha, size):
                raise StorageError("backup_damaged", f"Tệp {sha[:12]}… không khớp bản kê.",
                                   f"File {sha[:12]}… does not match the manifest.")
            _step(progress, "restore.blobs", i + 1, len(blobs),
                  f"Đang khôi phục tệp đính kèm ({i + 1}/{len(blobs)})",
                  f"Restoring attachments ({i + 1}/{len(blobs)})")
        keys_plain = staging / "keys.json"
        decrypt_file(key, snap / "keys.enc", keys_plain)
        keys = json.loads(keys_plain.read_text("utf-8"))
        keys_plain.unlink()
        if keys.get("seal_key_id") and keys.get("seal_key") and \
                sk.load(keys["seal_key_id"]) is None:
            sk.create(keys["seal_key_id"], "seal", key=bytes.fromhex(keys["seal_key"]))
        if sk.load(str(m["key_id"]), "backup") is None:
            sk.create(str(m["key_id"]), "backup", key=key)   # later backups continue the set
        if m.get("encrypted"):      # an encrypted desk comes back encrypted, with this PC's key
            from offline_store.cipher import EncryptionError, encrypt_store

            try:
                encrypt_store(staging, sk.data_key)
            except EncryptionError as exc:
                raise StorageError(exc.code, exc.vi, exc.en) from exc
        # full verify of what will become the desk (opened with the restored seal key)
        _step(progress, "restore.verify", 0, 1, "Đang kiểm tra toàn bộ dữ liệu",
              "Verifying everything")
        from desk_app.services.desk import open_desk
        from desk_app.services.admin import verify as verify_svc

        with open_desk(staging, create=False) as ctx:
            rep = verify_svc.run(ctx)
            n = repo.count_dossiers(ctx.store.conn)
        if not rep.ok:
            bad = "; ".join(f"{c}: {d}" for c, ok, d in rep.checks if not ok)[:300]
            raise StorageError("restore_verify_failed",
                               f"Dữ liệu khôi phục không qua kiểm tra: {bad}",
                               f"The restored data failed verification: {bad}")
        (staging / POINTER).unlink(missing_ok=True)
        _write_json(staging / POINTER, {"folder": str(src.resolve()), "snapshot": snap.name,
                                        "at": m.get("created_at", "")})
        if data_dir.exists():
            data_dir.rmdir()                        # empty (checked above)
        os.replace(staging, data_dir)
        fsync_dir(parent)
    except DecryptError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StorageError("backup_damaged",
                           f"Bản sao lưu {snap.name} bị hỏng hoặc bị sửa ({exc}); không khôi phục"
                           " gì. Thử bản sao lưu cũ hơn (--snapshot).",
                           f"Backup {snap.name} is damaged or was changed ({exc}); nothing was"
                           " restored. Try an older snapshot (--snapshot).") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RestoreReport(str(data_dir), snap.name, n, len(m.get("blobs", [])),
                         round(time.perf_counter() - t0, 2), True)


def is_backup_error(exc: BaseException) -> bool:
    return isinstance(exc, DeskError) and exc.code.startswith(("backup_", "restore_", "recovery_"))


__all__ = ["BackupReport", "RestoreReport", "SnapshotInfo", "BackupStatus", "backup", "restore",
           "prune", "list_backups", "status", "newest_backup_hint", "format_recovery_key",
           "parse_recovery_key", "is_backup_error"]
