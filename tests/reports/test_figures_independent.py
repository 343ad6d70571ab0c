"""The report's figures recomputed independently from the raw rows and events of the demo store
(2,000 dossiers) — plain SQL reads and Python, not the report code — and equal; each figure's
dossier list (click → list) is exactly the dossiers it counts."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from desk_app.reports import figures as F
from desk_app.reports.indicators import build_report
from desk_app.reports.period import Period
from tests.reports.conftest import DEMO_NOW

NOW = DEMO_NOW.isoformat(timespec="seconds")
FINAL_RESOLVING = {"result_ready", "stopped", "refused"}


def _raw(conn, period: Period):
    """Per dossier, what the figures mean, derived from the raw tables."""
    lo, hi = period.bounds()
    events: dict[int, list] = {}
    first_delay: dict[int, str] = {}
    for did, frm, to, at, kind, detail in conn.execute(
            "SELECT dossier_id, from_status, to_status, at, kind, detail_json FROM dossier_events"
            " ORDER BY id"):
        events.setdefault(did, []).append((frm, to, at, kind))
        if kind == "delay" and did not in first_delay:
            first_delay[did] = json.loads(detail)["old_due"]
    comps = Counter(r[0] for r in conn.execute("SELECT dossier_id FROM dossier_components"))
    scans: dict[int, set] = {}
    results = Counter()
    for did, seq, kind in conn.execute("SELECT dossier_id, component_seq, kind FROM attachments"):
        if kind == "scan" and seq is not None:
            scans.setdefault(did, set()).add(seq)
        if kind == "result":
            results[did] += 1
    comp_seqs: dict[int, set] = {}
    for did, seq in conn.execute("SELECT dossier_id, seq FROM dossier_components"):
        comp_seqs.setdefault(did, set()).add(seq)
    ratings: dict[int, list] = {}
    for did, level in conn.execute("SELECT dossier_id, level FROM ratings"):
        ratings.setdefault(did, []).append(level)
    out = {}
    for (did, code, status, received, due, channel, origin, sync_state, proc, clerk) in conn.execute(
            "SELECT id, code, status, received_at, due_at, channel, origin, sync_state,"
            " procedure_code, clerk FROM dossiers"):
        if not (lo <= received < hi):
            continue
        evs = events.get(did, [])
        if not any(to == "received" for _f, to, _a, _k in evs):
            continue                                     # a counter outcome, not a dossier
        resolved = next((at for frm, to, at, _k in evs
                         if frm is not None and to in FINAL_RESOLVING), None)
        ref = first_delay.get(did, due)          # an apology with a new date is still late
        judged = status != "withdrawn" and due is not None and (
            resolved is not None or (due < NOW and status != "waiting_supplement"))
        levels = ratings.get(did, [])
        n_comp = comps.get(did, 0)
        digitised = channel == "online" or (
            n_comp > 0 and len(scans.get(did, set()) & comp_seqs.get(did, set())) >= n_comp)
        has_result = resolved is not None and status in ("result_ready", "returned")
        out[code] = {
            "received": 1,
            "withdrawn": status == "withdrawn",
            "judged": judged,
            "resolved": resolved is not None,
            "ahead": judged and resolved is not None and resolved[:10] < ref[:10],
            "on_time": judged and resolved is not None and resolved <= ref,
            "late_resolved": judged and resolved is not None and resolved > ref,
            "delayed": did in first_delay,
            "overdue_open": judged and resolved is None,
            "returned": status == "returned",
            "online": channel == "online",
            "post": channel == "post",
            "digitised": digitised,
            "results": has_result,
            "results_digitised": has_result and results.get(did, 0) > 0,
            "sync_basis": origin == "local",
            "synced": origin == "local" and sync_state == "synced",
            "rated": len(levels),
            "satisfied": sum(1 for lv in levels if lv < 3),
            "unsatisfied": sum(1 for lv in levels if lv == 3),
            "_proc": proc, "_clerk": clerk, "_month": received[:7],
        }
    return out


PERIODS = [Period(date(2025, 1, 1), date(2026, 12, 31)), Period(date(2026, 3, 1), date(2026, 3, 31)),
           Period(date(2025, 12, 15), date(2026, 2, 10))]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label())
def test_figures_equal_an_independent_count(ctx, period: Period) -> None:
    conn = ctx.store.conn
    raw = _raw(conn, period)
    assert len(raw) > 50
    report = build_report(conn, period, NOW)
    expected = {k: sum(int(v[k]) for v in raw.values()) for k in F.FIGURES}
    assert report["figures"] == expected
    j, ot = expected["judged"], expected["on_time"]
    assert report["on_time_rate"] == round(100 * ot / j, 2)
    assert report["indicators"]["tien_do_giai_quyet"]["score"] == round(20 * ot / j, 2)
    sat = expected["satisfied"] / expected["rated"]
    assert report["indicators"]["muc_do_hai_long"]["parts"]["tiep_nhan_giai_quyet"]["score"] == \
        round(min(6.0, 6 * sat / 0.9), 2)
    so_hoa = report["indicators"]["so_hoa_ho_so"]["parts"]
    assert so_hoa["so_hoa_thanh_phan"]["score"] == round(4 * expected["digitised"] / expected["received"], 2)
    assert so_hoa["ket_qua_dien_tu"]["score"] == round(
        6 * expected["results_digitised"] / expected["results"], 2)
    # per procedure / clerk / month: the same counts, grouped
    for group, key in (("procedure", "_proc"), ("clerk", "_clerk"), ("month", "_month")):
        rows = {r["group"]: r for r in report[f"by_{group}"]}
        values = {v[key] for v in raw.values()}
        assert set(rows) == values
        for value in values:
            sub = [v for v in raw.values() if v[key] == value]
            assert rows[value]["received"] == len(sub)
            assert rows[value]["on_time"] == sum(v["on_time"] for v in sub)
            assert rows[value]["rated"] == sum(v["rated"] for v in sub)


def test_the_demo_has_the_lives_a_desk_sees(ctx) -> None:
    """The demo is worth reporting on: late ones, supplements, delays, ratings, fees, online."""
    conn = ctx.store.conn
    kinds = dict(conn.execute("SELECT kind, count(*) FROM dossier_events GROUP BY kind").fetchall())
    for k in ("handover", "supplement_request", "supplement_received", "delay", "result", "return"):
        assert kinds.get(k, 0) > 5, (k, kinds)
    report = build_report(conn, PERIODS[0], NOW)
    f = report["figures"]
    assert f["late_resolved"] > 50 and f["online"] > 100 and f["rated"] > 500
    assert 80 < report["on_time_rate"] < 97
    assert conn.execute("SELECT count(*) FROM fee_payments WHERE amount > 0").fetchone()[0] > 300
    assert conn.execute("SELECT count(*) FROM fee_payments WHERE exemption <> ''").fetchone()[0] > 0
    assert conn.execute("SELECT count(*) FROM cash_signoffs").fetchone()[0] > 100
    paused = conn.execute("SELECT count(*) FROM dossiers WHERE paused_working_days > 0"
                          " AND due_at > original_due_at").fetchone()[0]
    assert paused > 20


@pytest.mark.parametrize("figure", list(F.FIGURES))
def test_each_figure_traces_to_exactly_its_dossiers(ctx, figure: str) -> None:
    period = PERIODS[0]
    raw = _raw(ctx.store.conn, period)
    codes = F.codes_behind(ctx.store.conn, figure, period, NOW)
    assert set(codes) == {c for c, v in raw.items() if v[figure]}
    assert len(codes) == len(set(codes))


def test_a_group_traces_too(ctx) -> None:
    period = PERIODS[0]
    raw = _raw(ctx.store.conn, period)
    proc = "2.000815"
    codes = F.codes_behind(ctx.store.conn, "late_resolved", period, NOW, group="procedure",
                           value=proc)
    assert codes and set(codes) == {c for c, v in raw.items()
                                    if v["late_resolved"] and v["_proc"] == proc}


def test_a_new_scan_and_rating_move_the_figures(ctx) -> None:
    """report_facts is kept by triggers whoever writes: a result file attached afterwards and a
    rating count at once."""
    from desk_app.services.reports import rating

    conn = ctx.store.conn
    period = PERIODS[0]
    before = build_report(conn, period, NOW)["figures"]
    code = F.codes_behind(conn, "results", period, NOW)[0]
    missing = [c for c in F.codes_behind(conn, "results", period, NOW)
               if c not in set(F.codes_behind(conn, "results_digitised", period, NOW))]
    did = conn.execute("SELECT id FROM dossiers WHERE code = ?", (missing[0],)).fetchone()[0]
    sha, size = ctx.store.blobs.put_bytes(b"%PDF-1.4 result\n%%EOF\n")
    with ctx.store.transaction() as c:
        c.execute("INSERT INTO attachments(dossier_id, sha256, size, filename, mime, kind,"
                  " created_at) VALUES (?,?,?,?,?,?,?)",
                  (did, sha, size, "kq.pdf", "application/pdf", "result", NOW))
    returned = [c for c in F.codes_behind(conn, "returned", period, NOW)
                if c not in set(F.codes_behind(conn, "rated", period, NOW))]
    rating.rate(ctx, returned[0], 3, comment="Chờ lâu", actor="test")
    after = build_report(conn, period, NOW)["figures"]
    assert after["results_digitised"] == before["results_digitised"] + 1
    assert after["rated"] == before["rated"] + 1 and after["unsatisfied"] == before["unsatisfied"] + 1
    assert code


def test_an_apology_with_a_new_date_does_not_make_a_dossier_on_time(ctx) -> None:
    """Resolved after the first due time but before the new one (Mẫu 04): late; a delay event
    written as the lifecycle writes it (kind 'delay', detail old_due/new_due)."""
    conn = ctx.store.conn
    period = PERIODS[0]
    code, did, due, resolved = conn.execute(
        "SELECT d.code, d.id, d.due_at, d.resolved_at FROM dossiers d JOIN report_facts f ON"
        " f.dossier_id = d.id WHERE d.status = 'returned' AND f.due_before_delay IS NULL"
        " AND d.resolved_at < d.due_at LIMIT 1").fetchone()
    assert code in F.codes_behind(conn, "on_time", period, NOW)
    old_due = (resolved[:11] + "00:00:00" + resolved[19:])          # before the resolution
    with ctx.store.transaction() as c:
        c.execute("INSERT INTO dossier_events(dossier_id, from_status, to_status, actor, role, at,"
                  " kind, detail_json) VALUES (?,?,?,?,?,?,?,?)",
                  (did, "in_process", "in_process", "x", "processor", old_due, "delay",
                   json.dumps({"old_due": old_due, "new_due": due})))
    assert code in F.codes_behind(conn, "late_resolved", period, NOW)
    assert code in F.codes_behind(conn, "delayed", period, NOW)
    assert code not in F.codes_behind(conn, "on_time", period, NOW)


def test_fees_of_the_period_equal_the_payment_rows(ctx) -> None:
    period = PERIODS[1]
    rows = [r for r in ctx.store.conn.execute("SELECT day, clerk, amount, exemption FROM fee_payments")
            if period.start.isoformat() <= r[0] <= period.end.isoformat()]
    fees = build_report(ctx.store.conn, period, NOW)["fees"]
    assert fees["payments"] == len(rows) > 0
    assert fees["collected"] == sum(r[2] for r in rows)
    assert fees["exempt"] == sum(1 for r in rows if r[3])
    assert {c["clerk"]: c["collected"] for c in fees["by_clerk"]} == {
        k: sum(r[2] for r in rows if r[1] == k) for k in {r[1] for r in rows}}
