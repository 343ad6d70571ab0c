"""Transactional outbox: what must reach the province, written in the same transaction as the change.

Life of an item: queued -> sending (leased by one worker) -> awaiting (record sent, answer not yet
applied) -> done; or back to queued (retry_later) or to needs_attention (poison, out of the normal
flow until a clerk presses "retry"). A lapsed lease makes a sending/awaiting item ready again, so a
killed worker never leaves anything stuck. ``dossiers.sync_state`` is kept in step here and only here.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from offline_store import seal
from offline_store.clock import iso_utc, iso_utc_after, utc_now

if TYPE_CHECKING:
    from offline_store.store import Store

PENDING_STATES = ("queued", "sending", "awaiting")
LANES = ("record", "bulk", "deferred")


class LeaseLost(Exception):
    """The item is no longer leased by this owner (the lease lapsed and another worker took it)."""


@dataclass
class OutboxItem:
    id: int
    op_id: str
    kind: str
    lane: str
    dossier_id: int | None
    record_id: str | None
    payload: dict
    base_version: int | None
    clerk: str
    state: str
    attempts: int
    next_attempt_at: str
    bytes_total: int
    bytes_sent: int
    last_error: str
    created_at: str


_COLS = ("id, op_id, kind, lane, dossier_id, record_id, payload_json, base_version, clerk, state,"
         " attempts, next_attempt_at, bytes_total, bytes_sent, last_error, created_at")


def _new_op_id() -> str:
    """A fresh idempotency key; ``uuid`` (which pulls in ``platform``) loads on the first enqueue."""
    import uuid

    return str(uuid.uuid4())


def _item(row: sqlite3.Row | tuple) -> OutboxItem:
    r = tuple(row)
    return OutboxItem(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8], r[9],
                      r[10], r[11], r[12], r[13], r[14], r[15])


def _set_dossier_state(conn: sqlite3.Connection, dossier_id: int | None, state: str,
                       error: str = "") -> None:
    if dossier_id is not None:
        conn.execute("UPDATE dossiers SET sync_state = ?, sync_error = ? WHERE id = ?",
                     (state, error, dossier_id))


def enqueue(conn: sqlite3.Connection, *, kind: str, lane: str, payload: dict,
            dossier_id: int | None = None, record_id: str | None = None,
            base_version: int | None = None, clerk: str = "", bytes_total: int = 0,
            op_id: str | None = None, state: str = "queued") -> int:
    """Add an item inside the caller's transaction. ``state='done'`` is for imported history."""
    if not conn.in_transaction:
        raise RuntimeError("outbox.enqueue must run inside the transaction of the change")
    if lane not in LANES:
        raise ValueError(f"unknown lane {lane!r}")
    now = iso_utc()
    cur = conn.execute(
        "INSERT INTO outbox(op_id, kind, lane, dossier_id, record_id, payload_json, base_version,"
        " clerk, state, next_attempt_at, bytes_total, created_at, done_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (op_id or _new_op_id(), kind, lane, dossier_id, record_id,
         json.dumps(payload, ensure_ascii=False, sort_keys=True), base_version, clerk, state, now,
         bytes_total, now, now if state == "done" else None))
    if state != "done":
        _set_dossier_state(conn, dossier_id, "queued")
    if kind == "dossier.create":
        seal.touch(conn, dossier_id)        # the create item is sealed content
    return int(cur.lastrowid)


def exists(conn: sqlite3.Connection, op_id: str) -> bool:
    return conn.execute("SELECT 1 FROM outbox WHERE op_id = ?", (op_id,)).fetchone() is not None


# The same columns, text ones read as bytes: a row whose bytes are not UTF-8 (bit rot, an edit
# outside the app) must not make the whole SELECT fail (sqlite3 raises while fetching).
_TEXT_COLS = {"op_id", "kind", "lane", "record_id", "payload_json", "clerk", "state",
              "next_attempt_at", "last_error", "created_at"}
_RAW_COLS = ", ".join(f"CAST({c} AS BLOB)" if c in _TEXT_COLS else c
                      for c in (x.strip() for x in _COLS.split(",")))


class BadRow(ValueError):
    """An outbox row that cannot be decoded; ``reason`` says what is wrong with it."""


def _decode_raw(r: tuple) -> OutboxItem:
    names = [x.strip() for x in _COLS.split(",")]
    vals = list(r)
    for i, n in enumerate(names):
        if n in _TEXT_COLS and isinstance(vals[i], bytes):
            try:
                vals[i] = vals[i].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BadRow(f"column {n} is not UTF-8 text (byte {exc.start})") from None
    try:
        payload = json.loads(vals[6])
    except (TypeError, ValueError) as exc:
        raise BadRow(f"payload is not JSON ({str(exc)[:80]})") from None
    if not isinstance(payload, dict):
        raise BadRow(f"payload is a JSON {type(payload).__name__}, not an object")
    vals[6] = payload
    return OutboxItem(*vals)


def bad_row_reason(why: str) -> str:
    return (f"Mục chờ gửi bị hỏng, không đọc được nội dung ({why}); các mục khác vẫn được gửi."
            f" Chạy “desk-app verify” và báo cho bộ phận kỹ thuật. /"
            f" The queued item is corrupt and cannot be read ({why}); the other items keep"
            f" flowing. Run “desk-app verify” and tell IT.")


def lease(store: "Store", *, lane: str, owner: str, limit: int, lease_seconds: float,
          now: datetime | None = None) -> list[OutboxItem]:
    """Atomically take up to ``limit`` ready items of ``lane`` for ``owner``, oldest first.

    A row that cannot be decoded (not UTF-8, payload not a JSON object) is moved to
    needs_attention with the true reason, in the same transaction, and never stops the others:
    the lease goes on taking good items until ``limit`` is reached or none is ready.
    """
    now_s = iso_utc(now or utc_now())
    until = iso_utc_after(lease_seconds, now)
    items: list[OutboxItem] = []
    with store.transaction() as conn:
        while len(items) < limit:
            rows = conn.execute(
                f"SELECT {_RAW_COLS} FROM outbox WHERE lane = ? AND ("
                " (state = 'queued' AND next_attempt_at <= ?)"
                " OR (state IN ('sending','awaiting') AND lease_until < ?))"
                " ORDER BY id LIMIT ?", (lane, now_s, now_s, limit - len(items))).fetchall()
            if not rows:
                break
            bad = 0
            for r in rows:
                try:
                    it = _decode_raw(tuple(r))
                except BadRow as exc:
                    bad += 1
                    reason = bad_row_reason(str(exc))
                    conn.execute("UPDATE outbox SET state = 'needs_attention', lease_owner = NULL,"
                                 " lease_until = NULL, last_error = ? WHERE id = ?",
                                 (reason, r[0]))
                    if isinstance(r[4], int):
                        _set_dossier_state(conn, r[4], "needs_attention", reason)
                    continue
                conn.execute("UPDATE outbox SET state = 'sending', lease_owner = ?,"
                             " lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                             (owner, until, it.id))
                _set_dossier_state(conn, it.dossier_id, "sending")
                it.state = "sending"
                it.attempts += 1
                items.append(it)
            if not bad:
                break
    return items


def _owned(conn: sqlite3.Connection, item_id: int, owner: str) -> sqlite3.Row:
    row = conn.execute("SELECT state, lease_owner, dossier_id FROM outbox WHERE id = ?",
                       (item_id,)).fetchone()
    if row is None:
        raise KeyError(f"outbox item {item_id} does not exist")
    if row["lease_owner"] != owner or row["state"] not in ("sending", "awaiting"):
        raise LeaseLost(f"outbox item {item_id} is not leased by {owner}")
    return row


def renew(store: "Store", item_id: int, owner: str, lease_seconds: float) -> None:
    with store.transaction() as conn:
        _owned(conn, item_id, owner)
        conn.execute("UPDATE outbox SET lease_until = ? WHERE id = ?",
                     (iso_utc_after(lease_seconds), item_id))


def progress(store: "Store", item_id: int, owner: str, bytes_sent: int) -> None:
    with store.transaction() as conn:
        _owned(conn, item_id, owner)
        conn.execute("UPDATE outbox SET bytes_sent = ? WHERE id = ?", (bytes_sent, item_id))


def mark_awaiting(store: "Store", item_id: int, owner: str) -> None:
    with store.transaction() as conn:
        row = _owned(conn, item_id, owner)
        conn.execute("UPDATE outbox SET state = 'awaiting' WHERE id = ?", (item_id,))
        _set_dossier_state(conn, row["dossier_id"], "awaiting")


def ack(conn: sqlite3.Connection, item_id: int, *, server_receipt_no: str = "",
        server_version: int | None = None) -> None:
    """Mark done inside the caller's transaction and record the server's answer on the dossier."""
    if not conn.in_transaction:
        raise RuntimeError("outbox.ack must run inside a transaction")
    row = conn.execute("SELECT dossier_id FROM outbox WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise KeyError(f"outbox item {item_id} does not exist")
    conn.execute("UPDATE outbox SET state = 'done', done_at = ?, lease_owner = NULL,"
                 " lease_until = NULL, server_receipt_no = ?, last_error = '' WHERE id = ?",
                 (iso_utc(), server_receipt_no, item_id))
    did = row["dossier_id"]
    if did is None:
        return
    other = conn.execute("SELECT state FROM outbox WHERE dossier_id = ? AND state != 'done'"
                         " ORDER BY id LIMIT 1", (did,)).fetchone()
    sets = ["sync_state = ?", "sync_error = ''"]
    args: list[object] = ["synced" if other is None else
                          ("needs_attention" if other["state"] == "needs_attention" else "queued")]
    if server_receipt_no:
        sets.append("server_receipt_no = ?")
        args.append(server_receipt_no)
    if server_version is not None:
        sets.append("server_version = ?")
        args.append(server_version)
    conn.execute(f"UPDATE dossiers SET {', '.join(sets)} WHERE id = ?", (*args, did))


def retry_later(store: "Store", item_id: int, owner: str, *, error: str,
                delay_seconds: float) -> None:
    with store.transaction() as conn:
        row = _owned(conn, item_id, owner)
        conn.execute("UPDATE outbox SET state = 'queued', lease_owner = NULL, lease_until = NULL,"
                     " next_attempt_at = ?, last_error = ? WHERE id = ?",
                     (iso_utc_after(delay_seconds), error, item_id))
        _set_dossier_state(conn, row["dossier_id"], "queued", error)


def needs_attention(store: "Store", item_id: int, owner: str, *, reason: str) -> None:
    with store.transaction() as conn:
        row = _owned(conn, item_id, owner)
        conn.execute("UPDATE outbox SET state = 'needs_attention', lease_owner = NULL,"
                     " lease_until = NULL, last_error = ? WHERE id = ?", (reason, item_id))
        _set_dossier_state(conn, row["dossier_id"], "needs_attention", reason)


def requeue(store: "Store", item_id: int) -> None:
    """The clerk pressed "retry": back in the queue, ready now."""
    with store.transaction() as conn:
        row = conn.execute("SELECT dossier_id, state FROM outbox WHERE id = ?",
                           (item_id,)).fetchone()
        if row is None:
            raise KeyError(f"outbox item {item_id} does not exist")
        if row["state"] == "done":
            return
        conn.execute("UPDATE outbox SET state = 'queued', lease_owner = NULL, lease_until = NULL,"
                     " next_attempt_at = ?, last_error = '' WHERE id = ?", (iso_utc(), item_id))
        _set_dossier_state(conn, row["dossier_id"], "queued")


def summary(store: "Store") -> dict:
    by_state = {r[0]: r[1] for r in store.conn.execute(
        "SELECT state, count(*) FROM outbox GROUP BY state")}
    marks = ",".join("?" * len(PENDING_STATES))
    # "waiting to send" counts what leaves this desk; files fetched from the unit feed
    # (deferred.fetch_*) come in, and are counted apart
    pending, left = store.conn.execute(
        f"SELECT count(*), coalesce(sum(max(bytes_total - bytes_sent, 0)), 0) FROM outbox"
        f" WHERE state IN ({marks}) AND kind NOT LIKE 'deferred.fetch%'", PENDING_STATES).fetchone()
    incoming = store.conn.execute(
        f"SELECT count(*) FROM outbox WHERE state IN ({marks}) AND kind LIKE 'deferred.fetch%'",
        PENDING_STATES).fetchone()[0]
    return {"pending": pending, "bytes": left, "needs_attention": by_state.get("needs_attention", 0),
            "by_state": by_state, "incoming": incoming}


def items(store: "Store", states: Iterable[str] | None = None) -> list[OutboxItem]:
    """Items for a listing; an undecodable row is shown with an empty payload and its reason."""
    if states is None:
        rows = store.conn.execute(f"SELECT {_RAW_COLS} FROM outbox ORDER BY id").fetchall()
    else:
        st = tuple(states)
        rows = store.conn.execute(
            f"SELECT {_RAW_COLS} FROM outbox WHERE state IN ({','.join('?' * len(st))})"
            " ORDER BY id", st).fetchall()
    out = []
    for r in rows:
        try:
            out.append(_decode_raw(tuple(r)))
        except BadRow as exc:
            vals = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in r]
            vals[6] = {}
            vals[14] = bad_row_reason(str(exc))
            out.append(OutboxItem(*vals))
    return out
