"""All SQL of the store (besides outbox.py and audit.py). Rows in, rows out — no domain objects.

offline_store knows nothing of desk_app: callers pass plain dicts with already-folded search text
and get ``sqlite3.Row`` back. Writers take a connection that is inside the caller's transaction.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence

from offline_store import seal
from offline_store.clock import iso_utc

# --------------------------------------------------------------------------- meta / settings


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, str(value)))


def all_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT key, value FROM meta")}


def get_setting(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(conn: sqlite3.Connection, key: str, value: str, by: str = "") -> None:
    conn.execute("INSERT INTO settings(key, value, updated_at, updated_by) VALUES (?,?,?,?)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                 " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                 (key, str(value), iso_utc(), by))


def all_settings(conn: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings")}


def get_sync_state(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_sync_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO sync_state(key, value) VALUES (?, ?)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, str(value)))

# --------------------------------------------------------------------------- units

UNIT_COLS = ("code", "name", "province_name", "parent_code", "address", "replaced_by",
             "lookup_url", "valid_from", "valid_to")


def upsert_unit(conn: sqlite3.Connection, unit: dict) -> None:
    vals = [unit.get(c) for c in UNIT_COLS]
    for i, c in enumerate(UNIT_COLS):
        if c in ("province_name", "address") and vals[i] is None:
            vals[i] = ""
    conn.execute(
        f"INSERT INTO units({', '.join(UNIT_COLS)}) VALUES ({', '.join('?' * len(UNIT_COLS))})"
        " ON CONFLICT(code) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in UNIT_COLS[1:]), vals)


def list_units(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM units ORDER BY code").fetchall()


def get_unit(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM units WHERE code = ?", (code,)).fetchone()


def record_code_change(conn: sqlite3.Connection, old_code: str, new_code: str, effective: str,
                       reason: str = "") -> None:
    """Remember a unit's code change (merger, temporary -> final); old dossiers keep old codes."""
    conn.execute("INSERT OR IGNORE INTO unit_code_changes(old_code, new_code, effective, reason,"
                 " recorded_at) VALUES (?,?,?,?,?)", (old_code, new_code, effective, reason,
                                                       iso_utc()))
    conn.execute("UPDATE units SET replaced_by = ? WHERE code = ?", (new_code, old_code))


def code_changes(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM unit_code_changes ORDER BY effective, id").fetchall()

# --------------------------------------------------------------------------- procedures

PROC_COLS = ("code", "name", "name_folded", "field_code", "field_name", "level", "time_kind",
             "time_days", "cutoff", "fee_json", "result_type", "portal_id", "active",
             "catalog_version")
COMP_COLS = ("procedure_code", "seq", "name", "originals", "copies", "required", "code")


def replace_catalog(conn: sqlite3.Connection, procedures: Sequence[dict]) -> int:
    """Replace every procedure and its components (caller's transaction makes it atomic).

    Each dict has the PROC_COLS keys (fee_json as text or 'fee' as a dict) and 'components':
    a list of dicts with seq, name, originals, copies, required, code.
    """
    conn.execute("DELETE FROM procedure_components")
    conn.execute("DELETE FROM procedures")
    for p in procedures:
        row = dict(p)
        if "fee_json" not in row:
            row["fee_json"] = json.dumps(row.get("fee") or {"kind": "free"}, ensure_ascii=False)
        row.setdefault("active", 1)
        row.setdefault("result_type", "")
        conn.execute(f"INSERT INTO procedures({', '.join(PROC_COLS)})"
                     f" VALUES ({', '.join('?' * len(PROC_COLS))})",
                     [row.get(c) for c in PROC_COLS])
        for comp in row.get("components") or ():
            c = {"procedure_code": row["code"], "originals": 0, "copies": 0, "required": 1,
                 "code": None, **comp}
            conn.execute(f"INSERT INTO procedure_components({', '.join(COMP_COLS)})"
                         f" VALUES ({', '.join('?' * len(COMP_COLS))})",
                         [c.get(k) for k in COMP_COLS])
    return len(procedures)


def list_procedures(conn: sqlite3.Connection, active_only: bool = False) -> list[sqlite3.Row]:
    sql = "SELECT * FROM procedures" + (" WHERE active = 1" if active_only else "")
    return conn.execute(sql + " ORDER BY code").fetchall()


def get_procedure(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM procedures WHERE code = ?", (code,)).fetchone()


def procedure_components(conn: sqlite3.Connection, code: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM procedure_components WHERE procedure_code = ? ORDER BY seq",
                        (code,)).fetchall()


def all_procedure_components(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM procedure_components ORDER BY procedure_code, seq").fetchall()


def search_procedures(conn: sqlite3.Connection, *, code_prefix: str | None,
                      folded_words: Sequence[str], limit: int) -> list[sqlite3.Row]:
    """Active procedures whose code starts with ``code_prefix`` or whose folded name contains
    every word (a catalog has hundreds of rows, so LIKE is enough)."""
    if code_prefix:
        return conn.execute("SELECT * FROM procedures WHERE active = 1 AND code LIKE ? ESCAPE '\\'"
                            " ORDER BY code LIMIT ?", (_like_escape(code_prefix) + "%", limit)
                            ).fetchall()
    where = " AND ".join(["name_folded LIKE ? ESCAPE '\\'"] * len(folded_words)) or "1"
    args = [f"%{_like_escape(w)}%" for w in folded_words]
    phrase = " ".join(folded_words)
    # Best match first: the exact name, then names containing the words as typed, then the
    # shortest name ("khai sinh" -> "Đăng ký khai sinh" before "… khai sinh kết hợp nhận cha…").
    return conn.execute(f"SELECT * FROM procedures WHERE active = 1 AND {where}"
                        " ORDER BY name_folded = ? DESC, instr(name_folded, ?) > 0 DESC,"
                        " length(name_folded), code LIMIT ?",
                        (*args, phrase, phrase, limit)).fetchall()


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

# --------------------------------------------------------------------------- calendar


def replace_calendar_days(conn: sqlite3.Connection, days: Iterable[dict],
                          source: str | None = None) -> int:
    """Replace calendar days (all, or only one ``source``) with rows {day, source, kind, name}."""
    if source is None:
        conn.execute("DELETE FROM calendar_days")
    else:
        conn.execute("DELETE FROM calendar_days WHERE source = ?", (source,))
    n = 0
    for d in days:
        conn.execute("INSERT OR REPLACE INTO calendar_days(day, source, kind, name) VALUES (?,?,?,?)",
                     (d["day"], d["source"], d["kind"], d.get("name", "")))
        n += 1
    return n


def calendar_days(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT day, source, kind, name FROM calendar_days ORDER BY day").fetchall()

# --------------------------------------------------------------------------- applicants

APPLICANT_COLS = ("id_number", "kind", "full_name", "name_folded", "birth_date", "sex", "address",
                  "phone", "email", "old_id_number")


def merge_applicant(conn: sqlite3.Connection, a: dict) -> tuple[int, dict[str, tuple]]:
    """Remember a returning applicant: insert, or merge into the row of that ID number.

    An empty value (None or "") never erases a stored one; a non-empty value that differs
    replaces it. Returns ``(applicants.id, {column: (old, new)})`` — the changes made (all
    columns of a new row with old None), for the caller's audit row. Whether a different name
    may replace the stored one is the caller's rule (services.intake asks for a confirmation).
    """
    now = iso_utc()
    mine = conn.execute("SELECT * FROM applicants WHERE id_number = ?",
                        (a["id_number"],)).fetchone()
    if mine is None:
        vals = [a.get(c) if c in ("birth_date", "sex") else (a.get(c) if a.get(c) is not None
                else (1 if c == "kind" else "")) for c in APPLICANT_COLS]
        row = conn.execute(
            f"INSERT INTO applicants({', '.join(APPLICANT_COLS)}, created_at, updated_at)"
            f" VALUES ({', '.join('?' * len(APPLICANT_COLS))}, ?, ?) RETURNING id",
            (*vals, now, now)).fetchone()
        return int(row[0]), {c: (None, v) for c, v in zip(APPLICANT_COLS, vals)
                             if v not in (None, "") and c not in ("name_folded",)}
    changes: dict[str, tuple] = {}
    for c in APPLICANT_COLS[1:]:
        new = a.get(c)
        if new is None or new == "":
            continue
        if mine[c] != new:
            changes[c] = (mine[c], new)
    if changes:
        conn.execute(f"UPDATE applicants SET {', '.join(f'{c} = ?' for c in changes)},"
                     " updated_at = ? WHERE id = ?",
                     (*(v[1] for v in changes.values()), now, mine["id"]))
    changes.pop("name_folded", None)
    return int(mine["id"]), changes


def upsert_applicant(conn: sqlite3.Connection, a: dict) -> int:
    """``merge_applicant`` without the change list (bulk loads, demo data)."""
    return merge_applicant(conn, a)[0]


def get_applicant(conn: sqlite3.Connection, id_number: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM applicants WHERE id_number = ?", (id_number,)).fetchone()

# --------------------------------------------------------------------------- serials


def block_of(desk_no: int, width: int) -> range:
    """Desk N's serials for width 4: N001..N999 (the domain's dossier_code documents the rule)."""
    base = 10 ** (width - 1)
    if not 1 <= desk_no <= 9:
        raise ValueError(f"desk number must be 1..9, got {desk_no}")
    return range(desk_no * base + 1, (desk_no + 1) * base)


def allocate_serial(conn: sqlite3.Connection, unit_code: str, day_yymmdd: str, desk_no: int,
                    width: int = 4, *,
                    next_serial: Callable[[int | None], int] | None = None) -> int:
    """Next serial of this desk for the unit and day, inside the caller's transaction.

    Never reuses a number: the counter row is the floor, and the highest code of this desk's block
    already present (e.g. brought back by the feed after a restore from an old backup) too.
    ``next_serial(last)`` lets the domain own the block rule; the default is ``block_of``.
    """
    if not conn.in_transaction:
        raise RuntimeError("allocate_serial must run inside the dossier's transaction")
    block = block_of(desk_no, width)
    row = conn.execute("SELECT last_serial FROM daily_serials WHERE unit_code = ? AND day = ?"
                       " AND desk_no = ?", (unit_code, day_yymmdd, desk_no)).fetchone()
    last = row[0] if row else None
    lo = f"{unit_code}-{day_yymmdd}-{block.start:0{width}d}"
    hi = f"{unit_code}-{day_yymmdd}-{block.stop - 1:0{width}d}"
    top = conn.execute("SELECT code FROM dossiers WHERE code BETWEEN ? AND ? ORDER BY code DESC"
                       " LIMIT 1", (lo, hi)).fetchone()
    if top is not None:
        seen = int(top[0].rsplit("-", 1)[1])
        last = seen if last is None else max(last, seen)
    if next_serial is not None:
        serial = next_serial(last)
    else:
        serial = block.start if last is None else last + 1
        if serial not in block:
            raise OverflowError(f"desk {desk_no} used every serial of {day_yymmdd}")
    conn.execute("INSERT INTO daily_serials(unit_code, day, desk_no, last_serial) VALUES (?,?,?,?)"
                 " ON CONFLICT(unit_code, day, desk_no) DO UPDATE SET last_serial ="
                 " excluded.last_serial", (unit_code, day_yymmdd, desk_no, serial))
    return serial

# --------------------------------------------------------------------------- dossiers

DOSSIER_COLS = ("record_id", "code", "unit_code", "desk_no", "procedure_code", "procedure_name",
                "applicant_id", "applicant_name", "applicant_id_number", "applicant_phone",
                "applicant_address", "on_behalf_of", "delivery", "delivery_address", "fee_amount",
                "fee_note", "sets", "received_at", "due_at", "status", "clerk", "receipt_no",
                "logbook_no", "note", "version", "origin", "server_receipt_no", "server_version",
                "sync_state", "sync_error", "search_folded", "created_at", "updated_at",
                "applicant_kind", "applicant_birth_date", "applicant_sex", "applicant_email",
                "applicant_old_id_number")
_DOSSIER_DEFAULTS = {"applicant_kind": 1, "applicant_birth_date": None, "applicant_sex": None,
                     "applicant_email": "", "applicant_old_id_number": "",
                     "applicant_id": None, "applicant_phone": "", "applicant_address": "",
                     "on_behalf_of": "", "delivery": "desk", "delivery_address": "",
                     "fee_amount": 0, "fee_note": "", "sets": 1, "due_at": None,
                     "receipt_no": "", "logbook_no": "", "note": "", "version": 1,
                     "origin": "local", "server_receipt_no": "", "server_version": None,
                     "sync_state": "local", "sync_error": ""}
_INSERT_DOSSIER = (f"INSERT INTO dossiers({', '.join(DOSSIER_COLS)})"
                   f" VALUES ({', '.join('?' * len(DOSSIER_COLS))})")

# Columns a list/search view needs (no joins): keeps 200-row pages cheap. The list functions
# below return plain tuples in this order (no sqlite3.Row: name lookups cost more than the query).
LIST_COLS = ("id, record_id, code, unit_code, desk_no, procedure_code, procedure_name,"
             " applicant_name, applicant_id_number, applicant_phone, applicant_address,"
             " on_behalf_of, delivery, delivery_address, fee_amount, fee_note, sets, received_at,"
             " due_at, status, clerk, receipt_no, logbook_no, note, version, server_receipt_no,"
             " sync_state, sync_error")


def dossier_values(row: dict) -> list:
    now = iso_utc()
    full = {**_DOSSIER_DEFAULTS, "created_at": now, "updated_at": now, **row}
    return [full[c] for c in DOSSIER_COLS]


def insert_dossier(conn: sqlite3.Connection, row: dict) -> int:
    did = int(conn.execute(_INSERT_DOSSIER, dossier_values(row)).lastrowid)
    seal.touch(conn, did)
    return did


def insert_dossiers_bulk(conn: sqlite3.Connection, rows: Iterable[dict]) -> None:
    """Many rows in one statement loop (bulk loads, demo data, benchmarks)."""
    conn.executemany(_INSERT_DOSSIER, (dossier_values(r) for r in rows))


def insert_components(conn: sqlite3.Connection, dossier_id: int, comps: Iterable[dict]) -> None:
    conn.executemany("INSERT INTO dossier_components(dossier_id, seq, name, form, quantity)"
                     " VALUES (?,?,?,?,?)",
                     [(dossier_id, c["seq"], c["name"], c["form"], c.get("quantity", 1))
                      for c in comps])
    seal.touch(conn, dossier_id)


def insert_attachment(conn: sqlite3.Connection, dossier_id: int, a: dict) -> int:
    cur = conn.execute(
        "INSERT INTO attachments(dossier_id, component_seq, sha256, size, filename, mime, kind,"
        " created_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(dossier_id, sha256, kind) DO NOTHING",
        (dossier_id, a.get("component_seq"), a["sha256"], a["size"], a["filename"], a["mime"],
         a.get("kind", "scan"), iso_utc()))
    seal.touch(conn, dossier_id)
    return int(cur.lastrowid or 0)


def insert_event(conn: sqlite3.Connection, dossier_id: int, *, from_status: str | None,
                 to_status: str, actor: str, role: str, at: str, note: str = "") -> int:
    seal.touch(conn, dossier_id)
    return int(conn.execute(
        "INSERT INTO dossier_events(dossier_id, from_status, to_status, actor, role, at, note)"
        " VALUES (?,?,?,?,?,?,?)", (dossier_id, from_status, to_status, actor, role, at, note)
    ).lastrowid)


def update_dossier(conn: sqlite3.Connection, dossier_id: int, changes: dict) -> None:
    bad = set(changes) - set(DOSSIER_COLS)
    if bad:
        raise ValueError(f"unknown dossier columns: {sorted(bad)}")
    changes = {**changes, "updated_at": changes.get("updated_at") or iso_utc()}
    conn.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in changes)} WHERE id = ?",
                 (*changes.values(), dossier_id))
    seal.touch(conn, dossier_id)


def get_dossier(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM dossiers WHERE code = ?", (code,)).fetchone()


def get_dossier_by_id(conn: sqlite3.Connection, dossier_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()


def has_attachment(conn: sqlite3.Connection, dossier_id: int, sha256: str) -> bool:
    return conn.execute("SELECT 1 FROM attachments WHERE dossier_id = ? AND sha256 = ? LIMIT 1",
                        (dossier_id, sha256)).fetchone() is not None


def get_dossier_by_record_id(conn: sqlite3.Connection, record_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM dossiers WHERE record_id = ?", (record_id,)).fetchone()


def components_of(conn: sqlite3.Connection, dossier_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM dossier_components WHERE dossier_id = ? ORDER BY seq",
                        (dossier_id,)).fetchall()


def attachments_of(conn: sqlite3.Connection, dossier_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM attachments WHERE dossier_id = ? ORDER BY id",
                        (dossier_id,)).fetchall()


def events_of(conn: sqlite3.Connection, dossier_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM dossier_events WHERE dossier_id = ? ORDER BY id",
                        (dossier_id,)).fetchall()


def _tuples(conn: sqlite3.Connection, sql: str, args: tuple) -> list[tuple]:
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, args).fetchall()


def list_recent(conn: sqlite3.Connection, limit: int = 200, offset: int = 0) -> list[tuple]:
    return _tuples(conn, f"SELECT {LIST_COLS} FROM dossiers ORDER BY received_at DESC, id DESC"
                        " LIMIT ? OFFSET ?", (limit, offset))


def count_dossiers(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM dossiers").fetchone()[0])


def fts_query(tokens: Sequence[str], *, prefix_last: bool = True) -> str:
    """FTS5 MATCH text: every token quoted (codes hold '.' and '-'), AND-ed, last one a prefix."""
    parts = []
    for i, t in enumerate(tokens):
        q = '"' + t.replace('"', '""') + '"'
        if prefix_last and i == len(tokens) - 1:
            q += "*"
        parts.append(q)
    return " ".join(parts)


FTS_SQL = (f"SELECT {LIST_COLS} FROM dossiers WHERE id IN (SELECT rowid FROM dossier_fts"
           " WHERE dossier_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY id DESC")


def search_fts(conn: sqlite3.Connection, match: str, limit: int) -> list[tuple]:
    """Newest first (rowid order = insertion order) among rows whose folded text matches."""
    return _tuples(conn, FTS_SQL, (match, limit))


def find_exact(conn: sqlite3.Connection, value: str, limit: int) -> list[tuple]:
    """Dossiers whose applicant ID number or phone equals ``value`` exactly (indexed)."""
    return _tuples(conn, 
        f"SELECT {LIST_COLS} FROM dossiers WHERE id IN ("
        " SELECT id FROM dossiers WHERE applicant_id_number = ?"
        " UNION SELECT id FROM dossiers WHERE applicant_phone = ?) ORDER BY id DESC LIMIT ?",
        (value, value, limit))


def find_code_prefix(conn: sqlite3.Connection, prefix: str, limit: int) -> list[tuple]:
    """Dossiers whose code starts with ``prefix`` (index range scan), newest code first."""
    return _tuples(conn, f"SELECT {LIST_COLS} FROM dossiers WHERE code >= ? AND code < ?"
                        " ORDER BY code DESC LIMIT ?", (prefix, prefix + "\U0010ffff", limit))

# --------------------------------------------------------------------------- requests / feed


def find_request(conn: sqlite3.Connection, request_id: str) -> int | None:
    row = conn.execute("SELECT dossier_id FROM intake_requests WHERE request_id = ?",
                       (request_id,)).fetchone()
    return int(row[0]) if row else None


def record_request(conn: sqlite3.Connection, request_id: str, dossier_id: int) -> None:
    conn.execute("INSERT INTO intake_requests(request_id, dossier_id, created_at) VALUES (?,?,?)",
                 (request_id, dossier_id, iso_utc()))


def apply_feed_record(conn: sqlite3.Connection, row: dict) -> str:
    """Insert or update a dossier that came from another desk or the province.

    ``row`` holds dossier columns (record_id, code, version, search_folded … folded by the
    caller). A row whose version is not newer than ours is ignored, so replays and out-of-order
    feed pages are harmless. Returns 'inserted', 'updated' or 'skipped'.
    """
    if not conn.in_transaction:
        raise RuntimeError("apply_feed_record must run inside a transaction")
    mine = conn.execute("SELECT id, version FROM dossiers WHERE record_id = ?",
                        (row["record_id"],)).fetchone()
    version = int(row.get("version") or 1)
    if mine is None:
        insert_dossier(conn, {**row, "origin": "feed", "sync_state": "synced",
                              "server_version": version, "version": version})
        return "inserted"
    if version <= int(mine["version"]):
        return "skipped"
    changes = {k: v for k, v in row.items()
               if k in DOSSIER_COLS and k not in ("record_id", "origin", "created_at")}
    changes.update(version=version, server_version=version)
    update_dossier(conn, int(mine["id"]), changes)
    from offline_store import seal

    if conn.execute("SELECT 1 FROM dossier_seals WHERE dossier_id = ?",
                    (int(mine["id"]),)).fetchone():
        seal.reseal(conn, int(mine["id"]))       # the province changed what was received
    return "updated"

# --------------------------------------------------------------------------- accounts

ACCOUNT_COLS = ("login", "full_name", "role", "password_hash", "active", "source",
                "failed_attempts", "created_at", "updated_at")


def get_account(conn: sqlite3.Connection, login: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {', '.join(ACCOUNT_COLS)} FROM accounts WHERE login = ?",
                        (login,)).fetchone()


def list_accounts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(f"SELECT {', '.join(ACCOUNT_COLS)} FROM accounts ORDER BY login").fetchall()


def insert_account(conn: sqlite3.Connection, row: dict) -> None:
    """A new account (raises sqlite3.IntegrityError if the login exists)."""
    now = iso_utc()
    values = {"active": 1, "source": "local", "failed_attempts": 0, "created_at": now,
              "updated_at": now, **row}
    conn.execute(f"INSERT INTO accounts({', '.join(ACCOUNT_COLS)}) VALUES"
                 f" ({', '.join('?' * len(ACCOUNT_COLS))})", [values[c] for c in ACCOUNT_COLS])


def update_account(conn: sqlite3.Connection, login: str, changes: dict) -> None:
    cols = [c for c in changes if c in ACCOUNT_COLS and c not in ("login", "created_at")]
    if not cols:
        return
    changes = {**changes, "updated_at": changes.get("updated_at") or iso_utc()}
    if "updated_at" not in cols:
        cols.append("updated_at")
    conn.execute(f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in cols)} WHERE login = ?",
                 [changes[c] for c in cols] + [login])


def count_active_admins(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM accounts WHERE role = 'admin' AND active = 1"
                            ).fetchone()[0])


def record_login_attempt(conn: sqlite3.Connection, login: str, ok: bool) -> None:
    """failed_attempts + 1 after a wrong password, back to 0 after a good one (no updated_at
    change: it is the province's version marker for province rows)."""
    if ok:
        conn.execute("UPDATE accounts SET failed_attempts = 0 WHERE login = ?", (login,))
    else:
        conn.execute("UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE login = ?",
                     (login,))


def upsert_province_account(conn: sqlite3.Connection, row: dict) -> bool:
    """Apply one account pushed by the province (``GET /api/v1/accounts`` row: login, full_name,
    role, password_hash, active, updated_at). A local account of the same login is never
    overwritten; a province row is replaced only by a newer ``updated_at``. True if it changed."""
    if not conn.in_transaction:
        raise RuntimeError("upsert_province_account must run inside a transaction")
    mine = get_account(conn, row["login"])
    values = {"login": row["login"], "full_name": row["full_name"], "role": row["role"],
              "password_hash": row["password_hash"], "active": 1 if row.get("active", True) else 0,
              "source": "province", "updated_at": row["updated_at"]}
    if mine is None:
        insert_account(conn, {**values, "created_at": iso_utc()})
        return True
    if mine["source"] != "province" or str(row["updated_at"]) <= str(mine["updated_at"]):
        return False
    if (mine["role"] == "admin" and mine["active"]
            and (values["role"] != "admin" or not values["active"])):
        others = conn.execute("SELECT count(*) FROM accounts WHERE role = 'admin' AND active = 1"
                              " AND login != ?", (row["login"],)).fetchone()[0]
        if others == 0:      # never lock the desk out: the last active administrator stays
            return False
    update_account(conn, row["login"], values)
    return True

# --------------------------------------------------------------------------- applicant documents
# (issue 14, migration 0013: never scan twice; OCR text of attachments for local search)


def attachment_row(conn: sqlite3.Connection, dossier_id: int, sha256: str,
                   kind: str = "scan") -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM attachments WHERE dossier_id = ? AND sha256 = ? AND kind = ?",
                        (dossier_id, sha256, kind)).fetchone()


def attachments_after(conn: sqlite3.Connection, last_id: int, limit: int = 500) -> list[sqlite3.Row]:
    """Scan and result attachments newer than ``last_id`` with their dossier's applicant."""
    return conn.execute(
        "SELECT a.*, d.applicant_id AS d_applicant_id, d.applicant_id_number AS d_id_number,"
        " d.procedure_code AS d_procedure, d.origin AS d_origin,"
        " (SELECT c.name FROM dossier_components c WHERE c.dossier_id = a.dossier_id"
        "   AND c.seq = a.component_seq) AS component_name"
        " FROM attachments a JOIN dossiers d ON d.id = a.dossier_id"
        " WHERE a.id > ? AND a.kind IN ('scan', 'result') ORDER BY a.id LIMIT ?",
        (last_id, limit)).fetchall()


def applicant_documents_cursor(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT last_attachment FROM applicant_documents_cursor WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def set_applicant_documents_cursor(conn: sqlite3.Connection, last_id: int) -> None:
    conn.execute("UPDATE applicant_documents_cursor SET last_attachment = max(last_attachment, ?)"
                 " WHERE id = 1", (last_id,))


def insert_applicant_document(conn: sqlite3.Connection, doc: dict) -> int:
    """The applicant's document for this blob (created once; an existing row keeps its first
    source and date, a known doc type is filled in when it was unknown). Returns its id."""
    conn.execute(
        "INSERT INTO applicant_documents(applicant_id, doc_type, sha256, size, pages, mime, filename,"
        " source_dossier_id, source_component_seq, source_kind, digitised_at, on_server)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(applicant_id, sha256) DO UPDATE SET"
        " doc_type = CASE WHEN applicant_documents.doc_type = '' THEN excluded.doc_type"
        "                 ELSE applicant_documents.doc_type END,"
        " pages = coalesce(applicant_documents.pages, excluded.pages),"
        " on_server = max(applicant_documents.on_server, excluded.on_server)",
        (doc["applicant_id"], doc.get("doc_type") or "", doc["sha256"], doc["size"],
         doc.get("pages"), doc["mime"], doc["filename"], doc.get("source_dossier_id"),
         doc.get("source_component_seq"), doc.get("source_kind", "scan"),
         doc.get("digitised_at") or iso_utc(), 1 if doc.get("on_server") else 0))
    return int(conn.execute("SELECT id FROM applicant_documents WHERE applicant_id = ? AND sha256 = ?",
                            (doc["applicant_id"], doc["sha256"])).fetchone()[0])


def insert_document_use(conn: sqlite3.Connection, *, document_id: int, dossier_id: int,
                        component_seq: int | None, doc_type: str, reused: bool,
                        at: str | None = None) -> None:
    conn.execute("INSERT INTO document_uses(document_id, dossier_id, component_seq, doc_type, reused, at)"
                 " VALUES (?,?,?,?,?,?) ON CONFLICT(document_id, dossier_id, component_seq) DO NOTHING",
                 (document_id, dossier_id, component_seq, doc_type or "", 1 if reused else 0,
                  at or iso_utc()))


def applicant_documents_of(conn: sqlite3.Connection, applicant_id: int) -> list[sqlite3.Row]:
    """The applicant's held documents, newest first, with the code of the dossier each came from."""
    return conn.execute(
        "SELECT ad.*, d.code AS source_code FROM applicant_documents ad"
        " LEFT JOIN dossiers d ON d.id = ad.source_dossier_id"
        " WHERE ad.applicant_id = ? ORDER BY ad.digitised_at DESC, ad.id DESC",
        (applicant_id,)).fetchall()


def get_applicant_document(conn: sqlite3.Connection, document_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT ad.*, d.code AS source_code, ap.id_number AS applicant_id_number"
        " FROM applicant_documents ad LEFT JOIN dossiers d ON d.id = ad.source_dossier_id"
        " JOIN applicants ap ON ap.id = ad.applicant_id WHERE ad.id = ?", (document_id,)).fetchone()


def document_uses_of(conn: sqlite3.Connection, dossier_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM document_uses WHERE dossier_id = ? ORDER BY id",
                        (dossier_id,)).fetchall()


def put_attachment_text(conn: sqlite3.Connection, *, attachment_id: int, dossier_id: int,
                        sha256: str, text: str, text_folded: str, lang: str = "vie") -> None:
    conn.execute(
        "INSERT INTO attachment_text(attachment_id, dossier_id, sha256, lang, text, text_folded,"
        " created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(attachment_id) DO UPDATE SET"
        " text = excluded.text, text_folded = excluded.text_folded, lang = excluded.lang,"
        " created_at = excluded.created_at",
        (attachment_id, dossier_id, sha256, lang, text, text_folded, iso_utc()))


def attachment_text_of(conn: sqlite3.Connection, attachment_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM attachment_text WHERE attachment_id = ?",
                        (attachment_id,)).fetchone()


def search_attachment_text(conn: sqlite3.Connection, match: str, limit: int) -> list[sqlite3.Row]:
    """Attachments whose OCR text matches (FTS5 MATCH on the folded text), newest dossier first:
    dossier code, attachment id, file name, a snippet of the folded text."""
    return conn.execute(
        "SELECT d.code, d.id AS dossier_id, a.id AS attachment_id, a.filename, a.component_seq,"
        " snippet(attachment_text_fts, 0, '[', ']', '…', 12) AS snippet"
        " FROM attachment_text_fts JOIN attachments a ON a.id = attachment_text_fts.rowid"
        " JOIN dossiers d ON d.id = a.dossier_id"
        " WHERE attachment_text_fts MATCH ? ORDER BY d.id DESC, a.id LIMIT ?",
        (match, limit)).fetchall()


def dossier_components_between(conn: sqlite3.Connection, after_id: int, limit: int = 500
                               ) -> tuple[int, list[sqlite3.Row]]:
    """(last dossier id of the batch, the components of dossiers after ``after_id``, at most
    ``limit`` dossiers); (after_id, []) when there are none."""
    ids = [r[0] for r in conn.execute("SELECT id FROM dossiers WHERE id > ? ORDER BY id LIMIT ?",
                                      (after_id, limit))]
    if not ids:
        return after_id, []
    rows = conn.execute("SELECT dossier_id, seq, name FROM dossier_components"
                        " WHERE dossier_id BETWEEN ? AND ?", (ids[0], ids[-1])).fetchall()
    return ids[-1], rows


def dossier_cursor(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT last_dossier FROM applicant_documents_cursor WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def set_dossier_cursor(conn: sqlite3.Connection, last_id: int) -> None:
    conn.execute("UPDATE applicant_documents_cursor SET last_dossier = max(last_dossier, ?)"
                 " WHERE id = 1", (last_id,))


def insert_component_types(conn: sqlite3.Connection, rows: Iterable[tuple[int, int, str]]) -> None:
    conn.executemany("INSERT INTO dossier_component_types(dossier_id, seq, doc_type) VALUES (?,?,?)"
                     " ON CONFLICT(dossier_id, seq) DO UPDATE SET doc_type = excluded.doc_type",
                     list(rows))
