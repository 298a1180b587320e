"""One home for "when is each of this person's prompts next due?".

Every change that moves a person's clock (a new check-in or meditation time, a new zone, other
days, reminders switched on, resume after a pause) calls :func:`reschedule_user`, which asks
the plain :func:`plan` for every instant at once: the daily check-in and meditation prompts and
the weekly summary. Before this existed the same arithmetic was copied into four handlers and
a fifth place missed the weekly summary, which then stayed in the old zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING

from scheduler.timecalc import days_from_mask, next_occurrence, parse_hhmm

if TYPE_CHECKING:
    from bot.storage import Storage

__all__ = ["WEEKLY_TIME", "Plan", "next_weekly", "plan", "reschedule_user", "set_daily"]

WEEKLY_TIME = time(18, 0)


def next_weekly(after: datetime, weekday: int, tz: str) -> datetime:
    """The weekly summary goes out at 18:00 local on the chosen weekday."""
    return next_occurrence(after, WEEKLY_TIME, tz, frozenset({weekday}))


@dataclass(frozen=True)
class Plan:
    """The next due instant (UTC seconds) of each daily prompt, and of the weekly summary."""

    daily: dict[str, int]
    weekly_due_at: int | None


def plan(
    now: datetime,
    tz: str,
    daily: Iterable[tuple[str, str, int]],
    weekly_day: int | None,
) -> Plan:
    """Every next instant for one person: ``daily`` is (kind, "HH:MM", days mask) per prompt."""
    due = {
        kind: int(next_occurrence(now, parse_hhmm(at), tz, days_from_mask(days)).timestamp())
        for kind, at, days in daily
    }
    weekly = None if weekly_day is None else int(next_weekly(now, weekly_day, tz).timestamp())
    return Plan(due, weekly)


async def set_daily(
    storage: Storage, user_id: int, kind: str, local_time: str, days: int, now: datetime
) -> int | None:
    """Create or change one daily prompt and store its next instant; returns it."""
    user = await storage.get_user(user_id)
    if user is None:
        return None
    due = plan(now, user.tz or "UTC", [(kind, local_time, days)], None).daily[kind]
    await storage.upsert_schedule(user_id, kind, local_time, days, due)
    return due


async def reschedule_user(storage: Storage, user_id: int, now: datetime) -> Plan | None:
    """Recompute and store every due instant of one person (None if they are not stored)."""
    user = await storage.get_user(user_id)
    if user is None:
        return None
    schedules = await storage.schedules(user_id)
    result = plan(
        now,
        user.tz or "UTC",
        [(s.kind, s.local_time, s.days) for s in schedules],
        user.weekly_day if user.consent_progress and user.consent_reminders else None,
    )
    await storage.apply_plan(user_id, result.daily, result.weekly_due_at)
    return result
