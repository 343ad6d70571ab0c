"""A reporting period: inclusive local dates, compared as stored ISO text (+07:00)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date            # inclusive

    def bounds(self) -> tuple[str, str]:
        """[lo, hi) as text: stored times start with the local date, so a prefix compare works
        and the received_at index is used."""
        return self.start.isoformat(), (self.end + timedelta(days=1)).isoformat()

    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def to_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    @classmethod
    def month_of(cls, d: date) -> "Period":
        first = d.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return cls(first, nxt - timedelta(days=1))
