"""DeskContext: one open desk (store + working calendar + settings), handed to every service."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING

from offline_store import Store
from offline_store import repo

if TYPE_CHECKING:
    from desk_app.domain.working_calendar import WorkingCalendar

DEFAULT_SETTINGS = {"afternoon_cutoff": "", "office_end": "17:00", "serial_width": "4",
                    "lookup_url": ""}


@dataclass
class DeskContext:
    """What a face holds while a desk is open. Settings are read once; call ``reload()`` after
    changing meta/settings from another process."""

    data_dir: Path
    store: Store
    desk_no: int = 1
    unit_code: str = ""
    clerk_name: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    _calendar: "WorkingCalendar | None" = None

    def reload(self) -> None:
        conn = self.store.conn
        meta = repo.all_meta(conn)
        self.desk_no = int(meta.get("desk_no", "1"))
        self.unit_code = meta.get("unit_code", "")
        self.clerk_name = meta.get("clerk_name", "") or os.environ.get("DESK_CLERK", "")
        self.settings = {**DEFAULT_SETTINGS, **repo.all_settings(conn)}
        self._calendar = None

    @property
    def serial_width(self) -> int:
        return int(self.settings.get("serial_width") or 4)

    @property
    def province_cutoff(self) -> time | None:
        """The province's own afternoon cut-off, '' (off) by default."""
        v = (self.settings.get("afternoon_cutoff") or "").strip()
        return time.fromisoformat(v) if v else None

    @property
    def office_end(self) -> time:
        """End of office hours: same-day and working-day deadlines fall at this time."""
        v = (self.settings.get("office_end") or "17:00").strip()
        return time.fromisoformat(v)

    @property
    def lookup_url(self) -> str | None:
        return self.settings.get("lookup_url") or None

    @property
    def calendar(self) -> "WorkingCalendar":
        """The working calendar from the store's calendar_days (the shipped default if empty)."""
        if self._calendar is None:
            self._calendar = build_calendar(self.store, self.office_end)
        return self._calendar

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "DeskContext":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build_calendar(store: Store, end_of_day: time | None = None) -> "WorkingCalendar":
    """The calendar from the store's calendar_days (the shipped default when the table is empty)."""
    from desk_app.domain.working_calendar import DEFAULT_END_OF_DAY, WorkingCalendar

    eod = end_of_day or DEFAULT_END_OF_DAY
    rows = [dict(r) for r in repo.calendar_days(store.conn)]
    if not rows:
        return WorkingCalendar.default(end_of_day=eod)
    return WorkingCalendar.from_rows(rows, end_of_day=eod)
