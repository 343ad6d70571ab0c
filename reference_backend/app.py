"""The Starlette application: routes, bounded JSON bodies, error mapping, cleanup, fault injection."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from . import auth
from .guard import Guard, LoginGate
from .common import ApiError, Settings, canonical_json, json_depth_exceeds
from .db import Database, accounts
from .records import RecordService, load_item_validator
from .uploads import UploadService, http_date, parse_checksum

log = logging.getLogger("reference_backend")
TUS_VERSION = "1.0.0"
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}


def error_response(err: ApiError, head: bool = False) -> Response:
    headers = dict(err.headers)
    if err.status in (429, 503):
        headers.setdefault("Retry-After", "1")
    if head:
        return Response(status_code=err.status, headers=headers)
    return JSONResponse(err.body(), status_code=err.status, headers=headers)


class Faults:
    """Fault injection for tests, from REFBACK_FAULTS (see README): e.g.
    ``503_every=5,retry_after=2`` or ``429_every=3`` or ``error200_every=4`` or ``delay_ms=50``;
    ``paths=/api/v1/records:batch`` limits them to path prefixes (separated by ``|``)."""

    def __init__(self, spec: str) -> None:
        self.cfg: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            k, _, v = part.partition("=")
            self.cfg[k.strip()] = v.strip()
        self.n = 0
        self.paths = [p for p in self.cfg.get("paths", "").split("|") if p]

    def _every(self, key: str) -> bool:
        n = int(self.cfg.get(key, "0") or 0)
        return n > 0 and self.n % n == 0

    async def apply(self, scope: Scope) -> Response | None:
        if scope["method"] == "OPTIONS" or (self.paths and not any(scope["path"].startswith(p) for p in self.paths)):
            return None
        self.n += 1
        if delay := int(self.cfg.get("delay_ms", "0") or 0):
            await asyncio.sleep(delay / 1000)
        retry = self.cfg.get("retry_after", "1")
        if self._every("503_every"):
            return error_response(ApiError(503, "injected_fault", "Lỗi giả lập", "Injected fault",
                                           headers={"Retry-After": retry}))
        if self._every("429_every"):
            return error_response(ApiError(429, "injected_fault", "Lỗi giả lập", "Injected fault",
                                           headers={"Retry-After": retry}))
        if self._every("error200_every"):
            return JSONResponse({"error": {"code": "injected_fault", "message": "Lỗi giả lập / Injected fault"}})
        return None


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app, self.faults = app, faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            resp = await self.faults.apply(scope)
            if resp is not None:
                await resp(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def read_json(request: Request, limit: int, max_depth: int = 64) -> Any:
    """Read a JSON body of at most `limit` bytes (413 beyond), whatever Content-Length claims,
    nested at most `max_depth` deep (400 ``too_deep``: validating deeper would recurse without end)."""
    cl = request.headers.get("content-length")
    if cl is not None and cl.isdigit() and int(cl) > limit:
        raise ApiError(413, "body_too_large", "Dữ liệu gửi lên quá lớn", "Request body too large",
                       details={"max": limit})
    buf = bytearray()
    async for chunk in request.stream():
        buf += chunk
        if len(buf) > limit:
            raise ApiError(413, "body_too_large", "Dữ liệu gửi lên quá lớn", "Request body too large",
                           details={"max": limit})
    try:
        data = json.loads(bytes(buf).decode("utf-8"))
    except RecursionError:
        data = None
        deep = True
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(400, "invalid_json", "Dữ liệu không phải JSON hợp lệ", "Body is not valid JSON") from None
    else:
        deep = json_depth_exceeds(data, max_depth)
    if deep:
        log.warning("%s %s: JSON nested deeper than %d refused", request.method, request.url.path, max_depth)
        raise ApiError(400, "too_deep", f"Dữ liệu lồng nhau quá {max_depth} cấp",
                       f"JSON nested deeper than {max_depth} levels", details={"max_depth": max_depth})
    return data


def _str_field(body: Any, name: str, max_len: int) -> str:
    if not isinstance(body, dict) or not isinstance(body.get(name), str) or not 0 < len(body[name]) <= max_len:
        raise ApiError(400, "invalid_request", f"Thiếu hoặc sai trường {name}", f"Missing or invalid {name}")
    return body[name]


def build_app(settings: Settings, *, on_ready: Callable[[], None] | None = None) -> ASGIApp:
    db = Database(settings.data_dir, settings.database_url)
    db.create_all()
    signer = auth.TokenSigner(auth.load_secret(settings.data_dir), settings.access_ttl_seconds,
                              settings.refresh_ttl_seconds)
    records = RecordService(db, load_item_validator())
    ups = UploadService(db, settings)

    gate = LoginGate(per_user=settings.login_failures_per_user, per_ip=settings.login_failures_per_ip,
                     concurrency=settings.hash_concurrency, queue=settings.hash_queue)

    async def principal(request: Request) -> auth.Principal:
        """The caller of a valid access token of the account's current token version."""
        h = request.headers.get("authorization", "")
        scheme, _, token = h.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthenticated", "Cần đăng nhập", "Authentication required",
                           headers={"WWW-Authenticate": "Bearer"})
        who = signer.verify(token.strip(), "a")
        if not await run_in_threadpool(auth.current_version, db, who):
            raise auth._revoked()
        return who

    def authenticated(scope: Scope) -> bool:
        """Signature check only (no database), to pick the in-flight pool."""
        for k, v in scope.get("headers", []):
            if k == b"authorization":
                scheme, _, token = v.decode("latin-1").partition(" ")
                if scheme.lower() != "bearer":
                    return False
                try:
                    signer.verify(token.strip(), "a")
                    return True
                except ApiError:
                    return False
        return False

    def endpoint(fn: Callable) -> Callable:
        async def wrapped(request: Request) -> Response:
            head = request.method == "HEAD"
            try:
                return await fn(request)
            except ApiError as e:
                if e.status >= 500:
                    log.warning("%s %s -> %d %s", request.method, request.url.path, e.status, e.code)
                return error_response(e, head)
            except DataError as e:  # input a database cannot hold: the request is at fault, not the server
                log.warning("data error on %s %s: %s", request.method, request.url.path, e)
                return error_response(ApiError(400, "invalid_data", "Dữ liệu không lưu được (ký tự không hợp lệ?)",
                                               "Data cannot be stored (invalid characters?)"), head)
            except (OperationalError, DBAPIError) as e:
                log.error("database unavailable: %s", e)
                return error_response(ApiError(503, "database_unavailable", "Cơ sở dữ liệu tạm thời không sẵn sàng",
                                               "Database temporarily unavailable", headers={"Retry-After": "2"}),
                                      head)
            except ClientDisconnect:
                return Response(status_code=400)
        return wrapped

    # ---- auth ---------------------------------------------------------------------------------
    async def token(request: Request) -> Response:
        body = await read_json(request, settings.max_json_bytes, settings.max_json_depth)
        user = _str_field(body, "username", 128)
        pw = _str_field(body, "password", 1024)
        if set(body) - {"username", "password"}:
            raise ApiError(400, "invalid_request", "Có trường không được phép", "Unexpected fields")
        ip = (request.client.host if request.client else "?")
        wait = gate.retry_after(user, ip)
        if wait or not gate.admit(ip):
            raise ApiError(429, "too_many_logins", "Quá nhiều lần đăng nhập, vui lòng thử lại sau",
                           "Too many login attempts, retry later", headers={"Retry-After": str(wait or 1)})
        try:
            async with gate.hashing(user, ip):  # argon2id costs 64 MiB: only a few at once
                if await request.is_disconnected():
                    # the client gave up while queued (its timeout, a cut): no one would read the
                    # answer, and hashing for it would only delay the logins still waiting
                    return Response(status_code=400)
                who = await run_in_threadpool(auth.check_password, db, user, pw)
        except ApiError as e:
            if e.status == 401:
                gate.failed(user, ip)
            raise
        finally:
            gate.leave(ip)
        family = await run_in_threadpool(auth.new_family, db, who)
        return JSONResponse(signer.issue(who, family, 0))

    async def refresh(request: Request) -> Response:
        body = await read_json(request, settings.max_json_bytes, settings.max_json_depth)
        tok = _str_field(body, "refresh_token", 2048)
        if set(body) - {"refresh_token"}:
            raise ApiError(400, "invalid_request", "Có trường không được phép", "Unexpected fields")
        who, payload = signer.verify_payload(tok, "r")
        if not await run_in_threadpool(auth.current_version, db, who):
            raise ApiError(401, "invalid_token", "Tài khoản đã thay đổi, hãy đăng nhập lại",
                           "Account changed; log in again")
        family, gen = payload.get("f"), payload.get("g")
        if not isinstance(family, str) or not isinstance(gen, int):
            raise auth._revoked()
        nxt, at = await run_in_threadpool(auth.rotate_family, db, who, family, gen,
                                          settings.refresh_grace_seconds)
        return JSONResponse(signer.issue(who, family, nxt, at=at))

    # ---- catalog ------------------------------------------------------------------------------
    def load_catalog() -> tuple[bytes, str]:
        path = settings.catalog_path or Path(settings.data_dir) / "catalog.json"
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            for key in ("units", "procedures", "calendar", "swaps"):
                data.setdefault(key, [])  # the contract always carries all five keys
        else:
            with db.read() as conn:
                units = sorted({r.unit_code for r in conn.execute(sa.select(accounts.c.unit_code))})
            data = {"version": "empty", "units": [{"code": u} for u in units], "procedures": [],
                    "calendar": [], "swaps": []}
        raw = canonical_json(data).encode()
        return raw, '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'

    async def catalog(request: Request) -> Response:
        await principal(request)
        raw, etag = await run_in_threadpool(load_catalog)
        inm = request.headers.get("if-none-match", "")
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        if etag in tags or "*" in tags:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(raw, media_type="application/json", headers={"ETag": etag})

    # ---- accounts (the people of the caller's unit) -------------------------------------------
    async def staff(request: Request) -> Response:
        who = await principal(request)
        rows = await run_in_threadpool(auth.staff_accounts_of, db, who.unit_code)
        version = max((r["updated_at"] for r in rows), default="empty")
        raw = canonical_json({"accounts": rows, "version": version}).encode()
        etag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
        inm = request.headers.get("if-none-match", "")
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        if etag in tags or "*" in tags:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(raw, media_type="application/json", headers={"ETag": etag})

    # ---- tus ----------------------------------------------------------------------------------
    def tus_check(request: Request) -> None:
        if request.headers.get("tus-resumable") != TUS_VERSION:
            raise ApiError(412, "tus_version", "Phiên bản tus không được hỗ trợ", "Unsupported Tus-Resumable",
                           headers={"Tus-Version": TUS_VERSION, **TUS_HEADERS})

    def int_header(request: Request, name: str) -> int:
        v = request.headers.get(name, "")
        if not v.isascii() or not v.isdigit() or len(v) > 18:
            raise ApiError(400, "bad_header", f"Thiếu hoặc sai {name}", f"Missing or invalid {name}",
                           headers=TUS_HEADERS)
        return int(v)

    def tus_headers(expires: float | None) -> dict:
        h = dict(TUS_HEADERS)
        if expires is not None:
            h["Upload-Expires"] = http_date(expires)
        return h

    async def files_options(request: Request) -> Response:
        return Response(status_code=204, headers={
            **TUS_HEADERS, "Tus-Version": TUS_VERSION,
            "Tus-Extension": "creation,checksum,termination,expiration",
            "Tus-Max-Size": str(settings.max_upload_bytes), "Tus-Checksum-Algorithm": "sha256"})

    async def files_create(request: Request) -> Response:
        who = await principal(request)
        tus_check(request)
        length = int_header(request, "upload-length")
        idem = request.headers.get("idempotency-key")
        if idem is not None and not 0 < len(idem) <= 128:
            raise ApiError(400, "bad_header", "Idempotency-Key không hợp lệ", "Invalid Idempotency-Key")
        upload_id, offset, expires = await run_in_threadpool(
            ups.create, who, length, request.headers.get("upload-metadata", ""), idem)
        h = tus_headers(expires if offset < length else None)
        h["Location"] = f"/files/{upload_id}"
        h["Upload-Offset"] = str(offset)
        return Response(status_code=201, headers=h)

    async def files_head(request: Request) -> Response:
        who = await principal(request)
        tus_check(request)
        row = await run_in_threadpool(ups.get, who, request.path_params["upload_id"])
        row = await ups.ensure_finished(who, row)
        h = tus_headers(None if row.complete else row.expires_at)
        h.update({"Upload-Offset": str(row.upload_offset), "Upload-Length": str(row.length),
                  "Cache-Control": "no-store"})
        return Response(status_code=200, headers=h)

    async def files_patch(request: Request) -> Response:
        who = await principal(request)
        tus_check(request)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/offset+octet-stream":
            raise ApiError(415, "bad_content_type", "Sai Content-Type", "Content-Type must be "
                           "application/offset+octet-stream", headers=TUS_HEADERS)
        offset = int_header(request, "upload-offset")
        checksum = parse_checksum(request.headers.get("upload-checksum"))
        cl = request.headers.get("content-length")
        out = await ups.patch(who, request.path_params["upload_id"], offset, checksum,
                              int(cl) if cl and cl.isdigit() else None, request.stream())
        h = tus_headers(out.expires_at)
        h["Upload-Offset"] = str(out.offset)
        return Response(status_code=204, headers=h)

    async def files_delete(request: Request) -> Response:
        who = await principal(request)
        tus_check(request)
        await run_in_threadpool(ups.terminate, who, request.path_params["upload_id"])
        return Response(status_code=204, headers=TUS_HEADERS)

    async def blob(request: Request) -> Response:
        who = await principal(request)
        sha = request.path_params["sha256"]
        path, size = await run_in_threadpool(ups.blob, who, sha)
        h = {"ETag": f'"{sha}"', "Content-Length": str(size)}
        if request.method == "HEAD":
            return Response(status_code=200, headers=h)
        return FileResponse(path, media_type="application/octet-stream", headers={"ETag": f'"{sha}"'})

    # ---- records --------------------------------------------------------------------------------
    async def batch(request: Request) -> Response:
        who = await principal(request)
        body = await read_json(request, settings.max_json_bytes, settings.max_json_depth)
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= 100 or set(body) != {"items"}:
            raise ApiError(400, "invalid_batch", "Lô gửi phải có 1–100 mục trong 'items'",
                           "The body must be {items: [...]} with 1..100 items")
        results = await run_in_threadpool(records.push_batch, who, items)
        return JSONResponse({"results": results})

    async def feed(request: Request) -> Response:
        who = await principal(request)
        cursor_s = request.query_params.get("cursor", "0") or "0"
        limit_s = request.query_params.get("limit", "200")
        if not (cursor_s.isascii() and cursor_s.isdigit() and len(cursor_s) <= 18):
            raise ApiError(400, "bad_cursor", "Con trỏ không hợp lệ", "Invalid cursor")
        if not (limit_s.isascii() and limit_s.isdigit() and 1 <= int(limit_s) <= 1000):
            raise ApiError(400, "bad_limit", "limit phải từ 1 đến 1000", "limit must be 1..1000")
        page = await run_in_threadpool(records.feed_page, who, int(cursor_s), int(limit_s))
        return JSONResponse(page)

    async def status(request: Request) -> Response:
        who = await principal(request)
        return JSONResponse(await run_in_threadpool(records.status, who, request.path_params["code"]))

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_response(ApiError(404, "not_found", "Không có địa chỉ này", "Not found"),
                              request.method == "HEAD")

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return error_response(ApiError(405, "method_not_allowed", "Phương thức không được hỗ trợ",
                                       "Method not allowed"), request.method == "HEAD")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(ups.finish_pending)
        await run_in_threadpool(ups.cleanup)

        async def periodic() -> None:
            while True:
                await asyncio.sleep(settings.cleanup_interval_seconds)
                try:
                    await run_in_threadpool(ups.cleanup)
                except Exception:  # keep cleaning later; never kill the server for it
                    log.exception("cleanup failed")
        task = asyncio.create_task(periodic())
        if on_ready:
            on_ready()
        try:
            yield
        finally:
            task.cancel()
            db.dispose()

    routes = [
        Route("/api/v1/auth/token", endpoint(token), methods=["POST"]),
        Route("/api/v1/auth/refresh", endpoint(refresh), methods=["POST"]),
        Route("/api/v1/catalog", endpoint(catalog), methods=["GET"]),
        Route("/api/v1/accounts", endpoint(staff), methods=["GET"]),
        Route("/files/", endpoint(files_options), methods=["OPTIONS"]),
        Route("/files/", endpoint(files_create), methods=["POST"]),
        Route("/files/{upload_id}", endpoint(files_head), methods=["HEAD"]),
        Route("/files/{upload_id}", endpoint(files_patch), methods=["PATCH"]),
        Route("/files/{upload_id}", endpoint(files_delete), methods=["DELETE"]),
        Route("/api/v1/blobs/{sha256}", endpoint(blob), methods=["GET", "HEAD"]),
        Route("/api/v1/records:batch", endpoint(batch), methods=["POST"]),
        Route("/api/v1/feed", endpoint(feed), methods=["GET"]),
        Route("/api/v1/records/{code}/status", endpoint(status), methods=["GET"]),
    ]
    from .portal import routes as portal_routes
    routes += portal_routes(db, principal, endpoint, read_json, settings.max_json_bytes)
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={404: not_found, 405: method_not_allowed})
    app.state.db = db
    inner: ASGIApp = app
    faults = os.environ.get("REFBACK_FAULTS", "").strip()
    if faults:
        log.warning("fault injection on: %s", faults)
        inner = FaultMiddleware(app, Faults(faults))
    return Guard(inner, authenticated=authenticated, max_auth=settings.max_in_flight,  # type: ignore[return-value]
                 max_anon=settings.max_unauth_in_flight, body_timeout=settings.body_timeout_seconds,
                 min_rate=settings.min_body_rate, grace=settings.body_grace_seconds)
