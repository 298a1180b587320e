"""The people part of the repository: users, consents, check-ins, lessons, journal, counters."""

from __future__ import annotations

from typing import Any

from bot.crypto import KeyError_ as CryptoKeyError
from bot.crypto import Sealer
from bot.storage.base import StoreBase
from bot.storage.records import (
    CONSENTS,
    USER_COLUMNS,
    JournalEntry,
    User,
    day_key,
    user_from_row,
)


class PeopleStore(StoreBase):
    # ----------------------------------------------------------------- users
    async def get_user(self, user_id: int) -> User | None:
        row = await self._fetchone(
            f"SELECT {USER_COLUMNS} FROM users WHERE user_id = ?", (user_id,)
        )
        return user_from_row(row) if row else None

    async def ensure_user(self, user_id: int, chat_id: int, now: int) -> User:
        """The user's row, created on first contact (it holds only settings and consents)."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO users (user_id, chat_id, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id, blocked = 0",
                (user_id, chat_id, now),
            )
            cur = await db.execute(
                f"SELECT {USER_COLUMNS} FROM users WHERE user_id = ?", (user_id,)
            )
            row = await cur.fetchone()
        assert row is not None
        return user_from_row(row)

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
            "language",
            "recall_off",
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
                    "progress": ("checkins", "lessons_done", "practice_log"),
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
                # The language is a setting: kept only while reminders or progress is on.
                await db.execute(
                    "UPDATE users SET language = NULL WHERE user_id = ? "
                    "AND consent_reminders = 0 AND consent_progress = 0",
                    (user_id,),
                )
        if not value:
            await self.checkpoint()  # the deleted rows leave the WAL too (see checkpoint)
        return deleted

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE users SET blocked = ? WHERE user_id = ?", (int(blocked), user_id)
            )

    async def erase_user(self, user_id: int) -> None:
        """Every row of this user, in one transaction; then the WAL is folded back."""
        async with self._write() as db:
            for table in (
                "journal",
                "practice_log",
                "checkins",
                "lessons_done",
                "deliveries",
                "schedules",
                "flows",
            ):
                await db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        await self.checkpoint()

    # ----------------------------------------------------------------- conversation state
    async def get_person(self, user_id: int) -> tuple[User | None, str | None]:
        """The user and their flow state, read together before an update is handled."""
        return await self.get_user(user_id), await self.get_flow(user_id)

    async def get_flow(self, user_id: int) -> str | None:
        """The stored flow state (bot/flow.py's JSON), opened; None when there is none."""
        row = await self._fetchone("SELECT state FROM flows WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        try:
            return self._sealer.open(user_id, row[0])
        except CryptoKeyError:
            # Sealed with another key: the conversation starts afresh (nothing else is lost).
            return None

    async def save_flow(self, user_id: int, state: str | None, now: int) -> None:
        """Store the flow state; None deletes the row (nothing is open)."""
        async with self._write() as db:
            if state is None:
                await db.execute("DELETE FROM flows WHERE user_id = ?", (user_id,))
            else:
                await db.execute(
                    "INSERT INTO flows (user_id, state, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(user_id) DO UPDATE SET state = excluded.state, "
                    "updated_at = excluded.updated_at",
                    (user_id, self._sealer.seal(user_id, state), now),
                )

    async def expire_flows(self, before: int) -> int:
        """Forget conversations untouched since `before` (an open question goes stale)."""
        async with self._write() as db:
            cur = await db.execute("DELETE FROM flows WHERE updated_at < ?", (before,))
            n = max(int(cur.rowcount), 0)
        if n:
            await self.checkpoint()
        return n

    # ----------------------------------------------------------------- check-ins and lessons
    async def record_checkin(self, user_id: int, mood: int, at: int, local_date: str) -> int:
        async with self._write() as db:
            cur = await db.execute(
                "INSERT INTO checkins (user_id, at, local_date, mood) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (user_id, at, local_date, mood),
            )
            row = await cur.fetchone()
            # Any answer restores the normal rhythm of reminders.
            await db.execute(
                "UPDATE schedules SET unanswered = 0, slowed = 0, slow_notice_sent = 0 "
                "WHERE user_id = ?",
                (user_id,),
            )
            return int(row[0]) if row else 0

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
                "INSERT INTO journal (user_id, at, kind, ref, body) VALUES (?, ?, ?, ?, ?) "
                "RETURNING id",
                (user_id, at, kind, ref, blob),
            )
            row = await cur.fetchone()
            return int(row[0]) if row else 0

    async def replace_journal(self, user_id: int, kind: str, text: str, at: int) -> None:
        """Keep one entry of this kind (the safety plan): the new one replaces the old."""
        blob = self._sealer.seal(user_id, text)
        async with self._write() as db:
            await db.execute("DELETE FROM journal WHERE user_id = ? AND kind = ?", (user_id, kind))
            await db.execute(
                "INSERT INTO journal (user_id, at, kind, ref, body) VALUES (?, ?, ?, NULL, ?)",
                (user_id, at, kind, blob),
            )
        await self.checkpoint()  # the replaced entry leaves the WAL too

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
            cur = await db.execute("SELECT update_id, body FROM inbox WHERE body IS NOT NULL")
            for update_id, blob in list(await cur.fetchall()):
                raw = self._sealer.open(0, blob)  # the inbox's updates (bot/storage/inbox.py)
                await db.execute(
                    "UPDATE inbox SET body = ? WHERE update_id = ?", (new.seal(0, raw), update_id)
                )
            cur = await db.execute("SELECT user_id, state FROM flows")
            for user_id, blob in list(await cur.fetchall()):
                text = self._sealer.open(int(user_id), blob)
                await db.execute(
                    "UPDATE flows SET state = ? WHERE user_id = ?",
                    (new.seal(int(user_id), text), user_id),
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
            n = max(int(cur.rowcount), 0)
        if n:
            await self.checkpoint()
        return n

    # ----------------------------------------------------------------- aggregate counters
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
