"""The chaos proxy itself: each mode does what the torture campaign relies on."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.support.chaos import ChaosProxy
from tests.support.waiting import wait_until


class EchoServer:
    """A plain threaded TCP echo server (upstream for the proxy)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    def _echo(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                self.received += len(data)
                try:
                    conn.sendall(data)
                except OSError:
                    return

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def echo():
    srv = EchoServer()
    yield srv
    srv.close()


@pytest.fixture()
def proxy(echo):
    p = ChaosProxy(("127.0.0.1", echo.port), seed=3).start()
    yield p
    p.stop()


def roundtrip(port: int, payload: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        out = bytearray()
        while chunk := s.recv(65536):
            out += chunk
        return bytes(out)


def test_pass_forwards_bytes_unchanged(proxy: ChaosProxy) -> None:
    data = bytes(range(256)) * 1000
    assert roundtrip(proxy.port, data) == data
    assert proxy.stats.up_bytes == len(data) and proxy.stats.down_bytes == len(data)


def test_cut_aborts_after_exactly_n_bytes_then_passes_again(proxy: ChaosProxy, echo: EchoServer) -> None:
    proxy.set_mode("cut", after_bytes=100_000)
    with pytest.raises((ConnectionError, OSError)):
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as s:
            for _ in range(100):
                s.sendall(b"x" * 10_000)
                s.recv(65536)
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
            raise AssertionError("the link was never cut")
    assert proxy.stats.cuts == 1
    assert proxy.stats.up_bytes == 100_000
    assert proxy.mode == "pass"
    assert roundtrip(proxy.port, b"after") == b"after"


def test_blackhole_reads_but_never_answers(proxy: ChaosProxy) -> None:
    proxy.set_mode("blackhole")
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=0.5) as s:
        s.sendall(b"hello?" * 1000)
        with pytest.raises(socket.timeout):
            s.recv(10)
    wait_until(lambda: proxy.stats.swallowed >= 6000, 5)  # the proxy thread accounts asynchronously
    assert proxy.stats.swallowed == 6000


def test_refuse_closes_the_listener_and_pass_reopens_it(proxy: ChaosProxy) -> None:
    proxy.set_mode("refuse")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
    proxy.set_mode("pass")
    assert roundtrip(proxy.port, b"back") == b"back"


def test_drip_slows_the_link(proxy: ChaosProxy) -> None:
    proxy.set_mode("drip", bytes_per_tick=100, tick=0.01)
    t0 = time.monotonic()
    assert roundtrip(proxy.port, b"y" * 2000) == b"y" * 2000
    # 20 ticks up (and 20 down): at least 0.2 s where pass takes a millisecond
    assert time.monotonic() - t0 >= 0.2


def test_delay_adds_latency(proxy: ChaosProxy) -> None:
    proxy.set_mode("delay", delay=0.1, jitter=0.0)
    t0 = time.monotonic()
    assert roundtrip(proxy.port, b"z") == b"z"
    assert time.monotonic() - t0 >= 0.2  # once each way


def test_bitflip_is_deterministic_by_seed(echo: EchoServer) -> None:
    outs = []
    for _ in range(2):
        p = ChaosProxy(("127.0.0.1", echo.port), seed=42).start()
        try:
            p.set_mode("bitflip", probability=1.0)
            outs.append(roundtrip(p.port, b"\x00" * 1000))
        finally:
            p.stop()
    assert outs[0] == outs[1] and outs[0] != b"\x00" * 1000


def test_set_upstream_follows_a_restarted_server(proxy: ChaosProxy) -> None:
    other = EchoServer()
    try:
        proxy.set_upstream("127.0.0.1", other.port)
        assert roundtrip(proxy.port, b"moved") == b"moved"
        assert other.received == 5
    finally:
        other.close()


def test_unknown_mode_is_refused(proxy: ChaosProxy) -> None:
    with pytest.raises(ValueError):
        proxy.set_mode("explode")
