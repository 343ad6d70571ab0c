"""Identifiers for records and operations.

UUIDv7 (time-ordered) so ids created offline on several desks never collide, sort roughly by
creation time (good B-tree locality in SQLite and PostgreSQL) and need no coordination.
The ``uuid6`` package provides v7 for Python 3.11 (the stdlib gets it only in 3.14).
"""
from __future__ import annotations

import uuid

import uuid6


def new_record_id() -> str:
    """A new UUIDv7 as canonical lower-case text: the stable identity of a record."""
    return str(uuid6.uuid7())


def new_op_id() -> str:
    """A new UUIDv7 for one outbox operation: the idempotency key the server dedupes on."""
    return str(uuid6.uuid7())


def is_uuid(value: str) -> bool:
    """True if ``value`` is a canonical UUID string (any version)."""
    try:
        return str(uuid.UUID(value)) == value
    except (ValueError, AttributeError, TypeError):
        return False
