"""What handlers need besides the update: settings, storage, content and an injected clock.

One `Services` object lives in `application.bot_data["services"]`. Storage may be None when the
database could not be opened: crisis help still works then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.storage import Storage, StorageUnavailable, User
from content.loader import Library
from content.resources import Country, Resources

Clock = Callable[[], datetime]


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

    def country(self, code: str | None) -> Country | None:
        return self.resources.country(code)
