"""Defences against one hostile client: header and body timeouts, a minimum body rate, separate
in-flight pools for authenticated and anonymous requests, and login rate limits.

Why here and not in a proxy: a province may run the server bare, and the desk's contract (429 and
503 always carry Retry-After, 408 for a body that stalls) must hold either way.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("reference_backend.guard")


class BodyTimeout(Exception):
    """The request body stalled or trickled below the minimum rate."""


_DISCONNECT: Message = {"type": "http.disconnect"}


def guarded_h11(header_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol plus a header timeout: a connection that has not delivered a full
    request head within ``header_timeout`` seconds is closed (slowloris)."""

    class GuardedH11(H11Protocol):
        _hdr_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def,override]
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            if self._hdr_timer is None:
                self._hdr_timer = self.loop.call_later(header_timeout, self._expired)

        def _disarm(self) -> None:
            if self._hdr_timer is not None:
                self._hdr_timer.cancel()
                self._hdr_timer = None

        def _expired(self) -> None:
            self._hdr_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                log.info("closing a connection whose request head did not arrive in %.0f s", header_timeout)
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:
                self._arm()  # bytes of a (next) request head: the clock runs until it is complete
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()

        def connection_lost(self, exc) -> None:  # type: ignore[no-untyped-def]
            self._disarm()
            super().connection_lost(exc)

    return GuardedH11


def _json_error(status: int, code: str, vi: str, en: str, headers: dict[str, str]) -> list[Message]:
    body = json.dumps({"error": {"code": code, "message": f"{vi} / {en}"}}, ensure_ascii=False).encode()
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    hdrs += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return [{"type": "http.response.start", "status": status, "headers": hdrs},
            {"type": "http.response.body", "body": body}]


class Guard:
    """ASGI middleware: body timeouts and minimum rate (408), two in-flight pools (503), and
    ``Tus-Resumable`` on every /files/ answer."""

    def __init__(self, app: ASGIApp, *, authenticated: Callable[[Scope], bool], max_auth: int,
                 max_anon: int, body_timeout: float, min_rate: float, grace: float) -> None:
        self.app, self.authenticated = app, authenticated
        self.limits = {True: max_auth, False: max_anon}
        self.active = {True: 0, False: 0}
        self.body_timeout, self.min_rate, self.grace = body_timeout, min_rate, grace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tus = scope["path"].startswith("/files")
        head = scope["method"] == "HEAD"
        started = False

        stalled: list[BodyTimeout] = []

        async def emit(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                if tus and not any(k.lower() == b"tus-resumable" for k, _ in msg.get("headers", [])):
                    msg = {**msg, "headers": [*msg.get("headers", []), (b"tus-resumable", b"1.0.0")]}
            await send(msg)

        async def guarded_send(msg: Message) -> None:
            if stalled and not started:
                # the app saw a disconnect (its uploads keep what arrived); the client gets 408
                exc = stalled[0]
                log.warning("%s %s from %s: 408 %s", scope["method"], scope["path"],
                            (scope.get("client") or ("?",))[0], exc)
                await answer(408, "body_timeout", "Dữ liệu gửi lên quá chậm hoặc bị ngừng",
                             "Request body too slow or stalled", {"Connection": "close"})
                return
            if stalled:
                return
            await emit(msg)

        async def answer(status: int, code: str, vi: str, en: str, headers: dict[str, str]) -> None:
            for m in _json_error(status, code, vi, en, headers):
                if head and m["type"] == "http.response.body":
                    m = {**m, "body": b""}
                await emit(m)

        who = self.authenticated(scope)
        if self.active[who] >= self.limits[who]:
            await answer(503, "overloaded", "Máy chủ đang quá tải, vui lòng thử lại sau",
                         "Server overloaded, retry later", {"Retry-After": "2"})
            return
        got = 0
        waited = 0.0   # time spent waiting for the client's bytes, and only that
        body_done = False

        async def guarded_receive() -> Message:
            """The rate is the client's: bytes over the time the app actually waited for them.
            Time the server itself spends before or between reads (a lock held by another request
            of the same upload, a database write, an fsync) is not the client's fault: while the
            app does not read, the bytes queue up and the next read returns at once."""
            nonlocal got, body_done, waited
            if stalled:
                return _DISCONNECT
            if body_done:
                return await receive()
            t_read = time.monotonic()
            try:
                msg = await asyncio.wait_for(receive(), self.body_timeout)
            except asyncio.TimeoutError:
                stalled.append(BodyTimeout(f"no body bytes for {self.body_timeout:.0f} s"))
                return _DISCONNECT
            waited += time.monotonic() - t_read
            if msg["type"] == "http.request":
                got += len(msg.get("body", b""))
                body_done = not msg.get("more_body", False)
                if not body_done and waited > self.grace and got / waited < self.min_rate:
                    stalled.append(BodyTimeout(f"body at {got / waited:.0f} B/s, below {self.min_rate:.0f} B/s"))
                    return _DISCONNECT
            return msg

        self.active[who] += 1
        try:
            await self.app(scope, guarded_receive, guarded_send)
            if stalled and not started:  # the app answered nothing after the disconnect
                await guarded_send({"type": "http.response.start", "status": 408, "headers": []})
        finally:
            self.active[who] -= 1


class Bucket:
    """Token buckets per key (failed logins), bounded in memory (least recently used evicted)."""

    def __init__(self, burst: int, per_seconds: float = 60.0, max_keys: int = 20_000) -> None:
        self.burst, self.rate = burst, burst / per_seconds
        self.max_keys = max_keys
        self.keys: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def _level(self, key: str, now: float) -> float:
        tokens, at = self.keys.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) * self.rate)

    def wait_seconds(self, key: str) -> int:
        """0 when an attempt is allowed now, otherwise the seconds until it is (for Retry-After)."""
        level = self._level(key, time.monotonic())
        return 0 if level >= 1 else max(1, math.ceil((1 - level) / self.rate))

    def debt(self, key: str) -> float:
        """How far below a full bucket the key is (0: no recent failures)."""
        if key not in self.keys:
            return 0.0
        return max(0.0, self.burst - self._level(key, time.monotonic()))

    def spend(self, key: str) -> None:
        now = time.monotonic()
        self.keys[key] = (self._level(key, now) - 1, now)
        self.keys.move_to_end(key)
        while len(self.keys) > self.max_keys:
            self.keys.popitem(last=False)


class LoginGate:
    """Limits on failed logins per account and per address, and a bounded pool for the hash.

    The pool favours logins whose account and address have no recent failures ("clean"): a free
    slot goes to the waiter with the fewest recent failures (then in arrival order), and logins
    with recent failures ("suspect") may hold at most all slots but one, so a desk that knows its
    password never waits behind a flood of wrong ones for more than the hash in progress. One
    address may hold at most ``per_ip_queue`` places in the queue (a flood from one address cannot
    fill it for the others)."""

    def __init__(self, *, per_user: int, per_ip: int, concurrency: int, queue: int) -> None:
        self.users, self.ips = Bucket(per_user), Bucket(per_ip)
        self.concurrency = self.free = max(1, concurrency)
        self.suspect_busy = 0
        self.queue, self.waiting = queue, 0
        self.per_ip_queue = max(2, queue // 8)
        self.waiting_by_ip: dict[str, int] = {}
        self._waiters: list[tuple[int, str, str, asyncio.Future]] = []
        self._seq = itertools.count()

    def suspicion(self, user: str, ip: str) -> float:
        """Recent failed logins of the account plus of the address (decaying), 0 when clean."""
        return self.users.debt(user) + self.ips.debt(ip)

    def admit(self, ip: str) -> bool:
        """Take a place in the hash queue (False: full overall or for this address)."""
        mine = self.waiting_by_ip.get(ip, 0)
        if self.waiting >= self.queue or mine >= self.per_ip_queue:
            return False
        self.waiting += 1
        self.waiting_by_ip[ip] = mine + 1
        return True

    def leave(self, ip: str) -> None:
        self.waiting -= 1
        left = self.waiting_by_ip.get(ip, 1) - 1
        if left:
            self.waiting_by_ip[ip] = left
        else:
            self.waiting_by_ip.pop(ip, None)

    @contextlib.asynccontextmanager
    async def hashing(self, user: str, ip: str) -> AsyncIterator[None]:
        """Hold one of the hash slots (waiting while none is free for this login)."""
        suspect = await self._acquire(user, ip)
        try:
            yield
        finally:
            self._release(suspect)

    def _may_take(self, user: str, ip: str) -> bool:
        return (self.free > 0 and (self.suspicion(user, ip) < 1 or self.concurrency == 1
                                   or self.suspect_busy < self.concurrency - 1))

    def _take(self, user: str, ip: str) -> bool:
        self.free -= 1
        suspect = self.suspicion(user, ip) >= 1
        self.suspect_busy += suspect
        return suspect

    async def _acquire(self, user: str, ip: str) -> bool:
        if self._may_take(user, ip):  # waiters left while a slot is free cannot take it
            return self._take(user, ip)
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        entry = (next(self._seq), user, ip, fut)
        self._waiters.append(entry)
        try:
            return await fut
        except asyncio.CancelledError:
            if entry in self._waiters:
                self._waiters.remove(entry)
            elif fut.done() and not fut.cancelled():
                self._release(fut.result())  # a slot was handed over just as we were cancelled
            raise

    def _release(self, suspect: bool) -> None:
        self.free += 1
        self.suspect_busy -= suspect
        self._waiters = [w for w in self._waiters if not w[3].done()]
        while self._waiters:
            ready = [w for w in self._waiters if self._may_take(w[1], w[2])]
            if not ready:
                break
            best = min(ready, key=lambda w: (self.suspicion(w[1], w[2]), w[0]))
            self._waiters.remove(best)
            best[3].set_result(self._take(best[1], best[2]))

    def retry_after(self, user: str, ip: str) -> int:
        return max(self.users.wait_seconds(user), self.ips.wait_seconds(ip))

    def failed(self, user: str, ip: str) -> None:
        self.users.spend(user)
        self.ips.spend(ip)
