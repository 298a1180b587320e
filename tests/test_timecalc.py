"""Tests for scheduler.timecalc: next due instant across DST, and parsing what people type."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.timecalc import (
    ALL_DAYS,
    WEEKDAYS,
    format_days,
    format_time,
    local_date,
    next_occurrence,
    parse_days,
    parse_time_of_day,
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def wall(instant: datetime, tz: str) -> datetime:
    """Naive local wall time of an instant."""
    return instant.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def fires(
    start: datetime, at: time, tz: str, count: int, days: frozenset[int] = ALL_DAYS
) -> list[datetime]:
    """The next ``count`` occurrences, each computed from the previous one."""
    out: list[datetime] = []
    current = start
    for _ in range(count):
        current = next_occurrence(current, at, tz, days)
        out.append(current)
    return out


# --- explicit DST cases -----------------------------------------------------------------------


class TestBerlin:
    tz = "Europe/Berlin"

    def test_ordinary_day(self) -> None:
        result = next_occurrence(utc(2026, 6, 1, 4, 0), time(7, 30), self.tz)
        assert result == utc(2026, 6, 1, 5, 30)  # CEST, UTC+2
        assert result.tzinfo is UTC

    def test_spring_gap_fires_at_end_of_gap(self) -> None:
        # 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:30 does not exist.
        result = next_occurrence(utc(2026, 3, 28, 12, 0), time(2, 30), self.tz)
        assert result == utc(2026, 3, 29, 1, 0)
        assert wall(result, self.tz) == datetime(2026, 3, 29, 3, 0)

    def test_spring_gap_start_itself_is_missing(self) -> None:
        result = next_occurrence(utc(2026, 3, 28, 12, 0), time(2, 0), self.tz)
        assert result == utc(2026, 3, 29, 1, 0)

    def test_spring_day_after_gap_is_normal(self) -> None:
        result = next_occurrence(utc(2026, 3, 29, 1, 0), time(2, 30), self.tz)
        assert result == utc(2026, 3, 30, 0, 30)

    def test_fall_repeated_time_fires_first_occurrence(self) -> None:
        # 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00 UTC; 02:30 happens twice.
        result = next_occurrence(utc(2026, 10, 24, 12, 0), time(2, 30), self.tz)
        assert result == utc(2026, 10, 25, 0, 30)

    def test_fall_between_occurrences_skips_to_next_day(self) -> None:
        result = next_occurrence(utc(2026, 10, 25, 0, 45), time(2, 30), self.tz)
        assert result == utc(2026, 10, 26, 1, 30)

    def test_fall_exactly_at_first_occurrence_is_not_repeated(self) -> None:
        first = next_occurrence(utc(2026, 10, 24, 12, 0), time(2, 30), self.tz)
        second = next_occurrence(first, time(2, 30), self.tz)
        assert second == utc(2026, 10, 26, 1, 30)

    def test_after_in_another_zone(self) -> None:
        after = datetime(2026, 6, 1, 0, 0, tzinfo=ZoneInfo("America/New_York"))  # 04:00 UTC
        assert next_occurrence(after, time(7, 30), ZoneInfo(self.tz)) == utc(2026, 6, 1, 5, 30)

    def test_strictly_after(self) -> None:
        at_fire = utc(2026, 6, 1, 5, 30)
        assert next_occurrence(at_fire, time(7, 30), self.tz) == utc(2026, 6, 2, 5, 30)
        just_before = at_fire - timedelta(microseconds=1)
        assert next_occurrence(just_before, time(7, 30), self.tz) == at_fire

    def test_seconds_are_kept(self) -> None:
        result = next_occurrence(utc(2026, 6, 1, 4, 0), time(7, 30, 15), self.tz)
        assert result == utc(2026, 6, 1, 5, 30, 15)

    def test_spring_gap_with_seconds(self) -> None:
        result = next_occurrence(utc(2026, 3, 28, 12, 0), time(2, 59, 59, 500), self.tz)
        assert result == utc(2026, 3, 29, 1, 0)


class TestNewYork:
    tz = "America/New_York"

    def test_spring_gap(self) -> None:
        # 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
        result = next_occurrence(utc(2026, 3, 7, 12, 0), time(2, 30), self.tz)
        assert result == utc(2026, 3, 8, 7, 0)
        assert wall(result, self.tz) == datetime(2026, 3, 8, 3, 0)

    def test_fall_repeated_hour(self) -> None:
        # 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00 UTC; 01:30 happens twice.
        result = next_occurrence(utc(2026, 10, 31, 12, 0), time(1, 30), self.tz)
        assert result == utc(2026, 11, 1, 5, 30)
        between = utc(2026, 11, 1, 6, 0)
        assert next_occurrence(between, time(1, 30), self.tz) == utc(2026, 11, 2, 6, 30)


class TestLordHowe:
    """Australia/Lord_Howe shifts by 30 minutes: UTC+10:30 standard, UTC+11 in summer."""

    tz = "Australia/Lord_Howe"

    def test_april_repeated_half_hour(self) -> None:
        # 2026-04-05 02:00 (+11) falls back to 01:30 (+10:30) at 15:00 UTC on 04-04.
        result = next_occurrence(utc(2026, 4, 4, 0, 0), time(1, 45), self.tz)
        assert result == utc(2026, 4, 4, 14, 45)
        between = utc(2026, 4, 4, 15, 5)  # second pass of 01:35 local
        assert next_occurrence(between, time(1, 45), self.tz) == utc(2026, 4, 5, 15, 15)

    def test_october_half_hour_gap(self) -> None:
        # 2026-10-04 02:00 (+10:30) jumps to 02:30 (+11) at 15:30 UTC on 10-03.
        result = next_occurrence(utc(2026, 10, 3, 0, 0), time(2, 15), self.tz)
        assert result == utc(2026, 10, 3, 15, 30)
        assert wall(result, self.tz) == datetime(2026, 10, 4, 2, 30)
        assert next_occurrence(result, time(2, 15), self.tz) == utc(2026, 10, 4, 15, 15)

    def test_just_outside_the_gap(self) -> None:
        result = next_occurrence(utc(2026, 10, 3, 0, 0), time(2, 30), self.tz)
        assert result == utc(2026, 10, 3, 15, 30)
        result = next_occurrence(utc(2026, 10, 3, 0, 0), time(1, 59), self.tz)
        assert result == utc(2026, 10, 3, 15, 29)


class TestOddOffsets:
    def test_kathmandu_quarter_hour(self) -> None:
        assert next_occurrence(utc(2026, 1, 1, 0, 0), time(7, 30), "Asia/Kathmandu") == utc(
            2026, 1, 1, 1, 45
        )

    def test_kolkata_half_hour(self) -> None:
        assert next_occurrence(utc(2026, 1, 1, 0, 0), time(7, 30), "Asia/Kolkata") == utc(
            2026, 1, 1, 2, 0
        )

    def test_adelaide_half_hour_with_dst(self) -> None:
        tz = "Australia/Adelaide"
        assert next_occurrence(utc(2026, 1, 1, 0, 0), time(7, 30), tz) == utc(2026, 1, 1, 21, 0)
        assert next_occurrence(utc(2026, 7, 1, 0, 0), time(7, 30), tz) == utc(2026, 7, 1, 22, 0)

    def test_midnight_transition_santiago(self) -> None:
        # Chile springs forward at 24:00 -> 01:00, so 00:30 on 2026-09-06 does not exist.
        tz = "America/Santiago"
        result = next_occurrence(utc(2026, 9, 5, 12, 0), time(0, 30), tz)
        assert wall(result, tz) == datetime(2026, 9, 6, 1, 0)


# --- 400 days, exactly one fire per chosen local date -------------------------------------------

LONG_RUN_CASES = [
    ("Europe/Berlin", time(2, 30)),
    ("Europe/Berlin", time(7, 30)),
    ("America/New_York", time(1, 30)),
    ("America/New_York", time(2, 30)),
    ("Australia/Lord_Howe", time(1, 45)),
    ("Australia/Lord_Howe", time(2, 15)),
    ("Asia/Kathmandu", time(7, 30)),
    ("Australia/Adelaide", time(2, 30)),
    ("America/Santiago", time(0, 15)),
    ("America/Santiago", time(23, 30)),
]


@pytest.mark.parametrize(("tz", "at"), LONG_RUN_CASES)
def test_exactly_once_per_local_day_for_400_days(tz: str, at: time) -> None:
    start = utc(2025, 12, 1, 0, 0)
    results = fires(start, at, tz, 400)
    dates = [local_date(r, tz) for r in results]
    first = dates[0]
    assert dates == [first + timedelta(days=i) for i in range(400)]
    assert all(b > a for a, b in itertools.pairwise(results))
    # Wall time is the chosen one on every day except the (at most two) DST days a year.
    off = [r for r in results if wall(r, tz).time() != at]
    assert len(off) <= 2


@pytest.mark.parametrize(("tz", "at"), LONG_RUN_CASES)
def test_weekdays_only_for_400_days(tz: str, at: time) -> None:
    start = utc(2025, 12, 1, 0, 0)
    results = fires(start, at, tz, 400, WEEKDAYS)
    dates = [local_date(r, tz) for r in results]
    assert all(d.weekday() < 5 for d in dates)
    assert len(set(dates)) == 400
    # No weekday is skipped: consecutive fires are one day apart, or Friday -> Monday.
    for a, b in itertools.pairwise(dates):
        assert (b - a).days == (3 if a.weekday() == 4 else 1)


def test_single_day_filter() -> None:
    results = fires(utc(2026, 3, 1, 0, 0), time(9, 0), "Europe/Berlin", 10, frozenset({2}))
    assert all(local_date(r, "Europe/Berlin").weekday() == 2 for r in results)
    assert all(
        (b - a) in (timedelta(days=7), timedelta(days=7, hours=-1), timedelta(days=7, hours=1))
        for a, b in itertools.pairwise(results)
    )


def test_rejects_naive_and_bad_days() -> None:
    with pytest.raises(ValueError):
        next_occurrence(datetime(2026, 1, 1), time(7, 0), "UTC")
    with pytest.raises(ValueError):
        next_occurrence(utc(2026, 1, 1), time(7, 0), "UTC", frozenset())
    with pytest.raises(ValueError):
        next_occurrence(utc(2026, 1, 1), time(7, 0), "UTC", frozenset({7}))
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1), "UTC")


def test_local_date() -> None:
    instant = utc(2026, 1, 1, 20, 0)
    assert local_date(instant, "Asia/Kathmandu") == date(2026, 1, 2)
    assert local_date(instant, "America/New_York") == date(2026, 1, 1)
    assert local_date(instant, ZoneInfo("Pacific/Kiritimati")) == date(2026, 1, 2)


# --- property-based -----------------------------------------------------------------------------

PROPERTY_ZONES = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/St_Johns",
    "America/Santiago",
    "America/Havana",
    "America/Sao_Paulo",
    "Africa/Casablanca",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Asia/Tehran",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Auckland",
]


@functools.cache
def transitions(tz: str) -> tuple[datetime, ...]:
    """UTC offset changes of a zone between 2020 and 2036, to aim examples at DST edges."""
    zone = ZoneInfo(tz)
    found = []
    day = utc(2020, 1, 1, 0, 0)
    previous = day.astimezone(zone).utcoffset()
    while day.year < 2036:
        following = day + timedelta(hours=12)
        offset = following.astimezone(zone).utcoffset()
        if offset != previous:
            lo, hi = day, following
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == previous:
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(microsecond=0))
            previous = offset
        day = following
    return tuple(found)


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, datetime, time]:
    """A zone, an ``after`` instant and a time of day; often right around a DST transition."""
    tz = draw(st.sampled_from(PROPERTY_ZONES))
    edges = transitions(tz)
    near_edge = draw(st.booleans())
    if edges and near_edge:
        edge = draw(st.sampled_from(edges))
        after = edge + timedelta(seconds=draw(st.integers(-36 * 3600, 36 * 3600)))
        # Aim the time of day at the wall clock around the transition: gaps and repeats.
        around = wall(edge, tz) + timedelta(minutes=draw(st.integers(-90, 90)))
        at = around.time().replace(second=0, microsecond=0)
    else:
        after_zone = draw(st.sampled_from(PROPERTY_ZONES))
        after = draw(
            st.datetimes(
                min_value=datetime(2020, 1, 1),
                max_value=datetime(2035, 12, 31),
                timezones=st.just(ZoneInfo(after_zone)),
                allow_imaginary=False,
            )
        )
        at = time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    return tz, after, at


def check_fire(result: datetime, after: datetime, at: time, tz: str, days: frozenset[int]) -> None:
    """Everything next_occurrence promises about one answer."""
    zone = ZoneInfo(tz)
    assert result.tzinfo is UTC
    assert result > after
    day = local_date(result, tz)
    assert day.weekday() in days

    wanted = datetime.combine(day, at)
    got = wall(result, tz)
    if got != wanted:
        # Only allowed inside a gap: the wall time does not exist that day, and the result is
        # the transition at the end of the gap (the instant before it is still before ``at``).
        exists = wall(wanted.replace(tzinfo=zone).astimezone(UTC), tz) == wanted
        assert not exists
        before = result - timedelta(seconds=1)
        assert wall(before, tz) < wanted < got
        assert before.astimezone(zone).utcoffset() != result.astimezone(zone).utcoffset()

    # First instant of its local date at or after ``at``: nothing earlier that day qualified.
    # Offsets move by at most an hour here, so three hours back covers any repeated stretch.
    probe = result
    for _ in range(180):
        probe -= timedelta(minutes=1)
        if local_date(probe, tz) != day:
            break
        assert wall(probe, tz).time() < at

    # Nothing skipped: no chosen date lies strictly between after's date and the result's, and
    # if after's own date is chosen and earlier than the result's, it already fired by ``after``.
    start_day = local_date(after, tz)
    between = start_day + timedelta(days=1)
    while between < day:
        assert between.weekday() not in days
        between += timedelta(days=1)
    if start_day < day and start_day.weekday() in days:
        assert already_fired(after, at, tz, start_day)


def already_fired(after: datetime, at: time, tz: str, day: date) -> bool:
    """Did some instant of ``day`` at or before ``after`` show a wall time at or after ``at``?"""
    if wall(after, tz).time() >= at:
        return True
    probe = after.astimezone(UTC).replace(second=0, microsecond=0)
    for _ in range(180):
        if local_date(probe, tz) != day:
            return False
        if wall(probe, tz).time() >= at:
            return True
        probe -= timedelta(minutes=1)
    return False


@settings(max_examples=300, deadline=None)
@given(cases())
def test_property_every_day(case: tuple[str, datetime, time]) -> None:
    tz, after, at = case
    result = next_occurrence(after, at, tz)
    check_fire(result, after, at, tz, ALL_DAYS)
    assert result - after <= timedelta(hours=25)
    # Never twice on one local date: the following answers move on to new dates.
    following = fires(result, at, tz, 2)
    check_fire(following[0], result, at, tz, ALL_DAYS)
    dates = [local_date(r, tz) for r in [result, *following]]
    assert dates[0] < dates[1] < dates[2]


@settings(max_examples=300, deadline=None)
@given(cases(), st.frozensets(st.integers(0, 6), min_size=1))
def test_property_chosen_days(case: tuple[str, datetime, time], days: frozenset[int]) -> None:
    tz, after, at = case
    result = next_occurrence(after, at, tz, days)
    check_fire(result, after, at, tz, days)
    assert result - after <= timedelta(days=7, hours=2)
    following = next_occurrence(result, at, tz, days)
    check_fire(following, result, at, tz, days)
    assert local_date(following, tz) > local_date(result, tz)


# --- parsing and formatting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("19:30", time(19, 30)),
        ("7pm", time(19, 0)),
        ("7 pm", time(19, 0)),
        ("7PM", time(19, 0)),
        ("7.30pm", time(19, 30)),
        ("7:30 am", time(7, 30)),
        ("7:30 a.m.", time(7, 30)),
        ("12am", time(0, 0)),
        ("12:15 am", time(0, 15)),
        ("12pm", time(12, 0)),
        ("12:45pm", time(12, 45)),
        ("0730", time(7, 30)),
        ("730", time(7, 30)),
        ("19h30", time(19, 30)),
        ("19h", time(19, 0)),
        ("19.30", time(19, 30)),
        ("  21:05 ", time(21, 5)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("7", time(7, 0)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
    ],
)
def test_parse_time_of_day(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "25:00",
        "24:00",
        "7:61",
        "7:60",
        "13pm",
        "0am",
        "00:30am",
        "2400",
        "12345",
        "7:3",
        "seven",
        "7:30 xm",
        "morning",
        "-7:30",
        "7:30:00:00",
    ],
)
def test_parse_time_of_day_rejects(text: str) -> None:
    assert parse_time_of_day(text) is None


def test_format_time() -> None:
    assert format_time(time(7, 30)) == "07:30"
    assert format_time(time(0, 0)) == "00:00"
    assert format_time(time(23, 5, 59)) == "23:05"


@given(st.integers(0, 23), st.integers(0, 59))
def test_format_then_parse_round_trips(hour: int, minute: int) -> None:
    assert parse_time_of_day(format_time(time(hour, minute))) == time(hour, minute)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("every day", ALL_DAYS),
        ("Every Day", ALL_DAYS),
        ("daily", ALL_DAYS),
        ("weekdays", WEEKDAYS),
        ("weekends", frozenset({5, 6})),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("Mon, Wed, Fri", frozenset({0, 2, 4})),
        ("monday wednesday", frozenset({0, 2})),
        ("Tue and Thu", frozenset({1, 3})),
        ("Mon-Fri", WEEKDAYS),
        ("mon - fri", WEEKDAYS),
        ("mon to thu", frozenset({0, 1, 2, 3})),
        ("Fri-Mon", frozenset({4, 5, 6, 0})),
        ("sat", frozenset({5})),
        ("Sundays", frozenset({6})),
        ("every monday", frozenset({0})),
        ("weekdays, sun", frozenset({0, 1, 2, 3, 4, 6})),
        ("Mon-Wed, Sat", frozenset({0, 1, 2, 5})),
        ("mon and every day", ALL_DAYS),
        ("work days and sat", frozenset({0, 1, 2, 3, 4, 5})),
    ],
)
def test_parse_days(text: str, expected: frozenset[int]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    "text", ["", "every", "someday", "mon,blursday", "mon-", "mon-tue-wed", "7"]
)
def test_parse_days_rejects(text: str) -> None:
    assert parse_days(text) is None


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (ALL_DAYS, "every day"),
        (WEEKDAYS, "weekdays"),
        (frozenset({5, 6}), "weekends"),
        (frozenset({0, 2, 4}), "Mon, Wed, Fri"),
        (frozenset({6, 0}), "Mon, Sun"),
    ],
)
def test_format_days(days: frozenset[int], expected: str) -> None:
    assert format_days(days) == expected


@given(st.frozensets(st.integers(0, 6), min_size=1))
def test_format_then_parse_days_round_trips(days: frozenset[int]) -> None:
    assert parse_days(format_days(days)) == days
