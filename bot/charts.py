"""Mood charts as PNG, rendered with matplotlib's Agg backend off the event loop.

The object-oriented API (Figure + FigureCanvasAgg) is used instead of pyplot: it keeps no
global state, so rendering in a worker thread is safe.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bot import texts
from bot.i18n import DEFAULT, Tr, tr


def _x(day: date) -> float:
    """Days as plain numbers on the x axis (ticks and labels are set explicitly)."""
    return float(day.toordinal())


LINE = "#3b7a8c"
FILL = "#cfe6ec"


def draw_moods(ax: Any, points: Sequence[tuple[date, int]], *, end: date, days: int, t: Tr) -> None:
    """Daily moods (the day's average when several) over the last `days` days, on `ax`."""
    start = end - timedelta(days=days - 1)
    by_day: dict[date, list[int]] = {}
    for day, mood in points:
        if start <= day <= end:
            by_day.setdefault(day, []).append(mood)
    days_sorted = sorted(by_day)
    xs = [_x(d) for d in days_sorted]
    ys = [sum(by_day[d]) / len(by_day[d]) for d in days_sorted]
    if xs:
        ax.fill_between(xs, ys, 0.8, color=FILL, alpha=0.6, linewidth=0)
        ax.plot(xs, ys, color=LINE, linewidth=2.2, marker="o", markersize=5)
    else:
        ax.text(
            0.5,
            0.5,
            t(texts.CHART_EMPTY),
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=12,
            color="#666666",
        )
    ax.set_ylim(0.8, 5.2)
    ax.set_yticks(list(texts.CHART_MOODS))
    ax.set_yticklabels([f"{k} {t(v)}" for k, v in texts.CHART_MOODS.items()], fontsize=10)
    ax.set_xlim(_x(start) - 0.5, _x(end) + 0.5)
    ticks = [start + timedelta(days=i) for i in range(0, days, max(1, days // 6))]
    ax.set_xticks([_x(d) for d in ticks])
    ax.set_xticklabels([t.day_month(d) for d in ticks], fontsize=9)
    ax.grid(axis="y", color="#e5e5e5")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def render_mood_chart(
    points: Sequence[tuple[date, int]],
    *,
    end: date,
    days: int = 30,
    title: str | None = None,
    t: Tr | None = None,
) -> bytes:
    """A PNG of daily moods over the last `days` days (the day's average when several)."""
    t = t or tr(DEFAULT)
    # matplotlib is imported here, in the worker thread, on the first chart: importing it at
    # start-up cost ~40 MB before a single update (bench/updates.py).
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.0), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    draw_moods(ax, points, end=end, days=days, t=t)
    ax.set_title(title or t(texts.CHART_TITLE, days=days), fontsize=13, loc="left")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


async def mood_chart_png(
    points: Sequence[tuple[date, int]],
    *,
    end: date,
    days: int = 30,
    title: str | None = None,
    t: Tr | None = None,
) -> bytes:
    """Render in a worker thread so the event loop keeps serving other users."""
    return await asyncio.to_thread(render_mood_chart, points, end=end, days=days, title=title, t=t)
