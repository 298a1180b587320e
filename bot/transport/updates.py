"""Fetching updates so that one update python-telegram-bot cannot read stops nothing else.

PTB parses a whole `getUpdates` batch at once. When one update lacks a field PTB requires, the
parse fails, PTB logs the raw batch (people's messages included) at CRITICAL, the updater
retries the same batch, and it fails again: nothing is answered, `/sos` included, and the log
grows by megabytes a second.

`TolerantBot.get_updates` lets PTB parse as usual. Only when that fails does it fetch the same
batch again as plain JSON (it was not acknowledged, so Telegram sends it again), read each
update on its own, and put an empty `Update` (the same `update_id`, no content) in place of
each one that cannot be read. No handler matches an empty update, and the next fetch's offset
moves past it, so it is acknowledged and skipped, with one log line that names its id only.
PTB's own CRITICAL line with the raw batch is filtered out of the log (`quiet_parse_failures`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any, Protocol

from telegram import Update
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)

# The message PTB's Bot logs, with the raw batch as its argument, before re-raising.
_PTB_PARSE_FAILURE = "Error while parsing updates!"


def read_each(raw: Sequence[Any], bot: ExtBot[Any] | None) -> tuple[Update, ...]:
    """Parse each raw update on its own; an unreadable one becomes an empty Update."""
    out: list[Update] = []
    for item in raw:
        try:
            update = Update.de_json(item, bot)
        except Exception as exc:  # any parse error: skip the update, not the batch
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                log.error("skipped an update without a usable update_id (%s)", type(exc).__name__)
                continue
            log.error(
                "skipped update %d: python-telegram-bot cannot read it (%s); its content "
                "is not logged",
                update_id,
                type(exc).__name__,
            )
            update = Update(update_id)
            if bot is not None:
                update.set_bot(bot)
        out.append(update)
    return tuple(out)


class Inbox(Protocol):
    async def admit(self, updates: tuple[Update, ...]) -> tuple[Update, ...]: ...


class TolerantBot(ExtBot[Any]):
    """An ExtBot whose `get_updates` skips the updates it cannot read instead of failing, and
    hands each fetched batch to the durable inbox (`inbox`, set by the wiring) before the
    next fetch acknowledges it to Telegram."""

    inbox: Inbox | None

    def __init__(self, *args: Any, inbox: Inbox | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # PTB freezes a bot's attributes once built; this one is ours, set past the guard.
        object.__setattr__(self, "inbox", inbox)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await self._fetch(*args, **kwargs)
        if self.inbox is not None:
            updates = await self.inbox.admit(updates)
        return updates

    async def _fetch(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except (KeyError, TypeError, ValueError, AttributeError):
            # The batch came back but could not be parsed (network errors are not caught
            # here). Fetch it again, raw and without waiting, and read it update by update.
            params = {
                "offset": kwargs.get("offset", args[0] if args else None),
                "limit": kwargs.get("limit"),
                "timeout": 0,
                "allowed_updates": kwargs.get("allowed_updates"),
            }
            with warnings.catch_warnings():  # PTB prefers get_updates; here that is the point
                warnings.simplefilter("ignore", PTBUserWarning)
                raw = await self.do_api_request(
                    "getUpdates", api_kwargs={k: v for k, v in params.items() if v is not None}
                )
            return read_each(raw if isinstance(raw, list) else [], self)


class _DropRawBatch(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_PTB_PARSE_FAILURE)


def quiet_parse_failures() -> None:
    """Keep PTB's CRITICAL line with a raw batch of updates (people's words) out of the log."""
    for name in ("telegram.Bot", "telegram.ext.ExtBot"):  # Bot's and ExtBot's loggers
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropRawBatch) for f in logger.filters):
            logger.addFilter(_DropRawBatch())
