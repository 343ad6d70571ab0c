"""Retry timing: capped exponential backoff with full jitter, and Retry-After parsing.

Full jitter (delay uniform in [0, min(cap, base·2^attempt)]) spreads a room full of desks that
lost the link at the same moment, so they do not hammer the province together when it comes
back (AWS architecture blog, "Exponential Backoff And Jitter"). The cap keeps a desk that has
been offline for a day from waiting hours after the link returns; a server's ``Retry-After``
wins over our own guess, but is bounded too so a broken header cannot park the queue for a year.
"""
from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER = 3600.0


def full_jitter(attempt: int, *, base: float = 1.0, cap: float = 60.0,
                rng: random.Random | None = None) -> float:
    """Seconds to wait before try number ``attempt + 1`` (``attempt`` >= 0 failures so far)."""
    attempt = max(0, min(int(attempt), 62))
    ceiling = min(cap, base * (2.0 ** attempt))
    return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():      # "¹".isdigit() is True, float("¹") fails
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    delta = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return min(max(0.0, delta), MAX_RETRY_AFTER)


def next_delay(attempt: int, retry_after: float | None, *, base: float = 1.0, cap: float = 60.0,
               rng: random.Random | None = None) -> float:
    """The wait for an item: the server's Retry-After if given (never less), else full jitter."""
    jitter = full_jitter(attempt, base=base, cap=cap, rng=rng)
    if retry_after is not None:
        return min(MAX_RETRY_AFTER, max(retry_after, 0.0) + min(jitter, 1.0))
    return jitter
