"""Office time: the one definition of Vietnam's zone (+07:00, no daylight saving).

Every stored, printed and computed desk time is in this zone whatever the PC's own zone is.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def to_office_time(value: datetime) -> datetime:
    """Aware ``value`` in +07:00; a naive datetime is taken as office time already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)
