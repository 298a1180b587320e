"""Triage of every text, the crisis and concern responses, and /safetyplan.

`triage_gate` runs first (handler group -1) on every text and edited text, before any flow
sees it: a crisis answer goes out in the same update, before anything else. The level is
logged; the text never is.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot import metrics, safety, texts
from bot.callbacks import Callback
from bot.storage import StorageUnavailable
from bot.triage import Level, TriageContext, TriageResult, mood_concern, triage_in_context
from bot.triage.language import detect_language
from content.safety_texts import text as said_in
from handlers.common import Context, button, reply, services
from handlers.help import count, country_for
from handlers.registry import Action, Feature, TextStep

log = logging.getLogger(__name__)

CRISIS_WINDOW = timedelta(hours=1)
NEGATIVE_ANSWERS = {
    *("no", "nope", "nah", "no.", "no!", "not really", "no i'm not", "no im not"),
    *("нет", "нет.", "неа", "нет, нет", "не", "no, no", "para nada", "no, no es así"),
    *("nein", "nein.", "nö", "non", "non.", "pas du tout"),
}

PLAN_STEPS = texts.PLAN_STEPS


def crisis_rows(lang: str = "en") -> list[list[tuple[str, str]]]:
    return [
        [button(said_in(lang, "button_safe"), "safe", "ok")],
        [button(said_in(lang, "button_more"), "safe", "more")],
    ]


def ground_row(lang: str) -> list[list[tuple[str, str]]]:
    return [[button(said_in(lang, "button_ground"), "ground", "start")]]


async def triage_gate(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not (message.text or message.caption):
        return
    svc = services(context)
    flow = context.flow
    now = svc.now()
    ctx = TriageContext(
        recent_moods=flow.recent_moods,
        awaiting_safety_answer=flow.question_open,
        last_crisis_at=flow.last_crisis_at,
        now=now,
        learned_crisis=svc.settings.learned_crisis,
    )
    said = message.text or message.caption or ""
    result = triage_in_context(said, ctx)
    context.triage = result
    if result.level is not Level.NONE:
        # Answer in the language the person wrote in, whatever the rest of the bot speaks.
        context.flow.safety_lang = detect_language(said, fallback=context.lang)
    metrics.TRIAGE.labels(result.level.label).inc()
    if result.level is Level.NONE:
        return
    log.info("triage level=%s reasons=%s", result.level.name.lower(), ",".join(result.reasons))
    if result.level is Level.CRISIS:
        await respond_crisis(update, context, result)
    else:
        await respond_concern(update, context, result)


def triage_of(update: Update, context: Context) -> TriageResult | None:
    """This update's triage result, if the gate ran on it."""
    return context.triage


async def respond_crisis(update: Update, context: Context, result: TriageResult) -> None:
    svc = services(context)
    flow = context.flow
    country = await country_for(update, context)
    lang = flow.safety_lang
    if "crisis:recent_crisis_reassurance" in result.reasons:
        # "I'm fine" right after a crisis answer: welcome it without repeating everything,
        # and keep help one tap away (one reassurance does not end the crisis path).
        await reply(
            update, safety.still_here_message(country, lang), crisis_rows(lang), urgent=True
        )
        return
    await reply(
        update,
        safety.crisis_message(svc.resources, country, lang),
        crisis_rows(lang),
        urgent=True,
    )
    asked = flow.asked
    if "crisis:safety_answer" in result.reasons and asked is not None and asked.answer is None:
        _note_answer(context, "yes")  # a typed yes (the buttons note their own answer)
    flow.last_crisis_at = svc.now()
    flow.question_open = False
    # The flow the person was in stops here; what they were asked can wait.
    if flow.awaiting not in ("note", "reflect"):
        context.flow.wait_for(None)
        flow.practice_answers = []  # a practice's words so far are let go, too
    await count(context, "crisis")
    await schedule_followup(update, context)


async def schedule_followup(update: Update, context: Context) -> None:
    """With reminder consent, a gentle check-in the next day (sent by the scheduler tick)."""
    svc = services(context)
    user = update.effective_user
    stored = await svc.user_or_none(user.id) if user else None
    if stored is None or not stored.consent_reminders:
        return
    try:
        await svc.db().update_user(stored.user_id, followup_at=svc.now_s() + 24 * 3600)
    except StorageUnavailable:
        log.warning("crisis follow-up not scheduled: database unavailable")


def _note_answer(context: Context, answer: str) -> None:
    """Remember how the person answered the direct question (see safety.should_ask_again)."""
    flow = context.flow
    if flow.asked is not None:
        flow.asked = flow.asked.answered(answer)


async def respond_concern(update: Update, context: Context, result: TriageResult) -> None:
    svc = services(context)
    flow = context.flow
    kinds = safety.risk_kinds(result.reasons)
    lang = flow.safety_lang
    previous = flow.asked
    if not safety.should_ask_again(previous, svc.now(), result.level, kinds):
        # Asked recently and nothing new: a short acknowledgement, not the questionnaire again.
        await reply(update, said_in(lang, "concern_again"), ground_row(lang))
        await count(context, "concern_repeat")
        return
    flow.asked = safety.AskedQuestion(svc.now(), result.level, kinds)
    domestic = any("coercive" in r or "domestic" in r or "stalking" in r for r in result.reasons)
    await reply(
        update,
        safety.concern_message(domestic=domestic, lang=lang),
        [
            [
                button(said_in(lang, "answer_yes"), "sq", "yes"),
                button(said_in(lang, "answer_unsure"), "sq", "unsure"),
                button(said_in(lang, "answer_no"), "sq", "no"),
            ],
            *ground_row(lang),
        ],
    )
    flow.question_open = True
    await count(context, "concern")


async def maybe_mood_concern(update: Update, context: Context, moods: tuple[int, ...]) -> bool:
    """The lowest mood on three of the last five check-ins: acknowledge and ask, once a day."""
    if not mood_concern(moods):
        return False
    flow = context.flow
    svc = services(context)
    last = flow.mood_concern_at
    if last is not None and svc.now() - last < timedelta(hours=20):
        return False
    flow.mood_concern_at = svc.now()
    await respond_concern(update, context, TriageResult(Level.CONCERN, ("concern:low_mood",)))
    return True


async def answered_safety_question_no(update: Update, context: Context, text: str) -> bool:
    """A plain "no" to the direct question: thank them, gently, and carry on."""
    flow = context.flow
    if not flow.question_open or text.strip().lower() not in NEGATIVE_ANSWERS:
        return False
    flow.question_open = False
    _note_answer(context, "no")
    await reply(update, said_in(flow.safety_lang, "answer_no_reply"), ground_row(flow.safety_lang))
    return True


async def on_sq(update: Update, context: Context, cb: Callback) -> None:
    flow = context.flow
    answer = cb.arg(0)
    if answer in ("yes", "unsure"):
        # "Yes" (and "not sure") to the direct question is handled as crisis.
        flow.question_open = False
        _note_answer(context, answer)
        await respond_crisis(update, context, TriageResult(Level.CRISIS, ("crisis:safety_answer",)))
    elif answer == "no":
        flow.question_open = False
        _note_answer(context, "no")
        await reply(
            update, said_in(flow.safety_lang, "answer_no_reply"), ground_row(flow.safety_lang)
        )


async def on_safe(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    if cb.arg(0) == "more":
        country = await country_for(update, context)
        await reply(
            update,
            safety.more_help_message(svc.resources, country, context.flow.safety_lang),
            urgent=True,
        )
        return
    # "I'm safe right now" is welcome, but one "I'm fine" does not end the crisis path:
    # the crisis window stays open, so the next worrying message is still taken seriously.
    await reply(update, said_in(context.flow.safety_lang, "safe_ack"))


async def on_ground(update: Update, context: Context, cb: Callback) -> None:
    from handlers.meditate import on_med

    library = context.library
    med = library.meditation("grounding_54321") or library.meditations[0]
    await on_med(update, context, Callback("med", ("start", med.id)))


# ------------------------------------------------------------------ safety plan
async def safetyplan_command(update: Update, context: Context) -> None:
    svc = services(context)
    user = update.effective_user
    stored = await svc.user_or_none(user.id) if user else None
    existing = None
    if stored is not None and stored.consent_journal:
        entries = await svc.db().journal(stored.user_id, "safety_plan")
        existing = entries[-1].text if entries else None
    t = context.t
    intro = t(texts.PLAN_INTRO)
    if stored is None or not stored.consent_journal:
        intro += "\n\n" + t(texts.PLAN_NOT_KEPT)
    rows = [[button(t(texts.PLAN_START), "plan", "start")]]
    if existing:
        await reply(
            update,
            t(texts.YOUR_PLAN) + "\n\n" + existing,
            [[button(t(texts.PLAN_PIN), "plan", "pin")]],
        )
        intro = t(texts.PLAN_NEW_QUESTION)
        rows = [[button(t(texts.PLAN_NEW), "plan", "start")]]
    await reply(update, intro, rows)


async def on_plan(update: Update, context: Context, cb: Callback) -> None:
    flow = context.flow
    action = cb.arg(0)
    if action == "start":
        flow.plan_answers = []
        await ask_plan_step(update, context, 0)
    elif action == "skip":
        await plan_answer(update, context, "")
    elif action == "pin":
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        target = flow.plan_message_id
        try:
            await context.bot.pin_chat_message(chat.id, target or message.message_id)
            await reply(update, context.t(texts.PLAN_PINNED))
        except (BadRequest, TelegramError):
            await reply(update, context.t(texts.PLAN_PIN_FAILED))


async def ask_plan_step(update: Update, context: Context, index: int) -> None:
    title, question = PLAN_STEPS[index]
    t = context.t
    context.flow.wait_for("plan", index=index)
    await reply(
        update,
        f"{index + 1}/{len(PLAN_STEPS)} · {t(title)}\n\n{t(question)}",
        [[button(t(texts.PLAN_SKIP), "plan", "skip", index)]],
    )


async def plan_answer(update: Update, context: Context, text: str) -> None:
    svc = services(context)
    flow = context.flow
    index = int(flow.extra.get("index", 0)) if flow.awaiting == "plan" else -1
    if index < 0:
        return
    # The answers so far live in memory only (typed text is never stored without consent):
    # after a restart mid-plan the earlier ones show as "not filled in yet", the rest go on.
    answers = flow.plan_answers[:index]
    answers += [""] * (index - len(answers))
    answers.append(text.strip())
    flow.plan_answers = answers
    if index + 1 < len(PLAN_STEPS):
        await ask_plan_step(update, context, index + 1)
        return
    context.flow.wait_for(None)
    t = context.t
    lines = [
        f"{i + 1}. {t(title)}: {answer or t(texts.PLAN_EMPTY)}"
        for i, ((title, _), answer) in enumerate(zip(PLAN_STEPS, answers, strict=False))
    ]
    country = await country_for(update, context)
    lines.append(t(texts.PLAN_EMERGENCY, number=safety.emergency_number(country, t.lang)))
    plan = t(texts.PLAN_TITLE) + "\n\n" + "\n".join(lines)
    sent = await reply(update, plan, [[button(t(texts.PLAN_PIN), "plan", "pin")]])
    if sent is not None:
        flow.plan_message_id = sent.message_id
    flow.plan_answers = []
    user = update.effective_user
    stored = await svc.user_or_none(user.id) if user else None
    if stored is not None and stored.consent_journal:
        await svc.db().replace_journal(stored.user_id, "safety_plan", plan, svc.now_s())
        await reply(update, t(texts.PLAN_KEPT))
    else:
        await reply(update, t(texts.PLAN_UNKEPT))


FEATURE = Feature(
    commands={"safetyplan": safetyplan_command},
    buttons={
        "safe": Action(on_safe),  # ok | more
        "sq": Action(on_sq),  # the direct question's answer: yes | no | unsure
        "ground": Action(on_ground),  # start
        "plan": Action(on_plan, 1, 2),  # start | skip <n> | pin
    },
    # Warning signs and hard moments are what a safety plan is made of: a concern answer goes
    # out for them, and the plan goes on (a crisis answer closes it; see respond_crisis).
    text_steps={"plan": TextStep(plan_answer, also_when_worried=True)},
)
