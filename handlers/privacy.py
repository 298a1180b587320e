"""/privacy, /export and /delete: see, switch, download and erase everything kept."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from telegram import InputFile, Update

from bot import texts
from bot.callbacks import Callback
from bot.flow import FORGET_AFTER
from bot.i18n import LANGUAGES, Tr
from bot.storage import CONSENTS, User
from handlers.common import (
    Button,
    Context,
    button,
    keyboard,
    reply,
    services,
)
from handlers.language import keep_language
from handlers.registry import Action, Feature


def _day(ts: int, t: Tr) -> str:
    return t.date(datetime.fromtimestamp(ts, UTC).date())


def privacy_rows(user: User, t: Tr) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for name in CONSENTS:
        state = t(texts.PRIV_ON if user.consent(name) else texts.PRIV_OFF)
        label = t(texts.PRIV_SWITCH, label=t(texts.CONSENT_LABELS[name]), state=state)
        rows.append([button(label, "priv", name)])
    rows.append(
        [
            button(t(texts.PRIV_EXPORT), "priv", "export"),
            button(t(texts.PRIV_ERASE), "priv", "delete"),
        ]
    )
    return rows


async def privacy_summary(context: Context, user: User) -> str:
    svc = services(context)
    db = svc.db()
    t = context.t
    country = svc.country(user.country)
    lines = [
        t(texts.PRIV_HEADER),
        "",
        t(
            texts.PRIV_SETTINGS,
            country=t.country(country.code, country.name) if country else t(texts.NOT_SET),
            zone=user.tz or t(texts.NOT_SET),
            language=LANGUAGES.get(user.language or "", t(texts.NOT_SET)),
        ),
    ]
    schedules = await db.schedules(user.user_id)
    deliveries = await db.deliveries(user.user_id)
    if user.consent_reminders:
        times = ", ".join(
            t(texts.PRIV_SCHEDULE_ITEM, kind=t(texts.PRIV_KIND[s.kind]), time=s.local_time)
            for s in schedules
            if s.kind in texts.PRIV_KIND
        )
        lines.append(
            t.n(texts.PRIV_REMINDERS_ON, len(deliveries), times=times or t(texts.PRIV_NO_TIME))
        )
    else:
        lines.append(t(texts.PRIV_REMINDERS_OFF))
    if user.consent_progress:
        moods = await db.moods_since(user.user_id, 0)
        done = await db.lessons_done(user.user_id)
        since = t(texts.PRIV_SINCE, date=_day(moods[0][0], t)) if moods else ""
        lessons = t.n(texts.PRIV_LESSONS, len(done))
        lines.append(t.n(texts.PRIV_PROGRESS_ON, len(moods), since=since, lessons=lessons))
    else:
        lines.append(t(texts.PRIV_PROGRESS_OFF))
    if user.consent_journal:
        entries = await db.journal(user.user_id)
        oldest = t(texts.PRIV_OLDEST, date=_day(entries[0].at, t)) if entries else ""
        lines.append(
            t.n(
                texts.PRIV_JOURNAL_ON,
                len(entries),
                oldest=oldest,
                days=svc.settings.journal_days,
            )
        )
    else:
        lines.append(t(texts.PRIV_JOURNAL_OFF))
    lines += [t(texts.PRIV_FLOW, days=FORGET_AFTER.days), "", t(texts.PRIV_FOOTER)]
    return "\n".join(lines)


async def privacy_command(update: Update, context: Context) -> None:
    svc = services(context)
    tg_user = update.effective_user
    user = await svc.db().get_user(tg_user.id) if tg_user else None
    if user is None:
        await reply(update, context.t(texts.PRIV_NOTHING))
        return
    await reply(update, await privacy_summary(context, user), privacy_rows(user, context.t))


async def on_priv(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    tg_user = update.effective_user
    assert tg_user is not None
    choice = cb.arg(0)
    if choice == "export":
        await export_command(update, context)
        return
    if choice == "delete":
        await delete_command(update, context)
        return
    user = await svc.db().get_user(tg_user.id)
    if user is None or choice not in CONSENTS:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    turning_on = not user.consent(choice)
    deleted = await svc.db().set_consent(tg_user.id, choice, turning_on)
    await keep_language(context)  # a consent that keeps settings keeps the language too
    t = context.t
    label, what = t(texts.CONSENT_LABELS[choice]), t(texts.WHAT_KEPT[choice])
    if turning_on:
        message = t(texts.PRIV_TURNED_ON, label=label, what=what)
    else:
        message = t.n(texts.PRIV_TURNED_OFF, deleted, label=label, what=what)
    await reply(update, message)
    user = await svc.db().get_user(tg_user.id)
    assert user is not None
    if turning_on and choice == "reminders":
        from handlers.onboarding import ask_time

        await ask_time(update, context)
        return
    current = update.effective_message
    if current is not None:
        await current.edit_text(
            await privacy_summary(context, user),
            reply_markup=keyboard(privacy_rows(user, context.t)),
        )


def export_summary(data: dict[str, Any], t: Tr) -> str:
    user: dict[str, Any] = data.get("user") or {}
    counts = {
        key: t.number(len(data.get(key) or []))
        for key in ("checkins", "lessons_done", "journal", "schedules", "deliveries")
    }
    return t(
        texts.EXPORT_SUMMARY,
        country=user.get("country") or t(texts.NOT_SET),
        zone=user.get("time_zone") or t(texts.NOT_SET),
        checkins=counts["checkins"],
        lessons=counts["lessons_done"],
        journal=counts["journal"],
        schedules=counts["schedules"],
        deliveries=counts["deliveries"],
    )


async def export_command(update: Update, context: Context) -> None:
    svc = services(context)
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    data = await svc.db().export_user(tg_user.id)
    if data.get("user") is None:
        await reply(update, context.t(texts.EXPORT_NOTHING))
        return
    data["exported_at"] = svc.now().isoformat()
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await reply(update, export_summary(data, context.t))
    await chat.send_document(
        InputFile(io.BytesIO(payload), filename="trustbot-export.json"),
        caption=context.t(texts.EXPORT_CAPTION),
    )


DELETE_CONFIRM_SECONDS = 600


async def delete_command(update: Update, context: Context) -> None:
    context.flow.delete_asked_at = services(context).now_s()
    t = context.t
    await reply(
        update,
        t(texts.DELETE_CONFIRM),
        [[button(t(texts.DELETE_YES), "del", "yes"), button(t(texts.DELETE_NO), "del", "no")]],
    )


async def on_delete(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    tg_user = update.effective_user
    assert tg_user is not None
    if cb.arg(0) != "yes":
        await reply(update, context.t(texts.DELETE_KEPT))
        return
    asked = context.flow.delete_asked_at
    context.flow.delete_asked_at = None
    if asked is None or svc.now_s() - asked > DELETE_CONFIRM_SECONDS:
        # An old confirmation button: ask again rather than erase on a stale tap.
        await delete_command(update, context)
        return
    t = context.t  # the language they read it in, before the reset forgets their choice
    await svc.db().erase_user(tg_user.id)
    context.flow.reset()
    await reply(update, t(texts.DELETE_DONE))


FEATURE = Feature(
    commands={"privacy": privacy_command, "export": export_command, "delete": delete_command},
    buttons={
        "priv": Action(on_priv),  # a consent to toggle in /privacy
        "del": Action(on_delete),  # yes | no
    },
)
