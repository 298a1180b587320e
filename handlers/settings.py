"""/settings, /pause, /resume and /privacy: every onboarding choice can be changed later."""

from __future__ import annotations

from datetime import time

from telegram import Update

from bot import texts
from bot.callbacks import Callback
from bot.storage import User
from handlers import onboarding
from handlers.common import (
    Context,
    button,
    reply,
    services,
    time_button,
    time_from_button,
)
from handlers.registry import Action, Feature, TextStep
from scheduler.planning import reschedule_user, set_daily
from scheduler.timecalc import (
    format_days,
    format_time,
    mask_from_days,
    parse_days,
    parse_time_of_day,
)


async def _user(update: Update, context: Context) -> User | None:
    svc = services(context)
    user = update.effective_user
    stored = await svc.db().get_user(user.id) if user else None
    if stored is None:
        await reply(update, texts.NEEDS_ONBOARDING)
    return stored


def summary(user: User, schedule_times: dict[str, str], country_name: str | None) -> str:
    on_off = {True: "on", False: "off"}
    lines = [
        f"⏰ Reminders: {on_off[user.consent_reminders]}"
        + (" (paused)" if user.paused else "")
        + (f", check-in at {schedule_times['checkin']}" if "checkin" in schedule_times else ""),
        f"🧘 Meditation prompt: {schedule_times.get('meditation', 'none')}",
        f"🌍 Time zone: {user.tz or 'not set'}",
        f"📞 Country for crisis lines: {country_name or 'not set'}",
        f"📈 Progress: {on_off[user.consent_progress]} · "
        f"📓 Journal: {on_off[user.consent_journal]}",
    ]
    return "\n".join(lines)


async def settings_command(update: Update, context: Context) -> None:
    svc = services(context)
    user = await _user(update, context)
    if user is None:
        return
    context.flow.wait_for(None)
    times = {s.kind: s.local_time for s in await svc.db().schedules(user.user_id)}
    country = svc.country(user.country)
    b = texts.SETTINGS_BUTTONS
    rows = [
        [button(b["time"], "set", "time"), button(b["tz"], "set", "tz")],
        [button(b["days"], "set", "days"), button(b["med"], "set", "med")],
        [button(b["weekly"], "set", "weekly"), button(b["country"], "set", "country")],
        [button(b["consent"], "set", "consent")],
    ]
    await reply(
        update,
        texts.SETTINGS_MENU.format(summary=summary(user, times, country.name if country else None)),
        rows,
    )


async def on_set(update: Update, context: Context, cb: Callback) -> None:
    user = await _user(update, context)
    if user is None:
        return
    choice = cb.arg(0)
    if choice == "time":
        if not user.consent_reminders:
            await reply(update, texts.RESUME_NO_REMINDERS)
            return
        await onboarding.ask_time(update, context)
    elif choice == "tz":
        await onboarding.ask_timezone(update, context)
    elif choice == "country":
        await onboarding.ask_country(update, context)
    elif choice == "consent":
        await reply(update, texts.CONSENT_INTRO, onboarding.consent_rows(user))
    elif choice in ("days", "med", "medat", "medoff", "weekly", "weeklyday"):
        if not user.consent_reminders:
            await reply(update, texts.RESUME_NO_REMINDERS)
            return
        await reminder_setting(update, context, user, cb)
    else:
        await reply(update, texts.STALE_BUTTON)


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MED_TIMES = ("07:00", "12:30", "18:00", "21:30")


async def reminder_setting(update: Update, context: Context, user: User, cb: Callback) -> None:
    svc = services(context)
    choice = cb.arg(0)
    if choice == "days":
        context.flow.wait_for("days")
        await reply(update, texts.DAYS_QUESTION)
    elif choice == "med":
        rows = [[time_button(t, "set", "medat") for t in MED_TIMES]]
        rows.append([button(texts.TIME_TYPE, "set", "medat", "type")])
        rows.append([button(texts.MED_PROMPT_OFF, "set", "medoff")])
        await reply(update, texts.MED_PROMPT_QUESTION, rows)
    elif choice == "medat":
        if cb.arg(1) == "type":
            context.flow.wait_for("medtime")
            await reply(update, texts.TIME_QUESTION)
            return
        chosen = time_from_button(cb.arg(1))
        if chosen is None:
            await reply(update, texts.STALE_BUTTON)
            return
        await set_meditation_time(update, context, chosen)
    elif choice == "medoff":
        await svc.db().delete_schedule(user.user_id, "meditation")
        await reply(update, texts.MED_PROMPT_STOPPED)
    elif choice == "weekly":
        days = [button(name, "set", "weeklyday", i) for i, name in enumerate(WEEKDAY_NAMES)]
        rows = [days[:4], days[4:], [button(texts.WEEKLY_OFF, "set", "weeklyday", "off")]]
        await reply(update, texts.WEEKLY_QUESTION, rows)
    elif choice == "weeklyday":
        arg = cb.arg(1)
        if arg == "off":
            await svc.db().update_user(user.user_id, weekly_day=None, weekly_due_at=None)
            await reply(update, texts.WEEKLY_STOPPED)
            return
        if not arg.isdigit() or not 0 <= int(arg) <= 6:
            await reply(update, texts.STALE_BUTTON)
            return
        if not user.consent_progress:
            await reply(update, texts.WEEKLY_NEEDS_PROGRESS)
            return
        day = int(arg)
        await svc.db().update_user(user.user_id, weekly_day=day)
        await reschedule_user(svc.db(), user.user_id, svc.now())
        await reply(update, texts.WEEKLY_SET.format(day=WEEKDAY_NAMES[day]))


async def on_days_text(update: Update, context: Context, text: str) -> None:
    svc = services(context)
    days = parse_days(text)
    if days is None:
        await reply(update, texts.DAYS_NOT_UNDERSTOOD)
        return
    user_id = context.user_id
    user = await svc.db().get_user(user_id)
    context.flow.wait_for(None)
    if user is None:
        return
    for sched in await svc.db().schedules(user_id):
        await set_daily(
            svc.db(), user_id, sched.kind, sched.local_time, mask_from_days(days), svc.now()
        )
    await reply(update, texts.DAYS_SET.format(days=format_days(days)))


async def on_medtime_text(update: Update, context: Context, text: str) -> None:
    chosen = parse_time_of_day(text)
    if chosen is None:
        await reply(update, texts.TIME_NOT_UNDERSTOOD)
        return
    context.flow.wait_for(None)
    await set_meditation_time(update, context, chosen)


async def set_meditation_time(update: Update, context: Context, chosen: time) -> None:
    svc = services(context)
    user_id = context.user_id
    user = await svc.db().get_user(user_id)
    if user is None:
        return
    existing = {s.kind: s for s in await svc.db().schedules(user_id)}
    mask = existing["checkin"].days if "checkin" in existing else 127
    await set_daily(svc.db(), user_id, "meditation", format_time(chosen), mask, svc.now())
    await reply(update, texts.MED_PROMPT_SET.format(time=format_time(chosen)))


async def pause_command(update: Update, context: Context) -> None:
    user = await _user(update, context)
    if user is None:
        return
    if user.paused:
        await reply(update, texts.ALREADY_PAUSED)
        return
    await services(context).db().update_user(user.user_id, paused=1)
    await reply(update, texts.PAUSED)


async def resume_command(update: Update, context: Context) -> None:
    user = await _user(update, context)
    if user is None:
        return
    if not user.consent_reminders:
        await reply(update, texts.RESUME_NO_REMINDERS)
        return
    if not user.paused:
        await reply(update, texts.NOT_PAUSED)
        return
    svc = services(context)
    await svc.db().update_user(user.user_id, paused=0)
    await reschedule_user(svc.db(), user.user_id, svc.now())
    await reply(update, texts.RESUMED)


FEATURE = Feature(
    commands={
        "settings": settings_command,
        "pause": pause_command,
        "resume": resume_command,
    },
    buttons={"set": Action(on_set, 1, 2)},  # settings menu entries
    text_steps={"days": TextStep(on_days_text), "medtime": TextStep(on_medtime_text)},
)
