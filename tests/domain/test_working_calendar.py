"""working_calendar.py: statutory days, announced swaps, province overrides, deadlines."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import TimeKind
from desk_app.domain.working_calendar import (
    DEFAULT_SWAPS_FILE, VN_TZ, WorkingCalendar, load_swaps, parse_hhmm,
)
from tests.domain.fuzz import fuzz

CAL = WorkingCalendar.default()
SD, WD, CD = TimeKind.SAME_DAY, TimeKind.WORKING_DAYS, TimeKind.CALENDAR_DAYS


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN_TZ)


def due_day(received: datetime, kind: TimeKind, days: int, cutoff: str | None = None,
            **kw) -> date:
    result = CAL.due(received, kind, days, cutoff, **kw)
    assert result.tzinfo is not None and result.utcoffset() == timedelta(hours=7)
    assert result.time() == time(17, 0)
    return result.date()


# --- what holidays.VN 0.109 has, checked against Labour Code 2019 art. 112 ------------------------

HOLIDAYS_VN = {
    2025: ["2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
           "2025-02-01", "2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01",
           "2025-09-02"],
    2026: ["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
           "2026-04-26", "2026-04-27", "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01",
           "2026-09-02", "2026-11-24"],
    2027: ["2027-01-01", "2027-02-04", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",
           "2027-02-09", "2027-02-10", "2027-04-16", "2027-04-30", "2027-05-01", "2027-05-03",
           "2027-09-02", "2027-09-03", "2027-11-24"],
}


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_holidays_vn_lists_exactly_these_days(year: int) -> None:
    """Pins the package's data: an upgrade that changes it must be looked at by a person."""
    assert holidays.__version__ == "0.109"
    got = sorted(d.isoformat() for d in holidays.VN(years=year))
    assert got == HOLIDAYS_VN[year]


@pytest.mark.parametrize("year,tet,hung_kings,national_day_extra", [
    (2025, date(2025, 1, 29), date(2025, 4, 7), date(2025, 9, 1)),
    (2026, date(2026, 2, 17), date(2026, 4, 26), date(2026, 9, 1)),
    (2027, date(2027, 2, 6), date(2027, 4, 16), date(2027, 9, 3)),
])
def test_labour_code_art_112_days_are_all_there(year, tet, hung_kings, national_day_extra) -> None:
    h = holidays.VN(years=year)
    for fixed in (date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)):
        assert fixed in h
    assert tet in h and hung_kings in h and national_day_extra in h
    # Tết: five days off that would otherwise be working days (weekends are compensated).
    tet_days = [d for d in h if abs((d - tet).days) <= 7]
    assert sum(1 for d in tet_days if d.weekday() < 5) >= 5


def test_statutory_weekend_holidays_get_a_compensatory_day() -> None:
    assert "Giỗ Tổ Hùng Vương" in CAL.day_name(date(2026, 4, 27))  # Sun 26/4
    assert not CAL.is_working_day(date(2027, 5, 3))  # 1/5/2027 is a Saturday


def test_swaps_file_records_which_entries_holidays_already_has() -> None:
    data = json.loads(DEFAULT_SWAPS_FILE.read_text(encoding="utf-8"))
    h = holidays.VN(years=range(2025, 2028))
    workdays = set(h.weekend_workdays)
    for item in data["swaps"]:
        d = date.fromisoformat(item["date"])
        has = (d in h) if item["kind"] == "off" else (d in workdays)
        assert has is item["in_holidays_0_109"], item
    missing = sorted(i["date"] for i in data["swaps"] if not i["in_holidays_0_109"])
    assert missing == ["2026-01-02", "2026-01-10"]


def test_required_announced_swaps_are_shipped() -> None:
    swaps = load_swaps(DEFAULT_SWAPS_FILE)
    for d in ("2025-05-02", "2026-01-02", "2026-02-16", "2026-02-20", "2026-04-27", "2026-08-31",
              "2026-09-01", "2026-09-02"):
        assert date.fromisoformat(d) in swaps["off"]
    for d in ("2025-04-26", "2026-01-10", "2026-08-22"):
        assert date.fromisoformat(d) in swaps["work"]


# --- working days --------------------------------------------------------------------------------

@pytest.mark.parametrize("day,working", [
    ("2025-04-26", True),    # Saturday worked for 2/5/2025
    ("2025-05-02", False),
    ("2025-12-31", True),
    ("2026-01-01", False), ("2026-01-02", False),  # the late swap of 25/12/2025
    ("2026-01-03", False), ("2026-01-04", False), ("2026-01-05", True),
    ("2026-01-10", True),    # make-up Saturday
    ("2026-01-17", False),   # an ordinary Saturday
    ("2026-02-13", True), ("2026-02-16", False), ("2026-02-20", False), ("2026-02-23", True),
    ("2026-04-27", False), ("2026-04-30", False), ("2026-05-01", False), ("2026-05-04", True),
    ("2026-08-22", True), ("2026-08-31", False), ("2026-09-01", False), ("2026-09-02", False),
    ("2026-09-03", True),
    ("2027-02-04", False), ("2027-02-10", False), ("2027-02-11", True),
    ("2027-09-03", False),
])
def test_is_working_day(day: str, working: bool) -> None:
    assert CAL.is_working_day(date.fromisoformat(day)) is working
    assert CAL.is_working_day(datetime.fromisoformat(day + "T10:00")) is working


def test_make_up_saturday_is_named() -> None:
    assert "2/1/2026" in CAL.day_name(date(2026, 1, 10))
    assert CAL.day_name(date(2026, 3, 4)) == ""


def test_add_working_days_counts_from_the_next_day() -> None:
    assert CAL.add_working_days(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert CAL.add_working_days(date(2026, 3, 4), 1) == date(2026, 3, 5)
    assert CAL.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert CAL.next_working_day(date(2025, 12, 31)) == date(2026, 1, 5)
    assert CAL.working_days_between(date(2026, 1, 8), date(2026, 1, 12)) == 3


# --- due(): same day and the 15:00 cut-off ---------------------------------------------------------

@pytest.mark.parametrize("hh,mm,ss,expected", [
    (14, 59, 0, date(2025, 12, 31)),
    (15, 0, 0, date(2025, 12, 31)),
    (15, 0, 1, date(2026, 1, 5)),
    (15, 1, 0, date(2026, 1, 5)),
    (8, 0, 0, date(2025, 12, 31)),
])
def test_same_day_cutoff_at_15_00(hh: int, mm: int, ss: int, expected: date) -> None:
    """31/12/2025: after 15:00 the next working day is Monday 5/1/2026 (1/1 and 2/1 off)."""
    assert due_day(at(2025, 12, 31, hh, mm, ss), SD, 0, "15:00") == expected


def test_same_day_on_a_day_off_and_on_a_make_up_saturday() -> None:
    assert due_day(at(2026, 1, 10, 10), SD, 0, "15:00") == date(2026, 1, 10)
    assert due_day(at(2026, 1, 10, 16), SD, 0, "15:00") == date(2026, 1, 12)
    assert due_day(at(2026, 1, 11, 10), SD, 0, "15:00") == date(2026, 1, 12)
    assert due_day(at(2026, 1, 2, 9), SD, 0, "15:00") == date(2026, 1, 5)
    assert due_day(at(2026, 2, 13, 15, 1), SD, 0, "15:00") == date(2026, 2, 23)
    assert due_day(at(2026, 2, 13, 9), TimeKind.IMMEDIATE, 0, "15:00") == date(2026, 2, 13)


def test_same_day_without_cutoff_still_gets_the_national_15h_cutoff() -> None:
    """A catalog row that forgot "15:00" must not let a 16:30 birth registration be due today."""
    assert due_day(at(2026, 3, 4, 14, 59), SD, 0, None) == date(2026, 3, 4)
    assert due_day(at(2026, 3, 4, 16, 30), SD, 0, None) == date(2026, 3, 5)


def test_same_day_with_an_extension() -> None:
    """Certification of many pages: same day + 2 working days."""
    assert due_day(at(2026, 1, 8, 10), SD, 2, "15:00") == date(2026, 1, 10)  # Fri 9, Sat 10


# --- due(): working days ---------------------------------------------------------------------------

@pytest.mark.parametrize("received,days,expected", [
    (at(2025, 12, 31, 14), 3, date(2026, 1, 7)),       # over the year boundary and the swap
    (at(2026, 1, 8, 10), 3, date(2026, 1, 12)),        # make-up Saturday 10/1 counts
    (at(2026, 2, 12, 10), 5, date(2026, 2, 26)),       # across Tết 2026
    (at(2027, 2, 3, 10), 3, date(2027, 2, 15)),        # across Tết 2027
    (at(2026, 4, 24, 10), 1, date(2026, 4, 28)),       # Hùng Kings' compensatory Monday
    (at(2026, 4, 29, 10), 2, date(2026, 5, 5)),        # 30/4–1/5
    (at(2026, 8, 21, 10), 1, date(2026, 8, 22)),       # make-up Saturday 22/8
    (at(2026, 8, 28, 10), 2, date(2026, 9, 4)),        # 31/8, 1/9, 2/9 off
    (at(2025, 4, 25, 10), 1, date(2025, 4, 26)),       # make-up Saturday 26/4/2025
    (at(2025, 4, 29, 10), 1, date(2025, 5, 5)),        # 30/4, 1/5, 2/5 off
    (at(2026, 12, 28, 10), 5, date(2027, 1, 5)),       # year boundary 2026/2027
    (at(2025, 8, 29, 10), 1, date(2025, 9, 3)),        # 1/9 and 2/9/2025
    (at(2026, 3, 4, 10), 0, date(2026, 3, 4)),
])
def test_working_day_deadlines(received: datetime, days: int, expected: date) -> None:
    assert due_day(received, WD, days) == expected


def test_received_on_a_day_off_starts_at_8_on_the_next_working_day_which_is_day_1() -> None:
    """Saturday 7/3/2026 (not a make-up day): the period starts Monday 9/3 08:00, day 1, so one
    working day is due Monday 17:00 (Decree 297/2025), not Tuesday."""
    assert CAL.due(at(2026, 3, 7, 9), WD, 1, None) == datetime(2026, 3, 9, 17, 0, tzinfo=VN_TZ)
    assert due_day(at(2026, 3, 8, 23, 59), WD, 1) == date(2026, 3, 9)   # Sunday night
    assert due_day(at(2026, 3, 7, 9), WD, 3) == date(2026, 3, 11)
    assert due_day(at(2026, 3, 7, 9), WD, 0) == date(2026, 3, 9)        # never due on a day off
    # Online on Saturday 14/2/2026, before Tết (16–20/2): day 1 is Monday 23/2.
    assert due_day(at(2026, 2, 14, 10), WD, 1) == date(2026, 2, 23)
    assert due_day(at(2026, 2, 14, 10), WD, 5) == date(2026, 2, 27)
    # Sunday 4/1/2026 (1–4/1 off): day 1 is Monday 5/1; 5 days reach the make-up Saturday 10/1.
    assert due_day(at(2026, 1, 4, 10), WD, 5) == date(2026, 1, 9)
    assert due_day(at(2026, 1, 4, 10), WD, 6) == date(2026, 1, 10)
    # Calendar days: day 1 is the first working day.
    assert due_day(at(2026, 3, 7, 9), CD, 1) == date(2026, 3, 9)
    assert due_day(at(2026, 3, 7, 9), CD, 10) == date(2026, 3, 18)
    e = CAL.explain(at(2026, 3, 7, 9), WD, 1, None)
    assert any("08:00" in s and "09/03/2026" in s and "ngày thứ nhất" in s for s in e.steps_vi)
    assert any("day 1" in s for s in e.steps_en)


def test_received_on_a_make_up_saturday_counts_like_any_working_day() -> None:
    """10/1/2026 is a make-up Saturday: a working day, so the receipt day is not counted."""
    assert due_day(at(2026, 1, 10, 9), WD, 1) == date(2026, 1, 12)
    assert due_day(at(2026, 1, 10, 9), WD, 0) == date(2026, 1, 10)


def test_received_after_office_hours_starts_the_next_working_day_as_day_1() -> None:
    """Friday 6/3/2026 18:30 (online): day 1 is Monday 9/3 — the same as a Friday desk receipt
    for N >= 1 (the receipt day is never counted); for N = 0 it moves to Monday."""
    assert due_day(at(2026, 3, 6, 18, 30), WD, 1) == date(2026, 3, 9)
    assert due_day(at(2026, 3, 6, 16, 10), WD, 1) == date(2026, 3, 9)
    assert due_day(at(2026, 3, 6, 18, 30), WD, 0) == date(2026, 3, 9)
    assert due_day(at(2026, 3, 6, 16, 10), WD, 0) == date(2026, 3, 6)
    # Friday 13/2/2026 after hours, Tết next week: day 1 = Monday 23/2.
    assert due_day(at(2026, 2, 13, 17, 30), WD, 2) == date(2026, 2, 24)


def test_province_afternoon_cutoff() -> None:
    assert due_day(at(2026, 3, 4, 15, 59), WD, 3, province_cutoff="16:00") == date(2026, 3, 9)
    assert due_day(at(2026, 3, 4, 16, 0), WD, 3, province_cutoff="16:00") == date(2026, 3, 9)
    # After the province's cut-off the period starts at 08:00 the next working day (day 1):
    # for N >= 1 that is the same day as without it; it matters for N = 0.
    assert due_day(at(2026, 3, 4, 16, 1), WD, 3, province_cutoff="16:00") == date(2026, 3, 9)
    assert due_day(at(2026, 3, 4, 16, 1), WD, 0, province_cutoff="16:00") == date(2026, 3, 5)
    assert due_day(at(2026, 3, 4, 16, 1), WD, 0) == date(2026, 3, 4)  # off by default
    e = CAL.explain(at(2026, 3, 4, 16, 1), WD, 3, None, "16:00")
    assert any("Tiếp nhận sau 16:00" in s for s in e.steps_vi)


def test_end_of_office_hours_is_a_parameter() -> None:
    due = CAL.due(at(2026, 3, 4, 10), WD, 1, None, end_of_day=time(16, 30))
    assert due == datetime(2026, 3, 5, 16, 30, tzinfo=VN_TZ)
    cal = WorkingCalendar.default(end_of_day=time(11, 30))
    assert cal.due(at(2026, 3, 4, 10), WD, 1, None).time() == time(11, 30)


def test_received_time_in_another_zone_or_naive() -> None:
    utc = datetime(2025, 12, 31, 8, 30, tzinfo=timezone.utc)  # 15:30 in Hà Nội
    assert CAL.due(utc, SD, 0, "15:00").date() == date(2026, 1, 5)
    naive = datetime(2025, 12, 31, 14, 0)
    assert CAL.due(naive, SD, 0, "15:00") == datetime(2025, 12, 31, 17, 0, tzinfo=VN_TZ)


# --- due(): calendar days --------------------------------------------------------------------------

def test_calendar_days_move_off_a_day_off() -> None:
    # 15/1/2026 + 30 = Sat 14/2; Tết 16–20/2 -> Monday 23/2.
    assert due_day(at(2026, 1, 15, 10), CD, 30) == date(2026, 2, 23)
    assert due_day(at(2026, 3, 2, 10), CD, 15) == date(2026, 3, 17)
    # Received Sunday 16/8/2026 -> counted from Mon 17/8; 17/8 + 15 = 1/9 (off) -> Thu 3/9.
    assert due_day(at(2026, 8, 16, 10), CD, 15) == date(2026, 9, 3)


def test_explain_gives_the_reasoning_in_both_languages() -> None:
    e = CAL.explain(at(2026, 1, 15, 10), CD, 30, None)
    assert e.due.date() == date(2026, 2, 23)
    assert any("148" in s for s in e.steps_vi) and any("148" in s for s in e.steps_en)
    assert e.steps_vi[-1] == "Hẹn trả: 17:00 ngày 23/02/2026."
    e2 = CAL.explain(at(2025, 12, 31, 15, 1), SD, 0, "15:00")
    assert any("Sau giờ tiếp nhận 15:00" in s for s in e2.steps_vi)


# --- province layer and data ---------------------------------------------------------------------

def test_province_calendar_overrides_both() -> None:
    cal = CAL.with_province({date(2026, 1, 10): "Tỉnh cho nghỉ", date(2026, 3, 4): "Lễ hội"},
                            {date(2026, 1, 2): "Tỉnh làm việc"})
    assert cal.is_working_day(date(2026, 1, 2)) is True
    assert cal.is_working_day(date(2026, 1, 10)) is False
    assert cal.is_working_day(date(2026, 3, 4)) is False
    assert cal.day_name(date(2026, 3, 4)) == "Lễ hội"
    assert cal.due(at(2025, 12, 31, 15, 30), SD, 0, "15:00").date() == date(2026, 1, 2)


def test_rows_round_trip() -> None:
    cal = CAL.with_province({date(2026, 3, 4): "Lễ hội"}, {date(2026, 3, 7): "Làm bù"})
    again = WorkingCalendar.from_rows(cal.to_rows())
    for d in (date(2026, 1, 2), date(2026, 1, 10), date(2026, 3, 4), date(2026, 3, 7),
              date(2026, 2, 17), date(2026, 3, 5)):
        assert again.is_working_day(d) is cal.is_working_day(d)
    with pytest.raises(ValidationError):
        WorkingCalendar.from_rows([{"day": "2026-01-01", "source": "x", "kind": "off"}])
    with pytest.raises(ValidationError):
        WorkingCalendar.from_rows([{"day": "01/01/2026", "source": "national", "kind": "off"}])


def test_not_off_entries_remove_a_statutory_day(tmp_path: Path) -> None:
    f = tmp_path / "swaps.json"
    f.write_text(json.dumps({"swaps": [], "not_off": [{"date": "2026-11-24", "reason": "x"}]}),
                 encoding="utf-8")
    assert WorkingCalendar.default(swaps_file=f).is_working_day(date(2026, 11, 24))
    assert not CAL.is_working_day(date(2026, 11, 24))


@pytest.mark.parametrize("content,code", [
    (None, "calendar_swaps_missing"),
    ("{not json", "calendar_swaps_unreadable"),
    ('{"swaps": [{"date": "2026-01-02"}]}', "calendar_swaps_invalid"),
    ('{"swaps": [{"date": "2026-01-02", "kind": "holiday"}]}', "calendar_swaps_invalid"),
    ('{"swaps": [{"date": "2/1/2026", "kind": "off"}]}', "calendar_bad_date"),
    ('{"swaps": [{"date": "2026-01-02", "kind": "off"}, {"date": "2026-01-02", "kind": "work"}]}',
     "calendar_swaps_conflict"),
])
def test_bad_swaps_files_are_reported(tmp_path: Path, content: str | None, code: str) -> None:
    f = tmp_path / "swaps.json"
    if content is not None:
        f.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        WorkingCalendar.default(swaps_file=f)
    assert err.value.code == code and err.value.vi and err.value.en


@pytest.mark.parametrize("args,code", [
    ((at(2026, 3, 4), "weekly", 1, None), "calendar_bad_time_kind"),
    ((at(2026, 3, 4), WD, -1, None), "calendar_bad_days"),
    ((at(2026, 3, 4), WD, 10**6, None), "calendar_bad_days"),
    ((at(2026, 3, 4), WD, True, None), "calendar_bad_days"),
    ((at(2026, 3, 4), SD, 0, "3pm"), "calendar_bad_time"),
    ((at(2026, 3, 4), SD, 0, "25:00"), "calendar_bad_time"),
    ((date(2026, 3, 4), SD, 0, None), "calendar_bad_datetime"),
])
def test_bad_arguments(args, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        CAL.due(*args)
    assert err.value.code == code


def test_a_calendar_without_working_days_fails_clearly() -> None:
    start = date(2026, 1, 1)
    everything_off = {start + timedelta(days=i): "x" for i in range(800)}
    cal = WorkingCalendar(everything_off, {})
    with pytest.raises(ValidationError) as err:
        cal.next_working_day(start)
    assert err.value.code == "calendar_no_working_day"


def test_parse_hhmm() -> None:
    assert parse_hhmm("15:00") == time(15, 0) and parse_hhmm(" 7:05 ") == time(7, 5)
    assert parse_hhmm(None) is None and parse_hhmm("") is None
    assert parse_hhmm(time(9, 0)) == time(9, 0)


# --- properties ----------------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 10, 31)).map(
    lambda d: d.replace(tzinfo=VN_TZ))
kinds = st.sampled_from(list(TimeKind))
cutoffs = st.one_of(st.none(), st.sampled_from(["15:00", "11:30", "16:00"]))


@fuzz()
@given(moments, kinds, st.integers(min_value=0, max_value=40), cutoffs, cutoffs)
def test_due_is_always_a_working_day_at_closing_time(received, kind, days, cut, pcut) -> None:
    due = CAL.due(received, kind, days, cut, pcut)
    assert CAL.is_working_day(due.date())
    assert due.time() == time(17, 0) and due.utcoffset() == timedelta(hours=7)
    assert due.date() >= received.date()


@fuzz()
@given(moments, moments, kinds, st.integers(min_value=0, max_value=40), cutoffs)
def test_due_is_monotone_in_received_time(a, b, kind, days, cut) -> None:
    early, late = sorted((a, b))
    assert CAL.due(early, kind, days, cut) <= CAL.due(late, kind, days, cut)


@fuzz()
@given(moments, kinds, st.integers(min_value=0, max_value=40), cutoffs)
def test_more_days_never_give_an_earlier_due(received, kind, days, cut) -> None:
    assert CAL.due(received, kind, days + 1, cut) >= CAL.due(received, kind, days, cut)


@fuzz()
@given(moments, st.integers(min_value=1, max_value=40))
def test_working_day_periods_use_exactly_n_working_days(received, days) -> None:
    e = CAL.explain(received, WD, days, None)
    assert CAL.working_days_between(e.counted_from, e.due.date()) == days
    assert e.counted_from == received.date()


def test_province_cutoff_does_not_touch_same_day_procedures() -> None:
    """The province's afternoon cut-off is for other procedures; same-day ones keep 15:00."""
    assert due_day(at(2026, 3, 4, 14, 0), SD, 0, "15:00", province_cutoff="11:30") == date(2026, 3, 4)
    assert due_day(at(2026, 3, 4, 14, 0), CD, 10, None, province_cutoff="11:30") == date(2026, 3, 16)


def test_default_is_cached_but_sees_an_updated_swaps_file(tmp_path: Path) -> None:
    import os

    f = tmp_path / "swaps.json"
    f.write_text('{"swaps": [{"date": "2026-03-04", "kind": "off", "name": "A"}]}', encoding="utf-8")
    first = WorkingCalendar.default(swaps_file=f)
    assert not first.is_working_day(date(2026, 3, 4))
    first.national_off.clear()  # a caller mutating its copy must not poison the cache
    assert not WorkingCalendar.default(swaps_file=f).is_working_day(date(2026, 3, 4))
    f.write_text('{"swaps": [{"date": "2026-03-05", "kind": "off", "name": "B"}]}', encoding="utf-8")
    st_ = f.stat()
    os.utime(f, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000_000))
    updated = WorkingCalendar.default(swaps_file=f)
    assert updated.is_working_day(date(2026, 3, 4)) and not updated.is_working_day(date(2026, 3, 5))
