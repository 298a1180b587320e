"""The one gate every scheduled message passes through on its way to Telegram.

Telegram allows about 30 messages a second overall and about one a second per private chat, and
answers a burst with 429 "retry after N seconds" for the whole bot. A morning rush of prompts
must therefore be paced, not fired at once. :class:`Pacer` does that for any coroutine-producing
callable, so it knows nothing about what is being sent:

* a global limit: never more than ``rate_per_s`` sends start in any window of one second
  (so 2.5 allows 2), and at most ``burst`` start back to back (``burst=1``, the default,
  spaces them ``1 / rate_per_s`` apart);
* a per-chat limit: sends to one chat start at least ``per_chat_interval`` apart, in the order
  they were asked for;
* fair queueing: waiting callers are served first come, first served, except that a chat still
  inside its interval lets the chats behind it go first (one busy chat never stalls everyone);
  nobody polls, a single dispatcher task sleeps until the next send may start;
* errors: a 429 (``RetryAfter``) pauses every send for the time Telegram asks, then retries,
  however often it comes (up to ``max_rate_limited`` times), since Telegram has said exactly when
  the send will be taken; timeouts and network errors are retried with exponential backoff and
  jitter, up to ``max_attempts``; neither after the caller's deadline; anything else (blocked by
  the user, bad request, ...) is raised at once.

All timing goes through the injected ``clock`` and ``sleep``, so tests run in virtual time.
The pacer limits when sends *start*; the sends themselves run concurrently in their callers'
tasks, because a Bot API call takes tens of milliseconds and running them one by one would cap
throughput far below the limit.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

__all__ = ["DeadlineExceeded", "Pacer", "PacerStats"]

T = TypeVar("T")

# Bucket arithmetic in floats can leave 0.9999999 of a token after waiting exactly long enough.
_TOKEN_EPSILON = 1e-9


class DeadlineExceeded(TelegramError):
    """The send could not start before its deadline, so it was never attempted.

    A ``TelegramError`` so that callers' ``except TelegramError`` handling covers it. Unlike
    ``TimedOut`` it means "certainly not delivered". When earlier attempts had failed, the pacer
    raises the last of those errors instead.
    """

    def __init__(self, message: str = "deadline passed before the send could start") -> None:
        super().__init__(message)


@dataclass
class PacerStats:
    """Counters for monitoring; they only ever grow."""

    sent: int = 0
    """Sends that succeeded (after however many attempts)."""
    retried: int = 0
    """Retries started or scheduled, after a 429, a timeout or a network error."""
    rate_limited: int = 0
    """429 ``RetryAfter`` answers received."""
    paused_seconds: float = 0.0
    """Total time all sends were held back by 429s (overlapping pauses counted once)."""
    gave_up: int = 0
    """Sends abandoned: retryable errors past ``max_attempts`` or the deadline, or a deadline
    that passed while still queued."""
    failed: int = 0
    """Sends that failed with an error that is never retried (Forbidden, BadRequest, ...)."""


class _Waiter:
    """One caller waiting for permission to start one attempt."""

    __slots__ = ("chat_id", "deadline", "future", "not_before")

    def __init__(
        self,
        chat_id: int,
        future: asyncio.Future[None],
        not_before: float,
        deadline: float | None,
    ) -> None:
        self.chat_id = chat_id
        self.future = future
        self.not_before = not_before
        self.deadline = deadline


class Pacer:
    """Paces, queues fairly and retries sends; see the module docstring for the rules."""

    def __init__(
        self,
        rate_per_s: float = 25.0,
        per_chat_interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_attempts: int = 6,
        max_rate_limited: int = 30,
        base_backoff: float = 1.0,
        max_backoff: float = 60.0,
        burst: int = 1,
        retry_timeouts: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        """Create a pacer; it starts idle and needs no closing.

        ``burst`` (1 .. rate) is how many sends may start back to back after a quiet spell.
        ``retry_timeouts=False`` raises ``TimedOut`` at once instead of retrying: a timed-out
        sendMessage may still have been delivered, and a retry can then duplicate it.
        ``rng`` drives the backoff jitter (inject a seeded one for reproducible tests).
        ``max_attempts`` counts the attempts that failed for any reason but a 429, and
        ``max_rate_limited`` the 429s: one chat may meet several in a row in a rush, and each
        says when to come back, so they do not use up the attempts a flaky network needs.
        """
        if not rate_per_s > 0:
            raise ValueError("rate_per_s must be positive")
        if per_chat_interval < 0:
            raise ValueError("per_chat_interval must not be negative")
        if max_attempts < 1 or max_rate_limited < 0:
            raise ValueError("max_attempts must be at least 1, max_rate_limited at least 0")
        if base_backoff < 0 or max_backoff < base_backoff:
            raise ValueError("need 0 <= base_backoff <= max_backoff")
        window_count = max(1, math.floor(rate_per_s))
        if not 1 <= burst <= window_count:
            raise ValueError(f"burst must be between 1 and {window_count}")
        self.rate_per_s = rate_per_s
        self.per_chat_interval = per_chat_interval
        self.max_attempts = max_attempts
        self.max_rate_limited = max_rate_limited
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.burst = burst
        self.retry_timeouts = retry_timeouts
        self.stats = PacerStats()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()

        # Sliding window: the start times of the last `window_count` sends. A new send may start
        # once the oldest of them is a full window old, which caps every one-second window at the
        # rate exactly (a token bucket alone lets burst + rate - 1 through in some windows). So a
        # fractional rate above 1 is rounded down per second; below 1 it means one per 1/rate s.
        self._window = 1.0 if rate_per_s >= 1 else 1.0 / rate_per_s
        self._recent: deque[float] = deque(maxlen=window_count)
        # Token bucket on top, for smoothness: `burst` tokens, refilled at the rate.
        self._tokens = float(burst)
        self._tokens_at: float | None = None
        self._paused_until = -math.inf
        # Last start per chat, oldest first, so entries older than the interval can be dropped.
        self._chat_last: OrderedDict[int, float] = OrderedDict()
        # Waiting callers: one FIFO per chat; chats in the order they are to be served.
        self._queues: OrderedDict[int, deque[_Waiter]] = OrderedDict()
        self._dispatcher: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    # --- public -------------------------------------------------------------------------------

    def now(self) -> float:
        """The pacer's clock; deadlines passed to :meth:`send` are on this scale."""
        return self._clock()

    @property
    def queued(self) -> int:
        """Callers currently waiting for their turn."""
        return sum(len(queue) for queue in self._queues.values())

    async def send(
        self,
        chat_id: int,
        op: Callable[[], Awaitable[T]],
        *,
        deadline: float | None = None,
    ) -> T:
        """Run ``op()`` (one Bot API call for ``chat_id``) when the limits allow; return its result.

        ``op`` is called once per attempt. ``deadline`` is a value of the pacer's clock after
        which no attempt starts: the last error is raised then, or :class:`DeadlineExceeded`
        if no attempt could start at all. Cancelling the caller removes it from the queue.
        """
        attempt = 0
        rate_limited = 0  # attempts answered 429: they do not count towards max_attempts
        network_failures = 0
        not_before = -math.inf
        last_error: Exception | None = None
        while True:
            attempt += 1
            try:
                await self._acquire(chat_id, not_before, deadline, retry=attempt > 1)
            except DeadlineExceeded:
                self.stats.gave_up += 1
                if last_error is not None:
                    raise last_error from None
                raise
            try:
                result = await op()
            except Exception as exc:
                retry = self._when_to_retry(exc, network_failures)
                if retry is None:
                    self.stats.failed += 1
                    raise
                retry_at, network_failures = retry
                rate_limited += isinstance(exc, RetryAfter)
                last_error = exc
            else:
                self.stats.sent += 1
                return result

            if (
                attempt - rate_limited >= self.max_attempts
                or rate_limited > self.max_rate_limited
                or (deadline is not None and retry_at > deadline)
            ):
                self.stats.gave_up += 1
                raise last_error
            self.stats.retried += 1
            not_before = retry_at

    def _when_to_retry(self, exc: Exception, failures: int) -> tuple[float, int] | None:
        """When a failed attempt may run again, with the updated count of network failures;
        None when retrying cannot help."""
        if isinstance(exc, RetryAfter):
            self.stats.rate_limited += 1
            self._pause(self._clock(), _retry_after_seconds(exc))
            return self._paused_until, failures
        if isinstance(exc, BadRequest):
            return None  # a subclass of NetworkError in PTB 22, but the request itself is wrong
        if isinstance(exc, TimedOut) and not self.retry_timeouts:
            return None  # it may have been delivered: a retry could send a second copy
        if isinstance(exc, NetworkError):
            failures += 1
            return self._clock() + self._backoff(failures), failures
        # Forbidden, ChatMigrated, InvalidToken, programming errors: retrying cannot help.
        return None

    # --- queueing -----------------------------------------------------------------------------

    async def _acquire(
        self, chat_id: int, not_before: float, deadline: float | None, *, retry: bool
    ) -> None:
        """Wait until the dispatcher lets this caller start one attempt."""
        loop = asyncio.get_running_loop()
        waiter = _Waiter(chat_id, loop.create_future(), not_before, deadline)
        queue = self._queues.get(chat_id)
        if queue is None:
            queue = self._queues[chat_id] = deque()
            if retry:
                # A retry has waited longest of all: serve its chat first once it is ready.
                self._queues.move_to_end(chat_id, last=False)
        if retry:
            # Ahead of later messages to the same chat, so a chat's messages keep their order.
            queue.appendleft(waiter)
        else:
            queue.append(waiter)
        self._start_dispatcher()
        try:
            await waiter.future
        except asyncio.CancelledError:
            self._discard(waiter)
            raise

    def _discard(self, waiter: _Waiter) -> None:
        queue = self._queues.get(waiter.chat_id)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._queues[waiter.chat_id]

    def _start_dispatcher(self) -> None:
        if self._dispatcher is None or self._dispatcher.done():
            self._wake = asyncio.Event()
            self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch())
        elif self._wake is not None:
            # The dispatcher may be sleeping until a later chat is ready; let it reconsider.
            self._wake.set()

    async def _dispatch(self) -> None:
        """Grant starts one at a time, sleeping until the next one is allowed; exit when idle."""
        try:
            while self._queues:
                if self._wake is not None:
                    self._wake.clear()
                now = self._clock()
                chosen, start_at = self._choose(now)
                if chosen is None:
                    continue  # expired or cancelled waiters were removed: look again
                if start_at > now:
                    await self._wait(start_at - now)
                    continue
                self._grant(chosen, now)
        except BaseException as exc:
            # Never leave callers waiting forever on a dispatcher that is gone.
            for queue in self._queues.values():
                for waiter in queue:
                    if not waiter.future.done():
                        if isinstance(exc, asyncio.CancelledError):
                            waiter.future.cancel()
                        else:
                            waiter.future.set_exception(exc)
            self._queues.clear()
            raise
        finally:
            self._dispatcher = None

    def _choose(self, now: float) -> tuple[int | None, float]:
        """The chat to serve next and when it may start; (None, now) after dropping waiters."""
        global_at = max(now, self._global_ready(now))
        chosen: int | None = None
        chosen_at = math.inf
        dropped: list[_Waiter] = []
        for chat_id, queue in self._queues.items():
            head = queue[0]
            if head.future.done():  # cancelled; its task has not cleaned up yet
                dropped.append(head)
                continue
            start_at = max(global_at, head.not_before, self._chat_ready(chat_id))
            if head.deadline is not None and start_at > head.deadline:
                # Readiness only moves later, so this waiter can never start in time.
                head.future.set_exception(DeadlineExceeded())
                dropped.append(head)
                continue
            if start_at < chosen_at:
                chosen, chosen_at = chat_id, start_at
            if start_at <= global_at:
                break  # nobody behind can start earlier than the global limit allows
        if dropped:
            for waiter in dropped:
                self._discard(waiter)
            return None, now
        return chosen, chosen_at

    def _grant(self, chat_id: int, now: float) -> None:
        queue = self._queues[chat_id]
        waiter = queue.popleft()
        if queue:
            self._queues.move_to_end(chat_id)  # round-robin: other chats get a turn first
        else:
            del self._queues[chat_id]
        # Book the slot before waking the caller, so the next decision already sees it.
        self._take_token(now)
        self._recent.append(now)
        self._chat_last[chat_id] = now
        self._chat_last.move_to_end(chat_id)
        while self._chat_last:
            oldest_chat, oldest_at = next(iter(self._chat_last.items()))
            if oldest_at + self.per_chat_interval > now:
                break
            del self._chat_last[oldest_chat]
        waiter.future.set_result(None)

    async def _wait(self, delay: float) -> None:
        """Sleep for ``delay`` unless a new caller arrives first (it may be ready sooner)."""
        assert self._wake is not None
        sleeper = asyncio.ensure_future(self._sleep(delay))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
        if sleeper.done() and not sleeper.cancelled():
            sleeper.result()  # surface a failing injected sleep instead of spinning

    # --- limits -------------------------------------------------------------------------------

    def _available_tokens(self, now: float) -> float:
        if self._tokens_at is None:
            return self._tokens
        refilled = self._tokens + (now - self._tokens_at) * self.rate_per_s
        return min(float(self.burst), refilled)

    def _take_token(self, now: float) -> None:
        self._tokens = max(0.0, self._available_tokens(now) - 1.0)
        self._tokens_at = now

    def _global_ready(self, now: float) -> float:
        ready = self._paused_until
        tokens = self._available_tokens(now)
        if tokens < 1.0 - _TOKEN_EPSILON:
            ready = max(ready, now + (1.0 - tokens) / self.rate_per_s)
        if len(self._recent) == self._recent.maxlen:
            ready = max(ready, self._recent[0] + self._window)
        return ready

    def _chat_ready(self, chat_id: int) -> float:
        last = self._chat_last.get(chat_id)
        return -math.inf if last is None else last + self.per_chat_interval

    def _pause(self, now: float, seconds: float) -> None:
        until = now + max(0.0, seconds)
        if until > self._paused_until:
            self.stats.paused_seconds += until - max(self._paused_until, now)
            self._paused_until = until

    def _backoff(self, failures: int) -> float:
        """Exponential backoff with jitter: a random delay in [d/2, d], d doubling per failure."""
        ceiling = min(self.max_backoff, self.base_backoff * 2.0 ** (failures - 1))
        return ceiling * (0.5 + 0.5 * self._rng.random())


def _retry_after_seconds(exc: RetryAfter) -> float:
    """``RetryAfter.retry_after`` in seconds (a timedelta with PTB_TIMEDELTA, see bot/__init__;
    an int if an embedding application turned it off)."""
    value: object = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return float(value)
    raise TypeError(f"unexpected retry_after {value!r}")
