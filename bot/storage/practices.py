"""What the guided practices remember beyond the journal: small facts, never typed text.

One table, `practice_log`: a row per fact, with a `kind` and a short `value` that is always an
id, a date or a number the bot chose (the self-check's tapped answers, the chosen values, the
face-value week and its daily taps, which practices were done, a hard moment to ask about
tomorrow). Typed words from a practice go to the journal, sealed, and only with journal
consent. The log is kept with progress consent: switching progress off deletes it, and
/delete erases it with everything else.
"""

from __future__ import annotations

from bot.storage.base import StoreBase

# What a `practice_log` row may be: (kind, what its value holds).
KINDS = {
    "selfcheck": "the answers tapped, as JSON ids to 0/1/2, and the step suggested",
    "values": "the chosen values' ids, comma-separated, and jN for a value of one's own kept "
    "as journal entry N (the latest row counts)",
    "facevalue_start": "the local date the face-value week started",
    "facevalue": "a day's tap, as day:answer (answer: fine, hard or none)",
    "done": "a practice finished (its id)",
    "triggered": "the local date of a hard moment, to ask about the next day",
}


class PracticeStore(StoreBase):
    async def log_practice(self, user_id: int, kind: str, value: str, at: int) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown practice log kind {kind!r}")
        async with self._write() as db:
            await db.execute(
                "INSERT INTO practice_log (user_id, at, kind, value) VALUES (?, ?, ?, ?)",
                (user_id, at, kind, value),
            )

    async def practice_log(
        self, user_id: int, kind: str | None = None, since: int = 0
    ) -> list[tuple[int, str, str]]:
        """(at, kind, value) rows, oldest first."""
        sql = "SELECT at, kind, value FROM practice_log WHERE user_id = ? AND at >= ?"
        params: list[object] = [user_id, since]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        rows = await self._fetchall(sql + " ORDER BY at, id", params)
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    async def latest_practice(self, user_id: int, kind: str) -> tuple[int, str] | None:
        rows = await self.practice_log(user_id, kind)
        return (rows[-1][0], rows[-1][2]) if rows else None

    async def forget_practice(self, user_id: int, kind: str) -> None:
        async with self._write() as db:
            await db.execute(
                "DELETE FROM practice_log WHERE user_id = ? AND kind = ?", (user_id, kind)
            )

    async def journal_entry(
        self, user_id: int, entry_id: int
    ) -> tuple[int, str, str | None, str] | None:
        """(at, kind, ref, text) of one journal entry of this person, or None."""
        rows = await self._fetchall(
            "SELECT at, kind, ref, body FROM journal WHERE user_id = ? AND id = ?",
            (user_id, entry_id),
        )
        if not rows:
            return None
        at, kind, ref, body = rows[0]
        return int(at), str(kind), ref, self._sealer.open(user_id, body)
