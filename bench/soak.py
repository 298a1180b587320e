"""Soak: many people for a long time against a flaky Telegram. Is anything lost or doubled?

The real bot (`python -m bot.wiring.cli run`, its own process, production settings, a fresh
database) talks over HTTP to the Bot API emulator in this process. Every request waits the
emulator's latency (50 ms by default), and faults are injected at random while the soak runs:
429s with `retry_after` on one chat, 500s and 502s, and dropped connections. Each simulated
person sends a message, waits for the answer, thinks for a while (30-70 s by default: about
20 messages a second from 1,000 people, under Telegram's 30 a second), and goes again.

Every message sent here gets exactly one reply from the bot (`/help`, `/lesson`, `/meditate`,
and ordinary text, each checked in a calibration round first). So, per person:

* **lost**: messages whose reply never came (waited for up to 150 s: a 429 may hold a chat for
  two minutes);
* **duplicates**: replies beyond one per message;
* **unhandled_errors**: tracebacks in the bot's log;
* **rss_growth_pct**: the bot's resident memory at the end against a fifth of the way in
  (when everyone has arrived);
* **p95_reply_ms**: from sending a message to its reply arriving.

Run from the repository root: ``python -m bench.soak`` (10 minutes, 1,000 people), or
``--minutes 2 --users 200`` for a short run. The last line is
``updates=<n> lost=<n> duplicates=<n> unhandled_errors=<n> rss_growth_pct=<n> p95_reply_ms=<n>``
(targets: 0, 0, 0, under 5, under 2000). Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.emulator import BotAPIEmulator  # noqa: E402

MESSAGES = ("/help", "/lesson", "/meditate", "thank you, that helped a bit")
REPLY_WAIT = 150.0


@dataclass
class Tally:
    sent: int = 0
    lost: int = 0
    duplicates: int = 0
    latencies: list[float] = field(default_factory=list)


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_bot(emulator: BotAPIEmulator, data: Path, log_path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TRUSTBOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TRUSTBOT_DB_PATH=str(data / "trustbot.sqlite3"),
        TRUSTBOT_LOG_LEVEL="INFO",
        TRUSTBOT_LISTEN="127.0.0.1:0",
    )
    log = log_path.open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "bot.wiring.cli", "run"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def one_message(emulator: BotAPIEmulator, uid: int, text: str, tally: Tally) -> None:
    before = len(emulator.messages_to(uid))
    started = time.monotonic()
    emulator.send_message(uid, text)
    tally.sent += 1
    try:
        await emulator.wait_for(chat_id=uid, count=before + 1, timeout=REPLY_WAIT)
    except TimeoutError:
        tally.lost += 1
        return
    tally.latencies.append((time.monotonic() - started) * 1000)
    # A duplicate would arrive right behind the reply: give it a moment to show.
    await asyncio.sleep(2.0)
    extra = len(emulator.messages_to(uid)) - (before + 1)
    tally.duplicates += max(extra, 0)


async def person(
    emulator: BotAPIEmulator, uid: int, until: float, think: tuple[float, float], tally: Tally
) -> None:
    rng = random.Random(uid)
    await asyncio.sleep(rng.uniform(0, think[1]))  # people arrive over the first minute
    while time.monotonic() < until:
        await one_message(emulator, uid, rng.choice(MESSAGES), tally)
        await asyncio.sleep(rng.uniform(*think))


async def faults(emulator: BotAPIEmulator, until: float, users: int, rate: float) -> int:
    """Inject about ``rate`` faults a second until ``until``; returns how many."""
    rng = random.Random(7)
    injected = 0
    while time.monotonic() < until:
        await asyncio.sleep(rng.expovariate(rate))
        kind = rng.random()
        if kind < 0.4:
            chat = 1_000 + rng.randrange(users)
            emulator.fail_next(
                "sendMessage",
                status=429,
                description="Too Many Requests: retry after 1",
                retry_after=1,
                chat_id=chat,
            )
        elif kind < 0.8:
            status = rng.choice((500, 502))
            emulator.fail_next("sendMessage", status=status, description="Internal Server Error")
        else:
            emulator.drop_next("sendMessage")
        injected += 1
    return injected


async def calibrate(emulator: BotAPIEmulator) -> None:
    """Each kind of message gets exactly one reply (else the counts below would mislead)."""
    for n, text in enumerate(MESSAGES):
        uid = 900 + n
        emulator.send_message(uid, text)
        await emulator.wait_for(chat_id=uid, count=1, timeout=30)
        await asyncio.sleep(2.0)
        got = len(emulator.messages_to(uid))
        if got != 1:
            raise SystemExit(f"calibration: {text!r} got {got} replies, expected 1")


async def main_async(args: argparse.Namespace) -> int:
    emulator = BotAPIEmulator(latency=args.latency_ms / 1000)
    await emulator.start()
    with tempfile.TemporaryDirectory(prefix="trustbot-soak-") as tmp:
        data = Path(tmp)
        log_path = data / "bot.log"
        proc = start_bot(emulator, data, log_path)
        try:
            await emulator.wait_for_call("getUpdates", timeout=60)
            await calibrate(emulator)
            tally = Tally()
            start = time.monotonic()
            until = start + args.minutes * 60
            think = (args.think_min, args.think_max)
            crowd = [
                asyncio.create_task(person(emulator, 1_000 + i, until, think, tally))
                for i in range(args.users)
            ]
            chaos = asyncio.create_task(faults(emulator, until, args.users, args.fault_rate))
            await asyncio.sleep(args.minutes * 12)  # a fifth of the way in: everyone has come
            rss_early = rss_kb(proc.pid)
            while time.monotonic() < until:
                await asyncio.sleep(30)
                done = time.monotonic() - start
                counts = f"sent {tally.sent}, lost {tally.lost}, duplicates {tally.duplicates}"
                print(f"  {done:5.0f} s: {counts}", flush=True)
            injected = await chaos
            await asyncio.gather(*crowd)
            rss_end = rss_kb(proc.pid)
        finally:
            proc.terminate()
            # Wait without blocking the loop: the emulator must answer the bot's last calls.
            await asyncio.to_thread(proc.wait, 30)
            await emulator.stop()
        log_text = log_path.read_text(errors="replace")
        keep = REPO / "bench" / "out" / "soak-bot.log"
        keep.parent.mkdir(exist_ok=True)
        keep.write_text(log_text)
        lines = log_text.splitlines()
        # Log records that carry a traceback (a chained exception is part of the same record).
        tracebacks = sum(
            1
            for line, after in pairwise(lines)
            if after.startswith("Traceback") and (" ERROR " in line or " CRITICAL " in line)
        )
        if tracebacks:  # show what they were (the bot never logs message text)
            for block in log_text.split("Traceback (most recent call last)")[1:3]:
                print("  traceback:", " | ".join(block.strip().splitlines()[-3:])[:300])
    p95 = statistics.quantiles(tally.latencies, n=20)[-1] if len(tally.latencies) > 1 else 0.0
    growth = 100.0 * (rss_end - rss_early) / rss_early if rss_early else 0.0
    print(f"faults injected: {injected}; rss {rss_early / 1024:.1f} -> {rss_end / 1024:.1f} MB")
    print(
        f"updates={tally.sent} lost={tally.lost} duplicates={tally.duplicates} "
        f"unhandled_errors={tracebacks} rss_growth_pct={growth:.1f} p95_reply_ms={p95:.0f}"
    )
    ok = not (tally.lost or tally.duplicates or tracebacks) and growth < 5 and p95 < 2000
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--think-min", type=float, default=30.0)
    parser.add_argument("--think-max", type=float, default=70.0)
    parser.add_argument("--fault-rate", type=float, default=0.5, help="faults per second")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
