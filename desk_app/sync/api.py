"""The provincial API as the engine sees it: httpx, bearer tokens, and distrust of every answer.

Every request goes through :meth:`Api.request`, which
- gets a token on first use and refreshes it transparently on a 401 (then logs in again),
- reads the body through a size cap (a runaway or hostile server cannot exhaust memory),
- turns every failure into one :class:`~desk_app.sync.reasons.SyncFault` (network, TLS, busy
  with Retry-After, 5xx, malformed JSON, wrong shapes, an error hidden inside a 200),
- validates JSON answers against small JSON Schemas (jsonschema) before the engine touches them.
"""
from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable

import httpx
import jsonschema

from desk_app.sync import reasons
from desk_app.sync.backoff import parse_retry_after

log = logging.getLogger(__name__)

API = "/api/v1"
DEFAULT_MAX_BODY = 8 * 1024 * 1024
# A login is answered only after the server's password hash (argon2id), which waits its turn in a
# bounded pool when many desks log in at once: silence for a few seconds is normal there, so the
# read timeout and the deadline are at least this long (a short io_timeout would give up on every
# login of a busy server and each abandoned try would queue another hash).
LOGIN_TIMEOUT = 15.0


@dataclass(frozen=True)
class Credentials:
    """User name + password for the desk account (never logged, never stored in the database)."""

    username: str
    password: str

    def __repr__(self) -> str:  # keep passwords out of tracebacks and logs
        return f"Credentials(username={self.username!r}, password=***)"


@dataclass
class Reply:
    status: int
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        """Decoded JSON or a ``bad_response`` fault."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise reasons.bad_response(f"JSON không đọc được / unreadable JSON: {exc}") from None


# --- response shapes (only what the engine relies on; extra fields are allowed) ------------------
_STR = {"type": "string"}
TOKEN_SCHEMA = {
    "type": "object", "required": ["access_token"],
    "properties": {"access_token": {"type": "string", "minLength": 1},
                   "refresh_token": {"type": ["string", "null"]},
                   "expires_in": {"type": ["number", "null"]}},
}
BATCH_SCHEMA = {
    "type": "object", "required": ["results"],
    "properties": {"results": {"type": "array", "items": {
        "type": "object", "required": ["op_id", "status"],
        "properties": {
            "op_id": _STR,
            "status": {"enum": ["accepted", "replayed", "missing_attachments", "conflict", "rejected",
                                "idempotency_mismatch"]},
            "SoBienNhan": {"type": ["string", "null"]},
            "version": {"type": ["integer", "null"]},
            "missing": {"type": ["array", "null"], "items": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
            "error": {"type": ["object", "null"]},
        }}}},
}
FEED_SCHEMA = {
    "type": "object", "required": ["items"],
    "properties": {
        "items": {"type": "array", "items": {
            "type": "object", "required": ["seq", "record_id", "version", "record"],
            "properties": {"seq": {"type": "integer"}, "record_id": _STR, "version": {"type": "integer"},
                           "origin_desk": {"type": ["integer", "string", "null"]},
                           "record": {"type": "object"}}}},
        "next_cursor": {"type": ["string", "integer", "null"]},
    },
}

ACCOUNTS_SCHEMA = {        # GET /api/v1/accounts: the unit's staff accounts, provided by the province
    "type": "object", "required": ["accounts"],
    "properties": {
        "accounts": {"type": "array", "items": {"type": "object"}},
        "version": {"type": ["string", "integer", "null"]},
    },
}
ACCOUNT_ROW_SCHEMA = {     # one row; checked row by row so one bad account does not block the rest
    "type": "object", "required": ["login", "full_name", "role", "password_hash", "active", "updated_at"],
    "properties": {"login": {"type": "string", "pattern": "^[a-z0-9._-]{1,64}$"},   # as users.LOGIN_RE
                   "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
                   "role": {"type": "string"},
                   # an argon2id PHC string: the desk verifies passwords with argon2 only
                   "password_hash": {"type": "string", "pattern": "^\\$argon2id\\$", "maxLength": 512},
                   "active": {"type": "boolean"},
                   "updated_at": {"type": "string", "minLength": 1, "maxLength": 40}}}

def validate(data: Any, schema: dict, what: str) -> Any:
    """Check an answer's shape; a mismatch becomes a ``bad_response`` fault naming the field."""
    if isinstance(data, dict) and "error" in data and isinstance(data["error"], dict) \
            and "error" not in schema.get("properties", {}):
        err = data["error"]
        raise reasons.error_in_ok(str(err.get("code", "")), str(err.get("message", "")))
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        path = "/".join(str(p) for p in exc.absolute_path) or "(gốc/root)"
        raise reasons.bad_response(f"{what}: {path}: {exc.message[:200]}") from None
    return data


def schema_problem(data: Any, schema: dict) -> str | None:
    """Where ``data`` breaks ``schema`` (field path and rule), never the offending value — for
    answers that may carry secrets (password hashes); None when it fits."""
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        path = "/".join(str(p) for p in exc.absolute_path) or "(gốc/root)"
        return f"{path}: {exc.validator}"
    return None


class Meter:
    """Counts bytes that left the process and when they last moved (for the throughput watchdog)."""

    def __init__(self) -> None:
        self.sent = 0
        self.last_move = time.monotonic()

    def add(self, n: int) -> None:
        self.sent += n
        self.last_move = time.monotonic()


def _is_tls_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(cur):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


class Api:
    """One logged-in session against one server."""

    def __init__(self, server: str, credentials: Credentials | None, *, verify: bool | str = True,
                 max_body: int = DEFAULT_MAX_BODY, connect_timeout: float = 5.0,
                 io_timeout: float = 20.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.server = server.rstrip("/")
        self.credentials = credentials
        self.max_body = max_body
        self._access: str | None = None
        self._refresh: str | None = None
        self._auth_lock = asyncio.Lock()
        self._expires_at = float("inf")
        self.deadline = max(10.0, 3 * io_timeout)   # whole-exchange bound for non-upload requests
        self.unit_code: str | None = None
        self.desk: Any = None
        self.client = httpx.AsyncClient(
            base_url=self.server, verify=verify, transport=transport,
            timeout=httpx.Timeout(connect=connect_timeout, read=io_timeout, write=io_timeout, pool=io_timeout),
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
            headers={"User-Agent": "mot-cua-desk-sync/0.1", "Accept": "application/json"},
            follow_redirects=False)

    async def aclose(self) -> None:
        await self.client.aclose()

    # --- auth ---------------------------------------------------------------------------
    async def login(self) -> None:
        """Get fresh tokens with the password (raises ``auth`` / ``no_credentials`` faults)."""
        if self.credentials is None:
            raise reasons.no_credentials()
        reply = await self.request("POST", f"{API}/auth/token", auth=False, ok=(200,),
                                   json_body={"username": self.credentials.username,
                                              "password": self.credentials.password},
                                   deadline=max(self.deadline, LOGIN_TIMEOUT), read_timeout=LOGIN_TIMEOUT)
        self._take_tokens(reply)

    async def _refresh_tokens(self, stale: str | None) -> None:
        async with self._auth_lock:
            if self._access is not None and self._access != stale:
                return  # someone else already refreshed
            if self._refresh:
                try:
                    reply = await self.request("POST", f"{API}/auth/refresh", auth=False, ok=(200,),
                                               json_body={"refresh_token": self._refresh})
                    self._take_tokens(reply)
                    return
                except reasons.SyncFault as fault:
                    if fault.code != "auth":
                        raise
            await self.login()

    def _take_tokens(self, reply: Reply) -> None:
        data = validate(reply.json(), TOKEN_SCHEMA, "auth/token")
        self._access = data["access_token"]
        self._refresh = data.get("refresh_token")
        expires = data.get("expires_in")
        # refresh a little early so a long upload does not meet a 401 half way
        self._expires_at = time.monotonic() + max(5.0, float(expires) * 0.8) if expires else float("inf")
        self.unit_code = data.get("unit_code")
        self.desk = data.get("desk")

    # --- requests -----------------------------------------------------------------------
    async def request(self, method: str, url: str, *, json_body: Any = None, content: Any = None,
                      headers: dict[str, str] | None = None, auth: bool = True,
                      ok: tuple[int, ...] = (200,), accept: tuple[int, ...] = (),
                      max_body: int | None = None, deadline: float | None | str = "default",
                      read_timeout: float | None = None) -> Reply:
        """Send one request; return the reply when its status is in ``ok`` or ``accept``.

        ``ok`` statuses count as success; ``accept`` statuses are handed back for the caller to
        interpret (e.g. 404 on a blob HEAD). Anything else becomes a fault. ``deadline`` bounds
        the whole exchange (a server dripping its answer byte by byte cannot hold us); uploads
        pass None and rely on the throughput watchdog instead. ``read_timeout`` raises the
        client's read timeout for this request (never lowers it).
        """
        if deadline == "default":
            deadline = self.deadline
        if auth and (self._access is None or time.monotonic() > self._expires_at):
            await self._refresh_tokens(self._access)
        for attempt in (0, 1):
            token = self._access
            send = self._send(method, url, json_body=json_body, content=content,
                              headers=headers, token=token if auth else None,
                              max_body=max_body or self.max_body, read_timeout=read_timeout)
            if deadline is None:
                reply = await send
            else:
                try:
                    reply = await asyncio.wait_for(send, deadline)
                except asyncio.TimeoutError:
                    raise reasons.stalled(deadline) from None
            if reply.status == 401 and auth and attempt == 0:
                await self._refresh_tokens(token)
                continue
            break
        if reply.status in ok or reply.status in accept:
            return reply
        raise self._fault_for(reply)

    async def _send(self, method: str, url: str, *, json_body: Any, content: Any,
                    headers: dict[str, str] | None, token: str | None, max_body: int,
                    read_timeout: float | None = None) -> Reply:
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        try:
            kwargs: dict[str, Any] = {"headers": hdrs}
            base = self.client.timeout
            if read_timeout is not None and (base.read is None or read_timeout > base.read):
                kwargs["timeout"] = httpx.Timeout(connect=base.connect, read=read_timeout, write=base.write,
                                                  pool=base.pool)
            if json_body is not None:
                kwargs["content"] = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
                hdrs["Content-Type"] = "application/json"
            elif content is not None:
                # a factory, so a retry after a token refresh gets a fresh stream
                kwargs["content"] = content() if callable(content) else content
            async with self.client.stream(method, url, **kwargs) as resp:
                declared = resp.headers.get("content-length")
                # a HEAD answer describes the resource (a blob's size), it carries no body
                if method != "HEAD" and declared and declared.isdigit() and int(declared) > max_body:
                    raise reasons.too_large(max_body)
                buf = bytearray()
                async for piece in resp.aiter_bytes():
                    buf += piece
                    if len(buf) > max_body:
                        raise reasons.too_large(max_body)
                return Reply(resp.status_code, resp.headers, bytes(buf))
        except reasons.SyncFault:
            raise
        except httpx.TimeoutException as exc:
            raise reasons.network(f"timeout: {type(exc).__name__}") from None
        except (httpx.TransportError, OSError) as exc:
            if _is_tls_failure(exc):
                raise reasons.tls(str(exc)[:300]) from None
            raise reasons.network(f"{type(exc).__name__}: {exc}"[:300]) from None
        except httpx.DecodingError as exc:
            raise reasons.bad_response(f"decoding: {exc}") from None

    def _fault_for(self, reply: Reply) -> reasons.SyncFault:
        code, message = "", ""
        try:
            data = json.loads(reply.body.decode("utf-8")) if reply.body else None
            if isinstance(data, dict) and isinstance(data.get("error"), dict):
                code = str(data["error"].get("code", ""))
                message = str(data["error"].get("message", ""))
        except (UnicodeDecodeError, json.JSONDecodeError):
            message = reply.body[:200].decode("utf-8", "replace")
        status = reply.status
        if 300 <= status < 400 or status in (404, 405, 501):
            # the address does not lead to a sync API: a setting to fix, never the items' fault
            return reasons.misconfigured(status, reply.headers.get("location", ""))
        if status == 401 or status == 403:
            return reasons.auth_failed(message)
        if status in (429, 503):
            return reasons.busy(status, parse_retry_after(reply.headers.get("retry-after")))
        if status >= 500 or status in (408, 425):
            return reasons.server_error(status, message)
        if status == 409:
            return reasons.conflict()
        return reasons.rejected(code or f"http_{status}", message or f"HTTP {status}")


async def stream_bytes(data: bytes, meter: Meter, slice_size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """Hand ``data`` to httpx in slices, counting each slice as it leaves (feeds the watchdog)."""
    view = memoryview(data)
    for start in range(0, len(view), slice_size):
        piece = bytes(view[start:start + slice_size])
        yield piece
        meter.add(len(piece))


async def watch(coro_factory: Callable[[], Any], meter: Meter, *, stall_seconds: float,
                on_tick: Callable[[], Any] | None = None, tick_seconds: float = 2.0) -> Any:
    """Run a request; abort it when no byte has moved for ``stall_seconds`` (minimum-throughput
    watchdog: a blackholed or dripping link must not hold an item in "sending" forever).
    ``on_tick`` (e.g. renew the lease, record progress) runs every ``tick_seconds`` meanwhile."""
    task = asyncio.ensure_future(coro_factory())
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=min(tick_seconds, stall_seconds))
            if done:
                return task.result()
            if time.monotonic() - meter.last_move > stall_seconds:
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):  # noqa: BLE001 - replaced by the fault below
                    pass
                raise reasons.stalled(stall_seconds)
            if on_tick is not None:
                res = on_tick()
                if asyncio.iscoroutine(res):
                    await res
    finally:
        if not task.done():
            task.cancel()
