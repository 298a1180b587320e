"""Delivering updates: ``getUpdates`` long polling (offsets, limits, ``allowed_updates``, a
newer poll ending an older one with 409), and webhooks: once ``setWebhook`` names a URL, each
update is POSTed there in order with the ``X-Telegram-Bot-Api-Secret-Token`` header, and
retried until the bot answers 200, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from bot.emulator.params import _as_bool
from bot.emulator.records import (
    _ERR_POLL_CONFLICT,
    _ERR_WEBHOOK_ACTIVE,
    JSONDict,
    _ApiError,
    _Upload,
)
from bot.emulator.state import _DEFAULT_ALLOWED, EmulatorState


class PollingMethods(EmulatorState):
    """getUpdates and the webhook settings."""

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise _ApiError(409, _ERR_WEBHOOK_ACTIVE)
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_ALLOWED

        # A newer getUpdates ends an older long poll with 409, like Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()

        updates = self._updates
        if offset > 0:
            while updates and updates[0][0] < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            allowed_now = self._allowed_updates
            batch: list[JSONDict] = []
            for _, kind, update in updates:
                if kind in allowed_now:
                    batch.append(update)
                    if len(batch) >= limit:
                        break
            if batch or self._closing:
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._polls_waiting += 1
            self._poll_signal.fire()
            try:
                await self._updates_signal.wait(remaining)
            finally:
                self._polls_waiting -= 1
            if generation != self._poll_generation:
                raise _ApiError(409, _ERR_POLL_CONFLICT)
        self._updates_returned += len(batch)
        return batch

    def _set_webhook(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self.webhook_url = str(params.get("url") or "")
        self.webhook_secret = str(params.get("secret_token") or "")
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        self._updates_signal.fire()
        if self.webhook_url and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.get_running_loop().create_task(self._push_updates())
        return True

    async def _push_updates(self) -> None:
        """POST queued updates to the webhook, oldest first; one is dropped from the queue only
        once the bot answered it with 200."""
        async with aiohttp.ClientSession() as session:
            while self.webhook_url and not self._closing:
                if not self._updates:
                    await self._updates_signal.wait(1.0)
                    continue
                _, _kind, update = self._updates[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
                try:
                    async with session.post(self.webhook_url, json=update, headers=headers) as r:
                        delivered = r.status == 200
                except (aiohttp.ClientError, OSError):
                    delivered = False
                if delivered:
                    if self._updates and self._updates[0][2] is update:
                        self._updates.popleft()
                        self._updates_returned += 1
                else:
                    await asyncio.sleep(0.1)

    async def stop_webhook(self) -> None:
        """Stop pushing (the server stops too; tests call this before starting a new bot)."""
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _delete_webhook(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self.webhook_url = ""
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
