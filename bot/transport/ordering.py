"""Concurrent update processing in which one user's updates never overtake each other.

PTB's `concurrent_updates` runs updates in parallel but gives no per-user order, and the
sequential default can't serve a morning rush once the Bot API answers in ~50 ms (see
PTB-NOTES.md). This processor keys every update by its user (or chat) and runs each key's updates
one after another, while different users run in parallel up to `max_concurrent_updates`.

The per-user lock is taken *before* a slot of the concurrency limit, so one user's burst of
twenty messages waits on its own lock instead of occupying twenty slots that others need.
asyncio.Lock wakes waiters first-in first-out, and PTB creates the tasks in arrival order, so
arrival order is processing order for each user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def update_key(update: object) -> int | None:
    """The user (or chat) whose updates must stay in order; None for anything else."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Parallel across users, strictly ordered within one user."""

    # PTB's own semaphore (taken before do_process_update) only bounds how many updates may
    # wait here at once; the real concurrency limit is `_slots`, taken after the user's lock.
    BACKLOG = 10_000

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(self.BACKLOG)
        self.limit = max_concurrent_updates
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            # Forget idle users so the dict stays as small as the set of busy users.
            left = self._waiting[key] - 1
            if left:
                self._waiting[key] = left
            else:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def busy_users(self) -> int:
        return len(self._waiting)
