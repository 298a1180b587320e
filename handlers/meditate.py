"""/meditate: a choice of practices, guided one step per tap (never by sleeping in a handler)."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot import texts
from bot.callbacks import Callback
from content.loader import meditation_step_text
from handlers.common import Context, button, keyboard, reply
from handlers.registry import Action, Feature


async def meditate_command(update: Update, context: Context) -> None:
    await show_menu(update, context)


async def show_menu(update: Update, context: Context) -> None:
    rows = [
        [button(context.t.n(texts.MED_MENU_ITEM, m.minutes, title=m.title), "med", "start", m.id)]
        for m in context.library.meditations
    ]
    await reply(update, context.t(texts.MED_PICK), rows)


async def on_med(update: Update, context: Context, cb: Callback) -> None:
    action = cb.arg(0)
    if action == "menu":
        await show_menu(update, context)
        return
    med = context.library.meditation(cb.arg(1))
    if med is None:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    if action == "done":
        await reply(
            update,
            context.t(texts.MED_FINISHED),
            [[button(context.t(texts.MED_ANOTHER), "med", "menu")]],
        )
        return
    index = 0 if action == "start" else int(cb.arg(2)) if cb.arg(2).isdigit() else -1
    if not 0 <= index < len(med.steps):
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    last = index == len(med.steps) - 1
    nav = (
        button(context.t(texts.MED_DONE_BUTTON), "med", "done", med.id)
        if last
        else button(context.t(texts.MED_NEXT), "med", "next", med.id, index + 1)
    )
    text = meditation_step_text(med, index)
    if action == "start":
        await reply(update, text, [[nav]])
        return
    # Later steps replace the previous one in place, so the chat stays calm and uncluttered.
    message = update.effective_message
    if message is None:
        return
    try:
        await message.edit_text(text, reply_markup=keyboard([[nav]]))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
        # A double tap on Next: the step is already on screen.


FEATURE = Feature(
    commands={"meditate": meditate_command},
    # menu | start <id> | next <id> <step> | done <id>; "next" edits in place, so repeats count
    buttons={"med": Action(on_med, 1, 3, repeatable=True)},
)
