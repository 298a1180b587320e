"""The fan-out benchmark's report: the machine, one table per size, the send-only floor and
the final line (part of ``python -m bench.fanout``; see bench/fanout.py).
"""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

BASELINE_MAX_USERS = 100_000
FINAL_USERS = 100_000  # the size the final line reports (the targets are stated for it)


def machine() -> dict[str, Any]:
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for package in ("python-telegram-bot", "APScheduler", "aiosqlite", "httpx", "aiohttp"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "versions": versions,
        "load_before": os.getloadavg(),
    }


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(n: int, ours: dict[str, Any], base: dict[str, Any] | None) -> None:
    b = base or {}
    ratio = b["cpu_per_due_user_us"] / ours["cpu_per_due_user_us"] if base is not None else None
    rows: list[tuple[str, Any, Any, str]] = [
        ("start-up (ms)", ours["startup_ms"], b.get("startup_ms"), "< 50"),
        ("  + Storage.open (ms)", ours["storage_open_ms"], None, ""),
        ("  claim_due, nothing due (ms)", ours["claim_idle_ms"], None, ""),
        ("extra RSS, set up (MB)", ours["extra_rss_mb"], b.get("extra_rss_mb"), "< 10 @100k"),
        (
            "extra RSS, after rush (MB)",
            ours["extra_rss_after_burst_mb"],
            b.get("extra_rss_after_burst_mb"),
            "",
        ),
        (
            "delivered / due",
            f"{ours['delivered']:,}/{ours['due']:,}",
            f"{b['delivered']:,}/{b['due']:,}" if base else None,
            "all",
        ),
        ("CPU per due user (us)", ours["cpu_per_due_user_us"], b.get("cpu_per_due_user_us"), ""),
        ("CPU ratio baseline/ours", ratio, None, ">= 5"),
        ("rush wall time (s)", ours["burst_wall_s"], b.get("burst_wall_s"), ""),
        ("max loop stall (ms)", ours["max_stall_ms"], b.get("max_stall_ms"), "< 50"),
        ("violations", ours["violations"], b.get("violations"), "0"),
        (
            "duplicates",
            ours["emulator"]["duplicates"],
            b["emulator"]["duplicates"] if base else None,
            "0",
        ),
        ("missing", ours["emulator"]["missing"], b["emulator"]["missing"] if base else None, "0"),
        ("virtual drain at rate (s)", ours["virtual_drain_s"], b.get("virtual_drain_s"), ""),
        ("jobs started > 1 s late", None, b.get("late_over_1s"), ""),
    ]
    print(f"\nN = {n:,} users, {ours['due']:,} due in the same minute")
    print(f"{'metric':<32}{'ours':>14}{'baseline':>14}  target")
    for name, mine, theirs, target in rows:
        print(f"{name:<32}{fmt(mine):>14}{fmt(theirs):>14}  {target}")
    if base is None:
        print(
            f"(baseline not run above {BASELINE_MAX_USERS:,} users: adding the jobs alone takes "
            "minutes and gigabytes)"
        )


def print_send_only(
    send_only: dict[str, Any], at_final: dict[str, Any] | None, final_users: int
) -> None:
    floor = send_only["cpu_per_due_user_us"]
    print(
        f"\nsends alone (same Bot, same pacer, no scheduler), {send_only['delivered']:,} "
        f"prompts: {floor:,.0f} us CPU each, max stall {send_only['max_stall_ms']:.1f} ms, "
        f"violations {send_only['violations']}"
    )
    if at_final is not None and at_final["baseline"] is not None:
        ours = at_final["ours"]["cpu_per_due_user_us"] - floor
        base = at_final["baseline"]["cpu_per_due_user_us"] - floor
        print(
            f"scheduling overhead per due user at {final_users:,} (CPU minus that floor): ours "
            f"{ours:,.0f} us, baseline {base:,.0f} us, ratio {base / ours:.2f}"
            if ours > 0
            else "scheduling overhead: ours is within the noise of the floor"
        )


def print_header(info: dict[str, Any]) -> None:
    print(f"trustbot fan-out benchmark, {info['date']}")
    print(
        f"{info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, SQLite "
        f"{info['sqlite']}, " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    )


def print_final(results: dict[str, Any], final_users: int) -> int:
    """The one-line summary at `final_users`; 1 if that size (with its baseline) was not run."""
    final = results["sizes"].get(str(final_users))
    if final is None or final["baseline"] is None:
        print(f"no {final_users:,}-user result (run with --sizes including {final_users})")
        return 1
    ours, base = final["ours"], final["baseline"]
    ratio = base["cpu_per_due_user_us"] / ours["cpu_per_due_user_us"]
    print(
        f"users={final_users} startup_ms={ours['startup_ms']:.1f} "
        f"extra_rss_mb={ours['extra_rss_mb']:.1f} cpu_per_due_user_ratio={ratio:.2f} "
        f"max_stall_ms={ours['max_stall_ms']:.1f} violations={ours['violations']} "
        f"duplicates={ours['emulator']['duplicates']}"
    )
    return 0
