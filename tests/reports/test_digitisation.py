"""Digitisation figures (issue 14) recomputed independently from the raw rows of the demo store
plus a never-scan-twice scenario made through the real services: the report's numbers, its
"tái sử dụng" score and each figure's dossier list (report-trace) agree with plain Python."""
from __future__ import annotations

from datetime import date

import pytest

from desk_app.domain.models import Role
from desk_app.reports import digitisation as D
from desk_app.reports import figures as F
from desk_app.reports.indicators import build_report
from desk_app.reports.period import Period
from desk_app.services.scanning import doc_types, documents
from desk_app.services.scanning.attach import attach_file
from tests.reports.conftest import DEMO_NOW
from tests.scanning.digit_util import BIRTH, CERT_SIGN, MARRIAGE, pdf_bytes, receive

NOW = DEMO_NOW.isoformat(timespec="seconds")
PERIOD = Period(date(2025, 1, 1), date(2026, 12, 31))
A = ("001090777001", "Hoàng Văn Tái", date(1990, 3, 4), "Nam", "0912000111")
B = ("079185777002", "Vũ Thị Dùng", date(1985, 6, 7), "Nữ", "0912000222")
CLERK = {"actor": "hoa", "role": Role.CLERK}


def _scenario(ctx, tmp_path) -> dict[str, str]:
    """A: ID card scanned at the first intake; re-used at intake (d2) and afterwards (d3); scanned
    again for d4 (a missed re-use). B: a first dossier, nothing held before."""
    card = tmp_path / "cccd-a.pdf"
    card.write_bytes(pdf_bytes("CCCD A", seed=11))
    d1 = receive(ctx, BIRTH, person=A, attachments=[(card, 4)])
    doc = documents.documents(ctx, A[0])[0]
    d2 = receive(ctx, MARRIAGE, person=A, reuse=[(3, doc.id)])
    d3 = receive(ctx, CERT_SIGN, person=A)
    documents.reuse(ctx, d3.code, 1, doc.id, **CLERK)
    d4 = receive(ctx, CERT_SIGN, person=A)
    again = tmp_path / "cccd-a-lan-2.pdf"
    again.write_bytes(pdf_bytes("CCCD A lần 2", seed=12))
    attach_file(ctx, d4.code, 1, again, **CLERK)
    d5 = receive(ctx, CERT_SIGN, person=B)
    return {"d1": d1.code, "d2": d2.code, "d3": d3.code, "d4": d4.code, "d5": d5.code}


def _raw(conn, period: Period) -> dict[str, dict]:
    """Per dossier, from the raw rows (components' names, attachments, uses), in Python."""
    table = doc_types.table()
    lo, hi = period.bounds()
    received = {r[0] for r in conn.execute("SELECT DISTINCT dossier_id FROM dossier_events"
                                           " WHERE to_status = 'received'")}
    dossiers = {r[0]: r for r in conn.execute(
        "SELECT id, code, channel, received_at, created_at, applicant_id_number, procedure_code"
        " FROM dossiers")}
    comps: dict[int, dict[int, str]] = {}
    for did, seq, name in conn.execute("SELECT dossier_id, seq, name FROM dossier_components"):
        comps.setdefault(did, {})[seq] = name
    result_type = dict(conn.execute("SELECT code, result_type FROM procedures").fetchall())
    scanned: dict[int, set] = {}
    held: list[tuple[str, str, int, str]] = []      # (applicant ID, doc type, dossier, when)
    for did, seq, kind, created in conn.execute(
            "SELECT dossier_id, component_seq, kind, created_at FROM attachments"):
        d = dossiers[did]
        if kind == "scan" and seq is not None and seq in comps.get(did, {}):
            scanned.setdefault(did, set()).add(seq)
            t = table.classify(comps[did][seq])
        elif kind == "result":
            t = table.classify(result_type.get(d[6], ""))
        else:
            continue
        if t:
            held.append((d[5], t, did, created))
    reused = {r[0] for r in conn.execute("SELECT dossier_id FROM document_uses WHERE reused = 1")}
    out = {}
    for did, d in dossiers.items():
        _id, code, channel, rec, created, idn, _proc = d
        if not (lo <= rec < hi) or did not in received:
            continue      # received outside the period, or a counter outcome
        n = len(comps.get(did, {}))
        s = len(scanned.get(did, set()))
        wants = {table.classify(nm) for nm in comps.get(did, {}).values()} - {""}
        before = any(h_id == idn and t in wants and h_did != did and when < created
                     for h_id, t, h_did, when in held)
        out[code] = {
            "paper": channel != "online",
            "paper_digitised": channel != "online" and n > 0 and s >= n,
            "partly_digitised": channel != "online" and 0 < s < n,
            "components": n,
            "components_digitised": s,
            "reused": did in reused,
            "reuse_basis": did in reused or before,
        }
    return out


@pytest.fixture
def scenario(ctx, tmp_path):
    return _scenario(ctx, tmp_path)


def test_figures_equal_an_independent_count(ctx, scenario):
    conn = ctx.store.conn
    raw = _raw(conn, PERIOD)
    rep = build_report(conn, PERIOD, NOW)
    got = rep["digitisation"]["figures"]
    assert got == {k: sum(int(v[k]) for v in raw.values()) for k in D.FIGURES}
    mine = {k: raw[c] for k, c in scenario.items()}
    assert [mine[k]["reused"] for k in ("d1", "d2", "d3", "d4", "d5")] == [False, True, True, False, False]
    assert [mine[k]["reuse_basis"] for k in ("d1", "d2", "d3", "d4", "d5")] == [False, True, True, True, False]
    basis, reused = got["reuse_basis"], got["reused"]
    part = rep["indicators"]["so_hoa_ho_so"]["parts"]["tai_su_dung"]
    assert part["score"] == round(2 * min(1.0, reused / basis / 0.8), 2)
    assert (part["numerator"], part["denominator"]) == (reused, basis)
    rates = rep["digitisation"]["rates"]
    assert rates["reuse_rate"] == round(100 * reused / basis, 2)
    assert rates["component_digitisation_rate"] == round(
        100 * got["components_digitised"] / got["components"], 2)
    assert got["paper"] > 50 and got["components"] > got["components_digitised"] > 0
    # per procedure: the same counts, grouped
    rows = {r["group"]: r for r in rep["digitisation"]["by_procedure"]}
    assert sum(r["reused"] for r in rows.values()) == reused
    assert rows[CERT_SIGN]["reused"] >= 1


@pytest.mark.parametrize("figure", list(D.FIGURES))
def test_each_figure_traces_to_exactly_its_dossiers(ctx, scenario, figure):
    raw = _raw(ctx.store.conn, PERIOD)
    codes = F.codes_behind(ctx.store.conn, figure, PERIOD, NOW)
    assert set(codes) == {c for c, v in raw.items() if v[figure]}
    assert len(codes) == len(set(codes))


def test_no_reuse_basis_means_not_computable(ctx):
    rep = build_report(ctx.store.conn, Period(date(2025, 1, 1), date(2025, 1, 31)), NOW)
    assert rep["digitisation"]["figures"]["reuse_basis"] == 0
    assert rep["indicators"]["so_hoa_ho_so"]["parts"]["tai_su_dung"]["score"] is None


def test_report_digitisation_command(ctx, scenario, desk_dir, cli):
    code, out, err = cli("report-digitisation", "--from", "2025-01-01", "--to", "2026-12-31",
                         "--json", "--data-dir", str(desk_dir), user="lan")
    assert code == 0, err
    import json
    body = json.loads(out)
    assert body["figures"]["reused"] >= 2
    code, out, err = cli("report-digitisation", "--from", "2025-01-01", "--to", "2026-12-31",
                         "--trace", "reused", "--json", "--data-dir", str(desk_dir), user="lan")
    assert code == 0, err
    assert {scenario["d2"], scenario["d3"]} <= set(json.loads(out)["codes"])
    code, out, err = cli("report-digitisation", "--trace", "bogus", "--data-dir", str(desk_dir),
                         user="lan")
    assert code == 2 and "bogus" in err
    code, out, err = cli("report-digitisation", "--data-dir", str(desk_dir), user="hoa")
    assert code == 3
