"""The fan-out benchmark's measuring tools: resident memory, the event-loop stall probe, the
pacer's virtual clock and its record of sends, the rate checker, and what the child processes
share (part of ``python -m bench.fanout``; see bench/fanout.py).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import math
import time
from array import array
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.request import urlopen

from bot.config import load_settings
from scheduler.pacer import Pacer

T = TypeVar("T")

STALL_PROBE_S = 0.005
# Sends that start exactly one window apart may differ by a rounding error in float seconds.
EPSILON = 1e-9


def rss_kb() -> int:
    """VmRSS of this process in KiB, after a full garbage collection."""
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


class StallMonitor:
    """Sleeps 5 ms at a time on the event loop and records the largest overshoot."""

    def __init__(self) -> None:
        self.max_stall = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(STALL_PROBE_S)
            self.max_stall = max(self.max_stall, time.perf_counter() - before - STALL_PROBE_S)

    async def stop(self) -> float:
        assert self._task is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        return self.max_stall


class VirtualTime:
    """The pacer's clock and sleep: time jumps forward at once, then the send in flight finishes.

    At 25 sends a second there are 40 ms between two sends in real life, far longer than one
    request to the emulator takes, so waiting for the send in flight is what real time would do.
    """

    def __init__(self) -> None:
        self.t = 0.0
        self.inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def clock(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)
        await asyncio.sleep(0)  # let a send granted just now get under way
        await self._idle.wait()

    def begin(self) -> None:
        self.inflight += 1
        self._idle.clear()

    def end(self) -> None:
        self.inflight -= 1
        if self.inflight == 0:
            self._idle.set()


class RecordingPacer(Pacer):
    """The product's pacer, noting the (virtual) instant and chat of every send it starts."""

    def __init__(self, vt: VirtualTime, rate_per_s: float) -> None:
        super().__init__(rate_per_s=rate_per_s, clock=vt.clock, sleep=vt.sleep)
        self.vt = vt
        # Plain arrays, not a list of tuples: no objects for the garbage collector to scan, so
        # the bench's own record neither lengthens GC pauses nor shows up as the bot's memory.
        self.start_times = array("d")
        self.start_chats = array("q")

    async def send(
        self, chat_id: int, op: Callable[[], Awaitable[T]], *, deadline: float | None = None
    ) -> T:
        async def tracked() -> T:
            self.start_times.append(self.vt.t)
            self.start_chats.append(chat_id)
            self.vt.begin()
            try:
                return await op()
            finally:
                self.vt.end()

        return await super().send(chat_id, tracked, deadline=deadline)


def count_violations(starts: list[tuple[float, int]], rate: float, per_chat: float) -> int:
    """One-second windows holding more sends than the rate allows, plus same-chat sends < 1 s."""
    limit = max(1, math.floor(rate))
    window = 1.0 if rate >= 1 else 1.0 / rate
    times = sorted(t for t, _ in starts)
    violations = 0
    end = 0
    for begin, t in enumerate(times):
        while end < len(times) and times[end] < t + window - EPSILON:
            end += 1
        if end - begin > limit:
            violations += 1
    last: dict[int, float] = {}
    for t, chat in sorted(starts):
        if chat in last and t - last[chat] < per_chat - EPSILON:
            violations += 1
        last[chat] = t
    return violations


def pacing_summary(pacer: RecordingPacer) -> dict[str, Any]:
    starts = list(zip(pacer.start_times, pacer.start_chats, strict=True))
    span = (max(pacer.start_times) - min(pacer.start_times)) if starts else 0.0
    return {
        "violations": count_violations(starts, pacer.rate_per_s, pacer.per_chat_interval),
        "virtual_drain_s": span,
        "sends_started": len(starts),
        "rate_per_s": pacer.rate_per_s,
    }


async def emulator_summary(control: str) -> dict[str, Any]:
    def fetch() -> dict[str, Any]:
        with urlopen(control, timeout=60) as response:
            data: dict[str, Any] = json.loads(response.read())
            return data

    return await asyncio.get_running_loop().run_in_executor(None, fetch)


def bench_settings(emu: dict[str, Any], db: Path) -> Any:
    # The real settings loader: TRUSTBOT_SEND_RATE and TRUSTBOT_GRACE_MINUTES from the
    # environment apply here exactly as in production.
    return load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=emu["token"],
        TELEGRAM_API_BASE_URL=emu["base_url"],
        TRUSTBOT_DB_PATH=db,
    )


def import_the_running_bot() -> None:
    """Import the modules the delivery tick imports lazily, as a running trustbot already has.

    ``Delivery._weekly`` imports bot.charts (matplotlib: ~0.6 s and ~45 MB) on the first tick;
    in the real process handlers/progress.py has loaded it at start-up, so a one-off import
    would otherwise be mistaken for the scheduler's start-up time and memory.
    """
    for module in ("bot.charts", "bot.progress", "bot.safety"):
        importlib.import_module(module)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
