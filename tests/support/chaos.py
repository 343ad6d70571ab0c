"""A userspace chaos TCP proxy on 127.0.0.1 for sync tests and benchmarks.

`tc netem` is not available on these machines, so faults are made here, deterministically:

    proxy = ChaosProxy(upstream=("127.0.0.1", backend_port), seed=7).start()
    url = f"http://127.0.0.1:{proxy.port}"
    proxy.set_mode("cut", after_bytes=1_500_000)   # abort every connection once N bytes passed
    proxy.set_mode("blackhole")                    # accept, read, never answer
    proxy.set_mode("drip", bytes_per_tick=64, tick=0.05)
    proxy.set_mode("delay", delay=0.05, jitter=0.02)
    proxy.set_mode("refuse")                       # listener closed: ECONNREFUSED
    proxy.set_mode("bitflip", probability=0.01)
    proxy.set_mode("pass")
    proxy.stop()

The proxy runs its own asyncio loop in a daemon thread so synchronous tests and subprocess
clients can use it; ``set_mode`` is thread-safe and applies to open connections at once
(the mode is read per chunk). ``cut`` is one-shot: after aborting it falls back to ``then``
(with ``then_params``).
Every random choice comes from ``random.Random(seed)``.
"""
from __future__ import annotations

import asyncio
import random
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

MODES = ("pass", "delay", "cut", "blackhole", "drip", "refuse", "bitflip")
READ_SIZE = 64 * 1024


@dataclass
class ChaosStats:
    connections: int = 0
    refused: int = 0
    up_bytes: int = 0        # client -> server, forwarded
    down_bytes: int = 0      # server -> client, forwarded
    swallowed: int = 0       # read and dropped (blackhole)
    cuts: int = 0
    flips: int = 0
    modes: list[str] = field(default_factory=list)


class ChaosProxy:
    """One listening port forwarding to one (changeable) upstream address."""

    def __init__(self, upstream: tuple[str, int], *, seed: int = 0, listen_port: int = 0) -> None:
        self.upstream = upstream
        self.rng = random.Random(seed)
        self.port = listen_port
        self.stats = ChaosStats()
        self._mode = "pass"
        self._params: dict[str, Any] = {}
        self._cut_counter = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._conns: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter | None]] = set()
        self._lock = threading.Lock()
        self._ready = threading.Event()

    # --- control (any thread) -----------------------------------------------------------------
    def start(self) -> "ChaosProxy":
        self._thread = threading.Thread(target=self._run_loop, name="chaos-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("chaos proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        fut.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mode(self) -> str:
        return self._mode

    def set_upstream(self, host: str, port: int) -> None:
        """Point new connections elsewhere (the back end restarted on a new port)."""
        self.upstream = (host, port)

    def set_mode(self, mode: str, *, drop_existing: bool = False, **params: Any) -> None:
        """Switch behaviour now. ``drop_existing`` aborts open connections (a link flap)."""
        if mode not in MODES:
            raise ValueError(f"unknown chaos mode {mode!r}; one of {MODES}")
        assert self._loop is not None, "start() first"
        fut = asyncio.run_coroutine_threadsafe(self._set_mode(mode, drop_existing, params), self._loop)
        fut.result(10)

    def drop_all(self) -> None:
        """Abort every open connection (RST) without changing the mode."""
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._drop_all(), self._loop).result(10)

    # --- loop side ------------------------------------------------------------------------------
    def _run_loop(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port,
                                                  reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        await self._drop_all()
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _set_mode(self, mode: str, drop_existing: bool, params: dict[str, Any]) -> None:
        self._mode, self._params = mode, params
        self._cut_counter = 0
        self.stats.modes.append(mode)
        if drop_existing or mode == "refuse":
            await self._drop_all()
        if mode == "refuse":
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()
                self._server = None
        elif self._server is None:
            await self._listen()

    async def _drop_all(self) -> None:
        for client_w, up_w in list(self._conns):
            for w in (client_w, up_w):
                if w is not None:
                    w.transport.abort()
        self._conns.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats.connections += 1
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        up_w: asyncio.StreamWriter | None = None
        if self._mode == "blackhole":
            pair = (writer, None)
            self._conns.add(pair)
            try:
                while data := await reader.read(READ_SIZE):
                    self.stats.swallowed += len(data)
            except (ConnectionError, OSError):
                pass
            finally:
                self._conns.discard(pair)
                writer.transport.abort()
            return
        try:
            up_r, up_w = await asyncio.wait_for(asyncio.open_connection(*self.upstream), 5)
        except (OSError, asyncio.TimeoutError):
            self.stats.refused += 1
            writer.transport.abort()
            return
        pair = (writer, up_w)
        self._conns.add(pair)
        try:
            await asyncio.gather(self._pipe(reader, up_w, "up", pair), self._pipe(up_r, writer, "down", pair))
        finally:
            self._conns.discard(pair)
            for w in (writer, up_w):
                try:
                    w.close()
                except Exception:  # noqa: BLE001
                    pass

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, direction: str,
                    pair: tuple) -> None:
        try:
            while True:
                data = await reader.read(READ_SIZE)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                mode, p = self._mode, self._params
                if mode == "blackhole":
                    self.stats.swallowed += len(data)
                    continue
                if mode == "delay":
                    d = float(p.get("delay", 0.05)) + self.rng.uniform(-1, 1) * float(p.get("jitter", 0.0))
                    await asyncio.sleep(max(0.0, d))
                elif mode == "bitflip" and self.rng.random() < float(p.get("probability", 0.01)):
                    buf = bytearray(data)
                    i = self.rng.randrange(len(buf))
                    buf[i] ^= 1 << self.rng.randrange(8)
                    data = bytes(buf)
                    self.stats.flips += 1
                elif mode == "cut" and p.get("direction", "up") in (direction, "both"):
                    limit = int(p["after_bytes"])
                    room = limit - self._cut_counter
                    if len(data) >= room:
                        if room > 0:
                            writer.write(data[:room])
                            self._count(direction, room)
                        self.stats.cuts += 1
                        self._mode = p.get("then", "pass")
                        self._params = dict(p.get("then_params") or {})
                        await self._drop_all()
                        return
                    self._cut_counter += len(data)
                if mode == "drip":
                    step = int(p.get("bytes_per_tick", 64))
                    tick = float(p.get("tick", 0.05))
                    for i in range(0, len(data), step):
                        writer.write(data[i:i + step])
                        await writer.drain()
                        self._count(direction, len(data[i:i + step]))
                        await asyncio.sleep(tick)
                    continue
                writer.write(data)
                await writer.drain()
                self._count(direction, len(data))
        except (ConnectionError, OSError, asyncio.CancelledError):
            for w in pair:
                if w is not None:
                    w.transport.abort()

    def _count(self, direction: str, n: int) -> None:
        if direction == "up":
            self.stats.up_bytes += n
        else:
            self.stats.down_bytes += n


def main() -> None:  # pragma: no cover - manual use: python -m tests.support.chaos UPSTREAM_PORT
    import sys

    proxy = ChaosProxy(("127.0.0.1", int(sys.argv[1])), seed=int(sys.argv[2]) if len(sys.argv) > 2 else 0).start()
    print(f"chaos proxy on 127.0.0.1:{proxy.port}", flush=True)
    threading.Event().wait()  # serve until killed


if __name__ == "__main__":  # pragma: no cover
    main()
