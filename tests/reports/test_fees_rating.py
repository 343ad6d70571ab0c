"""Fees collected at the desk (catalog amount, per page, exemptions), the cash summary and the
supervisor's sign-off; the citizen's rating (levels, reason, stages, anonymity). Each write:
audited, in the outbox, nothing changed on bad input."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Applicant
from desk_app.services import convert, intake
from desk_app.services.reports import fees, rating
from tests.reports.conftest import as_json


def _receive(ctx, procedure: str, pages: int = 0):
    from desk_app.domain.models import ComponentForm, DossierComponent
    from desk_app.services.catalog import get_procedure

    comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
             for c in get_procedure(ctx, procedure).components if c.required]
    req = intake.IntakeRequest(procedure_code=procedure, components=comps,
                               applicant=Applicant(id_number="001088012345",
                                                   full_name="Đỗ Thị Thu"),
                               clerk="Nguyễn Thị Hoa", actor="hoa", pages=pages)
    return intake.receive(ctx, req)


def _counts(ctx) -> tuple:
    c = ctx.store.conn
    return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("fee_payments", "cash_signoffs", "ratings", "outbox", "audit_log"))


def _proc_with(ctx, kind: str) -> str:
    """A procedure whose fee is of ``kind`` ("fixed": any that charges one copy, no pages)."""
    from desk_app.domain import fees as F

    for code, fee in ctx.store.conn.execute("SELECT code, fee_json FROM procedures WHERE active = 1"
                                            " ORDER BY code"):
        rule = F.fee_rule_from_dict(json.loads(fee))
        if kind == "fixed" and rule.kind != "per_page_capped" and F.compute(rule, 0, 1)[0] > 0:
            return code
        if rule.kind == kind:
            return code
    raise AssertionError(kind)


def test_collect_a_fixed_fee_records_syncs_and_audits(ctx) -> None:
    d = _receive(ctx, _proc_with(ctx, "fixed"))
    before = _counts(ctx)
    p = fees.collect(ctx, d.code, clerk="Nguyễn Thị Hoa", actor="hoa")
    assert p.amount > 0 and p.receipt_no.startswith("BL-")
    row = ctx.store.conn.execute("SELECT fee_amount, fee_note, version FROM dossiers WHERE code = ?",
                                 (d.code,)).fetchone()
    assert row[0] == p.amount and p.receipt_no in row[1] and row[2] == d.version + 1
    item = ctx.store.conn.execute("SELECT kind, payload_json FROM outbox ORDER BY id DESC LIMIT 1"
                                  ).fetchone()
    assert item[0] == "dossier.update" and json.loads(item[1])["fee_amount"] == p.amount
    assert ctx.store.conn.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1"
                                  ).fetchone()[0] == "fee.collect"
    after = _counts(ctx)
    assert after[0] == before[0] + 1 and after[3] == before[3] + 1
    with pytest.raises(ValidationError) as e:                # paid once
        fees.collect(ctx, d.code, clerk="Nguyễn Thị Hoa", actor="hoa")
    assert e.value.code == "fee_already_collected" and _counts(ctx) == after


def test_per_page_certified_copies_and_exemptions(ctx) -> None:
    d = _receive(ctx, _proc_with(ctx, "per_page_capped"))
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:                # pages are needed
        fees.collect(ctx, d.code, clerk="X", actor="hoa")
    assert e.value.code == "fee_pages_required" and _counts(ctx) == before
    p = fees.collect(ctx, d.code, clerk="X", actor="hoa", pages=5, copies=2)
    assert p.amount == (2 * 2000 + 3 * 1000) * 2              # Circular 226/2016
    code = next(c for c, f in ctx.store.conn.execute("SELECT code, fee_json FROM procedures")
                if json.loads(f).get("params", {}).get("exemptions"))
    exemption = json.loads(ctx.store.conn.execute("SELECT fee_json FROM procedures WHERE code = ?",
                                                  (code,)).fetchone()[0])["params"]["exemptions"][0]
    d2 = _receive(ctx, code, pages=3)
    p2 = fees.collect(ctx, d2.code, clerk="X", actor="hoa", exemption=exemption, pages=3)
    assert p2.amount == 0 and p2.exemption == exemption and "Miễn" in p2.note
    d3 = _receive(ctx, code, pages=3)
    with pytest.raises(ValidationError):
        fees.collect(ctx, d3.code, clerk="X", actor="hoa", exemption="khong_co")
    with pytest.raises(NotFoundError):
        fees.collect(ctx, "000.23.32.H48-991231-9999", clerk="X", actor="hoa")


def test_cash_summary_and_signoff(ctx) -> None:
    now = datetime.now(convert.VN_TZ)
    proc = _proc_with(ctx, "fixed")
    paid = [fees.collect(ctx, _receive(ctx, proc).code, clerk="Nguyễn Thị Hoa", actor="hoa")
            for _ in range(3)]
    s = fees.summary(ctx, now.date(), "Nguyễn Thị Hoa")
    (mine,) = s.clerks
    assert mine.payments == 3 and mine.total == sum(p.amount for p in paid)
    assert mine.signed_off_by == ""
    signed = fees.signoff(ctx, now.date(), "Nguyễn Thị Hoa", supervisor="Phạm Thị Lan",
                          actor="lan")
    assert signed.signed_off_by == "Phạm Thị Lan" and signed.total == mine.total
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        fees.signoff(ctx, now.date(), "Nguyễn Thị Hoa", supervisor="Phạm Thị Lan", actor="lan")
    assert e.value.code == "cash_already_signed"
    with pytest.raises(ValidationError) as e:               # the signed day is closed
        fees.collect(ctx, _receive(ctx, proc).code, clerk="Nguyễn Thị Hoa", actor="hoa")
    assert e.value.code == "cash_day_closed"
    assert _counts(ctx)[:3] == before[:3]
    old = ctx.store.conn.execute("SELECT day, clerk, total FROM cash_signoffs WHERE day < ?"
                                 " LIMIT 1", (now.date().isoformat(),)).fetchone()
    demo_day = fees.summary(ctx, date.fromisoformat(old[0]), old[1]).clerks[0]
    assert demo_day.total == old[2] and demo_day.signed_off_by


def test_cli_fee_and_cash_roles(cli, desk_dir, ctx) -> None:
    d = _receive(ctx, _proc_with(ctx, "fixed"))
    ctx.close()
    code, out, _ = cli("fee", "collect", d.code, "--data-dir", str(desk_dir), "--json", user="hoa")
    assert code == 0 and as_json(out)["clerk"] == "Nguyễn Thị Hoa"
    today = datetime.now(convert.VN_TZ).date().isoformat()
    code, out, _ = cli("cash", "summary", "--day", today, "--data-dir", str(desk_dir), "--json",
                       user="hoa")
    assert code == 0 and as_json(out)["clerks"][0]["payments"] == 1
    code, _, err = cli("cash", "signoff", "--day", today, "--clerk", "hoa", "--data-dir",
                       str(desk_dir), user="hoa")
    assert code == 3 and "không được" in err
    code, out, _ = cli("cash", "signoff", "--day", today, "--clerk", "hoa", "--data-dir",
                       str(desk_dir), "--json", user="lan")
    assert code == 0 and as_json(out)["signed_off_by"] == "Phạm Thị Lan"
    code, _, err = cli("cash", "summary", "--day", "2026-13-01", "--data-dir", str(desk_dir))
    assert code == 2


# --------------------------------------------------------------------------- rating

def _code(ctx, status: str) -> str:
    return ctx.store.conn.execute(
        "SELECT code FROM dossiers d WHERE status = ? AND NOT EXISTS (SELECT 1 FROM ratings r"
        " WHERE r.dossier_id = d.id) ORDER BY id LIMIT 1", (status,)).fetchone()[0]


def test_rate_a_returned_dossier(ctx) -> None:
    code = _code(ctx, "returned")
    r = rating.rate(ctx, code, 1, actor="hoa")
    assert r.label == "Rất hài lòng" and r.satisfied and r.stage == "return"
    cols = [c[1] for c in ctx.store.conn.execute("PRAGMA table_info(ratings)")]
    assert not {"actor", "clerk", "applicant", "applicant_name", "id_number"} & set(cols)
    item = ctx.store.conn.execute("SELECT kind, lane, payload_json, dossier_id FROM outbox"
                                  " ORDER BY id DESC LIMIT 1").fetchone()
    payload = json.loads(item[2])
    assert item[:2] == ("deferred.rating", "deferred") and item[3] is None
    assert payload["MaHoSo"] == code and payload["MucDo"] == 1
    name = ctx.store.conn.execute("SELECT applicant_name FROM dossiers WHERE code = ?",
                                  (code,)).fetchone()[0]
    assert name not in item[2]                               # anonymous
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        rating.rate(ctx, code, 2, actor="hoa")
    assert e.value.code == "rating_exists" and _counts(ctx) == before


def test_the_lowest_level_needs_a_reason_and_levels_are_the_provinces(ctx) -> None:
    code = _code(ctx, "returned")
    before = _counts(ctx)
    with pytest.raises(ValidationError) as e:
        rating.rate(ctx, code, 3, actor="hoa")
    assert e.value.code == "rating_reason_required" and "Không hài lòng" in e.value.vi
    with pytest.raises(ValidationError):
        rating.rate(ctx, code, 4, actor="hoa")
    assert _counts(ctx) == before
    with ctx.store.transaction() as conn:
        from offline_store import repo

        repo.set_setting(conn, "rating_levels", "Rất hài lòng|Hài lòng|Bình thường|Không hài lòng")
    assert rating.levels(ctx)[2] == "Bình thường"
    r = rating.rate(ctx, code, 3, actor="hoa")               # now "Bình thường": no reason needed
    assert r.label == "Bình thường" and r.satisfied
    with pytest.raises(ValidationError):
        rating.rate(ctx, _code(ctx, "returned"), 4, actor="hoa")


def test_cli_rate_never_returned_is_refused_nothing_changed(cli, desk_dir, ctx) -> None:
    code = _code(ctx, "in_process")
    before = _counts(ctx)
    ctx.close()
    rc, _, err = cli("rate", code, "--level", "1", "--data-dir", str(desk_dir), user="hoa")
    assert rc == 2 and "chưa trả kết quả" in err
    rc, _, err = cli("--lang", "en", "rate", code, "--level", "1", "--data-dir", str(desk_dir))
    assert rc == 2 and "has not been returned" in err
    from desk_app.services import open_desk

    c2 = open_desk(desk_dir, create=False)
    try:
        assert _counts(c2)[:4] == before[:4]
    finally:
        c2.close()
    rc, out, _ = cli("rate", code, "--level", "3", "--comment", "Chờ lâu", "--stage", "intake",
                     "--data-dir", str(desk_dir), "--json", user="hoa")
    assert rc == 0 and as_json(out)["satisfied"] is False
