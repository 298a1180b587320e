"""/lesson: the next lesson of the path (with progress kept) or a choice of steps (without)."""

from __future__ import annotations

from telegram import Update

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr
from bot.practices import TRACK_PRACTICE
from bot.storage import StorageUnavailable
from content.loader import Lesson, Library, Track, lesson_text
from handlers.common import Button, Context, button, reply, services
from handlers.registry import Action, Feature, TextStep
from handlers.selfcheck import suggested_track


def header(library: Library, track: Track, t: Tr) -> str:
    """ "Step 2 of 8 · ..." for the rebuild-trust steps; the plain title for intro and help."""
    if track.kind == "step":
        steps = [s for s in library.tracks if s.kind == "step"]
        return t(
            texts.LESSON_STEP_HEADER,
            number=steps.index(track) + 1,
            total=len(steps),
            title=track.title,
        )
    return track.title


def labels(t: Tr) -> tuple[str, str]:
    return t(texts.LESSON_REFLECT_LABEL), t(texts.LESSON_TODAY_LABEL)


def lesson_buttons(lesson: Lesson, t: Tr) -> list[list[Button]]:
    rows = [
        [
            button(t(texts.LESSON_BUTTON_NEXT), "lesson", "next", lesson.id),
            button(t(texts.LESSON_BUTTON_REFLECT), "lesson", "reflect", lesson.id),
        ],
    ]
    practice = TRACK_PRACTICE.get(lesson.track_id)
    if practice is not None:
        # Each step's lessons lead to its practice.
        command, title = practice
        rows.append([button(t(P.PRACTICE_BUTTON, title=t(title)), "lesson", "do", command)])
    rows.append([button(t(texts.LESSON_BUTTON_PICK), "lesson", "pick")])
    return rows


async def show_lesson(update: Update, context: Context, lesson: Lesson) -> None:
    svc = services(context)
    library = context.library
    track = library.track(lesson.track_id)
    assert track is not None
    text = f"{header(library, track, context.t)}\n\n{lesson_text(lesson, labels(context.t))}"
    if track.id in VALUES_LATER:
        # The steps after step 4 lean on the person's own values, by name.
        from handlers.values import chosen_values

        names = await chosen_values(context)
        if names:
            text += "\n\n" + context.t(P.VALUES_REMINDER, values=", ".join(names))
    await reply(update, text, lesson_buttons(lesson, context.t))
    user = update.effective_user
    if user is None:
        return
    stored = await svc.user_or_none(user.id)
    if stored is not None and stored.consent_progress:
        try:
            await svc.db().mark_lesson_done(user.id, lesson.id, svc.now_s())
        except StorageUnavailable:
            pass  # the lesson was shown; progress catches up next time


async def lesson_command(update: Update, context: Context) -> None:
    svc = services(context)
    user = update.effective_user
    stored = await svc.user_or_none(user.id) if user else None
    if stored is None or not stored.consent_progress:
        await pick_step(update, context)
        return
    done = await svc.db().lessons_done(stored.user_id)
    nxt = None
    suggested = await suggested_track(context)
    track = context.library.track(suggested) if suggested else None
    if track is not None:
        # The self-check suggested where to begin: that step first, then the usual path.
        nxt = next((lesson for lesson in track.lessons if lesson.id not in done), None)
    nxt = nxt or context.library.next_lesson(done)
    if nxt is None:
        await reply(update, context.t(texts.LESSON_PATH_DONE))
        await pick_step(update, context)
        return
    await show_lesson(update, context, nxt)


async def pick_step(update: Update, context: Context) -> None:
    rows = [[button(track.title, "step", track.id)] for track in context.library.steps()]
    rows.append([button(context.t(P.SELF_START), "lesson", "do", "selfcheck")])
    await reply(update, context.t(texts.LESSON_PICK), rows)


async def on_step(update: Update, context: Context, cb: Callback) -> None:
    track = context.library.track(cb.arg(0))
    if track is None or not track.lessons:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    await show_lesson(update, context, track.lessons[0])


async def on_lesson(update: Update, context: Context, cb: Callback) -> None:
    action = cb.arg(0)
    if action == "pick":
        await pick_step(update, context)
        return
    if action == "do":
        await open_practice(update, context, cb.arg(1))
        return
    lesson = context.library.lesson(cb.arg(1))
    if lesson is None:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    if action == "next":
        nxt = context.library.next_in_track(lesson.id)
        if nxt is None:
            await reply(update, context.t(texts.LESSON_PATH_DONE))
            await pick_step(update, context)
            return
        await show_lesson(update, context, nxt)
    elif action == "reflect":
        context.flow.wait_for("reflect", lesson_id=lesson.id)
        await reply(update, context.t(texts.REFLECT_PROMPT, question=lesson.reflect))
    else:
        await reply(update, context.t(texts.STALE_BUTTON))


VALUES_LATER = frozenset({"assertiveness", "triggered", "face_value"})
PRACTICE_COMMANDS = {command for command, _ in TRACK_PRACTICE.values()}


async def open_practice(update: Update, context: Context, command: str) -> None:
    """A step's practice, opened from one of its lessons (or the self-check from the menu)."""
    from handlers.registry import features

    handler = features().commands.get(command) if command in PRACTICE_COMMANDS else None
    if handler is None:
        await reply(update, context.t(texts.STALE_BUTTON))
        return
    context.flow.wait_for(None)
    await handler(update, context)


async def on_reflection_text(update: Update, context: Context, text: str) -> str:
    """Keep a reflection if the journal is on. Returns the reply to send."""
    svc = services(context)
    lesson_id = str(context.flow.extra.get("lesson_id", ""))
    context.flow.wait_for(None)
    stored = context.person
    if stored is not None and stored.consent_journal:
        await svc.db().add_journal(stored.user_id, "reflection", text, svc.now_s(), ref=lesson_id)
        return context.t(texts.REFLECT_SAVED)
    return context.t(texts.REFLECT_NOT_SAVED)


FEATURE = Feature(
    commands={"lesson": lesson_command},
    buttons={
        # next | reflect | pick | open <lesson id> | done <lesson id> | do <practice command>
        "lesson": Action(on_lesson, 1, 2),
        "step": Action(on_step),  # track id
    },
    text_steps={"reflect": TextStep(on_reflection_text, also_when_worried=True)},
)
