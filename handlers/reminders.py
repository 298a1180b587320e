"""Scheduled prompts as a person sees them (text and buttons), and "Remind me in an hour"."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.callbacks import Callback
from content.loader import Meditation
from handlers.checkin import mood_rows
from handlers.common import Context, button, keyboard, reply, services
from handlers.registry import Action, Feature

SNOOZE_SECONDS = 3600


async def on_snooze(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    kind = cb.arg(0)
    user = update.effective_user
    if user is None or kind not in ("checkin", "meditation"):
        await reply(update, texts.STALE_BUTTON)
        return
    if await svc.db().snooze(user.id, kind, svc.now_s() + SNOOZE_SECONDS):
        await reply(update, texts.SNOOZED)
    else:
        await reply(update, texts.RESUME_NO_REMINDERS)


class _PromptViews:
    """The scheduler's PromptViews: the same mood buttons as /checkin, plus a snooze."""

    def checkin(self, slow_notice: bool) -> tuple[str, InlineKeyboardMarkup]:
        text = texts.CHECKIN_PROMPT + ("\n\n" + texts.SLOW_NOTICE if slow_notice else "")
        rows = [*mood_rows("p"), [button(texts.REMIND_LATER, "snooze", "checkin")]]
        return text, keyboard(rows)

    def meditation(self, meditation: Meditation) -> tuple[str, InlineKeyboardMarkup]:
        text = texts.MEDITATION_PROMPT.format(title=meditation.title, minutes=meditation.minutes)
        rows = [
            [button(texts.MEDITATION_START, "med", "start", meditation.id)],
            [button(texts.REMIND_LATER, "snooze", "meditation")],
        ]
        return text, keyboard(rows)


PROMPT_VIEWS = _PromptViews()

FEATURE = Feature(buttons={"snooze": Action(on_snooze)})  # checkin | meditation
