"""The sync engine: relays the outbox to the province and pulls the unit feed back.

Shape (one asyncio loop, no Qt, no threads except the store's single worker):
- lane ``record``: leases up to ``batch_size`` small items and pushes them in one
  ``records:batch`` request; never waits behind a scan, because
- lane ``bulk`` runs in its own task, one item at a time: attachments first (tus, resumable,
  verified), then the record;
- lane ``deferred``: registered handlers (``desk_app.sync.deferred``);
- the feed: pulled in the same loop, cursor kept in ``sync_state``;
- a probe: when the link fails, every lane parks on the ``online`` event and the probe retries a
  cheap request quickly (0.5 s doubling to 5 s); the first success wakes everything at once.

Every store call runs on one worker thread (SQLite's blocking calls must not stall the loop:
a GUI shares it). Items are held by leases (renewed while bytes move), never by timers; a killed
engine leaves leases that lapse, and the next engine of the same desk (it holds the desk's sync
lock) takes them back at once.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import json
import logging
import os
import random
import socket
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from desk_app.sync import deferred, feed_files, reasons  # noqa: F401 (registers the file fetcher)
from desk_app.sync import sign_upgrade as _sign_upgrade  # noqa: F401 (registers deferred.sign_upgrade, deferred.certbook)
from desk_app.sync import events as ev
from desk_app.sync.api import (ACCOUNT_ROW_SCHEMA, ACCOUNTS_SCHEMA, API, BATCH_SCHEMA, FEED_SCHEMA, Api,
                               Credentials, schema_problem, validate)
from desk_app.sync.backoff import next_delay
from desk_app.sync import GOODPUT_KEY, LAST_SYNC_KEY  # noqa: F401 (re-exported)
from desk_app.sync.feed import apply_page, check_page, get_cursor
from desk_app.sync.lock import DeskSyncLock, SyncLockBusy
from desk_app.sync.wire import to_wire
from desk_app.sync.tus import DEFAULT_CHUNK, Attachment, Uploader
from offline_store import outbox, repo
from offline_store.clock import iso_utc

log = logging.getLogger(__name__)
BATCH_BYTES = 900 * 1024          # the server takes <= 1 MiB per batch; keep a margin


@dataclass
class EngineConfig:
    data_dir: Path
    server: str
    credentials: Credentials | None
    verify: bool | str = True                 # TLS: True, False (tests only) or a CA bundle path
    lease_seconds: float = 30.0
    chunk_size: int = DEFAULT_CHUNK           # the first chunk size (adaptive: until one is remembered)
    adaptive_chunks: bool = True              # size chunks to the link, remembered per server (tus.Uploader)
    batch_size: int = 100
    stall_seconds: float = 20.0
    idle_poll: float = 1.0                    # how often an idle lane looks for newly ready items
    feed_interval: float = 5.0
    feed_limit: int = 500
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    probe_min: float = 0.5
    probe_max: float = 5.0
    max_body: int = 8 * 1024 * 1024
    connect_timeout: float = 5.0
    io_timeout: float = 20.0
    pull_feed: bool = True
    pull_accounts: bool = True                # staff accounts from the province (GET /accounts)
    accounts_interval: float = 600.0          # how often a long run asks again (If-None-Match)
    seed: int | None = None


@dataclass
class SyncReport:
    """What one run did, for the CLI's --json and the GUI's status line."""

    sent: int = 0
    acked: int = 0
    retried: int = 0
    needs_attention: int = 0
    uploaded_bytes: int = 0          # PATCH body bytes handed to the socket, failed tries included
    skipped_uploads: int = 0
    feed_applied: int = 0
    accounts_applied: int = 0
    faults: list[dict] = field(default_factory=list)
    online: bool = True
    started_at: str = field(default_factory=iso_utc)
    finished_at: str = ""
    # items this run tried and did not deliver (by outbox id): what, why, and what happens next
    undelivered: dict = field(default_factory=dict)
    feed_stopped: dict | None = None  # the feed lane refused an answer it cannot trust

    @property
    def complete(self) -> bool:
        """Everything tried was delivered, the feed was taken, the link held (``sync --once``: 0)."""
        return self.online and not self.undelivered and self.feed_stopped is None

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["undelivered"] = list(self.undelivered.values())
        out["complete"] = self.complete
        return out


class _Db:
    """All store access on one worker thread, opened in that thread."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._ex = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-db")
        self.store: Any = None

    async def open(self) -> None:
        from offline_store import Store

        self.store = await self.run(lambda: Store.open(self.data_dir))

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._ex, functools.partial(fn, *args, **kwargs))

    async def close(self) -> None:
        if self.store is not None:
            await self.run(self.store.close)
            self.store = None
        self._ex.shutdown(wait=True)


class SyncEngine:
    """Relays one desk's outbox; use :meth:`run_once` (drain then return) or :meth:`run` (forever)."""

    def __init__(self, config: EngineConfig, *, api: Api | None = None,
                 on_event: Callable[[dict], Any] | None = None,
                 on_typed_event: Callable[[ev.SyncEvent], Any] | None = None) -> None:
        """``on_event`` gets each event as its published dict (``SyncEvent.to_dict()``: the
        ``sync --json`` line, the GUI's Signal(dict)); ``on_typed_event`` gets the
        :mod:`desk_app.sync.events` object itself. Either, both or neither."""
        self.cfg = config
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.api = api or Api(config.server, config.credentials, verify=config.verify,
                              max_body=config.max_body, connect_timeout=config.connect_timeout,
                              io_timeout=config.io_timeout)
        self.uploader = Uploader(self.api, chunk_size=config.chunk_size, stall_seconds=config.stall_seconds,
                                 adaptive=config.adaptive_chunks)
        self._chunk_key = f"tus_chunk_size:{config.server.rstrip('/')}"
        self._chunk_loaded = False
        self.db = _Db(Path(config.data_dir))
        self.rng = random.Random(config.seed)
        self.on_event = on_event
        self.on_typed_event = on_typed_event
        self.report = SyncReport()
        self.last_fault: reasons.SyncFault | None = None
        self._online = asyncio.Event()
        self._online.set()
        self._kick = asyncio.Event()
        self._stop = asyncio.Event()
        self._probe_task: asyncio.Task | None = None
        self._lock = DeskSyncLock(Path(config.data_dir))
        self._accounts_due = 0.0            # monotonic time of the next accounts refresh
        self._accounts_offered = True       # False once the server said it has no /accounts
        self._verified: set[str] = set()
        self._held: dict[int, Any] = {}
        self._once = False
        self._handoff: asyncio.Queue = asyncio.Queue()   # record-lane items that need uploads first
        self._handed: set[int] = set()
        self._record_done = asyncio.Event()

    # --- life cycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Take the desk's sync lock, open the store on the worker thread, reclaim dead leases.
        On failure everything taken so far is released (a GUI retries in the same process)."""
        self._lock.acquire()
        try:
            await self.db.open()
            await self.db.run(self._reclaim)
        except BaseException:
            await self.close()
            raise

    def _reclaim(self) -> None:
        """We hold the desk's sync lock, so every 'sending'/'awaiting' lease belongs to a dead
        engine: put those items back in the queue now instead of waiting for the lease to lapse."""
        for item in outbox.items(self.db.store, states=("sending", "awaiting")):
            outbox.requeue(self.db.store, item.id)

    async def close(self) -> None:
        if self._probe_task is not None:
            self._probe_task.cancel()
            await asyncio.gather(self._probe_task, return_exceptions=True)
        if self._held and self.db.store is not None:
            for item_id in list(self._held):
                try:
                    await self.db.run(outbox.retry_later, self.db.store, item_id, self.owner,
                                      error="", delay_seconds=0)
                except Exception:  # noqa: BLE001 - the lease lapses anyway
                    pass
            self._held.clear()
        await self.api.aclose()
        await self.db.close()
        self._lock.release()

    def stop(self) -> None:
        """Ask :meth:`run` to finish (safe from a signal handler via loop.call_soon_threadsafe)."""
        self._stop.set()
        self._kick.set()
        self._online.set()

    def kick(self) -> None:
        """Something new was queued: look now instead of at the next idle poll."""
        self._kick.set()

    async def run(self) -> SyncReport:
        """Run until :meth:`stop`. Items never give up; faults only change when they are retried."""
        self._once = False
        self._record_done.clear()
        tasks = [asyncio.create_task(self._lane("record")), asyncio.create_task(self._lane("bulk")),
                 asyncio.create_task(self._lane("deferred")), asyncio.create_task(self._keep_leases())]
        if self.cfg.pull_feed or self.cfg.pull_accounts:
            tasks.append(asyncio.create_task(self._feed_loop()))
        stop = asyncio.create_task(self._stop.wait())
        try:
            await asyncio.wait([stop, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for t in tasks:
                if t.done() and t.exception() is not None:
                    raise t.exception()  # type: ignore[misc]
        finally:
            for t in [stop, *tasks]:
                t.cancel()
            await asyncio.gather(stop, *tasks, return_exceptions=True)
        self.report.uploaded_bytes = self.uploader.meter.sent
        self.report.finished_at = iso_utc()
        return self.report

    async def run_once(self) -> SyncReport:
        """Push everything ready now, pull the feed and the accounts, return. Stops early when the
        link is down, or after the current step when :meth:`stop` is called (a cancelled job)."""
        self._once = True
        self._record_done.clear()
        keeper = asyncio.create_task(self._keep_leases())
        try:
            await asyncio.gather(self._lane("record"), self._lane("bulk"), self._lane("deferred"))
        finally:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)
        if self.cfg.pull_feed and self._online.is_set() and not self._stop.is_set():
            try:
                await self.pull_feed()
            except reasons.SyncFault as fault:
                self._note_fault(fault)
        if self.cfg.pull_accounts and self._online.is_set() and not self._stop.is_set():
            try:
                await self.pull_accounts()
            except reasons.SyncFault as fault:
                self._note_fault(fault)
        self.report.online = self._online.is_set()
        self.report.uploaded_bytes = self.uploader.meter.sent
        self.report.finished_at = iso_utc()
        return self.report

    # --- events / faults ------------------------------------------------------------------
    def _emit(self, event: ev.SyncEvent) -> None:
        calls: list[tuple[Callable[[Any], Any], Any]] = []
        if self.on_typed_event is not None:
            calls.append((self.on_typed_event, event))
        if self.on_event is not None:
            calls.append((self.on_event, event.to_dict()))
        for listener, arg in calls:
            try:
                listener(arg)
            except Exception:  # noqa: BLE001 - a broken listener must not stop the sync
                log.exception("sync event listener failed")

    def _note_fault(self, fault: reasons.SyncFault) -> None:
        self.last_fault = fault
        if len(self.report.faults) < 50:
            self.report.faults.append(fault.to_dict())
        log.warning("sync fault %s: %s", fault.code, fault.en)
        self._emit(ev.FaultEvent.of(fault))
        if fault.offline:
            self._go_offline(fault)

    def _go_offline(self, fault: reasons.SyncFault) -> None:
        if not self._online.is_set():
            return
        self._online.clear()
        self.report.online = False
        self._emit(ev.Offline(code=fault.code, vi=fault.vi, en=fault.en))
        if self._once:
            return  # a one-shot run reports the state instead of waiting for the link
        if self._probe_task is None or self._probe_task.done():
            self._probe_task = asyncio.create_task(self._probe(fault))

    async def _probe(self, fault: reasons.SyncFault) -> None:
        """Retry a cheap request until the link answers, then wake every lane at once.

        A lost link is probed fast (0.5 s doubling to ``probe_max``) so delivery resumes within
        seconds of the link coming back; a setting problem (wrong password, wrong address, bad
        certificate) is retried slowly, so a desk does not hammer the province or lock its account.
        """
        slow = {"auth", "no_credentials", "misconfigured", "tls"}
        delay = self.cfg.probe_min if fault.code not in slow else max(self.cfg.probe_max, 5.0)
        while not self._stop.is_set():
            await self._sleep(self.rng.uniform(delay / 2, delay))
            try:
                if fault.code in ("auth", "no_credentials"):
                    await self.api.login()
                else:
                    await self.api.request("OPTIONS", "/files/", auth=False, ok=(200, 204), deadline=10)
                break
            except reasons.SyncFault as again:
                fault = again
                delay = min(self.cfg.probe_max if again.code not in slow else 60.0, delay * 2)
        self._online.set()
        self.report.online = True
        self._emit(ev.Online())
        self._kick.set()

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=max(0.0, seconds))
        except asyncio.TimeoutError:
            pass

    async def _idle(self) -> None:
        self._kick.clear()
        try:
            await asyncio.wait_for(self._kick.wait(), timeout=self.cfg.idle_poll)
        except asyncio.TimeoutError:
            pass

    # --- lanes ------------------------------------------------------------------------------
    async def _lane(self, lane: str) -> None:
        """Lease and relay items of one lane until stopped (or, once, until nothing is ready).
        A store error (disk full, a lock held too long) pauses the lane; it never ends it."""
        try:
            while not self._stop.is_set():
                try:
                    if await self._lane_step(lane):
                        return
                except (asyncio.CancelledError, SyncLockBusy):
                    raise
                except Exception as exc:  # noqa: BLE001
                    log.exception("sync lane %s: store error", lane)
                    self._note_fault(reasons.storage(repr(exc)))
                    if self._once:
                        return
                    await self._sleep(2.0)
        finally:
            if lane == "record":
                self._record_done.set()
                self._kick.set()

    async def _lane_step(self, lane: str) -> bool:
        """One lease-and-relay round; True when a one-shot run has nothing more to do."""
        limit = self.cfg.batch_size if lane == "record" else 1
        if not self._online.is_set():
            if self._once:
                return True
            await self._online.wait()
            return False
        if lane == "bulk" and not self._handoff.empty():
            items = [self._handoff.get_nowait()]
        else:
            items = await self.db.run(outbox.lease, self.db.store, lane=lane, owner=self.owner,
                                      limit=limit, lease_seconds=self.cfg.lease_seconds)
            for it in items:
                self._held[it.id] = it
        if not items:
            if self._once and (lane != "bulk" or self._record_done.is_set()) and self._handoff.empty():
                return True
            await self._idle()
            return False
        await self._relay(lane, items)
        return False

    async def _relay(self, lane: str, items: list[Any]) -> None:
        cancelled = False
        try:
            if lane == "record":
                await self._push_records(items)
            elif lane == "bulk":
                await self._push_bulk(items[0])
            else:
                await self._run_deferred(items[0])
        except reasons.SyncFault as fault:
            await self._fail([i for i in items if i.id in self._held and i.id not in self._handed], fault)
        except asyncio.CancelledError:
            cancelled = True     # stopping: close() hands the held items back
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the lane; items retry
            log.exception("sync lane %s crashed on items %s", lane, [i.id for i in items])
            await self._fail([i for i in items if i.id in self._held and i.id not in self._handed],
                             reasons.server_error(0, f"internal: {exc!r}"))
        finally:
            if not cancelled:
                for it in items:
                    if it.id not in self._handed:
                        self._held.pop(it.id, None)

    async def _keep_leases(self) -> None:
        """Renew the lease of every item this engine holds (queued behind an upload, or in a
        long request), so nothing held in memory lapses and gets leased twice."""
        while True:
            await asyncio.sleep(max(0.5, self.cfg.lease_seconds / 3))
            held = list(self._held)
            if not held:
                continue

            def renew_all() -> None:
                with self.db.store.transaction():
                    for item_id in held:
                        try:
                            outbox.renew(self.db.store, item_id, self.owner, self.cfg.lease_seconds)
                        except (outbox.LeaseLost, KeyError):
                            self._held.pop(item_id, None)
            try:
                await self.db.run(renew_all)
            except Exception:  # noqa: BLE001 - retried at the next tick
                log.exception("lease renewal failed")

    async def _fail(self, items: list[Any], fault: reasons.SyncFault) -> None:
        """Put items back according to the fault: link -> ready again at once (the lane parks on
        the probe), item/server -> backoff, poison -> needs_attention."""
        self._note_fault(fault)
        for it in items:
            self._handed.discard(it.id)
            if len(self.report.undelivered) < 500 or it.id in self.report.undelivered:
                self.report.undelivered[it.id] = {
                    "item": it.id, "kind": getattr(it, "kind", None), "dossier": it.payload.get("MaHoSo"),
                    "code": fault.code, "vi": fault.vi, "en": fault.en,
                    "next": "retry" if fault.retryable else "needs_attention"}
            if it.id not in self._held:
                continue
            try:
                if not fault.retryable:
                    await self.db.run(outbox.needs_attention, self.db.store, it.id, self.owner,
                                      reason=fault.stored())
                    self.report.needs_attention += 1
                    self._emit(ev.NeedsAttention(item=it.id, dossier=it.payload.get("MaHoSo"),
                                                 code=fault.code, vi=fault.vi, en=fault.en))
                else:
                    delay = 0.0 if fault.offline else next_delay(
                        it.attempts - 1, fault.retry_after, base=self.cfg.backoff_base,
                        cap=self.cfg.backoff_cap, rng=self.rng)
                    await self.db.run(outbox.retry_later, self.db.store, it.id, self.owner,
                                      error=fault.stored(), delay_seconds=delay)
                    self.report.retried += 1
            except outbox.LeaseLost:
                pass
            self._held.pop(it.id, None)

    # --- records ----------------------------------------------------------------------------
    @staticmethod
    def _batch_item(it: Any) -> dict:
        return {"op_id": it.op_id, "kind": it.kind, "record_id": it.record_id,
                "base_version": it.base_version, "record": to_wire(it.payload)}

    async def _push_records(self, items: list[Any]) -> None:
        """Push in request-sized batches. A change waits while an older change of the same dossier
        is still pending (the server must see create before update, update n before n+1)."""
        items = await self._in_order(items)
        batches: list[list[Any]] = [[]]
        size = 0
        for it in items:
            body = len(json.dumps(to_wire(it.payload), ensure_ascii=False).encode()) + 200
            if batches[-1] and size + body > BATCH_BYTES:
                batches.append([])
                size = 0
            batches[-1].append(it)
            size += body
        for batch in batches:
            if not batch:
                continue
            try:
                await self._post_batch(batch, allow_upload=True)
            except reasons.SyncFault as fault:
                if fault.offline:
                    raise          # the link is down: every item still held goes back together
                await self._fail(batch, fault)

    async def _in_order(self, items: list[Any]) -> list[Any]:
        ids = sorted({i.dossier_id for i in items if i.dossier_id is not None})
        if not ids:
            return items

        def oldest_pending() -> dict[int, int]:
            # read-only; see README ("one query outside offline_store")
            marks = ",".join("?" * len(ids))
            return {r[0]: r[1] for r in self.db.store.conn.execute(
                f"SELECT dossier_id, min(id) FROM outbox WHERE state != 'done' AND dossier_id IN ({marks})"
                " GROUP BY dossier_id", ids)}
        first = await self.db.run(oldest_pending)
        ready, seen = [], set()
        for it in items:
            d = it.dossier_id
            if d is None or (first.get(d) == it.id and d not in seen):
                ready.append(it)
                seen.add(d)
                continue
            try:
                # short at first (the previous change is usually in flight), longer if it is stuck
                await self.db.run(outbox.retry_later, self.db.store, it.id, self.owner,
                                  error=reasons.waiting_for_previous().stored(),
                                  delay_seconds=min(60.0, 0.5 * it.attempts))
            except outbox.LeaseLost:
                pass
            self._held.pop(it.id, None)
        return ready

    async def _post_batch(self, items: list[Any], *, allow_upload: bool) -> None:
        try:
            reply = await self.api.request("POST", f"{API}/records:batch",
                                           json_body={"items": [self._batch_item(i) for i in items]})
        except reasons.SyncFault as fault:
            if fault.retryable or len(items) == 1:
                raise
            # The whole request was refused (400/413/...): find the item that causes it instead
            # of sending every good record of the batch to needs_attention.
            half = len(items) // 2
            for part in (items[:half], items[half:]):
                try:
                    await self._post_batch(part, allow_upload=allow_upload)
                except reasons.SyncFault as inner:
                    await self._fail(part, inner)
            return
        data = validate(reply.json(), BATCH_SCHEMA, "records:batch")
        results = data["results"]
        by_op = {r["op_id"]: r for r in results}
        if len(results) != len(items) or any(i.op_id not in by_op for i in items):
            raise reasons.bad_response("records:batch: số kết quả không khớp / results do not match the items")
        self.report.sent += len(items)
        acks = [(i, by_op[i.op_id]) for i in items if by_op[i.op_id]["status"] in ("accepted", "replayed")]
        if acks:
            await self.db.run(self._ack_many, acks)
            self.report.acked += len(acks)
            for it, _ in acks:
                self._held.pop(it.id, None)
                self.report.undelivered.pop(it.id, None)
            self._emit(ev.Acked(count=len(acks)))
        for it in items:
            res = by_op[it.op_id]
            status = res["status"]
            if status in ("accepted", "replayed"):
                continue
            err = res.get("error") or {}
            if status == "missing_attachments":
                missing = list(res.get("missing") or [])
                if allow_upload:
                    self._handed.add(it.id)      # bulk lane uploads, then posts; leases kept alive
                    self._handoff.put_nowait(it)
                    self._kick.set()
                else:
                    await self._fail([it], reasons.missing_attachments(missing))
            elif status == "conflict":
                await self._fail([it], reasons.conflict((res.get("current") or {}).get("version")))
            elif status == "idempotency_mismatch":
                await self._fail([it], reasons.idempotency_mismatch())
            else:
                await self._fail([it], reasons.rejected(str(err.get("code", "")), str(err.get("message", ""))))

    def _ack_many(self, acks: list[tuple[Any, dict]]) -> None:
        store = self.db.store
        with store.transaction() as conn:
            for it, res in acks:
                outbox.ack(conn, it.id, server_receipt_no=res.get("SoBienNhan") or "",
                           server_version=res.get("version"))
            repo.set_sync_state(conn, LAST_SYNC_KEY, iso_utc())

    # --- bulk: attachments then the record ----------------------------------------------------
    def _attachments(self, it: Any) -> list[Attachment]:
        out = []
        seen: set[str] = set()
        for a in it.payload.get("TaiLieuNop") or []:
            sha = a.get("TepDinhKemId")
            if not sha or sha in seen:
                continue
            seen.add(sha)
            out.append(Attachment(sha256=sha, size=int(a.get("KichThuoc") or 0),
                                  filename=a.get("TenTepDinhKem") or sha, path=self.db.store.blobs.path(sha),
                                  reader=functools.partial(self.db.store.blobs.read_range, sha)))
        # result documents (issue 16): their size is the blob's own (_check_blob reads it)
        for d in it.payload.get("DanhSachGiayToKetQua") or []:
            sha = d.get("TepDinhKemId") if isinstance(d, dict) else None
            if not isinstance(sha, str) or sha in seen:
                continue
            seen.add(sha)
            out.append(Attachment(sha256=sha, size=0, filename=d.get("TenGiayTo") or sha,
                                  path=self.db.store.blobs.path(sha),
                                  reader=functools.partial(self.db.store.blobs.read_range, sha)))
        return out

    def _check_blob(self, att: Attachment) -> None:
        store = self.db.store
        if not store.blobs.exists(att.sha256):
            raise reasons.blob_missing(att.sha256)
        if att.sha256 not in self._verified:
            if not store.blobs.verify(att.sha256):
                raise reasons.blob_corrupt(att.sha256)
            self._verified.add(att.sha256)
        actual = store.blobs.size(att.sha256)
        if actual != att.size:
            att.size = actual

    async def _upload_attachments(self, it: Any, *, only: set[str] | None = None) -> None:
        atts = [a for a in self._attachments(it) if only is None or a.sha256 in only]
        done_before = 0
        last_flush = [time.monotonic()]
        for att in atts:
            await self.db.run(self._check_blob, att)
            base = done_before

            async def on_progress(offset: int, base: int = base) -> None:
                now = time.monotonic()
                if now - last_flush[0] < 2.0:
                    return
                last_flush[0] = now
                await self.db.run(self._heartbeat, it.id, base + offset)

            t0 = time.monotonic()
            await self._load_chunk_size()
            before = self.uploader.state()
            try:
                stats = await self.uploader.upload(att, it.record_id or it.op_id, on_progress=on_progress)
            finally:
                if self.uploader.adaptive and self.uploader.state() != before:
                    await self._save_chunk_size()
            elapsed = time.monotonic() - t0
            if stats.skipped:
                self.report.skipped_uploads += 1
            else:
                if elapsed > 0.5 and stats.body_bytes > 256 * 1024:
                    await self.db.run(self._record_goodput, stats.body_bytes / elapsed)
            done_before += att.size
            await self.db.run(self._heartbeat, it.id, done_before)
            self._emit(ev.Uploaded(item=it.id, sha256=att.sha256, bytes=stats.body_bytes, skipped=stats.skipped))

    async def _load_chunk_size(self) -> None:
        """The chunk size this desk learned for this server in earlier runs (sync_state)."""
        if self._chunk_loaded or not self.uploader.adaptive:
            return
        self._chunk_loaded = True
        raw = await self.db.run(lambda: repo.get_sync_state(self.db.store.conn, self._chunk_key, "") or "")
        self.uploader.restore(raw)

    async def _save_chunk_size(self) -> None:
        size = self.uploader.state()

        def save() -> None:
            with self.db.store.transaction() as conn:
                repo.set_sync_state(conn, self._chunk_key, size)
        try:
            await self.db.run(save)
        except Exception:  # noqa: BLE001 - a hint for the next run, never worth failing an upload
            log.exception("could not remember the chunk size")

    def _heartbeat(self, item_id: int, bytes_sent: int) -> None:
        outbox.progress(self.db.store, item_id, self.owner, bytes_sent)
        outbox.renew(self.db.store, item_id, self.owner, self.cfg.lease_seconds)

    def _record_goodput(self, bps: float) -> None:
        with self.db.store.transaction() as conn:
            old = float(repo.get_sync_state(conn, GOODPUT_KEY, "0") or 0)
            repo.set_sync_state(conn, GOODPUT_KEY, f"{(bps if old <= 0 else 0.7 * old + 0.3 * bps):.0f}")

    async def _push_bulk(self, it: Any) -> None:
        if it.kind.startswith("deferred."):
            await self._run_deferred(it)
            return
        self._handed.discard(it.id)
        await self._upload_attachments(it)
        await self.db.run(outbox.mark_awaiting, self.db.store, it.id, self.owner)
        await self._post_batch([it], allow_upload=False)

    # --- deferred -----------------------------------------------------------------------------
    async def _run_deferred(self, it: Any) -> None:
        handler = deferred.handler_for(it.kind)
        ctx = deferred.DeferredContext(api=self.api, run_db=self.db.run, store=self.db.store)
        try:
            await handler(it, ctx)
        except deferred.DeferredError as exc:
            raise reasons.handler_failed(str(exc), exc.retryable) from None

        def done() -> None:
            with self.db.store.transaction() as conn:
                outbox.ack(conn, it.id)
        await self.db.run(done)
        self.report.acked += 1
        self.report.undelivered.pop(it.id, None)

    # --- feed ---------------------------------------------------------------------------------
    async def _feed_loop(self) -> None:
        """The refresh loop: the unit feed every ``feed_interval`` s, the province's accounts
        every ``accounts_interval`` s (at the first turn too)."""
        while not self._stop.is_set():
            if self._online.is_set():
                try:
                    if self.cfg.pull_feed:
                        await self.pull_feed()
                    if self.cfg.pull_accounts and time.monotonic() >= self._accounts_due:
                        await self.pull_accounts()
                        self._accounts_due = time.monotonic() + self.cfg.accounts_interval
                except reasons.SyncFault as fault:
                    self._note_fault(fault)
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001
                    log.exception("feed/accounts refresh failed")
            await self._sleep(self.cfg.feed_interval)

    async def pull_feed(self) -> int:
        """Fetch and apply pages until the server has no more; returns rows applied."""
        applied = 0
        for _ in range(10_000):
            cursor = await self.db.run(lambda: get_cursor(self.db.store.conn))
            reply = await self.api.request("GET", f"{API}/feed?cursor={cursor}&limit={self.cfg.feed_limit}")
            page = validate(reply.json(), FEED_SCHEMA, "feed")
            items = page["items"]
            nxt = str(page.get("next_cursor") if page.get("next_cursor") is not None else cursor)
            problem = check_page(cursor, items, nxt, self.api.unit_code)
            if problem is not None:
                # stop the feed lane here: the cursor stays, nothing is applied, the reason is shown
                fault = reasons.bad_response(f"feed: {problem}")
                self.report.feed_stopped = {"cursor": cursor, "next_cursor": nxt, "reason": problem}
                raise fault
            if items or nxt != cursor:
                def apply() -> dict:
                    with self.db.store.transaction() as conn:
                        counts = apply_page(conn, items, nxt)
                        repo.set_sync_state(conn, LAST_SYNC_KEY, iso_utc())
                        return counts
                try:
                    counts = await self.db.run(apply)
                except sqlite3.IntegrityError as exc:
                    raise reasons.bad_response(f"feed: {exc}") from None
                applied += counts.get("inserted", 0) + counts.get("updated", 0)
                for bad in counts["rejected"]:
                    self._note_fault(reasons.bad_response(f"feed seq {bad['seq']}: {bad['error']}"))
            if not page.get("has_more") or not items:
                break
        self.report.feed_applied += applied
        if applied:
            self._emit(ev.FeedApplied(applied=applied))
        return applied

    # --- accounts from the province -------------------------------------------------------------
    async def pull_accounts(self) -> int:
        """``GET /api/v1/accounts`` (If-None-Match: the last ETag) and apply each account with
        ``repo.upsert_province_account`` in one transaction; returns the accounts changed.

        Quiet when there is nothing to do: 304 (unchanged), a server that does not offer the list
        (404/405/501: an older back end) or refuses it to this desk (403), a store without accounts.
        A row the desk cannot trust is skipped and reported (``bad_response``); the others apply.
        """
        upsert = getattr(repo, "upsert_province_account", None)
        if upsert is None or not self._accounts_offered:
            return 0
        etag = await self.db.run(lambda: repo.get_sync_state(self.db.store.conn, ACCOUNTS_ETAG_KEY, "") or "")
        headers = {"If-None-Match": etag} if etag else None
        reply = await self.api.request("GET", f"{API}/accounts", headers=headers, ok=(200,),
                                       accept=(304, 403, 404, 405, 501))
        if reply.status in (404, 405, 501):
            self._accounts_offered = False      # an older server: do not ask again in this run
            log.info("the server offers no /accounts (HTTP %s); skipped", reply.status)
            return 0
        if reply.status == 403:
            log.info("the server refuses /accounts to this desk; skipped")
            return 0
        if reply.status == 304:
            return 0
        data = validate(reply.json(), ACCOUNTS_SCHEMA, "accounts")
        new_etag = reply.headers.get("etag") or ""
        version = data.get("version")
        roles = _known_roles()
        good: list[dict] = []
        for i, row in enumerate(data["accounts"]):
            problem = schema_problem(row, ACCOUNT_ROW_SCHEMA)
            if problem is None and row["role"] not in roles:
                problem = f"role: vai trò không rõ / unknown role {str(row['role'])[:20]!r}"
            if problem is not None:               # skip this row, apply the others
                self._note_fault(reasons.bad_response(f"accounts[{i}] {problem}"))
                continue
            good.append({k: row[k] for k in ACCOUNT_KEYS})

        def apply() -> int:
            changed = 0
            with self.db.store.transaction() as conn:
                for row in good:
                    if upsert(conn, row):
                        changed += 1
                repo.set_sync_state(conn, ACCOUNTS_ETAG_KEY, new_etag)
                repo.set_sync_state(conn, ACCOUNTS_VERSION_KEY, "" if version is None else str(version))
            return changed
        try:
            changed = await self.db.run(apply)
        except (sqlite3.IntegrityError, ValueError, KeyError, TypeError) as exc:
            # nothing of the list was applied (one transaction); the ETag stays, so it comes again
            raise reasons.bad_response(f"accounts: {str(exc)[:200]}") from None
        self.report.accounts_applied += changed
        if changed:
            self._emit(ev.AccountsApplied(applied=changed, version=None if version is None else str(version)))
        return changed


ACCOUNTS_ETAG_KEY = "accounts_etag"
ACCOUNTS_VERSION_KEY = "accounts_version"
ACCOUNT_KEYS = ("login", "full_name", "role", "password_hash", "active", "updated_at")


def _known_roles() -> set[str]:
    """The roles a person's account may have (``desk_app.domain.models.Role`` but ``system``)."""
    from desk_app.domain.models import Role

    return {r.value for r in Role} - {"system"}
