"""Digitisation figures ("số hóa", Decision 766/QĐ-TTg group 4; Decree 107/2021), per dossier.

Each figure is ONE SQL predicate over a dossier (``d``, its ``report_facts`` row ``f``), like
``figures.FIGURES``: counted with the same period filter (received in the period, counter
outcomes left out) and listed by ``figures.codes_behind`` (``report-trace``), so a count and
its dossiers never disagree. The tables of migration 0013 carry what the desk knows of re-use:
``document_uses`` (each held document serving a component; ``reused = 1`` when attached from the
applicant's store without a new scan) and ``dossier_component_types`` (the paper each component
asks for), ``applicant_documents`` (what each applicant already had digitised, and when).

How the province counts them (shared/workflow.md, medium confidence):

* Tỷ lệ số hóa hồ sơ (4 points): a dossier is digitised when every component is (an online
  dossier is digital from the start) — ``digitised`` in figures.py; here the paper dossiers
  alone (``paper``, ``paper_digitised``), the partly digitised ones, and the component counts.
* Tỷ lệ số hóa kết quả (6 points): ``results`` / ``results_digitised`` in figures.py.
* Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa (2 points, full marks at 80 %): of the dossiers
  that asked for a paper the applicant already had digitised at this desk (for another dossier,
  before this one was recorded) — or that re-used one — those that re-used it.
"""
from __future__ import annotations

import sqlite3

from desk_app.reports.figures import _FROM, Figure, _args, _flag_expr
from desk_app.reports.period import Period

REUSE_FULL_MARKS = 0.8          # "re-use of data already digitised": full marks at 80 %

_REUSED = ("EXISTS (SELECT 1 FROM document_uses u WHERE u.dossier_id = d.id AND u.reused = 1)")
# the applicant (by ID number: a dossier from the feed may lack applicant_id) already had a paper
# of the type a component asks for digitised for another dossier (a use of one of their held
# documents with that type) before this one was recorded at the desk (when the clerk could have
# re-used it). Times are UTC ISO of fixed width: text order is time order.
_HELD_BEFORE = (
    "EXISTS (SELECT 1 FROM applicant_documents h JOIN document_uses u2 ON u2.document_id = h.id"
    " JOIN dossier_component_types t ON t.dossier_id = d.id AND t.doc_type = u2.doc_type"
    " WHERE h.applicant_id = (SELECT a.id FROM applicants a WHERE a.id_number = d.applicant_id_number)"
    " AND u2.dossier_id <> d.id AND u2.at < d.created_at)")

FIGURES: dict[str, Figure] = {f.key: f for f in (
    Figure("paper", "Hồ sơ nộp giấy (tại quầy, bưu chính)", "Paper dossiers (desk, post)",
           "d.channel <> 'online'"),
    Figure("paper_digitised", "Hồ sơ giấy được số hóa đầy đủ thành phần",
           "Paper dossiers with every component digitised",
           "(d.channel <> 'online' AND coalesce(f.components, 0) > 0"
           " AND f.scanned >= f.components)"),
    Figure("partly_digitised", "Hồ sơ mới số hóa một phần thành phần",
           "Dossiers with some, not all, components digitised",
           "(d.channel <> 'online' AND coalesce(f.scanned, 0) > 0"
           " AND f.scanned < f.components)"),
    Figure("components", "Số thành phần hồ sơ", "Dossier components",
           "coalesce(f.components, 0) > 0", "coalesce(f.components, 0)"),
    Figure("components_digitised", "Số thành phần hồ sơ được số hóa", "Components digitised",
           "coalesce(f.scanned, 0) > 0", "coalesce(f.scanned, 0)"),
    Figure("reuse_basis", "Hồ sơ cần giấy tờ người nộp đã có bản số hóa",
           "Dossiers needing a paper the applicant already had digitised",
           f"({_REUSED} OR {_HELD_BEFORE})"),
    Figure("reused", "Hồ sơ sử dụng lại dữ liệu đã số hóa (không quét lại)",
           "Dossiers re-using digitised papers (no new scan)", _REUSED),
)}


def count(conn: sqlite3.Connection, period: Period, now: str) -> dict[str, int]:
    """Every digitisation figure over the period (one pass)."""
    sql = ("SELECT " + ", ".join(f"coalesce(sum({_flag_expr(f)}), 0)" for f in FIGURES.values())
           + _FROM)
    row = conn.execute(sql, _args(period, now)).fetchone()
    return {k: int(v) for k, v in zip(FIGURES, row)}


def count_by_procedure(conn: sqlite3.Connection, period: Period, now: str) -> list[dict]:
    sql = ("SELECT d.procedure_code, max(d.procedure_name), "
           + ", ".join(f"coalesce(sum({_flag_expr(f)}), 0)" for f in FIGURES.values())
           + _FROM + " GROUP BY d.procedure_code ORDER BY d.procedure_code")
    return [{"group": r[0], "label": r[1], **{k: int(v) for k, v in zip(FIGURES, r[2:])}}
            for r in conn.execute(sql, _args(period, now)).fetchall()]


def _rate(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 2) if den else None


def reuse_score(reused: int, basis: int) -> float | None:
    """The 2 points of "khai thác, sử dụng lại dữ liệu đã số hóa": 2 × min(1, rate ÷ 80 %)."""
    if not basis:
        return None
    return round(2 * min(1.0, (reused / basis) / REUSE_FULL_MARKS), 2)


def section(conn: sqlite3.Connection, period: Period, now: str, totals: dict) -> dict:
    """The report's "digitisation" section: figures, names, rates, per procedure.
    ``totals`` are figures.count_figures totals (digitised, results, results_digitised, …)."""
    t = count(conn, period, now)
    return {
        "figures": t,
        "figure_names": {k: {"vi": f.vi, "en": f.en} for k, f in FIGURES.items()},
        "rates": {
            "dossier_digitisation_rate": _rate(totals["digitised"], totals["received"]),
            "paper_digitisation_rate": _rate(t["paper_digitised"], t["paper"]),
            "component_digitisation_rate": _rate(t["components_digitised"], t["components"]),
            "result_digitisation_rate": _rate(totals["results_digitised"], totals["results"]),
            "reuse_rate": _rate(t["reused"], t["reuse_basis"]),
        },
        "by_procedure": count_by_procedure(conn, period, now),
    }
