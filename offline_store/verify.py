"""Whole-store consistency check: what `desk-app verify` and the diagnostics export run."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from offline_store.audit import verify_chain

if TYPE_CHECKING:
    from offline_store.store import Store

# Dossiers created at the desk whose first status is a desk decision (refusal, supplement request)
# are recorded but never queued as "received" (see desk_app/services/intake/receive.py).
DESK_DECISION_STATUSES = ("refused", "waiting_supplement")

# The checks in the order they run (``attachments_blobs`` only with ``blobs=True``).
CHECKS = ("integrity_check", "foreign_keys", "attachments_blobs", "audit_chain", "dossier_events",
          "dossier_audit", "dossier_outbox", "seals")
BLOB_REPORT_EVERY = 200

# progress(step, done, total): step is a check name from CHECKS before that check runs (done =
# checks finished, total = checks to run), "blobs" every BLOB_REPORT_EVERY blobs (done = blobs
# checked, total = blobs to check), and "done" at the end. The callback may raise to stop the
# run (verify only reads, so stopping between checks leaves nothing behind).
VerifyProgress = Callable[[str, int, int], None]


@dataclass
class VerifyReport:
    ok: bool = True
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append((name, ok, detail))
        self.ok = self.ok and ok

    def as_dict(self) -> dict:
        return {"ok": self.ok,
                "checks": [{"name": n, "ok": o, "detail": d} for n, o, d in self.checks]}


def _ids(rows: list) -> str:
    shown = ", ".join(str(r[0]) for r in rows[:10])
    return shown + (f" … (+{len(rows) - 10})" if len(rows) > 10 else "")


def _no_progress(step: str, done: int, total: int) -> None:
    pass


def verify(store: "Store", *, blobs: bool = True,
           progress: VerifyProgress | None = None) -> VerifyReport:
    """Run every check; never raises for a finding (findings are the report).

    ``progress`` (see ``VerifyProgress``) is told before each check and every 200 blobs; an
    exception it raises stops the run and propagates."""
    rep = VerifyReport()
    conn = store.conn
    tell = progress or _no_progress
    checks = [c for c in CHECKS if blobs or c != "attachments_blobs"]

    def before(name: str) -> None:
        tell(name, checks.index(name), len(checks))

    before("integrity_check")
    try:
        res = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:      # encrypted store: a page failed its HMAC check
        res = [f"unreadable page: {exc}"]
    rep.add("integrity_check", res == ["ok"], "; ".join(res[:5]))

    before("foreign_keys")
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    rep.add("foreign_keys", not fk, "; ".join(f"{tuple(r)}" for r in fk[:5]))

    if blobs:
        before("attachments_blobs")
        bad: list[str] = []
        rows = conn.execute("SELECT DISTINCT sha256 FROM attachments").fetchall()
        for i, (sha,) in enumerate(rows):
            if i and i % BLOB_REPORT_EVERY == 0:
                tell("blobs", i, len(rows))
            if not store.blobs.verify(sha):
                bad.append(sha)
        tell("blobs", len(rows), len(rows))
        rep.add("attachments_blobs", not bad,
                f"{len(rows)} blob(s) checked" + (f"; missing/corrupt: {', '.join(bad[:5])}"
                                                  if bad else ""))

    before("audit_chain")
    problems = verify_chain(conn)
    n_audit = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    rep.add("audit_chain", not problems, "; ".join(problems[:5]) or f"{n_audit} row(s) linked")

    before("dossier_events")
    no_event = conn.execute("SELECT code FROM dossiers d WHERE NOT EXISTS"
                            " (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id)"
                            " AND d.origin = 'local'").fetchall()
    rep.add("dossier_events", not no_event,
            f"without an event: {_ids(no_event)}" if no_event else "")

    before("dossier_audit")
    no_audit = conn.execute("SELECT code FROM dossiers d WHERE d.origin = 'local' AND NOT EXISTS"
                            " (SELECT 1 FROM audit_log a WHERE a.entity = 'dossier'"
                            " AND a.entity_id = d.record_id)").fetchall()
    rep.add("dossier_audit", not no_audit,
            f"without an audit row: {_ids(no_audit)}" if no_audit else "")

    before("dossier_outbox")
    marks = ",".join("?" * len(DESK_DECISION_STATUSES))
    no_outbox = conn.execute(
        "SELECT code FROM dossiers d WHERE d.origin = 'local' AND NOT EXISTS"
        " (SELECT 1 FROM outbox o WHERE o.dossier_id = d.id) AND NOT EXISTS"
        " (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id AND e.from_status IS NULL"
        f"  AND e.to_status IN ({marks}))", DESK_DECISION_STATUSES).fetchall()
    rep.add("dossier_outbox", not no_outbox,
            f"without an outbox item: {_ids(no_outbox)}" if no_outbox else "")
    before("seals")
    _check_seals(store, rep)
    tell("done", len(checks), len(checks))
    return rep


def _check_seals(store: "Store", rep: VerifyReport) -> None:
    """Keyed seals (offline_store/seal.py): edits outside the app, with or without the audit
    chain recomputed, and removed rows; each finding names the dossier."""
    from offline_store import seal

    conn = store.conn
    key = seal.key_of(conn)
    sealed_before = (conn.execute("SELECT 1 FROM meta WHERE key IN ('seal_head', 'seal_key_id')"
                                  " LIMIT 1").fetchone() is not None
                     or conn.execute("SELECT 1 FROM dossier_seals LIMIT 1").fetchone() is not None)
    if key is None:
        if sealed_before:
            rep.add("seals", False, "this store is sealed but its key is not available on this"
                                    " PC: edits cannot be ruled out")
        else:
            rep.add("seals", True, "store not sealed (opened without a seal key)")
        return
    problems = seal.check(conn, key)
    n = conn.execute("SELECT count(*) FROM dossier_seals").fetchone()[0]
    rep.add("seals", not problems, "; ".join(problems[:10])
            + (f" … (+{len(problems) - 10})" if len(problems) > 10 else "")
            if problems else f"{n} dossier seal(s) hold")
