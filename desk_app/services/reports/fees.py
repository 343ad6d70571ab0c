"""Fees collected at the desk, and the daily cash summary a supervisor signs off.

A collection computes the amount from the catalog rule (``desk_app.domain.fees``: fixed, per
copy, per page for certified copies, exemptions as data), writes a ``fee_payments`` row with a
receipt number, sets the dossier's fee (``fee_amount`` / ``fee_note``, so the record the province
receives carries it: a ``dossier.update`` outbox item) and an audit row — one transaction.
A dossier is paid once; a signed-off day is closed (no more collections on it for that clerk).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from desk_app.domain import fees as F
from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.ids import new_op_id
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import audit, outbox, repo

_NO_FEE_STATUSES = ("refused", "withdrawn")


@dataclass(frozen=True)
class FeePayment:
    code: str
    receipt_no: str
    amount: int
    exemption: str
    pages: int
    copies: int
    note: str
    clerk: str
    at: datetime
    amount_text: str


@dataclass(frozen=True)
class ClerkCash:
    clerk: str
    day: str
    payments: int
    total: int
    exempt: int
    total_text: str
    signed_off_by: str = ""
    signed_off_at: str = ""
    items: tuple[dict, ...] = ()


@dataclass(frozen=True)
class CashSummary:
    day: str
    clerks: tuple[ClerkCash, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return sum(c.total for c in self.clerks)


def _not_found(code: str) -> NotFoundError:
    return NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ “{code[:40]}”.",
                         f"No dossier “{code[:40]}”.", code=code[:40])


def _receipt_no(conn, day: date, desk_no: int) -> str:
    prefix = f"BL-{day:%y%m%d}-{desk_no}"
    n = conn.execute("SELECT count(*) FROM fee_payments WHERE receipt_no LIKE ?",
                     (prefix + "%",)).fetchone()[0]
    return f"{prefix}{n + 1:03d}"


def _signed(conn, clerk: str, day: str):
    return conn.execute("SELECT supervisor, at FROM cash_signoffs WHERE clerk = ? AND day = ?",
                        (clerk, day)).fetchone()


def collect(ctx: DeskContext, code: str, *, clerk: str, actor: str, exemption: str | None = None,
            pages: int | None = None, copies: int | None = None,
            now: datetime | None = None) -> FeePayment:
    from desk_app.services.catalog import get_procedure
    from desk_app.services.dossiers import load
    from desk_app.services.record import national_record

    now = convert.local(now or datetime.now(convert.VN_TZ))
    day = now.date().isoformat()
    with ctx.store.transaction() as conn:
        row = repo.get_dossier(conn, code)
        if row is None:
            raise _not_found(code)
        if row["status"] in _NO_FEE_STATUSES:
            raise ValidationError("fee_dossier_closed",
                                  f"Hồ sơ {code} đã bị từ chối hoặc rút: không thu lệ phí.",
                                  f"Dossier {code} was refused or withdrawn: no fee is collected.",
                                  code=code)
        paid = conn.execute("SELECT receipt_no FROM fee_payments WHERE dossier_id = ?",
                            (row["id"],)).fetchone()
        if paid:
            raise ValidationError("fee_already_collected",
                                  f"Lệ phí của hồ sơ {code} đã thu (biên lai {paid[0]}).",
                                  f"The fee of dossier {code} was already collected (receipt"
                                  f" {paid[0]}).", code=code, receipt_no=paid[0])
        signed = _signed(conn, clerk, day)
        if signed:
            raise ValidationError("cash_day_closed",
                                  f"Ngày {day} của {clerk} đã được {signed[0]} ký xác nhận:"
                                  " không thu thêm.",
                                  f"{clerk}'s day {day} was signed off by {signed[0]}: no more"
                                  " collections.", day=day)
        proc = get_procedure(ctx, row["procedure_code"])
        res = F.compute_detail(proc.fee, pages or 0, copies if copies is not None else 1,
                               exemption=exemption or None)
        receipt = _receipt_no(conn, now.date(), ctx.desk_no)
        at = convert.iso_local(now)
        conn.execute("INSERT INTO fee_payments(dossier_id, amount, exemption, pages, copies, note,"
                     " clerk, day, at, receipt_no) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (row["id"], res.amount, exemption or "", pages or 0,
                      copies if copies is not None else 1, res.vi, clerk, day, at, receipt))
        version = int(row["version"]) + 1
        repo.update_dossier(conn, row["id"], {"fee_amount": res.amount,
                                              "fee_note": f"{res.vi} Biên lai {receipt}.",
                                              "version": version})
        d = load(conn, repo.get_dossier_by_id(conn, row["id"]))
        if row["origin"] == "local" or row["server_version"] is not None:
            outbox.enqueue(conn, kind="dossier.update", lane="record",
                           payload=national_record(d, proc), dossier_id=row["id"],
                           record_id=d.record_id, base_version=version - 1, clerk=clerk,
                           op_id=new_op_id())
        from offline_store import seal

        seal.reseal(conn, row["id"])          # fee and version are sealed content
        audit.append(conn, actor=actor, action="fee.collect", entity="dossier",
                     entity_id=row["record_id"],
                     detail={"code": code, "amount": res.amount, "exemption": exemption or "",
                             "pages": pages or 0, "receipt_no": receipt})
    return FeePayment(code, receipt, res.amount, exemption or "", pages or 0,
                      copies if copies is not None else 1, res.vi, clerk, now, F.vnd(res.amount))


def summary(ctx: DeskContext, day: date, clerk: str | None = None) -> CashSummary:
    """Each clerk's takings of ``day`` (all clerks, or one), with the sign-off if any."""
    conn = ctx.store.conn
    args: list = [day.isoformat()]
    where = "p.day = ?"
    if clerk:
        where += " AND p.clerk = ?"
        args.append(clerk)
    rows = conn.execute("SELECT p.clerk, d.code, p.amount, p.exemption, p.pages, p.receipt_no,"
                        " p.at FROM fee_payments p JOIN dossiers d ON d.id = p.dossier_id"
                        f" WHERE {where} ORDER BY p.clerk, p.at, p.id", args).fetchall()
    by: dict[str, list] = {}
    for r in rows:
        by.setdefault(r[0], []).append(r)
    if clerk and clerk not in by:
        by[clerk] = []
    out = []
    for name, items in sorted(by.items()):
        total = sum(int(r[2]) for r in items)
        s = _signed(conn, name, day.isoformat())
        out.append(ClerkCash(name, day.isoformat(), len(items), total,
                             sum(1 for r in items if r[3]), F.vnd(total),
                             s[0] if s else "", s[1] if s else "",
                             tuple({"code": r[1], "amount": int(r[2]), "exemption": r[3],
                                    "pages": int(r[4]), "receipt_no": r[5], "at": r[6]}
                                   for r in items)))
    return CashSummary(day.isoformat(), tuple(out))


def signoff(ctx: DeskContext, day: date, clerk: str, *, supervisor: str, actor: str,
            now: datetime | None = None) -> ClerkCash:
    """The supervisor signs ``clerk``'s takings of ``day``: the total is fixed as signed."""
    now = convert.local(now or datetime.now(convert.VN_TZ))
    if day > now.date():
        raise ValidationError("cash_day_future", f"Ngày {day:%d/%m/%Y} chưa đến.",
                              f"{day} has not come yet.", day=day.isoformat())
    with ctx.store.transaction() as conn:
        s = _signed(conn, clerk, day.isoformat())
        if s:
            raise ValidationError("cash_already_signed",
                                  f"Ngày {day:%d/%m/%Y} của {clerk} đã được {s[0]} ký lúc {s[1]}.",
                                  f"{clerk}'s {day} was already signed off by {s[0]} at {s[1]}.",
                                  day=day.isoformat(), clerk=clerk)
        n, total = conn.execute("SELECT count(*), coalesce(sum(amount), 0) FROM fee_payments"
                                " WHERE day = ? AND clerk = ?", (day.isoformat(), clerk)).fetchone()
        if not n:
            raise ValidationError("cash_nothing", f"{clerk} không thu khoản nào ngày"
                                  f" {day:%d/%m/%Y}.", f"{clerk} collected nothing on {day}.",
                                  day=day.isoformat(), clerk=clerk)
        conn.execute("INSERT INTO cash_signoffs(clerk, day, total, payments, supervisor, at)"
                     " VALUES (?,?,?,?,?,?)", (clerk, day.isoformat(), int(total), int(n),
                                                supervisor, convert.iso_local(now)))
        audit.append(conn, actor=actor, action="cash.signoff", entity="cash_day",
                     entity_id=f"{clerk}/{day.isoformat()}",
                     detail={"total": int(total), "payments": int(n)})
    return summary(ctx, day, clerk).clerks[0]
