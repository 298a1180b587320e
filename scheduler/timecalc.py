"""When is a daily prompt next due? Plain wall-clock arithmetic, no Telegram.

A user picks a local time of day (say 07:30) and a set of weekdays; the delivery tick stores the
next due instant in UTC and asks :func:`next_occurrence` again after each send. The rule for
one local date is "the earliest instant of that date whose local wall time is at or after the
chosen time". That single rule covers daylight-saving time without special cases:

* spring forward (02:30 does not exist): the earliest instant at or after 02:30 is the end of
  the gap, e.g. 03:00 in Europe/Berlin;
* fall back (01:30 happens twice): the first occurrence wins, and the date has then had its
  prompt, so the second occurrence never fires.

Hence exactly one prompt per chosen local date, never two, never none (APScheduler's cron
trigger fires twice on a repeated hour and half an hour late in a gap, which is why this module
exists). The parsing and formatting helpers turn what people type ("7pm", "Mon-Fri") into the
values these functions take.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "ALL_DAYS",
    "WEEKDAYS",
    "WEEKENDS",
    "format_days",
    "format_time",
    "local_date",
    "next_occurrence",
    "parse_days",
    "parse_time_of_day",
]

ALL_DAYS: frozenset[int] = frozenset(range(7))
"""Every day of the week; Monday=0 .. Sunday=6, as :meth:`datetime.weekday` counts."""
WEEKDAYS: frozenset[int] = frozenset(range(5))
WEEKENDS: frozenset[int] = frozenset({5, 6})

_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# The furthest we ever look ahead for a chosen weekday. One week always contains every weekday;
# the margin covers dates a zone skipped entirely (Pacific/Apia dropped 2011-12-30).
_MAX_DAYS_AHEAD = 14


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else _zone_by_name(tz)


@functools.lru_cache(maxsize=1024)
def _zone_by_name(name: str) -> ZoneInfo:
    # The standard library keeps only the 8 most recently used zones strongly cached; with
    # users in more zones than that, every call would reload a zone file (~34 µs vs 0.5 µs).
    return ZoneInfo(name)


def _require_aware(instant: datetime, name: str) -> None:
    # A naive datetime would silently be read as the server's local time: refuse it.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {instant!r}")


def _wall(instant_utc: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall-clock time of a UTC instant."""
    return instant_utc.astimezone(zone).replace(tzinfo=None, fold=0)


def _fire_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The instant (UTC) of the prompt for local date ``day``; None if that date never existed.

    It is the earliest instant of ``day`` whose local wall time is at or after ``at``.
    """
    wanted = datetime.combine(day, at)
    # fold=0 picks the earlier of two occurrences of a repeated wall time (PEP 495).
    first = wanted.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == wanted:
        return first
    # The wall time falls in a gap. PEP 495 maps it with the offset from before (fold=0) or after
    # (fold=1) the transition; the transition itself lies between those two instants.
    other = wanted.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = min(first, other), max(first, other)
    if _wall(lo, zone) >= wanted or _wall(hi, zone) < wanted:
        # Not the single transition this bisection assumes; only possible with tz data stranger
        # than anything in tzdata today. Fall back to the later instant, which is after the gap.
        candidate = hi
    else:
        # Bisect on whole seconds (every transition is on a whole second) for the first instant
        # whose wall time is at or after the wanted time: the end of the gap.
        lo_s, hi_s = math.floor(lo.timestamp()), math.ceil(hi.timestamp())
        while hi_s - lo_s > 1:
            mid = (lo_s + hi_s) // 2
            if _wall(datetime.fromtimestamp(mid, UTC), zone) >= wanted:
                hi_s = mid
            else:
                lo_s = mid
        candidate = datetime.fromtimestamp(hi_s, UTC)
    # A gap can swallow the rest of a date (or the whole date): then this date has no prompt.
    return candidate if _wall(candidate, zone).date() == day else None


def next_occurrence(
    after: datetime,
    at: time,
    tz: str | ZoneInfo,
    days: frozenset[int] = ALL_DAYS,
) -> datetime:
    """First instant (aware, UTC) strictly after ``after`` when local time ``at`` occurs in ``tz``.

    Only local dates whose weekday (Monday=0) is in ``days`` count. A wall time skipped by a
    daylight-saving gap fires at the first instant after the gap; a wall time that occurs twice
    fires at its first occurrence only. ``after`` may be in any zone but must be aware; the
    tzinfo and fold of ``at`` are ignored (it is a wall-clock time in ``tz``).

    Raises ValueError for a naive ``after`` or an empty / out-of-range ``days``, and
    ``zoneinfo.ZoneInfoNotFoundError`` for an unknown zone name.
    """
    _require_aware(after, "after")
    if not days or not days <= ALL_DAYS:
        raise ValueError(f"days must be a non-empty subset of 0..6, got {sorted(days)!r}")
    zone = _zone(tz)
    at = at.replace(tzinfo=None, fold=0)
    after_utc = after.astimezone(UTC)
    # Start one day early: with a negative DST jump around midnight an instant that belongs to the
    # previous local date can still lie ahead of ``after``.
    day = after_utc.astimezone(zone).date() - timedelta(days=1)
    for _ in range(_MAX_DAYS_AHEAD + 2):
        if day.weekday() in days:
            fire = _fire_instant(day, at, zone)
            if fire is not None and fire > after_utc:
                return fire
        day += timedelta(days=1)
    raise AssertionError(f"no occurrence of {at} within {_MAX_DAYS_AHEAD} days")  # unreachable


def local_date(instant: datetime, tz: str | ZoneInfo) -> date:
    """The calendar date in ``tz`` at an aware instant (naive instants raise ValueError)."""
    _require_aware(instant, "instant")
    return instant.astimezone(_zone(tz)).date()


# --- what people type -------------------------------------------------------------------------

_MERIDIEM = {"am": "am", "a": "am", "pm": "pm", "p": "pm"}
# "7", "7:30", "7.30", "7 h 30", "19h", each optionally followed by am/pm.
_TIME_SEPARATED = re.compile(r"(\d{1,2})(?:\s*(?:[:.h])\s*(\d{2})|\s*h)?\s*(am|pm|a|p)?")
# "0730", "730", "730pm": hour and minutes run together.
_TIME_COMPACT = re.compile(r"(\d{1,2})(\d{2})\s*(am|pm|a|p)?")
_TIME_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def parse_time_of_day(text: str) -> time | None:
    """Parse a time of day the way people write it; None if it is not one.

    Accepts 24-hour ("7:30", "07:30", "19:30", "0730", "19h30", "19h", "7"), 12-hour ("7pm",
    "7 pm", "7.30pm", "7:30 am", "7 p.m."; "12am" is 00:00, "12pm" is 12:00) and "noon" /
    "midnight". Out-of-range values ("25:00", "7:61", "13pm", "0am") give None.
    """
    cleaned = " ".join(text.casefold().replace("a.m.", "am").replace("p.m.", "pm").split())
    if cleaned in _TIME_WORDS:
        return _TIME_WORDS[cleaned]
    match = _TIME_SEPARATED.fullmatch(cleaned) or _TIME_COMPACT.fullmatch(cleaned)
    if match is None:
        return None
    hour_text, minute_text, meridiem_text = match.groups()
    hour, minute = int(hour_text), int(minute_text or 0)
    if minute > 59:
        return None
    if meridiem_text is None:
        return time(hour, minute) if hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    # 12am is midnight and 12pm is noon: the 12-hour clock counts 12, 1, 2, ... 11.
    hour %= 12
    if _MERIDIEM[meridiem_text] == "pm":
        hour += 12
    return time(hour, minute)


def format_time(t: time) -> str:
    """24-hour "HH:MM" (seconds are dropped): ``time(7, 30)`` -> "07:30"."""
    return f"{t.hour:02d}:{t.minute:02d}"


_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon", "mo"),
        ("tuesday", "tues", "tue", "tu"),
        ("wednesday", "weds", "wed", "we"),
        ("thursday", "thurs", "thur", "thu", "th"),
        ("friday", "fri", "fr"),
        ("saturday", "sat", "sa"),
        ("sunday", "sun", "su"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index
    _DAY_NAMES[_names[0] + "s"] = _index  # "mondays"
del _index, _names, _name

_DAY_SETS: dict[str, frozenset[int]] = {
    "every day": ALL_DAYS,
    "everyday": ALL_DAYS,
    "daily": ALL_DAYS,
    "all days": ALL_DAYS,
    "all week": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "work days": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
}
# Words that carry no information in "every Monday and Friday" or "on weekdays only".
_FILLER_WORDS = frozenset({"every", "each", "on", "only", "the"})
_RANGE_WORDS = re.compile(r"\s*(?:-|–|—|\bto\b|\bthrough\b|\bthru\b|\btill\b|\buntil\b)\s*")
_LIST_SEPARATORS = re.compile(r"(?:[\s,;/&+]|\band\b)+")


def parse_days(
    text: str,
    words: Mapping[str, frozenset[int]] | None = None,
    ranges: Iterable[str] = (),
) -> frozenset[int] | None:
    """Parse a set of weekdays (Monday=0); None if the text is not one.

    Accepts "every day" / "daily", "weekdays", "weekends", lists ("mon,wed,fri", "Tue and Thu",
    "monday wednesday"), ranges ("Mon-Fri", "mon to thu"; "Fri-Mon" wraps over the weekend) and
    combinations of these ("weekdays, sun"; "Mon-Wed, Sat").

    ``words`` adds another language's vocabulary (casefolded): a day name maps to one day, a
    phrase like "будни" to its set, and a word that carries nothing ("и") to the empty set;
    ``ranges`` adds its words that join the ends of a range ("lunes a viernes").
    """
    cleaned = " ".join(text.casefold().replace(".", " ").split())
    sets = dict(_DAY_SETS)
    names = dict(_DAY_NAMES)
    fillers = set(_FILLER_WORDS)
    for word, days in (words or {}).items():
        if len(days) == 1:
            names[word] = next(iter(days))
        elif days:
            sets[word] = days
        else:
            fillers.add(word)
    if cleaned in sets:
        return sets[cleaned]
    # A phrase that names a set ("fines de semana", "every day") becomes one token, so that
    # it can stand beside other words ("los fines de semana", "mon and weekends").
    for phrase in sorted((p for p in sets if " " in p), key=len, reverse=True):
        if phrase in cleaned:
            token = phrase.replace(" ", "_")
            sets[token] = sets[phrase]
            cleaned = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", token, cleaned)
    cleaned = _RANGE_WORDS.sub("-", cleaned)
    extra = [w.casefold() for w in ranges if w]
    if extra:
        # Only between two day names, and not when the same word also stands before a plural
        # first day: a range word may be a filler in its other sense (Russian "по" in "по
        # вторникам по четвергам", every Tuesday and Thursday).
        alternatives = "|".join(map(re.escape, extra))
        # ... and fillers may stand after the range word: "los lunes a los viernes".
        skip = "|".join(map(re.escape, sorted(fillers, key=len, reverse=True)))

        def join(m: re.Match[str]) -> str:
            if m[1] not in names or m[3] not in names:
                return m[0]
            # The word before the first day, read backwards from it (not the whole prefix,
            # which would make a long answer quadratic). It matters only for a plural day
            # (Russian dative "-ам"/"-ям": "по вторникам"); "по вт по чт" is still a range.
            whole, end = m.string, m.start()
            before = whole[whole.rfind(" ", 0, max(end - 1, 0)) + 1 : end].strip()
            if before == m[2] and m[1].endswith(("ам", "ям")):
                return m[0]
            return f"{m[1]}-{m[3]}"

        cleaned = re.sub(rf"(\w+)\s+({alternatives})\s+(?:(?:{skip})\s+)*(\w+)", join, cleaned)
    result: set[int] = set()
    for token in _LIST_SEPARATORS.split(cleaned):
        if not token or token in fillers:
            continue
        if token in sets:
            result |= sets[token]
            continue
        ends = token.split("-")
        if len(ends) == 1 and token in names:
            result.add(names[token])
        elif len(ends) == 2 and ends[0] in names and ends[1] in names:
            first, last = names[ends[0]], names[ends[1]]
            span = (last - first) % 7
            result.update((first + offset) % 7 for offset in range(span + 1))
        else:
            return None
    return frozenset(result) if result else None


def format_days(days: frozenset[int]) -> str:
    """Short English description: "every day", "weekdays", "weekends" or "Mon, Wed, Fri"."""
    if days == ALL_DAYS:
        return "every day"
    if days == WEEKDAYS:
        return "weekdays"
    if days == WEEKENDS:
        return "weekends"
    if not days:
        return "no days"
    return ", ".join(_DAY_ABBR[day] for day in sorted(days))


def days_from_mask(mask: int) -> frozenset[int]:
    """Stored day sets are bit masks: Monday = 1, Tuesday = 2, ... Sunday = 64 (127 = all)."""
    return frozenset(d for d in range(7) if mask & (1 << d))


def mask_from_days(days: frozenset[int]) -> int:
    return sum(1 << d for d in days)


def parse_hhmm(text: str) -> time:
    """A stored "HH:MM" (always valid: only format_time writes it)."""
    hour, minute = (int(x) for x in text.split(":"))
    return time(hour, minute)
