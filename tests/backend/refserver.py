"""The real reference back end as a subprocess on 127.0.0.1, and a desk client for it (test helpers)."""
from __future__ import annotations

import base64
import hashlib
import itertools
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest


ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mật-khẩu-thử"
_unit_counter = itertools.count(10)


class Server:
    """`python -m reference_backend serve --port 0` in a subprocess; restartable on the same data."""

    def __init__(self, data_dir: Path, database_url: str | None, extra: list[str] | None = None,
                 env: dict | None = None) -> None:
        self.data_dir, self.database_url = data_dir, database_url
        self.extra, self.env = extra or [], env or {}
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.stderr_path = data_dir / f"server-{uuid.uuid4().hex[:6]}.log"

    def db_args(self) -> list[str]:
        return ["--data-dir", str(self.data_dir)] + (["--database-url", self.database_url]
                                                      if self.database_url else [])

    def start(self, timeout: float = 30.0) -> "Server":
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        self.stderr_path = self.data_dir / f"server-{uuid.uuid4().hex[:6]}.log"
        err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reference_backend", "serve", "--host", "127.0.0.1", "--port", "0",
             *self.db_args(), *self.extra], stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)
        err.close()
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert self.proc and self.proc.stdout
            for raw in self.proc.stdout:
                lines.put(raw.decode(errors="replace").strip())
        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if line.startswith("listening on "):
                self.url = line.removeprefix("listening on ")
                return self
        self.kill()
        pytest.fail(f"server did not start: {self.stderr_path.read_text(errors='replace')[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def cli(self, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run another reference_backend command on the same data."""
        cmd = [sys.executable, "-m", "reference_backend", args[0], *self.db_args(), *args[1:]]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
        if check and r.returncode != 0:
            raise AssertionError(f"{cmd} failed: {r.stderr}")
        return r

    # ---- accounts / clients -------------------------------------------------------------------
    def add_desk(self, unit: str, user: str, desk: int = 1) -> None:
        """Create an account through the same code path as the CLI, in-process (faster)."""
        from reference_backend.auth import add_desk
        from reference_backend.db import Database
        db = Database(self.data_dir, self.database_url)
        try:
            db.create_all()
            add_desk(db, unit_code=unit, username=user, password=PASSWORD, desk=desk)
        finally:
            db.dispose()

    def client(self, unit: str | None = None, desk: int = 1) -> "DeskClient":
        unit = unit or new_unit()
        user = f"u{uuid.uuid4().hex[:10]}"
        self.add_desk(unit, user, desk)
        return DeskClient(self.url, unit, user, desk)


class DeskClient:
    """An httpx client logged in as one desk of one unit."""

    def __init__(self, url: str, unit: str, user: str, desk: int) -> None:
        self.unit, self.user, self.desk = unit, user, desk
        self.http = httpx.Client(base_url=url, timeout=30)
        r = self.http.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.token = r.json()
        self.http.headers["Authorization"] = f"Bearer {self.token['access_token']}"
        self.serial = itertools.count(1001)

    def tus(self, extra: dict | None = None) -> dict:
        return {"Tus-Resumable": "1.0.0", **(extra or {})}

    def create_upload(self, data: bytes, *, sha: str | None = None, key: str | None = None,
                      filename: str = "giấy tờ.pdf") -> str:
        sha = sha or hashlib.sha256(data).hexdigest()
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                        for k, v in {"filename": filename, "sha256": sha}.items())
        h = self.tus({"Upload-Length": str(len(data)), "Upload-Metadata": meta})
        if key:
            h["Idempotency-Key"] = key
        r = self.http.post("/files/", headers=h)
        assert r.status_code == 201, r.text
        return r.headers["Location"]

    def patch(self, loc: str, offset: int, chunk: bytes, checksum: bool = True) -> httpx.Response:
        h = self.tus({"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"})
        if checksum:
            h["Upload-Checksum"] = "sha256 " + base64.b64encode(hashlib.sha256(chunk).digest()).decode()
        return self.http.patch(loc, headers=h, content=chunk)

    def upload(self, data: bytes, chunk: int = 256 * 1024) -> str:
        loc = self.create_upload(data)
        off = 0
        while off < len(data):
            r = self.patch(loc, off, data[off:off + chunk])
            assert r.status_code == 204, r.text
            off = int(r.headers["Upload-Offset"])
        return hashlib.sha256(data).hexdigest()

    def record(self, attachments: list[bytes] = (), *, serial: int | None = None, status: int = 2,
               **over: object) -> dict:
        serial = serial or next(self.serial)
        rid = str(uuid.uuid4())
        rec = {
            "record_id": rid,
            "MaHoSo": f"{self.unit}-250625-{serial:04d}",
            "MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh", "MaLinhVuc": "G03-HT01",
            "TenLinhVuc": "Hộ tịch", "ChuHoSo": "Đặng Thị Thu", "LoaiDoiTuong": 1,
            "MaDoiTuong": "001190012345", "NgayTiepNhan": "20250625091500", "NgayHenTra": "20250625170000",
            "TrangThaiHoSo": status, "HinhThuc": 1, "DonViXuLy": self.unit, "desk": self.desk,
            "status": "received", "phone": "0912345678",
            "TaiLieuNop": [{"TepDinhKemId": hashlib.sha256(a).hexdigest(), "TenTepDinhKem": f"tệp {i}.pdf",
                            "MaThanhPhanHoSo": None, "KichThuoc": len(a)} for i, a in enumerate(attachments)],
            "components": [{"seq": 1, "name": "Tờ khai đăng ký khai sinh", "form": "original", "quantity": 1}],
        }
        rec.update(over)
        return rec

    def item(self, rec: dict, *, kind: str = "dossier.create", base_version: int | None = None,
             op_id: str | None = None) -> dict:
        return {"op_id": op_id or str(uuid.uuid4()), "kind": kind, "record_id": rec["record_id"],
                "base_version": base_version, "record": rec}

    def push(self, *items: dict) -> list[dict]:
        r = self.http.post("/api/v1/records:batch", json={"items": list(items)})
        assert r.status_code == 200, r.text
        return r.json()["results"]


def new_unit() -> str:
    n = next(_unit_counter)
    return f"000.{n // 100:02d}.{n % 100:02d}.H48"


