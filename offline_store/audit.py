"""Append-only, hash-chained audit log.

hash = sha256(prev_hash || canonical JSON of {at, actor, action, entity, entity_id, detail_json}).
Triggers forbid UPDATE/DELETE; the chain catches anyone who drops the triggers and edits rows
through a raw connection (an edited, removed or inserted row breaks every later link).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3

from offline_store.clock import iso_utc

GENESIS = "0" * 64


def canonical(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def row_hash(prev_hash: str, at: str, actor: str, action: str, entity: str, entity_id: str,
             detail_json: str) -> str:
    body = canonical({"at": at, "actor": actor, "action": action, "entity": entity,
                      "entity_id": entity_id, "detail_json": detail_json})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, *, actor: str, action: str, entity: str, entity_id: str,
           detail: dict | None = None, at: str | None = None) -> str:
    """Add one row inside the caller's (write) transaction; returns its hash."""
    if not conn.in_transaction:
        raise RuntimeError("audit.append must run inside a write transaction")
    last = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    at = at or iso_utc()
    detail_json = canonical(detail or {})
    h = row_hash(prev, at, actor, action, entity, str(entity_id), detail_json)
    conn.execute(
        "INSERT INTO audit_log(at, actor, action, entity, entity_id, detail_json, prev_hash, hash)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (at, actor, action, entity, str(entity_id), detail_json, prev, h))
    return h


def verify_chain(conn: sqlite3.Connection) -> list[str]:
    """Problems found walking the chain from the first row (empty list = intact)."""
    problems: list[str] = []
    prev = GENESIS
    for row in conn.execute("SELECT id, at, actor, action, entity, entity_id, detail_json,"
                            " prev_hash, hash FROM audit_log ORDER BY id"):
        rid, at, actor, action, entity, entity_id, detail_json, prev_hash, h = tuple(row)
        if prev_hash != prev:
            problems.append(f"audit row {rid}: prev_hash does not link to the row before")
        if row_hash(prev_hash, at, actor, action, entity, entity_id, detail_json) != h:
            problems.append(f"audit row {rid}: content does not match its hash")
        prev = h
        if len(problems) >= 50:
            problems.append("… (stopped after 50 problems)")
            break
    return problems
