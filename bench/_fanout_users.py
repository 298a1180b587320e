"""The fan-out benchmark's synthetic user base: who is in which zone, who is due in the morning
rush, and the database they are loaded into (part of ``python -m bench.fanout``; see
bench/fanout.py).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.crypto import Sealer
from bot.storage import Storage
from scheduler.timecalc import next_occurrence

# The rush: 06:30 UTC on a Monday in March (07:30 in Berlin, 12:15 in Kathmandu, 19:30 in
# Auckland). Every due user picked the local time that falls on this instant in their zone.
RUSH = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
ZONES: tuple[tuple[str, str], ...] = (
    ("Europe/Berlin", "DE"),
    ("Europe/London", "GB"),
    ("America/New_York", "US"),
    ("America/Chicago", "US"),
    ("America/Denver", "US"),
    ("America/Los_Angeles", "US"),
    ("America/Sao_Paulo", "BR"),
    ("Africa/Lagos", "NG"),
    ("Asia/Dubai", "AE"),
    ("Asia/Kolkata", "IN"),
    ("Asia/Kathmandu", "NP"),
    ("Asia/Shanghai", "CN"),
    ("Asia/Tokyo", "JP"),
    ("Australia/Sydney", "AU"),
    ("Pacific/Auckland", "NZ"),
)
DUE_EVERY = 10  # user ids divisible by this are in the rush: 10%


def zone_of(uid: int) -> int:
    # By uid // 10 so that the due users (multiples of 10) cover every zone too.
    return (uid // DUE_EVERY) % len(ZONES)


def is_due(uid: int) -> bool:
    return uid % DUE_EVERY == 0


def rush_minute(zone: str) -> int:
    local = RUSH.astimezone(ZoneInfo(zone))
    return local.hour * 60 + local.minute


def minute_of(uid: int, zone: str) -> int:
    """The user's check-in minute of the day: the rush minute if due, else spread over the day."""
    rush = rush_minute(zone)
    if is_due(uid):
        return rush
    minute = ((uid * 2654435761) >> 7) % 1440  # a cheap, deterministic scatter
    return (minute + 1) % 1440 if minute == rush else minute


def due_chats(n: int) -> list[int]:
    return [uid for uid in range(DUE_EVERY, n + 1, DUE_EVERY)]


def check_rush_rule() -> None:
    """The due users' prompt really is due at the rush instant by the product's own rule."""
    rush_at = int(RUSH.timestamp())
    for zone, _ in ZONES:
        minute = rush_minute(zone)
        fire = next_occurrence(RUSH - timedelta(seconds=1), dtime(minute // 60, minute % 60), zone)
        assert int(fire.timestamp()) == rush_at, (zone, fire)


def user_rows(n: int) -> Iterator[tuple[Any, ...]]:
    """Rows for the users table: every user onboarded, with reminders and progress on."""
    rush_at = int(RUSH.timestamp())
    for uid in range(1, n + 1):
        zone, country = ZONES[zone_of(uid)]
        yield (uid, uid, rush_at - 86400 * 30, "done", 1, 1, country, zone, 1)


def schedule_rows(n: int) -> Iterator[tuple[Any, ...]]:
    """Rows for the schedules table: (user, local time, next due), due at the rush or later."""
    rush_at = int(RUSH.timestamp())
    after_rush = RUSH + timedelta(minutes=1)
    next_due: dict[tuple[int, int], int] = {}

    def due_at(zone_index: int, minute: int) -> int:
        key = (zone_index, minute)
        if key not in next_due:
            at = dtime(minute // 60, minute % 60)
            next_due[key] = int(next_occurrence(after_rush, at, ZONES[zone_index][0]).timestamp())
        return next_due[key]

    for uid in range(1, n + 1):
        zi = zone_of(uid)
        minute = minute_of(uid, ZONES[zi][0])
        at = rush_at if is_due(uid) else due_at(zi, minute)
        yield (uid, f"{minute // 60:02d}:{minute % 60:02d}", at)


def build_database(path: Path, n: int) -> dict[str, float]:
    """Create the schema with the real Storage, then bulk-load N users and schedules.

    Set-up only: plain sqlite3 with executemany, before any measured process opens the file.
    """
    started = time.perf_counter()

    async def create_schema() -> None:
        storage = await Storage.open(path, Sealer(os.urandom(32)))
        await storage.close()

    asyncio.run(create_schema())
    rush_at = int(RUSH.timestamp())
    check_rush_rule()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO users (user_id, chat_id, created_at, onboarding, consent_reminders, "
            "consent_progress, country, tz, age_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            user_rows(n),
        )
        conn.executemany(
            "INSERT INTO schedules (user_id, kind, local_time, days, next_due_at) "
            "VALUES (?, 'checkin', ?, 127, ?)",
            schedule_rows(n),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (due,) = conn.execute(
            "SELECT COUNT(*) FROM schedules WHERE next_due_at <= ?", (rush_at,)
        ).fetchone()
    finally:
        conn.close()
    assert due == len(due_chats(n)), (due, n)
    return {"build_s": time.perf_counter() - started, "db_mb": path.stat().st_size / 2**20}
