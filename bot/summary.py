"""A one-page summary of four weeks, to bring to a therapist: a PDF to print and the same page
as a PNG for phones, drawn by matplotlib (already here for the mood charts; no new heavy
dependency). Plain data in, bytes out; rendered in a worker thread by the caller.

The page says, on the page, that a self-help tool made it and that it is not a clinical record.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot import practice_texts as P
from bot import texts
from bot.i18n import Tr

A4 = (8.27, 11.69)  # inches
DPI_PNG = 110


@dataclass(frozen=True)
class SummaryData:
    end: date
    moods: Sequence[tuple[date, int]]
    lessons: int
    practices: Sequence[str]  # practice names, already in the person's language
    values: Sequence[str]
    entries: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (heading, text)
    days: int = 28


def _lines(data: SummaryData, t: Tr) -> list[tuple[str, str]]:
    """(style, text) lines below the chart: h = heading, p = paragraph, s = small print."""
    start = data.end - timedelta(days=data.days - 1)
    moods = [m for d, m in data.moods if start <= d <= data.end]
    out: list[tuple[str, str]] = []
    if moods:
        average = t.decimal(sum(moods) / len(moods))
        out.append(("p", t(P.SUMMARY_MOODS, count=len(moods), average=average)))
    else:
        out.append(("p", t(P.SUMMARY_NO_MOODS)))
    out.append(("p", t(P.SUMMARY_LESSONS, count=data.lessons)))
    if data.practices:
        out.append(("p", t(P.SUMMARY_PRACTICES, items=", ".join(data.practices))))
    else:
        out.append(("p", t(P.SUMMARY_NO_PRACTICES)))
    if data.values:
        out.append(("p", t(P.SUMMARY_VALUES, values=", ".join(data.values))))
    if data.entries:
        out.append(("h", t(P.SUMMARY_ENTRIES)))
        for heading, text in data.entries:
            out.append(("b", heading))
            out.append(("p", text))
    return out


def render_summary(data: SummaryData, t: Tr) -> tuple[bytes, bytes]:
    """(PDF, PNG) of the one-page summary."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from bot.charts import draw_moods

    fig = Figure(figsize=A4)
    FigureCanvasAgg(fig)
    start = data.end - timedelta(days=data.days - 1)
    fig.text(0.08, 0.955, t(P.SUMMARY_PAGE_TITLE), fontsize=18, weight="bold")
    period = t(P.SUMMARY_PERIOD, start=t.date(start), end=t.date(data.end))
    fig.text(0.08, 0.93, period, fontsize=10, color="#555555")
    fig.text(0.08, 0.91, t(P.SUMMARY_DISCLAIMER), fontsize=9, color="#8a2c2c", style="italic")
    ax = fig.add_axes((0.2, 0.62, 0.72, 0.26))
    draw_moods(ax, data.moods, end=data.end, days=data.days, t=t)
    ax.set_title(t(texts.CHART_TITLE, days=data.days), fontsize=11, loc="left")
    y = 0.57
    for style, text in _lines(data, t):
        size = {"h": 12, "b": 10, "p": 10}[style]
        weight = "bold" if style in ("h", "b") else "normal"
        for line in textwrap.wrap(text, 95) or [""]:
            if y < 0.04:
                break
            fig.text(0.08, y, line, fontsize=size, weight=weight)
            y -= 0.022 if style != "h" else 0.028
        y -= 0.006
    pdf, png = io.BytesIO(), io.BytesIO()
    fig.savefig(pdf, format="pdf")
    fig.savefig(png, format="png", dpi=DPI_PNG)
    return pdf.getvalue(), png.getvalue()


async def summary_files(data: SummaryData, t: Tr) -> tuple[bytes, bytes]:
    """Render in a worker thread so the event loop keeps serving other people."""
    return await asyncio.to_thread(render_summary, data, t)
