"""The job protocol itself: typed events, the cancel token, Cancelled, the Steps helper."""
from __future__ import annotations

import pickle
import threading

import pytest

from desk_app.domain.errors import DeskError
from desk_app.jobs import Cancelled, CancelToken, Progress, Steps, no_progress


def test_progress_is_typed_and_serialisable() -> None:
    p = Progress("demo.batch", 200, 500, "Đã tạo 200/500 hồ sơ mẫu", "Created 200/500")
    assert p.to_dict() == {"event": "progress", "step": "demo.batch", "done": 200, "total": 500,
                           "vi": "Đã tạo 200/500 hồ sơ mẫu", "en": "Created 200/500"}
    assert p.fraction == 0.4 and p.message("en") == "Created 200/500"
    assert p.message("vi").startswith("Đã tạo")
    assert Progress("x", 3, None, "a", "b").fraction is None
    with pytest.raises(AttributeError):
        p.done = 3  # type: ignore[misc]   # frozen: an event cannot change after it was sent
    assert no_progress(p) is None


def test_cancelled_is_a_desk_error_with_exit_code_1() -> None:
    exc = Cancelled(done=3, total=9)
    assert isinstance(exc, DeskError)
    assert exc.code == "cancelled" and exc.exit_code == 1
    assert str(exc) == "Đã hủy theo yêu cầu." and exc.message("en") == "Cancelled on request."
    assert exc.details == {"done": 3, "total": 9}
    again = pickle.loads(pickle.dumps(exc))
    assert isinstance(again, Cancelled) and again.details == exc.details


def test_cancel_token_is_set_from_another_thread() -> None:
    token = CancelToken()
    assert not token.cancelled
    token.raise_if_cancelled()                      # no-op while not cancelled
    t = threading.Thread(target=token.cancel)
    t.start()
    t.join(5)
    assert token.cancelled and token.wait(0)
    with pytest.raises(Cancelled) as info:
        token.raise_if_cancelled(done=4)
    assert info.value.details == {"done": 4}


def test_steps_report_and_stop_between_steps() -> None:
    seen: list[Progress] = []
    token = CancelToken()
    steps = Steps(seen.append, token)
    done = []
    with pytest.raises(Cancelled) as info:
        for i in range(10):
            steps.step("t.step", i, 10, f"bước {i}", f"step {i}")
            done.append(i)                          # the "work" of step i
            if i == 2:
                token.cancel()                      # asked during step 2: step 2 still completes
    assert done == [0, 1, 2]
    assert [p.done for p in seen] == [0, 1, 2, 3]     # "3 done" is reported, then it stops
    assert info.value.details == {"step": "t.step", "done": 3, "total": 10}
    steps.finish("t.step", 3, 10, "xong", "done")   # the final report never raises
    assert seen[-1].vi == "xong"


def test_steps_without_token_or_callback() -> None:
    steps = Steps()
    assert steps.step("a", 1, None, "x", "y").done == 1 and not steps.cancelled
