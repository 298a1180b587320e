"""The update-path benchmark's report: the machine, one line per run, the median table, the
targets, the raw JSON and the final line (part of ``python -m bench.updates``; see
bench/updates.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench._updates_load import DB_USERS
from bench._updates_procs import OUT_DIR, REPO, BotConfig
from bench._updates_run import RunResult

# (updates/s, configuration, users) of each echo concurrency tried at the added latency
Sweep = list[tuple[float, BotConfig, int]]


def say(text: str) -> None:
    print(text, flush=True)


# --------------------------------------------------------------------------------------------
# Where and on what it ran
# --------------------------------------------------------------------------------------------


def git_state() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "--", "bot", "handlers", "content", "scheduler")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine() -> dict[str, str]:
    import httpx
    import telegram

    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": sys.version.split()[0],
        "python-telegram-bot": telegram.__version__,
        "httpx": httpx.__version__,
        "loadavg": loadavg(),
        "code": git_state(),
    }


# --------------------------------------------------------------------------------------------
# Runs and their medians
# --------------------------------------------------------------------------------------------


def run_line(config: BotConfig, latency_ms: int, result: RunResult, probe: bool, at: float) -> str:
    """The line printed after each run (or probe); `at` is seconds since the benchmark began."""
    flag = ""
    if result.problems or result.api_errors:
        flag = f"  API errors {result.api_error_texts}, PROBLEMS: {result.problems[:3]}"
    order = ""
    if result.order:
        o = result.order
        order = (
            f" order: {o['in_order']}/{o['users']} in order, {o['out_of_order']} out,"
            f" {o['incomplete']} incomplete"
        )
    kind = "probe" if probe else f"{result.users:>4} users"
    return (
        f"  {latency_ms:>3} ms {config.name:<13} {kind:<10} "
        f"{result.updates_per_s:>6.1f} upd/s  "
        f"p50 {result.p50_ms:>6.0f}  p95 {result.p95_ms:>6.0f}  p99 {result.p99_ms:>6.0f} ms  "
        f"cpu {result.bot_cpu_ms_per_update:.2f} ms/upd ({result.bot_cpu_util:.2f} core, "
        f"{result.bot_other_threads_cpu_s / max(result.bot_cpu_s, 1e-9):.0%} off-loop)  "
        f"rss {result.bot_ready_rss_mb:.0f}->{result.bot_peak_rss_mb:.0f} MB  "
        f"emu {result.emulator_cpu_util:.2f} core  [{at:.0f} s]"
        f"{order}{flag}"
    )


def median_result(runs: list[RunResult]) -> dict[str, Any]:
    """Median of each figure over the runs (peak memory: the maximum)."""

    def med(name: str) -> float:
        return float(statistics.median(getattr(r, name) for r in runs))

    return {
        "config": runs[0].config,
        "latency_ms": runs[0].latency_ms,
        "runs": len(runs),
        "users": runs[0].users,
        "updates": runs[0].updates,
        "updates_per_s": med("updates_per_s"),
        "updates_per_s_all": [r.updates_per_s for r in runs],
        "p50_ms": med("p50_ms"),
        "p95_ms": med("p95_ms"),
        "p99_ms": med("p99_ms"),
        "bot_cpu_ms_per_update": med("bot_cpu_ms_per_update"),
        "bot_cpu_util": med("bot_cpu_util"),
        "bot_peak_rss_mb": max(r.bot_peak_rss_mb for r in runs),
        "emulator_cpu_util": med("emulator_cpu_util"),
        "generator_cpu_s": med("generator_cpu_s"),
        "generator_cpu_util": round(
            statistics.median(r.generator_cpu_s / r.wall_s for r in runs), 3
        ),
        "emu_process_cpu_s": med("emu_process_cpu_s"),
        "requests_per_update": round(statistics.median(r.requests / r.updates for r in runs), 2),
        "problems": sum(len(r.problems) for r in runs),
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| latency | bot | users | updates | updates/s (median; runs) | p50 ms | p95 ms | p99 ms "
        "| bot CPU ms/update | bot CPU (cores) | bot peak RSS MB | emulator CPU (cores) "
        "| generator CPU (cores) | API requests/update |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        runs = ", ".join(f"{x:.0f}" for x in r["updates_per_s_all"])
        lines.append(
            f"| {r['latency_ms']} ms | {r['config']} | {r['users']} | {r['updates']} "
            f"| **{r['updates_per_s']:.0f}** ({runs}) | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} "
            f"| {r['p99_ms']:.0f} | {r['bot_cpu_ms_per_update']:.2f} | {r['bot_cpu_util']:.2f} "
            f"| {r['bot_peak_rss_mb']:.0f} | {r['emulator_cpu_util']:.2f} "
            f"| {r['generator_cpu_util']:.2f} "
            f"| {r['requests_per_update']:.2f} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The final report
# --------------------------------------------------------------------------------------------


def _figures(
    results: dict[str, list[RunResult]], lat: int, best: BotConfig
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """(median table rows, trustbot's ordering checks, the figures the targets are about)."""

    def summary(latency_ms: int, name: str) -> dict[str, Any]:
        return median_result(results[f"{latency_ms}|{name}"])

    rows: list[dict[str, Any]] = []
    for latency_ms in (0, lat):
        for name in ("echo-default", best.name, "trustbot"):
            rows.append(summary(latency_ms, name))
    e0 = summary(0, "echo-default")
    t0 = summary(0, "trustbot")
    e50 = summary(lat, "echo-default")
    b50 = summary(lat, best.name)
    t50 = summary(lat, "trustbot")
    orders = [r.order for k in ("0|trustbot", f"{lat}|trustbot") for r in results[k] if r.order]
    ordered_ok = bool(orders) and all(
        o["out_of_order"] == 0 and o["incomplete"] == 0 for o in orders
    )
    figures = {
        "cpu_ratio": t0["updates_per_s"] / e0["updates_per_s"],
        "lat_ratio": t50["updates_per_s"] / b50["updates_per_s"],
        "vs_seq": t50["updates_per_s"] / e50["updates_per_s"],
        "rss": max(t0["bot_peak_rss_mb"], t50["bot_peak_rss_mb"]),
        "ordered_ok": ordered_ok,
        "t50": t50,
    }
    return rows, orders, figures


def _print_findings(
    rows: list[dict[str, Any]],
    orders: list[dict[str, Any]],
    f: dict[str, Any],
    control: list[RunResult],
    sweep: Sweep,
    lat: int,
    best: BotConfig,
    total: float,
) -> None:
    """The table, the sweep, the ordering checks and the targets."""
    say("")
    say(table(rows))
    say("")
    say(
        "echo sweep at "
        + f"{lat} ms: "
        + ", ".join(f"{cfg.name} {ups:.0f}/s ({n} users)" for ups, cfg, n in sweep)
    )
    for o in orders:
        say(f"ordering (trustbot): {json.dumps(o)}")
    for r in control:
        if r.order:
            say(f"ordering ({best.name}, control): {json.dumps(r.order)}")
    say("")
    say("targets:")
    say(f"  latency 0: trustbot / echo default = {f['cpu_ratio']:.2f} (target >= 0.8)")
    say(
        f"  latency {lat} ms: trustbot / best echo ({best.name}) = {f['lat_ratio']:.2f} "
        f"(target >= 0.8); trustbot / sequential echo = {f['vs_seq']:.1f}x (target >= 10x); "
        f"per-user order kept: {'yes' if f['ordered_ok'] else 'NO'}"
    )
    say(f"  peak RSS with {DB_USERS} users in the database: {f['rss']:.0f} MB (target < 120)")
    say(f"  benchmark wall time: {total:.0f} s (target < 600)")


def final_report(
    args: Any,
    info: dict[str, str],
    results: dict[str, list[RunResult]],
    probes: dict[str, float],
    sweep: Sweep,
    best: BotConfig,
    total: float,
) -> None:
    """Everything printed after the last run, and bench/out/updates.json."""
    lat = args.latency_ms
    rows, orders, f = _figures(results, lat, best)
    _print_findings(rows, orders, f, results[f"{lat}|{best.name}"], sweep, lat, best, total)
    info["loadavg_end"] = loadavg()
    say(f"load average: {info['loadavg']} at the start, {info['loadavg_end']} at the end")
    payload = {
        "machine": info,
        "command": " ".join(["python -m bench.updates", *sys.argv[1:]]),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "summary": rows,
        "sweep": [{"config": c.name, "updates_per_s": u, "users": n} for u, c, n in sweep],
        "probes": probes,
        "orders": orders,
        "runs": {k: [asdict(r) for r in v] for k, v in results.items()},
        "wall_s": round(total, 1),
    }
    out = OUT_DIR / "updates.json"
    out.write_text(json.dumps(payload, indent=1))
    say(f"raw results: {out.relative_to(REPO)}")
    t50 = f["t50"]
    say(
        f"cpu_bound_ratio={f['cpu_ratio']:.2f} latency50_updates_per_s={t50['updates_per_s']:.0f} "
        f"latency50_ratio={f['lat_ratio']:.2f} p95_ms={t50['p95_ms']:.0f} rss_mb={f['rss']:.0f}"
    )
