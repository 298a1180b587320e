"""Replicas: the same load on one and on three `trustbot run` processes sharing PostgreSQL,
and on one process with SQLite, against the emulator with 50 ms of API latency.

Each simulated person sends a run of commands whose answers can be told apart (`/progress`,
`/lesson`, `/meditate`, `/export`), all at once, as a burst; the proxy spreads the posts over
the replicas round-robin (webhook mode). Measured per setup: updates handled a second, the
replicas' CPU per update (their processes' user+system time), answers out of order, and
duplicate answers.

Needs a PostgreSQL server: ``TRUSTBOT_TEST_POSTGRES_URL`` (as the tests; `.ci/run` shows how
to start a throwaway one). Run from the repository root:
``python -m bench.replicas`` (about two minutes), or ``--people 100`` for a quick look. Ends with
``backend=postgresql replicas=3 updates_per_s_1=<n> updates_per_s_3=<n>
cpu_ms_per_update_1=<n> cpu_ms_per_update_3=<n> order_violations=<n> duplicates=<n>`` and a
line for SQLite. Targets: CPU per update with 3 replicas within 1.2x of one; PostgreSQL within
1.5x of SQLite; no order violations; no duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402

from bot.emulator import BotAPIEmulator  # noqa: E402
from tests.e2e.test_replicas import SECRET, _free_port, _proxy  # noqa: E402
from tests.pg import TEST_KEY  # noqa: E402

COMMANDS = {
    "/progress": "Progress is off",
    "/lesson": "Which part would you like to explore?",
    "/meditate": "Which practice would you like?",
    "/export": "I keep nothing about you",
}
FIRST_ID = 8_000_000_000
KEY = TEST_KEY  # a fixed key: every replica needs the same one


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(env_extra: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TRUSTBOT_"))}
    env.update(env_extra)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.wiring.cli", "run"],
        cwd=REPO,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def fresh_database(server: str, name: str) -> str:
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return server.rsplit("/", 1)[0] + "/" + name


async def run_setup(
    backend: str, replicas: int, people: int, burst: int, server: str, workdir: Path
) -> dict[str, float]:
    emulator = BotAPIEmulator(latency=0.05)
    await emulator.start()
    ports = [_free_port() for _ in range(replicas)]
    proxy, proxy_url = await _proxy([f"http://127.0.0.1:{p}" for p in ports])
    base = {
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "TRUSTBOT_DATA_KEY": KEY,
        "TRUSTBOT_WEBHOOK_URL": f"{proxy_url}/telegram/hook",
        "TRUSTBOT_WEBHOOK_SECRET": SECRET,
        "TRUSTBOT_REPLY_RATE": "0",  # Telegram's overall cap is not what is measured here
    }
    if backend == "postgresql":
        base["TRUSTBOT_DATABASE_URL"] = await fresh_database(server, f"bench_{replicas}")
    else:
        base["TRUSTBOT_DB_PATH"] = str(workdir / f"sqlite-{replicas}.sqlite3")
    procs = [
        start({**base, "TRUSTBOT_LISTEN": f"127.0.0.1:{port}"}, workdir / f"{backend}-{n}.log")
        for n, port in enumerate(ports)
    ]
    try:
        await emulator.wait_for_call("setWebhook", count=replicas, timeout=60)
        await asyncio.sleep(1.0)
        cpu0 = sum(cpu_seconds(p.pid) for p in procs)
        sequence = [cmd for _ in range(burst // len(COMMANDS) + 1) for cmd in COMMANDS][:burst]
        users = range(FIRST_ID, FIRST_ID + people)
        started = time.monotonic()
        for uid in users:
            for command in sequence:
                emulator.send_message(uid, command)
        total = people * burst
        for uid in users:
            await emulator.wait_for(chat_id=uid, count=burst, timeout=300)
        took = time.monotonic() - started
        await asyncio.sleep(1.0)  # late duplicates would show now
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu0
        violations = duplicates = 0
        for uid in users:
            replies = emulator.messages_to(uid)
            duplicates += max(0, len(replies) - burst)
            answered = [
                next((c for c, s in COMMANDS.items() if m.text.startswith(s)), "?")
                for m in replies[:burst]
            ]
            violations += answered != sequence
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            await asyncio.to_thread(proc.wait, 30)
        await proxy.cleanup()
        await emulator.stop()
    return {
        "updates_per_s": total / took,
        "cpu_ms_per_update": 1000 * cpu / total,
        "order_violations": violations,
        "duplicates": duplicates,
    }


async def main_async(args: argparse.Namespace) -> int:
    server = os.environ.get("TRUSTBOT_TEST_POSTGRES_URL", "")
    if not server:
        print("set TRUSTBOT_TEST_POSTGRES_URL to a PostgreSQL server (see .ci/run)")
        return 2
    with tempfile.TemporaryDirectory(prefix="trustbot-replicas-") as tmp:
        workdir = Path(tmp)
        results = {}
        for backend, replicas in (("sqlite", 1), ("postgresql", 1), ("postgresql", 3)):
            r = await run_setup(backend, replicas, args.people, args.burst, server, workdir)
            results[(backend, replicas)] = r
            print(
                f"  {backend:10} x{replicas}: {r['updates_per_s']:6.1f} updates/s, "
                f"{r['cpu_ms_per_update']:.2f} ms CPU per update, "
                f"order violations {r['order_violations']}, duplicates {r['duplicates']}",
                flush=True,
            )
    one, three = results[("postgresql", 1)], results[("postgresql", 3)]
    lite = results[("sqlite", 1)]
    print(
        f"ratios: 3 replicas / 1 = {three['cpu_ms_per_update'] / one['cpu_ms_per_update']:.2f} "
        f"(target <= 1.2); PostgreSQL / SQLite = "
        f"{one['cpu_ms_per_update'] / lite['cpu_ms_per_update']:.2f} (target <= 1.5)"
    )
    print(
        f"backend=postgresql replicas=3 updates_per_s_1={one['updates_per_s']:.0f} "
        f"updates_per_s_3={three['updates_per_s']:.0f} "
        f"cpu_ms_per_update_1={one['cpu_ms_per_update']:.2f} "
        f"cpu_ms_per_update_3={three['cpu_ms_per_update']:.2f} "
        f"order_violations={int(one['order_violations'] + three['order_violations'])} "
        f"duplicates={int(one['duplicates'] + three['duplicates'])}"
    )
    print(
        f"backend=sqlite replicas=1 updates_per_s_1={lite['updates_per_s']:.0f} "
        f"cpu_ms_per_update_1={lite['cpu_ms_per_update']:.2f}"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--burst", type=int, default=8, help="messages each person sends")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
