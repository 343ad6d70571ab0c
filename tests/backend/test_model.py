"""Model-based test: random sequences of creates, updates, stale updates, replays and reused
op_ids against the live server, checked step by step against a tiny model of the contract."""
from __future__ import annotations

import copy
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, \
    run_state_machine_as_test

from tests.backend.refserver import Server

EXAMPLES = int(os.environ.get("MODEL_EXAMPLES", "8"))


def test_push_semantics_match_the_model(server: Server, full_run: bool) -> None:
    desk = server.client()

    class Push(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            self.c = desk
            self.cursor = desk.http.get("/api/v1/feed", params={"limit": 1000}).json()["next_cursor"]
            self.versions: dict[str, int] = {}        # record_id -> server version
            self.records: dict[str, dict] = {}        # record_id -> last accepted record
            self.sent: list[tuple[dict, dict]] = []   # (item, accepted result)
            self.changes = 0

        @rule()
        def create(self) -> None:
            rec = self.c.record()
            item = self.c.item(rec)
            (res,) = self.c.push(item)
            assert res["status"] == "accepted" and res["version"] == 1
            self.versions[rec["record_id"]] = 1
            self.records[rec["record_id"]] = rec
            self.sent.append((item, res))
            self.changes += 1

        @precondition(lambda self: self.records)
        @rule(data=st.data(), stale=st.booleans(), status=st.sampled_from([4, 5, 9, 10]))
        def update(self, data: st.DataObject, stale: bool, status: int) -> None:
            rid = data.draw(st.sampled_from(sorted(self.records)))
            v = self.versions[rid]
            base = v - 1 if stale and v > 1 else (v + 1 if stale else v)
            rec = {**self.records[rid], "TrangThaiHoSo": status}
            item = self.c.item(rec, kind="dossier.update", base_version=base)
            (res,) = self.c.push(item)
            if base == v:
                assert res["status"] == "accepted" and res["version"] == v + 1
                self.versions[rid] = v + 1
                self.records[rid] = rec
                self.sent.append((item, res))
                self.changes += 1
            else:
                assert res["status"] == "conflict" and res["current"]["version"] == v
                assert res["current"]["record"]["TrangThaiHoSo"] == self.records[rid]["TrangThaiHoSo"]

        @precondition(lambda self: self.sent)
        @rule(data=st.data())
        def replay(self, data: st.DataObject) -> None:
            item, first = data.draw(st.sampled_from(self.sent))
            (res,) = self.c.push(item)
            assert res["status"] == "replayed"
            assert (res["version"], res["SoBienNhan"]) == (first["version"], first["SoBienNhan"])

        @precondition(lambda self: self.sent)
        @rule(data=st.data())
        def reuse_op_id(self, data: st.DataObject) -> None:
            item, _ = data.draw(st.sampled_from(self.sent))
            other = copy.deepcopy(item)
            other["record"]["ChuHoSo"] = other["record"]["ChuHoSo"] + " (sửa)"
            (res,) = self.c.push(other)
            assert res["status"] == "idempotency_mismatch"

        @invariant()
        def server_matches_model(self) -> None:
            if not hasattr(self, "c"):
                return
            feed = self.c.http.get("/api/v1/feed", params={"cursor": self.cursor, "limit": 1000}).json()["items"]
            assert len(feed) == self.changes
            latest = {i["record_id"]: i["version"] for i in feed}
            assert latest == self.versions

    run_state_machine_as_test(Push, settings=settings(
        max_examples=60 if full_run else EXAMPLES, stateful_step_count=25 if full_run else 12,
        deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]))
