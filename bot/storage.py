"""The repository: every SQL statement trustbot runs lives here (and in migrations.py).

One aiosqlite connection writes, in `BEGIN IMMEDIATE` transactions behind an asyncio lock, so a
transaction never has to upgrade from read to write (the SQLITE_BUSY case busy_timeout can't
fix); a second connection reads, which WAL lets run beside the writer. Journal text is sealed
with `bot.crypto.Sealer` before it reaches SQL. Handlers call the named functions below and never
see SQL.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.crypto import Sealer
from bot.migrations import LATEST, MIGRATIONS

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


@dataclass(frozen=True)
class JournalEntry:
    id: int
    at: int
    kind: str
    ref: str | None
    text: str


_USER_COLUMNS = (
    "user_id, chat_id, created_at, onboarding, consent_reminders, consent_progress, "
    "consent_journal, country, tz, paused, blocked, age_ok, weekly_day, followup_at, weekly_due_at"
)
_SCHEDULE_COLUMNS = (
    "user_id, kind, local_time, days, next_due_at, state, unanswered, slowed, "
    "slow_notice_sent, snooze_until"
)


def _user(row: sqlite3.Row | tuple[Any, ...]) -> User:
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
    )


def _schedule(row: sqlite3.Row | tuple[Any, ...]) -> Schedule:
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


def sql_statements(script: str) -> list[str]:
    """A migration script cut into whole statements, as SQLite itself reads them: a ';' inside
    a string, a comment or a trigger body does not end a statement."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"migration ends inside a statement: {current.strip()[:60]!r}")
    return statements


def _restrict_side_files(path: Path) -> None:
    """SQLite creates -wal and -shm with the process umask: make them owner-only too."""
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            os.chmod(side, 0o600)


def day_key(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).date().isoformat()


class Storage:
    """The repository. Create with `await Storage.open(path, sealer)`; close with `close()`."""

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, sealer: Sealer, path: Path
    ) -> None:
        self._w = writer
        self._r = reader
        self._sealer = sealer
        self._lock = asyncio.Lock()
        self.path = path
        self._closed = False

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    async def open(cls, path: Path, sealer: Sealer, *, busy_timeout_ms: int = 5000) -> Storage:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Create the file 0600 before SQLite does, so it is never world-readable.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        try:
            writer = await aiosqlite.connect(path, isolation_level=None)
            reader = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageUnavailable(str(exc)) from None
        for conn in (writer, reader):
            await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA secure_delete = ON")
        await writer.execute("PRAGMA journal_mode = WAL")
        await writer.execute("PRAGMA synchronous = NORMAL")
        store = cls(writer, reader, sealer, path)
        await store.migrate()
        _restrict_side_files(path)
        return store

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._r.close()
        await self._w.close()

    async def migrate(self) -> int:
        """Bring the schema to the latest version; returns the version it started from."""
        async with self._lock:
            cur = await self._w.execute("PRAGMA user_version")
            row = await cur.fetchone()
            start = int(row[0]) if row else 0
            if start > LATEST:
                raise StorageUnavailable(
                    f"database schema {start} is newer than this trustbot ({LATEST})"
                )
            for version in range(start, LATEST):
                await self._w.execute("BEGIN IMMEDIATE")
                try:
                    for statement in sql_statements(MIGRATIONS[version]):
                        await self._w.execute(statement)
                    await self._w.execute(f"PRAGMA user_version = {version + 1}")
                    await self._w.execute("COMMIT")
                except BaseException:
                    await self._w.execute("ROLLBACK")
                    raise
            return start

    async def schema_version(self) -> int:
        cur = await self._r.execute("PRAGMA user_version")
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._closed:
            raise StorageUnavailable("storage is closed")
        async with self._lock:
            try:
                await self._w.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StorageUnavailable(str(exc)) from None
            try:
                yield self._w
            except sqlite3.Error as exc:
                # A fault inside the body (disk full, a read-only file, a lock lost) is the
                # database being unavailable too, not a bug: the caller's "can't reach my
                # memory" handling applies.
                await self._rollback()
                raise StorageUnavailable(str(exc)) from None
            except BaseException:
                await self._rollback()
                raise
            try:
                await self._w.execute("COMMIT")
            except sqlite3.Error as exc:
                await self._rollback()
                raise StorageUnavailable(str(exc)) from None

    async def _rollback(self) -> None:
        """Roll back, if a transaction is still open (SQLite may have ended it already)."""
        try:
            if self._w.in_transaction:
                await self._w.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    async def _fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        if self._closed:
            raise StorageUnavailable("storage is closed")
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    async def _fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        if self._closed:
            raise StorageUnavailable("storage is closed")
        # execute_fetchall reads to the end and closes the cursor, which ends the read
        # transaction: a half-read cursor kept the reader on an old snapshot, so a handler
        # could miss a write it had just made (found by bench/updates.py).
        try:
            return list(await self._r.execute_fetchall(sql, tuple(params)))
        except sqlite3.Error as exc:
            raise StorageUnavailable(str(exc)) from None

    async def checkpoint(self) -> None:
        """Fold the WAL back into the main file (used by erase, so no old page lingers)."""
        async with self._lock:
            await self._w.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ----------------------------------------------------------------- users
    async def get_user(self, user_id: int) -> User | None:
        row = await self._fetchone(
            f"SELECT {_USER_COLUMNS} FROM users WHERE user_id = ?", (user_id,)
        )
        return _user(row) if row else None

    async def ensure_user(self, user_id: int, chat_id: int, now: int) -> User:
        """The user's row, created on first contact (it holds only settings and consents)."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO users (user_id, chat_id, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id, blocked = 0",
                (user_id, chat_id, now),
            )
            cur = await db.execute(
                f"SELECT {_USER_COLUMNS} FROM users WHERE user_id = ?", (user_id,)
            )
            row = await cur.fetchone()
        assert row is not None
        return _user(row)

    async def update_user(self, user_id: int, **fields: Any) -> None:
        allowed = {
            "onboarding",
            "country",
            "tz",
            "paused",
            "age_ok",
            "weekly_day",
            "followup_at",
            "weekly_due_at",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not user settings: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        async with self._write() as db:
            await db.execute(
                f"UPDATE users SET {assignments} WHERE user_id = ?", (*fields.values(), user_id)
            )

    async def set_consent(self, user_id: int, name: str, value: bool) -> int:
        """Switch one consent. Switching off deletes that category's data at once.

        Returns how many rows were deleted, so the reply can say so.
        """
        if name not in CONSENTS:
            raise ValueError(f"unknown consent {name!r}")
        deleted = 0
        async with self._write() as db:
            await db.execute(
                f"UPDATE users SET consent_{name} = ? WHERE user_id = ?", (int(value), user_id)
            )
            if not value:
                tables = {
                    "reminders": ("schedules", "deliveries"),
                    "progress": ("checkins", "lessons_done"),
                    "journal": ("journal",),
                }[name]
                for table in tables:
                    cur = await db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
                    deleted += max(cur.rowcount, 0)
                if name == "reminders":
                    await db.execute(
                        "UPDATE users SET weekly_day = NULL, weekly_due_at = NULL, "
                        "followup_at = NULL WHERE user_id = ?",
                        (user_id,),
                    )
        return deleted

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE users SET blocked = ? WHERE user_id = ?", (int(blocked), user_id)
            )

    async def erase_user(self, user_id: int) -> None:
        """Every row of this user, in one transaction; then the WAL is folded back."""
        async with self._write() as db:
            for table in ("journal", "checkins", "lessons_done", "deliveries", "schedules"):
                await db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        await self.checkpoint()

    # ----------------------------------------------------------------- check-ins and lessons
    async def record_checkin(self, user_id: int, mood: int, at: int, local_date: str) -> int:
        async with self._write() as db:
            cur = await db.execute(
                "INSERT INTO checkins (user_id, at, local_date, mood) VALUES (?, ?, ?, ?)",
                (user_id, at, local_date, mood),
            )
            # Any answer restores the normal rhythm of reminders.
            await db.execute(
                "UPDATE schedules SET unanswered = 0, slowed = 0, slow_notice_sent = 0 "
                "WHERE user_id = ?",
                (user_id,),
            )
            return int(cur.lastrowid or 0)

    async def mark_answered(self, user_id: int, local_date: str) -> None:
        """A check-in was answered today: no prompt today, and the normal rhythm is back."""
        async with self._write() as db:
            await db.execute(
                "UPDATE schedules SET answered_on = ?, unanswered = 0, slowed = 0, "
                "slow_notice_sent = 0 WHERE user_id = ? AND kind = 'checkin'",
                (local_date, user_id),
            )

    async def answered_on(self, user_id: int) -> str | None:
        row = await self._fetchone(
            "SELECT answered_on FROM schedules WHERE user_id = ? AND kind = 'checkin'", (user_id,)
        )
        return str(row[0]) if row and row[0] else None

    async def recent_moods(self, user_id: int, limit: int = 5) -> tuple[int, ...]:
        rows = await self._fetchall(
            "SELECT mood FROM checkins WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?",
            (user_id, limit),
        )
        return tuple(int(r[0]) for r in rows)

    async def moods_since(self, user_id: int, since: int) -> list[tuple[int, str, int]]:
        rows = await self._fetchall(
            "SELECT at, local_date, mood FROM checkins WHERE user_id = ? AND at >= ? ORDER BY at",
            (user_id, since),
        )
        return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    async def checkin_dates(self, user_id: int) -> list[str]:
        rows = await self._fetchall(
            "SELECT DISTINCT local_date FROM checkins WHERE user_id = ? ORDER BY local_date",
            (user_id,),
        )
        return [str(r[0]) for r in rows]

    async def has_checkin_on(self, user_id: int, local_date: str) -> bool:
        row = await self._fetchone(
            "SELECT 1 FROM checkins WHERE user_id = ? AND local_date = ? LIMIT 1",
            (user_id, local_date),
        )
        return row is not None

    async def mark_lesson_done(self, user_id: int, lesson_id: str, at: int) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT OR IGNORE INTO lessons_done (user_id, lesson_id, done_at) VALUES (?, ?, ?)",
                (user_id, lesson_id, at),
            )

    async def lessons_done(self, user_id: int) -> dict[str, int]:
        rows = await self._fetchall(
            "SELECT lesson_id, done_at FROM lessons_done WHERE user_id = ?", (user_id,)
        )
        return {str(r[0]): int(r[1]) for r in rows}

    # ----------------------------------------------------------------- journal (encrypted)
    async def add_journal(
        self, user_id: int, kind: str, text: str, at: int, ref: str | None = None
    ) -> int:
        blob = self._sealer.seal(user_id, text)
        async with self._write() as db:
            cur = await db.execute(
                "INSERT INTO journal (user_id, at, kind, ref, body) VALUES (?, ?, ?, ?, ?)",
                (user_id, at, kind, ref, blob),
            )
            return int(cur.lastrowid or 0)

    async def replace_journal(self, user_id: int, kind: str, text: str, at: int) -> None:
        """Keep one entry of this kind (the safety plan): the new one replaces the old."""
        blob = self._sealer.seal(user_id, text)
        async with self._write() as db:
            await db.execute("DELETE FROM journal WHERE user_id = ? AND kind = ?", (user_id, kind))
            await db.execute(
                "INSERT INTO journal (user_id, at, kind, ref, body) VALUES (?, ?, ?, NULL, ?)",
                (user_id, at, kind, blob),
            )

    async def journal(self, user_id: int, kind: str | None = None) -> list[JournalEntry]:
        sql = "SELECT id, at, kind, ref, body FROM journal WHERE user_id = ?"
        params: list[Any] = [user_id]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        rows = await self._fetchall(sql + " ORDER BY at, id", params)
        return [
            JournalEntry(int(r[0]), int(r[1]), str(r[2]), r[3], self._sealer.open(user_id, r[4]))
            for r in rows
        ]

    async def reseal_journal(self, new: Sealer) -> int:
        """Re-encrypt every journal entry with a new key, in one transaction (key rotation)."""
        async with self._write() as db:
            cur = await db.execute("SELECT id, user_id, body FROM journal")
            rows = list(await cur.fetchall())
            for entry_id, user_id, blob in rows:
                text = self._sealer.open(int(user_id), blob)
                await db.execute(
                    "UPDATE journal SET body = ? WHERE id = ?",
                    (new.seal(int(user_id), text), entry_id),
                )
        self._sealer = new
        await self.checkpoint()
        return len(rows)

    async def expire_journal(self, before: int) -> int:
        """Delete journal text older than the retention limit (the safety plan is kept)."""
        async with self._write() as db:
            cur = await db.execute(
                "DELETE FROM journal WHERE at < ? AND kind != 'safety_plan'", (before,)
            )
            return max(cur.rowcount, 0)

    # ----------------------------------------------------------------- schedules
    async def upsert_schedule(
        self, user_id: int, kind: str, local_time: str, days: int, next_due_at: int
    ) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO schedules (user_id, kind, local_time, days, next_due_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, kind) DO UPDATE SET "
                "local_time = excluded.local_time, days = excluded.days, "
                "next_due_at = excluded.next_due_at, snooze_until = NULL",
                (user_id, kind, local_time, days, next_due_at),
            )

    async def delete_schedule(self, user_id: int, kind: str) -> None:
        async with self._write() as db:
            await db.execute(
                "DELETE FROM schedules WHERE user_id = ? AND kind = ?", (user_id, kind)
            )

    async def schedules(self, user_id: int) -> list[Schedule]:
        rows = await self._fetchall(
            f"SELECT {_SCHEDULE_COLUMNS} FROM schedules WHERE user_id = ? ORDER BY kind",
            (user_id,),
        )
        return [_schedule(r) for r in rows]

    async def set_next_due(self, user_id: int, kind: str, next_due_at: int) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE schedules SET next_due_at = ? WHERE user_id = ? AND kind = ?",
                (next_due_at, user_id, kind),
            )

    async def apply_plan(
        self, user_id: int, daily: dict[str, int], weekly_due_at: int | None
    ) -> None:
        """Store a person's recomputed due instants (see scheduler.planning) at once."""
        async with self._write() as db:
            await db.executemany(
                "UPDATE schedules SET next_due_at = ? WHERE user_id = ? AND kind = ?",
                [(due, user_id, kind) for kind, due in daily.items()],
            )
            await db.execute(
                "UPDATE users SET weekly_due_at = ? WHERE user_id = ?", (weekly_due_at, user_id)
            )

    async def snooze(self, user_id: int, kind: str, until: int) -> bool:
        """Remind again at `until` (one extra prompt; the daily rhythm is unchanged)."""
        async with self._write() as db:
            cur = await db.execute(
                "UPDATE schedules SET snooze_until = ? WHERE user_id = ? AND kind = ?",
                (until, user_id, kind),
            )
            return cur.rowcount > 0

    async def claim_due(self, now: int, limit: int, token: str) -> list[DueSchedule]:
        """Mark up to `limit` due schedules as `sending` and return them, with everything the
        sender needs (so it reads nothing more per user).

        The claim and the read are one `BEGIN IMMEDIATE` transaction, so a second process on
        the same file can never claim the same row: it waits for the lock, then sees
        state = 'sending'. Due work is found with two index ranges (daily due instant, and
        snoozed prompts), never a walk over every schedule.
        """
        async with self._write() as db:
            cur = await db.execute(
                "UPDATE schedules SET state = 'sending', claimed_at = ?, claim_token = ?, "
                "send_started_at = NULL "
                "WHERE rowid IN (SELECT r FROM ("
                "SELECT rowid AS r, next_due_at AS d FROM schedules "
                "WHERE state = 'idle' AND next_due_at <= ? "
                "UNION ALL SELECT rowid, snooze_until FROM schedules "
                "WHERE state = 'idle' AND snooze_until IS NOT NULL AND snooze_until <= ?"
                ") ORDER BY d LIMIT ?) "
                "RETURNING user_id, kind, local_time, days, next_due_at, snooze_until, "
                "unanswered, slowed, slow_notice_sent, answered_on",
                (now, token, now, now, limit),
            )
            claimed = list(await cur.fetchall())
            if not claimed:
                return []
            user_ids = sorted({int(r[0]) for r in claimed})
            marks = ",".join("?" for _ in user_ids)
            cur = await db.execute(
                "SELECT user_id, chat_id, COALESCE(tz, 'UTC'), "
                "paused OR blocked OR NOT consent_reminders, country "
                f"FROM users WHERE user_id IN ({marks})",
                user_ids,
            )
            users = {int(r[0]): r for r in await cur.fetchall()}
        due: list[DueSchedule] = []
        for r in claimed:
            user = users[int(r[0])]
            snooze = r[5]
            is_snooze = snooze is not None and snooze <= now and snooze < r[4]
            due.append(
                DueSchedule(
                    user_id=int(r[0]),
                    chat_id=int(user[1]),
                    kind=str(r[1]),
                    local_time=str(r[2]),
                    days=int(r[3]),
                    due_at=int(snooze if is_snooze else r[4]),
                    tz=str(user[2]),
                    unanswered=int(r[6]),
                    slowed=bool(r[7]),
                    slow_notice_sent=bool(r[8]),
                    paused=bool(user[3]),
                    country=user[4],
                    next_due_at=int(r[4]),
                    answered_on=r[9],
                )
            )
        due.sort(key=lambda d: d.due_at)
        return due

    async def finish_deliveries(self, outcomes: Sequence[DeliveryOutcome]) -> None:
        """Record a batch of prompts' fates and release their schedules, in one transaction.

        Until this commits, the batch's rows stay `sending`: a crash before it is recovered as
        "interrupted, not resent", so batching keeps delivery at most once.
        """
        if not outcomes:
            return
        async with self._write() as db:
            await db.executemany(
                "INSERT INTO deliveries (user_id, kind, due_at, outcome, reason, at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, kind, due_at) DO UPDATE SET "
                "outcome = excluded.outcome, reason = excluded.reason, at = excluded.at",
                [
                    (o.due.user_id, o.due.kind, o.due.due_at, o.outcome, o.reason, o.at)
                    for o in outcomes
                ],
            )
            # SET expressions read the row as it was, so an answer given while the batch was
            # sending (answered_on = that day) resets the count instead of being overwritten.
            await db.executemany(
                "UPDATE schedules SET state = 'idle', claimed_at = NULL, claim_token = NULL, "
                "send_started_at = NULL, "
                "snooze_until = CASE WHEN ? THEN NULL ELSE snooze_until END, "
                "next_due_at = COALESCE(?, next_due_at), "
                "unanswered = CASE WHEN answered_on IS ? THEN 0 ELSE unanswered + ? END, "
                "slowed = CASE WHEN answered_on IS ? THEN 0 "
                "WHEN unanswered + ? >= 3 THEN 1 ELSE slowed END, "
                "slow_notice_sent = CASE WHEN answered_on IS ? THEN 0 "
                "ELSE MAX(slow_notice_sent, ?) END "
                "WHERE user_id = ? AND kind = ?",
                [
                    (
                        int(o.was_snooze),
                        o.next_due_at,
                        o.local_day or None,
                        int(o.counts_unanswered),
                        o.local_day or None,
                        int(o.counts_unanswered),
                        o.local_day or None,
                        int(o.slow_notice),
                        o.due.user_id,
                        o.due.kind,
                    )
                    for o in outcomes
                ],
            )
            sent: dict[tuple[str, str], int] = {}
            for o in outcomes:
                if o.outcome == "sent":
                    key = (day_key(o.at), f"prompt_sent_{o.due.kind}")
                    sent[key] = sent.get(key, 0) + 1
            for (day, name), n in sent.items():
                await self._bump(db, day, name, n)
            blocked = sorted({o.due.user_id for o in outcomes if o.blocked})
            if blocked:
                await db.executemany(
                    "UPDATE users SET blocked = 1 WHERE user_id = ?", [(u,) for u in blocked]
                )

    async def mark_send_started(self, user_id: int, kind: str, at: int) -> None:
        """Committed just before a claimed prompt's first send attempt: from here on a crash
        leaves its delivery unknown, so it is never sent a second time."""
        async with self._write() as db:
            await db.execute(
                "UPDATE schedules SET send_started_at = ? WHERE user_id = ? AND kind = ? "
                "AND state = 'sending'",
                (at, user_id, kind),
            )

    async def orphaned_claims(
        self, token: str, older_than: int
    ) -> tuple[list[DueSchedule], list[tuple[int, str]]]:
        """Rows left `sending` with nobody sending them: claimed by ``token`` (this process,
        between ticks: its record failed) or claimed before ``older_than`` (a process that
        died). Returns those whose send had begun (delivery unknown) and the (user, kind) of
        those never attempted, which can simply be released and sent."""
        rows = await self._fetchall(
            "SELECT s.user_id, u.chat_id, s.kind, s.local_time, s.days, s.next_due_at, "
            "COALESCE(u.tz, 'UTC'), s.unanswered, s.slowed, s.slow_notice_sent, "
            "u.paused OR u.blocked OR NOT u.consent_reminders, u.country, s.snooze_until, "
            "s.claimed_at, s.answered_on, s.send_started_at "
            "FROM schedules s JOIN users u ON u.user_id = s.user_id "
            "WHERE s.state = 'sending' AND (s.claim_token = ? OR s.claimed_at < ?)",
            (token, older_than),
        )
        started: list[DueSchedule] = []
        untouched: list[tuple[int, str]] = []
        for r in rows:
            if r[15] is None:
                untouched.append((int(r[0]), str(r[2])))
                continue
            snooze, claimed_at = r[12], r[13]
            # A snoozed prompt was what was being sent: its fate is the snooze's, and the
            # daily due instant must stay where it is.
            is_snooze = snooze is not None and snooze <= claimed_at and snooze < r[5]
            started.append(
                DueSchedule(
                    user_id=int(r[0]),
                    chat_id=int(r[1]),
                    kind=str(r[2]),
                    local_time=str(r[3]),
                    days=int(r[4]),
                    due_at=int(snooze if is_snooze else r[5]),
                    tz=str(r[6]),
                    unanswered=int(r[7]),
                    slowed=bool(r[8]),
                    slow_notice_sent=bool(r[9]),
                    paused=bool(r[10]),
                    country=r[11],
                    next_due_at=int(r[5]),
                    answered_on=r[14],
                )
            )
        return started, untouched

    async def release_claims(self, keys: Sequence[tuple[int, str]]) -> None:
        """Put claimed rows whose send never began back to `idle`, due as they were."""
        if not keys:
            return
        async with self._write() as db:
            await db.executemany(
                "UPDATE schedules SET state = 'idle', claimed_at = NULL, claim_token = NULL "
                "WHERE user_id = ? AND kind = ? AND state = 'sending' "
                "AND send_started_at IS NULL",
                keys,
            )

    async def deliveries(self, user_id: int) -> list[tuple[str, int, str, str | None, int]]:
        rows = await self._fetchall(
            "SELECT kind, due_at, outcome, reason, at FROM deliveries WHERE user_id = ? "
            "ORDER BY due_at, kind",
            (user_id,),
        )
        return [(str(r[0]), int(r[1]), str(r[2]), r[3], int(r[4])) for r in rows]

    async def deactivate_reminders(self, user_id: int) -> None:
        """The user blocked the bot: stop sending until they come back with /start."""
        async with self._write() as db:
            await db.execute("UPDATE users SET blocked = 1 WHERE user_id = ?", (user_id,))

    async def due_followups(self, now: int, limit: int) -> list[tuple[int, int, str | None]]:
        rows = await self._fetchall(
            "SELECT user_id, chat_id, country FROM users WHERE followup_at IS NOT NULL AND "
            "followup_at <= ? AND blocked = 0 LIMIT ?",
            (now, limit),
        )
        return [(int(r[0]), int(r[1]), r[2]) for r in rows]

    async def claim_weekly(
        self, now: int, limit: int, next_due: Callable[[int, str], int]
    ) -> list[WeeklyDue]:
        """Users whose weekly summary is due. In the same transaction each one's due instant
        moves on to the next week (``next_due(weekday, tz)``), so a summary is sent at most
        once, and a fault while sending it costs that one week, never all the weeks after."""
        async with self._write() as db:
            cur = await db.execute(
                "SELECT user_id, chat_id, COALESCE(tz, 'UTC'), weekly_day, "
                "blocked OR paused OR NOT consent_progress OR NOT consent_reminders "
                "FROM users WHERE weekly_due_at IS NOT NULL AND weekly_due_at <= ? LIMIT ?",
                (now, limit),
            )
            rows = list(await cur.fetchall())
            await db.executemany(
                "UPDATE users SET weekly_due_at = ? WHERE user_id = ?",
                [(None if r[3] is None else next_due(int(r[3]), str(r[2])), r[0]) for r in rows],
            )
        return [
            WeeklyDue(
                int(r[0]), int(r[1]), str(r[2]), None if r[3] is None else int(r[3]), bool(r[4])
            )
            for r in rows
        ]

    # ----------------------------------------------------------------- aggregate counters
    async def _bump(self, db: aiosqlite.Connection, day: str, name: str, n: int = 1) -> None:
        await db.execute(
            "INSERT INTO counters (day, name, n) VALUES (?, ?, ?) "
            "ON CONFLICT(day, name) DO UPDATE SET n = n + excluded.n",
            (day, name, n),
        )

    async def count_event(self, name: str, at: int) -> None:
        """An anonymous daily counter (no user id): feeds /stats and nothing else."""
        async with self._write() as db:
            await self._bump(db, day_key(at), name)

    async def aggregate_stats(self, now: int, days: int = 28) -> dict[str, Any]:
        since = day_key(now - days * 86400)
        consent = await self._fetchone(
            "SELECT COUNT(*), SUM(consent_reminders), SUM(consent_progress), "
            "SUM(consent_journal), SUM(paused), SUM(blocked) FROM users"
        )
        rows = await self._fetchall(
            "SELECT day, name, n FROM counters WHERE day >= ? ORDER BY day", (since,)
        )
        per_day: dict[str, dict[str, int]] = {}
        for day, name, n in rows:
            per_day.setdefault(str(day), {})[str(name)] = int(n)
        checkins = await self._fetchall(
            "SELECT local_date, COUNT(*) FROM checkins WHERE at >= ? GROUP BY local_date "
            "ORDER BY local_date",
            (now - days * 86400,),
        )
        return {
            "users": int(consent[0] or 0),
            "consent_reminders": int(consent[1] or 0),
            "consent_progress": int(consent[2] or 0),
            "consent_journal": int(consent[3] or 0),
            "paused": int(consent[4] or 0),
            "blocked": int(consent[5] or 0),
            "counters": per_day,
            "checkins_per_day": {str(d): int(n) for d, n in checkins},
        }

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
        }


def utc_now_seconds(now: datetime) -> int:
    return int(now.timestamp())


def days_ago(now: int, days: int) -> int:
    return now - int(timedelta(days=days).total_seconds())
