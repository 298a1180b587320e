"""Scheduled prompts as a person sees them (text and buttons), and "Remind me in an hour"."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr
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
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    if await svc.db().snooze(user.id, kind, svc.now_s() + SNOOZE_SECONDS):
        await reply(update, context.t(texts.SNOOZED))
    else:
        await reply(update, context.t(texts.RESUME_NO_REMINDERS))


class _PromptViews:
    """The scheduler's PromptViews: the same mood buttons as /checkin, plus a snooze, in the
    person's language (`tr(lang)`)."""

    def checkin(
        self, slow_notice: bool, t: Tr, lines: Sequence[str] = ()
    ) -> tuple[str, InlineKeyboardMarkup]:
        text = t(texts.CHECKIN_PROMPT) + ("\n\n" + t(texts.SLOW_NOTICE) if slow_notice else "")
        if lines:
            text += "\n\n" + "\n".join(lines)
        rows = [*mood_rows(t, "p"), [button(t(texts.REMIND_LATER), "snooze", "checkin")]]
        return text, keyboard(rows)

    def meditation(self, meditation: Meditation, t: Tr) -> tuple[str, InlineKeyboardMarkup]:
        text = t.n(texts.MEDITATION_PROMPT, meditation.minutes, title=meditation.title)
        rows = [
            [button(t(texts.MEDITATION_START), "med", "start", meditation.id)],
            [button(t(texts.REMIND_LATER), "snooze", "meditation")],
        ]
        return text, keyboard(rows)


PROMPT_VIEWS = _PromptViews()

FEATURE = Feature(buttons={"snooze": Action(on_snooze)})  # checkin | meditation
