"""/settings, /pause, /resume and /privacy: every onboarding choice can be changed later."""

from __future__ import annotations

from datetime import time

from telegram import Update

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr, Width
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
from handlers.language import language_command
from handlers.registry import Action, Feature, TextStep
from scheduler.planning import reschedule_user, set_daily
from scheduler.timecalc import (
    ALL_DAYS,
    WEEKDAYS,
    WEEKENDS,
    format_time,
    mask_from_days,
    parse_days,
    parse_hhmm,
    parse_time_of_day,
)


async def _user(update: Update, context: Context) -> User | None:
    svc = services(context)
    user = update.effective_user
    stored = await svc.db().get_user(user.id) if user else None
    if stored is None:
        await reply(update, context.t(texts.NEEDS_ONBOARDING))
    return stored


def summary(user: User, times: dict[str, str], country_name: str | None, t: Tr) -> str:
    def on_off(value: bool) -> str:
        return t(texts.ON if value else texts.OFF)

    def clock(hhmm: str | None) -> str:
        return t.time(parse_hhmm(hhmm)) if hhmm else t(texts.NONE_SET)

    reminders = t(texts.SETTINGS_REMINDERS, state=on_off(user.consent_reminders))
    if user.paused:
        reminders += t(texts.SETTINGS_PAUSED)
    if "checkin" in times:
        reminders += t(texts.SETTINGS_CHECKIN_AT, time=clock(times["checkin"]))
    lines = [
        reminders,
        t(texts.SETTINGS_MEDITATION, time=clock(times.get("meditation"))),
        t(texts.SETTINGS_TZ, zone=user.tz or t(texts.NOT_SET)),
        t(texts.SETTINGS_COUNTRY, country=country_name or t(texts.NOT_SET)),
        t(
            texts.SETTINGS_PROGRESS_JOURNAL,
            progress=on_off(user.consent_progress),
            journal=on_off(user.consent_journal),
        ),
    ]
    return "\n".join(lines)


def describe_days(days: frozenset[int], t: Tr) -> str:
    """ "every day", "weekdays", "weekends" or "Mon, Wed, Fri", in the person's language."""
    named = {ALL_DAYS: texts.EVERY_DAY, WEEKDAYS: texts.WEEKDAYS, WEEKENDS: texts.WEEKENDS}
    if days in named:
        return t(named[days])
    return ", ".join(t.weekday(day) for day in sorted(days))


def _russian_day_forms(t: Tr) -> dict[str, frozenset[int]]:
    """ "по вторникам", "в среду", "по средам", "с понедельника": a Russian day name after a
    preposition."""
    forms: dict[str, frozenset[int]] = {}
    for day in range(7):
        name = t.weekday(day, "wide").casefold()
        stem = name[:-1] if name[-1] in "ае" else name
        ending = "ям" if name.endswith("е") else "ам"
        genitive = stem + ("ы" if name.endswith("а") else "я" if name.endswith("е") else "а")
        for form in (stem + ending, stem + "у" if name.endswith("а") else name, genitive):
            forms[form] = frozenset({day})
    return forms


def day_words(t: Tr) -> dict[str, frozenset[int]]:
    """What a person may type for days in their language, for `parse_days`."""
    if t.lang == "en":
        return {}
    words: dict[str, frozenset[int]] = {
        t(texts.EVERY_DAY).casefold(): ALL_DAYS,
        t(texts.WEEKDAYS).casefold(): WEEKDAYS,
        t(texts.WEEKENDS).casefold(): WEEKENDS,
    }
    widths: tuple[Width, ...] = ("abbreviated", "wide", "short")
    for width in widths:
        for day in range(7):
            name = t.weekday(day, width).casefold().rstrip(".")
            words[name] = frozenset({day})
            words.setdefault(name + "s", frozenset({day}))  # "los sábados"
    if t.lang == "ru":
        words.update(_russian_day_forms(t))
        # "по будням", "по выходным": the dative plural of the two sets
        for key, days in ((texts.WEEKDAYS, WEEKDAYS), (texts.WEEKENDS, WEEKENDS)):
            plural = t(key).casefold()
            if plural.endswith("ые"):
                words[plural[:-2] + "ым"] = days
            elif plural.endswith("и"):
                words[plural[:-1] + "ям"] = days
    for filler in t(texts.DAY_FILLERS).split():
        words[filler.casefold()] = frozenset()
    return words


def range_words(t: Tr) -> list[str]:
    """The words that join a range of days in the person's language ("lunes a viernes")."""
    return [] if t.lang == "en" else t(texts.DAY_RANGE_WORDS).split()


async def settings_command(update: Update, context: Context) -> None:
    svc = services(context)
    user = await _user(update, context)
    if user is None:
        return
    context.flow.wait_for(None)
    times = {s.kind: s.local_time for s in await svc.db().schedules(user.user_id)}
    country = svc.country(user.country)
    t = context.t

    def b(name: str) -> tuple[str, str]:
        return button(t(texts.SETTINGS_BUTTONS[name]), "set", name)

    rows = [
        [b("time"), b("tz")],
        [b("days"), b("med")],
        [b("weekly"), b("country")],
        [b("consent"), button(t(texts.SETTINGS_LANGUAGE), "set", "language")],
        [button(t(P.RECALL_SETTING), "set", "recall")],
    ]
    country_name = t.country(country.code, country.name) if country else None
    await reply(
        update,
        t(texts.SETTINGS_MENU, summary=summary(user, times, country_name, t)),
        rows,
    )


async def on_set(update: Update, context: Context, cb: Callback) -> None:
    user = await _user(update, context)
    if user is None:
        return
    choice = cb.arg(0)
    if choice == "time":
        if not user.consent_reminders:
            await reply(update, context.t(texts.RESUME_NO_REMINDERS))
            return
        await onboarding.ask_time(update, context)
    elif choice == "tz":
        await onboarding.ask_timezone(update, context)
    elif choice == "country":
        await onboarding.ask_country(update, context)
    elif choice == "language":
        await language_command(update, context)
    elif choice == "recall":
        # The check-in's one-line reminder of a finished lesson: on unless switched off.
        await services(context).db().update_user(user.user_id, recall_off=int(not user.recall_off))
        await reply(update, context.t(P.RECALL_ON if user.recall_off else P.RECALL_OFF))
    elif choice == "consent":
        await reply(
            update, context.t(texts.CONSENT_INTRO), onboarding.consent_rows(user, context.t)
        )
    elif choice in ("days", "med", "medat", "medoff", "weekly", "weeklyday"):
        if not user.consent_reminders:
            await reply(update, context.t(texts.RESUME_NO_REMINDERS))
            return
        await reminder_setting(update, context, user, cb)
    else:
        await reply(update, context.t(texts.STALE_BUTTON))


MED_TIMES = ("07:00", "12:30", "18:00", "21:30")


async def reminder_setting(update: Update, context: Context, user: User, cb: Callback) -> None:
    svc = services(context)
    choice = cb.arg(0)
    if choice == "days":
        context.flow.wait_for("days")
        await reply(update, context.t(texts.DAYS_QUESTION))
    elif choice == "med":
        rows = [[time_button(t, "set", "medat") for t in MED_TIMES]]
        rows.append([button(context.t(texts.TIME_TYPE), "set", "medat", "type")])
        rows.append([button(context.t(texts.MED_PROMPT_OFF), "set", "medoff")])
        await reply(update, context.t(texts.MED_PROMPT_QUESTION), rows)
    elif choice == "medat":
        if cb.arg(1) == "type":
            context.flow.wait_for("medtime")
            await reply(update, context.t(texts.TIME_QUESTION))
            return
        chosen = time_from_button(cb.arg(1))
        if chosen is None:
            await reply(update, context.t(texts.STALE_BUTTON))
            return
        await set_meditation_time(update, context, chosen)
    elif choice == "medoff":
        await svc.db().delete_schedule(user.user_id, "meditation")
        await reply(update, context.t(texts.MED_PROMPT_STOPPED))
    elif choice == "weekly":
        days = [button(context.t.weekday(i), "set", "weeklyday", i) for i in range(7)]
        rows = [
            days[:4],
            days[4:],
            [button(context.t(texts.WEEKLY_OFF), "set", "weeklyday", "off")],
        ]
        await reply(update, context.t(texts.WEEKLY_QUESTION), rows)
    elif choice == "weeklyday":
        arg = cb.arg(1)
        if arg == "off":
            await svc.db().update_user(user.user_id, weekly_day=None, weekly_due_at=None)
            await reply(update, context.t(texts.WEEKLY_STOPPED))
            return
        if not arg.isdigit() or not 0 <= int(arg) <= 6:
            await reply(update, context.t(texts.STALE_BUTTON))
            return
        if not user.consent_progress:
            await reply(update, context.t(texts.WEEKLY_NEEDS_PROGRESS))
            return
        day = int(arg)
        await svc.db().update_user(user.user_id, weekly_day=day)
        await reschedule_user(svc.db(), user.user_id, svc.now())
        await reply(update, context.t(texts.WEEKLY_SET, day=context.t.weekday(day, "wide")))


async def on_days_text(update: Update, context: Context, text: str) -> None:
    svc = services(context)
    days = parse_days(text, day_words(context.t), range_words(context.t))
    if days is None:
        await reply(update, context.t(texts.DAYS_NOT_UNDERSTOOD))
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
    await reply(update, context.t(texts.DAYS_SET, days=describe_days(days, context.t)))


async def on_medtime_text(update: Update, context: Context, text: str) -> None:
    chosen = parse_time_of_day(text)
    if chosen is None:
        await reply(update, context.t(texts.TIME_NOT_UNDERSTOOD))
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
    await reply(update, context.t(texts.MED_PROMPT_SET, time=context.t.time(chosen)))


async def pause_command(update: Update, context: Context) -> None:
    user = await _user(update, context)
    if user is None:
        return
    if user.paused:
        await reply(update, context.t(texts.ALREADY_PAUSED))
        return
    await services(context).db().update_user(user.user_id, paused=1)
    await reply(update, context.t(texts.PAUSED))


async def resume_command(update: Update, context: Context) -> None:
    user = await _user(update, context)
    if user is None:
        return
    if not user.consent_reminders:
        await reply(update, context.t(texts.RESUME_NO_REMINDERS))
        return
    if not user.paused:
        await reply(update, context.t(texts.NOT_PAUSED))
        return
    svc = services(context)
    await svc.db().update_user(user.user_id, paused=0)
    await reschedule_user(svc.db(), user.user_id, svc.now())
    await reply(update, context.t(texts.RESUMED))


FEATURE = Feature(
    commands={
        "settings": settings_command,
        "pause": pause_command,
        "resume": resume_command,
    },
    buttons={"set": Action(on_set, 1, 2)},  # settings menu entries
    text_steps={"days": TextStep(on_days_text), "medtime": TextStep(on_medtime_text)},
)
