"""Keyed seals: edits made outside the app are caught, even with the audit chain recomputed.

A seal is ``HMAC-SHA256(key, canonical text)`` where the key is NOT in the database (the desk
layer keeps it in the OS keyring, or a 0600 file outside the data folder). Someone who edits the
file with the sqlite3 shell can recompute the unkeyed audit hashes, but not these.

- ``dossier_seals``: one per local dossier, over the dossier's columns (applicant, procedure,
  code, times, fee, clerk, status, version, note, search text — all but the sync columns, which
  the sync worker changes and may do without the key; their values are range-checked), its
  components, its first event, its scanned attachments and its ``dossier.create`` outbox item.
  The writers that change them (intake, ``dossiers.transition``, ``repo.apply_feed_record``)
  reseal.
- ``meta.seal_head``: a seal over the audit chain's last row (id + hash) and the number of
  dossiers and seals, refreshed on every commit of a keyed store — so deleting the last dossier
  together with its audit row and seal is caught, and any edit that recomputes the chain too.

The key is registered per connection (``set_key``); the repository's writers mark the dossiers
they change (``touch``) and ``Store.transaction`` reseals them and refreshes the head before
COMMIT (``reseal`` may also be called directly). A store opened without a key writes no seals; the next keyed
open seals what is unsealed only if sealing had never started (trust on first use).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3

_KEYS: dict[int, bytes] = {}
_DIRTY: dict[int, set[int]] = {}     # per keyed connection: dossiers written in this transaction

SEALED_DOSSIER_COLS = (
    "id", "record_id", "code", "unit_code", "desk_no", "procedure_code", "procedure_name",
    "applicant_id_number", "applicant_name", "applicant_phone", "applicant_address",
    "on_behalf_of", "delivery", "delivery_address", "fee_amount", "fee_note", "sets",
    "received_at", "due_at", "clerk", "receipt_no", "logbook_no", "origin", "created_at",
    "applicant_kind", "applicant_birth_date", "applicant_sex", "applicant_email",
    "applicant_old_id_number", "status", "version", "note", "search_folded", "updated_at")
# Seal format 2 (a mac written as "2:<hex>") also covers the lifecycle columns of 0009/0010: an
# edit of resolved_at or paused_working_days outside the app would change the on-time figures.
# Seals written before (plain hex) are checked as format 1 until the app next writes the dossier.
LIFECYCLE_COLS = ("channel", "original_due_at", "resolved_at", "returned_at", "paused_working_days",
                  "paused_at", "delivery_done", "returned_to", "processing_agency", "portal_id")
_INT_COLS = ("id", "desk_no", "fee_amount", "sets", "applicant_kind", "version", "paused_working_days")
SYNC_STATES = ("local", "queued", "sending", "awaiting", "synced", "needs_attention")


def set_key(conn: sqlite3.Connection, key: bytes | None) -> None:
    if key:
        _KEYS[id(conn)] = bytes(key)
    else:
        _KEYS.pop(id(conn), None)
        _DIRTY.pop(id(conn), None)


def key_of(conn: sqlite3.Connection) -> bytes | None:
    return _KEYS.get(id(conn))


def touch(conn: sqlite3.Connection, dossier_id: int | None) -> None:
    """A repository writer changed sealed content of ``dossier_id``: reseal it before COMMIT.

    Called by ``offline_store.repo``/``outbox`` writers, so every writer that goes through the
    repository (intake, transitions, demo data, feed records …) keeps its dossiers sealed without
    having to remember to; ``Store.transaction`` flushes before refreshing the head seal."""
    if dossier_id is not None and id(conn) in _KEYS:
        _DIRTY.setdefault(id(conn), set()).add(int(dossier_id))


def flush(conn: sqlite3.Connection) -> None:
    """Reseal every dossier touched in the transaction now ending (Store.transaction)."""
    for did in sorted(_DIRTY.pop(id(conn), ())):
        reseal(conn, did)


def discard(conn: sqlite3.Connection) -> None:
    """The transaction rolled back: nothing it touched was written."""
    _DIRTY.pop(id(conn), None)


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def _raw(conn: sqlite3.Connection, sql: str, args: tuple) -> list[tuple]:
    cur = conn.cursor()
    cur.row_factory = None
    # text read as bytes: a flipped byte that is no longer UTF-8 must be a finding, not a crash
    return [tuple(v.hex() if isinstance(v, bytes) else v for v in r)
            for r in cur.execute(sql, args).fetchall()]


def dossier_text(conn: sqlite3.Connection, dossier_id: int, fmt: int = 2) -> str | None:
    """The canonical text a dossier's seal covers (None: no such dossier)."""
    sealed = SEALED_DOSSIER_COLS + (LIFECYCLE_COLS if fmt >= 2 else ())
    cols = ", ".join(c if c in _INT_COLS else f"CAST({c} AS BLOB)" for c in sealed)
    d = _raw(conn, f"SELECT {cols} FROM dossiers WHERE id = ?", (dossier_id,))
    if not d:
        return None
    comps = _raw(conn, "SELECT seq, CAST(name AS BLOB), CAST(form AS BLOB), quantity FROM"
                       " dossier_components WHERE dossier_id = ? ORDER BY seq", (dossier_id,))
    first = _raw(conn, "SELECT id, CAST(from_status AS BLOB), CAST(to_status AS BLOB),"
                       " CAST(actor AS BLOB), CAST(role AS BLOB), CAST(at AS BLOB),"
                       " CAST(note AS BLOB) FROM dossier_events WHERE dossier_id = ?"
                       " ORDER BY id LIMIT 1", (dossier_id,))
    atts = _raw(conn, "SELECT CAST(sha256 AS BLOB), size, CAST(filename AS BLOB),"
                      " CAST(mime AS BLOB), component_seq, CAST(kind AS BLOB),"
                      " CAST(created_at AS BLOB) FROM attachments WHERE dossier_id = ?"
                      " AND kind = 'scan' ORDER BY id", (dossier_id,))
    out = _raw(conn, "SELECT CAST(op_id AS BLOB), CAST(kind AS BLOB), CAST(record_id AS BLOB),"
                     " CAST(payload_json AS BLOB), base_version, CAST(clerk AS BLOB),"
                     " bytes_total, CAST(created_at AS BLOB) FROM outbox WHERE dossier_id = ?"
                     " AND kind = 'dossier.create' ORDER BY id", (dossier_id,))
    return json.dumps([d[0], comps, first, atts, out], ensure_ascii=False, separators=(",", ":"))


def reseal(conn: sqlite3.Connection, dossier_id: int) -> None:
    """Seal (again) a dossier the app itself just wrote, inside the writer's transaction."""
    key = key_of(conn)
    if key is None:
        return
    text = dossier_text(conn, dossier_id)
    if text is None:
        conn.execute("DELETE FROM dossier_seals WHERE dossier_id = ?", (dossier_id,))
        return
    conn.execute("INSERT INTO dossier_seals(dossier_id, mac) VALUES (?, ?) ON CONFLICT"
                 "(dossier_id) DO UPDATE SET mac = excluded.mac",
                 (dossier_id, "2:" + _mac(key, text)))


def _head_parts(conn: sqlite3.Connection) -> tuple[int, int]:
    last = conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    # max, not count: O(1) on the primary key. Dossiers themselves are not counted: the sync
    # worker inserts feed dossiers (unsealed, not local) and may run without the key.
    n_s = conn.execute("SELECT coalesce(max(dossier_id), 0) FROM dossier_seals").fetchone()[0]
    return int(last), int(n_s)


def _head_mac(conn: sqlite3.Connection, key: bytes, last_id: int, max_seal: int) -> str | None:
    row = _raw(conn, "SELECT CAST(hash AS BLOB) FROM audit_log WHERE id = ?", (last_id,))
    if last_id and not row:
        return None
    return _mac(key, json.dumps([last_id, row[0][0] if row else None, max_seal]))


def _head_problem(conn: sqlite3.Connection, key: bytes) -> str | None:
    """What is wrong with the head seal against the rows now (None = it holds)."""
    head = conn.execute("SELECT value FROM meta WHERE key = 'seal_head'").fetchone()
    if head is None:
        return "the head seal is missing"
    try:
        last_id, max_seal, mac = str(head[0]).split(":")
        last_id, max_seal = int(last_id), int(max_seal)
    except ValueError:
        return "the head seal is unreadable"
    want = _head_mac(conn, key, last_id, max_seal)
    if want is None or not hmac.compare_digest(mac, want):
        return ("the head seal does not match: the audit log was rewritten or rows were removed"
                " outside the app")
    if _head_parts(conn)[1] < max_seal:
        return "the head seal does not match: dossier seals were removed outside the app"
    return None


def refresh_head(conn: sqlite3.Connection) -> None:
    """Called by Store.transaction before COMMIT on a keyed connection. The head moves on only
    if it held before: an edit made outside the app is never blessed by a later commit."""
    key = key_of(conn)
    if key is None:
        return
    if conn.execute("SELECT 1 FROM meta WHERE key = 'seal_head'").fetchone() is not None \
            and _head_problem(conn, key) is not None:
        return
    last_id, max_seal = _head_parts(conn)
    value = f"{last_id}:{max_seal}:{_head_mac(conn, key, last_id, max_seal)}"
    conn.execute("INSERT INTO meta(key, value) VALUES ('seal_head', ?) ON CONFLICT(key)"
                 " DO UPDATE SET value = excluded.value", (value,))


def start(conn: sqlite3.Connection) -> int:
    """First keyed open of a store that was never sealed: seal every local dossier as it is now
    (trust on first use). Returns how many were sealed; 0 when sealing had started before."""
    if key_of(conn) is None:
        return 0
    if conn.execute("SELECT 1 FROM meta WHERE key = 'seal_head'").fetchone() is not None:
        return 0
    ids = [r[0] for r in conn.execute("SELECT id FROM dossiers WHERE origin = 'local' AND id NOT"
                                      " IN (SELECT dossier_id FROM dossier_seals)")]
    for did in ids:
        reseal(conn, did)
    refresh_head(conn)
    return len(ids)


def check(conn: sqlite3.Connection, key: bytes) -> list[str]:
    """Findings (empty = every seal holds), each naming the dossier code it touches."""
    problems: list[str] = []
    head = _head_problem(conn, key)
    if head is not None:
        problems.append(head)
    else:
        last_id = int(str(conn.execute("SELECT value FROM meta WHERE key = 'seal_head'"
                                       ).fetchone()[0]).split(":")[0])
        later = conn.execute("SELECT count(*) FROM audit_log WHERE id > ?", (last_id,)
                             ).fetchone()[0]
        if later:
            problems.append(f"{later} audit row(s) after the last sealed commit (written outside"
                            " the app or without the seal key)")
    seals = {r[0]: r[1] for r in conn.execute("SELECT dossier_id, mac FROM dossier_seals")}
    marks = ",".join("?" * len(SYNC_STATES))
    for (code,) in _raw(conn, f"SELECT CAST(code AS BLOB) FROM dossiers WHERE sync_state NOT IN"
                              f" ({marks})", SYNC_STATES):
        problems.append(f"dossier {bytes.fromhex(code).decode('utf-8', 'replace')}: unknown"
                        " sync state (changed outside the app)")
    rows = _raw(conn, "SELECT id, CAST(code AS BLOB), CAST(origin AS BLOB) FROM dossiers", ())
    present = set()
    for did, code, origin in rows:
        present.add(did)
        code_s = bytes.fromhex(code).decode("utf-8", "replace") if code else f"#{did}"
        if did not in seals:
            if bytes.fromhex(origin) == b"local":
                problems.append(f"dossier {code_s}: no seal (added outside the app?)")
            continue
        stored = str(seals[did])
        fmt, mac = (2, stored[2:]) if stored.startswith("2:") else (1, stored)
        text = dossier_text(conn, did, fmt)
        if text is None or not hmac.compare_digest(mac, _mac(key, text)):
            problems.append(f"dossier {code_s}: content changed outside the app")
    for did in sorted(set(seals) - present):
        problems.append(f"dossier #{did}: sealed but missing (deleted outside the app)")
    gone = _raw(conn, "SELECT CAST(a.entity_id AS BLOB), CAST(a.detail_json AS BLOB) FROM"
                      " audit_log a WHERE a.action = 'dossier.receive' AND NOT EXISTS (SELECT 1"
                      " FROM dossiers d WHERE d.record_id = a.entity_id)", ())
    for _rid, detail in gone:
        try:
            code = json.loads(bytes.fromhex(detail).decode("utf-8")).get("code", "?")
        except (ValueError, AttributeError):
            code = "?"
        problems.append(f"dossier {code}: in the audit log but missing (deleted outside the app)")
    return problems
