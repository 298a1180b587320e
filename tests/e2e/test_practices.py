"""From reading to practising: every guided practice end to end over the emulator, with and
without each consent; a crisis in the middle of a practice; a restart in the middle; stale and
double-tapped buttons; the journal; the summary as a PDF rendered back to an image."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import timedelta

import pytest
from telegram import Bot

from bot import practice_texts as P
from bot.callbacks import encode
from bot.emulator.records import SentMessage
from bot.i18n import tr
from handlers import practices
from tests.conftest import Harness, buttons, text_of, with_buttons
from tests.e2e.test_onboarding import onboard

EN = tr("en")
LEDGER_ANSWERS = (
    "He read my message and didn't answer for three hours.",
    "That he's losing interest in me.",
    "He was online.",
    "He said this morning that today would be a long day at work.",
    "He was busy, or he wanted to answer properly later.",
    "Three hours isn't long, wait and see.",
    "Ask him about his day tonight.",
)


async def press(
    bot: Harness, uid: int, message: SentMessage, *data: str | int
) -> list[SentMessage]:
    wanted = encode(str(data[0]), *data[1:])
    assert wanted in [d for _, d in buttons(message)], (wanted, buttons(message))
    return await bot.press_data(uid, message.message_id, wanted)


async def answer_all(bot: Harness, uid: int, answers: tuple[str, ...]) -> list[SentMessage]:
    replies: list[SentMessage] = []
    for answer in answers:
        replies = await bot.say(uid, answer)
    return replies


async def test_the_ledger_kept_listed_reopened_and_followed_up(bot: Harness) -> None:
    await onboard(bot, 701, consents=("Progress", "Journal"))
    replies = await bot.say(701, "/ledger")
    assert EN(P.LEDGER_INTRO) in text_of(replies)
    assert "1/7 · The situation" in text_of(replies)
    replies = await answer_all(bot, 701, LEDGER_ANSWERS)
    card = text_of(replies)
    assert "Your ledger" in card and "Other explanations: He was busy" in card
    assert EN(P.KEPT) in card
    entries = await bot.services.db().journal(701, "ledger")
    assert len(entries) == 1 and "Facts against it: He said this morning" in entries[0].text
    assert [v for _, _, v in await bot.services.db().practice_log(701, "done")] == ["ledger"]

    listing = with_buttons(await bot.say(701, "/journal"))
    assert buttons(listing)[0][0].startswith("Ledger · ")
    opened = with_buttons(await press(bot, 701, listing, "jrnl", "open", entries[0].id))
    assert "Your ledger" in opened.text
    asked = await press(bot, 701, opened, "jrnl", "after", entries[0].id)
    assert EN(P.LEDGER_LATER_ASK) in text_of(asked)
    saved = await bot.say(701, "He'd had a long meeting and called me after.")
    assert EN(P.LEDGER_LATER_SAVED) in text_of(saved)
    again = await press(bot, 701, listing, "jrnl", "open", entries[0].id)
    assert "What actually happened: He'd had a long meeting" in text_of(again)
    # The later answer lives inside its ledger, not as an entry of its own.
    assert len(buttons(with_buttons(await bot.say(701, "/journal")))) == 1


async def test_without_journal_consent_nothing_typed_is_kept(bot: Harness) -> None:
    await onboard(bot, 702, consents=())
    await bot.say(702, "/ledger")
    card = text_of(await answer_all(bot, 702, LEDGER_ANSWERS))
    assert EN(P.NOT_KEPT) in card and "Your ledger" in card
    assert await bot.services.db().journal(702) == []
    assert await bot.services.db().practice_log(702) == []
    assert EN(P.JOURNAL_OFF) in text_of(await bot.say(702, "/journal"))


async def test_a_crisis_in_the_middle_is_answered_first_and_stops_the_practice(
    bot: Harness,
) -> None:
    await onboard(bot, 703, consents=("Journal",))
    await bot.say(703, "/letter")
    await bot.say(703, "Dear Sam, you left without a word.")
    replies = await bot.say(703, "I don't want to be alive anymore.")
    assert "glad you told me" in replies[0].text  # the crisis answer comes first
    assert "2/3" not in text_of(replies)
    # The next text is not taken as the letter's next part.
    after = text_of(await bot.say(703, "It cost me years of trusting people."))
    assert "3/3" not in after
    assert await bot.services.db().journal(703, "closure") == []


async def test_a_worry_in_the_middle_gets_the_concern_answer_and_the_practice_waits(
    bot: Harness,
) -> None:
    await onboard(bot, 704, consents=())
    await bot.say(704, "/letter")
    replies = await bot.say(704, "I feel hopeless and trapped since you left.")
    assert any("professional" in m.text for m in replies)
    assert "2/3" not in text_of(replies)  # the direct question comes first
    # A typed "no" answers the direct question (not the letter), and the letter goes on.
    replies = await bot.say(704, "no")
    assert "glad" in text_of(replies) and "1/3 · What happened" in text_of(replies)
    assert "2/3" in text_of(await bot.say(704, "Dear Sam, you left without a word."))


async def test_a_restart_in_the_middle_continues_at_the_same_question(bot: Harness) -> None:
    await onboard(bot, 705, consents=("Journal",))
    await bot.say(705, "/ledger")
    await answer_all(bot, 705, LEDGER_ANSWERS[:2])
    bot.services.flows.drop(705)  # a restart: memory is gone, the stored flow is not
    replies = await bot.say(705, LEDGER_ANSWERS[2])
    assert "4/7 · Facts against it" in text_of(replies)
    card = text_of(await answer_all(bot, 705, LEDGER_ANSWERS[3:]))
    # The words typed before the restart were never stored, so they show as skipped.
    assert "The situation: (skipped)" in card and "Facts for it: He was online." in card


async def test_stale_and_double_tapped_buttons(bot: Harness) -> None:
    await onboard(bot, 706, consents=())
    first = with_buttons(await bot.say(706, "/ledger"))
    await bot.say(706, LEDGER_ANSWERS[0])
    # Skip on the first question again: it was answered, so nothing moves.
    assert "3/7" not in text_of(await press(bot, 706, first, "prac", "skip", "ledger", 0))
    second = with_buttons(bot.emulator.messages_to(706))
    replies = await press(bot, 706, second, "prac", "skip", "ledger", 1)
    assert "3/7" in text_of(replies)
    assert "3/7" not in text_of(await press(bot, 706, second, "prac", "skip", "ledger", 1))
    # An old practice's Stop does not stop another one opened since.
    await bot.say(706, "/speakup")
    assert await bot.press_data(706, second.message_id, encode("prac", "stop", "ledger")) == []
    assert "2/4" in text_of(await bot.say(706, "When plans change"))
    stopped = await press(
        bot, 706, with_buttons(bot.emulator.messages_to(706)), "prac", "stop", "assert"
    )
    assert EN(P.STOPPED) in text_of(stopped)
    assert "Thank you for writing" in text_of(await bot.say(706, "just chatting"))
    forged = await bot.press_data(706, second.message_id, encode("prac", "skip", "ledger", "x"))
    assert forged == []


async def test_speakup_builds_a_message_without_doubled_words(bot: Harness) -> None:
    await onboard(bot, 707, consents=("Progress",))
    replies = await bot.say(707, "/values")
    picker = with_buttons(replies)
    for key in ("honesty", "safety", "calm"):
        await press(
            bot,
            707,
            bot.emulator.current_message(707, picker.message_id) or picker,
            "val",
            "pick",
            key,
        )
    saved = await press(bot, 707, picker, "val", "done")
    assert "Your values: Honesty, Feeling safe, Calm." in text_of(saved)

    await bot.say(707, "/speakup")
    await bot.say(707, "When plans change at the last minute.")
    await bot.say(707, "Let down")
    last = await bot.say(707, "a message as soon as plans change")
    assert "You chose Honesty, Feeling safe, Calm" in text_of(last)  # values, by name
    card = text_of(await bot.say(707, "Because feeling safe matters to me."))
    assert (
        "When plans change at the last minute, I feel let down. I'd like a message as soon as "
        "plans change, because feeling safe matters to me." in card
    )
    # Later steps' lessons name them,
    first = with_buttons(await bot.say(707, "/lesson"))  # progress on: the next lesson
    menu = with_buttons(await press(bot, 707, first, "lesson", "pick"))
    step = await press(bot, 707, menu, "step", "triggered")
    assert "You chose Honesty, Feeling safe, Calm" in text_of(step)
    # and a good check-in names them too.
    mood = with_buttons(await bot.say(707, "/checkin"))
    assert "Honesty" in text_of(await press(bot, 707, mood, "mood", 4, "c"))


async def test_a_typed_value_belongs_to_its_choice(bot: Harness) -> None:
    await onboard(bot, 720, consents=("Progress", "Journal"))
    picker = with_buttons(await bot.say(720, "/values"))
    for key in ("honesty", "kindness"):
        await press(bot, 720, picker, "val", "pick", key)
    await press(bot, 720, picker, "val", "own")
    await bot.say(720, "Courage")
    assert "Honesty, Kindness, Courage" in text_of(await press(bot, 720, picker, "val", "done"))
    picker = with_buttons(await bot.say(720, "/values"))
    for key in ("loyalty", "respect", "freedom"):
        await press(bot, 720, picker, "val", "pick", key)
    await press(bot, 720, picker, "val", "done")
    await bot.say(720, "/speakup")
    for answer in ("when plans change", "let down"):
        await bot.say(720, answer)
    asked = text_of(await bot.say(720, "a message"))
    assert "You chose Loyalty, Respect, Freedom as" in asked and "Courage" not in asked


async def test_a_summary_tick_leaves_an_open_practice_alone(bot: Harness) -> None:
    await onboard(bot, 721, consents=("Progress", "Journal"))
    await bot.say(721, "/ledger")
    await answer_all(bot, 721, LEDGER_ANSWERS)
    picker = with_buttons(await bot.say(721, "/summary"))
    await bot.say(721, "/speakup")
    await bot.say(721, "When plans change")
    entry = next(d for label, d in buttons(picker) if "Ledger" in label)
    await bot.press_data(721, picker.message_id, entry)
    assert "3/4" in text_of(await bot.say(721, "let down"))


async def test_values_without_progress_are_shown_and_forgotten(bot: Harness) -> None:
    await onboard(bot, 708, consents=())
    picker = with_buttons(await bot.say(708, "/values"))
    assert EN(P.VALUES_TOO_FEW) in text_of(await press(bot, 708, picker, "val", "done"))
    for key in ("fun", "growth"):
        await press(bot, 708, picker, "val", "pick", key)
    await press(bot, 708, picker, "val", "own")
    await bot.say(708, "Courage")
    said = text_of(await press(bot, 708, picker, "val", "done"))
    assert "Fun, Growth, Courage" in said and "won't remember" in said
    assert await bot.services.db().practice_log(708) == []


async def test_triggered_breathes_in_place_then_builds_an_i_statement(
    bot: Harness, sender: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.e2e.test_scheduler import DUE, make_delivery

    monkeypatch.setattr(practices, "BREATH_SECONDS", 0.01)
    await onboard(bot, 709, consents=("Reminders", "Progress", "Journal"))
    replies = await bot.say(709, "/triggered")
    breath = replies[-1]
    assert breath.text == EN(P.BREATHE[0])
    for _ in range(200):  # the job queue edits the same message, line by line
        current = bot.emulator.current_message(709, breath.message_id)
        if current is not None and current.text == EN(P.BREATHE_DONE):
            break
        await asyncio.sleep(0.02)
    assert current is not None and current.text == EN(P.BREATHE_DONE)
    replies = await press(bot, 709, current, "trig", "feel", "hurt")
    assert "1/3" in text_of(replies)
    await bot.say(709, "When you checked your phone during dinner")
    await bot.say(709, "because it felt like I didn't matter")
    card = text_of(await bot.say(709, "Could we keep phones away at dinner?"))
    assert (
        "When you checked your phone during dinner, I felt hurt, because it felt like I didn't "
        "matter. Could we keep phones away at dinner?" in card
    )
    # Next day's check-in asks how it went.
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=5))
    assert (await delivery.tick()).sent == 1
    assert EN(P.TRIGGERED_FOLLOWUP) not in bot.emulator.messages_to(709)[-1].text  # same day
    bot.clock.set(DUE + timedelta(days=1, seconds=5))
    assert (await delivery.tick()).sent == 1
    assert EN(P.TRIGGERED_FOLLOWUP) in bot.emulator.messages_to(709)[-1].text


async def test_triggered_can_skip_the_breathing(bot: Harness) -> None:
    await onboard(bot, 710, consents=())
    breath = (await bot.say(710, "/triggered"))[-1]
    replies = await press(bot, 710, breath, "trig", "ready")
    assert EN(P.BREATHE_DONE) in text_of(replies)
    assert encode("trig", "feel", "numb") in [d for _, d in buttons(with_buttons(replies))]


async def test_a_week_of_face_value_through_the_check_ins(bot: Harness) -> None:
    await onboard(bot, 711, consents=("Progress",))
    intro = with_buttons(await bot.say(711, "/facevalue"))
    assert EN(P.FACE_STARTED) in text_of(await press(bot, 711, intro, "face", "start"))
    for day in range(1, 8):
        mood = with_buttons(await bot.say(711, "/checkin"))
        replies = await press(bot, 711, mood, "mood", 3, "c")
        question = next(m for m in replies if "Face value, day" in m.text)
        assert f"day {day} of 7" in question.text
        answer = "hard" if day == 3 else "fine"
        said = text_of(await press(bot, 711, question, "face", answer, day))
        assert EN(P.FACE_THANKS[answer]) in said
        # A second tap the same day records nothing more.
        assert await press(bot, 711, question, "face", "none", day) == []
        if day == 7:
            assert "It went fine: 6. It was hard: 1. Not today: 0." in said
        await bot.say(711, "/start")  # leave the note question
        bot.clock.advance(days=1)
    taps = [v for _, _, v in await bot.services.db().practice_log(711, "facevalue")]
    assert taps == [f"{d}:{'hard' if d == 3 else 'fine'}" for d in range(1, 8)]
    mood = with_buttons(await bot.say(711, "/checkin"))
    assert "Face value" not in text_of(await press(bot, 711, mood, "mood", 3, "c"))


async def test_face_value_needs_progress(bot: Harness) -> None:
    await onboard(bot, 712, consents=())
    intro = with_buttons(await bot.say(712, "/facevalue"))
    assert EN(P.FACE_NEEDS_PROGRESS) in text_of(await press(bot, 712, intro, "face", "start"))


async def selfcheck(bot: Harness, uid: int, answers: list[int]) -> list[SentMessage]:
    intro = with_buttons(await bot.say(uid, "/selfcheck"))
    replies = await press(bot, uid, intro, "self", "go")
    message = with_buttons(replies)
    for index, value in enumerate(answers):
        replies = await press(bot, uid, message, "self", "a", index, value)
        message = bot.emulator.current_message(uid, message.message_id) or message
    return replies


async def test_the_self_check_suggests_a_step_and_the_lessons_follow(bot: Harness) -> None:
    await onboard(bot, 713, consents=("Progress",))
    # Partners often hard; checking up on people "very much".
    result = text_of(await selfcheck(bot, 713, [2, 0, 1, 0, 2, 1, 0, 0, 1]))
    assert "Rational doubt or old fear?" in result and "not a diagnosis" not in result
    assert "Checking and suspicion" in result
    lesson = text_of(await bot.say(713, "/lesson"))
    assert "Step 2 of 8 · Rational doubt or old fear?" in lesson
    # Retaken later: /progress shows the first and the latest side by side.
    bot.clock.advance(days=10)
    await selfcheck(bot, 713, [1, 0, 1, 0, 1, 1, 0, 0, 0])
    progress = text_of(await bot.say(713, "/progress"))
    assert "Self-check, first" in progress
    assert (
        "• I check up on people: their phone, their messages, where they are. Very much → A bit"
        in progress
    )
    rows = await bot.services.db().practice_log(713, "selfcheck")
    assert [json.loads(v)["track"] for _, _, v in rows] == ["suspicion", "suspicion"]


async def test_the_self_check_without_progress_is_shown_and_forgotten(bot: Harness) -> None:
    await onboard(bot, 714, consents=())
    result = text_of(await selfcheck(bot, 714, [0, 0, 0, 0, 0, 0, 2, 0, 0]))
    assert "Speaking up for what you need" in result and EN(P.SELF_NOT_KEPT) in result
    assert await bot.services.db().practice_log(714) == []


async def test_each_steps_lessons_lead_to_its_practice(bot: Harness) -> None:
    await onboard(bot, 715, consents=())
    menu = with_buttons(await bot.say(715, "/lesson"))
    lesson = with_buttons(await press(bot, 715, menu, "step", "suspicion"))
    assert "🛠 Practice: Suspicion or old fear?" in [label for label, _ in buttons(lesson)]
    opened = await press(bot, 715, lesson, "lesson", "do", "ledger")
    assert EN(P.LEDGER_INTRO) in text_of(opened)
    # Every step's practice button opens a command that exists.
    from bot.practices import TRACK_PRACTICE
    from handlers.registry import features

    assert {c for c, _ in TRACK_PRACTICE.values()} <= set(features().commands)
    menu = with_buttons(await bot.say(715, "/lesson"))
    letter = with_buttons(await press(bot, 715, menu, "step", "closure"))
    assert EN(P.CLOSURE_INTRO) in text_of(await press(bot, 715, letter, "lesson", "do", "letter"))
    assert EN(P.SELF_START) in [label for label, _ in buttons(menu)]
    assert encode("lesson", "do", "selfcheck") in [d for _, d in buttons(menu)]


async def test_the_summary_is_a_one_page_pdf_and_a_png(bot: Harness) -> None:
    import pypdfium2

    await onboard(bot, 716, consents=("Progress", "Journal"))
    for day in range(12):
        mood = with_buttons(await bot.say(716, "/checkin"))
        await press(bot, 716, mood, "mood", 1 + day % 5, "c")
        await bot.say(716, "/start")
        bot.clock.advance(days=1)
    await bot.say(716, "/ledger")
    await answer_all(bot, 716, LEDGER_ANSWERS)
    picker = with_buttons(await bot.say(716, "/summary"))
    entry = next(d for label, d in buttons(picker) if "Ledger" in label)
    await bot.press_data(716, picker.message_id, entry)
    ticked = bot.emulator.current_message(716, picker.message_id)
    assert ticked is not None and any(label.startswith("✅ Ledger") for label, _ in buttons(ticked))
    replies = await press(bot, 716, ticked, "sum", "make")
    pdf = next(m for m in replies if m.document).document
    png = next(m for m in replies if m.photo).photo
    assert pdf is not None and png is not None and pdf.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    image = document[0].render(scale=1).to_pil()
    assert abs(image.size[0] - 595) <= 1 and abs(image.size[1] - 842) <= 1
    # Not blank: the chart and the text put ink on the page.
    assert len(image.convert("L").getcolors(maxcolors=256 * 256) or []) > 20
    text = document[0].get_textpage().get_text_range()
    assert "Not a clinical record" in text and "My last four weeks" in text
    assert "He read my message" in text  # the ticked entry, and only it
    from PIL import Image

    assert Image.open(io.BytesIO(png)).size[0] > 800


async def test_help_lists_the_practices(bot: Harness) -> None:
    help_text = text_of(await bot.say(717, "/help"))
    for command in ("/selfcheck", "/ledger", "/letter", "/values", "/speakup", "/triggered"):
        assert command in help_text
    assert "/journal" in help_text and "/summary" in help_text


async def test_the_check_in_offers_what_set_off_my_guard(bot: Harness) -> None:
    await onboard(bot, 718, consents=("Journal",))
    mood = with_buttons(await bot.say(718, "/checkin"))
    replies = await press(bot, 718, mood, "mood", 2, "c")
    assert EN(P.LOW_MOOD_PRACTICE) in text_of(replies)  # a practice after a low mood
    note = with_buttons(replies)
    asked = await press(bot, 718, note, "note", "guard")
    assert EN(P.GUARD_ASK) in text_of(asked)
    assert EN(P.GUARD_THANKS) in text_of(await bot.say(718, "A friend cancelled last minute."))
    assert [e.kind for e in await bot.services.db().journal(718)] == ["guard"]


async def test_the_check_in_recalls_a_finished_lesson_1_3_and_7_days_later(
    bot: Harness, sender: Bot
) -> None:
    from tests.e2e.test_scheduler import DUE, make_delivery

    await onboard(bot, 719, consents=("Reminders", "Progress"))
    delivery, _ = make_delivery(bot, sender)
    lesson = bot.services.library.lesson("intro-1")
    assert lesson is not None and lesson.key
    recall = EN(P.RECALL, idea=lesson.key)
    seen = []
    for day in range(9):
        bot.clock.set(DUE + timedelta(days=day, seconds=5))
        assert (await delivery.tick()).sent == 1
        message = bot.emulator.messages_to(719)[-1]
        seen.append(recall in message.text)
        assert message.text.count("💡") <= 1  # never more than one line a day
        await press(bot, 719, message, "mood", 3, "p")  # answered, so the rhythm stays daily
        if day == 0:  # today's prompt went first; the first lesson is read after it
            assert lesson.title in text_of(await bot.say(719, "/lesson"))
    assert seen == [False, True, False, True, False, False, False, True, False]
    # Switched off in /settings: no more recalls.
    settings = with_buttons(await bot.say(719, "/settings"))
    assert EN(P.RECALL_OFF) in text_of(await press(bot, 719, settings, "set", "recall"))
    user = await bot.services.db().get_user(719)
    assert user is not None and user.recall_off
