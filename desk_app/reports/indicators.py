"""The indicators of Decision 766/QĐ-TTg (23/6/2022) that a commune desk can compute.

Six groups, 100 points (shared/workflow.md). The formulas are the national portal's reporting
(medium confidence, not legal text):

* Tiến độ giải quyết (20): 20 × (ahead of time + on time) ÷ dossiers judged (received in the
  period and resolved, or past their due time; a withdrawn dossier or one waiting for a
  supplement is not judged).
* Dịch vụ công trực tuyến (12): min(2, 2A/0.8) + 4B + min(6, 6C/0.5); A = share of the active
  procedures offered online (a portal id), B = share of those that received an online dossier in
  the period, C = share of the dossiers filed online.
* Số hóa hồ sơ (22): electronic results 6 × rate; digitised components 4 × rate (an online
  dossier is digital); re-use of data already digitised 2 × min(1, rate ÷ 80 %) (the dossiers
  that re-used a held document, of those that needed a paper the applicant already had
  digitised: ``reports/digitisation.py``); the other parts (electronic certified copies 2,
  personal data store 4, population database 2 + 2) need the national systems: not computable
  here.
* Mức độ hài lòng (18): reception and handling min(6, 6 × rate ÷ 0.9); complaints (6 + 6) are
  not handled at the desk.
* Công khai, minh bạch (18): the last 6 = 6 × share of the desk's dossiers synchronised; the
  publication parts (6 + 4 + 2) are the portal's.
* Thanh toán trực tuyến (10): fees at the desk are cash; not computable here.

A part that cannot be computed has ``score: null`` and is left out of ``computable_max``.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from desk_app.reports import figures as F
from desk_app.reports.period import Period

ON_TIME_TARGET = 90.0        # the seeds' target: over 90 % solved on time
SATISFACTION_TARGET = 90.0
DIGITISATION_TARGET = 30.0


def rate(num: int, den: int) -> float | None:
    """Percent with 2 decimals, None when there is nothing to divide by."""
    return round(100.0 * num / den, 2) if den else None


def _share(num: int, den: int) -> float:
    return num / den if den else 0.0


def _part(name: str, max_score: float, score: float | None, **facts: Any) -> dict:
    return {"name": name, "max_score": max_score,
            "score": None if score is None else round(score, 2), **facts}


def _group(key: str, name: str, max_score: float, parts: dict[str, dict]) -> dict:
    computable = [p for p in parts.values() if p["score"] is not None]
    return {"key": key, "name": name, "max_score": max_score,
            "score": round(sum(p["score"] for p in computable), 2) if computable else None,
            "computable_max": sum(p["max_score"] for p in computable),
            "parts": parts}


def online_offer(conn: sqlite3.Connection, period: Period) -> tuple[int, int, int]:
    """(active procedures, of them offered online, of those with an online dossier in period)."""
    lo, hi = period.bounds()
    active, offered = conn.execute(
        "SELECT count(*), coalesce(sum(portal_id IS NOT NULL AND portal_id <> ''), 0)"
        " FROM procedures WHERE active = 1").fetchone()
    used = conn.execute(
        "SELECT count(*) FROM procedures p WHERE p.active = 1 AND p.portal_id IS NOT NULL"
        " AND p.portal_id <> '' AND EXISTS (SELECT 1 FROM dossiers d WHERE d.procedure_code"
        " = p.code AND d.channel = 'online' AND d.received_at >= ? AND d.received_at < ?)",
        (lo, hi)).fetchone()[0]
    return int(active), int(offered), int(used)


def score(t: dict, offer: tuple[int, int, int], dig: dict | None = None) -> dict[str, dict]:
    """The six groups from one row of figures (``figures.count_figures``); ``dig``: the
    digitisation figures (``digitisation.count``) for the re-use part."""
    from desk_app.reports.digitisation import reuse_score

    reused, reuse_basis = (dig or {}).get("reused", 0), (dig or {}).get("reuse_basis", 0)
    on_time = _share(t["on_time"], t["judged"])
    _active, offered, used = offer
    a, b, c = _share(offered, offer[0]), _share(used, offered), _share(t["online"], t["received"])
    sat = _share(t["satisfied"], t["rated"])
    return {
        "tien_do_giai_quyet": _group("tien_do_giai_quyet", "Tiến độ giải quyết", 20, {
            "giai_quyet_truoc_han_dung_han": _part(
                "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", 20,
                20 * on_time if t["judged"] else None, numerator=t["on_time"],
                denominator=t["judged"], rate=rate(t["on_time"], t["judged"]),
                figure="on_time", basis="judged")}),
        "dich_vu_cong_truc_tuyen": _group("dich_vu_cong_truc_tuyen", "Dịch vụ công trực tuyến",
                                          12, {
            "cung_cap_truc_tuyen": _part("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", 2,
                                         min(2.0, 2 * a / 0.8) if offer[0] else None,
                                         numerator=offered, denominator=offer[0],
                                         rate=rate(offered, offer[0])),
            "phat_sinh_ho_so": _part("Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ", 4,
                                     4 * b if offered else None, numerator=used,
                                     denominator=offered, rate=rate(used, offered)),
            "ho_so_truc_tuyen": _part("Tỷ lệ hồ sơ trực tuyến", 6,
                                      min(6.0, 6 * c / 0.5) if t["received"] else None,
                                      numerator=t["online"], denominator=t["received"],
                                      rate=rate(t["online"], t["received"]), figure="online",
                                      basis="received")}),
        "so_hoa_ho_so": _group("so_hoa_ho_so", "Số hóa hồ sơ", 22, {
            "ket_qua_dien_tu": _part("Tỷ lệ cấp kết quả điện tử (số hóa kết quả)", 6,
                                     6 * _share(t["results_digitised"], t["results"])
                                     if t["results"] else None,
                                     numerator=t["results_digitised"], denominator=t["results"],
                                     rate=rate(t["results_digitised"], t["results"]),
                                     figure="results_digitised", basis="results"),
            "so_hoa_thanh_phan": _part("Tỷ lệ số hóa thành phần hồ sơ", 4,
                                       4 * _share(t["digitised"], t["received"])
                                       if t["received"] else None,
                                       numerator=t["digitised"], denominator=t["received"],
                                       rate=rate(t["digitised"], t["received"]),
                                       figure="digitised", basis="received"),
            "ban_sao_dien_tu": _part("Tỷ lệ chứng thực bản sao điện tử", 2, None),
            "tai_su_dung": _part("Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa", 2,
                                 reuse_score(reused, reuse_basis), numerator=reused,
                                 denominator=reuse_basis, rate=rate(reused, reuse_basis),
                                 figure="reused", basis="reuse_basis"),
            "kho_du_lieu_ca_nhan": _part("Đồng bộ kho dữ liệu cá nhân", 4, None),
            "csdl_dan_cu": _part("Khai thác Cơ sở dữ liệu quốc gia về dân cư", 4, None)}),
        "muc_do_hai_long": _group("muc_do_hai_long", "Mức độ hài lòng", 18, {
            "tiep_nhan_giai_quyet": _part(
                "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC", 6,
                min(6.0, 6 * sat / 0.9) if t["rated"] else None, numerator=t["satisfied"],
                denominator=t["rated"], rate=rate(t["satisfied"], t["rated"]),
                figure="satisfied", basis="rated"),
            "phan_anh_kien_nghi_dung_han": _part("Xử lý phản ánh, kiến nghị đúng hạn", 6, None),
            "hai_long_phan_anh": _part("Mức độ hài lòng về xử lý phản ánh, kiến nghị", 6, None)}),
        "cong_khai_minh_bach": _group("cong_khai_minh_bach", "Công khai, minh bạch", 18, {
            "cong_khai_tthc": _part("Công khai TTHC", 6, None),
            "cong_khai_tien_do": _part("Công khai tiến độ giải quyết", 4, None),
            "cong_khai_danh_gia": _part("Công khai kết quả đánh giá", 2, None),
            "dong_bo_ho_so": _part("Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia", 6,
                                   6 * _share(t["synced"], t["sync_basis"])
                                   if t["sync_basis"] else None,
                                   numerator=t["synced"], denominator=t["sync_basis"],
                                   rate=rate(t["synced"], t["sync_basis"]), figure="synced",
                                   basis="sync_basis")}),
        "thanh_toan_truc_tuyen": _group("thanh_toan_truc_tuyen", "Thanh toán trực tuyến", 10, {
            "thanh_toan_truc_tuyen": _part("Tỷ lệ thanh toán trực tuyến", 10, None)}),
    }


def rates(t: dict) -> dict[str, float | None]:
    """The headline rates in percent (the dashboard's tiles)."""
    return {
        "on_time_rate": rate(t["on_time"], t["judged"]),
        "digitisation_rate": rate(t["digitised"], t["received"]),
        "result_digitisation_rate": rate(t["results_digitised"], t["results"]),
        "online_share": rate(t["online"], t["received"]),
        "satisfaction_rate": rate(t["satisfied"], t["rated"]),
        "sync_rate": rate(t["synced"], t["sync_basis"]),
    }


def _row(r: dict) -> dict:
    out = {k: v for k, v in r.items()}
    out.update(rates(r))
    return out


def fees_of(conn: sqlite3.Connection, period: Period) -> dict:
    """Fees collected at the desk in the period (cash; the day of the collection)."""
    args = (period.start.isoformat(), period.end.isoformat())
    n, total, exempt = conn.execute(
        "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(exemption <> ''), 0)"
        " FROM fee_payments WHERE day BETWEEN ? AND ?", args).fetchone()
    clerks = conn.execute(
        "SELECT p.clerk, count(*), coalesce(sum(p.amount), 0), coalesce(sum(p.exemption <> ''), 0),"
        " (SELECT count(*) FROM cash_signoffs s WHERE s.clerk = p.clerk AND s.day BETWEEN ? AND ?),"
        " count(DISTINCT p.day) FROM fee_payments p WHERE p.day BETWEEN ? AND ?"
        " GROUP BY p.clerk ORDER BY p.clerk", args + args).fetchall()
    return {"payments": int(n), "collected": int(total), "exempt": int(exempt),
            "by_clerk": [{"clerk": c[0], "payments": int(c[1]), "collected": int(c[2]),
                          "exempt": int(c[3]), "days_signed_off": int(c[4]), "days": int(c[5])}
                         for c in clerks]}


def build_report(conn: sqlite3.Connection, period: Period, now: str, *,
                 progress: Any = None) -> dict:
    """The whole report as a JSON-ready dict. ``progress(done, total, vi, en)`` after each of
    its steps (the service turns it into job events and checks the cancel token there)."""
    steps = ["totals", "procedure", "clerk", "month", "channel", "status", "overdue"]
    tick = progress or (lambda *a: None)
    names = ("procedure", "clerk", "month", "channel", "status")
    counted = F.count_all(conn, period, now, (None, *names))
    totals = counted[None][0]
    tick(1, len(steps), "Đã tính số liệu tổng hợp", "Totals computed")
    groups: dict[str, list[dict]] = {}
    for i, g in enumerate(names, start=2):
        groups[g] = [_row(r) for r in counted[g]]
        tick(i, len(steps), f"Đã tính theo {_GROUP_VI[g]}", f"Computed per {g}")
    offer = online_offer(conn, period)
    n_overdue, overdue = F.overdue_now(conn, now, limit=500)
    tick(len(steps), len(steps), "Đã lập danh sách quá hạn", "Overdue list done")
    t = {k: v for k, v in totals.items() if k not in ("group", "label")}
    from desk_app.reports import digitisation

    dig = digitisation.section(conn, period, now, t)
    indicators = score(t, offer, dig["figures"])
    return {
        "period": period.to_dict(),
        "as_of": now,
        **rates(t),
        "on_time_target": ON_TIME_TARGET,
        "figures": t,
        "figure_names": {k: {"vi": f.vi, "en": f.en} for k, f in F.FIGURES.items()},
        "indicators": indicators,
        "score": round(sum(g["score"] or 0 for g in indicators.values()), 2),
        "computable_max": sum(g["computable_max"] for g in indicators.values()),
        "online_offer": {"active_procedures": offer[0], "offered_online": offer[1],
                         "with_online_dossiers": offer[2]},
        "by_procedure": groups["procedure"],
        "by_clerk": groups["clerk"],
        "by_month": groups["month"],
        "by_channel": groups["channel"],
        "by_status": {r["group"]: r["received"] for r in groups["status"]},
        "fees": fees_of(conn, period),
        "digitisation": dig,
        "overdue_now": {"count": n_overdue, "items": [
            {"code": r[0], "procedure": r[1], "applicant": r[2], "clerk": r[3], "due_at": r[4],
             "status": r[5]} for r in overdue]},
    }


_GROUP_VI = {"procedure": "thủ tục", "clerk": "cán bộ", "month": "tháng", "channel": "kênh nộp",
             "status": "trạng thái"}
