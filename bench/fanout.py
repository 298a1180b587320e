"""Scheduled prompt fan-out: trustbot's single delivery tick against one APScheduler job per user.

Issue 4 asks whether daily prompts at each user's local time scale to many users. This script
builds a realistic database (check-in times spread over the day in 15 time zones, 10% of users
due in the same minute: the "morning rush") and measures, for N users:

* start-up: for our design, constructing the pacer and :class:`scheduler.delivery.Delivery` and
  running the first tick while nothing is due (which runs ``Storage.claim_due``); for the
  baseline, adding N ``JobQueue.run_daily`` jobs (before the scheduler starts, as a restarting
  bot restores them) and starting it, until the event loop is free again;
* the extra resident memory (VmRSS after ``gc.collect()``) of having that set up;
* CPU time (``time.process_time``, all threads) per due user while the rush is delivered to the
  Bot API emulator, and the longest event-loop stall meanwhile (a task sleeping 5 ms in a loop
  records its largest overshoot);
* pacing: every send goes through :class:`scheduler.pacer.Pacer` on a virtual clock, and the
  start time of each send is checked afterwards: no one-second window over the configured rate
  (``TRUSTBOT_SEND_RATE``, default 25/s) and no chat twice within one second ("violations");
  the emulator's transcripts show whether any chat got its prompt twice ("duplicates") or not
  at all ("missing").

Every measurement runs in a fresh child process (this same file with a sub-command), so memory
left behind by one measurement never flatters or pollutes the next. The emulator runs in a
process of its own too: the server side of each request is Telegram's work, not the bot's, and
would otherwise be counted in the bot's CPU time. Both designs send through the same kind of
plain ``telegram.Bot`` and the same pacer, so what differs is only the scheduling.

The virtual clock: the pacer sleeps on a fake clock that jumps forward instantly, then waits
until the send in flight has finished, which is what 40 ms of real time between two sends at
25/s would allow on a real server. Rate spacing is therefore checked in virtual time, while the
CPU and stall figures are real.

Run from the repository root (about 7 minutes on 2 cores, most of it the 1M-user rush)::

    python -m bench.fanout                  # 1k, 10k, 100k and, if time allows, 1M users
    python -m bench.fanout --sizes 1000,10000 --json /tmp/fanout.json
    python -m bench.fanout --quick          # smoke run: 1k users, 1,000 sends alone (~30 s)

``python bench/fanout.py`` works the same. This module is the command line and the plan of
runs; the parts live beside it: ``bench/_fanout_users.py`` (the user base and its database),
``bench/_fanout_measure.py`` (memory, stalls, the virtual clock, the rate checker),
``bench/_fanout_children.py`` (the measured child processes) and ``bench/_fanout_report.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# As a script (``python bench/fanout.py``) the tree this file is in must come first: otherwise
# ``bot`` and ``scheduler`` resolve to whatever copy is installed, not this one.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._fanout_children import (
    RESULT_PREFIX,
    measure_baseline,
    measure_ours,
    measure_send_only,
    serve_emulator,
)
from bench._fanout_report import (
    BASELINE_MAX_USERS,
    FINAL_USERS,
    machine,
    print_final,
    print_header,
    print_send_only,
    print_table,
)
from bench._fanout_users import build_database, due_chats

ROOT = Path(__file__).resolve().parent.parent
SEND_ONLY_COUNT = 10_000
QUICK_USERS = 1_000  # --quick: the smallest size, and as many sends alone

TARGETS = {
    "startup_ms": 50.0,
    "extra_rss_mb_at_100k": 10.0,
    "cpu_ratio": 5.0,
    "max_stall_ms": 50.0,
}


# --- the parent: orchestration ----------------------------------------------------------------


class EmulatorProcess:
    """The emulator in a child process of its own; closing its stdin stops it."""

    def __init__(self, chats: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.fanout", "emulator", "--chats", chats],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the emulator process did not start")
        self.info: dict[str, Any] = json.loads(line)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *_: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait()


def run_child(args: list[str], emulator_chats: str, timeout: float) -> dict[str, Any]:
    with EmulatorProcess(emulator_chats) as emu:
        command = [sys.executable, "-m", "bench.fanout", *args, "--emu", json.dumps(emu.info)]
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    raise RuntimeError(f"{args[0]} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def run_send_only(count: int = SEND_ONLY_COUNT) -> dict[str, Any]:
    return run_child(["send-only", "--users", str(count)], f"range:{count}", timeout=600)


def skip_note(n: int, pace: tuple[float, float] | None, elapsed: float, budget_s: float) -> str:
    """Why size `n` is skipped (its estimated time would overrun the budget), or ""."""
    if pace is None:
        return ""
    per_user, per_due = pace
    estimate = 1.3 * (per_user * n + per_due * len(due_chats(n))) + 15
    if elapsed + estimate <= budget_s:
        return ""
    return (
        f"N={n:,} skipped: estimated {estimate:.0f} s would exceed the "
        f"{budget_s:.0f} s budget ({elapsed:.0f} s used)"
    )


def measure_size(n: int, tmp: Path, budget_s: float) -> tuple[dict[str, Any], tuple[float, float]]:
    """Both designs at N users (the baseline up to BASELINE_MAX_USERS), with their table.

    Returns the figures and the pace: seconds per user to build the database and per due
    user to deliver the rush (ours), what the next size is expected to take."""
    t_n = time.perf_counter()
    db = tmp / f"users-{n}.sqlite3"
    build = build_database(db, n)
    print(
        f"\n[{n:,} users: database built in {build['build_s']:.1f} s, {build['db_mb']:.0f} MB]",
        flush=True,
    )
    ours = run_child(["ours", "--users", str(n), "--db", str(db)], f"due:{n}", timeout=budget_s)
    base = None
    if n <= BASELINE_MAX_USERS:
        base = run_child(["baseline", "--users", str(n)], f"due:{n}", timeout=budget_s)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    print_table(n, ours, base)
    taken = time.perf_counter() - t_n
    print(f"[{n:,} users measured in {taken:.0f} s]", flush=True)
    pace = (build["build_s"] / n, ours["burst_wall_s"] / len(due_chats(n)))
    return {"build": build, "ours": ours, "baseline": base}, pace


def orchestrate(
    sizes: list[int],
    budget_s: float,
    json_path: Path | None,
    send_only_count: int = SEND_ONLY_COUNT,
    final_users: int = FINAL_USERS,
) -> int:
    started = time.perf_counter()
    info = machine()
    print_header(info)
    results: dict[str, Any] = {"machine": info, "sizes": {}, "skipped": []}
    pace: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory(prefix="trustbot-fanout-") as tmp:
        send_only_done = False
        for n in sorted(sizes):
            if n >= 1_000_000 and not send_only_done:
                results["send_only"] = run_send_only(send_only_count)
                send_only_done = True
            note = skip_note(n, pace, time.perf_counter() - started, budget_s)
            if note:
                print("\n" + note)
                results["skipped"].append(note)
                continue
            results["sizes"][str(n)], pace = measure_size(n, Path(tmp), budget_s)
        if not send_only_done:
            results["send_only"] = run_send_only(send_only_count)
    total = time.perf_counter() - started
    results["total_s"] = total
    print_send_only(results["send_only"], results["sizes"].get(str(final_users)), final_users)
    results["load_after"] = os.getloadavg()
    print(
        f"\ntotal time: {total:.0f} s; load average before "
        f"{info['load_before'][0]:.2f}, after {results['load_after'][0]:.2f}"
    )
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return print_final(results, final_users)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mode",
        nargs="?",
        default="run",
        choices=["run", "emulator", "ours", "baseline", "send-only"],
        help="'run' (default) does everything; the others are the child processes it starts",
    )
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--budget", type=float, default=560.0, help="seconds for the whole run")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--users", type=int)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--emu", help="JSON from the emulator process")
    parser.add_argument("--chats", help="emulator: 'due:N' or 'range:K'")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1,000 users and 1,000 sends alone, the final line at 1,000 users",
    )
    args = parser.parse_args(argv)
    if args.mode == "run":
        if args.quick:
            return orchestrate([QUICK_USERS], args.budget, args.json, QUICK_USERS, QUICK_USERS)
        sizes = [int(s) for s in args.sizes.split(",") if s]
        return orchestrate(sizes, args.budget, args.json)
    if args.mode == "emulator":
        kind, _, value = args.chats.partition(":")
        chats = due_chats(int(value)) if kind == "due" else list(range(1, int(value) + 1))
        asyncio.run(serve_emulator(chats))
        return 0
    emu = json.loads(args.emu)
    if args.mode == "ours":
        result = asyncio.run(measure_ours(args.users, args.db, emu))
    elif args.mode == "baseline":
        result = asyncio.run(measure_baseline(args.users, emu))
    else:
        result = asyncio.run(measure_send_only(args.users, emu))
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
