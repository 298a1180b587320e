"""Tests for scheduler.pacer, in virtual time: a fake clock whose sleep moves time forward."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from scheduler.pacer import DeadlineExceeded, Pacer

START = 1000.0

# PTB 22.8's RetryAfter constructor itself reads its deprecated int-or-timedelta attribute.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class FakeClock:
    """Virtual time. ``sleep`` lets every ready task run first, then jumps the clock forward.

    The pacer has a single sleeper (its dispatcher), so jumping is exact; letting other tasks
    run first means a sleep that the pacer cancels (a new caller arrived) never moves time.
    """

    def __init__(self, start: float = START) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        target = self.now + seconds
        for _ in range(10):
            await asyncio.sleep(0)
        self.sleeps.append(seconds)
        self.now = max(self.now, target)


class Recorder:
    """Fake Bot API: records when each send started; can fail according to a script."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[tuple[float, int, object]] = []  # (time, chat, label)
        self.script: dict[object, list[BaseException]] = defaultdict(list)

    def op(self, chat_id: int, label: object = None) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            self.calls.append((self.clock(), chat_id, label))
            failures = self.script.get(label)
            if failures:
                raise failures.pop(0)
            return ("ok", chat_id, label)

        return call

    def times(self) -> list[float]:
        return [t for t, _, _ in self.calls]


def make(
    rate: float = 25.0, interval: float = 1.0, **kwargs: object
) -> tuple[Pacer, FakeClock, Recorder]:
    clock = FakeClock()
    pacer = Pacer(
        rate,
        interval,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(7),
        **kwargs,  # type: ignore[arg-type]
    )
    return pacer, clock, Recorder(clock)


def max_in_any_window(times: list[float], window: float = 1.0) -> int:
    """Most sends starting in any half-open window [t, t + window)."""
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered))


# --- limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize("burst", [1, 10, 25])
async def test_global_rate_never_exceeded_over_1000_sends(burst: int) -> None:
    pacer, _, api = make(25.0, 1.0, burst=burst)
    results = await asyncio.gather(*(pacer.send(i % 300, api.op(i % 300, i)) for i in range(1000)))
    assert len(results) == 1000
    assert pacer.stats.sent == 1000
    times = api.times()
    assert max_in_any_window(times) <= 25
    # Work-conserving: the pacer is not slower than the limit requires.
    assert times[0] == START
    if burst == 25:
        assert max(times) == pytest.approx(START + 39.0)
    elif burst == 1:
        assert max(times) == pytest.approx(START + 999 / 25)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) == pytest.approx(1 / 25)
    assert max(times) <= START + 40.0
    # And the per-chat limit held throughout.
    per_chat: dict[int, list[float]] = defaultdict(list)
    for t, chat, _ in api.calls:
        per_chat[chat].append(t)
    for chat_times in per_chat.values():
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(chat_times))
    assert pacer.queued == 0


async def test_fractional_rate() -> None:
    pacer, _, api = make(2.5, 0.0)
    await asyncio.gather(*(pacer.send(i, api.op(i)) for i in range(20)))
    times = api.times()
    # "At most 2.5 in any second" means 2; the bucket still spaces them 0.4 s apart.
    assert max_in_any_window(times) <= 2
    assert min(b - a for a, b in itertools.pairwise(times)) == pytest.approx(0.4)
    assert max(times) == pytest.approx(START + 9.4)


async def test_rate_below_one() -> None:
    pacer, _, api = make(0.5, 0.0)
    await asyncio.gather(*(pacer.send(i, api.op(i)) for i in range(4)))
    assert api.times() == pytest.approx([START, START + 2, START + 4, START + 6])


async def test_per_chat_spacing_and_order() -> None:
    pacer, _, api = make(100.0, 1.0)
    await asyncio.gather(*(pacer.send(42, api.op(42, n)) for n in range(5)))
    assert [label for _, _, label in api.calls] == [0, 1, 2, 3, 4]
    assert api.times() == [START + n for n in range(5)]


async def test_a_waiting_chat_does_not_hold_up_others() -> None:
    pacer, _, api = make(100.0, 1.0)
    sends = [pacer.send(1, api.op(1, f"a{n}")) for n in range(3)]
    sends += [pacer.send(chat, api.op(chat, chat)) for chat in (2, 3, 4)]
    await asyncio.gather(*sends)
    started = {label: t for t, _, label in api.calls}
    assert [label for _, _, label in api.calls] == ["a0", 2, 3, 4, "a1", "a2"]
    assert started[4] == pytest.approx(START + 0.03)
    assert started["a1"] == START + 1.0
    assert started["a2"] == START + 2.0


async def test_a_chat_at_the_head_of_the_queue_does_not_block_it() -> None:
    pacer, _, api = make(100.0, 1.0)
    await pacer.send(1, api.op(1, "a0"))
    # Chat 1 asks first again but must wait a second; the chats behind it go meanwhile.
    sends = [pacer.send(1, api.op(1, "a1"))]
    sends += [pacer.send(chat, api.op(chat, chat)) for chat in (2, 3, 4)]
    await asyncio.gather(*sends)
    assert [label for _, _, label in api.calls] == ["a0", 2, 3, 4, "a1"]
    assert api.times() == pytest.approx(
        [START, START + 0.01, START + 0.02, START + 0.03, START + 1]
    )


async def test_new_caller_wakes_a_sleeping_dispatcher() -> None:
    pacer, clock, api = make(100.0, 1.0)
    await pacer.send(1, api.op(1, "a0"))
    blocked = asyncio.ensure_future(pacer.send(1, api.op(1, "a1")))
    for _ in range(3):
        await asyncio.sleep(0)  # the dispatcher is now sleeping until chat 1 may send again
    await pacer.send(2, api.op(2, "b"))
    assert clock() == pytest.approx(START + 0.01)
    await blocked
    assert api.times() == pytest.approx([START, START + 0.01, START + 1])


async def test_fifo_across_chats() -> None:
    pacer, _, api = make(10.0, 1.0)
    await asyncio.gather(*(pacer.send(chat, api.op(chat, chat)) for chat in range(50)))
    assert [label for _, _, label in api.calls] == list(range(50))


async def test_later_callers_queue_behind_earlier_ones() -> None:
    pacer, _, api = make(5.0, 0.0)
    first = [asyncio.ensure_future(pacer.send(c, api.op(c, c))) for c in range(10)]
    await asyncio.sleep(0)
    late = asyncio.ensure_future(pacer.send(99, api.op(99, 99)))
    await asyncio.gather(*first, late)
    assert [label for _, _, label in api.calls][-1] == 99


async def test_idle_pacer_sends_immediately_and_stops_its_task() -> None:
    pacer, clock, api = make()
    assert await pacer.send(5, api.op(5, "x")) == ("ok", 5, "x")
    assert api.times() == [START]
    assert clock.sleeps == []
    await asyncio.sleep(0)
    assert pacer._dispatcher is None


async def test_sends_run_concurrently() -> None:
    # The pacer limits when sends start, not how many are in flight.
    pacer, _, _ = make(100.0, 0.0, burst=10)
    release = asyncio.Event()
    started: list[int] = []

    def slow(chat: int) -> Callable[[], Awaitable[int]]:
        async def call() -> int:
            started.append(chat)
            await release.wait()
            return chat

        return call

    tasks = [asyncio.ensure_future(pacer.send(c, slow(c))) for c in range(5)]
    for _ in range(50):
        await asyncio.sleep(0)
    assert sorted(started) == [0, 1, 2, 3, 4]
    release.set()
    assert await asyncio.gather(*tasks) == [0, 1, 2, 3, 4]


# --- 429 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", [5, timedelta(seconds=5)])
async def test_429_pauses_everyone_then_retries(retry_after: int | timedelta) -> None:
    pacer, _, api = make(10.0, 0.0)
    api.script["limited"] = [RetryAfter(retry_after)]
    sends = [pacer.send(c, api.op(c, c)) for c in range(3)]
    sends.append(pacer.send(77, api.op(77, "limited")))
    sends += [pacer.send(c, api.op(c, c)) for c in range(3, 20)]
    results = await asyncio.gather(*sends)
    assert ("ok", 77, "limited") in results

    limited = [t for t, _, label in api.calls if label == "limited"]
    assert len(limited) == 2
    hit = limited[0]
    assert hit == pytest.approx(START + 0.3)
    assert limited[1] >= hit + 5.0
    # Nobody started during the pause.
    assert not [t for t in api.times() if hit < t < hit + 5.0]
    assert pacer.stats.rate_limited == 1
    assert pacer.stats.paused_seconds == pytest.approx(5.0)
    assert pacer.stats.retried == 1
    assert pacer.stats.sent == 21
    assert max_in_any_window(api.times()) <= 10


async def test_overlapping_429s_pause_once() -> None:
    pacer, _, api = make(10.0, 0.0, burst=2)
    api.script["a"] = [RetryAfter(4)]
    api.script["b"] = [RetryAfter(3)]
    await asyncio.gather(pacer.send(1, api.op(1, "a")), pacer.send(2, api.op(2, "b")))
    assert pacer.stats.rate_limited == 2
    assert pacer.stats.paused_seconds == pytest.approx(4.0)
    retries = sorted(api.times())[2:]
    assert all(t >= START + 4.0 for t in retries)


async def test_429_beyond_deadline_raises_at_once() -> None:
    pacer, clock, api = make()
    api.script["x"] = [RetryAfter(30)]
    with pytest.raises(RetryAfter):
        await pacer.send(1, api.op(1, "x"), deadline=START + 10)
    assert clock() == START
    assert len(api.calls) == 1
    assert pacer.stats.gave_up == 1


async def test_429s_in_a_row_do_not_use_up_the_attempts() -> None:
    """Seven 429s on one chat, with two attempts allowed: each says when to come back, so the
    send waits them out and arrives; a network error after them still has its retries."""
    pacer, clock, api = make(25.0, 0.0, max_attempts=2, base_backoff=0.5)
    api.script["x"] = [RetryAfter(3)] * 7 + [NetworkError("Bad Gateway")]
    assert await pacer.send(1, api.op(1, "x"), deadline=START + 60) == ("ok", 1, "x")
    assert len(api.calls) == 9
    assert pacer.stats.rate_limited == 7 and pacer.stats.gave_up == 0
    assert clock() >= START + 21


async def test_429s_past_max_rate_limited_give_up() -> None:
    pacer, _, api = make(25.0, 0.0, max_rate_limited=3)
    api.script["x"] = [RetryAfter(1)] * 10
    with pytest.raises(RetryAfter):
        await pacer.send(1, api.op(1, "x"))
    assert len(api.calls) == 4  # the first try and three retries
    assert pacer.stats.gave_up == 1


# --- network errors ---------------------------------------------------------------------------


async def test_network_errors_and_timeouts_are_retried_with_backoff() -> None:
    pacer, _, api = make(25.0, 0.0, base_backoff=1.0)
    api.script["x"] = [
        NetworkError("Bad Gateway"),
        NetworkError("Internal Server Error"),
        TimedOut(),
    ]
    assert await pacer.send(1, api.op(1, "x")) == ("ok", 1, "x")
    times = api.times()
    assert len(times) == 4
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Jittered exponential backoff: each delay in [d/2, d] for d = 1, 2, 4.
    for gap, ceiling in zip(gaps, (1.0, 2.0, 4.0), strict=True):
        assert ceiling / 2 <= gap <= ceiling
    assert pacer.stats.retried == 3
    assert pacer.stats.sent == 1
    assert pacer.stats.gave_up == 0


async def test_backoff_is_capped() -> None:
    pacer, _, api = make(25.0, 0.0, base_backoff=1.0, max_backoff=3.0, max_attempts=6)
    api.script["x"] = [NetworkError("boom")] * 5
    await pacer.send(1, api.op(1, "x"))
    times = api.times()
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap <= 3.0 for gap in gaps)
    assert gaps[-1] >= 1.5


async def test_retry_waits_for_the_chat_interval_too() -> None:
    pacer, _, api = make(25.0, 1.0, base_backoff=0.1)
    api.script["x"] = [TimedOut()]
    await pacer.send(1, api.op(1, "x"))
    assert api.times() == [START, START + 1.0]


async def test_gives_up_after_max_attempts() -> None:
    pacer, _, api = make(25.0, 0.0, max_attempts=3, base_backoff=0.5)
    api.script["x"] = [NetworkError("a"), NetworkError("b"), NetworkError("c"), NetworkError("d")]
    with pytest.raises(NetworkError, match="c"):
        await pacer.send(1, api.op(1, "x"))
    assert len(api.calls) == 3
    assert pacer.stats.gave_up == 1
    assert pacer.stats.retried == 2


async def test_deadline_stops_retries() -> None:
    pacer, clock, api = make(25.0, 0.0, base_backoff=1.0, max_attempts=100)
    api.script["x"] = [TimedOut(f"t{n}") for n in range(100)]
    deadline = START + 5.0
    with pytest.raises(TimedOut) as raised:
        await pacer.send(1, api.op(1, "x"), deadline=deadline)
    assert all(t <= deadline for t in api.times())
    assert len(api.calls) >= 2
    # The last error is raised, without sleeping past the deadline first.
    assert str(raised.value) == f"t{len(api.calls) - 1}"
    assert clock() <= deadline
    assert pacer.stats.gave_up == 1


async def test_deadline_while_queued() -> None:
    pacer, _, api = make(1.0, 0.0)
    early = [pacer.send(c, api.op(c, c)) for c in range(5)]
    hurried = pacer.send(99, api.op(99, "late"), deadline=START + 2.5)
    outcome = await asyncio.gather(*early, hurried, return_exceptions=True)
    assert isinstance(outcome[-1], DeadlineExceeded)
    assert "late" not in [label for _, _, label in api.calls]
    # It gave up without consuming a slot: the others were not slowed down.
    assert api.times() == [START + n for n in range(5)]
    assert pacer.stats.gave_up == 1


async def test_deadline_already_past() -> None:
    pacer, _, api = make()
    with pytest.raises(DeadlineExceeded):
        await pacer.send(1, api.op(1), deadline=START - 1)
    assert api.calls == []


async def test_retry_timeouts_can_be_switched_off() -> None:
    # For at-most-once prompts: a timed-out sendMessage may have been delivered.
    pacer, _, api = make(retry_timeouts=False)
    api.script["x"] = [TimedOut()]
    with pytest.raises(TimedOut):
        await pacer.send(1, api.op(1, "x"))
    assert len(api.calls) == 1
    api.script["y"] = [NetworkError("Bad Gateway")]
    await pacer.send(2, api.op(2, "y"))
    assert len(api.calls) == 3


# --- errors that are never retried ---------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        Forbidden("Forbidden: bot was blocked by the user"),
        BadRequest("Chat not found"),
        ChatMigrated(123),
        ValueError("a bug in the caller"),
    ],
)
async def test_permanent_errors_are_raised_at_once(error: Exception) -> None:
    pacer, clock, api = make()
    api.script["x"] = [error]
    with pytest.raises(type(error)):
        await pacer.send(1, api.op(1, "x"))
    assert len(api.calls) == 1
    assert clock() == START
    assert pacer.stats.failed == 1
    assert pacer.stats.retried == 0


async def test_forbidden_does_not_disturb_others() -> None:
    pacer, _, api = make(10.0, 0.0)
    api.script[3] = [Forbidden("blocked")]
    outcome = await asyncio.gather(
        *(pacer.send(c, api.op(c, c)) for c in range(6)), return_exceptions=True
    )
    assert isinstance(outcome[3], Forbidden)
    assert sum(1 for o in outcome if isinstance(o, tuple)) == 5
    assert api.times() == pytest.approx([START + n / 10 for n in range(6)])


# --- cancellation and validation ------------------------------------------------------------------


async def test_cancelled_caller_leaves_the_queue() -> None:
    pacer, _, api = make(1.0, 0.0)
    tasks = [asyncio.ensure_future(pacer.send(c, api.op(c, c))) for c in range(4)]
    await asyncio.sleep(0)
    tasks[2].cancel()
    outcome = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(outcome[2], asyncio.CancelledError)
    assert [label for _, _, label in api.calls] == [0, 1, 3]
    assert api.times() == [START, START + 1, START + 2]
    assert pacer.queued == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_per_s": 0},
        {"per_chat_interval": -1},
        {"max_attempts": 0},
        {"max_rate_limited": -1},
        {"burst": 0},
        {"burst": 26},
        {"base_backoff": 5.0, "max_backoff": 1.0},
    ],
)
def test_rejects_bad_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Pacer(**kwargs)  # type: ignore[arg-type]


def test_now_is_the_injected_clock() -> None:
    clock = FakeClock(123.0)
    assert Pacer(clock=clock, sleep=clock.sleep).now() == 123.0
