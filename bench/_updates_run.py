"""One run of the update-path benchmark: a fresh emulator and bot process, the closed-loop load,
the figures read around it, and the per-user ordering check (part of ``python -m bench.updates``;
see bench/updates.py).
"""

from __future__ import annotations

import asyncio
import re
import resource
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._updates_load import BURST, User, order_users
from bench._updates_procs import (
    REPO,
    TOKEN,
    BenchEmulator,
    BotConfig,
    BotProcess,
    GeneratorClock,
    remove_db,
)

STEP_TIMEOUT = 60.0  # seconds an update may take before it counts as unanswered


@dataclass
class RunResult:
    config: str
    latency_ms: int
    users: int
    updates: int
    answered: int
    capped: bool  # a probe: no step started after the time cap
    wall_s: float
    updates_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bot_cpu_s: float
    bot_cpu_ms_per_update: float
    bot_cpu_util: float  # fraction of one core during the load
    bot_main_thread_cpu_s: float  # the event loop
    bot_other_threads_cpu_s: float  # aiosqlite's connection threads and the like
    bot_peak_rss_mb: float
    bot_ready_rss_mb: float  # resident memory once polling, before the load
    emu_process_cpu_s: float  # this process: emulator + generator
    generator_cpu_s: float
    emulator_cpu_util: float  # (process - generator) / wall, fraction of one core
    requests: int
    requests_by_method: dict[str, int]
    api_errors: int
    api_errors_by_method: dict[str, int]
    api_error_texts: dict[str, int]
    problems: list[str] = field(default_factory=list)
    startup_s: float = 0.0
    order: dict[str, Any] | None = None


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --------------------------------------------------------------------------------------------
# The users' side: playing the steps, and the ordering check
# --------------------------------------------------------------------------------------------


def keyboard_message(emu: BenchEmulator, uid: int, data: str, is_echo: bool) -> int | None:
    """The message a user presses `data` on: the newest one carrying that button (trustbot),
    or the echo bot's newest message (it draws no keyboards)."""
    messages = emu.messages_to(uid)
    if is_echo:
        return messages[-1].message_id if messages else 1
    for message in reversed(messages):
        for row in (message.reply_markup or {}).get("inline_keyboard", ()):
            for key in row:
                if key.get("callback_data") == data:
                    return message.message_id
    return None


async def drive(
    emu: BenchEmulator,
    user: User,
    is_echo: bool,
    latencies: list[float],
    problems: list[str],
    deadline: float | None = None,
) -> tuple[int, int]:
    """Play one user's steps, each as soon as the previous answer is complete.

    Returns (updates sent, updates answered); with a deadline, no step starts after it."""
    gen = emu.gen
    expected = len(emu.arrivals.get(user.uid, ()))
    sent = answered = 0
    for step in user.steps:
        if deadline is not None and time.perf_counter() > deadline:
            break
        c0 = time.thread_time()
        expected += 1 if is_echo else step.expect
        if step.kind == "text":
            emu.send_message(user.uid, step.payload)
        else:
            message_id = keyboard_message(emu, user.uid, step.payload, is_echo)
            if message_id is None:
                problems.append(f"user {user.uid}: no button {step.payload!r}")
                message_id = 1
            emu.press_button(user.uid, message_id, step.payload)
        injected = time.perf_counter()
        sent += 1
        gen.cpu += time.thread_time() - c0
        ok = await emu.until(user.uid, expected, STEP_TIMEOUT)
        c0 = time.thread_time()
        if ok:
            latencies.append(emu.arrivals[user.uid][expected - 1] - injected)
            answered += 1
        else:
            got = len(emu.arrivals.get(user.uid, ()))
            problems.append(f"user {user.uid} ({user.flow}): {got}/{expected} answers")
            gen.cpu += time.thread_time() - c0
            break  # the rest of this user's flow would only wait for the same failure
        gen.cpu += time.thread_time() - c0
    return sent, answered


async def ordering_check(emu: BenchEmulator, n_users: int, is_echo: bool) -> dict[str, Any]:
    """Users at the time-zone question each send UTC+1 ... UTC+5 at once; the answers name
    the zones (trustbot) or repeat the texts (echo) and must come back in that order."""
    users = order_users(n_users)
    problems: list[str] = []
    await asyncio.gather(*(drive(emu, u, is_echo, [], problems) for u in users))
    before = {u.uid: len(emu.arrivals.get(u.uid, ())) for u in users}
    # Each Bot API answer now takes base +- 80% (10-90 ms at 50 ms): with a fixed delay,
    # concurrent handlers finish in the order they started and reordering could never show.
    emu.jitter = emu.latency * 0.8
    started = time.perf_counter()
    for user in users:  # each user's five back to back: they land in one getUpdates batch
        for text in BURST:
            emu.send_message(user.uid, text)
    done = await asyncio.gather(
        *(emu.until(u.uid, before[u.uid] + len(BURST), STEP_TIMEOUT) for u in users)
    )
    took = time.perf_counter() - started
    emu.jitter = 0.0
    zone = re.compile(r"\(Etc/GMT-(\d)\)")
    in_order = out_of_order = incomplete = 0
    example = ""
    for user, ok in zip(users, done, strict=True):
        replies = emu.messages_to(user.uid)[before[user.uid] :]
        if is_echo:
            seen = [m.text for m in replies]
            want = list(BURST)
        else:
            seen = [(f"UTC+{m[1]}" if (m := zone.search(r.text)) else r.text[:30]) for r in replies]
            want = list(BURST)
        if not ok or len(seen) < len(want):
            incomplete += 1
        elif seen[: len(want)] == want:
            in_order += 1
        else:
            out_of_order += 1
            example = example or f"user {user.uid}: {seen}"
    return {
        "users": n_users,
        "burst": len(BURST),
        "in_order": in_order,
        "out_of_order": out_of_order,
        "incomplete": incomplete,
        "example": example,
        "burst_s": round(took, 2),
        "prelude_problems": len(problems),
    }


# --------------------------------------------------------------------------------------------
# The measured load, and one run around it
# --------------------------------------------------------------------------------------------


@dataclass
class Load:
    """What the measured load did, and the counters read just before and just after it."""

    latencies: list[float]
    problems: list[str]
    counts: list[tuple[int, int]]  # per user: (updates sent, updates answered)
    n_updates: int
    capped: bool
    wall: float  # first injection to last reply
    span: float  # first injection to the end of the load
    bot_cpu: float
    threads: tuple[float, float]  # bot CPU in (the main thread, the others) during the load
    proc_cpu: float  # this process: emulator + generator
    gen_cpu: float
    stats0: dict[str, Any]
    stats1: dict[str, Any]


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Per-key growth of a counter dict, leaving out keys that did not grow."""
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


async def measure_load(
    emu: BenchEmulator,
    bot: BotProcess,
    users: list[User],
    is_echo: bool,
    time_cap: float | None,
) -> Load:
    """Every user plays their steps at once (closed loops); the bot's and this process's
    counters are read around it, and each transcript is checked against the script."""
    latencies: list[float] = []
    problems: list[str] = []
    stats0 = emu.stats()
    bot_cpu0 = bot.cpu_seconds()
    threads0 = bot.thread_cpu_seconds()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    gen_cpu0 = emu.gen.cpu
    t0 = time.perf_counter()
    deadline = t0 + time_cap if time_cap is not None else None
    counts = await asyncio.gather(
        *(drive(emu, u, is_echo, latencies, problems, deadline) for u in users)
    )
    t_last = max((emu.arrivals[u.uid][-1] for u in users if emu.arrivals.get(u.uid)), default=t0)
    t_end = time.perf_counter()
    bot_cpu = bot.cpu_seconds() - bot_cpu0
    threads1 = bot.thread_cpu_seconds()
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    gen_cpu = emu.gen.cpu - gen_cpu0
    stats1 = emu.stats()
    proc_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    n_updates = sum(c[0] for c in counts)
    capped = n_updates < sum(len(u.steps) for u in users)
    # Every user's transcript must hold exactly what the script expects: more would mean
    # an unexpected answer (a triage response, an error message) that skews the timing.
    for user in users if not capped else ():
        want = len(user.steps) if is_echo else sum(s.expect for s in user.steps)
        got = len(emu.arrivals.get(user.uid, ()))
        if got != want:
            problems.append(f"user {user.uid} ({user.flow}): {got} messages, expected {want}")
    return Load(
        latencies=latencies,
        problems=problems,
        counts=counts,
        n_updates=n_updates,
        capped=capped,
        wall=max(t_last - t0, 1e-9),
        span=t_end - t0,
        bot_cpu=bot_cpu,
        threads=(threads1[0] - threads0[0], threads1[1] - threads0[1]),
        proc_cpu=proc_cpu,
        gen_cpu=gen_cpu,
        stats0=stats0,
        stats1=stats1,
    )


def make_result(
    config: BotConfig,
    latency: float,
    n_users: int,
    load: Load,
    emu: BenchEmulator,
    rss: tuple[float, float],
    startup: float,
    order: dict[str, Any] | None,
) -> RunResult:
    """The run's figures, rounded as reported; `rss` is (ready, peak) in MB."""
    lat, problems, answered = load.latencies, load.problems, sum(c[1] for c in load.counts)
    stats0, stats1 = load.stats0, load.stats1
    return RunResult(
        config=config.name,
        latency_ms=round(latency * 1000),
        users=n_users,
        updates=load.n_updates,
        answered=answered,
        capped=load.capped,
        wall_s=round(load.wall, 3),
        updates_per_s=round(answered / load.wall, 1),
        p50_ms=round(percentile(lat, 0.50) * 1000, 1),
        p95_ms=round(percentile(lat, 0.95) * 1000, 1),
        p99_ms=round(percentile(lat, 0.99) * 1000, 1),
        max_ms=round(max(lat, default=float("nan")) * 1000, 1),
        bot_cpu_s=round(load.bot_cpu, 3),
        bot_cpu_ms_per_update=round(load.bot_cpu / load.n_updates * 1000, 3),
        bot_cpu_util=round(load.bot_cpu / load.span, 3),
        bot_main_thread_cpu_s=round(load.threads[0], 3),
        bot_other_threads_cpu_s=round(load.threads[1], 3),
        bot_peak_rss_mb=round(rss[1], 1),
        bot_ready_rss_mb=round(rss[0], 1),
        emu_process_cpu_s=round(load.proc_cpu, 3),
        generator_cpu_s=round(load.gen_cpu, 3),
        emulator_cpu_util=round((load.proc_cpu - load.gen_cpu) / load.span, 3),
        requests=stats1["requests"] - stats0["requests"],
        requests_by_method=_delta(stats0["requests_by_method"], stats1["requests_by_method"]),
        api_errors=stats1["errors"] - stats0["errors"],
        api_error_texts=dict(emu.error_texts),
        api_errors_by_method=_delta(stats0["errors_by_method"], stats1["errors_by_method"]),
        problems=problems[:20] + ([f"... {len(problems) - 20} more"] if len(problems) > 20 else []),
        startup_s=round(startup, 2),
        order=order,
    )


async def run_once(
    config: BotConfig,
    latency: float,
    users: list[User],
    db_template: Path | None,
    workdir: Path,
    key: str,
    order_n: int,
    root: Path = REPO,
    profile: Path | None = None,
    time_cap: float | None = None,
) -> RunResult:
    emu = BenchEmulator(GeneratorClock(), token=TOKEN)
    await emu.start()
    db_path: Path | None = None
    if config.kind == "trustbot":
        assert db_template is not None
        db_path = workdir / f"trustbot-{time.monotonic_ns()}.sqlite3"
        shutil.copyfile(db_template, db_path)
    # Latency on from the start: the bot's start-up calls see it too, as they would.
    emu.latency = latency
    bot = BotProcess(config, emu.base_url, db_path, key, root, profile)
    result: RunResult | None = None
    try:
        startup = await bot.wait_ready(emu)
        await asyncio.sleep(0.5)  # let start-up work (first scheduler tick) settle
        ready_rss = bot.rss_mb("VmRSS")
        is_echo = config.kind == "echo"
        load = await measure_load(emu, bot, users, is_echo, time_cap)
        order = await ordering_check(emu, order_n, is_echo) if order_n else None
        errors = bot.log_errors()
        if errors:
            load.problems.insert(
                0, f"{len(errors)} ERROR line(s) in the bot's log: {errors[0][:160]}"
            )
        rss = (ready_rss, bot.rss_mb())
        result = make_result(config, latency, len(users), load, emu, rss, startup, order)
    except BaseException:
        result = None
        raise
    finally:
        await bot.stop()
        await emu.stop()
        if result is not None and not result.problems:
            bot.log_path.unlink(missing_ok=True)  # keep the logs of runs that need a look
        if db_path is not None:
            remove_db(db_path)
    return result
