"""Rows as the rest of the bot sees them: plain frozen dataclasses, and their converters."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

CONSENTS = ("reminders", "progress", "journal")
SCHEDULE_KINDS = ("checkin", "meditation")


class StorageUnavailable(Exception):
    """The database can't be used right now (locked past the timeout, disk error, closed)."""


@dataclass(frozen=True)
class User:
    user_id: int
    chat_id: int
    created_at: int
    onboarding: str
    consent_reminders: bool
    consent_progress: bool
    consent_journal: bool
    country: str | None
    tz: str | None
    paused: bool
    blocked: bool
    age_ok: bool | None
    weekly_day: int | None
    followup_at: int | None
    weekly_due_at: int | None
    language: str | None = None
    recall_off: bool = False

    def keeps_settings(self) -> bool:
        """Whether a consent that keeps settings (time zone, language) is on."""
        return self.consent_reminders or self.consent_progress

    def consent(self, name: str) -> bool:
        return bool(getattr(self, f"consent_{name}"))


@dataclass(frozen=True)
class Schedule:
    user_id: int
    kind: str
    local_time: str
    days: int
    next_due_at: int
    state: str
    unanswered: int
    slowed: bool
    slow_notice_sent: bool
    snooze_until: int | None


@dataclass(frozen=True)
class DueSchedule:
    """A schedule row claimed for sending, with what the sender needs to know."""

    user_id: int
    chat_id: int
    kind: str
    local_time: str
    days: int
    due_at: int
    tz: str
    unanswered: int
    slowed: bool
    slow_notice_sent: bool
    paused: bool
    country: str | None
    next_due_at: int = 0  # the daily due instant (differs from due_at for a snooze)
    answered_on: str | None = None
    language: str | None = None  # the person's chosen language, when kept
    progress: bool = False  # progress consent (the check-in may recall a lesson)
    recall_off: bool = False


@dataclass(frozen=True)
class DeliveryOutcome:
    """One prompt's fate, to be recorded with `Storage.finish_deliveries`."""

    due: DueSchedule
    outcome: str  # sent | skipped | failed
    reason: str | None
    at: int
    next_due_at: int | None
    was_snooze: bool = False
    counts_unanswered: bool = False  # a daily check-in prompt went out
    slow_notice: bool = False  # it carried the one-time "every other day" note
    local_day: str = ""  # the prompt's local date: an answer that day wins over the batch
    blocked: bool = False


@dataclass(frozen=True)
class WeeklyDue:
    user_id: int
    chat_id: int
    tz: str
    weekday: int | None
    skip: bool
    language: str | None = None


@dataclass(frozen=True)
class JournalEntry:
    id: int
    at: int
    kind: str
    ref: str | None
    text: str


USER_COLUMNS = (
    "user_id, chat_id, created_at, onboarding, consent_reminders, consent_progress, "
    "consent_journal, country, tz, paused, blocked, age_ok, weekly_day, followup_at, "
    "weekly_due_at, language, recall_off"
)
SCHEDULE_COLUMNS = (
    "user_id, kind, local_time, days, next_due_at, state, unanswered, slowed, "
    "slow_notice_sent, snooze_until"
)


def user_from_row(row: sqlite3.Row | tuple[Any, ...]) -> User:
    return User(
        user_id=row[0],
        chat_id=row[1],
        created_at=row[2],
        onboarding=row[3],
        consent_reminders=bool(row[4]),
        consent_progress=bool(row[5]),
        consent_journal=bool(row[6]),
        country=row[7],
        tz=row[8],
        paused=bool(row[9]),
        blocked=bool(row[10]),
        age_ok=None if row[11] is None else bool(row[11]),
        weekly_day=row[12],
        followup_at=row[13],
        weekly_due_at=row[14],
        language=row[15],
        recall_off=bool(row[16]),
    )


def schedule_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Schedule:
    return Schedule(
        user_id=row[0],
        kind=row[1],
        local_time=row[2],
        days=row[3],
        next_due_at=row[4],
        state=row[5],
        unanswered=row[6],
        slowed=bool(row[7]),
        slow_notice_sent=bool(row[8]),
        snooze_until=row[9],
    )


def day_key(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).date().isoformat()


def utc_now_seconds(now: datetime) -> int:
    return int(now.timestamp())


def days_ago(now: int, days: int) -> int:
    return now - int(timedelta(days=days).total_seconds())
