"""The repository: every SQL statement trustbot runs lives here (and in migrations.py).

One aiosqlite connection writes, in `BEGIN IMMEDIATE` transactions behind an asyncio lock, so a
transaction never has to upgrade from read to write (the SQLITE_BUSY case busy_timeout can't
fix); a second connection reads, which WAL lets run beside the writer. Journal text is sealed
with `bot.crypto.Sealer` before it reaches SQL. Handlers call the named functions below and never
see SQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.storage.base import sql_statements
from bot.storage.inbox import InboxStore
from bot.storage.people import PeopleStore
from bot.storage.practices import PracticeStore
from bot.storage.records import (
    CONSENTS,
    SCHEDULE_KINDS,
    DeliveryOutcome,
    DueSchedule,
    JournalEntry,
    Schedule,
    StorageUnavailable,
    User,
    WeeklyDue,
    day_key,
    days_ago,
    utc_now_seconds,
)
from bot.storage.schedules import ScheduleStore

__all__ = [
    "CONSENTS",
    "SCHEDULE_KINDS",
    "DeliveryOutcome",
    "DueSchedule",
    "JournalEntry",
    "Schedule",
    "Storage",
    "StorageUnavailable",
    "User",
    "WeeklyDue",
    "day_key",
    "days_ago",
    "sql_statements",
    "utc_now_seconds",
]


class Storage(PeopleStore, ScheduleStore, InboxStore, PracticeStore):
    """The repository. Create with `await Storage.open(path, sealer)`; close with `close()`."""

    # ----------------------------------------------------------------- export
    async def export_user(self, user_id: int) -> dict[str, Any]:
        """Everything stored about one user, decrypted (schema in docs/privacy.md)."""
        user = await self.get_user(user_id)
        if user is None:
            return {"user": None}

        def iso(ts: int | None) -> str | None:
            return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()

        moods = await self._fetchall(
            "SELECT at, local_date, mood FROM checkins WHERE user_id = ? ORDER BY at", (user_id,)
        )
        done = await self.lessons_done(user_id)
        return {
            "schema": "trustbot-export/1",
            "user": {
                "user_id": user.user_id,
                "chat_id": user.chat_id,
                "created_at": iso(user.created_at),
                "consents": {name: user.consent(name) for name in CONSENTS},
                "country": user.country,
                "time_zone": user.tz,
                "language": user.language,
                "lesson_reminders": not user.recall_off,
                "paused": user.paused,
                "age_confirmed": user.age_ok,
                "weekly_summary_day": user.weekly_day,
            },
            "schedules": [
                {
                    "kind": s.kind,
                    "local_time": s.local_time,
                    "days": s.days,
                    "next_due_at": iso(s.next_due_at),
                    "unanswered": s.unanswered,
                }
                for s in await self.schedules(user_id)
            ],
            "deliveries": [
                {"kind": k, "due_at": iso(d), "outcome": o, "reason": r, "recorded_at": iso(a)}
                for k, d, o, r, a in await self.deliveries(user_id)
            ],
            "checkins": [
                {"at": iso(int(r[0])), "local_date": r[1], "mood": int(r[2])} for r in moods
            ],
            "lessons_done": [
                {"lesson_id": lid, "done_at": iso(at)} for lid, at in sorted(done.items())
            ],
            "journal": [
                {"at": iso(e.at), "kind": e.kind, "ref": e.ref, "text": e.text}
                for e in await self.journal(user_id)
            ],
            "practices": [
                {"at": iso(at), "kind": kind, "value": value}
                for at, kind, value in await self.practice_log(user_id)
            ],
            "conversation": json.loads(await self.get_flow(user_id) or "{}"),
        }
