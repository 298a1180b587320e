"""/values (step 4): pick three to five values from a list, or type your own.

The chosen values' ids are kept with progress consent (practice_log), a typed value in the
journal with journal consent; without them, the choice is shown and forgotten. Later practices
and check-ins name them (`chosen_values`).
"""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr
from bot.practices import MAX_VALUES, MIN_VALUES
from bot.storage import StorageUnavailable
from handlers.common import Button, Context, button, keyboard, reply, services
from handlers.registry import Action, Feature, TextStep


def value_rows(picked: list[str], t: Tr) -> list[list[Button]]:
    items = [
        button(("✅ " if key in picked else "") + t(label), "val", "pick", key)
        for key, label in P.VALUES.items()
    ]
    rows = [items[i : i + 3] for i in range(0, len(items), 3)]
    rows.append([button(t(P.VALUES_OWN), "val", "own"), button(t(P.VALUES_DONE), "val", "done")])
    return rows


async def values_command(update: Update, context: Context) -> None:
    flow = context.flow
    flow.values_picked = []
    flow.own_values = []
    await reply(update, context.t(P.VALUES_INTRO), value_rows([], context.t))


async def on_val(update: Update, context: Context, cb: Callback) -> None:
    flow = context.flow
    t = context.t
    action = cb.arg(0)
    if action == "pick":
        key = cb.arg(1)
        if key not in P.VALUES:
            await reply(update, t(texts.STALE_BUTTON))
            return
        picked = flow.values_picked
        if key in picked:
            picked.remove(key)
        elif len(picked) + len(flow.own_values) < MAX_VALUES:
            picked.append(key)
        message = update.effective_message
        if message is not None:
            try:
                await message.edit_reply_markup(reply_markup=keyboard(value_rows(picked, t)))
            except BadRequest:
                pass  # unchanged (a sixth value tapped): nothing to redraw
    elif action == "own":
        flow.wait_for("value")
        await reply(update, t(P.VALUES_OWN_ASK))
    elif action == "done":
        await save(update, context)


async def on_own_value(update: Update, context: Context, text: str) -> None:
    flow = context.flow
    flow.wait_for(None)
    own = " ".join(text.split())[:40]
    if own and len(flow.values_picked) + len(flow.own_values) < MAX_VALUES:
        flow.own_values.append(own)
    await reply(update, context.t(P.VALUES_INTRO), value_rows(flow.values_picked, context.t))


async def save(update: Update, context: Context) -> None:
    svc = services(context)
    flow = context.flow
    t = context.t
    picked, own = list(flow.values_picked), list(flow.own_values)
    if len(picked) + len(own) < MIN_VALUES:
        await reply(update, t(P.VALUES_TOO_FEW))
        return
    person = await svc.user_or_none(context.user_id)
    kept = person is not None and person.consent_progress
    if person is not None and person.consent_journal:
        # A value of one's own is typed text: kept in the journal, sealed; the choice below
        # names its entry, so an older typed value never comes back with a newer choice.
        entries = [
            await svc.db().add_journal(person.user_id, "value", value, svc.now_s()) for value in own
        ]
    else:
        entries, own = [], own if not kept else []
    if kept and person is not None:
        chosen = ",".join(picked + [f"j{entry}" for entry in entries])
        await svc.db().log_practice(person.user_id, "values", chosen, svc.now_s())
    names = [t(P.VALUES[k]) for k in picked] + own
    flow.values_picked, flow.own_values = [], []
    flow.wait_for(None)
    message = P.VALUES_SAVED if kept else P.VALUES_NOT_KEPT
    await reply(update, t(message, values=", ".join(names)))


async def chosen_values(context: Context) -> list[str]:
    """The person's values by name, in their language (empty when none are kept)."""
    svc = services(context)
    person = context.person or await svc.user_or_none(context.user_id)
    if person is None or not person.consent_progress:
        return []
    try:
        latest = await svc.db().latest_practice(person.user_id, "values")
        items = latest[1].split(",") if latest else []
        names = [context.t(P.VALUES[k]) for k in items if k in P.VALUES]
        for item in items:
            if item.startswith("j") and item[1:].isdigit() and person.consent_journal:
                entry = await svc.db().journal_entry(person.user_id, int(item[1:]))
                if entry is not None:  # gone when the journal expired or was switched off
                    names.append(entry[3])
    except StorageUnavailable:
        return []
    return names


FEATURE = Feature(
    commands={"values": values_command},
    buttons={"val": Action(on_val, 1, 2, repeatable=True)},  # pick <id> | own | done
    text_steps={"value": TextStep(on_own_value)},
)
