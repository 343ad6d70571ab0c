"""Backoff timing and Retry-After parsing (pure functions; hypothesis for the edges)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from hypothesis import given, strategies as st

from desk_app.sync.backoff import MAX_RETRY_AFTER, full_jitter, next_delay, parse_retry_after


@given(attempt=st.integers(min_value=-5, max_value=10_000), seed=st.integers(0, 2**32))
def test_full_jitter_stays_within_the_capped_window(attempt: int, seed: int) -> None:
    d = full_jitter(attempt, base=1.0, cap=60.0, rng=random.Random(seed))
    assert 0.0 <= d <= min(60.0, 2.0 ** max(0, min(attempt, 62)))


def test_full_jitter_spreads_desks_that_failed_together() -> None:
    rng = random.Random(1)
    delays = [full_jitter(6, rng=rng) for _ in range(1000)]
    # 1000 desks after 6 failures: spread over the whole [0, 60] window, not bunched at the top
    assert min(delays) < 5 and max(delays) > 55
    assert 25 < sum(delays) / len(delays) < 35


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now=now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("99999999") == MAX_RETRY_AFTER


@given(st.text(max_size=60))
def test_retry_after_never_raises_on_garbage(value: str) -> None:
    out = parse_retry_after(value)
    assert out is None or 0.0 <= out <= MAX_RETRY_AFTER


@given(attempt=st.integers(0, 50), retry_after=st.floats(0, 5000, allow_nan=False))
def test_server_retry_after_is_never_shortened(attempt: int, retry_after: float) -> None:
    d = next_delay(attempt, retry_after, rng=random.Random(0))
    assert d >= min(retry_after, MAX_RETRY_AFTER)
    assert d <= MAX_RETRY_AFTER
