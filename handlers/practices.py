"""The typed practices: /ledger (step 2), /letter (step 3), /speakup (step 5), /triggered
(step 6). Each asks a few short questions, then shows a card (or a draft message to copy).

What a person types is triaged first, like every text: a crisis answer stops the practice, a
worrying answer gets the concern reply and the practice goes on. The answers so far live in
memory only; the card is kept in the journal, sealed, only with journal consent. A restart in
the middle continues at the same question (the question is stored, never the words).
"""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr, tr
from bot.practices import TYPED, Practice, card
from bot.storage import StorageUnavailable
from content.safety_texts import text as said_in
from handlers.common import Button, Context, button, keyboard, local_now, reply, services
from handlers.registry import Action, Feature, TextStep

# The breathing step of /triggered: one line every BREATH_SECONDS, edited in place by the job
# queue (never a sleep in a handler); six lines make a minute.
BREATH_SECONDS = 10.0


def question_rows(practice: Practice, index: int, t: Tr) -> list[list[Button]]:
    pid = practice.id
    rows = [[button(t(P.SKIP), "prac", "skip", pid, index), button(t(P.STOP), "prac", "stop", pid)]]
    if pid in ("closure", "triggered"):
        rows.append([button(t(P.TOO_MUCH), "prac", "much", pid)])
    return rows


def current(context: Context, practice_id: str) -> bool:
    """Whether this practice is the one open now (a button from an older one does nothing)."""
    flow = context.flow
    return flow.awaiting == "practice" and flow.extra.get("id") == practice_id


async def reask(update: Update, context: Context) -> None:
    """The open practice's question again (after the safety question was answered)."""
    practice = TYPED.get(str(context.flow.extra.get("id", "")))
    index = int(context.flow.extra.get("index", -1))
    if practice is not None and 0 <= index < len(practice.questions):
        await ask(update, context, practice, index)


async def ask(update: Update, context: Context, practice: Practice, index: int) -> None:
    t = context.t
    title, question = practice.questions[index]
    feeling = context.flow.extra.get("feeling") if context.flow.awaiting == "practice" else None
    extra = {"feeling": feeling} if feeling else {}
    context.flow.wait_for("practice", id=practice.id, index=index, **extra)
    if practice.id == "assert" and index == len(practice.questions) - 1:
        question = t(question) + await values_line(context)
    await reply(
        update,
        t(
            P.STEP_OF,
            number=index + 1,
            total=len(practice.questions),
            title=t(title),
        )
        + "\n\n"
        + t(question),
        question_rows(practice, index, t),
    )


async def values_line(context: Context) -> str:
    """ " You chose honesty and calm ..." when the person's values are known."""
    from handlers.values import chosen_values

    names = await chosen_values(context)
    return "\n\n" + context.t(P.VALUES_REMINDER, values=", ".join(names)) if names else ""


async def start(update: Update, context: Context, practice_id: str) -> None:
    practice = TYPED[practice_id]
    flow = context.flow
    flow.practice_answers = []
    if practice.chosen:
        await start_breathing(update, context)
        return
    await reply(update, context.t(practice.intro))
    await ask(update, context, practice, 0)


async def on_answer(update: Update, context: Context, text: str) -> None:
    await answer(update, context, text)


async def answer(update: Update, context: Context, text: str) -> None:
    flow = context.flow
    practice = TYPED.get(str(flow.extra.get("id", "")))
    index = int(flow.extra.get("index", -1))
    if practice is None or not 0 <= index < len(practice.questions):
        flow.wait_for(None)
        await reply(update, context.t(P.STOPPED))
        return
    # After a restart the earlier answers are gone from memory: they show as skipped.
    answers = flow.practice_answers[:index]
    answers += [""] * (index - len(answers))
    answers.append(text.strip())
    flow.practice_answers = answers
    if index + 1 < len(practice.questions):
        await ask(update, context, practice, index + 1)
        return
    await finish(update, context, practice, answers, str(flow.extra.get("feeling", "")))


async def finish(
    update: Update, context: Context, practice: Practice, answers: list[str], feeling_id: str
) -> None:
    svc = services(context)
    t = context.t
    flow = context.flow
    flow.wait_for(None)
    flow.practice_answers = []
    feeling = t(P.FEELINGS[feeling_id]).lower() if feeling_id in P.FEELINGS else "…"
    text = card(t, practice, answers, feeling)
    await reply(update, text)
    person = await svc.user_or_none(context.user_id)
    kept = False
    try:
        if person is not None and person.consent_journal:
            await svc.db().add_journal(person.user_id, practice.id, text, svc.now_s())
            kept = True
        if person is not None and person.consent_progress:
            await svc.db().log_practice(person.user_id, "done", practice.id, svc.now_s())
            if practice.id == "triggered" and person.consent_reminders:
                today = local_now(svc.now(), person.tz).date().isoformat()
                await svc.db().log_practice(person.user_id, "triggered", today, svc.now_s())
    except StorageUnavailable:
        kept = False
    await reply(update, t(practice.outro) + "\n\n" + t(P.KEPT if kept else P.NOT_KEPT))


async def on_prac(update: Update, context: Context, cb: Callback) -> None:
    flow = context.flow
    action, practice_id = cb.arg(0), cb.arg(1)
    if not current(context, practice_id):
        return  # a button of a practice that is no longer open
    if action == "stop":
        flow.wait_for(None)
        flow.practice_answers = []
        await reply(update, context.t(P.STOPPED))
    elif action == "much":
        flow.wait_for(None)
        flow.practice_answers = []
        await reply(
            update,
            context.t(P.TOO_MUCH_REPLY),
            [[button(said_in(context.lang, "button_ground"), "ground", "start")]],
        )
    elif action == "skip":
        # Only the question on screen can be skipped (an old Skip button does nothing).
        if cb.arg(2) == str(flow.extra.get("index")):
            await answer(update, context, "")


# ------------------------------------------------------------------ /triggered
async def start_breathing(update: Update, context: Context) -> None:
    t = context.t
    await reply(update, t(P.TRIGGERED_INTRO))
    sent = await reply(update, t(P.BREATHE[0]), [[button(t(P.SKIP), "trig", "ready")]])
    context.flow.wait_for(None)
    if sent is not None and context.job_queue is not None:
        context.job_queue.run_once(
            breathe,
            BREATH_SECONDS,
            data=(sent.chat_id, sent.message_id, 1, context.lang),
            name=f"breathe-{sent.chat_id}",
        )


async def breathe(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One line of the breathing step, edited in place; the last one asks for a feeling."""
    job = context.job
    if job is None or not isinstance(job.data, tuple):
        return
    chat_id, message_id, index, lang = job.data
    t = tr(lang)
    done = index >= len(P.BREATHE)
    text = t(P.BREATHE_DONE) if done else t(P.BREATHE[index])
    markup = keyboard(feeling_rows(t) if done else [[button(t(P.SKIP), "trig", "ready")]])
    try:
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except (BadRequest, TelegramError):
        return  # skipped ahead, or the chat is gone: the breathing just ends
    if not done and context.job_queue is not None:
        context.job_queue.run_once(
            breathe,
            BREATH_SECONDS,
            data=(chat_id, message_id, index + 1, lang),
            name=f"breathe-{chat_id}",
        )


def feeling_rows(t: Tr) -> list[list[Button]]:
    items = [button(t(label), "trig", "feel", key) for key, label in P.FEELINGS.items()]
    return [items[i : i + 2] for i in range(0, len(items), 2)]


async def on_trig(update: Update, context: Context, cb: Callback) -> None:
    t = context.t
    if cb.arg(0) == "ready":
        if context.job_queue is not None:
            for job in context.job_queue.get_jobs_by_name(f"breathe-{context.user_id}"):
                job.schedule_removal()
        await reply(update, t(P.BREATHE_DONE), feeling_rows(t))
        return
    feeling = cb.arg(1)
    if feeling not in P.FEELINGS:
        await reply(update, t(texts.STALE_BUTTON))
        return
    practice = TYPED["triggered"]
    context.flow.practice_answers = []
    context.flow.wait_for("practice", id=practice.id, index=0, feeling=feeling)
    await ask(update, context, practice, 0)


async def ledger(update: Update, context: Context) -> None:
    await start(update, context, "ledger")


async def letter(update: Update, context: Context) -> None:
    await start(update, context, "closure")


async def speakup(update: Update, context: Context) -> None:
    await start(update, context, "assert")


async def triggered(update: Update, context: Context) -> None:
    await start(update, context, "triggered")


FEATURE = Feature(
    commands={"ledger": ledger, "letter": letter, "speakup": speakup, "triggered": triggered},
    buttons={
        "prac": Action(
            on_prac, 2, 3
        ),  # skip <practice> <index> | stop <practice> | much <practice>
        "trig": Action(on_trig, 1, 2),  # ready | feel <feeling>
    },
    # Hard moments are what these practices are about: a concern answer goes out and the
    # practice goes on; a crisis answer closes it (handlers/safety.py, respond_crisis).
    text_steps={"practice": TextStep(on_answer, also_when_worried=True)},
)
