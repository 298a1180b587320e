"""Issue 2, items 2-5: lessons, check-ins, meditations, and /sos and /help."""

from __future__ import annotations

from pathlib import Path

from bot.emulator import BotAPIEmulator
from tests.conftest import FakeClock, Harness, buttons, start_bot, stop_bot, text_of, with_buttons
from tests.e2e.test_onboarding import onboard
from tests.pg import ON_POSTGRES, sqlite_only


async def test_lesson_path_with_progress_kept(bot: Harness) -> None:
    await onboard(bot, 21, consents=("Progress",))
    replies = await bot.say(21, "/lesson")
    first = with_buttons(replies)
    assert first.text.startswith("Understanding trust issues\n\nWhat people mean by trust issues")
    labels = [label for label, _ in buttons(first)]
    assert any("Next" in x for x in labels) and any("Reflect" in x for x in labels)
    assert any("Pick a step" in x for x in labels)
    assert await bot.services.db().lessons_done(21) == {"intro-1": bot.services.now_s()}
    # /lesson again continues the path rather than repeating.
    second = with_buttons(await bot.say(21, "/lesson"))
    assert second.text != first.text
    # Next moves on within the track.
    third = with_buttons(await bot.press(21, second, "Next"))
    assert third.text not in (first.text, second.text)
    assert len(await bot.services.db().lessons_done(21)) == 3


async def test_lesson_without_progress_offers_the_steps(bot: Harness) -> None:
    replies = await bot.say(22, "/lesson")
    picker = with_buttons(replies)
    labels = [label for label, _ in buttons(picker)]
    assert len(labels) == 11  # intro, eight steps, getting help, and the self-check
    lesson = with_buttons(await bot.press(22, picker, labels[3]))
    assert lesson.text.startswith("Step 3 of 8")
    assert "To reflect on:" in lesson.text and "For today:" in lesson.text


async def test_reflection_is_kept_only_with_journal_consent(bot: Harness) -> None:
    await onboard(bot, 23, consents=("Journal",))
    picker = with_buttons(await bot.say(23, "/lesson"))
    lesson = with_buttons(await bot.press(23, picker, "trust patterns"))
    prompt = text_of(await bot.press(23, lesson, "Reflect"))
    assert "Take your time" in prompt
    assert "saved it in your journal" in text_of(await bot.say(23, "I hold back with new friends."))
    entries = await bot.services.db().journal(23)
    assert [(e.kind, e.text) for e in entries] == [("reflection", "I hold back with new friends.")]


async def test_checkin_mood_then_note_is_stored_with_consent(bot: Harness) -> None:
    await onboard(bot, 24, consents=("Progress", "Journal"))
    replies = await bot.say(24, "/checkin")
    mood_msg = with_buttons(replies)
    assert len(buttons(mood_msg)) == 5
    replies = await bot.press(24, mood_msg, "4")
    assert "What's on your mind" in text_of(replies)
    assert "saved that" in text_of(await bot.say(24, "A calm day at work."))
    assert await bot.services.db().recent_moods(24) == (4,)
    assert [e.text for e in await bot.services.db().journal(24)] == ["A calm day at work."]


async def test_checkin_note_can_be_skipped_and_nothing_kept_without_consent(bot: Harness) -> None:
    await onboard(bot, 25, consents=())
    mood_msg = with_buttons(await bot.say(25, "/checkin"))
    replies = await bot.press(25, mood_msg, "3")
    assert "haven't kept this score" in text_of(replies)
    assert "No problem" in text_of(await bot.press(25, with_buttons(replies), "Skip"))
    assert await bot.services.db().recent_moods(25) == ()


async def test_double_tap_on_a_mood_counts_once(bot: Harness) -> None:
    await onboard(bot, 26, consents=("Progress",))
    mood_msg = with_buttons(await bot.say(26, "/checkin"))
    await bot.press(26, mood_msg, "2")
    second = await bot.press(26, mood_msg, "2")
    assert second == []
    assert await bot.services.db().recent_moods(26) == (2,)


async def test_meditation_is_guided_step_by_step(bot: Harness) -> None:
    menu = with_buttons(await bot.say(27, "/meditate"))
    assert len(buttons(menu)) >= 6
    step = with_buttons(await bot.press(27, menu, "Box breathing"))
    assert step.text.startswith("Box breathing (1/")
    total = int(step.text.split("/")[1].split(")")[0])
    for index in range(2, total + 1):
        await bot.press(27, step, "Next")
        step = bot.emulator.current_message(27, step.message_id)  # edited in place
        assert step is not None and step.text.startswith(f"Box breathing ({index}/{total})")
    assert "Well done" in text_of(await bot.press(27, step, "Finish"))


async def test_meditation_double_tap_on_next_is_harmless(bot: Harness) -> None:
    menu = with_buttons(await bot.say(28, "/meditate"))
    step = with_buttons(await bot.press(28, menu, "Box breathing"))
    data = next(d for label, d in buttons(step) if "Next" in label)
    await bot.press_data(28, step.message_id, data)
    again = await bot.press_data(28, step.message_id, data)
    assert not any("wrong" in m.text for m in again)
    current = bot.emulator.current_message(28, step.message_id)
    assert current is not None and "(2/" in current.text


async def test_sos_shows_local_lines_with_source_date(bot: Harness) -> None:
    await onboard(bot, 29, consents=())
    text = text_of(await bot.say(29, "/sos"))
    assert "112" in text and "Germany" in text
    assert "Telefonseelsorge" in text.replace("TelefonSeelsorge", "Telefonseelsorge")
    assert "last checked 27 Nov 2026" in text


async def test_sos_and_help_without_any_setup(bot: Harness) -> None:
    text = text_of(await bot.say(30, "/sos"))
    assert "988" in text and "findahelpline.com" in text
    text = text_of(await bot.say(30, "/help"))
    assert "not a therapist" in text and "/lesson" in text and "GP" in text


async def test_sos_while_paused(bot: Harness) -> None:
    await onboard(bot, 31, consents=("Reminders",))
    await bot.say(31, "/pause")
    assert "112" in text_of(await bot.say(31, "/sos"))


async def test_sos_and_help_answer_with_the_database_down(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> None:
    # A directory where the database file should be: SQLite cannot open it.
    bad = tmp_path / "db-is-a-directory"
    bad.mkdir()
    # On PostgreSQL: a server nobody listens on.
    down = (
        {"TRUSTBOT_DATABASE_URL": "postgresql://trustbot@127.0.0.1:9/none"} if ON_POSTGRES else {}
    )
    harness = await start_bot(emulator, clock, bad, **down)
    try:
        assert harness.services.storage is None
        text = text_of(await harness.say(32, "/sos"))
        assert "988" in text and "emergency" in text
        assert "not a therapist" in text_of(await harness.say(32, "/help"))
        assert "can't reach my memory" in text_of(await harness.say(32, "/start"))
    finally:
        await stop_bot(harness)


async def test_sos_answers_when_the_database_fails_mid_run(bot: Harness) -> None:
    await onboard(bot, 33, consents=())
    await bot.services.db().close()
    text = text_of(await bot.say(33, "/sos"))
    assert "112" in text  # the country was remembered in memory
    assert "can't reach my memory" in text_of(await bot.say(33, "/settings"))


@sqlite_only
async def test_a_locked_database_gets_a_kind_answer_and_recovers(bot: Harness) -> None:
    import secrets
    import sqlite3

    from bot.crypto import Sealer
    from bot.storage import Storage

    await onboard(bot, 34, consents=("Progress",))
    # Reopen the bot's store with a short busy timeout, so the test doesn't wait 5 s.
    await bot.services.db().close()
    bot.services.storage = await Storage.open(
        bot.db_path, Sealer(secrets.token_bytes(32)), busy_timeout_ms=100
    )
    other = sqlite3.connect(bot.db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        mood = with_buttons(await bot.say(34, "/checkin"))
        replies = await bot.press(34, mood, "4")
        assert "can't reach my memory" in text_of(replies)
        assert "112" in text_of(await bot.say(34, "/sos"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    # The same keyboard still works once the lock is gone: the failed press didn't use it up.
    assert "What's on your mind" in text_of(await bot.press(34, mood, "4"))
    assert await bot.services.db().recent_moods(34) == (4,)
