"""Sync as the faces see it: what waits and why, the badge numbers, and "sync now".

The GUI calls :func:`sync_once_async` from its qasync loop (the engine is plain asyncio + httpx);
the CLI runs :func:`run_forever` as ``desk-app sync`` or :func:`sync_once` for ``--once``.
Reads here go through the caller's store; the engine opens its own connection on its own
thread, so a long upload never blocks the window.
"""
from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from desk_app.services.context import DeskContext
from desk_app.sync import reasons as sync_reasons
from desk_app.sync import GOODPUT_KEY, LAST_SYNC_KEY
from desk_app.sync.feed import CURSOR_KEY
from desk_app.sync.lock import SyncLockBusy  # noqa: F401 (re-exported: the CLI maps it to exit 3)

if TYPE_CHECKING:  # the engine (httpx) loads on the first sync, not when the window opens
    from desk_app.sync.api import Credentials
    from desk_app.sync.engine import EngineConfig, SyncReport
    from desk_app.sync.events import SyncEvent
from offline_store import outbox, repo

# Used for the estimate until a real upload has been measured: a modest 3G uplink (1 Mbit/s).
DEFAULT_GOODPUT_BPS = 125_000
PER_RECORD_SECONDS = 0.05

from desk_app.domain.labels import SYNC_STATE_LABELS as STATE_LABELS  # noqa: E402


@dataclass(frozen=True)
class SyncSummary:
    pending: int
    bytes: int
    eta_minutes: float
    last_sync: datetime | None
    needs_attention: int
    by_state: dict[str, int]
    goodput_bps: float | None

    def badge(self) -> str:
        """The status-bar text: "N hồ sơ chờ gửi · X MB · ~Y phút"."""
        mb = self.bytes / 1_000_000
        return f"{self.pending} hồ sơ chờ gửi · {mb:.1f} MB · ~{max(1, round(self.eta_minutes))} phút"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["last_sync"] = self.last_sync.isoformat() if self.last_sync else None
        d["badge"] = self.badge()
        return d


@dataclass(frozen=True)
class QueueRow:
    item_id: int
    code: str                    # MaHoSo ('' for deferred jobs)
    kind: str
    lane: str
    state: str
    state_vi: str
    state_en: str
    attempts: int
    next_attempt_at: str
    bytes_total: int
    bytes_sent: int
    percent: int
    reason_code: str
    reason_vi: str
    reason_en: str
    clerk: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _platform_name() -> str:
    """The OS line for diagnostics; ``platform`` is imported here, off the window's start-up path."""
    import platform

    return platform.platform()


def _parse_utc(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return None


def summary(ctx: DeskContext) -> SyncSummary:
    """Pending count, bytes left, a time estimate from measured goodput, last successful sync."""
    s = outbox.summary(ctx.store)
    conn = ctx.store.conn
    goodput = float(repo.get_sync_state(conn, GOODPUT_KEY, "0") or 0) or None
    eta_s = s["bytes"] / (goodput or DEFAULT_GOODPUT_BPS) + s["pending"] * PER_RECORD_SECONDS
    return SyncSummary(pending=int(s["pending"]), bytes=int(s["bytes"]), eta_minutes=eta_s / 60,
                       last_sync=_parse_utc(repo.get_sync_state(conn, LAST_SYNC_KEY)),
                       needs_attention=int(s["needs_attention"]), by_state=dict(s["by_state"]),
                       goodput_bps=goodput)


def queue(ctx: DeskContext, *, include_done: bool = False) -> list[QueueRow]:
    """Every item not yet synced (and why it waits), oldest first."""
    states = None if include_done else ("queued", "sending", "awaiting", "needs_attention")
    rows = []
    for it in outbox.items(ctx.store, states=states):
        why = sync_reasons.parse_stored(it.last_error) if it.last_error else {"code": "", "vi": "", "en": ""}
        vi, en = STATE_LABELS.get(it.state, (it.state, it.state))
        pct = 100 if it.state == "done" else (int(100 * it.bytes_sent / it.bytes_total) if it.bytes_total else 0)
        rows.append(QueueRow(item_id=it.id, code=str(it.payload.get("MaHoSo", "")), kind=it.kind,
                             lane=it.lane, state=it.state, state_vi=vi, state_en=en,
                             attempts=it.attempts, next_attempt_at=it.next_attempt_at,
                             bytes_total=it.bytes_total, bytes_sent=it.bytes_sent, percent=min(100, pct),
                             reason_code=why["code"], reason_vi=why["vi"], reason_en=why["en"],
                             clerk=it.clerk, created_at=it.created_at))
    return rows


def retry(ctx: DeskContext, item_id: int) -> None:
    """The clerk pressed "gửi lại" on an item that needs attention."""
    outbox.requeue(ctx.store, item_id)


def engine_config(data_dir: Path, server: str, credentials: Credentials | None, **options: Any) -> EngineConfig:
    from desk_app.sync.engine import EngineConfig

    known = {k: v for k, v in options.items() if k in EngineConfig.__dataclass_fields__ and v is not None}
    return EngineConfig(data_dir=Path(data_dir), server=server, credentials=credentials, **known)


async def sync_once_async(ctx: DeskContext | Path, server: str, credentials: Credentials | None, *,
                          on_event: Callable[[dict], Any] | None = None,
                          on_typed_event: Callable[[SyncEvent], Any] | None = None,
                          progress: Callable[[Any], None] | None = None, cancel: Any = None,
                          **options: Any) -> SyncReport:
    """Push what is ready, pull the feed and the province's accounts, return the report (the
    GUI's "Đồng bộ ngay"). ``on_event`` gets each event as its published dict, ``on_typed_event``
    the :mod:`desk_app.sync.events` object. Raises ``SyncLockBusy`` when another sync runs.

    On the job protocol (``desk_app.jobs``) too: ``progress`` gets one ``Progress`` per engine
    event (step ``sync.<event>``, done = records accepted so far); a ``cancel`` token stops the run
    after the step in flight (a batch is acknowledged in one transaction, never half) and raises
    ``Cancelled`` with what was done."""
    data_dir = ctx.data_dir if isinstance(ctx, DeskContext) else Path(ctx)
    from desk_app.sync.engine import SyncEngine

    engines: list[Any] = []
    listener = on_typed_event
    if progress is not None or cancel is not None:
        listener = _job_listener(progress, cancel, on_typed_event, engines)
    engine = SyncEngine(engine_config(data_dir, server, credentials, **options), on_event=on_event,
                        on_typed_event=listener)
    engines.append(engine)
    await engine.start()
    watcher = asyncio.create_task(_watch_cancel(cancel, engine)) if cancel is not None else None
    try:
        report = await engine.run_once()
    finally:
        if watcher is not None:
            watcher.cancel()
        await engine.close()
    if cancel is not None and cancel.cancelled:
        from desk_app.jobs import Cancelled

        raise Cancelled(acked=report.acked, needs_attention=report.needs_attention,
                        feed_applied=report.feed_applied)
    return report


def _job_listener(progress: Callable[[Any], None] | None, cancel: Any,
                  also: Callable[[SyncEvent], Any] | None, engines: list[Any]) -> Callable[[SyncEvent], None]:
    """Engine events -> ``desk_app.jobs.Progress`` (and on to ``also``); a cancel seen at an
    event stops the engine before its next step (the watcher catches it between events)."""
    from desk_app.jobs import Progress

    acked = [0]

    def listen(event: SyncEvent) -> None:
        if event.kind == "acked":
            acked[0] += int(getattr(event, "count", 0))
        if progress is not None:
            progress(Progress(step=event.step, done=acked[0], total=None, vi=event.message("vi"),
                              en=event.message("en")))
        if also is not None:
            also(event)
        if cancel is not None and cancel.cancelled:
            for engine in engines:
                engine.stop()
    return listen


async def _watch_cancel(cancel: Any, engine: Any) -> None:
    while not cancel.cancelled:
        await asyncio.sleep(0.1)
    engine.stop()


def sync_once(ctx: DeskContext | Path, server: str, credentials: Credentials | None, **options: Any) -> SyncReport:
    """Blocking variant for the CLI, scripts and job runners (never call from a running event
    loop); takes ``progress``/``cancel`` like :func:`sync_once_async`."""
    return asyncio.run(sync_once_async(ctx, server, credentials, **options))


async def run_forever(data_dir: Path, server: str, credentials: Credentials | None, *,
                      stop: asyncio.Event, on_event: Callable[[dict], Any] | None = None,
                      on_typed_event: Callable[[SyncEvent], Any] | None = None,
                      **options: Any) -> SyncReport:
    """The long-running relay until ``stop`` is set (SIGTERM in ``desk-app sync``)."""
    from desk_app.sync.engine import SyncEngine

    engine = SyncEngine(engine_config(data_dir, server, credentials, **options), on_event=on_event,
                        on_typed_event=on_typed_event)
    await engine.start()
    watcher = asyncio.create_task(stop.wait())
    runner = asyncio.create_task(engine.run())
    try:
        await asyncio.wait([watcher, runner], return_when=asyncio.FIRST_COMPLETED)
        engine.stop()
        return await runner
    finally:
        watcher.cancel()
        await engine.close()


def diagnostics(ctx: DeskContext) -> dict[str, Any]:
    """Everything support needs to understand a stuck desk, without personal data."""
    conn = ctx.store.conn
    s = summary(ctx)
    rows = queue(ctx)
    attention = [r.to_dict() for r in rows if r.state == "needs_attention"][:50]
    oldest = min((r.created_at for r in rows), default=None)
    from desk_app.sync import lock

    holder = lock.holder_pid(ctx.data_dir)   # the last holder; it may have ended since
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "desk_no": ctx.desk_no, "unit_code": ctx.unit_code,
        "schema_version": ctx.store.schema_version,
        "summary": s.to_dict(),
        "oldest_pending_created_at": oldest,
        "feed_cursor": repo.get_sync_state(conn, CURSOR_KEY, "0"),
        "needs_attention": attention,
        "recent_errors": sorted({r.reason_code for r in rows if r.reason_code}),
        "sync_lock_pid": holder,
        "python": sys.version.split()[0], "platform": _platform_name(),
        "pid": os.getpid(),
    }


# --------------------------------------------------------------------------- server settings (GUI)


@dataclass(frozen=True)
class ServerSettings:
    url: str
    username: str
    has_password: bool       # a password for (url, username) is in the OS keyring


def server_settings(ctx: DeskContext) -> ServerSettings:
    """The provincial server this desk syncs with; the password itself never leaves the keyring."""
    from desk_app.sync import credentials

    url = ctx.settings.get("server_url", "") or ""
    user = ctx.settings.get("server_user", "") or ""
    return ServerSettings(url, user, bool(url and user and credentials.load(url, user)))


def save_server_settings(ctx: DeskContext, *, url: str, username: str,
                         password: str | None = None, actor: str = "") -> ServerSettings:
    """Remember the server and user (settings table, audited) and put a new password in the
    keyring. An empty password keeps the saved one; there must be one in the end."""
    from desk_app.domain.errors import ValidationError
    from desk_app.services.admin import settings
    from desk_app.sync import credentials
    from desk_app.sync.api import Credentials

    url, username = (url or "").strip().rstrip("/"), (username or "").strip()
    if not url or not username:
        raise ValidationError("server_settings_incomplete",
                              "Cần nhập địa chỉ máy chủ và tên đăng nhập.",
                              "Enter the server address and the user name.")
    settings._check("server_url", url)  # noqa: SLF001 — validate before touching the keyring
    settings._check("server_user", username)  # noqa: SLF001
    if password:
        credentials.store(url, Credentials(username, password))
    elif credentials.load(url, username) is None:
        raise ValidationError("password_required", "Cần nhập mật khẩu (chưa có mật khẩu đã lưu).",
                              "Enter the password (none is saved yet).", field="password")
    settings.update(ctx, actor=actor or ctx.clerk_name, server_url=url, server_user=username)
    return server_settings(ctx)


def connection(ctx: DeskContext) -> tuple[str, Credentials]:
    """(server URL, credentials) for "sync now", or a clear message saying what is missing."""
    from desk_app.domain.errors import ValidationError
    from desk_app.sync import credentials

    s = server_settings(ctx)
    if not s.url or not s.username:
        raise ValidationError("server_not_configured",
                              "Chưa đặt máy chủ tỉnh: vào Đồng bộ → Thiết lập máy chủ.",
                              "No provincial server set: Sync → Server settings.")
    creds = credentials.load(s.url, s.username)
    if creds is None:
        raise ValidationError("password_missing",
                              "Chưa có mật khẩu trong kho khóa: vào Đồng bộ → Thiết lập máy chủ.",
                              "No password in the keyring: Sync → Server settings.")
    return s.url, creds


# --------------------------------------------------------------------------- server account (CLI)


def resolve_credentials(server: str, user: str | None = None, password_env: str | None = None) -> Credentials:
    """The server account for a sync run: from the environment variable when one is named,
    else what :func:`login_and_store` saved in the OS keyring (ValidationError when neither)."""
    from desk_app.sync import credentials

    return credentials.resolve(server, user, password_env)


def _login_error(fault: Any) -> Exception:
    from desk_app.domain.errors import DeskError, ValidationError

    # a wrong account is bad input (exit 2); an unreachable or broken server is a failure (exit 1)
    cls = ValidationError if fault.code in ("auth", "no_credentials") else DeskError
    return cls(fault.code, fault.vi, fault.en, **dict(fault.details))


async def login_and_store_async(server: str, username: str, password: str, *,
                                ca_bundle: str | None = None) -> dict[str, Any]:
    """Check the desk account against the server (``POST /auth/token``), then keep it in the OS
    keyring for later runs. Returns ``{server, user, unit_code, desk, saved}``; when the keyring
    could not keep the password, ``saved`` is False and ``keyring_note_vi``/``keyring_note_en``
    say so (the account is still right — only "saved" is never claimed without reading it back).
    A refused account raises ValidationError (exit 2), an unreachable server DeskError (exit 1);
    nothing is stored then."""
    from desk_app.domain.errors import DeskError, ValidationError
    from desk_app.sync import credentials, reasons
    from desk_app.sync.api import Api, Credentials

    server, username = (server or "").strip().rstrip("/"), (username or "").strip()
    if not server or not username or not password:
        raise ValidationError("server_login_incomplete",
                              "Cần địa chỉ máy chủ, tên đăng nhập và mật khẩu.",
                              "The server address, the user name and the password are needed.")
    creds = Credentials(username, password)
    api = Api(server, creds, verify=ca_bundle or True)
    try:
        await api.login()
        info = {"server": server, "user": username, "unit_code": api.unit_code, "desk": api.desk}
    except reasons.SyncFault as fault:
        raise _login_error(fault) from None
    finally:
        await api.aclose()
    try:
        credentials.store(server, creds)
        back = credentials.load(server, username)
        saved = back is not None and back.password == password
        why = ""
    except DeskError as exc:
        saved, why = False, str(exc.details.get("detail", ""))
    info["saved"] = saved
    if saved:
        info["kept_in"] = credentials.backend_name()
    if not saved:
        info["keyring_note_vi"] = ("Tài khoản đúng nhưng kho khóa của hệ điều hành không giữ được mật khẩu; "
                                   "mỗi lần đồng bộ cần đưa mật khẩu qua biến môi trường.")
        info["keyring_note_en"] = ("The account is right but the OS keyring could not keep the password; "
                                   "each sync needs the password from an environment variable.")
        if why:
            info["keyring_detail"] = why[:300]
    return info


def login_and_store(server: str, username: str, password: str, *, ca_bundle: str | None = None) -> dict[str, Any]:
    """Blocking :func:`login_and_store_async` for the CLI (never call from a running event loop)."""
    return asyncio.run(login_and_store_async(server, username, password, ca_bundle=ca_bundle))
