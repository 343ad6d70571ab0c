"""A tiny scripted HTTP/1.1 server for the answers a real back end must never give.

Used ONLY for malformed responses (broken JSON, wrong types, huge bodies, an error inside a 200,
Retry-After on a 429, a bad TLS certificate) and for an older server (no ``/accounts``: the default
routes answer 404 there). Everything else runs against the real back end.
Runs its own asyncio loop in a thread; ``routes`` maps "METHOD path" to a function returning
(status, headers, body) and can be changed while it runs; ``headers[key]`` holds the last
request headers (lower-case names) of that route.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
import tempfile
import threading
from pathlib import Path
from typing import Callable

Reply = tuple[int, dict[str, str], bytes]

TOKEN = json.dumps({"access_token": "t", "refresh_token": "r", "token_type": "Bearer", "expires_in": 3600,
                    "unit_code": "000.23.32.H48", "desk": 1}).encode()
EMPTY_FEED = json.dumps({"items": [], "next_cursor": "0", "has_more": False}).encode()


def default_routes() -> dict[str, Callable[[bytes], Reply]]:
    return {
        "POST /api/v1/auth/token": lambda body: (200, {"Content-Type": "application/json"}, TOKEN),
        "POST /api/v1/auth/refresh": lambda body: (200, {"Content-Type": "application/json"}, TOKEN),
        "OPTIONS /files/": lambda body: (204, {"Tus-Resumable": "1.0.0"}, b""),
        "GET /api/v1/feed": lambda body: (200, {"Content-Type": "application/json"}, EMPTY_FEED),
    }


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 that no client trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "untrusted test server")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class FakeServer:
    def __init__(self, *, tls: bool = False) -> None:
        self.routes = default_routes()
        self.hits: list[str] = []
        self.headers: dict[str, dict[str, str]] = {}
        self.port = 0
        self.tls = tls
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> "FakeServer":
        threading.Thread(target=self._run, daemon=True).start()
        if not self._ready.wait(10):
            raise RuntimeError("fake server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        ctx = None
        if self.tls:
            cert, key = self_signed(Path(tempfile.mkdtemp()))
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=ctx))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers = {}
                while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                path = target.split("?", 1)[0]
                key = f"{method} {path}"
                self.hits.append(key)
                self.headers[key] = headers
                handler = self.routes.get(key)
                status, rheaders, rbody = handler(body) if handler else (404, {}, b'{"error":{"code":"nf","message":"x"}}')
                head = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in rheaders.items()]
                if not any(k.lower() == "content-length" for k in rheaders):
                    head.append(f"Content-Length: {len(rbody)}")
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                             + (b"" if method == "HEAD" else rbody))  # a HEAD answer has no body
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, ssl.SSLError):
            pass
        finally:
            writer.close()
