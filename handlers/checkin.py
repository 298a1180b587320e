"""/checkin: a mood from 1 to 5, then an optional "What's on your mind?".

The note is triaged like every text, and kept only with journal consent.
"""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr
from content.safety_texts import text as said_in
from handlers import facevalue
from handlers.common import (
    Button,
    Context,
    button,
    local_now,
    reply,
    services,
)
from handlers.help import count
from handlers.registry import Action, Feature, TextStep
from handlers.safety import maybe_mood_concern
from handlers.values import chosen_values

# A mood keyboard may come from /checkin ("c") or from a scheduled prompt ("p").
SOURCES = ("c", "p")


def mood_rows(t: Tr, source: str = "c") -> list[list[Button]]:
    labels = {mood: t(label) for mood, label in texts.MOOD_LABELS.items()}
    return [
        [button(labels[1], "mood", 1, source), button(labels[2], "mood", 2, source)],
        [button(labels[3], "mood", 3, source)],
        [button(labels[4], "mood", 4, source), button(labels[5], "mood", 5, source)],
    ]


async def checkin_command(update: Update, context: Context) -> None:
    context.flow.wait_for(None)
    await reply(update, context.t(texts.MOOD_QUESTION), mood_rows(context.t, "c"))


async def on_mood(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    if not cb.arg(0).isdigit() or not 1 <= int(cb.arg(0)) <= 5:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    mood = int(cb.arg(0))
    message = update.effective_message
    flow = context.flow
    answered = flow.moods_answered
    if message is not None and message.message_id in answered:
        return  # a double tap on the same keyboard: the first tap already counted
    user = update.effective_user
    assert user is not None
    stored = context.person
    parts = [context.t(texts.MOOD_THANKS[mood])]
    now = svc.now()
    local_day = local_now(now, stored.tz if stored else None).date().isoformat()
    if stored is not None and stored.consent_reminders:
        await svc.db().mark_answered(user.id, local_day)
    if stored is not None and stored.consent_progress:
        await svc.db().record_checkin(user.id, mood, int(now.timestamp()), local_day)
        moods = await svc.db().recent_moods(user.id)
        flow.recent_moods = moods
    else:
        moods = (mood, *flow.recent_moods)[:5]
        flow.recent_moods = moods
        if stored is not None:
            parts.append(context.t(texts.CHECKIN_NOT_STORED))
    # Only now is the keyboard used up: if storing failed above, the same buttons still work.
    if message is not None:
        answered.append(message.message_id)
        del answered[:-20]
        try:
            await message.edit_text(
                f"{context.t(texts.MOOD_QUESTION)}\n→ {context.t(texts.MOOD_LABELS[mood])}"
            )
        except BadRequest:
            pass  # already edited (a race with a second device): nothing to fix
    await count(context, "checkin")
    await after_mood(update, context, mood, moods, parts)


async def after_mood(
    update: Update, context: Context, mood: int, moods: tuple[int, ...], parts: list[str]
) -> None:
    """The thanks, a practice after a low mood or the person's values after a good one, the
    face-value question while that week runs, then "What's on your mind?"."""
    t = context.t
    rows: list[list[Button]] | None = None
    if mood <= 2:
        # Step 8 after a low mood: something small for right now.
        parts.append("\n" + t(P.LOW_MOOD_PRACTICE))
        rows = [[button(said_in(context.lang, "button_ground"), "ground", "start")]]
    elif mood >= 4:
        names = await chosen_values(context)
        if names:
            parts.append("\n" + t(P.VALUES_REMINDER, values=", ".join(names)))
    await reply(update, "\n".join(parts), rows)
    if await maybe_mood_concern(update, context, moods):
        return
    face = await facevalue.question(context)
    if face is not None:
        await reply(update, face[0], face[1])
    context.flow.wait_for("note")
    await reply(
        update,
        t(texts.NOTE_QUESTION),
        [
            [button(t(texts.NOTE_SKIP), "note", "skip")],
            # Step 1 in the check-in: what set off my guard today?
            [button(t(P.GUARD_BUTTON), "note", "guard")],
        ],
    )


async def on_note_skip(update: Update, context: Context, cb: Callback) -> None:
    if context.flow.awaiting != "note":
        return  # a second tap, or the note was already written
    if cb.arg(0) == "guard":
        context.flow.wait_for("note", guard=1)
        await reply(update, context.t(P.GUARD_ASK))
        return
    context.flow.wait_for(None)
    await reply(update, context.t(texts.NOTE_SKIPPED))


async def on_note_text(update: Update, context: Context, text: str) -> str:
    """Keep the note if the journal is on. Returns the reply to send."""
    svc = services(context)
    guard = bool(context.flow.extra.get("guard"))
    context.flow.wait_for(None)
    stored = context.person
    kind = "guard" if guard else "checkin"
    if stored is not None and stored.consent_journal:
        await svc.db().add_journal(stored.user_id, kind, text, svc.now_s())
        return context.t(P.GUARD_THANKS) if guard else context.t(texts.NOTE_SAVED)
    if guard:
        return context.t(P.GUARD_THANKS)
    return context.t(texts.NOTE_NOT_SAVED)


FEATURE = Feature(
    commands={"checkin": checkin_command},
    buttons={
        "mood": Action(on_mood, 1, 2),  # 1..5 [, source: c = /checkin, p = a prompt]
        "note": Action(on_note_skip),  # skip | guard
    },
    text_steps={"note": TextStep(on_note_text, also_when_worried=True)},
)
