"""/selfcheck: nine tapped questions (where trust feels hard, which patterns sound familiar)
that suggest where to begin among the eight steps. Not a diagnosis, and it says so.

Kept with progress consent (practice_log: the tapped answers and the step suggested), so that
/lesson begins there and /progress shows the first and the latest side by side; without it,
the suggestion is shown and forgotten. Offered after onboarding and from /lesson.
"""

from __future__ import annotations

import json

from telegram import Update
from telegram.error import BadRequest

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr
from bot.practices import AREAS, PATTERNS, suggest_track
from bot.storage import StorageUnavailable
from handlers.common import Button, Context, button, keyboard, reply, services
from handlers.registry import Action, Feature

QUESTIONS = (*AREAS, *PATTERNS)


def question(index: int, t: Tr) -> tuple[str, list[list[Button]]]:
    key = QUESTIONS[index]
    if key in P.SELF_AREAS:
        text = t(P.SELF_AREA_ASK, area=t(P.SELF_AREAS[key]))
        answers = P.SELF_AREA_ANSWERS
    else:
        text = t(P.SELF_PATTERN_ASK, pattern=t(P.SELF_PATTERNS[key]))
        answers = P.SELF_PATTERN_ANSWERS
    head = f"{index + 1}/{len(QUESTIONS)}\n\n"
    rows = [[button(t(label), "self", "a", index, value)] for value, label in enumerate(answers)]
    return head + text, rows


async def selfcheck_command(update: Update, context: Context) -> None:
    context.flow.selfcheck = {}
    t = context.t
    await reply(update, t(P.SELF_INTRO), [[button(t(P.SELF_START), "self", "go")]])


async def on_self(update: Update, context: Context, cb: Callback) -> None:
    flow = context.flow
    t = context.t
    if cb.arg(0) == "go":
        flow.selfcheck = {}
        text, rows = question(0, t)
        await reply(update, text, rows)
        return
    index, value = cb.arg(1), cb.arg(2)
    if not (index.isdigit() and value.isdigit() and int(value) <= 2):
        await reply(update, t(texts.STALE_BUTTON))
        return
    at = int(index)
    if at >= len(QUESTIONS) or at != len(flow.selfcheck):
        return  # an old question's button, or a double tap: the current question stays
    flow.selfcheck[QUESTIONS[at]] = int(value)
    message = update.effective_message
    if at + 1 < len(QUESTIONS):
        text, rows = question(at + 1, t)
        if message is not None:
            try:
                await message.edit_text(text, reply_markup=keyboard(rows))
                return
            except BadRequest:
                pass
        await reply(update, text, rows)
        return
    await result(update, context)


async def result(update: Update, context: Context) -> None:
    svc = services(context)
    t = context.t
    answers = dict(context.flow.selfcheck)
    context.flow.selfcheck = {}
    track_id = suggest_track(answers)
    track = context.library.track(track_id)
    title = track.title if track else track_id
    text = t(P.SELF_RESULT, step=title, why=t(P.SELF_WHY[track_id]))
    person = await svc.user_or_none(context.user_id)
    try:
        if person is not None and person.consent_progress:
            value = json.dumps({"answers": answers, "track": track_id}, sort_keys=True)
            await svc.db().log_practice(person.user_id, "selfcheck", value, svc.now_s())
        else:
            text += "\n\n" + t(P.SELF_NOT_KEPT)
    except StorageUnavailable:
        text += "\n\n" + t(P.SELF_NOT_KEPT)
    await reply(update, text)


async def suggested_track(context: Context) -> str | None:
    """The step the latest kept self-check suggested, if any."""
    svc = services(context)
    person = context.person
    if person is None or not person.consent_progress:
        return None
    try:
        latest = await svc.db().latest_practice(person.user_id, "selfcheck")
    except StorageUnavailable:
        return None
    if latest is None:
        return None
    track = json.loads(latest[1]).get("track")
    return str(track) if track else None


def compare(first: dict[str, int], latest: dict[str, int], t: Tr) -> list[str]:
    """The self-check's answers, first and latest, one line per question that changed or was
    at least "sometimes": "Checking up on people: a bit → not really"."""
    lines = []
    for key in QUESTIONS:
        a, b = first.get(key, 0), latest.get(key, 0)
        if a == 0 and b == 0:
            continue
        labels = P.SELF_AREA_ANSWERS if key in P.SELF_AREAS else P.SELF_PATTERN_ANSWERS
        name = t(P.SELF_AREAS[key]) if key in P.SELF_AREAS else t(P.SELF_PATTERNS[key])
        lines.append(f"• {name} {t(labels[a])} → {t(labels[b])}")
    return lines


FEATURE = Feature(
    commands={"selfcheck": selfcheck_command},
    buttons={"self": Action(on_self, 1, 3, repeatable=True)},  # go | a <index> <0..2>
)
