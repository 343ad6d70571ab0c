"""kill -9 while dossiers are being received: no dossier without its event, audit row and
outbox item; every attachment row names a complete blob; the store verifies."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from desk_app.services import open_desk
from desk_app.services.admin import verify as verify_svc
from offline_store import repo

LOOP = r"""
import os, sys
from desk_app.services import open_desk, intake
from tests.services.deskutil import request
ctx = open_desk(sys.argv[1])
scan = os.path.join(sys.argv[1], "scan-%d.pdf" % os.getpid())
i = 0
while True:
    with open(scan, "wb") as f:
        f.write(b"%PDF-1.4\n" + os.urandom(200_000) + i.to_bytes(4, "big"))
    d = intake.receive(ctx, request(person=i % 4, attachments=[(scan, 1)]))
    print(d.code, flush=True)
    i += 1
"""


def test_kill_minus_9_during_intake_leaves_a_consistent_store(desk_dir: Path,
                                                              full_run: bool) -> None:
    root = Path(__file__).resolve().parents[2]
    rounds = 25 if full_run else 3
    rng = random.Random(1)
    confirmed: list[str] = []
    for _ in range(rounds):
        p = subprocess.Popen([sys.executable, "-c", LOOP, str(desk_dir)], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(rng.randint(2, 8)):          # kill after a random number of commits
            line = p.stdout.readline().strip()
            assert line, p.stderr.read()[-2000:]
            confirmed.append(line)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        p.stdout.close()
        p.stderr.close()
    with open_desk(desk_dir) as ctx:
        rep = verify_svc.run(ctx)
        assert rep.ok, rep.checks
        conn = ctx.store.conn
        codes = {r[0] for r in conn.execute("SELECT code FROM dossiers")}
        assert set(confirmed) <= codes                 # every "saved" dossier survived
        orphans = conn.execute(
            "SELECT count(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM outbox o"
            " WHERE o.dossier_id = d.id) OR NOT EXISTS (SELECT 1 FROM dossier_events e"
            " WHERE e.dossier_id = d.id)").fetchone()[0]
        assert orphans == 0
        assert len(codes) == repo.count_dossiers(conn)
