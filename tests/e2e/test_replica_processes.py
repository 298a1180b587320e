"""Issue 12: three real `trustbot run` processes on one PostgreSQL database, in webhook mode
behind a round-robin proxy. Ten thousand people are due at one instant; the scheduler's leader
is killed with SIGKILL in the middle of the rush. Each person gets their prompt at most once,
and only prompts whose send was in flight when the leader died can be missing.
(Needs PostgreSQL: tests/pg.py.)"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import asyncpg

from bot.crypto import Sealer
from bot.emulator import BotAPIEmulator
from bot.storage import Storage
from tests import pg
from tests.e2e.test_replicas import SECRET, _free_port, _proxy

REPO = Path(__file__).resolve().parents[2]
PEOPLE = 10_000
FIRST_ID = 7_000_000_000  # beyond 32 bits, as real Telegram ids are
IN_FLIGHT = 16  # scheduler/delivery.py: prompts whose send may be under way at once


def _replica(
    emulator: BotAPIEmulator, url: str, port: int, hook: str, log: Path, rate: int
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TRUSTBOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TRUSTBOT_DATABASE_URL=url,
        TRUSTBOT_DATA_KEY=pg.TEST_KEY,
        TRUSTBOT_LISTEN=f"127.0.0.1:{port}",
        TRUSTBOT_WEBHOOK_URL=hook,
        TRUSTBOT_WEBHOOK_SECRET=SECRET,
        TRUSTBOT_TICK_SECONDS="1",
        TRUSTBOT_SEND_RATE=str(rate),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot.wiring.cli", "run"],
        cwd=REPO,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def _fill(url: str, now: int) -> None:
    store = await Storage.open_url(url, Sealer(os.urandom(32)))  # the schema, migrated
    await store.close()
    conn = await asyncpg.connect(url)
    try:
        ids = range(FIRST_ID, FIRST_ID + PEOPLE)
        await conn.copy_records_to_table(
            "users",
            records=[(i, i, now, "done", 1, "UTC") for i in ids],
            columns=["user_id", "chat_id", "created_at", "onboarding", "consent_reminders", "tz"],
        )
        # Due a minute ago at a local time that matches (UTC), so that the next one is tomorrow
        # (a time that did not match would fall due again within the rush).
        due = datetime.fromtimestamp(now - 60, UTC).replace(second=0, microsecond=0)
        await conn.copy_records_to_table(
            "schedules",
            records=[(i, "checkin", due.strftime("%H:%M"), 127, int(due.timestamp())) for i in ids],
            columns=["user_id", "kind", "local_time", "days", "next_due_at"],
        )
    finally:
        await conn.close()


async def _healthy(ports: list[int]) -> None:
    """Wait until each replica's listener answers /healthz (it has started)."""
    async with aiohttp.ClientSession() as http:
        for port in ports:
            for _ in range(300):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"replica on port {port} never became healthy")


def _prompted(emulator: BotAPIEmulator) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"])
        for c in emulator.calls_to("sendMessage")
        if c.status == 200 and int(c.params.get("chat_id", 0)) >= FIRST_ID
    )


async def test_ten_thousand_due_at_once_are_each_prompted_once_though_the_leader_dies(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    url = await pg.database_for(tmp_path / "fleet")
    await _fill(url, int(time.time()))
    for i in range(FIRST_ID, FIRST_ID + PEOPLE):
        emulator.register_user(i)
    ports = [_free_port() for _ in range(3)]
    proxy, proxy_url = await _proxy([f"http://127.0.0.1:{p}" for p in ports])
    hook = f"{proxy_url}/telegram/hook"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        # The first replica starts alone, so it takes the scheduler's lease.
        # It sends at 500 a second, so that it is still sending when it is killed; the others
        # at 1,000 (the most the settings allow), so that the rest takes less of the suite.
        procs.append(_replica(emulator, url, ports[0], hook, tmp_path / "replica-0.log", 500))
        await emulator.wait_for_call("sendMessage", count=200, timeout=60)
        for n in (1, 2):
            log = tmp_path / f"replica-{n}.log"
            procs.append(_replica(emulator, url, ports[n], hook, log, 1000))
        await _healthy(ports[1:])
        # At least one more batch (500) is claimed after the others started: those claims are
        # younger than the survivors, and must still be recognised as the dead leader's.
        sent = len(emulator.calls_to("sendMessage"))
        await emulator.wait_for_call("sendMessage", count=sent + 700, timeout=60)
        procs[0].send_signal(signal.SIGKILL)  # the leader dies in the middle of the rush
        procs[0].wait(timeout=10)
        killed_at = len(_prompted(emulator))
        # Another replica takes the lease at its next tick and sends the rest. Wait until the
        # count stands still for 3 s, or for 1 s (a tick) once all but those that may have been
        # in flight have theirs.
        deadline = time.monotonic() + 120
        last, still = -1, 0
        while time.monotonic() < deadline and still < (2 if last >= PEOPLE - IN_FLIGHT else 6):
            await asyncio.sleep(0.5)
            count = len(_prompted(emulator))
            still = still + 1 if count == last else 0
            last = count
    finally:
        for proc in procs[1:]:
            proc.terminate()
        for proc in procs[1:]:
            await asyncio.to_thread(proc.wait, 30)
        await proxy.cleanup()
    prompted = _prompted(emulator)
    assert killed_at < PEOPLE, "the leader finished before it was killed: the test proves nothing"
    assert max(prompted.values()) == 1, "someone got two prompts"
    missing = PEOPLE - len(prompted)
    assert missing <= IN_FLIGHT, f"{missing} prompts lost (only those in flight may be)"
    # Someone else took over: a surviving replica's log shows its ticks sending.
    survivors = "".join((tmp_path / f"replica-{n}.log").read_text() for n in (1, 2))
    assert "tick: claimed=" in survivors
