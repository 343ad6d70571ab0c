"""Settings, the API error type and small helpers shared by the back end's modules."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know; built from the CLI."""

    data_dir: Path
    database_url: str | None = None
    max_upload_bytes: int = 200 * MIB          # tus Upload-Length limit (Tus-Max-Size)
    max_chunk_bytes: int = 16 * MIB            # one PATCH body
    max_json_bytes: int = 1 * MIB              # JSON request bodies
    upload_expiry_seconds: float = 24 * 3600   # incomplete uploads released after this idle time
    cleanup_interval_seconds: float = 600.0
    idempotency_days: float = 90.0             # keys kept at least this long
    access_ttl_seconds: int = 3600
    refresh_ttl_seconds: int = 30 * 24 * 3600
    catalog_path: Path | None = None
    max_in_flight: int = 256                   # authenticated requests in flight; beyond: 503 + Retry-After
    max_unauth_in_flight: int = 64             # requests without a valid token (own pool: never starves the above)
    header_timeout_seconds: float = 10.0       # a request's headers must arrive within this
    body_timeout_seconds: float = 15.0         # longest wait for the next piece of a body
    min_body_rate: float = 1024.0              # bytes/s averaged over a body, checked after body_grace_seconds
    body_grace_seconds: float = 5.0
    max_json_depth: int = 64                   # nesting of JSON bodies; deeper -> 400 too_deep
    hash_concurrency: int = 2                  # password hashes (argon2id, 64 MiB each) at once
    hash_queue: int = 16                       # logins waiting for a hash slot; beyond: 429
    login_failures_per_user: int = 10          # failed logins per account per minute (burst), then 429
    login_failures_per_ip: int = 30            # failed logins per address per minute (burst), then 429
    refresh_grace_seconds: float = 60.0        # the previous refresh token may be re-sent this long (lost answer)


class ApiError(Exception):
    """An error answered as JSON {error: {code, message}}; message is 'Vietnamese / English'."""

    def __init__(self, status: int, code: str, vi: str, en: str, *, headers: dict | None = None,
                 details: dict | None = None) -> None:
        super().__init__(f"{code}: {en}")
        self.status, self.code, self.vi, self.en = status, code, vi, en
        self.headers = headers or {}
        self.details = details

    def body(self) -> dict:
        err: dict = {"code": self.code, "message": f"{self.vi} / {self.en}"}
        if self.details:
            err["details"] = self.details
        return {"error": err}


def storable_text(obj: object) -> bool:
    """True when every string inside can be stored by both databases: no NUL (PostgreSQL refuses
    it) and valid UTF-8 (JSON may smuggle lone surrogates)."""
    if isinstance(obj, str):
        if "\x00" in obj:
            return False
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(obj, dict):
        return all(storable_text(k) and storable_text(v) for k, v in obj.items())
    if isinstance(obj, list):
        return all(storable_text(v) for v in obj)
    return True


def canonical_json(obj: object) -> str:
    """Stable JSON text used for fingerprints and storage."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_file(path: Path, bufsize: int = 1024 * 1024) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(bufsize):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def fsync_dir(path: Path) -> None:
    """Make a rename/create inside `path` durable (a no-op where directories cannot be opened,
    i.e. Windows, whose NTFS journals directory entries itself)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def makedirs_durable(path: Path) -> None:
    """mkdir -p, fsync'ing each new directory's parent so the directory survives a power cut."""
    path = Path(path)
    missing: list[Path] = []
    cur = path
    while not cur.exists():
        missing.append(cur)
        cur = cur.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            continue
        fsync_dir(d.parent)


def json_depth_exceeds(obj: object, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iterative: no recursion on hostile input)."""
    stack: list[tuple[object, int]] = [(obj, 1)]
    while stack:
        cur, d = stack.pop()
        if isinstance(cur, dict):
            if d > limit:
                return True
            stack.extend((v, d + 1) for v in cur.values())
        elif isinstance(cur, list):
            if d > limit:
                return True
            stack.extend((v, d + 1) for v in cur)
    return False


def blob_path(data_dir: Path, unit_code: str, sha256: str) -> Path:
    """Complete files are content-addressed per unit."""
    return Path(data_dir) / "blobs" / unit_code / sha256[:2] / sha256


def part_path(data_dir: Path, upload_id: str) -> Path:
    return Path(data_dir) / "uploads" / f"{upload_id}.part"
