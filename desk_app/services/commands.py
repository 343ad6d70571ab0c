"""Every command of the desk, declared once (``desk_app.services.registry``).

Each function is ``fn(session, **params)`` and returns a domain object; the faces render it
(``desk_app/cli/render.py`` for the terminal). The required role of each command — the table is
also in ``docs/it-guide.md`` — follows ``desk_app.domain.roles``:

| command | role | writes |
|---|---|---|
| init, catalog import, settings set, user add/list/disable/passwd | admin | yes (user list: no) |
| verify | supervisor | no |
| dossier add, receipt, form, sync | clerk (supervisor, admin) | yes |
| catalog list, dossier list/show, search, queue, settings show | anyone logged in | no |
| calendar due, cccd parse, login, gui | no desk data, no role | no (login: the OS keyring) |

``user passwd`` is also open to a person changing their own password.
"""
from __future__ import annotations

import inspect
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import Role
from desk_app.domain.roles import ACCOUNT_ROLES
from desk_app.services.registry import Param, command

if TYPE_CHECKING:
    from desk_app.services.session import Session

JSON_OUT = ("in kết quả dạng JSON", "print JSON")


def _job_kwargs(fn: Callable, progress: Any, cancel: Any) -> dict[str, Any]:
    """progress/cancel for a service that is a job (desk_app.jobs); nothing for one that is not
    (yet)."""
    params = inspect.signature(fn).parameters
    out: dict[str, Any] = {}
    if progress is not None and "progress" in params:
        out["progress"] = progress
    if cancel is not None and "cancel" in params:
        out["cancel"] = cancel
    return out


# --------------------------------------------------------------------------- input parsing

def parse_when(text: str, field: str = "received_at") -> datetime:
    """ISO 8601 date-time (naive = Vietnam time) or a ValidationError naming the option."""
    from desk_app.services.convert import local

    try:
        when = local(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except (ValueError, AttributeError, OverflowError):
        raise ValidationError("bad_datetime",
                              f"“{text[:40]}” không phải thời điểm ISO 8601 (ví dụ 2026-01-02T10:30).",
                              f"“{text[:40]}” is not an ISO 8601 date-time (e.g. 2026-01-02T10:30).",
                              field=field, value=text[:40]) from None
    if not YEARS[0] <= when.year <= YEARS[1]:
        raise ValidationError("datetime_out_of_range",
                              f"Thời điểm “{text[:40]}” nằm ngoài khoảng năm {YEARS[0]}–{YEARS[1]}.",
                              f"The time “{text[:40]}” is outside the years {YEARS[0]}–{YEARS[1]}.",
                              field=field, value=text[:40])
    return when


YEARS = (1900, 2100)          # any date a desk works with; beyond it is a typing error
MAX_COUNT = 1_000_000_000     # --limit/--offset/…: SQLite takes it, a person never needs more


def parse_date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("bad_date", f"“{text[:40]}” không phải ngày dạng YYYY-MM-DD.",
                              f"“{text[:40]}” is not a YYYY-MM-DD date.", field=field,
                              value=text[:40]) from None
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValidationError("date_out_of_range",
                              f"Ngày “{text[:40]}” nằm ngoài khoảng năm {YEARS[0]}–{YEARS[1]}.",
                              f"The date “{text[:40]}” is outside the years {YEARS[0]}–{YEARS[1]}.",
                              field=field, value=text[:40])
    return value


def non_negative(value: int, field: str) -> None:
    if value is not None and value < 0:
        raise ValidationError("negative", f"Giá trị --{field} không được âm.",
                              f"--{field} must not be negative.", field=field)
    if value is not None and value > MAX_COUNT:
        raise ValidationError("too_large", f"Giá trị --{field} quá lớn (tối đa {MAX_COUNT:,}).".replace(",", "."),
                              f"--{field} is too large (at most {MAX_COUNT:,}).", field=field)


def _data_dir(required: bool = True) -> Param:
    return Param("data_dir", Path, "thư mục dữ liệu của quầy", "the desk's data folder",
                 required=required)


# --------------------------------------------------------------------------- set-up / catalog

@command("init", role=Role.ADMIN, writes=True, needs_desk=False, job=True,
         help_vi="khởi tạo dữ liệu quầy", help_en="set up a desk", params=(
             _data_dir(),
             Param("demo", flag=True, help_vi="thêm ~2.000 hồ sơ mẫu và tài khoản mẫu",
                   help_en="add demo dossiers and one demo account per role"),
             Param("desk", int, "số hiệu bàn 1–9", "desk number 1–9", default=1),
             Param("unit", str, "mã định danh đơn vị", "unit identifier code"),
             Param("catalog", Path, "tệp danh mục thay cho danh mục mẫu kèm theo",
                   "catalog file instead of the bundled demo catalog"),
             Param("encrypt", flag=True,
                   help_vi="mã hóa dữ liệu quầy (mặc định của tỉnh: DESK_APP_ENCRYPT=1)",
                   help_en="encrypt the desk's data (province default: DESK_APP_ENCRYPT=1)"),
             Param("n_dossiers", int, default=2000, hidden=True)))
def init(session: "Session", *, data_dir: Path, demo: bool = False, desk: int = 1,
         unit: str | None = None, catalog: Path | None = None, n_dossiers: int = 2000,
         progress: Any = None, cancel: Any = None, encrypt: bool = False):
    from desk_app.services.admin import setup

    non_negative(n_dossiers, "n-dossiers")
    return setup.init_store(data_dir, demo=demo, desk_no=desk, unit_code=unit,
                            n_dossiers=n_dossiers, catalog_path=catalog,
                            encrypt=True if encrypt else None,
                            **_job_kwargs(setup.init_store, progress, cancel))


@command("catalog import", role=Role.ADMIN, writes=True,
         help_vi="nhập tệp danh mục JSON", help_en="import a catalog file",
         params=(Param("file", Path, "tệp danh mục JSON", "catalog JSON file", required=True,
                       positional=True),))
def catalog_import(session: "Session", *, file: Path, progress: Any = None, cancel: Any = None):
    from desk_app.services import catalog

    return catalog.import_catalog(session.ctx, file,
                                  **_job_kwargs(catalog.import_catalog, progress, cancel))


@command("catalog list", role=None, writes=False,
         help_vi="liệt kê thủ tục", help_en="list procedures")
def catalog_list(session: "Session"):
    from desk_app.services import catalog

    return catalog.list_procedures(session.ctx)


# --------------------------------------------------------------------------- dossiers

@command("dossier add", role=Role.CLERK, writes=True,
         help_vi="tiếp nhận hồ sơ", help_en="receive a dossier", params=(
             Param("procedure", help_vi="mã thủ tục", help_en="procedure code", required=True),
             Param("applicant_id", help_vi="số định danh cá nhân (CCCD)", help_en="ID number",
                   required=True),
             Param("applicant_name", help_vi="họ và tên", help_en="full name", required=True),
             Param("applicant_kind", int, "1 công dân, 2 tổ chức", "1 citizen, 2 organisation",
                   default=1, choices=(1, 2)),
             Param("birth_date", help_vi="ngày sinh YYYY-MM-DD", help_en="birth date"),
             Param("sex", help_vi="Nam | Nữ", help_en="Nam | Nữ"),
             Param("address", default=""),
             Param("phone", default=""),
             Param("email", default=""),
             Param("received_at", help_vi="thời điểm tiếp nhận ISO",
                   help_en="time of receipt (ISO 8601)"),
             Param("attach", Path, "tệp đính kèm (lặp lại được)", "attachment (repeatable)",
                   multiple=True),
             Param("clerk", default="", help_vi="cán bộ tiếp nhận (mặc định: người đăng nhập)",
                   help_en="receiving clerk (default: the person logged in)"),
             Param("request_id", help_vi="khóa chống trùng", help_en="idempotency key"),
             Param("pages", int, "số trang (lệ phí chứng thực)", "pages", default=0),
             Param("copies", int, "số bản", "copies", default=1),
             Param("confirm_name_change", flag=True,
                   help_vi="xác nhận người có số định danh này đã đổi họ tên",
                   help_en="confirm that the person with this ID number changed their name")))
def dossier_add(session: "Session", *, procedure: str, applicant_id: str, applicant_name: str,
                applicant_kind: int = 1, birth_date: str | None = None, sex: str | None = None,
                address: str = "", phone: str = "", email: str = "",
                received_at: str | None = None, attach: list[Path] | None = None,
                clerk: str = "", request_id: str | None = None, pages: int = 0,
                copies: int = 1, confirm_name_change: bool = False):
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import catalog, intake

    ctx = session.ctx
    received = parse_when(received_at) if received_at else None
    birth = parse_date(birth_date, "birth_date")
    proc = catalog.get_procedure(ctx, procedure)
    comps = [DossierComponent(seq=c.seq, name=c.name,
                              form=ComponentForm.ORIGINAL if c.originals else ComponentForm.COPY,
                              quantity=max(1, c.originals or c.copies or 1))
             for c in proc.components if c.required]
    if not clerk and not session.builtin:
        clerk = session.user.full_name            # the person logged in receives the dossier
    req = intake.IntakeRequest(
        procedure_code=proc.code,
        applicant=Applicant(id_number=applicant_id, full_name=applicant_name, kind=applicant_kind,
                            birth_date=birth, sex=sex, address=address, phone=phone,
                            email=email),
        components=comps, attachments=[(Path(f), None) for f in (attach or [])],
        received_at=received, clerk=clerk, request_id=request_id, pages=pages, copies=copies,
        actor=session.actor, confirm_name_change=confirm_name_change)
    return intake.receive(ctx, req)


@command("dossier list", role=None, writes=False,
         help_vi="hồ sơ mới nhất", help_en="most recent dossiers",
         params=(Param("limit", int, default=50), Param("offset", int, default=0)))
def dossier_list(session: "Session", *, limit: int = 50, offset: int = 0):
    from desk_app.services import dossiers

    non_negative(limit, "limit")
    non_negative(offset, "offset")
    return dossiers.list_recent(session.ctx, limit, offset)


@command("dossier show", role=None, writes=False,
         help_vi="chi tiết một hồ sơ", help_en="one dossier",
         params=(Param("code", help_vi="mã hồ sơ", help_en="dossier code", required=True,
                       positional=True),))
def dossier_show(session: "Session", *, code: str):
    from desk_app.services import dossiers

    return dossiers.get(session.ctx, code)


@command("search", role=None, writes=False, help_vi="tìm hồ sơ", help_en="search dossiers",
         params=(Param("text", help_vi="tên, mã hồ sơ, số CCCD hoặc số điện thoại",
                       help_en="name, code, ID, phone", required=True, positional=True),
                 Param("limit", int, default=50)))
def search(session: "Session", *, text: str, limit: int = 50):
    from desk_app.services import dossiers

    non_negative(limit, "limit")
    return dossiers.search(session.ctx, text, limit)


# --------------------------------------------------------------------------- calendar / cccd

@command("calendar due", role=None, writes=False, needs_desk=False,
         help_vi="tính ngày hẹn trả", help_en="compute the due date", params=(
             Param("received_at", help_vi="ISO 8601, ví dụ 2026-01-02T10:00",
                   help_en="ISO 8601, e.g. 2026-01-02T10:00", required=True),
             Param("days", int, required=True),
             Param("kind", default="working_days",
                   help_vi="working_days | calendar_days | same_day | immediate",
                   help_en="working_days | calendar_days | same_day | immediate"),
             Param("cutoff", help_vi="giờ chốt HH:MM", help_en="cut-off HH:MM"),
             _data_dir(required=False)))
def calendar_due(session: "Session | None", *, received_at: str, days: int,
                 kind: str = "working_days", cutoff: str | None = None,
                 data_dir: Path | None = None):
    from desk_app.domain.models import TimeKind
    from desk_app.services import calendar_svc, open_desk

    received = parse_when(received_at)
    try:
        time_kind = TimeKind(kind)
    except ValueError:
        raise ValidationError("bad_time_kind",
                              f"Loại thời hạn “{kind}” không hợp lệ (working_days,"
                              " calendar_days, same_day, immediate).",
                              f"Unknown time kind “{kind}” (working_days, calendar_days,"
                              " same_day, immediate).", field="kind") from None
    non_negative(days, "days")
    if data_dir is None:
        return calendar_svc.explain(None, received, days, time_kind, cutoff)
    with open_desk(data_dir, create=False) as ctx:
        return calendar_svc.explain(ctx, received, days, time_kind, cutoff)


@command("cccd parse", role=None, writes=False, needs_desk=False, json=False,
         help_vi="đọc nội dung mã QR căn cước", help_en="parse the ID card QR payload",
         params=(Param("payload", required=True, positional=True),))
def cccd_parse(session: "Session | None", *, payload: str):
    from desk_app.domain.cccd import parse_qr

    return parse_qr(payload)


# --------------------------------------------------------------------------- integrity / forms

@command("verify", role=Role.SUPERVISOR, writes=False, job=True,
         help_vi="kiểm tra toàn vẹn dữ liệu", help_en="check the store",
         params=(Param("no_blobs", flag=True, help_vi="bỏ qua kiểm tra tệp",
                       help_en="skip blobs"),
                 Param("repair", flag=True,
                       help_vi="xóa tệp không hồ sơ nào dùng và tệp tạm còn sót (quản trị)",
                       help_en="remove files no row refers to and leftover temp files (admin)")))
def verify(session: "Session", *, no_blobs: bool = False, repair: bool = False,
           progress: Any = None, cancel: Any = None):
    from desk_app.services.admin import verify as verify_svc

    if repair:
        from desk_app.domain.roles import may

        if not may(session.role, Role.ADMIN):
            from desk_app.services.registry import PermissionDenied

            raise PermissionDenied("repair_not_permitted",
                                   "Chỉ quản trị mới được sửa (xóa tệp) trong dữ liệu quầy.",
                                   "Only an administrator may repair (remove files from) the"
                                   " store.")
        fixed = verify_svc.repair(session.ctx)
        rep = verify_svc.run(session.ctx, blobs=not no_blobs,
                             **_job_kwargs(verify_svc.run, progress, cancel))
        rep.checks.append(("repair", True, ", ".join(f"{k}={v}" for k, v in fixed.items())))
        return rep
    return verify_svc.run(session.ctx, blobs=not no_blobs,
                          **_job_kwargs(verify_svc.run, progress, cancel))


@command("backup", role=Role.SUPERVISOR, writes=True, job=True,
         help_vi="sao lưu dữ liệu quầy (mã hóa, kiểm tra sau khi ghi)",
         help_en="back the desk up (encrypted, verified after writing)", params=(
             Param("to", Path, "thư mục sao lưu (ổ thứ hai, USB)", "backup folder (second disk,"
                   " USB stick)", required=True),
             Param("keep_daily", int, "giữ bao nhiêu bản theo ngày", "daily backups to keep",
                   default=7),
             Param("keep_weekly", int, "giữ bao nhiêu bản theo tuần", "weekly backups to keep",
                   default=4),
             Param("list", flag=True, help_vi="chỉ liệt kê các bản sao lưu",
                   help_en="only list the backups")))
def backup(session: "Session", *, to: Path, keep_daily: int = 7, keep_weekly: int = 4,
           list: bool = False, progress: Any = None, cancel: Any = None):
    from desk_app.services.admin import backup as backup_svc

    if list:
        return backup_svc.list_backups(to)
    for v, name in ((keep_daily, "keep-daily"), (keep_weekly, "keep-weekly")):
        non_negative(v, name)
    return backup_svc.backup(session.ctx, to, keep_daily=keep_daily, keep_weekly=keep_weekly,
                             progress=progress, cancel=cancel)


@command("restore", role=Role.ADMIN, writes=True, needs_desk=False, job=True,
         help_vi="khôi phục từ bản sao lưu vào một thư mục dữ liệu mới",
         help_en="restore a backup into a new data folder", params=(
             Param("source", Path, "thư mục sao lưu (hoặc một bản trong đó)",
                   "backup folder (or one snapshot in it)", required=True, cli_name="--from"),
             _data_dir(),
             Param("snapshot", help_vi="tên bản sao lưu (mặc định: mới nhất)",
                   help_en="snapshot name (default: the newest)"),
             Param("recovery_key", cli_name="--recovery-key-env", env=True,
                   help_vi="biến môi trường chứa khóa khôi phục (máy mới)",
                   help_en="environment variable holding the recovery key (new PC)")))
def restore(session: "Session", *, source: Path, data_dir: Path, snapshot: str | None = None,
            recovery_key: str | None = None, progress: Any = None, cancel: Any = None):
    from desk_app.services.admin import backup as backup_svc

    return backup_svc.restore(source, data_dir, recovery_key=recovery_key, snapshot=snapshot,
                              progress=progress, cancel=cancel)


class RenderedForm:
    """A printed form: the face writes ``pdf`` where the person asked."""

    def __init__(self, code: str, kind: str, pdf: bytes) -> None:
        self.code, self.kind, self.pdf = code, kind, pdf


_FORM_PARAMS = (
    Param("code", help_vi="mã hồ sơ, ví dụ 000.23.32.H48-261123-1001", help_en="dossier code",
          required=True, positional=True),
    Param("output", help_vi="tệp PDF đầu ra ('-' = stdout)", help_en="output PDF ('-' = stdout)",
          required=True, cli_name="-o|--output"),
    Param("no_store", flag=True, help_vi="không lưu bản PDF vào hồ sơ (chỉ xuất tệp)",
          help_en="do not keep the PDF with the dossier"),
)


def _render(session: "Session", code: str, kind: str, no_store: bool) -> RenderedForm:
    from desk_app.services.intake import receipt

    kind = receipt.normalise_kind(kind)
    return RenderedForm(code, kind, receipt.render(session.ctx, code, kind,
                                                   store_as_attachment=not no_store))


@command("receipt", role=Role.CLERK, writes=True, params=_FORM_PARAMS,
         help_vi="in giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)",
         help_en="print the receipt slip (form 01)")
def receipt_cmd(session: "Session", *, code: str, output: str, no_store: bool = False):
    return _render(session, code, "01", no_store)


# ``form`` (forms 01–07) is declared in desk_app/services/workflow/commands.py


# --------------------------------------------------------------------------- sync

_SERVER_CREDS = (
    Param("server_user", help_vi="tài khoản của quầy trên máy chủ tỉnh",
          help_en="the desk's account on the provincial server"),
    Param("server_password", cli_name="--server-password-env", env=True,
          help_vi="biến môi trường chứa mật khẩu máy chủ",
          help_en="environment variable holding the server password"),
    Param("ca_bundle", help_vi="chứng chỉ CA của tỉnh (PEM)",
          help_en="the province's CA bundle (PEM)"),
)
_TUNING = ("lease_seconds", "chunk_mib", "stall_seconds", "feed_interval", "backoff_cap",
           "io_timeout", "idle_poll")


def _server_credentials(session: "Session", server: str | None, user: str | None,
                        password: str | None):
    from desk_app.services import sync_control
    from desk_app.sync import credentials
    from desk_app.sync.api import Credentials

    if password is not None:
        if not user:
            raise ValidationError("server_user_required",
                                  "Thiếu tài khoản máy chủ (--server-user).",
                                  "Missing the server account (--server-user).")
        if not server:
            server = session.ctx.settings.get("server_url") or ""
            if not server:
                raise ValidationError("server_required", "Thiếu địa chỉ máy chủ (--server).",
                                      "Missing the server address (--server).")
        return server, Credentials(user, password)
    if server:
        return server, credentials.resolve(server, user, None)
    return sync_control.connection(session.ctx)


@command("sync", role=Role.CLERK, writes=True,
         help_vi="đồng bộ với máy chủ tỉnh", help_en="sync with the provincial server", params=(
             Param("server", help_vi="địa chỉ máy chủ tỉnh (mặc định: máy chủ đã lưu)",
                   help_en="server URL (default: the saved server)"),
             Param("once", flag=True, help_vi="gửi những gì sẵn sàng rồi dừng",
                   help_en="send what is ready, then stop"),
             *_SERVER_CREDS,
             *(Param(n, float, hidden=True) for n in _TUNING),
             Param("seed", int, hidden=True)))
def sync(session: "Session", *, server: str | None = None, once: bool = False,
         server_user: str | None = None, server_password: str | None = None,
         ca_bundle: str | None = None, seed: int | None = None,
         on_event: Callable[[dict], Any] | None = None, stop: Any = None, **tuning: Any):
    """Relay the outbox and pull the feed. ``stop`` (anything with ``is_set()``, e.g. a
    threading.Event a signal handler sets) ends the long-running relay; ``--once`` returns after
    one pass. Returns the engine's SyncReport."""
    import asyncio

    from desk_app.services import sync_control

    url, creds = _server_credentials(session, server, server_user, server_password)
    opts: dict[str, Any] = {
        "lease_seconds": tuning.get("lease_seconds"), "stall_seconds": tuning.get("stall_seconds"),
        "feed_interval": tuning.get("feed_interval"), "backoff_cap": tuning.get("backoff_cap"),
        "seed": seed, "io_timeout": tuning.get("io_timeout"),
        "connect_timeout": tuning.get("io_timeout"), "idle_poll": tuning.get("idle_poll"),
        "chunk_size": int(tuning["chunk_mib"] * 1024 * 1024) if tuning.get("chunk_mib") else None,
    }
    if ca_bundle:
        opts["verify"] = ca_bundle
    data_dir = session.ctx.data_dir

    async def main() -> Any:
        if once:
            return await sync_control.sync_once_async(data_dir, url, creds, on_event=on_event,
                                                      **opts)
        done = asyncio.Event()

        async def watch() -> None:
            while stop is not None and not stop.is_set():
                await asyncio.sleep(0.2)
            if stop is not None:
                done.set()

        watcher = asyncio.create_task(watch())
        try:
            return await sync_control.run_forever(data_dir, url, creds, stop=done,
                                                  on_event=on_event, **opts)
        finally:
            watcher.cancel()

    return asyncio.run(main())


@command("login", role=None, writes=False, needs_desk=False,
         help_vi="đăng nhập máy chủ tỉnh, lưu vào kho khóa",
         help_en="log in to the provincial server, save in the OS keyring",
         params=(Param("server", help_vi="địa chỉ máy chủ tỉnh", help_en="server URL",
                       required=True), *_SERVER_CREDS))
def login(session: "Session | None", *, server: str, server_user: str | None = None,
          server_password: str | None = None, ca_bundle: str | None = None) -> dict:
    """Writes only the OS user's own keyring, no desk data: open to anyone who runs the CLI."""
    from desk_app.services import sync_control

    return sync_control.login_and_store(server, server_user or "", server_password or "",
                                        ca_bundle=ca_bundle)


@command("queue", role=None, writes=False,
         help_vi="hàng chờ gửi và lý do", help_en="what waits to be sent, and why",
         params=(Param("all", flag=True, help_vi="gồm cả mục đã đồng bộ",
                       help_en="include synced items"),))
def queue(session: "Session", *, all: bool = False):  # noqa: A002  (the CLI option is --all)
    from desk_app.services import sync_control

    return sync_control.summary(session.ctx), sync_control.queue(session.ctx, include_done=all)


# --------------------------------------------------------------------------- accounts

_ROLE_NAMES = tuple(r.value for r in ACCOUNT_ROLES)


@command("user add", role=Role.ADMIN, writes=True,
         help_vi="thêm tài khoản", help_en="add an account", params=(
             Param("login", help_vi="tên đăng nhập (a-z 0-9 . _ -)",
                   help_en="login (a-z 0-9 . _ -)", required=True),
             Param("full_name", cli_name="--name", help_vi="họ và tên", help_en="full name",
                   required=True),
             Param("role", help_vi="vai trò", help_en="role", required=True,
                   choices=_ROLE_NAMES),
             Param("password", cli_name="--password-env", env=True, required=True,
                   help_vi="biến môi trường chứa mật khẩu mới",
                   help_en="environment variable holding the new password")))
def user_add(session: "Session", *, login: str, full_name: str, role: str, password: str):
    from desk_app.services.admin import users

    return users.add(session, login=login, full_name=full_name, role=role, password=password)


@command("user list", role=Role.ADMIN, writes=False,
         help_vi="liệt kê tài khoản", help_en="list accounts")
def user_list(session: "Session"):
    from desk_app.services.admin import users

    return users.list_accounts(session.ctx)


@command("user disable", role=Role.ADMIN, writes=True,
         help_vi="vô hiệu hóa tài khoản", help_en="disable an account",
         params=(Param("login", required=True, positional=True),))
def user_disable(session: "Session", *, login: str):
    from desk_app.services.admin import users

    return users.disable(session, login)


@command("user passwd", role=Role.ADMIN, writes=True, self_param="login",
         help_vi="đặt mật khẩu mới (quản trị, hoặc chính mình)",
         help_en="set a new password (admin, or one's own)", params=(
             Param("login", required=True, positional=True),
             Param("password", cli_name="--password-env", env=True, required=True,
                   help_vi="biến môi trường chứa mật khẩu mới",
                   help_en="environment variable holding the new password")))
def user_passwd(session: "Session", *, login: str, password: str):
    from desk_app.services.admin import users

    return users.set_password(session, login, password)


# --------------------------------------------------------------------------- settings

@command("settings show", role=None, writes=False,
         help_vi="các thiết lập của quầy", help_en="the desk's settings")
def settings_show(session: "Session"):
    from desk_app.services.admin import settings

    return settings.current(session.ctx)


@command("settings set", role=Role.ADMIN, writes=True,
         help_vi="đổi một thiết lập", help_en="change a setting", params=(
             Param("key", required=True, positional=True,
                   help_vi="tên thiết lập (xem “settings show”)",
                   help_en="setting name (see “settings show”)"),
             Param("value", required=True, positional=True,
                   help_vi="giá trị mới ('' = để trống)", help_en="new value ('' = empty)")))
def settings_set(session: "Session", *, key: str, value: str):
    from desk_app.services.admin import settings

    settings.change(session, **{key: value})
    return [(s, v) for s, v in settings.current(session.ctx) if s.key == key]


# --------------------------------------------------------------------------- the window

@command("gui", role=None, writes=False, needs_desk=False, json=False, faces=("cli",),
         help_vi="mở giao diện (mặc định)", help_en="open the desktop app (default)",
         params=(_data_dir(required=False), Param("selftest", flag=True, hidden=True)))
def gui(session: "Session | None", *, data_dir: Path | None = None, selftest: bool = False):
    """The window logs the person in itself; the CLI face starts it (desk_app/cli/gui.py)."""
    return {"data_dir": data_dir, "selftest": selftest}


# --------------------------------------------------------------------------- other capabilities
import desk_app.services.signing.commands  # noqa: E402,F401  (sign, sign upgrade, sign verify, certify)
import desk_app.services.scanning.commands  # noqa: E402,F401  (scan list/test/device/import/watch/ocr)
import desk_app.services.workflow.commands  # noqa: E402,F401  (dossier transition, form, fees)
import desk_app.services.online.commands  # noqa: E402,F401  (online list/accept/refuse)
import desk_app.services.reports.commands  # noqa: E402,F401  (report, queues, rate)
import desk_app.services.admin.encryption  # noqa: E402,F401  (encrypt: a plain desk → encrypted)
