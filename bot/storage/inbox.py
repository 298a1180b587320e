"""The durable inbox: no update is lost between Telegram and the handlers.

Fetching updates acknowledges the previous batch to Telegram, so an update fetched but not yet
handled when the process dies used to be lost. Now each fetched update is written here, sealed
like the journal (it may hold what a person typed), before the next fetch acknowledges it.
Handling it drops the body and keeps only the id and when; an update still pending at start-up
is handled then, and an update Telegram delivers again after a crash is recognised by its id
and not handled twice. Handled ids are forgotten after two days (Telegram keeps undelivered
updates for one), and an update that stays pending that long is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.crypto import KeyError_ as CryptoKeyError
from bot.storage.base import StoreBase

# Sealed with this id: the inbox belongs to no one person, and an update's body names its
# sender anyway.
_INBOX = 0


class InboxStore(StoreBase):
    async def admit_updates(
        self, raws: Sequence[tuple[int, int | None, str]], now: int
    ) -> set[int]:
        """Store fetched updates (id, person, raw JSON) before they are acknowledged. Returns
        the ids already handled (a redelivery after a crash): those must not be handled again."""
        if not raws:
            return set()
        ids = [update_id for update_id, _, _ in raws]
        marks = ",".join("?" * len(ids))
        async with self._write() as db:
            cur = await db.execute(
                f"SELECT update_id FROM inbox WHERE update_id IN ({marks}) "
                "AND handled_at IS NOT NULL",
                ids,
            )
            done = {int(row[0]) for row in await cur.fetchall()}
            await db.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, person, received_at, body) "
                "VALUES (?, ?, ?, ?)",
                [
                    (update_id, person, now, self._sealer.seal(_INBOX, raw))
                    for update_id, person, raw in raws
                    if update_id not in done
                ],
            )
        return done

    async def turn_of(self, person: int, update_id: int, since: int) -> tuple[bool, bool]:
        """For a replica about to handle this update (one round trip, on the hot path): whether
        it was handled already, and whether one of this person's earlier updates received at
        ``since`` or later is still waiting (an older one was in a replica that stopped: it is
        replayed when a replica starts, and nobody should wait for it)."""
        row = await self._fetchone(
            "SELECT EXISTS (SELECT 1 FROM inbox WHERE update_id = ? AND handled_at IS NOT NULL), "
            "EXISTS (SELECT 1 FROM inbox WHERE person = ? AND update_id < ? "
            "AND handled_at IS NULL AND received_at >= ?)",
            (update_id, person, update_id, since),
        )
        return (bool(row[0]), bool(row[1])) if row else (False, False)

    async def mark_handled(self, update_ids: Iterable[int], now: int) -> None:
        rows = [(now, update_id) for update_id in update_ids]
        if not rows:
            return
        async with self._write() as db:
            await db.executemany(
                "UPDATE inbox SET body = NULL, handled_at = ? WHERE update_id = ?", rows
            )

    async def pending_updates(self, received_before: int | None = None) -> list[str]:
        """The raw JSON of every update stored but not handled, oldest first; with
        ``received_before``, only those received earlier (on PostgreSQL a newer one may be in
        another replica's hands right now)."""
        rows = await self._fetchall(
            "SELECT body FROM inbox WHERE handled_at IS NULL AND received_at < ? "
            "ORDER BY update_id",
            (received_before if received_before is not None else 2**62,),
        )
        out = []
        for (body,) in rows:
            try:
                out.append(self._sealer.open(_INBOX, body))
            except CryptoKeyError:
                continue  # sealed with a key this process no longer has: cannot be replayed
        return out

    async def expire_inbox(self, before: int) -> int:
        """Forget handled ids, and drop pending updates, older than ``before``."""
        async with self._write() as db:
            cur = await db.execute(
                "DELETE FROM inbox WHERE handled_at < ? "
                "OR (handled_at IS NULL AND received_at < ?)",
                (before, before),
            )
            return max(int(cur.rowcount), 0)
