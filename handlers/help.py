"""/sos and /help: always answer, without consent, while paused, and with the database down."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot import safety, texts
from bot.storage import StorageUnavailable
from content.resources import Country
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


async def sos(update: Update, context: Context) -> None:
    svc = services(context)
    country = await country_for(update, context)
    await reply(
        update,
        safety.sos_message(svc.resources, country, checked=svc.resources.checked),
        [[button(safety.CRISIS_BUTTON_MORE, "safe", "more")]],
        urgent=True,
    )
    plan = await safety_plan_text(update, context)
    if plan:
        await reply(update, "Your safety plan:\n\n" + plan, urgent=True)
    await count(context, "sos")


async def help_command(update: Update, context: Context) -> None:
    svc = services(context)
    country = await country_for(update, context)
    body = "\n\n".join(
        [
            texts.HELP_INTRO,
            "If you're in danger or thinking about ending your life:\n"
            + safety.lines_block(svc.resources, country),
            texts.HELP_PRO,
            "What I can do:\n" + texts.COMMAND_LIST,
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
