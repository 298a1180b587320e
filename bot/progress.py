"""Progress as plain functions: a streak that forgives, lessons per step, a week in numbers.

No Telegram, no storage: dates and ids in, small results out, tested directly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot import texts
from bot.i18n import DEFAULT, Tr, tr

GRACE_DAYS_PER_WEEK = 2


@dataclass(frozen=True)
class Streak:
    days: int  # days with a check-in in the current run
    grace_used_this_week: int  # missed days forgiven in the current ISO week
    checkins_last_30: int


def streak(checkin_dates: Iterable[date], today: date) -> Streak:
    """Consecutive check-in days ending today, where up to two missed days per ISO week are
    forgiven: a missed day doesn't reset anything unless a week has more than two of them.
    Today counts only if checked in already (the day isn't over).
    """
    dates = set(checkin_dates)
    if not dates:
        return Streak(0, 0, 0)
    first = min(dates)
    days = 0
    grace_by_week: dict[tuple[int, int], int] = {}
    day = today
    while day >= first:
        if day in dates:
            days += 1
        elif day != today:
            week = day.isocalendar()[:2]
            used = grace_by_week.get(week, 0)
            if used >= GRACE_DAYS_PER_WEEK:
                break
            grace_by_week[week] = used + 1
        day -= timedelta(days=1)
    this_week = grace_by_week.get(today.isocalendar()[:2], 0)
    recent = sum(1 for d in dates if today - timedelta(days=29) <= d <= today)
    return Streak(days, this_week, recent)


@dataclass(frozen=True)
class StepProgress:
    track_id: str
    title: str
    done: int
    total: int


def lessons_per_step(
    tracks: Sequence[tuple[str, str, Sequence[str]]], done: Collection[str]
) -> list[StepProgress]:
    """(track id, title, lesson ids) in path order + the ids done -> progress per track."""
    return [
        StepProgress(track_id, title, sum(1 for lid in lesson_ids if lid in done), len(lesson_ids))
        for track_id, title, lesson_ids in tracks
    ]


def progress_bar(done: int, total: int, width: int = 8) -> str:
    if total <= 0:
        return ""
    filled = round(width * done / total)
    return "▰" * filled + "▱" * (width - filled)


def week_sentence(moods: Sequence[int], lessons_done: int, t: Tr | None = None) -> str:
    """A few encouraging, factual words about a week (never guilt for missing days)."""
    t = t or tr(DEFAULT)
    if not moods and not lessons_done:
        return t(texts.WEEK_QUIET)
    parts = []
    if moods:
        parts.append(t.n(texts.WEEK_CHECKINS, len(moods)))
    if lessons_done:
        parts.append(t.n(texts.WEEK_LESSONS, lessons_done))
    if len(moods) >= 2 and moods[-1] > moods[0]:
        parts.append(t(texts.WEEK_HIGHER))
    else:
        parts.append(t(texts.WEEK_COUNTS))
    return " ".join(parts)
