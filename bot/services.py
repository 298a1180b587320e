"""What handlers need besides the update: settings, storage, content and an injected clock.

One `Services` object lives in `application.bot_data["services"]`. Storage may be None when the
database could not be opened: crisis help still works then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.flow import Flow, FlowCache, dump
from bot.storage import Storage, StorageUnavailable, User
from content.loader import Library
from content.resources import Country, Resources
from content.translations import localized

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)
# A slow database must not hold up an update (least of all /sos): after this long the
# conversation goes on from memory.
FLOW_LOAD_TIMEOUT = 1.0


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    library: Library
    resources: Resources
    clock: Clock = system_clock
    storage: Storage | None = None
    # Users whose group chats were already told "private chats only" (answer once).
    told_groups: set[int] = field(default_factory=set)
    extras: dict[str, Any] = field(default_factory=dict)
    # Recently active people's conversation state (bounded); the database holds the record.
    flows: FlowCache = field(default_factory=FlowCache)
    # The stored user as each current update found them (read with the flow, dropped after).
    people: dict[int, User | None] = field(default_factory=dict)
    # Lessons and meditations per language, read on first use (English is `library`).
    libraries: dict[str, Library] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    def now_s(self) -> int:
        return int(self.clock().timestamp())

    def db(self) -> Storage:
        if self.storage is None:
            raise StorageUnavailable("database not open")
        return self.storage

    async def user_or_none(self, user_id: int) -> User | None:
        """The stored user, or None when there is none or the database is down."""
        if self.storage is None:
            return None
        try:
            return await self.storage.get_user(user_id)
        except StorageUnavailable:
            return None

    def library_in(self, lang: str) -> Library:
        """The content in ``lang``, or English when that language's files are incomplete."""
        if lang == "en":
            return self.library
        found = self.libraries.get(lang)
        if found is None:
            found = localized(lang) or self.library
            self.libraries[lang] = found
        return found

    def country(self, code: str | None) -> Country | None:
        return self.resources.country(code)

    # ----------------------------------------------------------------- conversation state
    async def load_flow(self, user_id: int) -> Flow:
        """Before an update's handlers run: the stored flow, or the cached one if the database
        is down (the conversation then goes on in memory)."""
        self.people.pop(user_id, None)
        if self.storage is not None:
            try:
                person, stored = await asyncio.wait_for(
                    self.storage.get_person(user_id), FLOW_LOAD_TIMEOUT
                )
                self.people[user_id] = person
                return self.flows.merge_stored(user_id, stored)
            except (StorageUnavailable, TimeoutError):
                log.debug("conversation state not loaded: database unavailable")
        flow = self.flows.get(user_id)
        if flow is None:
            flow = Flow()
            self.flows.put(user_id, flow, None)
        return flow

    def flow(self, user_id: int) -> Flow:
        """The flow loaded for this update (a fresh one if, unusually, none was loaded)."""
        flow = self.flows.get(user_id)
        if flow is None:
            flow = Flow()
            self.flows.put(user_id, flow, None)
        return flow

    async def save_flow(self, user_id: int) -> None:
        """After an update's handlers ran: store the flow if it changed (one write at most)."""
        self.people.pop(user_id, None)
        flow = self.flows.get(user_id)
        if flow is None or self.storage is None:
            return
        stored = dump(flow)
        if stored == self.flows.saved_form(user_id):
            return
        try:
            await self.storage.save_flow(user_id, stored, self.now_s())
        except StorageUnavailable:
            log.debug("conversation state not saved: database unavailable")
            return
        self.flows.mark_saved(user_id, stored)
