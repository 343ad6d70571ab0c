"""Working days and appointment times (ngày hẹn trả kết quả).

Why it is built like this:

* Statutory days off (Labour Code 2019 art. 112: 1/1, 5 days of Tết, Hùng Kings' day, 30/4,
  1/5, 2/9 plus an adjacent day, compensatory days) come from the well-kept ``holidays`` package
  (``holidays.VN``), which computes the lunar dates.
* Swaps the government announces (a Saturday worked so a bridge day is off) arrive late and
  ``holidays`` misses some (2026-01-02 off / 2026-01-10 worked was decided on 25/12/2025), so
  they are data: ``resources/calendar/vn_swaps.json``, updated by a catalog pull or an
  administrator. A make-up Saturday is a WORKING day and counts toward deadlines.
* A province-published calendar overrides both (days off and make-up working days).

Precedence for a date: province work > province off > national work > national off > weekday
(Monday–Friday are working days).

Deadline rules (:meth:`WorkingCalendar.due`):

* Civil Code 2015 art. 147–148: the day of receipt is not counted; if the last day is a day off
  the period ends on the next working day.
* Same-day procedures (civil status, certification): due the day received, at the end of office
  hours; received after the national 15:00 cut-off (strictly later than 15:00:00) or on a day
  off, due the next working day.
* Working-day procedures: due at the end of office hours of the N-th working day after the
  receipt day.
* Received on a day off (a Saturday desk, post, online filing) or after hours (after the end of
  office hours, or after a province's optional afternoon cut-off): the period starts at 08:00 of
  the next working day, and THAT day is day 1 (Decree 297/2025: "được tính từ 08 giờ 00 ngày làm
  việc kế tiếp"). Saturday + 1 working day is due Monday 17:00. For working-day procedures this
  equals "N-th working day after the receipt date"; for calendar-day ones it is day N counted from
  that first working day. Before opening on a working day the receipt day is simply not counted.
* Calendar-day procedures: receipt day + N days; if that day is off, the next working day.

Times are local (+07:00); the result is at the end of office hours (17:00 by default).
"""
from __future__ import annotations

import json
from functools import lru_cache
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .errors import ValidationError
from .models import TimeKind

from desk_app.domain.localtime import VN_TZ  # noqa: E402  (the one definition)
DEFAULT_END_OF_DAY = time(17, 0)
NATIONAL_SAME_DAY_CUTOFF = time(15, 0)
MAX_DAYS = 3660
_SEARCH_LIMIT = 400  # a year with no working day for 400 days is a broken calendar

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SWAPS_FILE = REPO_ROOT / "resources" / "calendar" / "vn_swaps.json"


def parse_hhmm(value: str | time | None) -> time | None:
    """"15:00" -> time(15, 0); None/"" -> None; ValidationError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    try:
        hh, mm = str(value).strip().split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError):
        raise ValidationError(
            "calendar_bad_time", f"Giờ «{value}» không đúng dạng HH:MM.",
            f"Time {value!r} is not HH:MM.", value=str(value)) from None


@dataclass(frozen=True)
class DueExplanation:
    """Why a due time is what it is (for the receipt and the clerk's tooltip)."""

    due: datetime
    counted_from: date
    steps_vi: tuple[str, ...]
    steps_en: tuple[str, ...]




class WorkingCalendar:
    """A national calendar with a province layer on top; immutable after construction."""

    def __init__(
        self,
        national_off: Mapping[date, str],
        national_work: Mapping[date, str],
        province_off: Mapping[date, str] | None = None,
        province_work: Mapping[date, str] | None = None,
        *,
        end_of_day: time = DEFAULT_END_OF_DAY,
    ) -> None:
        self.national_off = dict(national_off)
        self.national_work = dict(national_work)
        self.province_off = dict(province_off or {})
        self.province_work = dict(province_work or {})
        self.end_of_day = end_of_day

    # --- construction ---------------------------------------------------------------------------

    @classmethod
    def default(
        cls,
        years: Iterable[int] = range(2025, 2028),
        swaps_file: Path | str | None = None,
        *,
        province_off: Mapping[date, str] | None = None,
        province_work: Mapping[date, str] | None = None,
        end_of_day: time = DEFAULT_END_OF_DAY,
    ) -> WorkingCalendar:
        """Statutory days from ``holidays.VN`` plus the shipped announced swaps.

        The national layer is cached per (years, swaps file, its modification time): building
        it takes ~80 ms (lunar calendar) and services call this for every one-off due date."""
        path = Path(swaps_file) if swaps_file else DEFAULT_SWAPS_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = -1  # load_swaps below reports the missing file clearly
        off, work = _national_layer(tuple(years), str(path), stamp)
        return cls(dict(off), dict(work), province_off, province_work, end_of_day=end_of_day)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]], *,
                  end_of_day: time = DEFAULT_END_OF_DAY) -> WorkingCalendar:
        """Build from ``calendar_days`` rows: {day: "YYYY-MM-DD", source: national|province,
        kind: off|work, name}."""
        maps: dict[tuple[str, str], dict[date, str]] = {
            (s, k): {} for s in ("national", "province") for k in ("off", "work")
        }
        for row in rows:
            key = (row["source"], row["kind"])
            if key not in maps:
                raise ValidationError(
                    "calendar_bad_row", f"Dòng lịch không hợp lệ: nguồn «{row['source']}», "
                    f"loại «{row['kind']}».",
                    f"Invalid calendar row: source {row['source']!r}, kind {row['kind']!r}.")
            maps[key][_parse_day(row["day"])] = row.get("name", "") or ""
        return cls(maps[("national", "off")], maps[("national", "work")],
                   maps[("province", "off")], maps[("province", "work")], end_of_day=end_of_day)

    def to_rows(self) -> list[dict[str, str]]:
        """The inverse of :meth:`from_rows` (sorted by day)."""
        rows = []
        for source, kind, mapping in (
            ("national", "off", self.national_off), ("national", "work", self.national_work),
            ("province", "off", self.province_off), ("province", "work", self.province_work),
        ):
            rows += [{"day": d.isoformat(), "source": source, "kind": kind, "name": n}
                     for d, n in mapping.items()]
        return sorted(rows, key=lambda r: (r["day"], r["source"]))

    def with_province(self, province_off: Mapping[date, str],
                      province_work: Mapping[date, str]) -> WorkingCalendar:
        """A copy with the province layer replaced."""
        return WorkingCalendar(self.national_off, self.national_work, province_off,
                               province_work, end_of_day=self.end_of_day)

    # --- days -------------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = d.date()
        if d in self.province_work:
            return True
        if d in self.province_off:
            return False
        if d in self.national_work:
            return True
        if d in self.national_off:
            return False
        return d.weekday() < 5

    def day_name(self, d: date) -> str:
        """Why a day is special ("Tết Nguyên Đán", "Ngày làm bù", …) or ""."""
        for m in (self.province_work, self.province_off, self.national_work, self.national_off):
            if d in m:
                return m[d]
        return ""

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        cur = d
        for _ in range(_SEARCH_LIMIT):
            cur += timedelta(days=1)
            if self.is_working_day(cur):
                return cur
        raise ValidationError(
            "calendar_no_working_day",
            f"Lịch làm việc không có ngày làm việc nào trong {_SEARCH_LIMIT} ngày sau "
            f"{d:%d/%m/%Y}; kiểm tra lịch của tỉnh.",
            f"The calendar has no working day within {_SEARCH_LIMIT} days after {d}; "
            "check the province calendar.", day=d.isoformat())

    def working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.next_working_day(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` itself not counted); n=0 returns ``d``."""
        _check_days(n)
        cur = d
        for _ in range(n):
            cur = self.next_working_day(cur)
        return cur

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end] — how many working days a period used."""
        n, cur = 0, start
        while cur < end:
            cur += timedelta(days=1)
            n += self.is_working_day(cur)
        return n

    # --- clock stops (supplement requests) ------------------------------------------------------

    def paused_working_days(self, stopped_at: datetime, resumed_at: datetime) -> int:
        """Working days the clock stood still between a supplement request and its receipt:
        the working days in (request date, receipt date]. The request day was partly used and
        stays counted; the receipt day is not counted (as for a fresh intake), and a receipt on
        a day off or after hours resumes at 08:00 of the next working day — the same count."""
        a, b = to_local(stopped_at).date(), to_local(resumed_at).date()
        if b <= a:
            return 0
        return self.working_days_between(a, b)

    def extend_due(self, due: datetime, working_days: int) -> datetime:
        """The appointment moved by ``working_days`` working days (same hour); a due date that
        fell on a day off (an old record) first moves to the next working day."""
        _check_days(working_days)
        local = to_local(due)
        day = local.date()
        if working_days == 0:
            return local
        day = self.add_working_days(day, working_days)
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=VN_TZ)

    # --- deadlines --------------------------------------------------------------------------------

    def due(
        self,
        received_at: datetime,
        time_kind: TimeKind | str,
        days: int,
        cutoff: time | str | None,
        province_cutoff: time | str | None = None,
        *,
        end_of_day: time | None = None,
    ) -> datetime:
        """The appointment time for a dossier received at ``received_at`` (see module doc)."""
        return self.explain(received_at, time_kind, days, cutoff, province_cutoff,
                            end_of_day=end_of_day).due

    def explain(
        self,
        received_at: datetime,
        time_kind: TimeKind | str,
        days: int,
        cutoff: time | str | None,
        province_cutoff: time | str | None = None,
        *,
        end_of_day: time | None = None,
    ) -> DueExplanation:
        """Like :meth:`due`, with the reasoning in Vietnamese and English."""
        kind = _time_kind(time_kind)
        _check_days(days)
        cut = parse_hhmm(cutoff)
        pcut = parse_hhmm(province_cutoff)
        close = end_of_day or self.end_of_day
        local = to_local(received_at)
        day, clock = local.date(), local.timetz().replace(tzinfo=None)
        vi: list[str] = [f"Tiếp nhận lúc {local:%H:%M} ngày {local:%d/%m/%Y}."]
        en: list[str] = [f"Received at {local:%H:%M} on {local:%Y-%m-%d}."]

        if kind in (TimeKind.SAME_DAY, TimeKind.IMMEDIATE):
            # The 15:00 cut-off for same-day work is national (Luật Hộ tịch art. 5(3), NĐ 23/2015
            # art. 7), so a catalog row that forgot it still gets it.
            effective = cut if cut is not None else NATIONAL_SAME_DAY_CUTOFF
            if not self.is_working_day(day):
                start = self.next_working_day(day)
                vi.append(f"Ngày {day:%d/%m/%Y} là ngày nghỉ: tính từ ngày làm việc tiếp theo "
                          f"{start:%d/%m/%Y}.")
                en.append(f"{day} is a day off: counted from the next working day {start}.")
            elif effective is not None and clock > effective:
                start = self.next_working_day(day)
                vi.append(f"Sau giờ tiếp nhận {effective:%H:%M}: trả vào ngày làm việc tiếp "
                          f"theo {start:%d/%m/%Y}.")
                en.append(f"After the {effective:%H:%M} cut-off: due the next working day {start}.")
            else:
                start = day
            due_day = self.add_working_days(start, days)
            counted = start
        else:
            cuts = [c for c in (cut, pcut) if c is not None]
            effective = min(cuts) if cuts else None
            counted = day
            late = None
            if not self.is_working_day(day):
                late = "off"
            elif clock > close:
                late = "closed"
            elif effective is not None and clock > effective:
                late = "cutoff"
            if late is not None:
                # Decree 297/2025: received on a day off or after hours, the period starts at
                # 08:00 of the next working day and that day is day 1.
                first = self.next_working_day(day)
                if late == "off":
                    vi.append(f"Ngày {day:%d/%m/%Y} là ngày nghỉ: thời hạn tính từ 08:00 ngày "
                              f"làm việc tiếp theo {first:%d/%m/%Y}, là ngày thứ nhất.")
                    en.append(f"{day} is a day off: the period starts at 08:00 on the next "
                              f"working day {first}, which is day 1.")
                else:
                    hour = close if late == "closed" else effective
                    vi.append(f"Tiếp nhận sau {hour:%H:%M}: thời hạn tính từ 08:00 ngày làm việc "
                              f"tiếp theo {first:%d/%m/%Y}, là ngày thứ nhất.")
                    en.append(f"Received after {hour:%H:%M}: the period starts at 08:00 on the "
                              f"next working day {first}, which is day 1.")
                if kind is TimeKind.WORKING_DAYS:
                    due_day = self.add_working_days(first, max(days - 1, 0))
                    vi.append(f"Ngày làm việc thứ {max(days, 1)}: {due_day:%d/%m/%Y}.")
                    en.append(f"Working day {max(days, 1)}: {due_day}.")
                else:
                    raw = first + timedelta(days=max(days - 1, 0))
                    due_day = self.working_day_on_or_after(raw)
                    vi.append(f"Ngày thứ {max(days, 1)}: {raw:%d/%m/%Y}.")
                    en.append(f"Day {max(days, 1)}: {raw}.")
                    if due_day != raw:
                        vi.append(f"Ngày cuối là ngày nghỉ: chuyển sang {due_day:%d/%m/%Y} "
                                  "(BLDS 2015 điều 148).")
                        en.append(f"The last day is a day off: moved to {due_day} "
                                  "(Civil Code 2015 art. 148).")
            else:
                vi.append("Không tính ngày tiếp nhận (BLDS 2015 điều 147).")
                en.append("The day of receipt is not counted (Civil Code 2015 art. 147).")
                if kind is TimeKind.WORKING_DAYS:
                    due_day = self.add_working_days(counted, days)
                    vi.append(f"Cộng {days} ngày làm việc: {due_day:%d/%m/%Y}.")
                    en.append(f"Plus {days} working days: {due_day}.")
                else:
                    raw = counted + timedelta(days=days)
                    due_day = self.working_day_on_or_after(raw)
                    vi.append(f"Cộng {days} ngày: {raw:%d/%m/%Y}.")
                    en.append(f"Plus {days} days: {raw}.")
                    if due_day != raw:
                        vi.append(f"Ngày cuối là ngày nghỉ: chuyển sang {due_day:%d/%m/%Y} "
                                  "(BLDS 2015 điều 148).")
                        en.append(f"The last day is a day off: moved to {due_day} "
                                  "(Civil Code 2015 art. 148).")
        due = datetime.combine(due_day, close, tzinfo=VN_TZ)
        vi.append(f"Hẹn trả: {due:%H:%M} ngày {due:%d/%m/%Y}.")
        en.append(f"Due: {due:%H:%M} on {due:%Y-%m-%d}.")
        return DueExplanation(due, counted, tuple(vi), tuple(en))


# --- helpers ----------------------------------------------------------------------------------------

def to_local(dt: datetime) -> datetime:
    """Aware datetime in +07:00; a naive datetime is taken as local desk time."""
    if not isinstance(dt, datetime):
        raise ValidationError("calendar_bad_datetime", "Thời điểm tiếp nhận không hợp lệ.",
                              "The receipt time is not a date and time.")
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        return dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(VN_TZ)


def _time_kind(value: TimeKind | str) -> TimeKind:
    try:
        return TimeKind(value)
    except ValueError:
        raise ValidationError(
            "calendar_bad_time_kind", f"Loại thời hạn «{value}» không hợp lệ.",
            f"Unknown processing-time kind {value!r}.", value=str(value)) from None


def _check_days(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_DAYS:
        raise ValidationError(
            "calendar_bad_days", f"Số ngày giải quyết «{n}» không hợp lệ (0–{MAX_DAYS}).",
            f"Processing days {n!r} is invalid (0–{MAX_DAYS}).", value=str(n))


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise ValidationError(
            "calendar_bad_date", f"Ngày «{text}» không đúng dạng YYYY-MM-DD.",
            f"Date {text!r} is not YYYY-MM-DD.", value=str(text)) from None


@lru_cache(maxsize=16)
def _national_layer(years: tuple[int, ...], path: str,
                    stamp: int) -> tuple[dict[date, str], dict[date, str]]:
    """National days off and make-up working days: holidays.VN + the swaps file."""
    import holidays  # imported here: only the default calendar needs it

    hol = holidays.VN(years=years, language="vi")
    off: dict[date, str] = {d: str(n) for d, n in hol.items()}
    work: dict[date, str] = {
        d: "Ngày làm bù" for d in getattr(hol, "weekend_workdays", ()) if d.year in years
    }
    swaps = load_swaps(Path(path))
    for d in swaps["not_off"]:
        off.pop(d, None)
    for d, name in swaps["off"].items():
        off[d] = name
        work.pop(d, None)
    for d, name in swaps["work"].items():
        work[d] = name
        off.pop(d, None)
    return off, work


def load_swaps(path: Path) -> dict[str, dict[date, str]]:
    """Read a swaps file: {"off": {date: name}, "work": {date: name}, "not_off": {date: reason}}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(
            "calendar_swaps_missing", f"Không tìm thấy tệp lịch hoán đổi ngày làm việc: {path}.",
            f"Swaps calendar file not found: {path}.", path=str(path)) from None
    except (OSError, ValueError) as exc:
        raise ValidationError(
            "calendar_swaps_unreadable", f"Không đọc được tệp lịch hoán đổi {path}: {exc}.",
            f"Cannot read the swaps calendar file {path}: {exc}.", path=str(path)) from None
    out: dict[str, dict[date, str]] = {"off": {}, "work": {}, "not_off": {}}
    try:
        for item in data.get("swaps", []):
            kind = item["kind"]
            if kind not in ("off", "work"):
                raise KeyError(kind)
            out[kind][_parse_day(item["date"])] = item.get("name", "")
        for item in data.get("not_off", []):
            out["not_off"][_parse_day(item["date"])] = item.get("reason", "")
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(
            "calendar_swaps_invalid", f"Tệp lịch hoán đổi {path} sai cấu trúc ({exc}).",
            f"The swaps calendar file {path} is malformed ({exc}).", path=str(path)) from None
    both = set(out["off"]) & set(out["work"])
    if both:
        d = min(both)
        raise ValidationError(
            "calendar_swaps_conflict", f"Ngày {d:%d/%m/%Y} vừa là ngày nghỉ vừa là ngày làm bù.",
            f"{d} is both a day off and a make-up working day.", day=d.isoformat())
    return out
