"""/progress (lessons per step, a forgiving streak, a mood chart) and /stats for operators."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from telegram import InputFile, Update

from bot import practice_texts as P
from bot import texts
from bot.charts import mood_chart_png
from bot.progress import lessons_per_step, progress_bar, streak
from handlers.common import Context, local_now, reply, services
from handlers.registry import Feature
from handlers.selfcheck import compare
from handlers.values import chosen_values


async def progress_command(update: Update, context: Context) -> None:
    svc = services(context)
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    user = await svc.db().get_user(tg_user.id)
    if user is None or not user.consent_progress:
        await reply(update, context.t(texts.PROGRESS_OFF))
        return
    db = svc.db()
    today = local_now(svc.now(), user.tz).date()
    done = await db.lessons_done(user.user_id)
    t = context.t
    tracks = [
        (track.id, track.title, [lesson.id for lesson in track.lessons])
        for track in context.library.tracks
    ]
    lines = [t(texts.PROGRESS_TITLE), ""]
    for step in lessons_per_step(tracks, done):
        lines.append(
            f"{progress_bar(step.done, step.total)} {step.title}: {step.done}/{step.total}"
        )
    dates = [date.fromisoformat(d) for d in await db.checkin_dates(user.user_id)]
    run = streak(dates, today)
    lines.append("")
    if run.days:
        lines.append(t.n(texts.PROGRESS_STREAK, run.days))
    lines.append(t(texts.PROGRESS_LAST_30, count=t.number(run.checkins_last_30)))
    lines += await practice_lines(context, user.user_id)
    await reply(update, "\n".join(lines))
    since = int((svc.now() - timedelta(days=31)).timestamp())
    points = [
        (date.fromisoformat(d), mood) for _, d, mood in await db.moods_since(user.user_id, since)
    ]
    png = await mood_chart_png(points, end=today, t=t)
    await chat.send_photo(InputFile(png, filename="mood.png"), caption=t(texts.CHART_CAPTION))


async def practice_lines(context: Context, user_id: int) -> list[str]:
    """The values chosen, and the self-check's first and latest answers side by side."""
    t = context.t
    db = services(context).db()
    out: list[str] = []
    names = await chosen_values(context)
    if names:
        out += ["", t(P.SUMMARY_VALUES, values=", ".join(names))]
    checks = await db.practice_log(user_id, "selfcheck")
    if checks:
        (first_at, _, first), (latest_at, _, latest) = checks[0], checks[-1]

        def day(at: int) -> str:
            return t.date(datetime.fromtimestamp(at, UTC).date())

        out += ["", t(P.SELF_COMPARE, first=day(first_at), latest=day(latest_at))]
        out += compare(json.loads(first)["answers"], json.loads(latest)["answers"], t)
    return out


async def stats_command(update: Update, context: Context) -> None:
    """Aggregate counts for operators; never anything about one person."""
    svc = services(context)
    tg_user = update.effective_user
    if tg_user is None or tg_user.id not in svc.settings.admin_ids:
        await reply(
            update, context.t(texts.UNKNOWN_COMMAND) + "\n\n" + texts.command_list(context.t)
        )
        return
    stats = await svc.db().aggregate_stats(svc.now_s())
    counters: dict[str, dict[str, int]] = stats["counters"]
    weeks: dict[str, int] = {}
    for day, names in counters.items():
        week = date.fromisoformat(day).strftime("%G-W%V")
        weeks[week] = weeks.get(week, 0) + names.get("crisis", 0)
    per_day = stats["checkins_per_day"]
    lines = [
        "trustbot, aggregate counts only:",
        f"Users: {stats['users']} (reminders {stats['consent_reminders']}, progress "
        f"{stats['consent_progress']}, journal {stats['consent_journal']}, paused "
        f"{stats['paused']}, blocked {stats['blocked']})",
        "Check-ins per day (stored with consent), last 7 days: "
        + (", ".join(f"{d[5:]}: {n}" for d, n in list(per_day.items())[-7:]) or "none"),
        "Crisis responses per week: "
        + (", ".join(f"{w}: {n}" for w, n in sorted(weeks.items())[-4:]) or "none"),
    ]
    await reply(update, "\n".join(lines))


FEATURE = Feature(commands={"progress": progress_command, "stats": stats_command})
