"""/start and the steps it walks through: age, consents, check-in time, time zone, country.

Each step can be reached again from /settings; `in_onboarding` decides whether a finished step
leads on to the next one or back to the user. The current step is stored (users.onboarding),
so a restart mid-way resumes where the person was.
"""

from __future__ import annotations

from datetime import time

from telegram import Update

from bot import practice_texts as P
from bot import safety, texts
from bot.callbacks import Callback
from bot.i18n import Tr
from bot.storage import User
from handlers.common import (
    Button,
    Context,
    button,
    keyboard,
    local_now,
    remember_country,
    reply,
    services,
    time_button,
    time_from_button,
)
from handlers.language import keep_language
from handlers.registry import Action, Feature, TextStep
from scheduler.planning import reschedule_user, set_daily
from scheduler.timecalc import (
    format_time,
    parse_time_of_day,
)
from scheduler.timezones import country_choices, resolve_timezone, suggest_timezones

COMMON_TIMES = ("07:00", "08:00", "09:00", "12:00", "18:00", "20:00", "21:00")
COMMON_COUNTRIES = ("US", "GB", "CA", "AU", "IE", "IN", "DE", "FR", "ES", "BR", "MX", "RU")


async def start(update: Update, context: Context) -> None:
    svc = services(context)
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    context.flow.wait_for(None)
    user = await svc.db().ensure_user(tg_user.id, chat.id, svc.now_s())
    remember_country(context, user.country)
    await keep_language(context)
    if user.onboarding == "done":
        await reply(update, context.t(texts.WELCOME_BACK))
        return
    resume = {"time": ask_time, "tz": ask_timezone, "country": ask_country}.get(user.onboarding)
    if resume is not None:
        await reply(update, context.t(texts.SETUP_RESUME))
        await resume(update, context)
        return
    if user.onboarding == "consent" and user.age_ok:
        await reply(update, context.t(texts.SETUP_RESUME))
        await reply(update, context.t(texts.CONSENT_INTRO), consent_rows(user, context.t))
        return
    await reply(update, context.t(texts.WELCOME) + "\n\n" + context.t(texts.LANGUAGE_HINT))
    await ask_age(update, context)


async def ask_age(update: Update, context: Context) -> None:
    svc = services(context)
    age = svc.settings.min_age
    await svc.db().update_user(context.user_id, onboarding="age")
    await reply(
        update,
        context.t(texts.AGE_QUESTION, age=age),
        [
            [button(context.t(texts.AGE_YES, age=age), "age", "ok")],
            [button(context.t(texts.AGE_NO), "age", "young")],
        ],
    )


def consent_rows(user: User, t: Tr) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for name, label in texts.CONSENT_LABELS.items():
        mark = "✅" if user.consent(name) else "⬜"
        rows.append([button(f"{mark} {t(label)}", "consent", name)])
    rows.append([button(t(texts.CONSENT_DONE), "consent", "done")])
    return rows


async def on_age(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    user_id = context.user_id
    current = await svc.db().get_user(user_id)
    if current is None or current.onboarding != "age":
        # An old age button pressed later must never undo (or erase) a finished set-up.
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    if cb.arg(0) == "young":
        # Nothing is kept about a younger user: the row made at /start goes too.
        await svc.db().erase_user(user_id)
        country = svc.country(context.flow.country)
        await reply(
            update,
            context.t(
                texts.TOO_YOUNG,
                age=svc.settings.min_age,
                lines=safety.youth_message(svc.resources, country, context.lang),
                emergency=safety.emergency_number(country, context.lang),
            ),
        )
        return
    await svc.db().update_user(user_id, age_ok=1, onboarding="consent")
    user = await svc.db().get_user(user_id)
    assert user is not None
    await reply(update, context.t(texts.CONSENT_INTRO), consent_rows(user, context.t))


async def on_consent(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    user_id = context.user_id
    user = await svc.db().get_user(user_id)
    if user is None:
        await reply(update, context.t(texts.NEEDS_ONBOARDING))
        return
    choice = cb.arg(0)
    if choice in texts.CONSENT_LABELS:
        await svc.db().set_consent(user_id, choice, not user.consent(choice))
        await keep_language(context)
        user = await svc.db().get_user(user_id)
        assert user is not None
        message = update.effective_message
        if message is not None:
            await message.edit_reply_markup(reply_markup=keyboard(consent_rows(user, context.t)))
        return
    if choice != "done":
        return
    if user.onboarding == "done":
        has_checkin = any(s.kind == "checkin" for s in await svc.db().schedules(user_id))
        if user.consent_reminders and not has_checkin:
            # Switching reminders off deleted the schedules: without a time there would be no
            # check-ins at all, so ask for one (as /privacy does).
            await reply(update, context.t(texts.CONSENT_SAVED))
            await ask_time(update, context)
            return
        await reply(update, context.t(texts.CONSENT_SAVED))
        return
    if not (user.consent_reminders or user.consent_progress or user.consent_journal):
        await reply(update, context.t(texts.CONSENT_NONE_CHOSEN))
    if user.consent_reminders:
        await ask_time(update, context)
    elif user.consent_progress:
        await ask_timezone(update, context)
    else:
        await ask_country(update, context)


async def _step(update: Update, context: Context, step: str) -> None:
    """Record the onboarding step, unless the person is changing a setting later on."""
    svc = services(context)
    user_id = context.user_id
    user = await svc.db().get_user(user_id)
    if user is not None and user.onboarding != "done":
        await svc.db().update_user(user_id, onboarding=step)


async def ask_time(update: Update, context: Context) -> None:
    await _step(update, context, "time")
    context.flow.wait_for("time")
    rows = [
        [time_button(t, "time") for t in COMMON_TIMES[:4]],
        [time_button(t, "time") for t in COMMON_TIMES[4:]],
        [button(context.t(texts.TIME_TYPE), "time", "type")],
    ]
    await reply(update, context.t(texts.TIME_QUESTION), rows)


async def on_time_button(update: Update, context: Context, cb: Callback) -> None:
    if cb.arg(0) == "type":
        context.flow.wait_for("time")
        await reply(update, context.t(texts.TIME_QUESTION))
        return
    chosen = time_from_button(cb.arg(0))
    if chosen is None:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    await set_checkin_time(update, context, chosen)


async def on_time_text(update: Update, context: Context, text: str) -> None:
    chosen = parse_time_of_day(text)
    if chosen is None:
        await reply(update, context.t(texts.TIME_NOT_UNDERSTOOD))
        return
    await set_checkin_time(update, context, chosen)


async def set_checkin_time(update: Update, context: Context, chosen: time) -> None:
    svc = services(context)
    user_id = context.user_id
    user = await svc.db().get_user(user_id)
    if user is None:
        await reply(update, context.t(texts.NEEDS_ONBOARDING))
        return
    if not user.consent_reminders:
        await reply(update, context.t(texts.RESUME_NO_REMINDERS))
        return
    existing = {s.kind: s for s in await svc.db().schedules(user_id)}
    days = existing["checkin"].days if "checkin" in existing else 127
    await set_daily(svc.db(), user_id, "checkin", format_time(chosen), days, svc.now())
    context.flow.wait_for(None)
    if user.onboarding != "done":
        await reply(update, context.t(texts.TIME_SET_ONBOARDING, time=context.t.time(chosen)))
        await ask_timezone(update, context)
    else:
        await reply(update, context.t(texts.TIME_SET, time=context.t.time(chosen)))


async def ask_timezone(update: Update, context: Context) -> None:
    await _step(update, context, "tz")
    context.flow.wait_for("tz")
    await reply(update, context.t(texts.TZ_QUESTION))


async def on_tz_text(update: Update, context: Context, text: str) -> None:
    svc = services(context)
    zone = resolve_timezone(text)
    country = country_choices(text) if zone is None else None
    if country is not None:
        # "Australia": several clocks, so the person picks by typing one of the cities.
        labels = "\n".join(f"• {choice.label}" for choice in country.choices)
        await reply(
            update,
            context.t(
                texts.TZ_COUNTRY,
                country=context.t.country(country.code, country.name),
                options=labels,
            ),
        )
        return
    if zone is None:
        options = suggest_timezones(text)
        await reply(
            update,
            context.t(texts.TZ_SUGGEST, options=", ".join(options))
            if options
            else context.t(texts.TZ_NOT_FOUND),
        )
        return
    context.flow.pending_tz = zone
    clock = context.t.time(local_now(svc.now(), zone).time())
    await reply(
        update,
        context.t(texts.TZ_CONFIRM, clock=clock, zone=zone),
        [
            [
                button(context.t(texts.TZ_YES), "tzok", "yes"),
                button(context.t(texts.TZ_NO), "tzok", "no"),
            ]
        ],
    )


async def on_tz_confirm(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    zone = context.flow.pending_tz
    if cb.arg(0) != "yes" or not zone:
        context.flow.wait_for("tz")
        await reply(update, context.t(texts.TZ_QUESTION))
        return
    user_id = context.user_id
    await svc.db().update_user(user_id, tz=zone)
    context.flow.pending_tz = None
    context.flow.wait_for(None)
    await reschedule_user(svc.db(), user_id, svc.now())
    user = await svc.db().get_user(user_id)
    if user is not None and user.onboarding != "done":
        await ask_country(update, context)
    else:
        await reply(update, context.t(texts.TZ_SAVED, zone=zone))


async def ask_country(update: Update, context: Context) -> None:
    svc = services(context)
    await _step(update, context, "country")
    context.flow.wait_for("country")
    codes = [c for c in COMMON_COUNTRIES if svc.country(c)]
    rows: list[list[Button]] = []
    for i in range(0, len(codes), 3):
        rows.append(
            [
                button(context.t.country(c, svc.resources.countries[c].name), "country", c)
                for c in codes[i : i + 3]
            ]
        )
    rows.append([button(context.t(texts.COUNTRY_OTHER), "country", "other")])
    rows.append([button(context.t(texts.COUNTRY_SKIP), "country", "skip")])
    await reply(update, context.t(texts.COUNTRY_QUESTION), rows)


async def on_country_button(update: Update, context: Context, cb: Callback) -> None:
    choice = cb.arg(0)
    if choice == "other":
        context.flow.wait_for("country")
        await reply(update, context.t(texts.COUNTRY_TYPE))
        return
    if choice == "skip":
        context.flow.wait_for(None)
        await finish(update, context)
        return
    await set_country(update, context, choice)


async def on_country_text(update: Update, context: Context, text: str) -> None:
    svc = services(context)
    country = svc.resources.search(text) or svc.country(context.t.country_code(text))
    if country is None:
        context.flow.wait_for(None)
        await reply(update, context.t(texts.COUNTRY_UNKNOWN))
        await finish(update, context)
        return
    await set_country(update, context, country.code)


async def set_country(update: Update, context: Context, code: str) -> None:
    svc = services(context)
    country = svc.country(code)
    if country is None:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    user_id = context.user_id
    await svc.db().update_user(user_id, country=country.code)
    remember_country(context, country.code)
    context.flow.wait_for(None)
    await reply(
        update, context.t(texts.COUNTRY_SET, country=context.t.country(country.code, country.name))
    )
    await finish(update, context)


async def finish(update: Update, context: Context) -> None:
    svc = services(context)
    user_id = context.user_id
    user = await svc.db().get_user(user_id)
    if user is None or user.onboarding == "done":
        return
    await svc.db().update_user(user_id, onboarding="done")
    await reply(
        update,
        context.t(texts.ONBOARDED),
        [[button(context.t(P.SELF_START), "lesson", "do", "selfcheck")]],
    )


FEATURE = Feature(
    commands={"start": start},
    buttons={
        "age": Action(on_age),  # ok | young
        "consent": Action(on_consent, repeatable=True),  # reminders | progress | journal | done
        "time": Action(on_time_button),  # HH.MM | skip | type
        "tzok": Action(on_tz_confirm),  # yes | no
        "country": Action(on_country_button),  # ISO code | other | skip
    },
    text_steps={
        "time": TextStep(on_time_text),
        "tz": TextStep(on_tz_text),
        "country": TextStep(on_country_text),
    },
)
