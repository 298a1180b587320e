"""The durable inbox, wired: fetched updates are stored before Telegram is told they arrived,
marked when handled, and replayed at start-up if a crash came in between (storage side:
bot/storage/inbox.py).

With the database down the bot goes on without it (nothing is stored, nothing is replayed):
crisis help never waits for storage.
"""

from __future__ import annotations

import json
import logging

from telegram import Bot, Update

from bot.services import Services
from bot.storage import StorageUnavailable
from handlers.common import flow_key

log = logging.getLogger(__name__)
# Seconds an update may wait in another replica's hands before a starting replica replays it.
REPLAY_AFTER = 120


class DurableInbox:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def admit(self, updates: tuple[Update, ...]) -> tuple[Update, ...]:
        """Store a fetched batch (the next fetch acknowledges it); leave out the updates that
        were already handled (Telegram delivers them again after a crash)."""
        storage = self.services.storage
        if storage is None or not updates:
            return updates
        raws = [
            (u.update_id, flow_key(u), json.dumps(u.to_dict(), ensure_ascii=False)) for u in updates
        ]
        try:
            done = await storage.admit_updates(raws, self.services.now_s())
        except StorageUnavailable:
            return updates  # the storage logged the fault; handle them all the same
        if done:
            log.info("skipped %d update(s) already handled before a restart", len(done))
        # An empty update in place of each handled one: nothing handles it, and the next
        # fetch's offset still moves past it (dropping the last of a batch would fetch it
        # again and again).
        return tuple(Update(u.update_id) if u.update_id in done else u for u in updates)

    async def handled(self, update_id: int) -> None:
        storage = self.services.storage
        if storage is None:
            return
        try:
            await storage.mark_handled((update_id,), self.services.now_s())
        except StorageUnavailable:
            pass  # the storage logged the fault; at worst it is handled again after a restart

    async def pending(self, bot: Bot | None) -> list[Update]:
        """Updates stored but never handled (the process stopped in between), oldest first."""
        storage = self.services.storage
        if storage is None:
            return []
        # On PostgreSQL other replicas may be handling the newest ones right now: replay only
        # what has waited a while (their replica has stopped, or it would be done by now).
        before = self.services.now_s() - REPLAY_AFTER if storage.dialect == "postgresql" else None
        try:
            raws = await storage.pending_updates(before)
        except StorageUnavailable:
            return []
        out = []
        for raw in raws:
            try:
                out.append(Update.de_json(json.loads(raw), bot))
            except (ValueError, KeyError, TypeError):
                continue
        return out
