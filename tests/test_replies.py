"""The reply limiter (bot/transport/replies.py) on a fake clock: pace, 429s, retries, urgency."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.transport.replies import URGENT, ReplyLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(clock: Clock, **kwargs: Any) -> ReplyLimiter:
    return ReplyLimiter(clock=clock, sleep=clock.sleep, **kwargs)


class Telegram:
    """A send that fails with the given errors first, then succeeds; records when it ran."""

    def __init__(self, clock: Clock, errors: list[Exception] | None = None) -> None:
        self.clock = clock
        self.errors = list(errors or [])
        self.calls: list[tuple[float, Any]] = []

    async def __call__(self, chat: Any) -> dict[str, Any]:
        self.calls.append((self.clock.now, chat))
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def send(lim: ReplyLimiter, tg: Telegram, chat: int, urgent: bool = False) -> Any:
    return await lim.process_request(
        tg, (chat,), {}, "sendMessage", {"chat_id": chat}, URGENT if urgent else None
    )


async def test_one_chat_is_paced_to_about_one_a_second_after_a_short_burst() -> None:
    clock = Clock()
    lim, tg = limiter(clock, overall_rate=0), Telegram(clock)
    for _ in range(6):
        await send(lim, tg, 1)
    times = [t - 1000.0 for t, _ in tg.calls]
    assert times[:3] == [0.0, 0.0, 0.0]  # a burst of three at once
    assert times[3:] == pytest.approx([1.0, 2.0, 3.0])


async def test_other_chats_are_not_slowed_by_a_busy_one() -> None:
    clock = Clock()
    lim, tg = limiter(clock, overall_rate=0), Telegram(clock)
    for _ in range(10):
        await send(lim, tg, 1)
    busy_until = clock.now
    clock.now = 1000.0  # another person writes at the start
    await send(lim, tg, 2)
    assert tg.calls[-1][0] == 1000.0 < busy_until


async def test_a_429_pauses_that_chat_for_retry_after_and_then_delivers() -> None:
    clock = Clock()
    errors: list[Exception] = [RetryAfter(timedelta(seconds=7))] * 5
    lim, tg = limiter(clock), Telegram(clock, errors)
    assert await send(lim, tg, 1) == {"ok": True}
    assert len(tg.calls) == 6 and clock.now - 1000.0 == pytest.approx(35.0)


async def test_a_429_in_one_chat_does_not_pause_the_others() -> None:
    clock = Clock()
    lim = limiter(clock, max_wait=5.0)
    with pytest.raises(RetryAfter):  # 30 s is over this limiter's patience: given up at once
        await send(lim, Telegram(clock, [RetryAfter(timedelta(seconds=30))]), 1)
    other = Telegram(clock)
    await send(lim, other, 2)
    assert other.calls[0][0] == 1000.0  # chat 2 goes at once
    again = Telegram(clock)
    await send(lim, again, 1)
    assert again.calls[0][0] == 1030.0  # chat 1 waited out its pause


async def test_5xx_and_dropped_connections_are_retried_with_backoff() -> None:
    clock = Clock()
    errors: list[Exception] = [NetworkError("Bad Gateway (502)"), NetworkError("reset")] * 2
    lim, tg = limiter(clock), Telegram(clock, errors)
    assert await send(lim, tg, 1) == {"ok": True}
    assert len(tg.calls) == 5 and clock.slept == [0.5, 1.0, 2.0, 4.0]


async def test_a_timeout_is_not_retried_unless_the_reply_is_urgent() -> None:
    clock = Clock()
    lim, tg = limiter(clock), Telegram(clock, [TimedOut()])
    with pytest.raises(TimedOut):
        await send(lim, tg, 1)
    assert len(tg.calls) == 1  # it may have arrived: no second copy
    tg = Telegram(clock, [TimedOut(), TimedOut()])
    assert await send(lim, tg, 2, urgent=True) == {"ok": True}
    assert len(tg.calls) == 3


async def test_a_bad_request_is_never_retried() -> None:
    clock = Clock()
    lim, tg = limiter(clock), Telegram(clock, [BadRequest("chat not found")])
    with pytest.raises(BadRequest):
        await send(lim, tg, 1)
    assert len(tg.calls) == 1


async def test_it_gives_up_after_two_minutes_and_counts_the_loss() -> None:
    clock = Clock()
    errors: list[Exception] = [RetryAfter(timedelta(seconds=50))] * 10
    lim, tg = limiter(clock), Telegram(clock, errors)
    with pytest.raises(RetryAfter):
        await send(lim, tg, 1)
    assert lim.lost == 1 and clock.now - 1000.0 <= 120.0


async def test_an_urgent_reply_jumps_its_chats_queue_but_not_a_429_pause() -> None:
    clock = Clock()
    lim, tg = limiter(clock, overall_rate=0), Telegram(clock)
    for _ in range(8):
        await send(lim, tg, 1)  # reserves the chat's next 5 seconds
    clock.now = 1000.0
    await send(lim, tg, 1, urgent=True)
    assert tg.calls[-1][0] == 1000.0
    paused = limiter(clock, max_wait=5.0)
    with pytest.raises(RetryAfter):
        await send(paused, Telegram(clock, [RetryAfter(timedelta(seconds=30))]), 1)
    await send(paused, tg, 1, urgent=True)
    assert tg.calls[-1][0] == clock.now and clock.slept[-1] == pytest.approx(30.0)


async def test_the_overall_rate_caps_all_chats_together() -> None:
    clock = Clock()
    lim, tg = limiter(clock, overall_rate=10), Telegram(clock)
    for chat in range(30):
        await send(lim, tg, chat)
    assert clock.now - 1000.0 == pytest.approx(2.0)  # 10 at once, then 10 a second
