"""Encryption at rest (issue 17 §3): which stores are encrypted, with which key, and the driver.

A desk's database is encrypted by SQLCipher 4 (the ``sqlcipher3`` package: a DB-API module shaped
like the standard ``sqlite3``, with SQLCipher and OpenSSL statically linked in its wheels for
Windows and Linux), its blobs by AES-256-GCM (``offline_store.filecrypt``'s chunk format). Why
SQLCipher and not SQLite3 Multiple Ciphers: ``docs/dev/integrity.md`` §6.

The key is 32 random bytes per desk, never in the data folder. The folder holds only the
*marker* ``desk.encryption.json`` (format, cipher, key id — nothing secret), so a store says it is
encrypted before its database is opened, and a copied or moved folder finds its key on the same PC
by the id. Where the key lives is the desk layer's business (``desk_app/services/admin/sealkey.py``:
the OS keyring, else a 0600 file outside the data folder); this package asks for it through the key
provider ``offline_store.store.set_key_provider`` registered, passing a :class:`KeyRequest`.
Without a registered provider (tests of this package alone), keys are kept as the desk layer keeps
them when ``DESK_APP_SEAL_KEY_DIR`` is set: ``<that folder>/db/<key id>.key``, 0600.

``DESK_APP_ENCRYPT=1`` makes every *new* store encrypted (the province default an installer sets;
the test suite runs with it to prove everything works encrypted). Existing stores never change
kind on open: a plain store stays plain until ``desk-app encrypt`` converts it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

MARKER = "desk.encryption.json"
ENV = "DESK_APP_ENCRYPT"
CIPHER = "sqlcipher4"           # SQLCipher 4 defaults: AES-256-CBC, HMAC-SHA512 per page, 4 KiB
BLOB_FORMAT = "aes-256-gcm-chunks-1"
_KEY_DIR_ENV = "DESK_APP_SEAL_KEY_DIR"


class EncryptionError(sqlite3.DatabaseError):
    """An encrypted store cannot be opened; ``vi``/``en`` say why and what to do."""

    code = "store_encryption"

    def __init__(self, vi: str, en: str):
        super().__init__(vi)
        self.vi, self.en = vi, en


class KeyMissing(EncryptionError):
    code = "store_key_missing"


class KeyWrong(EncryptionError):
    code = "store_key_wrong"


class DriverMissing(EncryptionError):
    code = "store_cipher_unavailable"


@dataclass
class KeyRequest:
    """What ``Store.open`` asks the key provider for: the key named ``key_id`` (``create``: a new
    key to keep under that id). The provider sets ``key`` (None: not on this PC) and, when it
    creates one, ``kept`` ("keyring" or the key file's path)."""

    data_dir: Path
    key_id: str
    create: bool = False
    key: bytes | None = None
    kept: str = ""


def env_default() -> bool:
    return os.environ.get(ENV, "").strip().lower() in ("1", "true", "yes", "on")


# --------------------------------------------------------------------------- the marker

def read_marker(data_dir: Path) -> dict | None:
    p = Path(data_dir) / MARKER
    try:
        raw = p.read_text("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EncryptionError(f"Không đọc được tệp {MARKER} của quầy: {exc.strerror or exc}",
                              f"Cannot read the desk's {MARKER}: {exc.strerror or exc}") from exc
    try:
        m = json.loads(raw)
        if not isinstance(m, dict) or not isinstance(m.get("key_id"), str) or not m["key_id"]:
            raise ValueError("no key id")
    except ValueError:
        raise EncryptionError(f"Tệp {MARKER} của quầy bị hỏng: không biết khóa nào mở được dữ"
                              " liệu. Hãy gọi cán bộ CNTT (khôi phục từ bản sao lưu).",
                              f"The desk's {MARKER} is damaged: the key of the data is unknown."
                              " Call IT (restore from a backup).") from None
    return m


def key_check(key: bytes) -> str:
    """A check value of the key kept in the marker (an HMAC of a constant: it tells a wrong key
    from a damaged file and reveals nothing of the key)."""
    return hmac.new(key, b"desk-app data key check v1", hashlib.sha256).hexdigest()[:32]


def publish_marker(data_dir: Path, key_id: str, *, pending: str | None = None,
                   check: str | None = None) -> str:
    """Write the marker naming ``key_id`` unless another process published one first; returns
    the key id that won. Written whole to a private temporary file, fsync'd, then put in place
    with an operation that never replaces (a hard link on POSIX, a rename on Windows): a reader
    sees no marker or a complete one, and two processes creating the same store agree on one key.
    """
    from offline_store.blobs import _fsync_dir

    data_dir = Path(data_dir)
    body = {"format": 1, "cipher": CIPHER, "blobs": BLOB_FORMAT, "key_id": key_id,
            "note": "no secret here: the key is in the OS keyring or a key file outside this folder"}
    if pending:
        body["pending"] = pending
    if check:
        body["key_check"] = check
    part = data_dir / f".{MARKER}.{key_id}.part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(body, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    target = data_dir / MARKER
    try:
        try:
            if os.name == "nt":
                os.rename(part, target)         # fails when the target exists
            else:
                os.link(part, target)           # idem, and atomic
                os.unlink(part)
        except FileExistsError:
            raise
        except OSError:                         # a file system without hard links
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(body, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            part.unlink(missing_ok=True)
    except FileExistsError:
        part.unlink(missing_ok=True)
        m = read_marker(data_dir)
        return m["key_id"] if m else key_id
    _fsync_dir(data_dir)
    return key_id


# --------------------------------------------------------------------------- keys

def new_key_id() -> str:
    return secrets.token_hex(12)


def _salt(db_key: bytes) -> bytes:
    """SQLCipher's 16-byte salt, derived from the key instead of drawn at random: processes that
    open a brand-new (empty) file at the same moment must agree on it (a random salt is chosen
    by whoever writes page 1 first, and the others would fail their first HMAC check)."""
    return hmac.new(db_key, b"desk-app sqlcipher salt v1", hashlib.sha256).digest()[:16]


def blob_key(db_key: bytes) -> bytes:
    """The blobs' AES-256-GCM key, derived from the desk's data key (one secret to keep; the two
    ciphers never share a key)."""
    return hmac.new(db_key, b"desk-app blob key v1", hashlib.sha256).digest()


def _default_dir() -> Path | None:
    env = os.environ.get(_KEY_DIR_ENV)
    return Path(env) / "db" if env else None


def default_provider(req: KeyRequest) -> None:
    """No desk layer registered (this package's own tests): key files under
    ``$DESK_APP_SEAL_KEY_DIR/db`` — the same files the desk layer uses with that variable set."""
    d = _default_dir()
    if d is None:
        return
    f = d / f"{req.key_id}.key"
    if req.create:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_bytes(32)
        fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex())
            fh.flush()
            os.fsync(fh.fileno())
        req.key, req.kept = key, str(f)
        return
    try:
        req.key = bytes.fromhex(f.read_text("ascii").strip())
    except (OSError, ValueError):
        req.key = None


# --------------------------------------------------------------------------- the driver

_driver = None


def driver():
    """``sqlcipher3.dbapi2`` with its exception classes made subclasses of ``sqlite3``'s, so every
    ``except sqlite3.IntegrityError`` / ``sqlite3.Error`` in the code base (and in sqlite-utils)
    catches the same errors on an encrypted store as on a plain one."""
    global _driver
    if _driver is not None:
        return _driver
    try:
        from sqlcipher3 import dbapi2
    except ImportError as exc:
        raise DriverMissing("Dữ liệu của quầy được mã hóa nhưng máy này thiếu gói sqlcipher3;"
                            " hãy cài lại chương trình (installer/setup.sh).",
                            "The desk's data is encrypted but this PC lacks the sqlcipher3"
                            " package; reinstall the program (installer/setup.sh).") from exc
    for name in ("InterfaceError", "DatabaseError", "InternalError", "OperationalError",
                 "ProgrammingError", "IntegrityError", "DataError", "NotSupportedError"):
        ours, std = getattr(dbapi2, name), getattr(sqlite3, name)
        if not issubclass(ours, std):
            ours.__bases__ = ours.__bases__ + (std,)
    _driver = dbapi2
    return dbapi2


_conn_class = None


def _connection_class():
    """sqlcipher3's Connection plus what the standard one has and it lacks (``iterdump``)."""
    global _conn_class
    if _conn_class is None:
        drv = driver()

        class Connection(drv.Connection):
            def iterdump(self):
                from sqlite3.dump import _iterdump

                return _iterdump(self)

        _conn_class = Connection
    return _conn_class


def open_encrypted(path: Path, key: bytes, *, timeout: float, isolation_level: str | None = None,
                   row_factory: bool = True, key_ok: bool = False):
    """A ``sqlite3``-shaped connection to the SQLCipher database ``path`` (created if empty);
    ``KeyWrong`` when the key does not open it (or its first page is damaged). ``key_ok``: the
    key matched the marker's check value, so a file it does not open is damaged — raised as
    SQLite's "database disk image is malformed" (the desk layer's advice names the newest backup)."""
    if len(key) != 32:
        raise ValueError("a 32-byte key is needed")
    drv = driver()
    conn = drv.connect(str(path), isolation_level=isolation_level, timeout=timeout,
                       check_same_thread=False, factory=_connection_class())
    try:
        if row_factory:
            conn.row_factory = drv.Row
        # SQLCipher would print its own errors on stderr (the clerk's terminal): they reach the
        # caller as exceptions instead
        conn.execute("PRAGMA cipher_log_level = NONE")
        # raw key + salt: no PBKDF2 on every open (the key is random, not a password)
        conn.execute(f"PRAGMA key = \"x'{key.hex()}{_salt(key).hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        if ("not a database" in str(exc) or "encrypted" in str(exc)) and key_ok:
            raise sqlite3.DatabaseError("database disk image is malformed (its first page"
                                        " fails its check with the right key)") from None
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise KeyWrong("Không mở được dữ liệu đã mã hóa của quầy: khóa trên máy này không"
                           " khớp, hoặc tệp cơ sở dữ liệu đã bị hỏng. Hãy gọi cán bộ CNTT (khôi"
                           " phục bằng khóa khôi phục từ bản sao lưu).",
                           "Cannot open the desk's encrypted data: the key on this PC does not"
                           " match, or the database file is damaged. Call IT (restore from a"
                           " backup with the recovery key).") from None
        raise
    return conn


def is_plain_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def missing_key_error() -> KeyMissing:
    return KeyMissing("Dữ liệu của quầy được mã hóa nhưng khóa của nó không có trên máy này"
                      " (kho khóa của hệ điều hành hoặc tệp khóa). Không mở được. Hãy gọi cán bộ"
                      " CNTT: khôi phục từ bản sao lưu bằng khóa khôi phục (desk-app restore).",
                      "The desk's data is encrypted and its key is not on this PC (the OS keyring"
                      " or key file). It cannot be opened. Call IT: restore from a backup with"
                      " the recovery key (desk-app restore).")


# --------------------------------------------------------------------------- converting a store

PENDING = "desk.sqlite3.encrypting"       # the encrypted copy, before it replaces the plain file


def _rewrite_marker(data_dir: Path, marker: dict) -> None:
    from offline_store.blobs import _fsync_dir

    part = Path(data_dir) / f".{MARKER}.rewrite.part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(marker, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, Path(data_dir) / MARKER)
    _fsync_dir(Path(data_dir))


def finish_pending(data_dir: Path, marker: dict) -> dict:
    """Complete a conversion (``encrypt_store``) that a kill interrupted after its marker was
    published: the encrypted copy replaces the plain file (whose WAL was emptied before the
    marker), then the marker forgets the pending copy. Idempotent; a no-op without one."""
    from offline_store.blobs import _fsync_dir

    if not marker.get("pending"):
        return marker
    data_dir = Path(data_dir)
    src = data_dir / str(marker["pending"])
    if src.exists():
        for suffix in ("-wal", "-shm"):                  # the plain file's (checkpointed, empty)
            (data_dir / ("desk.sqlite3" + suffix)).unlink(missing_ok=True)
        os.replace(src, data_dir / "desk.sqlite3")
        _fsync_dir(data_dir)
    marker = {k: v for k, v in marker.items() if k != "pending"}
    _rewrite_marker(data_dir, marker)
    return marker


def encrypt_store(data_dir: Path, ask_key, *, on_blob=None) -> dict:
    """Convert the plain store in ``data_dir`` to an encrypted one, crash-safely (issue 17 §3):

    1. a new data key is kept (``ask_key``: the key provider protocol, ``KeyRequest``);
    2. under the write lock, ``sqlcipher_export`` writes an encrypted copy ``desk.sqlite3.encrypting``
       (schema version copied), fsync'd, reopened with the key and compared row counts;
    3. the marker is published naming the key *and* the pending copy — from here on every
       ``Store.open`` finishes the swap (``finish_pending``), so a kill leaves the old store
       (before 3) or the new one (after);
    4. the copy replaces ``desk.sqlite3``, the marker forgets it;
    5. every plaintext blob is encrypted in place (tmp → fsync → rename; a reader takes both
       forms, so a kill half-way leaves a readable store and the next run goes on).

    Run it with the desk closed (GUI and sync worker stopped): a process that keeps the old file
    open would write into the replaced file. An already encrypted store only gets step 5.
    Returns {"key_id", "kept", "blobs_encrypted", "converted"}."""
    from offline_store.blobs import BlobStore, _fsync_dir

    data_dir = Path(data_dir)
    db = data_dir / "desk.sqlite3"
    marker = read_marker(data_dir)
    kept, converted = "", False
    if marker is None:
        if not is_plain_sqlite(db):
            raise EncryptionError(f"{db} không phải cơ sở dữ liệu của quầy (hoặc đã hỏng).",
                                  f"{db} is not a desk database (or it is damaged).")
        req = KeyRequest(data_dir, new_key_id(), create=True)
        ask_key(req)
        if req.key is None:
            raise EncryptionError("Không có nơi nào giữ được khóa mã hóa (kho khóa của hệ điều"
                                  " hành hay tệp khóa); dữ liệu không bị thay đổi.",
                                  "No place could keep the encryption key (OS keyring or key"
                                  " file); nothing was changed.")
        kept = req.kept
        tmp = data_dir / PENDING
        tmp.unlink(missing_ok=True)
        drv = driver()
        conn = drv.connect(str(db), isolation_level=None, timeout=10.0, check_same_thread=False)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute("ATTACH DATABASE ? AS enc KEY ?",
                         (str(tmp), f"x'{req.key.hex()}{_salt(req.key).hex()}'"))
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("SELECT sqlcipher_export('enc')")
            version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
            conn.execute(f"PRAGMA enc.user_version = {version}")
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
            counts = {t: conn.execute(f'SELECT count(*) FROM main."{t}"').fetchone()[0]
                      for t in tables}
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE enc")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        check = open_encrypted(tmp, req.key, timeout=10.0)
        try:
            if int(check.execute("PRAGMA user_version").fetchone()[0]) != version or any(
                    check.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] != n
                    for t, n in counts.items()):
                raise EncryptionError("Bản mã hóa không khớp dữ liệu gốc; không thay đổi gì.",
                                      "The encrypted copy does not match; nothing was changed.")
            check.execute("PRAGMA journal_mode = WAL")
        except BaseException:
            check.close()
            tmp.unlink(missing_ok=True)
            raise
        check.close()
        _fsync_dir(data_dir)
        won = publish_marker(data_dir, req.key_id, pending=PENDING, check=key_check(req.key))
        if won != req.key_id:
            tmp.unlink(missing_ok=True)
            raise EncryptionError("Một tiến trình khác vừa mã hóa quầy này.",
                                  "Another process has just encrypted this desk.")
        marker = read_marker(data_dir)
        converted = True
    marker = finish_pending(data_dir, marker)
    req = KeyRequest(data_dir, marker["key_id"])
    ask_key(req)
    if req.key is None:
        raise missing_key_error()
    blobs = BlobStore(data_dir / "blobs", key=blob_key(req.key))
    n = 0
    for sha in blobs.all():
        if blobs.encrypt_in_place(sha):
            n += 1
            if on_blob:
                on_blob(n)
    return {"key_id": marker["key_id"], "kept": kept, "blobs_encrypted": n,
            "converted": converted}


def plain_copy(store, target: Path) -> None:
    """A consistent plaintext copy of ``store``'s database at ``target`` (for backups, which
    encrypt it with the backup key), from a separate connection so writers are not blocked.
    Plain store: SQLite's online backup API, as before. Encrypted store: SQLCipher cannot back up
    between encrypted and plain files, so ``sqlcipher_export`` inside one read transaction (a
    snapshot, WAL: other connections keep writing), schema version copied."""
    target = Path(target)
    if not getattr(store, "encrypted", False):
        src = sqlite3.connect(store.path, timeout=30)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        return
    req = KeyRequest(store.data_dir, read_marker(store.data_dir)["key_id"])
    from offline_store.store import _ask_key

    _ask_key(req)
    if req.key is None:
        raise missing_key_error()
    conn = open_encrypted(store.path, req.key, timeout=30.0, row_factory=False)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute("BEGIN")
        conn.execute("SELECT sqlcipher_export('plain')")
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        conn.execute(f"PRAGMA plain.user_version = {version}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


__all__ = ["MARKER", "ENV", "KeyRequest", "EncryptionError", "KeyMissing", "KeyWrong",
           "DriverMissing", "env_default", "read_marker", "publish_marker", "new_key_id",
           "blob_key", "default_provider", "driver", "open_encrypted", "is_plain_sqlite",
           "encrypt_store", "finish_pending", "plain_copy"]
