"""/sos and /help: always answer, without consent, while paused, and with the database down."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from telegram import Update

from bot import safety, texts
from bot.i18n import Tr
from bot.storage import StorageUnavailable
from content.resources import Country
from content.safety_texts import text as said_in
from handlers.common import Context, button, reply, services
from handlers.registry import Feature

log = logging.getLogger(__name__)

# /sos must never wait long on a struggling database: local lines are a bonus, not a condition.
COUNTRY_LOOKUP_TIMEOUT = 1.0


async def country_for(update: Update, context: Context) -> Country | None:
    svc = services(context)
    flow = context.flow
    if flow.country is not None:
        return svc.country(flow.country)
    user = update.effective_user
    if user is None or svc.storage is None:
        return None
    try:
        stored = await asyncio.wait_for(svc.storage.get_user(user.id), COUNTRY_LOOKUP_TIMEOUT)
    except (StorageUnavailable, TimeoutError):
        log.warning("sos: country lookup failed; showing international lines")
        return None
    if stored is None:
        return None
    flow.country = stored.country
    return svc.country(stored.country)


async def safety_plan_text(update: Update, context: Context) -> str | None:
    svc = services(context)
    user = update.effective_user
    if user is None or svc.storage is None:
        return None
    try:
        entries = await asyncio.wait_for(
            svc.storage.journal(user.id, "safety_plan"), COUNTRY_LOOKUP_TIMEOUT
        )
    except (StorageUnavailable, TimeoutError):
        return None
    return entries[-1].text if entries else None


def checked_on(svc_checked: str, t: Tr) -> str:
    """The date our crisis lines were last checked, as the person's language writes dates."""
    try:
        return t.date(date.fromisoformat(svc_checked))
    except ValueError:
        return svc_checked


async def sos(update: Update, context: Context) -> None:
    svc = services(context)
    country = await country_for(update, context)
    lang = context.lang
    # "More ways to get help" under this answer comes in the same language.
    context.flow.safety_lang = lang
    await reply(
        update,
        safety.sos_message(
            svc.resources, country, checked=checked_on(svc.resources.checked, context.t), lang=lang
        ),
        [[button(said_in(lang, "button_more"), "safe", "more")]],
        urgent=True,
    )
    plan = await safety_plan_text(update, context)
    if plan:
        await reply(update, context.t(texts.YOUR_PLAN) + "\n\n" + plan, urgent=True)
    await count(context, "sos")


async def help_command(update: Update, context: Context) -> None:
    svc = services(context)
    country = await country_for(update, context)
    t = context.t
    body = "\n\n".join(
        [
            t(texts.HELP_INTRO) + " " + t(texts.WHAT_I_AM),
            t(texts.HELP_DANGER) + "\n" + safety.lines_block(svc.resources, country, lang=t.lang),
            t(texts.HELP_PRO),
            t(texts.HELP_COMMANDS) + "\n" + texts.command_list(t),
        ]
    )
    await reply(update, body, urgent=True)


async def count(context: Context, name: str) -> None:
    """Anonymous daily counter for /stats; failures never reach the user."""
    svc = services(context)
    if svc.storage is None:
        return
    try:
        await svc.storage.count_event(name, svc.now_s())
    except StorageUnavailable:
        pass


# Commands that must answer even when nothing else works.
FEATURE = Feature(commands={"sos": sos, "help": help_command}, always=True)
