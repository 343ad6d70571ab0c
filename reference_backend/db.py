"""The one database layer: SQLAlchemy 2 Core over SQLite (file in the data dir) or PostgreSQL.

Why Core and not an ORM: every write is a short, explicit transaction whose commit is the moment
we may acknowledge, and the same statements must run on both engines.

Write serialisation:
* SQLite: a process-wide lock plus ``BEGIN IMMEDIATE`` (WAL, synchronous=FULL), so writers never
  meet a busy database inside one server, and other processes (the CLI) wait on busy_timeout.
* PostgreSQL: every writing transaction locks its unit's row in ``unit_counters`` (``FOR UPDATE``)
  before it touches records or the feed. That makes feed ``seq`` order equal commit order within
  a unit (a reader can never skip a change that commits late) and lets unique constraints settle
  races between identical op_ids.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("username", sa.String(128), primary_key=True),
    sa.Column("unit_code", sa.String(32), nullable=False),
    sa.Column("desk", sa.Integer, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    # bumped by a password change or revoke-desk: every token carrying an older value is refused
    sa.Column("token_version", sa.Integer, nullable=False, server_default="0"),
)

# One row per login: its refresh tokens rotate (generation + 1 per refresh); presenting an older
# generation means a token was copied, and the whole family is revoked.
refresh_families = sa.Table(
    "refresh_families", metadata,
    sa.Column("family", sa.String(32), primary_key=True),
    sa.Column("username", sa.String(128), nullable=False, index=True),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    # when the current generation was issued: the previous token may be presented again within
    # the refresh grace (its answer was lost) and gets the same pair back
    sa.Column("rotated_at", sa.Float, nullable=True),
)

# The people who log in at the desks of a unit (clerk … admin), pushed to the desks by
# GET /api/v1/accounts; distinct from ``accounts`` (one per desk, for the sync API itself).
staff_accounts = sa.Table(
    "staff_accounts", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("login", sa.String(64), primary_key=True),
    sa.Column("full_name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

unit_counters = sa.Table(
    "unit_counters", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("feed_seq", sa.BigInteger, nullable=False, default=0),
)

receipt_counters = sa.Table(
    "receipt_counters", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last_seq", sa.Integer, nullable=False),
)

records = sa.Table(
    "records", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_id", sa.String(36), nullable=False, unique=True),
    sa.Column("unit_code", sa.String(32), nullable=False),
    sa.Column("ma_ho_so", sa.String(64), nullable=False),
    sa.Column("so_bien_nhan", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("trang_thai", sa.Integer, nullable=False),
    sa.Column("record_json", sa.Text, nullable=False),
    sa.Column("origin_desk", sa.Integer, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("unit_code", "ma_ho_so", name="records_unit_code_uq"),
)

idempotency = sa.Table(
    "idempotency", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("op_id", sa.String(128), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("result_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
)

feed = sa.Table(
    "feed", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("record_id", sa.String(36), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("origin_desk", sa.Integer, nullable=True),
    sa.Column("so_bien_nhan", sa.String(64), nullable=False),
    sa.Column("record_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

blobs = sa.Table(
    "blobs", metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

uploads = sa.Table(
    "uploads", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("unit_code", sa.String(32), nullable=False),
    sa.Column("length", sa.BigInteger, nullable=False),
    sa.Column("upload_offset", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("record_id", sa.String(64), nullable=True),
    sa.Column("metadata_raw", sa.Text, nullable=False),
    sa.Column("idempotency_key", sa.String(128), nullable=True),
    sa.Column("complete", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    sa.UniqueConstraint("unit_code", "idempotency_key", name="uploads_idem_uq"),
)


class Database:
    """Engines plus the read/write transaction helpers every module uses."""

    def __init__(self, data_dir: Path, url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.url = url or f"sqlite:///{self.data_dir / 'refback.sqlite3'}"
        self.is_sqlite = self.url.startswith("sqlite")
        self._write_lock = threading.Lock()
        if self.is_sqlite:
            self.engine = self._sqlite_engine(immediate=True)
            self.read_engine = self._sqlite_engine(immediate=False)
        else:
            self.engine = sa.create_engine(self.url, pool_size=12, max_overflow=8,
                                           pool_pre_ping=True, pool_timeout=60)
            self.read_engine = self.engine

    def _sqlite_engine(self, *, immediate: bool) -> Engine:
        engine = sa.create_engine(self.url, connect_args={"timeout": 30, "check_same_thread": False},
                                  pool_size=8, max_overflow=8)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    def create_all(self) -> None:
        from . import portal, ratings  # noqa: F401  (register their tables on ``metadata``)
        from . import certbook  # noqa: F401  (issue 15: the desks' certification books)
        with self._write_lock:
            metadata.create_all(self.engine)
            cols = {c["name"] for c in sa.inspect(self.engine).get_columns("accounts")}
            if "token_version" not in cols:  # a data dir from before revocation existed
                with self.engine.begin() as conn:
                    conn.exec_driver_sql("ALTER TABLE accounts ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0")
            fam = {c["name"] for c in sa.inspect(self.engine).get_columns("refresh_families")}
            if "rotated_at" not in fam:
                with self.engine.begin() as conn:
                    conn.exec_driver_sql("ALTER TABLE refresh_families ADD COLUMN rotated_at FLOAT")

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One writing transaction; commit on success = durable (the caller may then answer)."""
        if self.is_sqlite:
            with self._write_lock, self.engine.begin() as conn:
                yield conn
        else:
            with self.engine.begin() as conn:
                yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.read_engine.begin() as conn:
            yield conn

    def insert_ignore(self, table: sa.Table, **values: object) -> sa.Insert:
        """INSERT … ON CONFLICT DO NOTHING for either engine."""
        if self.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        return insert(table).values(**values).on_conflict_do_nothing()

    def lock_unit(self, conn: Connection, unit_code: str) -> int:
        """Take the unit's write lock (PostgreSQL row lock) and return its current feed seq."""
        q = sa.select(unit_counters.c.feed_seq).where(unit_counters.c.unit_code == unit_code)
        if not self.is_sqlite:
            q = q.with_for_update()
        seq = conn.execute(q).scalar()
        if seq is None:  # the unit's first write ever
            conn.execute(self.insert_ignore(unit_counters, unit_code=unit_code, feed_seq=0))
            seq = conn.execute(q).scalar_one()
        return int(seq)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
