"""state_machine.py: every allowed move works, every other move says why it is refused."""
from __future__ import annotations

import itertools

import pytest

from desk_app.domain import state_machine as sm
from desk_app.domain.errors import ValidationError
from desk_app.domain.models import DossierStatus as S
from desk_app.domain.models import Role as R

ALL_MOVES = list(itertools.product(S, S, R))


def test_the_happy_path_with_a_supplement() -> None:
    path = [(S.RECEIVED, S.IN_PROCESS, R.CLERK), (S.IN_PROCESS, S.WAITING_SUPPLEMENT, R.PROCESSOR),
            (S.WAITING_SUPPLEMENT, S.SUPPLEMENTED, R.CLERK), (S.SUPPLEMENTED, S.IN_PROCESS, R.SYSTEM),
            (S.IN_PROCESS, S.RESULT_READY, R.OFFICER), (S.RESULT_READY, S.RETURNED, R.CLERK)]
    status = S.RECEIVED
    for a, b, role in path:
        assert a is status
        status = sm.transition(a, b, role)
    assert status is S.RETURNED


def test_the_docstring_table_matches_allowed() -> None:
    rows = set()
    for line in (sm.__doc__ or "").splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] in {s.value for s in S} and parts[1] in {s.value for s in S}:
            roles = frozenset(R(r.strip()) for r in parts[2].split(","))
            rows.add((S(parts[0]), S(parts[1]), roles))
    assert rows == {(a, b, roles) for (a, b), roles in sm.ALLOWED.items()}


@pytest.mark.parametrize("a,b,role", ALL_MOVES)
def test_every_move(a: S, b: S, role: R) -> None:
    if role in sm.ALLOWED.get((a, b), frozenset()):
        assert sm.allowed(a, b, role) and sm.allowed(a.value, b.value, role.value)
        assert sm.transition(a, b, role) is b
        return
    assert not sm.allowed(a, b, role)
    with pytest.raises(ValidationError) as err:
        sm.transition(a, b, role)
    e = err.value
    assert e.code in ("status_unchanged", "status_final", "status_not_allowed",
                      "status_role_forbidden")
    vi_from, en_from = sm.STATUS_LABELS[a]
    vi_to, en_to = sm.STATUS_LABELS[b]
    assert vi_from in e.vi and en_from in e.en
    if e.code != "status_unchanged":
        assert vi_to in e.vi and en_to in e.en
    if e.code == "status_role_forbidden":
        assert sm.ROLE_LABELS[role][0] in e.vi
        assert all(sm.ROLE_LABELS[r][0] in e.vi for r in sm.ALLOWED[(a, b)])


def test_final_statuses_have_no_way_out() -> None:
    for final in sm.FINAL:
        for role in R:
            assert sm.next_statuses(final, role) == []


def test_next_statuses_for_buttons() -> None:
    assert sm.next_statuses(S.RESULT_READY, R.CLERK) == [S.RETURNED]
    assert set(sm.next_statuses(S.RECEIVED, R.CLERK)) == {
        S.IN_PROCESS, S.WAITING_SUPPLEMENT, S.WITHDRAWN}
    assert sm.next_statuses(S.RESULT_READY, R.SYSTEM) == []


def test_not_allowed_message_lists_what_is_possible() -> None:
    with pytest.raises(ValidationError) as err:
        sm.transition(S.RECEIVED, S.RETURNED, R.CLERK)
    assert "Đang xử lý" in err.value.vi and "Chờ bổ sung" in err.value.vi


@pytest.mark.parametrize("a,b,role,code", [
    ("received", "in_process", "janitor", "role_unknown"),
    ("lost", "in_process", "clerk", "status_unknown"),
    ("received", "archived", "clerk", "status_unknown"),
])
def test_unknown_names(a: str, b: str, role: str, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        sm.transition(a, b, role)
    assert err.value.code == code
    assert sm.allowed(a, b, role) is False


# --- issue 16: stopped (Mẫu 05) and the actions without a status change ---------------------------

def test_stopped_is_final_and_reached_only_by_the_processing_side() -> None:
    assert S.STOPPED in sm.FINAL
    assert sm.next_statuses(S.STOPPED, R.SUPERVISOR) == []
    for a in (S.IN_PROCESS, S.WAITING_SUPPLEMENT, S.SUPPLEMENTED):
        assert sm.allowed(a, S.STOPPED, R.PROCESSOR) and sm.allowed(a, S.STOPPED, R.OFFICER)
        assert not sm.allowed(a, S.STOPPED, R.CLERK)
    for a in (S.RECEIVED, S.RESULT_READY):
        assert not any(sm.allowed(a, S.STOPPED, r) for r in R)


@pytest.mark.parametrize("action", sorted(sm.ACTIONS))
@pytest.mark.parametrize("status", list(S), ids=lambda s: s.value)
@pytest.mark.parametrize("role", list(R), ids=lambda r: r.value)
def test_every_action_per_status_and_role(action: str, status: S, role: R) -> None:
    froms, roles = sm.ACTIONS[action]
    if status in froms and role in roles:
        assert sm.action_allowed(action, status, role)
        sm.check_action(action, status, role)
        return
    assert not sm.action_allowed(action, status, role)
    with pytest.raises(ValidationError) as err:
        sm.check_action(action, status, role)
    e = err.value
    if status not in froms:
        assert e.code == ("status_final" if status in sm.FINAL else "status_not_allowed")
        assert sm.STATUS_LABELS[status][0] in e.vi and sm.STATUS_LABELS[status][1] in e.en
    else:
        assert e.code == "status_role_forbidden" and sm.ROLE_LABELS[role][0] in e.vi


def test_no_action_on_a_final_dossier_and_delay_is_not_for_the_clerk() -> None:
    for final in sm.FINAL:
        assert not any(sm.action_allowed(a, final, r) for a in sm.ACTIONS for r in R)
    assert not sm.action_allowed("delay", S.IN_PROCESS, R.CLERK)
    assert sm.action_allowed("handover", S.IN_PROCESS, R.CLERK)
    assert not sm.action_allowed("bogus", S.IN_PROCESS, R.CLERK)
