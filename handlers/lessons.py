"""/lesson: the next lesson of the path (with progress kept) or a choice of steps (without)."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.callbacks import Callback
from bot.storage import StorageUnavailable
from content.loader import Lesson, Library, Track, lesson_text
from handlers.common import Button, Context, button, reply, services
from handlers.registry import Action, Feature, TextStep


def header(library: Library, track: Track) -> str:
    """ "Step 2 of 8 · ..." for the rebuild-trust steps; the plain title for intro and help."""
    if track.kind == "step":
        steps = [t for t in library.tracks if t.kind == "step"]
        return f"Step {steps.index(track) + 1} of {len(steps)} · {track.title}"
    return track.title


def lesson_buttons(lesson: Lesson) -> list[list[Button]]:
    return [
        [
            button(texts.LESSON_BUTTON_NEXT, "lesson", "next", lesson.id),
            button(texts.LESSON_BUTTON_REFLECT, "lesson", "reflect", lesson.id),
        ],
        [button(texts.LESSON_BUTTON_PICK, "lesson", "pick")],
    ]


async def show_lesson(update: Update, context: Context, lesson: Lesson) -> None:
    svc = services(context)
    track = svc.library.track(lesson.track_id)
    assert track is not None
    await reply(
        update, f"{header(svc.library, track)}\n\n{lesson_text(lesson)}", lesson_buttons(lesson)
    )
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
    nxt = svc.library.next_lesson(done)
    if nxt is None:
        await reply(update, texts.LESSON_PATH_DONE)
        await pick_step(update, context)
        return
    await show_lesson(update, context, nxt)


async def pick_step(update: Update, context: Context) -> None:
    svc = services(context)
    rows = [[button(track.title, "step", track.id)] for track in svc.library.steps()]
    await reply(update, texts.LESSON_PICK, rows)


async def on_step(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    track = svc.library.track(cb.arg(0))
    if track is None or not track.lessons:
        await reply(update, texts.STALE_BUTTON)
        return
    await show_lesson(update, context, track.lessons[0])


async def on_lesson(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    action = cb.arg(0)
    if action == "pick":
        await pick_step(update, context)
        return
    lesson = svc.library.lesson(cb.arg(1))
    if lesson is None:
        await reply(update, texts.STALE_BUTTON)
        return
    if action == "next":
        nxt = svc.library.next_in_track(lesson.id)
        if nxt is None:
            await reply(update, texts.LESSON_PATH_DONE)
            await pick_step(update, context)
            return
        await show_lesson(update, context, nxt)
    elif action == "reflect":
        context.flow.wait_for("reflect", lesson_id=lesson.id)
        await reply(update, texts.REFLECT_PROMPT.format(question=lesson.reflect))
    else:
        await reply(update, texts.STALE_BUTTON)


async def on_reflection_text(update: Update, context: Context, text: str) -> str:
    """Keep a reflection if the journal is on. Returns the reply to send."""
    svc = services(context)
    lesson_id = str(context.flow.extra.get("lesson_id", ""))
    context.flow.wait_for(None)
    stored = context.person
    if stored is not None and stored.consent_journal:
        await svc.db().add_journal(stored.user_id, "reflection", text, svc.now_s(), ref=lesson_id)
        return texts.REFLECT_SAVED
    return texts.REFLECT_NOT_SAVED


FEATURE = Feature(
    commands={"lesson": lesson_command},
    buttons={
        # next | reflect | pick | open <lesson id> | done <lesson id>
        "lesson": Action(on_lesson, 1, 2),
        "step": Action(on_step),  # track id
    },
    text_steps={"reflect": TextStep(on_reflection_text, also_when_worried=True)},
)
