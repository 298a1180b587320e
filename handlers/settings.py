"""/settings, /pause, /resume and /privacy: every onboarding choice can be changed later."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.callbacks import Callback
from bot.storage import User
from handlers import onboarding
from handlers.common import Context, button, reply, services, set_waiting


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
        f"📈 Progress: {on_off[user.consent_progress]} · 📓 Journal: {on_off[user.consent_journal]}",
    ]
    return "\n".join(lines)


async def settings_command(update: Update, context: Context) -> None:
    svc = services(context)
    user = await _user(update, context)
    if user is None:
        return
    set_waiting(context, None)
    times = {s.kind: s.local_time for s in await svc.db().schedules(user.user_id)}
    country = svc.country(user.country)
    b = texts.SETTINGS_BUTTONS
    rows = [
        [button(b["time"], "set", "time"), button(b["tz"], "set", "tz")],
        [button(b["country"], "set", "country")],
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
    else:
        await reply(update, texts.STALE_BUTTON)


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
    await services(context).db().update_user(user.user_id, paused=0)
    await reply(update, texts.RESUMED)
