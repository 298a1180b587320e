"""The scheduling part of the repository: daily prompts, claims, deliveries, weekly summaries."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.storage.base import StoreBase
from bot.storage.records import (
    SCHEDULE_COLUMNS,
    DeliveryOutcome,
    DueSchedule,
    Schedule,
    WeeklyDue,
    day_key,
    schedule_from_row,
)

_CLAIM_RETURNING = (
    "RETURNING user_id, kind, local_time, days, next_due_at, snooze_until, "
    "unanswered, slowed, slow_notice_sent, answered_on"
)
# SQLite: one writer at a time (BEGIN IMMEDIATE), so a plain UPDATE ... WHERE rowid IN claims.
_CLAIM_SQLITE = (
    "UPDATE schedules SET state = 'sending', claimed_at = ?, claim_token = ?, "
    "send_started_at = NULL "
    "WHERE rowid IN (SELECT r FROM ("
    "SELECT rowid AS r, next_due_at AS d FROM schedules "
    "WHERE state = 'idle' AND next_due_at <= ? "
    "UNION ALL SELECT rowid, snooze_until FROM schedules "
    "WHERE state = 'idle' AND snooze_until IS NOT NULL AND snooze_until <= ?"
    ") ORDER BY d LIMIT ?) " + _CLAIM_RETURNING
)
# PostgreSQL: replicas claim at once; FOR UPDATE SKIP LOCKED gives each its own rows (the
# same two index ranges; a row due both ways is locked once).
_CLAIM_POSTGRES = (
    "UPDATE schedules SET state = 'sending', claimed_at = ?, claim_token = ?, "
    "send_started_at = NULL "
    "WHERE (user_id, kind) IN (SELECT user_id, kind FROM schedules "
    "WHERE state = 'idle' AND (next_due_at <= ? OR "
    "(snooze_until IS NOT NULL AND snooze_until <= ?)) "
    "ORDER BY LEAST(next_due_at, COALESCE(snooze_until, next_due_at)) LIMIT ? "
    "FOR UPDATE SKIP LOCKED) " + _CLAIM_RETURNING
)


class ScheduleStore(StoreBase):
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
            f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE user_id = ? ORDER BY kind",
            (user_id,),
        )
        return [schedule_from_row(r) for r in rows]

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
            return bool(cur.rowcount > 0)

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
                _CLAIM_POSTGRES if self.dialect == "postgresql" else _CLAIM_SQLITE,
                (now, token, now, now, limit),
            )
            claimed = list(await cur.fetchall())
            if not claimed:
                return []
            user_ids = sorted({int(r[0]) for r in claimed})
            marks = ",".join("?" for _ in user_ids)
            cur = await db.execute(
                "SELECT user_id, chat_id, COALESCE(tz, 'UTC'), "
                "(paused <> 0 OR blocked <> 0 OR consent_reminders = 0), country, language, "
                "consent_progress, recall_off "
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
                    language=user[5],
                    progress=bool(user[6]),
                    recall_off=bool(user[7]),
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
                "snooze_until = CASE WHEN ? = 1 THEN NULL ELSE snooze_until END, "
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
            "(u.paused <> 0 OR u.blocked <> 0 OR u.consent_reminders = 0), u.country, "
            "s.snooze_until, s.claimed_at, s.answered_on, s.send_started_at, u.language "
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
                    language=r[16],
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

    async def due_count(self, now: int) -> int:
        """Daily prompts due and not claimed (the scheduler's backlog; the index answers it)."""
        row = await self._fetchone(
            "SELECT COUNT(*) FROM schedules WHERE state = 'idle' AND next_due_at <= ?", (now,)
        )
        return int(row[0]) if row else 0

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
        """(user, chat, language) of crisis follow-ups that are due."""
        rows = await self._fetchall(
            "SELECT user_id, chat_id, language FROM users WHERE followup_at IS NOT NULL AND "
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
                "(blocked <> 0 OR paused <> 0 OR consent_progress = 0 OR consent_reminders = 0), "
                "language FROM users "
                "WHERE weekly_due_at IS NOT NULL AND weekly_due_at <= ? LIMIT ?",
                (now, limit),
            )
            rows = list(await cur.fetchall())
            await db.executemany(
                "UPDATE users SET weekly_due_at = ? WHERE user_id = ?",
                [(None if r[3] is None else next_due(int(r[3]), str(r[2])), r[0]) for r in rows],
            )
        return [
            WeeklyDue(
                int(r[0]),
                int(r[1]),
                str(r[2]),
                None if r[3] is None else int(r[3]),
                bool(r[4]),
                r[5],
            )
            for r in rows
        ]
