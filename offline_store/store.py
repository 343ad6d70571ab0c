"""The desk's SQLite database: one file, WAL, synchronous=FULL, migrated on open."""
from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from offline_store import cipher, seal
from offline_store.blobs import BlobStore
from offline_store.migrate import current_version, migrate

DB_NAME = "desk.sqlite3"
POSIX = os.name == "posix"
DIR_MODE, FILE_MODE = 0o700, 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by this OS account only, whatever the umask.
    POSIX only: on Windows the data folder lives in the user's profile (per-user ACLs)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if POSIX:
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` if missing, mode 0600 whatever the umask (POSIX only)."""
    path = Path(path)
    # Never open (and close) an existing database file: closing any descriptor of a file drops
    # every POSIX lock this process holds on it — SQLite's own locks included — and another
    # process may then believe it is the last connection and reset the WAL under our writes.
    if not path.exists():
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         FILE_MODE)
            os.close(fd)
        except FileExistsError:          # another process created it first
            pass
    if POSIX:
        os.chmod(path, FILE_MODE)
    return path


def tighten(data_dir: Path) -> None:
    """Personal data is for this account only: the data dir 0700, the database and its WAL and
    shared-memory files 0600 (SQLite gives -wal/-shm the database's mode), blob folders 0700."""
    if not POSIX:
        return
    data_dir = Path(data_dir)
    for d in (data_dir, data_dir / "blobs", data_dir / "blobs" / "tmp", data_dir / "logs"):
        if d.is_dir() and not d.is_symlink():
            os.chmod(d, DIR_MODE)
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", cipher.MARKER):
        f = data_dir / name
        if f.is_file() and not f.is_symlink():
            os.chmod(f, FILE_MODE)
BUSY_TIMEOUT_MS = 10_000


def connect(path: Path, *, key: bytes | None = None, key_ok: bool = False) -> sqlite3.Connection:
    """A connection with the durability settings every process must share.

    journal_mode=WAL lets the sync worker write while the GUI reads; synchronous=FULL makes a
    COMMIT survive a power cut (NORMAL may lose the last transactions in WAL mode); busy_timeout
    makes a second process wait for the write lock instead of failing.

    ``key``: the store is SQLCipher-encrypted (``offline_store/cipher.py``); the connection is
    ``sqlcipher3``'s, shaped like ``sqlite3``'s (same methods, ``Row``, exceptions that are
    ``sqlite3`` exceptions), so repositories, migrations and sqlite-utils do not notice.
    """
    if key is not None:
        conn = cipher.open_encrypted(path, key, timeout=BUSY_TIMEOUT_MS / 1000, key_ok=key_ok)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"cannot switch {path} to WAL (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


_key_provider: Callable[["Store"], object] | None = None


def set_key_provider(provider: Callable[["Store"], object] | None) -> None:
    """Register what ``Store.open`` calls to find a store's seal key (offline_store/seal.py).

    The desk layer registers ``desk_app.services.admin.sealkey.attach`` (the key lives in the OS
    keyring or a file outside the data folder, which this package knows nothing about), so every
    process that opens a desk store — GUI, CLI, sync worker — writes with the key."""
    global _key_provider
    _key_provider = provider


def _ask_key(req: "cipher.KeyRequest") -> None:
    """The desk layer's provider fills ``req`` (``sealkey.attach`` answers a KeyRequest); without
    one, ``cipher.default_provider``."""
    if _key_provider is not None:
        _key_provider(req)
    else:
        cipher.default_provider(req)


def _key_matches(data_dir: Path, key: bytes | None) -> bool:
    if key is None:
        return False
    m = cipher.read_marker(data_dir) or {}
    return bool(m.get("key_check")) and m["key_check"] == cipher.key_check(key)


def _data_key(data_dir: Path, encrypt: bool | None) -> tuple[bytes | None, str]:
    """The database key of the store in ``data_dir`` (None: a plain store) and, when it was
    created now, where it was kept ("keyring" or the key file's path); creating the key and
    the marker first for a new store that is to be encrypted. Order for a kill at any moment: the
    key is kept, then the marker written (durably), then the database created with the key — a
    marker never names a key that was not kept, and a plain database never gets a marker."""
    db = data_dir / DB_NAME
    marker = cipher.read_marker(data_dir)
    new = not db.exists() or (db.stat().st_size == 0 and not (data_dir / (DB_NAME + "-wal")).exists())
    if marker is None and not new:
        marker = cipher.read_marker(data_dir)   # created by another process meanwhile?
    if marker is not None:
        if marker.get("pending"):               # a conversion killed after its marker
            marker = cipher.finish_pending(data_dir, marker)
        req = cipher.KeyRequest(data_dir, marker["key_id"])
        _ask_key(req)
        if req.key is None:
            raise cipher.missing_key_error()
        return req.key, ""
    if not new or not (cipher.env_default() if encrypt is None else encrypt):
        return None, ""
    req = cipher.KeyRequest(data_dir, cipher.new_key_id(), create=True)
    _ask_key(req)
    if req.key is None:
        raise cipher.EncryptionError("Không có nơi nào giữ được khóa mã hóa (kho khóa của hệ điều"
                                     " hành hay tệp khóa); dữ liệu chưa được tạo.",
                                     "No place could keep the encryption key (OS keyring or key"
                                     " file); nothing was created.")
    won = cipher.publish_marker(data_dir, req.key_id, check=cipher.key_check(req.key))
    if won != req.key_id:                   # another process created the store first
        req = cipher.KeyRequest(data_dir, won)
        _ask_key(req)
        if req.key is None:
            raise cipher.missing_key_error()
        return req.key, ""
    return req.key, req.kept


class Store:
    """Database + blobs of one desk. Open with ``Store.open(data_dir)``.

    The connection is in autocommit mode; writes go through ``transaction()`` (BEGIN IMMEDIATE,
    so a write never fails half-way on a lock upgrade). One Store may be shared by threads: the
    transaction lock serialises them; plain reads outside a transaction are the caller's care.
    """

    def __init__(self, data_dir: Path, conn: sqlite3.Connection, *, key: bytes | None = None):
        self.data_dir = Path(data_dir)
        self.conn = conn
        self.encrypted = key is not None
        self.key_kept = ""              # where a data key created by this open was kept
        self.blobs = BlobStore(self.data_dir / "blobs",
                               key=cipher.blob_key(key) if key is not None else None)
        self._lock = threading.RLock()
        self._db = None
        self._depth = 0
        self.seal_key: bytes | None = None

    @classmethod
    def open(cls, data_dir: Path, *, target_version: int | None = None,
             encrypt: bool | None = None) -> "Store":
        """Create or open ``data_dir/desk.sqlite3`` and migrate it to ``target_version`` (head).

        ``encrypt`` only matters for a *new* store (True/False; None: ``DESK_APP_ENCRYPT``): an
        existing store opens as what it is — encrypted when its folder holds the marker
        (``offline_store/cipher.py``), whose key the key provider finds (``cipher.KeyMissing``
        when it is not on this PC, ``cipher.KeyWrong`` when it does not open the file)."""
        data_dir = private_dir(data_dir)
        key, kept = _data_key(data_dir, encrypt)
        private_file(data_dir / DB_NAME)       # before SQLite creates it with 0644
        conn = connect(data_dir / DB_NAME, key=key, key_ok=_key_matches(data_dir, key))
        try:
            migrate(conn, target=target_version)
        except BaseException:
            conn.close()
            raise
        store = cls(data_dir, conn, key=key)
        store.key_kept = kept
        tighten(data_dir)
        store.blobs.clean_tmp()          # leftovers of writes killed before their rename
        if _key_provider is not None and target_version is None:   # older schemas: no seals
            try:
                _key_provider(store)     # the desk layer finds the seal key (never in the DB)
            except BaseException:
                store.close()
                raise
        return store

    @property
    def db(self):
        """sqlite-utils view of the same connection (imported on first use: it costs ~50 ms of
        start-up that the GUI's first window does not need)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    @property
    def path(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def schema_version(self) -> int:
        return current_version(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; ROLLBACK on any exception. Nested use joins the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self._depth = 0
                seal.discard(self.conn)
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                if seal.key_of(self.conn) is not None:
                    seal.flush(self.conn)
                    seal.refresh_head(self.conn)
                self.conn.execute("COMMIT")
            except BaseException:
                seal.discard(self.conn)
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def set_seal_key(self, key: bytes | None) -> int:
        """Register the seal key (kept outside the database) for this connection; seals an
        unsealed store on its first keyed open. Returns how many dossiers were sealed now."""
        seal.set_key(self.conn, key)
        self.seal_key = key
        if not key:
            return 0
        # Only a store never sealed needs a write (sealing starts): every other open stays
        # read-only, so processes that open the store often (a poller, a second window) never
        # take the write lock from the sync worker or the GUI.
        if self.conn.execute("SELECT 1 FROM meta WHERE key = 'seal_head'").fetchone() is not None:
            return 0
        with self.transaction() as conn:
            return seal.start(conn)

    def close(self) -> None:
        seal.set_key(self.conn, None)
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
