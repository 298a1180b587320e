"""/facevalue (step 7): a one-week experiment. Each day, notice one moment of taking someone's
words at face value; the check-in asks once a day while it runs, and tapping records how it
went (fine, hard, or not today). Needs progress consent: it spans days.
"""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.practices import FACE_DAYS, face_day
from bot.storage import StorageUnavailable, User
from handlers.common import Button, Context, button, consenting, local_now, reply, services
from handlers.registry import Action, Feature


async def _running(context: Context, person: User) -> tuple[int | None, list[str], date]:
    """(day of the week running or None, the days already answered, today)."""
    svc = services(context)
    today = local_now(svc.now(), person.tz).date()
    started = await svc.db().latest_practice(person.user_id, "facevalue_start")
    day = face_day(date.fromisoformat(started[1]) if started else None, today)
    taps = await svc.db().practice_log(
        person.user_id, "facevalue", since=started[0] if started else 0
    )
    return day, [value for _, _, value in taps], today


async def facevalue_command(update: Update, context: Context) -> None:
    t = context.t
    person = await services(context).user_or_none(context.user_id)
    if person is not None and person.consent_progress:
        day, _, _ = await _running(context, person)
        if day is not None:
            await reply(update, t(P.FACE_ALREADY, day=day))
            return
    await reply(update, t(P.FACE_INTRO), [[button(t(P.FACE_START), "face", "start")]])


async def question(context: Context) -> tuple[str, list[list[Button]]] | None:
    """Today's face-value question for the check-in, while a week runs and today is not yet
    answered."""
    person = context.person
    if person is None or not person.consent_progress:
        return None
    try:
        day, taps, _ = await _running(context, person)
    except StorageUnavailable:
        return None
    if day is None or any(tap.startswith(f"{day}:") for tap in taps):
        return None
    t = context.t
    rows = [[button(t(label), "face", key, day)] for key, label in P.FACE_ANSWERS.items()]
    return t(P.FACE_QUESTION, day=day), rows


async def on_face(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    t = context.t
    person = await consenting(update, context, "progress", P.FACE_NEEDS_PROGRESS)
    if person is None:
        return
    action = cb.arg(0)
    if action == "start":
        day, _, today = await _running(context, person)
        if day is not None:
            await reply(update, t(P.FACE_ALREADY, day=day))
            return
        await svc.db().log_practice(
            person.user_id, "facevalue_start", today.isoformat(), svc.now_s()
        )
        await reply(update, t(P.FACE_STARTED))
        return
    if action not in P.FACE_ANSWERS:
        await reply(update, t(texts.STALE_BUTTON))
        return
    day, taps, _ = await _running(context, person)
    answered = any(tap.startswith(f"{day}:") for tap in taps)
    if day is None or answered or cb.arg(1) != str(day):
        return  # answered already today, or a button from an earlier day
    await svc.db().log_practice(person.user_id, "facevalue", f"{day}:{action}", svc.now_s())
    said = t(P.FACE_THANKS[action])
    if day == FACE_DAYS:
        kinds = [tap.split(":")[-1] for tap in taps] + [action]
        counts = {k: kinds.count(k) for k in P.FACE_ANSWERS}
        said += "\n\n" + t(P.FACE_RESULTS, **counts)
        await svc.db().log_practice(person.user_id, "done", "facevalue", svc.now_s())
    await reply(update, said)


FEATURE = Feature(
    commands={"facevalue": facevalue_command},
    buttons={"face": Action(on_face, 1, 2)},  # start | fine|hard|none <day>
)
