"""Memory per person who ever wrote (issue 10): does the bot's memory grow with its audience?

Each person's conversation state used to live in PTB's `user_data`, which keeps an entry for
every person forever (about 1.3 KB each). It now lives in the database, with a bounded cache
(bot/flow.py). This benchmark runs the real bot (`python -m bot.wiring.cli run`, its own process, a
fresh database) against the Bot API emulator, and lets N distinct people send one `/lesson`
each, 200 at a time, every reply delivered. It records the bot's resident memory (VmRSS) after
a warm-up of 2,000 people and then at every tenth of the load; the growth after the warm-up
is the memory the audience costs.

The baseline runs in the same invocation: the same load on the code of `--baseline` (by
default the commit before the flow state was stored), exported with `git archive`.

Run from the repository root:  ``python -m bench.memory`` (about 12 minutes on 2 cores for
100,000 people per tree); ``--users 20000`` for a shorter run. Figures go in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench._updates_procs import (
    OUT_DIR,
    REPO,
    TOKEN,
    BenchEmulator,
    BotConfig,
    BotProcess,
    GeneratorClock,
    snapshot,
)
from bench._updates_report import loadavg, machine
from bot.crypto import new_key_text

WARM_UP = 2_000
IN_FLIGHT = 200
FIRST_ID = 7_000_001


async def one_tree(root: Path, users: int, workdir: Path, label: str) -> list[tuple[int, float]]:
    """(people so far, VmRSS MB) at the warm-up and at every tenth of the load."""
    emu = BenchEmulator(GeneratorClock(), token=TOKEN)
    await emu.start()
    db = workdir / f"{label}.sqlite3"
    bot = BotProcess(
        BotConfig(f"memory-{label}", "trustbot", 0), emu.base_url, db, new_key_text(), root
    )
    points: list[tuple[int, float]] = []
    lost = 0
    try:
        await bot.wait_ready(emu)
        marks = {WARM_UP, *(WARM_UP + users * k // 10 for k in range(1, 11))}
        total = WARM_UP + users
        began = time.perf_counter()
        next_uid = FIRST_ID

        async def person(uid: int) -> None:
            nonlocal lost
            emu.send_message(uid, "/lesson")
            if not await emu.until(uid, 1, 60.0):
                lost += 1

        done = 0
        while done < total:
            size = min(IN_FLIGHT, total - done)
            await asyncio.gather(*(person(next_uid + i) for i in range(size)))
            next_uid += size
            done += size
            if any(done - size < m <= done for m in marks):
                rss = bot.rss_mb("VmRSS")
                points.append((done, rss))
                rate = done / (time.perf_counter() - began)
                print(f"  {label}: {done:>7,} people  {rss:6.1f} MB  ({rate:.0f}/s)", flush=True)
        if lost:
            print(f"  {label}: {lost} people got no reply within 60 s", flush=True)
        if bot.log_errors():
            print(f"  {label}: {len(bot.log_errors())} ERROR lines in {bot.log_path}", flush=True)
    finally:
        await bot.stop()
        await emu.stop()
    return points


def export(rev: str, dest: Path) -> Path:
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    model = REPO / "content" / "triage" / "model.json.gz"
    if model.exists() and not (dest / "content" / "triage" / "model.json.gz").exists():
        shutil.copy(model, dest / "content" / "triage" / "model.json.gz")
    return dest


def growth(points: list[tuple[int, float]]) -> tuple[float, float]:
    """(MB added after the warm-up, KB per person)."""
    (n0, r0), (n1, r1) = points[0], points[-1]
    return r1 - r0, (r1 - r0) * 1024 / max(1, n1 - n0)


async def main_async(args: argparse.Namespace, workdir: Path) -> int:
    OUT_DIR.mkdir(exist_ok=True)
    info = machine()
    print(f"machine: {info}  load: {loadavg()}", flush=True)
    current = snapshot(workdir / "current")
    baseline = export(args.baseline, workdir / "baseline")
    results = {}
    for label, root in (("baseline", baseline), ("current", current)):
        print(f"{label} ({args.baseline if label == 'baseline' else 'working tree'}):", flush=True)
        results[label] = await one_tree(root, args.users, workdir, label)
    print()
    for label, points in results.items():
        mb, kb = growth(points)
        print(f"{label:9} +{mb:5.1f} MB for {args.users:,} people ({kb:.2f} KB each)")
    base_mb, _ = growth(results["baseline"])
    cur_mb, _ = growth(results["current"])
    print(f"ratio current/baseline = {cur_mb / base_mb:.2f}  (target: under 20 MB per 100,000)")
    print(f"memory_growth_mb={cur_mb:.1f} baseline_growth_mb={base_mb:.1f} users={args.users}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--baseline", default="72f60d3", help="git revision to compare against")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="trustbot-bench-memory-"))
    try:
        return asyncio.run(main_async(args, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
