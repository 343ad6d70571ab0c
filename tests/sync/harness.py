"""Real parts for sync tests: the reference back end as a subprocess, desks made by the services.

Nothing here is a mock: the back end is ``python -m reference_backend serve`` on 127.0.0.1 (SQLite
or the private PostgreSQL), desks are real stores initialised by the services, dossiers are
received through ``services.intake.receive`` (so the outbox payload is what the app writes).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import json
import os
import random
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from tests.support.waiting import wait_for  # noqa: F401 (re-exported for the sync tests)

ROOT = Path(__file__).resolve().parents[2]
UNIT = "000.23.32.H48"
PASSWORD = "mat-khau-thu-nghiem-123"
PASSWORD_ENV = "DESK_SYNC_TEST_PASSWORD"


def env() -> dict[str, str]:
    e = dict(os.environ)
    e[PASSWORD_ENV] = PASSWORD
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return e


class Backend:
    """The reference back end in a subprocess; ``kill9`` + ``start`` keep the data dir."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.database_url = database_url
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log = self.data_dir.parent / f"{self.data_dir.name}.log"
        self.extra_env: dict[str, str] = {}   # e.g. REFBACK_CRASH_AT for the next start

    def _args(self, *extra: str) -> list[str]:
        args = [sys.executable, "-m", "reference_backend", *extra, "--data-dir", str(self.data_dir)]
        if self.database_url:
            args += ["--database-url", self.database_url]
        return args

    def add_desk(self, user: str, desk: int, unit: str = UNIT) -> None:
        subprocess.run(self._args("add-desk") + ["--unit", unit, "--user", user, "--password-env",
                                                 PASSWORD_ENV, "--desk", str(desk)],
                       check=True, env=env(), cwd=ROOT, capture_output=True, timeout=60)

    def add_account(self, unit: str, login: str, role: str, password: str, *, disabled: bool = False,
                    full_name: str | None = None) -> None:
        """A person's account provided by the province (``GET /api/v1/accounts`` of the unit)."""
        e = env()
        e["DESK_SYNC_TEST_STAFF_PW"] = password
        subprocess.run(self._args("add-account") + ["--unit", unit, "--login", login, "--name",
                                                    full_name or f"Cán bộ {login}", "--role", role,
                                                    "--password-env", "DESK_SYNC_TEST_STAFF_PW"]
                       + (["--disabled"] if disabled else []),
                       check=True, env=e, cwd=ROOT, capture_output=True, timeout=60)

    def start(self, port: int | None = None) -> "Backend":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        logf = open(self.log, "ab")
        self.proc = subprocess.Popen(
            self._args("serve") + ["--host", "127.0.0.1", "--port", str(port if port is not None else self.port)],
            stdout=subprocess.PIPE, stderr=logf, env={**env(), **self.extra_env}, cwd=ROOT)
        logf.close()
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        if not line or b"listening on" not in line[0]:
            self.kill9()
            raise RuntimeError(f"back end did not start: {line!r}; log: {self.log.read_text()[-2000:]}")
        self.port = int(line[0].decode().strip().rsplit(":", 1)[1])
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def export(self) -> dict:
        out = subprocess.run(self._args("export") + ["--json"], env=env(), cwd=ROOT,
                             capture_output=True, timeout=120)
        return json.loads(out.stdout)


def make_desk(data_dir: Path, desk_no: int, unit: str = UNIT) -> None:
    from desk_app.services.admin.setup import init_store

    init_store(Path(data_dir), demo=False, desk_no=desk_no, unit_code=unit)


def receive(data_dir: Path, n: int, *, seed: int = 1, attachment_sizes: list[int] | None = None,
            procedure: str = "1.001193") -> list[str]:
    """Receive ``n`` dossiers through the intake service; the first ``len(attachment_sizes)``
    get one scan each of that many random bytes. Returns the dossier codes."""
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import open_desk
    from desk_app.services.catalog import get_procedure
    from desk_app.services.intake import IntakeRequest, receive as intake_receive

    rng = random.Random(seed)
    sizes = list(attachment_sizes or [])
    scans = Path(data_dir) / "scans-in"
    scans.mkdir(exist_ok=True)
    codes = []
    ctx = open_desk(Path(data_dir), create=False)
    try:
        proc = get_procedure(ctx, procedure)
        comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
                 for c in proc.components]
        first_seq = comps[0].seq if comps else None
        for i in range(n):
            files = []
            if i < len(sizes):
                f = scans / f"scan-{seed}-{i}.pdf"
                f.write_bytes((b"%PDF-" + rng.randbytes(sizes[i]))[:max(sizes[i], 5)])  # sniffed by content (issue 17)
                files = [(f, first_seq)]
            birth_year = rng.randint(1950, 1999)
            idn = f"001{0}{birth_year % 100:02d}{rng.randint(0, 999_999):06d}"
            app = Applicant(id_number=idn, full_name=f"Nguyễn Văn Thử {seed}-{i}",
                            birth_date=date(birth_year, 1, 1), sex="Nam", phone="0912345678")
            d = intake_receive(ctx, IntakeRequest(procedure_code=procedure, applicant=app, components=comps,
                                                  attachments=files, clerk="Cán bộ thử"))
            codes.append(d.code)
    finally:
        ctx.close()
    return codes


def local_codes(data_dir: Path) -> set[str]:
    from offline_store import Store

    with Store.open(Path(data_dir)) as store:
        return {r[0] for r in store.conn.execute("SELECT code FROM dossiers")}


def outbox_states(data_dir: Path, *, incoming: bool = False) -> dict[str, int]:
    """Outbox items by state: what this desk sends, or (``incoming``) the files it fetches."""
    from offline_store import Store

    op = "LIKE" if incoming else "NOT LIKE"
    with Store.open(Path(data_dir)) as store:
        return {r[0]: r[1] for r in store.conn.execute(
            f"SELECT state, count(*) FROM outbox WHERE kind {op} 'deferred.fetch%' GROUP BY state")}


@contextlib.contextmanager
def running_engine(config: Any, on_event: Any = None) -> Iterator[None]:
    """A long-running SyncEngine on its own thread and event loop for the duration of the block
    (as ``desk-app sync`` runs it); stopped cleanly at the end."""
    import asyncio
    import threading

    from desk_app.sync.engine import SyncEngine

    stop = threading.Event()

    def run() -> None:
        async def main() -> None:
            eng = SyncEngine(config, on_event=on_event)
            await eng.start()
            task = asyncio.create_task(eng.run())
            await asyncio.get_running_loop().run_in_executor(None, stop.wait)
            eng.stop()
            await task
            await eng.close()
        asyncio.run(main())

    t = threading.Thread(target=run)
    t.start()
    try:
        yield
    finally:
        stop.set()
        t.join(30)
