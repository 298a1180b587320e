"""The fan-out benchmark's child processes: the Bot API emulator, our delivery tick, the
per-user JobQueue baseline and the sends alone. Each runs as ``python -m bench.fanout <mode>``
in a fresh process and prints one ``RESULT {json}`` line (see bench/fanout.py).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from apscheduler.events import EVENT_JOB_MISSED
from telegram import Bot
from telegram.ext import ApplicationBuilder, ContextTypes, Job, JobQueue

from bench._fanout_measure import (
    FixedClock,
    RecordingPacer,
    StallMonitor,
    VirtualTime,
    bench_settings,
    emulator_summary,
    import_the_running_bot,
    pacing_summary,
    rss_kb,
)
from bench._fanout_users import RUSH, ZONES, due_chats, is_due, minute_of, zone_of
from bot.crypto import Sealer
from bot.emulator import BotAPIEmulator
from bot.i18n import tr
from bot.services import Services
from bot.storage import Storage
from content.loader import load_library
from content.resources import load_resources
from handlers.reminders import PROMPT_VIEWS
from scheduler.delivery import Delivery

RESULT_PREFIX = "RESULT "
PROMPT_TEXT, PROMPT_MARKUP = PROMPT_VIEWS.checkin(slow_notice=False, t=tr("en"))


# --- child: the Bot API emulator --------------------------------------------------------------


async def serve_emulator(chats: list[int]) -> None:
    """Run the emulator with ``chats`` known; print where it listens; stop when stdin closes."""
    emu = BotAPIEmulator()
    for chat in chats:
        emu.register_user(chat)
    await emu.start()

    async def summary(_: web.Request) -> web.Response:
        counts = [len(emu.messages_to(chat)) for chat in chats]
        stats = emu.stats()
        body = {
            "chats": len(chats),
            "messages": sum(counts),
            "duplicates": sum(1 for c in counts if c > 1),
            "missing": sum(1 for c in counts if c == 0),
            "requests": stats["requests_by_method"],
            "errors": stats["errors"],
        }
        return web.json_response(body)

    control = web.Application()
    control.router.add_get("/summary", summary)
    runner = web.AppRunner(control, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = int(runner.addresses[0][1])
    info = {
        "base_url": emu.base_url,
        "token": emu.token,
        "control": f"http://127.0.0.1:{port}/summary",
    }
    print(json.dumps(info), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()
    await emu.stop()


# --- child: our design ------------------------------------------------------------------------


async def _start_ours(
    db: Path, services_args: dict[str, Any], sender: Bot, vt: VirtualTime
) -> tuple[Storage, RecordingPacer, Delivery, dict[str, float]]:
    """Start-up: open the database, build the pacer and the tick, run the first tick (nothing
    due). Returns the storage, the pacer, the tick and the start-up timings in ms."""
    settings = services_args["settings"]
    t0 = time.perf_counter()
    storage = await Storage.open(db, Sealer(os.urandom(32)))
    t1 = time.perf_counter()
    services = Services(storage=storage, **services_args)
    pacer = RecordingPacer(vt, settings.send_rate)
    delivery = Delivery(
        sender, services, pacer, views=PROMPT_VIEWS, grace=timedelta(minutes=settings.grace_minutes)
    )
    first = await delivery.tick()
    t2 = time.perf_counter()
    assert first.claimed == 0, first
    # What every later tick pays when nothing is due: one claim_due (median of 5).
    samples = []
    for _ in range(5):
        s0 = time.perf_counter()
        assert not await storage.claim_due(services.now_s(), delivery.batch, "probe")
        samples.append(time.perf_counter() - s0)
    timings = {
        "storage_open_ms": (t1 - t0) * 1000,
        "startup_ms": (t2 - t1) * 1000,
        "claim_idle_ms": sorted(samples)[2] * 1000,
    }
    return storage, pacer, delivery, timings


async def _rush_ours(
    delivery: Delivery, clock: FixedClock, monitor: StallMonitor
) -> dict[str, Any]:
    """The rush: 5 s after the due minute starts, tick until a tick claims nothing."""
    clock.now = RUSH + timedelta(seconds=5)
    gc.collect()
    monitor.start()
    c0, w0 = time.process_time(), time.perf_counter()
    totals = {"claimed": 0, "sent": 0, "skipped": 0, "failed": 0}
    ticks = 0
    while True:
        report = await delivery.tick()
        ticks += 1
        for key in totals:
            totals[key] += getattr(report, key)
        if report.claimed == 0:
            break
    c1, w1 = time.process_time(), time.perf_counter()
    stall = await monitor.stop()
    return {"totals": totals, "ticks": ticks, "cpu_s": c1 - c0, "wall_s": w1 - w0, "stall": stall}


def _recorded_outcome(db: Path) -> tuple[int, int]:
    """(deliveries recorded as sent, schedules still due or claimed) after the rush."""
    conn = sqlite3.connect(db)
    try:
        (recorded,) = conn.execute(
            "SELECT COUNT(*) FROM deliveries WHERE outcome = 'sent'"
        ).fetchone()
        (left,) = conn.execute(
            "SELECT COUNT(*) FROM schedules WHERE next_due_at <= ? OR state != 'idle'",
            (int(RUSH.timestamp()),),
        ).fetchone()
    finally:
        conn.close()
    return recorded, left


async def measure_ours(n: int, db: Path, emu: dict[str, Any]) -> dict[str, Any]:
    import_the_running_bot()
    settings = bench_settings(emu, db)
    library, resources = load_library(), load_resources()
    clock = FixedClock(RUSH - timedelta(seconds=30))
    sender = Bot(emu["token"], base_url=emu["base_url"])  # as scheduler.delivery.install does
    await sender.initialize()
    vt = VirtualTime()
    monitor = StallMonitor()
    services_args = {
        "settings": settings,
        "library": library,
        "resources": resources,
        "clock": clock,
    }
    rss0 = rss_kb()
    storage, pacer, delivery, timings = await _start_ours(db, services_args, sender, vt)
    rss1 = rss_kb()
    rush = await _rush_ours(delivery, clock, monitor)
    rss2 = rss_kb()
    await storage.close()
    await sender.shutdown()
    recorded, left = _recorded_outcome(db)
    delivered = rush["totals"]["sent"]
    return {
        "design": "ours",
        "users": n,
        "due": len(due_chats(n)),
        **timings,
        "extra_rss_mb": (rss1 - rss0) / 1024,
        "extra_rss_after_burst_mb": (rss2 - rss0) / 1024,
        "delivered": delivered,
        "cpu_s": rush["cpu_s"],
        "cpu_per_due_user_us": rush["cpu_s"] / max(delivered, 1) * 1e6,
        "burst_wall_s": rush["wall_s"],
        "max_stall_ms": rush["stall"] * 1000,
        "ticks": rush["ticks"],
        "outcomes": rush["totals"],
        "db_recorded_sent": recorded,
        "db_left_due_or_claimed": left,
        **pacing_summary(pacer),
        "emulator": await emulator_summary(emu["control"]),
    }


# --- child: the per-user JobQueue baseline ----------------------------------------------------


def _job_specs(n: int) -> list[tuple[int, dtime, bool]]:
    """(user, local check-in time with its zone, due in the rush) for every user."""
    zones = [ZoneInfo(zone) for zone, _ in ZONES]
    specs = []
    for uid in range(1, n + 1):
        zi = zone_of(uid)
        minute = minute_of(uid, ZONES[zi][0])
        specs.append((uid, dtime(minute // 60, minute % 60, tzinfo=zones[zi]), is_due(uid)))
    return specs


class PromptJobs:
    """What a per-user design's job does, and what the bench notes about each one that runs."""

    def __init__(self, sender: Bot, pacer: RecordingPacer, due_total: int) -> None:
        self.sender = sender
        self.pacer = pacer
        self.due_total = due_total
        self.state: dict[str, Any] = {
            "done": 0,
            "resumed_at": 0.0,
            "max_lag": 0.0,
            "late_over_1s": 0,
            "real_time_jobs": 0,
        }
        self.all_done = asyncio.Event()

    async def prompt(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        # What a per-user design's job does: send this user's prompt (through the same pacer).
        assert context.job is not None and context.job.chat_id is not None
        chat_id = context.job.chat_id
        state = self.state
        if not is_due(chat_id):
            # Jobs run on the real clock: a few users' own times come round during the run.
            # Counted, not sent (the emulator only knows the rush's chats).
            state["real_time_jobs"] += 1
            return
        lag = time.perf_counter() - state["resumed_at"]
        state["max_lag"] = max(state["max_lag"], lag)
        if lag > 1.0:
            state["late_over_1s"] += 1  # APScheduler's default misfire_grace_time would drop it
        await self.pacer.send(
            chat_id,
            lambda: self.sender.send_message(chat_id, PROMPT_TEXT, reply_markup=PROMPT_MARKUP),
        )
        state["done"] += 1
        if state["done"] == self.due_total:
            self.all_done.set()

    def restore(
        self, job_queue: JobQueue[Any], specs: list[tuple[int, dtime, bool]]
    ) -> list[Job[Any]]:
        """Add every user's daily job, as a restarting bot restores them; returns the due ones."""
        due_jobs = []
        for uid, at, due in specs:
            # misfire_grace_time=None: the generous setting; with the default of 1 s, every job
            # started more than 1 s late is dropped (counted in late_over_1s below).
            job = job_queue.run_daily(
                self.prompt, at, chat_id=uid, user_id=uid, job_kwargs={"misfire_grace_time": None}
            )
            if due:
                due_jobs.append(job)
        return due_jobs

    async def rush(
        self, job_queue: JobQueue[Any], due_jobs: list[Job[Any]], monitor: StallMonitor
    ) -> tuple[float, float, float]:
        """Pause, make the due 10% due now, resume: they all fall due together.

        Returns (CPU seconds, wall seconds, longest stall) until every due job has sent."""
        scheduler = job_queue.scheduler
        scheduler.pause()
        now = datetime.now(UTC)
        for job in due_jobs:
            job.job.modify(next_run_time=now)
        await asyncio.sleep(0.05)
        gc.collect()
        monitor.start()
        c0, w0 = time.process_time(), time.perf_counter()
        self.state["resumed_at"] = time.perf_counter()
        scheduler.resume()
        await asyncio.wait_for(self.all_done.wait(), timeout=1800)
        c1, w1 = time.process_time(), time.perf_counter()
        stall = await monitor.stop()
        return c1 - c0, w1 - w0, stall


async def measure_baseline(n: int, emu: dict[str, Any]) -> dict[str, Any]:
    import_the_running_bot()
    settings = bench_settings(emu, Path(tempfile.gettempdir()) / "unused.sqlite3")
    specs = _job_specs(n)
    app = ApplicationBuilder().token(emu["token"]).base_url(emu["base_url"]).build()
    await app.initialize()
    job_queue = app.job_queue
    assert job_queue is not None
    sender = Bot(emu["token"], base_url=emu["base_url"])
    await sender.initialize()
    vt = VirtualTime()
    pacer = RecordingPacer(vt, settings.send_rate)
    monitor = StallMonitor()
    missed: list[object] = []
    job_queue.scheduler.add_listener(missed.append, EVENT_JOB_MISSED)
    due_total = len(due_chats(n))
    jobs = PromptJobs(sender, pacer, due_total)
    rss0 = rss_kb()
    # Start-up as a restarting bot does it: restore every user's job (in post_init, before the
    # scheduler runs; adding them to a running scheduler measured ~20% slower), then start.
    t0 = time.perf_counter()
    due_jobs = jobs.restore(job_queue, specs)
    t_added = time.perf_counter()
    await app.start()  # starts the JobQueue's AsyncIOScheduler (no polling): jobs go live
    await asyncio.sleep(0)  # the scheduler's first wake-up runs here
    t_ready = time.perf_counter()
    rss1 = rss_kb()
    cpu, wall, stall = await jobs.rush(job_queue, due_jobs, monitor)
    rss2 = rss_kb()
    summary = await emulator_summary(emu["control"])
    await app.stop()
    await app.shutdown()
    await sender.shutdown()
    delivered = jobs.state["done"]
    return {
        "design": "baseline",
        "users": n,
        "due": due_total,
        "startup_ms": (t_ready - t0) * 1000,
        "add_jobs_ms": (t_added - t0) * 1000,
        "extra_rss_mb": (rss1 - rss0) / 1024,
        "extra_rss_after_burst_mb": (rss2 - rss0) / 1024,
        "delivered": delivered,
        "cpu_s": cpu,
        "cpu_per_due_user_us": cpu / max(delivered, 1) * 1e6,
        "burst_wall_s": wall,
        "max_stall_ms": stall * 1000,
        "max_start_lag_s": jobs.state["max_lag"],
        "late_over_1s": jobs.state["late_over_1s"],
        "real_time_jobs": jobs.state["real_time_jobs"],
        "apscheduler_missed": len(missed),
        **pacing_summary(pacer),
        "emulator": summary,
    }


# --- child: the sends alone -------------------------------------------------------------------


async def measure_send_only(count: int, emu: dict[str, Any]) -> dict[str, Any]:
    """The same prompts through the same Bot and pacer, with no scheduler: the shared floor."""
    import_the_running_bot()
    settings = bench_settings(emu, Path(tempfile.gettempdir()) / "unused.sqlite3")
    sender = Bot(emu["token"], base_url=emu["base_url"])
    await sender.initialize()
    vt = VirtualTime()
    pacer = RecordingPacer(vt, settings.send_rate)
    monitor = StallMonitor()

    async def one(chat_id: int) -> None:
        await pacer.send(
            chat_id,
            lambda: sender.send_message(chat_id, PROMPT_TEXT, reply_markup=PROMPT_MARKUP),
        )

    gc.collect()
    monitor.start()
    c0, w0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(chat) for chat in range(1, count + 1)))
    c1, w1 = time.process_time(), time.perf_counter()
    stall = await monitor.stop()
    await sender.shutdown()
    return {
        "design": "send-only",
        "due": count,
        "delivered": count,
        "cpu_s": c1 - c0,
        "cpu_per_due_user_us": (c1 - c0) / count * 1e6,
        "burst_wall_s": w1 - w0,
        "max_stall_ms": stall * 1000,
        **pacing_summary(pacer),
        "emulator": await emulator_summary(emu["control"]),
    }
