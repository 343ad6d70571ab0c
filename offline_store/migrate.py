"""Schema migrations: numbered files in ``migrations/`` applied in order, tracked by PRAGMA user_version.

Why this shape: a desk PC may skip several releases, and two processes (GUI + sync worker) may
open the same database at once. Each step runs inside ``BEGIN IMMEDIATE`` and re-reads
``user_version`` after taking the write lock, so exactly one process applies a step and the
version bump commits atomically with it.

A step is ``NNNN_name.sql`` (statements) or ``NNNN_name.py`` with ``def upgrade(conn)``.
"""
from __future__ import annotations

import importlib.util
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_[A-Za-z0-9_]+\.(sql|py)$")


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def apply(self, conn: sqlite3.Connection) -> None:
        """Run the step's statements on ``conn`` (caller owns the transaction)."""
        if self.path.suffix == ".sql":
            for stmt in split_statements(self.path.read_text(encoding="utf-8")):
                conn.execute(stmt)
        else:
            spec = importlib.util.spec_from_file_location(f"_migration_{self.version}", self.path)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            upgrade: Callable[[sqlite3.Connection], None] = module.upgrade
            upgrade(conn)


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (triggers keep their inner semicolons).

    ``executescript`` is avoided because it commits any open transaction first, which would break
    the all-or-nothing promise of a step.
    """
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            stmt = buf.strip()
            if _has_code(stmt):
                out.append(stmt)
            buf = ""
    if _has_code(buf):
        raise ValueError(f"incomplete SQL statement at end of migration: {buf.strip()[:80]!r}")
    return out


def _has_code(text: str) -> bool:
    return any(ln.strip() and not ln.strip().startswith("--") for ln in text.splitlines())


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """All migration steps, checked to be numbered 1..N without gaps or duplicates."""
    steps: list[Migration] = []
    for p in sorted(directory.iterdir()):
        m = _NAME.match(p.name)
        if m:
            steps.append(Migration(int(m.group(1)), p))
    versions = [s.version for s in steps]
    if versions != list(range(1, len(steps) + 1)):
        raise RuntimeError(f"migration numbers must be 1..N without gaps: {versions}")
    return steps


def head_version(directory: Path = MIGRATIONS_DIR) -> int:
    return len(discover(directory))


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, *, target: int | None = None,
            directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Bring ``conn`` (autocommit mode) up to ``target`` (default: head). Returns applied versions.

    Refuses a database newer than this program knows (an older client must not write to it).
    """
    steps = discover(directory)
    head = len(steps) if target is None else target
    have = current_version(conn)
    if have > len(steps):
        raise RuntimeError(f"database schema v{have} is newer than this program (v{len(steps)})")
    applied: list[int] = []
    for step in steps:
        if step.version > head:
            break
        if step.version <= have:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            have = current_version(conn)      # another process may have done it meanwhile
            if step.version <= have:
                conn.execute("COMMIT")
                continue
            step.apply(conn)
            conn.execute(f"PRAGMA user_version = {step.version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        have = step.version
        applied.append(step.version)
    return applied
