"""Torture campaign: two desks, engines as subprocesses through chaos proxies, kill -9 everywhere.

Smoke size by default (about 20 engine kills per database); ``--full`` runs hundreds.
The seed is printed; ``--seed N`` replays the same sequence of faults (timings still vary with the
machine, the choices do not). After the chaos a clean final drain must leave:
0 lost, 0 duplicated (the server holds exactly the dossiers created, each MaHoSo once), every
attachment's SHA-256 identical on both sides, and both desks holding all of the unit's dossiers.
Runs on SQLite and on PostgreSQL (tests/support/pg.py). Half of the back end restarts arm one of
the server's crash points inside the upload path (``CRASH_POINTS``): it then dies by itself when an
upload reaches that point and is restarted; every file must still arrive once, whole.
"""
from __future__ import annotations

import collections
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from offline_store import Store
from tests.support.chaos import ChaosProxy
from tests.support.waiting import wait_until
from tests.support.pg import pg_cluster  # noqa: F401  (fixture)
from tests.sync.harness import PASSWORD_ENV, Backend, env, local_codes, outbox_states, receive

UNIT = "000.23.32.H48"


@dataclass
class Desk:
    no: int
    data: Path
    user: str
    proxy: ChaosProxy
    cmd: list[str]
    proc: subprocess.Popen | None = None
    codes: list[str] = field(default_factory=list)
    kills: int = 0
    log: Path | None = None

    def start(self) -> None:
        self.log = self.data.parent / f"engine{self.no}.log"
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(
                [*self.cmd, "sync", "--data-dir", str(self.data), "--server", self.proxy.url, "--server-user", self.user,
                 "--server-password-env", PASSWORD_ENV, "--lease-seconds", "4", "--stall-seconds", "4",
                 "--io-timeout", "3", "--feed-interval", "1", "--backoff-cap", "2", "--idle-poll", "0.2",
                 "--chunk-mib", "1"],
                stdout=subprocess.DEVNULL, stderr=logf, env=env())

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.kills += 1
        self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ready(self) -> bool:
        """The engine holds the desk's sync lock (its SIGTERM handler is installed by then)."""
        try:
            return (self.data / "sync.lock").read_text().strip() == str(self.proc.pid)
        except (OSError, AttributeError):
            return False

    def terminate(self) -> int | None:
        if self.proc is None:
            return None
        wait_until(self.ready, 20)
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)


@dataclass
class Sizes:
    initial: int          # dossiers per desk before the chaos
    with_scans: int       # how many of them carry a scan
    scan_bytes: tuple[int, int]
    engine_kills: int     # total across both desks
    backend_restarts: int
    extra_every: int      # receive a new dossier every N steps


SMOKE = Sizes(initial=10, with_scans=4, scan_bytes=(300_000, 2_500_000), engine_kills=20, backend_restarts=2,
              extra_every=2)
FULL = Sizes(initial=60, with_scans=15, scan_bytes=(300_000, 6_000_000), engine_kills=300, backend_restarts=20,
             extra_every=2)
# Injected server crashes inside the upload path (REFBACK_CRASH_AT, reference_backend/uploads.py):
# a restarted back end is sometimes armed with one, and dies by itself when an upload reaches it.
CRASH_POINTS = ("part_written", "all_bytes", "blob_moved")
# The link's normal state: a few ms per 64 KiB read (about 10 MB/s), so uploads take long enough
# for kills and cuts to land in the middle of them rather than on an idle desk.
BASE = {"mode": "delay", "delay": 0.006, "jitter": 0.004}
BASE_PARAMS = {k: v for k, v in BASE.items() if k != "mode"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


def test_torture(tmp_path: Path, database_url: str | None, full_run: bool, desk_app_cmd: list[str],
                 request: pytest.FixtureRequest) -> None:
    seed = request.config.getoption("--seed")
    seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    sizes = FULL if full_run else SMOKE
    rng = random.Random(seed)
    print(f"\ntorture seed={seed} db={'postgresql' if database_url else 'sqlite'} "
          f"size={'full' if full_run else 'smoke'} (replay: --seed {seed})")
    t0 = time.monotonic()

    backend = Backend(tmp_path / "srv", database_url)
    backend.add_desk("desk1", 1, unit=UNIT)
    backend.add_desk("desk2", 2, unit=UNIT)
    backend.start()

    desks: list[Desk] = []
    for no in (1, 2):
        data = tmp_path / f"desk{no}"
        out = subprocess.run([*desk_app_cmd, "init", "--data-dir", str(data), "--desk", str(no), "--unit", UNIT],
                             capture_output=True, text=True, env=env(), timeout=120)
        assert out.returncode == 0, out.stderr
        proxy = ChaosProxy(("127.0.0.1", backend.port), seed=seed + no).start()
        desk = Desk(no, data, f"desk{no}", proxy, desk_app_cmd)
        scans = [rng.randint(*sizes.scan_bytes) for _ in range(sizes.with_scans)]
        desk.codes += receive(data, sizes.initial, seed=seed * 10 + no, attachment_sizes=scans)
        desks.append(desk)

    counts = collections.Counter()

    def start_backend(crash_at: str | None = None) -> None:
        """(Re)start on the same port, armed with a crash point or not; an armed back end whose
        start-up sweep already reaches the point dies before listening: then it starts clean."""
        backend.extra_env = {"REFBACK_CRASH_AT": crash_at} if crash_at else {}
        try:
            backend.start(port=backend.port)
        except RuntimeError:
            if not crash_at:
                raise
            counts["crash_at_start"] += 1
            backend.extra_env = {}
            backend.start(port=backend.port)
        for d in desks:
            d.proxy.set_upstream("127.0.0.1", backend.port)

    def engines_alive() -> None:
        for d in desks:   # an engine that died on its own would be a bug: say so
            if d.proc is not None and d.proc.poll() is not None:
                raise AssertionError(f"engine {d.no} exited by itself with {d.proc.returncode}; "
                                     f"log: {d.log.read_text()[-2000:]}")

    try:
        for d in desks:
            d.proxy.set_mode(**BASE)
            d.start()
        restarts_left = sizes.backend_restarts
        step = 0
        while sum(d.kills for d in desks) < sizes.engine_kills:
            step += 1
            desk = rng.choice(desks)
            action = rng.choices(["kill", "cut", "blackhole", "drip", "backend"],
                                 weights=[6, 3, 2, 1, 1 if restarts_left else 0])[0]
            # every campaign restarts the back end its full share of times, spread over the run
            due = sizes.backend_restarts - restarts_left + 1
            if restarts_left and sum(d.kills for d in desks) >= due * sizes.engine_kills // (sizes.backend_restarts + 1):
                action = "backend"
            counts[action] += 1
            # a chaos moment: after a random number of bytes moved, or a random short time
            target = desk.proxy.stats.up_bytes + rng.randint(0, 2_000_000)
            wait_until(lambda: desk.proxy.stats.up_bytes >= target, rng.uniform(0.05, 1.0))
            if action == "kill":
                desk.kill9()
                if rng.random() < 0.3:
                    wait_until(lambda: False, rng.uniform(0.05, 0.5))   # stay dead a moment
                desk.start()
            elif action == "cut":
                direction = rng.choice(["up", "up", "down"])   # answers are small: cut them early
                desk.proxy.set_mode("cut", after_bytes=rng.randint(1, 1_500_000 if direction == "up" else 20_000),
                                    direction=direction, then="delay", then_params=BASE_PARAMS)
            elif action == "blackhole":
                desk.proxy.set_mode("blackhole")
                wait_until(lambda: False, rng.uniform(0.3, 1.5))
                desk.proxy.set_mode(**BASE)
            elif action == "drip":
                desk.proxy.set_mode("drip", bytes_per_tick=rng.randint(50, 2000), tick=0.02)
                wait_until(lambda: False, rng.uniform(0.3, 1.2))
                desk.proxy.set_mode(**BASE)
            elif action == "backend":
                restarts_left -= 1
                backend.kill9()
                if rng.random() < 0.5:
                    desk.kill9()
                    desk.start()
                start_backend(rng.choice(CRASH_POINTS) if rng.random() < 0.5 else None)
            if backend.proc is not None and backend.proc.poll() is not None:
                # an armed crash point was reached: the back end died inside the upload path
                counts["crashed_in_upload"] += 1
                backend.proc = None
                start_backend(None)
            if step % sizes.extra_every == 0:   # the clerk keeps working during all this
                d = rng.choice(desks)
                size = [rng.randint(*sizes.scan_bytes)] if rng.random() < 0.5 else []
                d.codes += receive(d.data, 1, seed=seed * 1000 + step, attachment_sizes=size)
            engines_alive()
        chaos_s = time.monotonic() - t0

        # ---- final drain on a clean link (a back end still armed with a crash point is restarted
        # clean: a restart more, not a free pass) ------------------------------------------------
        if backend.proc is not None and (backend.proc.poll() is not None or backend.extra_env):
            backend.kill9()
        if backend.proc is None:
            start_backend(None)
        for d in desks:
            d.proxy.set_upstream("127.0.0.1", backend.port)
            d.proxy.set_mode("pass")
            if not d.alive():
                d.start()
        all_codes = {c for d in desks for c in d.codes}

        def drained() -> bool:
            engines_alive()   # an engine gone during the drain fails at once, with its log
            return all(outbox_states(d.data) == {"done": len(d.codes)} and local_codes(d.data) >= all_codes
                       and set(outbox_states(d.data, incoming=True)) <= {"done"} for d in desks)
        ok = wait_until(drained, 90 if not full_run else 300, interval=0.25)
        states = {d.no: outbox_states(d.data) for d in desks}
        assert ok, f"not drained: {states}; logs: {[d.log.read_text()[-1500:] for d in desks]}"
        for d in desks:
            assert d.terminate() == 0, f"engine {d.no} did not stop cleanly on SIGTERM"
    finally:
        for d in desks:
            d.kill9()
            d.proxy.stop()
        export = backend.export() if backend.proc is not None else None
        backend.stop()
    if export is None:
        backend.start(port=backend.port)
        export = backend.export()
        backend.stop()

    # ---- invariants ----------------------------------------------------------------------------
    created = [c for d in desks for c in d.codes]
    server = [r for r in export["records"] if r["unit_code"] == UNIT]
    per_code = collections.Counter(r["MaHoSo"] for r in server)
    dup = [c for c, n in per_code.items() if n > 1]
    lost = set(created) - set(per_code)
    extra = set(per_code) - set(created)
    assert not lost, f"lost: {sorted(lost)}"
    assert not dup, f"duplicated: {dup}"
    assert not extra, f"unknown on the server: {sorted(extra)}"
    assert len(server) == len(created) == len(set(created))
    assert export["ok"], "the server's export found an attachment that does not hash to its name"
    n_att = 0
    server_files = {(r["MaHoSo"], a["TepDinhKemId"]) for r in server for a in r["attachments"]}
    for d in desks:
        with Store.open(d.data) as store:
            local = {(r["code"], r["sha256"]) for r in store.conn.execute(
                "SELECT d.code, a.sha256 FROM attachments a JOIN dossiers d ON d.id = a.dossier_id WHERE a.kind = 'scan'")}
            for code, sha in local:
                assert store.blobs.verify(sha)
                rec = next(r for r in server if r["MaHoSo"] == code)
                on_server = {a["TepDinhKemId"]: a["sha256_on_disk"] for a in rec["attachments"]}
                assert on_server.get(sha) == sha, f"{code}: attachment {sha[:12]} differs on the server"
                n_att += 1
        assert local_codes(d.data) >= set(created)
        # both desks hold every file of the unit (the other desk's through the feed), verified
        assert local == server_files, f"desk {d.no} lacks {sorted(server_files - local)[:3]}"
    elapsed = time.monotonic() - t0
    faults = collections.Counter()
    for d in desks:
        for line in d.log.read_text(errors="replace").splitlines():
            if line.startswith(("fault:", "offline:")):
                faults[line.split(":", 1)[0]] += 1
    print(f"torture ok: {len(created)} dossiers, {n_att} attachments, engine kills "
          f"{sum(d.kills for d in desks)}, actions {dict(counts)}, link cuts {sum(d.proxy.stats.cuts for d in desks)}, "
          f"bytes up {sum(d.proxy.stats.up_bytes for d in desks)}, engine faults {dict(faults)}, "
          f"chaos {chaos_s:.0f} s, total {elapsed:.0f} s")
