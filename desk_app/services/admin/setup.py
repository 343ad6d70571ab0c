"""Setting up a desk for production: `desk-app init` (schema, catalog and units, the national
calendar, desk number and unit). Demo dossiers live apart in ``demo.py`` and are only loaded
when asked for (``demo=True``)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from desk_app.domain.errors import ValidationError
from desk_app.services import catalog as catalog_svc
from desk_app.services.context import DeskContext
from offline_store import Store, audit, repo
from offline_store.clock import iso_utc


@dataclass(frozen=True)
class InitReport:
    data_dir: str
    desk_no: int
    unit_code: str
    procedures: int
    units: int
    calendar_days: int
    demo_dossiers: int
    seconds: float
    encrypted: bool = False
    key_kept: str = ""        # a new encrypted store: "keyring" or the key file's path


def _national_days(years: range) -> list[dict]:
    from desk_app.domain.working_calendar import WorkingCalendar

    cal = WorkingCalendar.default(years=years)
    return [r for r in cal.to_rows() if r["source"] == "national"]


def _check_unit_shape(unit_code: str) -> None:
    from desk_app.domain.dossier_code import is_valid_unit_code

    if not is_valid_unit_code(unit_code):
        raise ValidationError("unit_code_invalid",
                              f"Mã đơn vị “{unit_code}” không đúng dạng mã định danh"
                              " (ví dụ 000.23.32.H48).",
                              f"Unit code “{unit_code}” is not an identifier code"
                              " (e.g. 000.23.32.H48).", field="unit", value=unit_code)


def _resolve_unit(conn, unit_code: str | None, catalog_units: list[dict]) -> str:
    if unit_code is None:
        current = repo.get_meta(conn, "unit_code")
        if current:
            return current
        if not catalog_units:
            raise ValidationError("unit_required", "Chưa có đơn vị: dùng --unit MÃ_ĐƠN_VỊ.",
                                  "No unit known: pass --unit UNIT_CODE.")
        return catalog_units[0]["code"]
    unit_code = unit_code.strip()
    _check_unit_shape(unit_code)
    if repo.get_unit(conn, unit_code) is None:
        repo.upsert_unit(conn, {"code": unit_code, "name": f"Đơn vị {unit_code}"})
    return unit_code


def _check_encrypt_request(data_dir: Path, encrypt: bool | None) -> None:
    """``init --encrypt`` on a desk that already holds plain data: refused, nothing changed."""
    from offline_store import cipher
    from offline_store.store import DB_NAME

    db = Path(data_dir) / DB_NAME
    if encrypt and db.is_file() and db.stat().st_size > 0 and \
            cipher.read_marker(data_dir) is None:
        raise ValidationError("store_exists_plain",
                              f"Quầy tại {data_dir} đã có dữ liệu chưa mã hóa; “init --encrypt”"
                              " không đổi được. Dùng “desk-app encrypt --data-dir …” để mã hóa"
                              " dữ liệu hiện có.",
                              f"The desk at {data_dir} already holds unencrypted data; “init"
                              " --encrypt” cannot change that. Use “desk-app encrypt --data-dir"
                              " …” to encrypt the existing data.", field="encrypt")


def init_store(data_dir: Path, *, demo: bool, desk_no: int = 1, unit_code: str | None = None,
               n_dossiers: int = 2000, seed: int = 2025, catalog_path: Path | None = None,
               progress=None, cancel=None, encrypt: bool | None = None) -> InitReport:
    """Create or update the desk at ``data_dir``: schema, shipped catalog and units, national
    calendar 2025–2027, desk number and unit; with ``demo`` also ``n_dossiers`` sample dossiers
    (only into a store without dossiers, so running init twice never duplicates).

    A job: with ``demo`` the dossiers come in batches (one transaction each) and ``cancel`` is
    honoured between batches, so a cancelled init leaves a usable desk with whole batches.

    ``encrypt`` (issue 17 §3) decides for a new store: True encrypted, False plain, None the
    province default (``DESK_APP_ENCRYPT``, set by the installer). An existing store keeps its
    kind: asking to encrypt a plain one is refused here (``desk-app encrypt`` converts it)."""
    import time as _time

    from desk_app.domain.dossier_code import serial_block

    t0 = _time.perf_counter()
    serial_block(desk_no)                      # ValidationError for a desk outside 1..9
    if unit_code is not None:                  # refuse a bad code before touching anything
        _check_unit_shape(unit_code.strip())
    data_dir = Path(data_dir)
    data = catalog_svc.load_catalog_file(catalog_path or catalog_svc.DEMO_CATALOG)
    _check_encrypt_request(data_dir, encrypt)
    store = Store.open(data_dir, encrypt=encrypt)
    try:
        ctx = DeskContext(data_dir, store)
        ctx.reload()
        rep = catalog_svc.apply_catalog(ctx, data, source="bundled demo catalog", actor="init")
        with store.transaction() as conn:
            unit = _resolve_unit(conn, unit_code, data.get("units", []))
            repo.set_meta(conn, "desk_no", str(desk_no))
            repo.set_meta(conn, "unit_code", unit)
            if repo.get_meta(conn, "install_id") is None:
                repo.set_meta(conn, "install_id", str(uuid.uuid4()))
                repo.set_meta(conn, "created_at", iso_utc())
            if demo and not repo.get_meta(conn, "clerk_name"):
                from desk_app.services.admin.demo import DEMO_CLERKS

                repo.set_meta(conn, "clerk_name", DEMO_CLERKS[0])
            days = _national_days(range(2025, 2028))
            repo.replace_calendar_days(conn, days, source="national")
            audit.append(conn, actor="init", action="desk.init", entity="desk",
                         entity_id=str(desk_no), detail={"unit_code": unit, "demo": demo})
            if demo:
                add_demo_accounts(conn)
        ctx.reload()
        made = 0
        if demo and repo.count_dossiers(store.conn) == 0 and n_dossiers > 0:
            from desk_app.services.admin.demo import generate_dossiers

            made = generate_dossiers(ctx, n_dossiers, seed=seed, progress=progress,
                                     cancel=cancel)
        return InitReport(str(data_dir), desk_no, unit, rep.procedures, rep.units, len(days),
                          made, round(_time.perf_counter() - t0, 2), store.encrypted,
                          store.key_kept)
    finally:
        store.close()


# One account per role on demo stores (password ``demo-<role>``), listed in docs/it-guide.md.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("hoa", "Nguyễn Thị Hoa", "clerk", "demo-clerk"),
    ("thang", "Lò Văn Thắng", "processor", "demo-processor"),
    ("binh", "Trần Văn Bình", "officer", "demo-officer"),
    ("lan", "Phạm Thị Lan", "supervisor", "demo-supervisor"),
    ("quantri", "Quản trị viên", "admin", "demo-admin"),
)


def add_demo_accounts(conn) -> int:
    """The demo accounts that are not there yet (inside the caller's transaction)."""
    from desk_app.services.admin.users import hasher

    made = 0
    for login, name, role, password in DEMO_ACCOUNTS:
        if repo.get_account(conn, login) is None:
            repo.insert_account(conn, {"login": login, "full_name": name, "role": role,
                                       "password_hash": hasher().hash(password)})
            audit.append(conn, actor="init", action="account.add", entity="account",
                         entity_id=login, detail={"full_name": name, "role": role, "demo": True})
            made += 1
    return made
