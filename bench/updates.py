"""Update-path benchmark (issue 6): trustbot against a bare python-telegram-bot echo bot.

The question: when a thousand people answer the same 8:00 check-in, does trustbot move updates
as fast as python-telegram-bot itself can, on this machine, with the Bot API answering at once
and with the ~50 ms a real server sees?

This process runs the Bot API emulator (``bot.emulator.BotAPIEmulator``) *and* the load
generator on one asyncio loop; every bot runs in its own process, configured only through the
environment, so the bot's CPU and memory are its own and the emulator can't steal its loop:

  echo-default   ``bench/_updates_echo.py``, PTB's default (sequential) processing
  echo-cN        the same echo bot with ``concurrent_updates(N)``; N is swept and the best kept
  trustbot       ``python -m bot.wiring.cli run`` on a fresh copy of a database pre-filled with
                 100,000 users and their schedules

The load: 1,000 distinct users, each a closed loop (it sends its next update the moment the
answer to the previous one is complete; all start together, so the first wave is 1,000
updates at once). A quarter of them are new and onboard (/start, age, a consent, Done,
country); a quarter are existing users who check in (/checkin, a mood button, a free-text
note of 30-400 characters that is triaged and, with their journal consent, stored encrypted);
a quarter read (/lesson, Next, Next); a quarter meditate (/meditate, a practice, Next, Next).
The echo bots get exactly the same updates (button presses carry the same callback data).

Measured per run: updates per second from the first injection to the last reply; latency from
injecting an update to the *last* message it produces (p50/p95/p99); the bot's CPU seconds
per update (/proc/<pid>/stat, all threads) and peak resident memory (VmHWM); this process's
CPU, split into the generator's bookkeeping (timed around every injection and reply hook) and
the emulator (the rest). With closed-loop users the latency is mostly queueing: about
users / throughput (Little's law), so compare latencies only between rows with equal users.

Sizing: every configuration first gets a probe (the first 100 users, no update started after
4 s); its throughput sets how many users (at most 1,000, a multiple of 4 so every flow keeps
its share) fit in about 18 s, so a bot that manages 11 updates/s is measured on fewer users
instead of blowing the time budget. The echo bot's concurrency is swept at the added latency
(8/16/32/64, one run each); the best gets two more runs and is also used at latency 0. The
runs of each latency are interleaved (echo default, best echo, trustbot, repeat) so that noise
from other work on the machine spreads over all of them; each figure is the median of the
runs. The bots run from a snapshot of the code taken at start (the tree is shared).

Per-user ordering: after the measured load, trustbot's runs (all at 50 ms, the first at 0 ms)
take up to 200 new users to the time-zone question; each then sends five texts back to back
(UTC+1 ... UTC+5). Every answer names the zone, so the answers must come back in that order.
During this check each Bot API answer takes the base latency +-80% (10-90 ms), so replies
*can* overtake each other; the best echo bot (``concurrent_updates``, no per-user order) gets
the same check once, as a control that the check can fail.

Run from the repository root:  ``python -m bench.updates`` (6-8 minutes on 2 cores);
``--quick`` for a smoke run. Figures and commands are recorded in docs/benchmarks.md.

This module is the command line and the plan of runs; the parts live beside it:
``bench/_updates_load.py`` (the users, their updates, the pre-filled database),
``bench/_updates_procs.py`` (the emulator and the bot processes), ``bench/_updates_run.py``
(one run and what it measures) and ``bench/_updates_report.py`` (tables, targets, JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench._updates_load import (
    BURST,
    DB_USERS,
    User,
    build_template_db,
    build_users,
    check_notes,
    content_ids,
)
from bench._updates_procs import OUT_DIR, BotConfig, snapshot
from bench._updates_report import Sweep, final_report, machine, run_line, say
from bench._updates_run import RunResult, run_once

PROBE_USERS = 100  # a probe run: the first 100 users (25 per flow) ...
PROBE_CAP_S = 4.0  # ... starting no update after 4 s
MIN_USERS = 40


class Session:
    """One invocation: the load, the database template, and every run's result so far."""

    def __init__(
        self, args: argparse.Namespace, workdir: Path, users: list[User], began: float
    ) -> None:
        self.args = args
        self.workdir = workdir
        self.users = users
        self.began = began
        self.per_user = sum(len(u.steps) for u in users) / len(users)
        self.template = workdir / "template.sqlite3"
        self.key = ""
        self.results: dict[str, list[RunResult]] = {}
        self.probes: dict[str, float] = {}

    async def run(
        self,
        config: BotConfig,
        latency_ms: int,
        n_users: int,
        order_n: int = 0,
        time_cap: float | None = None,
    ) -> RunResult:
        """One run on the first `n_users` users (a probe with `time_cap`); prints its line."""
        profile = None
        if self.args.profile and config.kind == "trustbot":
            profile = OUT_DIR / f"updates-trustbot-{latency_ms}ms-{time.monotonic_ns()}.prof"
        result = await run_once(
            config,
            latency_ms / 1000,
            self.users[:n_users],
            self.template,
            self.workdir,
            self.key,
            order_n,
            self.args.trustbot_root,
            profile,
            time_cap,
        )
        if time_cap is None:
            self.results.setdefault(f"{latency_ms}|{config.name}", []).append(result)
        elapsed = time.perf_counter() - self.began
        say(run_line(config, latency_ms, result, time_cap is not None, elapsed))
        return result

    async def probe(self, config: BotConfig, latency_ms: int) -> int:
        """How many users this configuration can serve in about `run_seconds`."""
        r = await self.run(config, latency_ms, PROBE_USERS, time_cap=PROBE_CAP_S)
        self.probes[f"{latency_ms}|{config.name}"] = r.updates_per_s
        fit = int(r.updates_per_s * self.args.run_seconds / self.per_user) // 4 * 4
        return max(MIN_USERS, min(int(self.args.users), fit))

    def order_size(self, latency_ms: int, config: BotConfig) -> int:
        ups = self.probes.get(f"{latency_ms}|{config.name}", 100.0)
        fit = int(ups * self.args.order_seconds / (len(BURST) + 4))
        return max(20, min(int(self.args.order_users), fit))


async def prepare(args: argparse.Namespace, workdir: Path) -> tuple[Session, dict[str, str]]:
    """The machine's description, the load, the code snapshot and the database template."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    info = machine()
    say("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    rng = random.Random(2026)
    meds, lessons = content_ids()
    users = build_users(args.users, rng, meds, lessons)
    session = Session(args, workdir, users, began)
    n_notes_bad = check_notes(users)
    if n_notes_bad:
        say(f"WARNING: {n_notes_bad} note(s) are not triaged as ordinary")
    say(
        f"load: up to {len(users)} users, {session.per_user:.2f} updates each "
        f"({sum(len(u.steps) for u in users)} updates); runs sized to ~{args.run_seconds:.0f} s"
    )

    from bot.crypto import new_key_text

    session.key = new_key_text()
    if args.trustbot_root is None:
        args.trustbot_root = snapshot(workdir / "src")
    took = await build_template_db(
        session.template, session.key, n_existing_load=args.users, root=args.trustbot_root
    )
    size_mb = session.template.stat().st_size / 1e6
    say(f"database: {DB_USERS} users pre-filled in {took:.1f} s ({size_mb:.1f} MB)")
    return session, info


async def sweep_echo(s: Session) -> tuple[Sweep, BotConfig, int]:
    """The echo bot's concurrency, chosen where it matters: with the added latency.

    Returns every candidate's figures, the best configuration and the users it was run with."""
    lat = s.args.latency_ms
    say(f"echo concurrency sweep at {lat} ms: {s.args.echo_candidates}")
    sweep: Sweep = []
    for n in s.args.echo_candidates:
        cfg = BotConfig(f"echo-c{n}", "echo", n)
        n_users = await s.probe(cfg, lat)
        r = await s.run(cfg, lat, n_users)
        sweep.append((r.updates_per_s, cfg, n_users))
    _, best, best_users = max(sweep, key=lambda row: row[0])
    say(f"best echo configuration: {best.name}")
    return sweep, best, best_users


async def compare(s: Session, plan: list[BotConfig], best_users: int) -> None:
    """Each latency: size every configuration with a probe, then interleave the runs so that
    noise from other work on the machine spreads over all of them alike.

    `plan` is (sequential echo, best echo, trustbot); the best echo's sweep run is its run 1
    at the added latency, and it gets the ordering check once as a control."""
    lat, args = s.args.latency_ms, s.args
    _, best, trustbot = plan
    for latency_ms in (0, lat):
        say(f"latency {latency_ms} ms")
        sizes: dict[str, int] = {}
        for cfg in plan:
            if latency_ms == lat and cfg is best:
                sizes[cfg.name] = best_users  # its sweep run is run 1
            else:
                sizes[cfg.name] = await s.probe(cfg, latency_ms)
        for rep in range(args.runs):
            for cfg in plan:
                if latency_ms == lat and cfg is best and rep == 0:
                    continue
                order_n = 0
                if cfg is trustbot and args.order_users and (latency_ms == lat or rep == 0):
                    order_n = s.order_size(latency_ms, cfg)
                if cfg is best and latency_ms == lat and rep == 1 and args.order_users:
                    # A control: PTB's concurrent_updates promises no per-user order.
                    order_n = s.order_size(latency_ms, cfg)
                await s.run(cfg, latency_ms, sizes[cfg.name], order_n)


async def main_async(args: argparse.Namespace, workdir: Path) -> int:
    s, info = await prepare(args, workdir)
    echo_default = BotConfig("echo-default", "echo", 0)
    trustbot = BotConfig("trustbot", "trustbot", args.trustbot_concurrency or 0)
    from bot.config import Settings

    default = Settings.model_fields["concurrency"].default
    say(f"trustbot: TRUSTBOT_CONCURRENCY={args.trustbot_concurrency or f'unset ({default})'}")
    if args.only_trustbot:  # development: trustbot's figures alone, no comparison
        for latency_ms in args.latencies:
            for _ in range(args.runs):
                await s.run(trustbot, latency_ms, args.users, args.order_users)
        return 0

    sweep, best, best_users = await sweep_echo(s)
    await compare(s, [echo_default, best, trustbot], best_users)
    total = time.perf_counter() - s.began
    final_report(args, info, s.results, s.probes, sweep, best, total)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.updates", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=18.0,
        help="size each configuration's load (from a probe) to about this long, at most --users",
    )
    parser.add_argument("--order-seconds", type=float, default=8.0)
    parser.add_argument("--echo-candidates", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument(
        "--trustbot-concurrency", type=int, help="TRUSTBOT_CONCURRENCY (default: leave unset)"
    )
    parser.add_argument("--order-users", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="smoke run: small load, one run")
    dev = parser.add_argument_group("development")
    dev.add_argument("--only-trustbot", action="store_true", help="run trustbot alone")
    dev.add_argument(
        "--latencies", type=int, nargs="+", default=[0, 50], help="with --only-trustbot"
    )
    dev.add_argument(
        "--trustbot-root",
        help="run the bots from this tree (a patched copy) instead of a snapshot of this one",
    )
    dev.add_argument("--profile", action="store_true", help="cProfile trustbot into bench/out/")
    args = parser.parse_args(argv)
    if args.trustbot_root is not None:
        args.trustbot_root = Path(args.trustbot_root).resolve()
    if args.quick:
        args.users, args.runs, args.order_users, args.run_seconds = 200, 1, 40, 5.0
        args.echo_candidates = [16]
    workdir = Path(tempfile.mkdtemp(prefix="trustbot-bench-updates-"))
    try:
        return asyncio.run(main_async(args, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
