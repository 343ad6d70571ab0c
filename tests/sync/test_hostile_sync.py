"""The desk against a server that crashes inside the upload path (between "all bytes received" and
"filed"): the next ``desk-app sync --once`` finishes the file, never re-sends it, loses nothing."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.sync.harness import PASSWORD_ENV, Backend, env, make_desk, outbox_states, receive


def run_sync(desk_app_cmd: list[str], data: Path, url: str, user: str) -> subprocess.CompletedProcess:
    return subprocess.run([*desk_app_cmd, "sync", "--data-dir", str(data), "--server", url, "--once", "--json",
                           "--server-user", user, "--server-password-env", PASSWORD_ENV],
                          capture_output=True, text=True, timeout=180, env=env())


@pytest.mark.parametrize("repair", ["server", "client"])
def test_crash_after_all_bytes_is_finished_by_the_next_sync_once(tmp_path: Path, desk_app_cmd, repair) -> None:
    """``server``: the restarted server files it (sweep / HEAD). ``client``: a server that only
    files on the final empty PATCH (REFBACK_LAZY_FINISH) — the desk sends it instead of failing."""
    unit = "000.77.32.H48"
    b = Backend(tmp_path / "srv")
    b.extra_env = {"REFBACK_CRASH_AT": "all_bytes"}
    b.start()
    try:
        user = "u-crash-d1"
        b.add_desk(user, 1, unit=unit)
        data = tmp_path / "desk1"
        make_desk(data, 1, unit=unit)
        receive(data, 1, attachment_sizes=[300_000])
        first = run_sync(desk_app_cmd, data, b.url, user)
        assert first.returncode != 0, "the server died under it: not everything was delivered"
        assert b.proc is not None and b.proc.wait(20) != 0
        assert "done" not in outbox_states(data)
        b.extra_env = {"REFBACK_LAZY_FINISH": "1"} if repair == "client" else {}
        b.start(port=b.port)
        second = run_sync(desk_app_cmd, data, b.url, user)
        assert second.returncode == 0, second.stderr[-2000:]
        report = json.loads(second.stdout.splitlines()[-1])
        assert report["event"] == "report" and report["acked"] == 1
        assert outbox_states(data) == {"done": 1}
        export = b.export()
        assert export["ok"] is True
        blobs = export.get("blobs") or []
        assert len(blobs) == 1 and blobs[0]["size"] == 300_000
    finally:
        b.stop()


def test_adaptive_chunks_shrink_on_cuts_grow_on_clean_chunks_and_are_remembered(unit) -> None:
    """Through the chaos proxy: a cut every ~300 KB shrinks the chunk (remembered per server in
    sync_state), the file still arrives whole, and clean chunks grow it again (bounded)."""
    from desk_app.services import sync_control
    from desk_app.sync.api import Credentials
    from desk_app.sync.tus import MAX_CHUNK, MIN_CHUNK, Uploader
    from offline_store import Store, repo
    from tests.sync.harness import PASSWORD
    from tests.support.chaos import ChaosProxy

    data, user = unit.desk(1)
    size = 3 * 1024 * 1024
    receive(data, 1, seed=5, attachment_sizes=[size])
    proxy = ChaosProxy(("127.0.0.1", unit.backend.port), seed=3).start()
    key = f"tus_chunk_size:{proxy.url}"
    sizes = []
    try:
        for _ in range(60):
            proxy.set_mode("cut", after_bytes=300_000)
            rep = sync_control.sync_once(data, proxy.url, Credentials(user, PASSWORD), pull_feed=False,
                                         chunk_size=2 * 1024 * 1024, adaptive_chunks=True)
            with Store.open(data) as store:
                state = repo.get_sync_state(store.conn, key, "0") or "0"
                sizes.append(int(state.split(":")[0]))
            if rep.acked == 1:
                break
        assert rep.acked == 1 and outbox_states(data) == {"done": 1}
    finally:
        proxy.stop()
    assert MIN_CHUNK <= min(sizes) <= 300_000 // 2, sizes
    # the link's typical run between cuts is remembered with the size: about the 300 KB cut
    chunk, _, run = state.partition(":")
    assert 64 * 1024 <= int(run) <= 1_000_000, state
    # pure arithmetic: growth after clean chunks, bounded above
    up = Uploader(api=None, chunk_size=64 * 1024, adaptive=True)  # type: ignore[arg-type]
    for _ in range(60):
        up._clean(up.chunk_size)
    assert up.chunk_size == MAX_CHUNK
    up._cut(5 * MAX_CHUNK)  # a cut after a long clean run: the size held, keep it
    assert up.chunk_size == MAX_CHUNK
    up._cut(100_000)        # cut 100 KB into a fresh connection: believed at once, bounded below
    assert up.chunk_size == MIN_CHUNK
    # a link that cuts every ~600 KB settles near an eighth of that and does not creep up between cuts
    for _ in range(10):
        for _ in range(6):
            up._clean(100_000)
        up._cut(0)
        assert MIN_CHUNK <= up.chunk_size <= 128 * 1024, up.chunk_size
    # the link got better: a clean run longer than the typical one grows the chunk with it
    for _ in range(400):
        up._clean(up.chunk_size)
    assert up.chunk_size == MAX_CHUNK
    # remembered between runs: a new uploader restored from the state starts where this one ended
    again = Uploader(api=None, chunk_size=2 * 1024 * 1024, adaptive=True)  # type: ignore[arg-type]
    again.restore(up.state())
    assert (again.chunk_size, again.run) == (up.chunk_size, float(int(up.run)))
