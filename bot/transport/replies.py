"""Replies reach people once, at Telegram's pace, and one busy chat slows no one else.

PTB's AIORateLimiter paused every request for every user on any 429, sent as fast as it could
into one chat, retried only 429s (three times) and nothing else. `ReplyLimiter` replaces it
(PTB's `BaseRateLimiter`, set with `ApplicationBuilder().rate_limiter`):

- **Pace per chat and overall.** Each chat gets about one message a second with a short burst,
  and all chats together about `overall_rate` a second (GCRA: each request reserves the next
  free instant, so a chat's replies keep their order).
- **429 pauses that chat only** (or everyone, for a 429 with no chat), for `retry_after`, and
  the request is tried again for as long as it takes within `max_wait` (2 minutes); then the
  loss is logged (one line, no content) and the error raised.
- **Not delivered means retry**: a refused connection or a 5xx answer cannot have delivered
  anything, so it is retried with backoff within `max_wait`. A timeout may have delivered the
  message: it is not retried, except for urgent replies (crisis help), where a duplicate is
  better than nothing.
- **Urgent replies jump the queue.** A call made with `rate_limit_args={"urgent": True}`
  (`/sos`, `/help`, crisis and concern answers) waits for no earlier reply of its chat, only
  for a 429 pause Telegram itself imposed.

Time and sleep are injectable, so tests run on a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot import metrics

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]
URGENT = {"urgent": True}


class _Gcra:
    """Generic cell rate: `rate` a second with a burst of `burst`; reserve() says how long to
    wait before the reserved instant (0 when the request may go now)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.tolerance = self.interval * max(0, burst - 1)
        self.tat = 0.0  # theoretical arrival time of the next request

    def reserve(self, now: float, *, wait: bool = True) -> float:
        if self.interval == 0.0:
            return 0.0
        tat = max(self.tat, now)
        self.tat = tat + self.interval
        return max(0.0, tat - self.tolerance - now) if wait else 0.0

    def idle(self, now: float) -> bool:
        return self.tat <= now


class ReplyLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(
        self,
        *,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 3,
        overall_rate: float = 30.0,
        max_wait: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._overall = _Gcra(overall_rate, max(1, int(overall_rate)))
        self._chats: dict[object, _Gcra] = {}
        self._paused: dict[object, float] = {}  # chat (or None: everyone) -> until
        self.lost = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSON:
        chat = data.get("chat_id")
        urgent = bool(rate_limit_args and rate_limit_args.get("urgent"))
        paced = endpoint.startswith(("send", "copy", "forward"))  # not answers, edits, polls
        started = self._clock()
        failures = 0
        while True:
            await self._wait_turn(chat, urgent=urgent, paced=paced)
            try:
                result = await callback(*args, **kwargs)
                if paced:
                    metrics.REPLIES.inc()
                return result
            except RetryAfter as exc:
                metrics.RATE_LIMITED.inc()
                delay = _seconds(exc.retry_after)
                self._paused[chat] = max(self._paused.get(chat, 0.0), self._clock() + delay)
                error: Exception = exc
            except BadRequest:
                raise  # the request itself is wrong: retrying cannot help
            except TimedOut as exc:
                if not urgent:
                    raise  # it may have been delivered: a retry could send it twice
                failures += 1
                delay, error = _backoff(failures), exc
            except NetworkError as exc:  # connection refused or reset, 5xx: not delivered
                failures += 1
                delay, error = _backoff(failures), exc
            if self._clock() + delay - started > self.max_wait:
                self.lost += 1
                log.warning(
                    "%s to a chat not delivered after %.0f s of retries (%s)",
                    endpoint,
                    self._clock() - started,
                    type(error).__name__,
                )
                raise error
            if not isinstance(error, RetryAfter):
                await self._sleep(delay)

    async def _wait_turn(self, chat: object, *, urgent: bool, paced: bool) -> None:
        """Wait for a 429 pause, then (unless urgent) for this chat's and everyone's turn."""
        while True:
            now = self._clock()
            until = max(self._paused.get(chat, 0.0), self._paused.get(None, 0.0))
            if until > now:
                await self._sleep(until - now)
                continue
            break
        if not paced:
            return
        gcra = self._chats.get(chat)
        if gcra is None:
            gcra = self._chats[chat] = _Gcra(self.per_chat_rate, self.per_chat_burst)
        wait = max(gcra.reserve(now, wait=not urgent), self._overall.reserve(now, wait=not urgent))
        self._forget_idle(now)
        if wait > 0:
            await self._sleep(wait)

    def _forget_idle(self, now: float) -> None:
        """Keep memory to the chats that are busy now, not everyone ever answered."""
        if len(self._chats) > 1_000:
            for chat in [c for c, g in self._chats.items() if g.idle(now)]:
                del self._chats[chat]
        if len(self._paused) > 1_000:
            for chat in [c for c, until in self._paused.items() if until <= now]:
                del self._paused[chat]


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _backoff(failures: int) -> float:
    return min(8.0, 0.5 * 2.0 ** (failures - 1))
