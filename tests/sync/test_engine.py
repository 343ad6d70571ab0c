"""The engine against the real reference back end on 127.0.0.1 (SQLite)."""
from __future__ import annotations

import asyncio
import json
import subprocess
import threading

import pytest

from desk_app.services import open_desk, sync_control
from desk_app.sync import deferred
from desk_app.sync.api import Api, Credentials
from desk_app.sync.engine import EngineConfig, SyncEngine
from offline_store import Store, outbox
from tests.support.chaos import ChaosProxy
from tests.sync.harness import PASSWORD, local_codes, outbox_states, receive, running_engine, wait_for


def creds(user: str) -> Credentials:
    return Credentials(user, PASSWORD)


def server_codes(backend, unit_code: str) -> list[str]:
    return [r["MaHoSo"] for r in backend.export()["records"] if r["unit_code"] == unit_code]


def test_dossiers_with_attachments_reach_the_server_once(unit) -> None:
    data, user = unit.desk(1)
    codes = receive(data, 6, attachment_sizes=[700_000, 1_500_000])
    rep = sync_control.sync_once(data, unit.backend.url, creds(user), chunk_size=512 * 1024)
    assert rep.acked == 6 and rep.online
    assert outbox_states(data) == {"done": 6}
    # a second run sends nothing again
    rep2 = sync_control.sync_once(data, unit.backend.url, creds(user))
    assert rep2.sent == 0
    exp = unit.backend.export()
    mine = [r for r in exp["records"] if r["unit_code"] == unit.code]
    assert sorted(r["MaHoSo"] for r in mine) == sorted(codes)
    assert all(a["ok"] for r in mine for a in r["attachments"])
    with Store.open(data) as store:
        row = store.conn.execute("SELECT sync_state, server_receipt_no FROM dossiers WHERE code = ?",
                                 (codes[0],)).fetchone()
        assert row["sync_state"] == "synced" and row["server_receipt_no"]


def test_feed_brings_the_other_desks_dossiers(unit) -> None:
    d1, u1 = unit.desk(1)
    d2, u2 = unit.desk(2)
    c1 = receive(d1, 4, seed=1)
    c2 = receive(d2, 3, seed=2)
    sync_control.sync_once(d1, unit.backend.url, creds(u1))
    sync_control.sync_once(d2, unit.backend.url, creds(u2))
    rep = sync_control.sync_once(d1, unit.backend.url, creds(u1))
    assert rep.feed_applied == 3
    assert local_codes(d1) == local_codes(d2) == set(c1) | set(c2)
    with Store.open(d1) as store:
        origins = {r["code"]: r["origin"] for r in store.conn.execute("SELECT code, origin FROM dossiers")}
    assert {origins[c] for c in c2} == {"feed"} and {origins[c] for c in c1} == {"local"}


def test_feed_brings_the_other_desks_files_verified(unit) -> None:
    """Desk 2 ends up holding desk 1's scans: fetched after the record, SHA-256 checked, and the
    downloads never count as "waiting to send"."""
    d1, u1 = unit.desk(1)
    d2, u2 = unit.desk(2)
    codes = receive(d1, 3, seed=5, attachment_sizes=[300_000, 1_200_000])
    sync_control.sync_once(d1, unit.backend.url, creds(u1))
    rep = sync_control.sync_once(d2, unit.backend.url, creds(u2))
    assert rep.feed_applied == 3
    with Store.open(d1) as s1:
        want = {r["sha256"]: r["size"] for r in s1.conn.execute(
            "SELECT a.sha256, a.size FROM attachments a JOIN dossiers d ON d.id = a.dossier_id"
            " WHERE a.kind = 'scan'")}
    assert len(want) == 2

    def files_of_desk2() -> dict:
        with Store.open(d2) as s2:
            rows = s2.conn.execute("SELECT a.sha256, a.size, d.code FROM attachments a"
                                   " JOIN dossiers d ON d.id = a.dossier_id").fetchall()
            return {r["sha256"]: r["size"] for r in rows if s2.blobs.verify(r["sha256"])}

    # the first run applied the feed and queued the downloads; the next one fetches them
    for _ in range(3):
        if files_of_desk2() == want:
            break
        sync_control.sync_once(d2, unit.backend.url, creds(u2))
    assert files_of_desk2() == want
    ctx = open_desk(d2, create=False)
    try:
        summary = sync_control.summary(ctx)
        assert summary.pending == 0
        from desk_app.services.admin import verify as verify_svc
        assert verify_svc.run(ctx).ok
    finally:
        ctx.close()
    assert set(codes) <= local_codes(d2)
    # a replayed feed page queues nothing new
    with Store.open(d2) as s2:
        n = s2.conn.execute("SELECT count(*) FROM outbox WHERE kind = 'deferred.fetch_attachment'").fetchone()[0]
    assert n == 2


def test_processing_side_change_arrives_by_feed(unit) -> None:
    d1, u1 = unit.desk(1)
    code = receive(d1, 1)[0]
    sync_control.sync_once(d1, unit.backend.url, creds(u1))
    out = subprocess.run(unit.backend._args("set-status") + ["--code", code, "--status", "4", "--unit", unit.code],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    sync_control.sync_once(d1, unit.backend.url, creds(u1))
    with Store.open(d1) as store:
        row = store.conn.execute("SELECT status, version FROM dossiers WHERE code = ?", (code,)).fetchone()
    assert (row["status"], row["version"]) == ("in_process", 2)


def test_one_poison_record_among_a_hundred_good_ones(unit) -> None:
    data, user = unit.desk(1)
    codes = receive(data, 101)
    with Store.open(data) as store:  # make one item belong to another unit: the server must refuse it
        item = outbox.items(store)[50]
        payload = dict(item.payload, DonViXuLy="000.99.32.H48")
        store.conn.execute("UPDATE outbox SET payload_json = ? WHERE id = ?",
                           (json.dumps(payload, ensure_ascii=False), item.id))
    rep = sync_control.sync_once(data, unit.backend.url, creds(user))
    assert rep.acked == 100 and rep.needs_attention == 1
    assert len(server_codes(unit.backend, unit.code)) == 100
    with open_desk(data, create=False) as ctx:
        rows = sync_control.queue(ctx)
    assert len(rows) == 1 and rows[0].code == codes[50]
    assert rows[0].state == "needs_attention" and rows[0].state_vi == "Cần xử lý"
    assert "từ chối" in rows[0].reason_vi and rows[0].reason_code == "rejected"
    # the dossier itself shows the reason too
    with Store.open(data) as store:
        row = store.conn.execute("SELECT sync_state, sync_error FROM dossiers WHERE code = ?", (codes[50],)).fetchone()
    assert row["sync_state"] == "needs_attention" and "từ chối" in row["sync_error"]


def test_version_conflict_needs_attention_and_never_overwrites(unit) -> None:
    from desk_app.services import dossiers

    data, user = unit.desk(1)
    code = receive(data, 1)[0]
    sync_control.sync_once(data, unit.backend.url, creds(user), pull_feed=False)
    subprocess.run(unit.backend._args("set-status") + ["--code", code, "--status", "4", "--unit", unit.code],
                   check=True, capture_output=True, timeout=60)
    with open_desk(data, create=False) as ctx:   # the desk changes its stale copy meanwhile
        dossiers.transition(ctx, code, "in_process", "clerk", "Cán bộ thử")
    rep = sync_control.sync_once(data, unit.backend.url, creds(user), pull_feed=False)
    assert rep.needs_attention == 1
    with open_desk(data, create=False) as ctx:
        rows = sync_control.queue(ctx)
    assert rows[0].reason_code == "conflict" and "Xung đột phiên bản" in rows[0].reason_vi
    server = [r for r in unit.backend.export()["records"] if r["MaHoSo"] == code][0]
    assert server["version"] == 2  # the processing side's change, not overwritten


def test_lane_independence_small_record_passes_a_big_upload(unit) -> None:
    data, user = unit.desk(1)
    big = receive(data, 1, seed=5, attachment_sizes=[8 * 1024 * 1024])[0]
    proxy = ChaosProxy(("127.0.0.1", unit.backend.port), seed=1).start()
    proxy.set_mode("delay", delay=0.04, jitter=0.0)   # ~5 s for 8 MiB, a few ms for a record
    config = EngineConfig(data, proxy.url, creds(user), chunk_size=1024 * 1024, idle_poll=0.1)
    try:
        with running_engine(config):
            wait_for(lambda: proxy.stats.up_bytes > 1_000_000, 30, "the big upload to start")
            small = receive(data, 1, seed=6)[0]
            wait_for(lambda: small in server_codes(unit.backend, unit.code), 30, "the small record")
            with Store.open(data) as store:
                big_state = store.conn.execute("SELECT sync_state FROM dossiers WHERE code = ?",
                                               (big,)).fetchone()[0]
            assert big_state != "synced", "the small record should not have waited for the 8 MiB scan"
            wait_for(lambda: outbox_states(data) == {"done": 2}, 60, "the big upload to finish")
    finally:
        proxy.stop()


def test_cut_link_resumes_from_the_offset(unit) -> None:
    data, user = unit.desk(1)
    size = 6 * 1024 * 1024
    chunk = 1024 * 1024
    receive(data, 1, seed=7, attachment_sizes=[size])
    proxy = ChaosProxy(("127.0.0.1", unit.backend.port), seed=2).start()
    try:
        proxy.set_mode("cut", after_bytes=3_700_000)
        # fixed chunks: the bound below is "one chunk" (adaptive sizing has its own test)
        rep1 = sync_control.sync_once(data, proxy.url, creds(user), chunk_size=chunk, pull_feed=False,
                                      adaptive_chunks=False)
        assert not rep1.online and rep1.faults[-1]["code"] in ("network", "stalled")
        assert outbox_states(data) == {"queued": 1}
        rep2 = sync_control.sync_once(data, proxy.url, creds(user), chunk_size=chunk, pull_feed=False,
                                      adaptive_chunks=False)
        assert rep2.acked == 1
        body_bytes = rep1.uploaded_bytes + rep2.uploaded_bytes
        # what crossed: the file once, plus at most the one chunk the cut interrupted
        assert size <= rep2.uploaded_bytes + 3 * chunk
        assert proxy.stats.up_bytes - size <= chunk + 200_000, (proxy.stats.up_bytes, body_bytes)
    finally:
        proxy.stop()


def test_blackhole_is_detected_and_nothing_is_lost(unit) -> None:
    data, user = unit.desk(1)
    receive(data, 3)
    proxy = ChaosProxy(("127.0.0.1", unit.backend.port), seed=3).start()
    try:
        proxy.set_mode("blackhole")
        rep = sync_control.sync_once(data, proxy.url, creds(user), io_timeout=1.0, connect_timeout=1.0)
        assert not rep.online and rep.faults[0]["code"] in ("network", "stalled")
        assert outbox_states(data) == {"queued": 3}
        proxy.set_mode("pass")
        rep = sync_control.sync_once(data, proxy.url, creds(user))
        assert rep.acked == 3
    finally:
        proxy.stop()


def test_link_back_wakes_waiting_items_within_seconds(unit) -> None:
    """Long-running engine, link refused then restored: delivery resumes via the probe, fast."""
    data, user = unit.desk(1)
    receive(data, 2, seed=11)
    proxy = ChaosProxy(("127.0.0.1", unit.backend.port), seed=4).start()
    proxy.set_mode("refuse")
    events: list[dict] = []
    config = EngineConfig(data, proxy.url, creds(user), idle_poll=0.1, probe_max=2.0)
    try:
        with running_engine(config, on_event=events.append):
            wait_for(lambda: any(e["event"] == "offline" for e in events), 20, "the engine to notice")
            import time
            t0 = time.monotonic()
            proxy.set_mode("pass")
            wait_for(lambda: outbox_states(data) == {"done": 2}, 15, "delivery after the link came back")
            assert time.monotonic() - t0 < 15
            # a lane already past its online check may deliver before the probe reports: wait
            wait_for(lambda: any(e["event"] == "online" for e in events), 10, "the probe to report online")
    finally:
        proxy.stop()


def test_deferred_lane_runs_registered_handlers(unit) -> None:
    data, user = unit.desk(1)
    calls: list[dict] = []

    async def ok(item, ctx) -> None:
        calls.append(item.payload)

    async def broken(item, ctx) -> None:
        raise deferred.DeferredError("không làm được", retryable=False)

    deferred.register("deferred.test_ok", ok)
    deferred.register("deferred.test_broken", broken)
    try:
        with Store.open(data) as store, store.transaction() as conn:
            outbox.enqueue(conn, kind="deferred.test_ok", lane="deferred", payload={"n": 1})
            outbox.enqueue(conn, kind="deferred.test_broken", lane="deferred", payload={"n": 2})
            outbox.enqueue(conn, kind="deferred.unknown", lane="deferred", payload={"n": 3})
        rep = sync_control.sync_once(data, unit.backend.url, creds(user))
    finally:
        deferred.unregister("deferred.test_ok")
        deferred.unregister("deferred.test_broken")
    assert calls == [{"n": 1}]
    assert rep.acked == 1 and rep.needs_attention == 2
    with open_desk(data, create=False) as ctx:
        codes = sorted(r.reason_code for r in sync_control.queue(ctx))
    assert codes == ["deferred_failed", "unknown_kind"]


def test_expired_token_is_refreshed_transparently(unit) -> None:
    data, user = unit.desk(1)

    async def main() -> int:
        api = Api(unit.backend.url, creds(user))
        try:
            await api.login()
            api._access = "expired-or-forged"   # as if the token had expired server-side
            r = await api.request("GET", "/api/v1/feed?cursor=0&limit=1")
            return r.status
        finally:
            await api.aclose()
    assert asyncio.run(main()) == 200


def test_wrong_password_is_a_clear_fault_and_items_stay(unit) -> None:
    data, user = unit.desk(1)
    receive(data, 2)
    rep = sync_control.sync_once(data, unit.backend.url, Credentials(user, "sai-mat-khau"))
    assert not rep.online and rep.faults[0]["code"] == "auth"
    assert "mật khẩu" in rep.faults[0]["vi"]
    assert outbox_states(data) == {"queued": 2}


def test_a_second_engine_on_the_same_desk_is_refused(unit) -> None:
    from desk_app.sync.engine import SyncLockBusy

    data, user = unit.desk(1)

    async def main() -> None:
        a = SyncEngine(EngineConfig(data, unit.backend.url, creds(user)))
        b = SyncEngine(EngineConfig(data, unit.backend.url, creds(user)))
        await a.start()
        try:
            with pytest.raises(SyncLockBusy):
                await b.start()
        finally:
            await a.close()
            await b.api.aclose()
    asyncio.run(main())


def test_attachment_larger_than_the_answer_cap_is_recognised_on_the_server(unit) -> None:
    """HEAD /blobs/{sha} carries the blob's Content-Length; it must not trip the body size cap."""
    data, user = unit.desk(1)
    receive(data, 1, attachment_sizes=[3 * 1024 * 1024])
    rep = sync_control.sync_once(data, unit.backend.url, creds(user), max_body=1024 * 1024)
    assert rep.acked == 1, rep.faults
    d2, u2 = unit.desk(2)      # same file on another desk of the unit: crosses the link zero times
    with Store.open(data) as store:
        sha = store.conn.execute("SELECT sha256 FROM attachments").fetchone()[0]
        plain = store.blobs.read_bytes(sha)        # plaintext, encrypted store or not
    receive_same = d2 / "same.pdf"
    receive_same.write_bytes(plain)
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services.catalog import get_procedure
    from desk_app.services.intake import IntakeRequest, receive as intake_receive
    from datetime import date
    with open_desk(d2, create=False) as ctx:
        proc = get_procedure(ctx, "1.001193")
        comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
                 for c in proc.components]
        intake_receive(ctx, IntakeRequest(procedure_code="1.001193", components=comps,
                                          applicant=Applicant("001090123456", "Trần Văn Hai", birth_date=date(1990, 1, 1), sex="Nam"),
                                          attachments=[(receive_same, comps[0].seq)], clerk="Cán bộ thử"))
    rep2 = sync_control.sync_once(d2, unit.backend.url, creds(u2), max_body=1024 * 1024)
    # the server already holds a verified copy: the record is accepted at once, no byte uploaded
    assert rep2.acked == 1 and rep2.uploaded_bytes == 0 and rep2.sent == 1


def test_stall_watchdog_aborts_an_upload_that_stops_moving(unit) -> None:
    """A link that accepts bytes and then goes silent mid-PATCH: the watchdog, not a 20 s socket
    timeout, gives the item back (still queued, reason "stalled")."""
    import time

    data, user = unit.desk(1)
    receive(data, 1, attachment_sizes=[12 * 1024 * 1024])
    proxy = ChaosProxy(("127.0.0.1", unit.backend.port), seed=5).start()
    proxy.set_mode("delay", delay=0.03)
    result: list = []
    t = threading.Thread(target=lambda: result.append(sync_control.sync_once(
        data, proxy.url, creds(user), stall_seconds=1.5, io_timeout=60, pull_feed=False)))
    try:
        t.start()
        wait_for(lambda: proxy.stats.up_bytes > 1_000_000, 30, "the upload to start")
        t0 = time.monotonic()
        proxy.set_mode("blackhole")
        t.join(30)
        assert not t.is_alive()
        assert time.monotonic() - t0 < 15
    finally:
        proxy.stop()
    rep = result[0]
    assert rep.faults[-1]["code"] == "stalled" and not rep.online
    assert outbox_states(data) == {"queued": 1}


def test_summary_and_diagnostics_tell_the_clerk_what_waits(unit) -> None:
    data, user = unit.desk(1)
    receive(data, 3, attachment_sizes=[500_000, 250_000])
    with open_desk(data, create=False) as ctx:
        s = sync_control.summary(ctx)
        assert (s.pending, s.bytes, s.last_sync) == (3, 750_000, None)
        assert s.eta_minutes > 0 and s.badge().startswith("3 hồ sơ chờ gửi · 0.8 MB · ~")
        rows = sync_control.queue(ctx)
        assert [r.state_vi for r in rows] == ["Chờ gửi"] * 3
    sync_control.sync_once(data, unit.backend.url, creds(user))
    with open_desk(data, create=False) as ctx:
        s = sync_control.summary(ctx)
        assert (s.pending, s.bytes) == (0, 0) and s.last_sync is not None
        diag = sync_control.diagnostics(ctx)
    text = json.dumps(diag, ensure_ascii=False)
    assert diag["summary"]["pending"] == 0 and diag["unit_code"] == unit.code
    assert "Nguyễn Văn Thử" not in text   # no personal data in what support receives


def test_items_leased_by_a_killed_engine_are_taken_back_at_once(unit) -> None:
    """kill -9 leaves items 'sending' under a long lease; the next engine (holding the desk's sync
    lock, so the old one is surely dead) requeues them at start instead of waiting an hour."""
    data, user = unit.desk(1)
    receive(data, 4)
    with Store.open(data) as store:
        taken = outbox.lease(store, lane="record", owner="dead-engine", limit=10, lease_seconds=3600)
        assert len(taken) == 4
        outbox.mark_awaiting(store, taken[0].id, "dead-engine")
    rep = sync_control.sync_once(data, unit.backend.url, creds(user))
    assert rep.acked == 4 and outbox_states(data) == {"done": 4}


def test_missing_credentials_never_poison_the_queue(unit) -> None:
    data, _ = unit.desk(1)
    receive(data, 2)
    rep = sync_control.sync_once(data, unit.backend.url, None)
    assert rep.faults[0]["code"] == "no_credentials" and rep.needs_attention == 0 and not rep.online
    assert "desk-app login" in rep.faults[0]["vi"]
    assert outbox_states(data) == {"queued": 2}


def test_an_update_waits_for_its_create(unit) -> None:
    """create (with a scan, so it goes the long way) then update of the same dossier, queued
    together: the server must see them in order, and both arrive."""
    from desk_app.services import dossiers

    data, user = unit.desk(1)
    code = receive(data, 1, attachment_sizes=[2_000_000])[0]
    with open_desk(data, create=False) as ctx:
        dossiers.transition(ctx, code, "in_process", "clerk", "Cán bộ thử")
    proxy = ChaosProxy(("127.0.0.1", unit.backend.port), seed=8).start()
    proxy.set_mode("delay", delay=0.02)
    try:
        with running_engine(EngineConfig(data, proxy.url, creds(user), idle_poll=0.1)):
            wait_for(lambda: outbox_states(data) == {"done": 2}, 60, "create then update")
    finally:
        proxy.stop()
    server = [r for r in unit.backend.export()["records"] if r["MaHoSo"] == code][0]
    assert server["version"] == 2 and server["record"]["status"] == "in_process"
