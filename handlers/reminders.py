"""Buttons on scheduled prompts: "Remind me in an hour"."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.callbacks import Callback
from handlers.common import Context, reply, services

SNOOZE_SECONDS = 3600


async def on_snooze(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    kind = cb.arg(0)
    user = update.effective_user
    if user is None or kind not in ("checkin", "meditation"):
        await reply(update, texts.STALE_BUTTON)
        return
    if await svc.db().snooze(user.id, kind, svc.now_s() + SNOOZE_SECONDS):
        await reply(update, "Of course. I'll ask again in an hour. 🌿")
    else:
        await reply(update, texts.RESUME_NO_REMINDERS)
