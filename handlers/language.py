"""/language: the language the bot speaks with a person, changeable at any time.

Without a choice, the bot speaks the language Telegram reports for the person (`language_code`),
else English. A choice made with /language holds for the session; it is kept in the database
only while a consent that keeps settings (reminders or progress) is on, so that scheduled
prompts come in it too. Switching both of those consents off forgets it (bot/storage/people.py).
"""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.callbacks import Callback
from bot.i18n import LANGUAGES
from bot.storage import StorageUnavailable
from handlers.common import Context, button, reply, services
from handlers.registry import Action, Feature


async def keep_language(context: Context) -> None:
    """Store the language the person reads, when a consent that keeps settings is on (so the
    scheduler's prompts use it); a no-op when it is already stored or nothing may be kept."""
    svc = services(context)
    person = await svc.user_or_none(context.user_id)
    if person is None or not person.keeps_settings() or person.language == context.lang:
        return
    try:
        await svc.db().update_user(person.user_id, language=context.lang)
    except StorageUnavailable:
        pass  # kept next time; the session already speaks it


async def language_command(update: Update, context: Context) -> None:
    rows = [[button(name, "lang", code)] for code, name in LANGUAGES.items()]
    await reply(update, context.t(texts.LANGUAGE_QUESTION), rows)


async def on_language(update: Update, context: Context, cb: Callback) -> None:
    code = cb.arg(0)
    if code not in LANGUAGES:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    context.flow.lang = code
    person = await services(context).user_or_none(context.user_id)
    await keep_language(context)
    kept = person is not None and person.keeps_settings()
    await reply(update, context.t(texts.LANGUAGE_SET if kept else texts.LANGUAGE_SET_SESSION))


FEATURE = Feature(
    commands={"language": language_command},
    buttons={"lang": Action(on_language)},  # en | ru | es
)
