"""Regression (found with issue 17's 0600 files): ``Store.open`` must never open and close an
existing database file itself. Closing any descriptor of a file drops every POSIX lock the
process holds on it — SQLite's included — so a second process that opened and closed the store
(a poller, the GUI next to the sync worker) — or a second ``Store.open`` inside the writer's
own process — believed it was the last connection and reset the
WAL under the writer: the writer's committed transactions vanished."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from offline_store import Store

WRITER = r"""
import sys
from pathlib import Path
from offline_store import Store, repo
first = Store.open(Path(sys.argv[1]))   # as the CLI holds the desk open ...
s = Store.open(Path(sys.argv[1]))       # ... while the sync engine opens its own connection
n = int(sys.argv[2])
print("ready", flush=True)
for i in range(n):
    with s.transaction() as conn:
        repo.set_sync_state(conn, f"k{i}", str(i))
    if i % 25 == 0:
        print(i, flush=True)       # the test opens and closes the store meanwhile
        sys.stdin.readline()
print("done", flush=True)
sys.stdin.readline()               # stay connected until the test has counted
"""


def test_a_second_process_opening_the_store_loses_none_of_the_writers_commits(tmp_path: Path) -> None:
    data = tmp_path / "desk"
    Store.open(data).close()
    n = 200
    w = subprocess.Popen([sys.executable, "-c", WRITER, str(data), str(n)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        assert w.stdout.readline().strip() == "ready"
        while (line := w.stdout.readline().strip()) != "done":
            assert line.isdigit(), line
            for _ in range(3):                       # what a poller does
                with Store.open(data) as s:
                    s.conn.execute("SELECT count(*) FROM sync_state").fetchone()
            w.stdin.write("\n")
            w.stdin.flush()
        with Store.open(data) as s:                  # the writer is still connected
            got = s.conn.execute("SELECT count(*) FROM sync_state WHERE key LIKE 'k%'"
                                 ).fetchone()[0]
        assert got == n, f"{n - got} committed transactions of the writer were lost"
    finally:
        w.stdin.write("\n")
        w.stdin.flush()
        w.wait(timeout=30)
    with Store.open(data) as s:
        assert s.conn.execute("SELECT count(*) FROM sync_state WHERE key LIKE 'k%'").fetchone()[0] == n
