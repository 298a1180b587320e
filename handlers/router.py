"""Routing for buttons and free text, and kind answers for everything else.

Every callback query is answered (so the button stops spinning), including stale and forged
ones; every text lands somewhere; stickers, photos, voice, edits, unknown commands and group
messages each get a short, clear reply.
"""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.callbacks import parse
from bot.storage import StorageUnavailable
from bot.triage import Level
from handlers import onboarding, practices, safety
from handlers.common import Context, reply, services
from handlers.registry import features

log = logging.getLogger(__name__)

# A repeat press of the same button within this window is a double tap (unless the action is
# declared repeatable): it is answered "Already done" and not run twice.
DOUBLE_TAP_SECONDS = 30.0


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    cb = parse(query.data)
    route = features().buttons.get(cb.action) if cb else None
    if cb is None or route is None:
        await query.answer(context.t(texts.STALE_BUTTON[:200]))
        return
    key = (getattr(query.message, "message_id", None), query.data or "")
    recent = _recent_presses(context)
    if not route.repeatable and key in recent:
        await query.answer(context.t(texts.ALREADY_DONE))
        return
    await query.answer()
    await route.fn(update, context, cb)
    # Remembered only once handled: a press that failed (say, the database was busy) can be
    # tried again at once.
    recent[key] = time.monotonic()


def _recent_presses(context: Context) -> dict[tuple[int | None, str], float]:
    recent = context.flow.presses
    now = time.monotonic()
    for key in [k for k, at in recent.items() if now - at > DOUBLE_TAP_SECONDS]:
        del recent[key]
    return recent


async def on_text(update: Update, context: Context) -> None:
    """Free text: the triage gate has already run; now the flow the person is in."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = message.text
    result = safety.triage_of(update, context)
    level = result.level if result else Level.NONE
    flow = context.flow
    waiting = flow.awaiting
    stored = context.person
    unknown = not flow.awaiting_known
    if unknown and stored is not None and stored.onboarding in onboarding.FEATURE.text_steps:
        # Nothing stored about the conversation (e.g. state from before an upgrade): the
        # stored onboarding step says where we were.
        waiting = stored.onboarding
    step = features().text_steps.get(waiting or "")
    if level is Level.NONE and await safety.answered_safety_question_no(update, context, text):
        # A "no" to the direct question is its answer, whatever else was open; a practice
        # that was waiting asks its question again.
        if waiting == "practice":
            await practices.reask(update, context)
        return
    if step is not None and step.also_when_worried:
        if waiting == "practice" and level is not Level.NONE:
            # The concern answer just asked the direct question: the practice waits at this
            # question until that is answered (a "no" brings the question back, above).
            return
        answer = await step.fn(update, context, text)
        if answer and level is Level.NONE:
            await reply(update, answer)
        return
    if level is not Level.NONE:
        return  # the crisis or concern answer was the reply
    if step is not None:
        answer = await step.fn(update, context, text)
        if answer:
            await reply(update, answer)
        return
    hint = ""
    if stored is not None and stored.onboarding != "done":
        hint = "\n\n" + context.t(texts.SETUP_UNFINISHED)
    await reply(update, context.t(texts.NOT_UNDERSTOOD_TEXT) + hint)


async def command_ends_question(update: Update, context: Context) -> None:
    """A new command means the person moved on: free text no longer answers the last question.

    (Registered for every command but /sos and /help, which must not lose anyone's place.)"""
    context.flow.wait_for(None)


async def on_non_text(update: Update, context: Context) -> None:
    result = safety.triage_of(update, context)
    if result is not None and result.level is not Level.NONE:
        return  # a worrying caption: the safety answer already went out
    await reply(update, context.t(texts.NON_TEXT))


async def on_edited(update: Update, context: Context) -> None:
    result = safety.triage_of(update, context)
    if result is not None and result.level is not Level.NONE:
        return  # the safety answer already went out
    await reply(update, context.t(texts.EDITED))


async def on_unknown_command(update: Update, context: Context) -> None:
    await reply(update, context.t(texts.UNKNOWN_COMMAND) + "\n\n" + texts.command_list(context.t))


async def private_only(update: Update, context: Context) -> None:
    """Group 0 of everything: outside private chats, say so once per chat and do nothing else."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE and update.effective_user is None:
        # A private message with no sender (Telegram omits `from` in rare cases): nothing can
        # be kept or looked up for it. /sos and /help still answer (they need no one); anything
        # else gets a short, kind answer instead of a traceback.
        message = update.effective_message
        if message is not None and (message.text or "").split("@")[0].strip() in ("/sos", "/help"):
            return
        if message is not None:
            await message.reply_text(context.t(texts.NO_SENDER))
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and (chat is None or chat.type == ChatType.PRIVATE):
        # A press is only ever answered in the presser's own private chat. A press on an
        # inline message (the bot sends none) or on someone else's chat is answered on the
        # button itself, and nothing else happens.
        if query.message is None or query.message.chat.id != query.from_user.id:
            with contextlib.suppress(TelegramError):
                await query.answer(context.t(texts.BUTTON_ELSEWHERE))
            raise ApplicationHandlerStop
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    svc = services(context)
    if chat.id not in svc.told_groups:
        svc.told_groups.add(chat.id)
        if chat.type != ChatType.CHANNEL:
            try:
                await chat.send_message(context.t(texts.PRIVATE_ONLY))
            except TelegramError:
                log.info("could not tell a %s chat that the bot is private-only", chat.type)
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            pass
    raise ApplicationHandlerStop


async def on_my_chat_member(update: Update, context: Context) -> None:
    """A private chat's status changed: "kicked" means the person blocked the bot."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    if change.new_chat_member.status == ChatMember.BANNED:
        svc = services(context)
        try:
            await svc.db().deactivate_reminders(change.chat.id)
        except StorageUnavailable:
            log.warning("could not record that a user blocked the bot")
        context.flow.wait_for(None)


async def on_error(update: object, context: Context) -> None:
    """Log what failed without message text or token, and tell the person kindly."""
    error = context.error
    kind = type(error).__name__ if error else "unknown"
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, StorageUnavailable):
        # The storage logged the fault once when it began (bot/storage/base.py); a line per
        # update would bury it.
        log.debug("update %s answered without storage (%s)", update_id, kind)
    else:
        log.error("handler error %s on update %s", kind, update_id, exc_info=_safe_exc(error))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    if isinstance(error, TelegramError):
        # A send failed after its retries (bot/transport/replies.py) or may have arrived (a
        # timeout): an apology would be a second send, as likely to fail or to duplicate.
        return
    text = (
        context.t(texts.DB_DOWN)
        if isinstance(error, StorageUnavailable)
        else context.t(texts.ERROR)
    )
    try:
        await update.effective_chat.send_message(text)
    except TelegramError:
        pass


def _safe_exc(error: BaseException | None) -> BaseException | None:
    """The exception whose traceback may be logged, or None for no traceback.

    Telegram and storage errors are expected faults already named in the log line: their
    tracebacks add nothing (and a Telegram error's message can echo a user's text). Anything
    else is a bug in our code, and its traceback is what a maintainer needs."""
    if error is None:
        return None
    if isinstance(error, TelegramError | StorageUnavailable):
        return None
    return error
