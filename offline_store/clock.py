"""UTC timestamps as sortable text (the outbox compares them as strings)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso_utc(dt: datetime | None = None) -> str:
    """``2026-11-23T02:47:39.123456Z`` — fixed width, so text order is time order."""
    dt = utc_now() if dt is None else dt
    if dt.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one")
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_utc_after(seconds: float, now: datetime | None = None) -> str:
    return iso_utc((now or utc_now()) + timedelta(seconds=seconds))
