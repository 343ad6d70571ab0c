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
    max_in_flight: int = 256                   # beyond: 503 + Retry-After


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
    """Make a rename/create inside `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def blob_path(data_dir: Path, unit_code: str, sha256: str) -> Path:
    """Complete files are content-addressed per unit."""
    return Path(data_dir) / "blobs" / unit_code / sha256[:2] / sha256


def part_path(data_dir: Path, upload_id: str) -> Path:
    return Path(data_dir) / "uploads" / f"{upload_id}.part"
