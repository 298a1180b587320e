"""The /summary page (issue 13): how long four weeks take to render, and the memory it adds.

Target: under 2 seconds and under 60 MB extra for four weeks of data, rendered off the event
loop. Each measurement runs in a fresh Python process (so that imports and matplotlib's font
cache count once, as in a bot's first summary), against a baseline in the same run: the
30-day mood chart that /progress has always drawn, in its own fresh process.

Run from the repository root: ``python -m bench.summary`` (about 20 seconds). It ends with
``summary_first_s=<n> ... ratio=<n>`` (ratio: a cold first summary against a cold first chart).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from datetime import date

CHILD = r"""
import json, resource, sys, time, tracemalloc
from datetime import date, timedelta

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

what, lang = sys.argv[1], sys.argv[2]
from bot.i18n import tr
t = tr(lang)
end = date(2026, 12, 4)
moods = [(end - timedelta(days=d), 1 + (d * 7) % 5) for d in range(28) for _ in range(2)]
import bot.charts, bot.summary  # the bot has these imported before any summary
if what == "summary":
    # A bot that has drawn any chart has matplotlib loaded already; "summary_cold" has not.
    bot.charts.render_mood_chart(moods, end=end, days=30, t=t)
before = rss_mb()
times = []
for _ in range(3):
    t0 = time.perf_counter()
    if what.startswith("summary"):
        data = bot.summary.SummaryData(
            end, moods, 12, ["Ledger", "Unsent letter", "Message draft"],
            ["Honesty", "Calm", "Feeling safe"],
            [(f"Ledger · {d} Nov", "The situation: a late answer. " * 12) for d in range(6)],
        )
        pdf, png = bot.summary.render_summary(data, t)
        size = len(pdf) + len(png)
    else:
        png = bot.charts.render_mood_chart(moods, end=end, days=30, t=t)
        size = len(png)
    times.append(time.perf_counter() - t0)
print(json.dumps({"first": times[0], "warm": min(times[1:]), "extra_mb": rss_mb() - before,
                  "bytes": size}))
"""


def measure(what: str, lang: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, what, lang], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    print(f"machine: {platform.machine()} python {sys.version.split()[0]}")
    print(f"date: {date.today().isoformat()}")
    rows = {}
    for lang in ("en", "ru"):
        for what in ("chart", "summary", "summary_cold"):
            rows[(what, lang)] = m = measure(what, lang)
            print(
                f"{what:8} {lang}: first {m['first']:.2f} s, warm {m['warm']:.2f} s, "
                f"+{m['extra_mb']:.1f} MB, {m['bytes'] / 1024:.0f} KB"
            )
    s, cold, c = rows[("summary", "en")], rows[("summary_cold", "en")], rows[("chart", "en")]
    print(
        f"summary_first_s={s['first']:.2f} summary_warm_s={s['warm']:.2f} "
        f"summary_extra_mb={s['extra_mb']:.1f} summary_cold_s={cold['first']:.2f} "
        f"summary_cold_extra_mb={cold['extra_mb']:.1f} chart_first_s={c['first']:.2f} "
        f"ratio={cold['first'] / c['first']:.2f}"
    )


if __name__ == "__main__":
    main()
