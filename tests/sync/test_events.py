"""The engine's events: typed objects, and the published dict shape (``sync --json`` lines, the GUI).

The dict keys are a format other programs read; these tests pin them exactly.
"""
from __future__ import annotations

import json

import pytest

from desk_app.services import sync_control
from desk_app.sync import events as ev
from desk_app.sync import reasons
from desk_app.sync.api import Credentials
from tests.sync.harness import PASSWORD, receive

# every event the engine emits, with the exact keys of its dict form (besides "event")
SHAPES = {
    "fault": {"code", "vi", "en", "retryable", "offline", "retry_after", "details"},
    "offline": {"code", "vi", "en"},
    "online": set(),
    "needs_attention": {"item", "dossier", "code", "vi"},
    "acked": {"count"},
    "uploaded": {"item", "sha256", "bytes", "skipped"},
    "feed": {"applied"},
    "accounts": {"applied", "version"},
}

SAMPLES = [
    ev.FaultEvent.of(reasons.busy(503, 7.0)),
    ev.Offline(code="network", vi="Mất kết nối", en="No connection"),
    ev.Online(),
    ev.NeedsAttention(item=4, dossier="000.23.32.H48-260101-0001", code="rejected", vi="Bị từ chối",
                      en="Rejected"),
    ev.Acked(count=3),
    ev.Uploaded(item=2, sha256="ab" * 32, bytes=1_500_000, skipped=False),
    ev.Uploaded(item=2, sha256="cd" * 32, bytes=0, skipped=True),
    ev.FeedApplied(applied=5),
    ev.AccountsApplied(applied=2, version="7"),
]


def test_every_event_type_has_a_pinned_shape() -> None:
    assert set(ev.EVENT_TYPES) == set(SHAPES)
    assert {type(s).kind for s in SAMPLES} == set(SHAPES)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: f"{e.kind}")
def test_dict_shape_is_exact_and_json_ready(event: ev.SyncEvent) -> None:
    d = event.to_dict()
    assert d["event"] == event.kind
    assert set(d) - {"event"} == SHAPES[event.kind]
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d      # no default=str needed
    back = ev.from_dict(d)
    assert type(back) is type(event) and back.to_dict() == d


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: f"{e.kind}")
def test_every_event_reads_in_both_languages(event: ev.SyncEvent) -> None:
    vi, en = event.message("vi"), event.message("en")
    assert vi and en and vi != en
    assert event.step == f"sync.{event.kind}"


def test_fault_event_is_the_fault_dict_plus_its_name() -> None:
    fault = reasons.busy(429, 12.0)
    assert ev.FaultEvent.of(fault).to_dict() == {"event": "fault", **fault.to_dict()}


def test_events_are_frozen() -> None:
    with pytest.raises(AttributeError):
        ev.Acked(count=1).count = 2  # type: ignore[misc]


def test_needs_attention_keeps_english_for_typed_listeners_only() -> None:
    e = ev.NeedsAttention(item=1, dossier=None, code="conflict", vi="Xung đột phiên bản", en="Version conflict")
    assert e.message("en") == "Version conflict" and "en" not in e.to_dict()


def test_the_engine_gives_dicts_and_typed_events_of_one_run(unit) -> None:
    """One run, both listeners: the dict listener gets exactly ``to_dict()`` of each typed event,
    in the same order (what ``sync --json`` prints and the GUI's Signal(dict) carries)."""
    data, user = unit.desk(1)
    receive(data, 2, attachment_sizes=[300_000])
    dicts: list[dict] = []
    typed: list[ev.SyncEvent] = []
    rep = sync_control.sync_once(data, unit.backend.url, Credentials(user, PASSWORD),
                                 on_event=dicts.append, on_typed_event=typed.append)
    assert rep.acked == 2
    assert all(isinstance(t, ev.SyncEvent) for t in typed)
    assert [t.to_dict() for t in typed] == dicts
    kinds = [d["event"] for d in dicts]
    assert "uploaded" in kinds and "acked" in kinds
    assert sum(d["count"] for d in dicts if d["event"] == "acked") == 2


def test_a_broken_listener_does_not_stop_the_sync(unit) -> None:
    data, user = unit.desk(1)
    receive(data, 1)

    def broken(_e: object) -> None:
        raise RuntimeError("listener bug")
    seen: list[dict] = []
    rep = sync_control.sync_once(data, unit.backend.url, Credentials(user, PASSWORD),
                                 on_typed_event=broken, on_event=seen.append)
    assert rep.acked == 1 and any(d["event"] == "acked" for d in seen)


def test_offline_run_emits_fault_then_offline(unit) -> None:
    data, user = unit.desk(1)
    receive(data, 1)
    typed: list[ev.SyncEvent] = []
    rep = sync_control.sync_once(data, "http://127.0.0.1:9", Credentials(user, PASSWORD),
                                 on_typed_event=typed.append, connect_timeout=1.0)
    assert not rep.online
    kinds = [t.kind for t in typed]
    assert kinds[:2] == ["fault", "offline"]
    off = typed[1]
    assert isinstance(off, ev.Offline) and off.code == "network" and "kết nối" in off.vi


def test_sync_as_a_job_reports_progress_and_stops_between_batches_on_cancel(unit) -> None:
    """The job protocol: Progress per event; a cancel after the first accepted batch stops the
    run before the next one — that batch is whole on both sides, the rest still queued."""
    from desk_app.jobs import CancelToken, Cancelled, Progress
    from tests.sync.harness import outbox_states

    data, user = unit.desk(1)
    receive(data, 30)
    token = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if p.step == "sync.acked":
            token.cancel()
    with pytest.raises(Cancelled) as info:
        sync_control.sync_once(data, unit.backend.url, Credentials(user, PASSWORD), batch_size=10,
                               progress=progress, cancel=token)
    assert info.value.details["acked"] == 10
    assert outbox_states(data) == {"done": 10, "queued": 20}
    acked = [p for p in seen if p.step == "sync.acked"]
    assert len(acked) == 1 and acked[0].done == 10 and acked[0].vi and acked[0].en
    rep = sync_control.sync_once(data, unit.backend.url, Credentials(user, PASSWORD), batch_size=10)
    assert rep.acked == 20 and outbox_states(data) == {"done": 30}
