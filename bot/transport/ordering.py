"""Concurrent update processing in which one user's updates never overtake each other, crisis
help jumps the queue, and one person's flood slows no one else.

PTB's `concurrent_updates` runs updates in parallel but gives no per-user order, and the
sequential default can't serve a morning rush once the Bot API answers in ~50 ms. This
processor keys every update by its user (or chat) and runs each key's updates one after
another, while different users run in parallel up to `max_concurrent_updates`.

* **Order.** The per-user lock is taken *before* a slot of the concurrency limit, so one user's
  burst of twenty messages waits on its own lock instead of occupying twenty slots that others
  need. Waiters are woken first in, first out, and PTB creates the tasks in arrival order, so
  arrival order is processing order for each user.
* **Priority.** An update the wiring's `classify` calls urgent (`/sos`, `/help`, a crisis-level
  message) waits only for the update that user has in progress, then goes before everything
  else that user has queued: a person who sent twenty messages and then `/sos` gets the crisis
  lines next, not after nineteen other answers. One update still runs at a time per user, so
  the stored conversation state is never written by two at once.
* **Flood.** When a user already has :data:`FLOOD_BACKLOG` updates waiting, their further
  ordinary messages are read and judged (`classify` triages them) but not answered one by one:
  each is passed to `on_let_go` (which marks it handled), the first of a flood with a flag
  so that the person gets one kind notice. Urgent and worrying
  messages (`KEEP`), button presses and commands are still handled. When the user's queue
  drains, the next flood gets a notice again.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class Priority(IntEnum):
    ORDINARY = 0  # may be let go during a flood
    KEEP = 1  # always handled (a worrying message, a command, a button press)
    URGENT = 2  # handled before the user's other queued updates


def update_key(update: object) -> int | None:
    """The user (or chat) whose updates must stay in order; None for anything else."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PriorityLock:
    """Mutual exclusion whose urgent waiters go before its ordinary ones (FIFO within each)."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._ordinary: deque[asyncio.Future[None]] = deque()

    async def acquire(self, urgent: bool) -> None:
        if not self._held and not self._urgent and not self._ordinary:
            self._held = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._ordinary).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # the lock was handed over just as we were cancelled
            else:
                (self._urgent if urgent else self._ordinary).remove(waiter)
            raise

    def release(self) -> None:
        """Hand the lock to the next waiter (urgent first), or free it."""
        for queue in (self._urgent, self._ordinary):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # ownership passes on; the lock stays held
                    return
        self._held = False


async def _always_keep(update: object) -> Priority:
    return Priority.KEEP


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Parallel across users, strictly ordered within one user, urgent first, floods damped."""

    # PTB's own semaphore (taken before do_process_update) only bounds how many updates may
    # wait here at once; the real concurrency limit is `_slots`, taken after the user's lock.
    BACKLOG = 10_000
    # Updates one user may have waiting before their ordinary messages stop being answered.
    FLOOD_BACKLOG = 8

    def __init__(
        self,
        max_concurrent_updates: int,
        *,
        classify: Callable[[object], Awaitable[Priority]] = _always_keep,
        on_let_go: Callable[[Update, bool], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(self.BACKLOG)
        self.limit = max_concurrent_updates
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, PriorityLock] = {}
        self._waiting: dict[int, int] = {}
        self._classify = classify
        self._on_let_go = on_let_go
        self._flooding: set[int] = set()
        self.let_go = 0  # ordinary messages not answered during floods (for tests and benches)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        # Priority only matters when the user already has something in progress or queued:
        # the common case (nothing waiting) costs no classification at all.
        priority = await self._classify(update) if self._waiting.get(key) else Priority.KEEP
        if priority is Priority.ORDINARY and self._waiting.get(key, 0) >= self.FLOOD_BACKLOG:
            await self._let_go(key, update, coroutine)
            return
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = PriorityLock()
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            await lock.acquire(urgent=priority is Priority.URGENT)
            try:
                async with self._slots:
                    await coroutine
            finally:
                lock.release()
        finally:
            # Forget idle users so the dicts stay as small as the set of busy users.
            left = self._waiting[key] - 1
            if left:
                self._waiting[key] = left
            else:
                del self._waiting[key]
                del self._locks[key]
                self._flooding.discard(key)

    async def _let_go(self, key: int, update: object, coroutine: Awaitable[Any]) -> None:
        """A flooded ordinary message: not answered; the first of a flood gets a notice."""
        if isinstance(coroutine, Coroutine):
            coroutine.close()  # never started: nothing of it runs
        self.let_go += 1
        first = key not in self._flooding
        self._flooding.add(key)
        if self._on_let_go is not None and isinstance(update, Update):
            await self._on_let_go(update, first)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def busy_users(self) -> int:
        return len(self._waiting)
