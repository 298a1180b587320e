"""Issue 2, items 7 and 8: every text is triaged first; every other input gets a kind answer."""

from __future__ import annotations

from bot.callbacks import encode
from tests.conftest import Harness, buttons, text_of, with_buttons
from tests.e2e.test_onboarding import onboard

CRISIS_TEXT = "I want to end my life tonight"


async def test_crisis_in_a_plain_message_comes_first(bot: Harness) -> None:
    replies = await bot.say(41, CRISIS_TEXT)
    assert replies, "no answer to a crisis message"
    first = replies[0]
    assert "glad you told me" in first.text and "988" in first.text
    labels = [label for label, _ in buttons(first)]
    assert "I'm safe right now" in labels and "More ways to get help" in labels


async def test_crisis_inside_a_checkin_reply_comes_first_and_the_note_is_kept(bot: Harness) -> None:
    await onboard(bot, 42, consents=("Progress", "Journal"))
    mood_msg = with_buttons(await bot.say(42, "/checkin"))
    await bot.press(42, mood_msg, "1")
    replies = await bot.say(42, CRISIS_TEXT)
    assert "glad you told me" in replies[0].text and "112" in replies[0].text
    assert len(replies) == 1  # the flow stops: no "saved" chatter after a crisis answer
    assert [e.text for e in await bot.services.db().journal(42)] == [CRISIS_TEXT]


async def test_crisis_inside_a_lesson_reflection_comes_first(bot: Harness) -> None:
    picker = with_buttons(await bot.say(43, "/lesson"))
    lesson = with_buttons(await bot.press(43, picker, "trust patterns"))
    await bot.press(43, lesson, "Reflect")
    replies = await bot.say(43, CRISIS_TEXT)
    assert "glad you told me" in replies[0].text


async def test_crisis_during_onboarding_time_step_comes_first(bot: Harness) -> None:
    replies = await bot.say(44, "/start")
    replies = await bot.press(44, with_buttons(replies), "or older")
    msg = with_buttons(replies)
    await bot.press(44, msg, "Reminders")
    await bot.press(44, msg, "Done")
    replies = await bot.say(44, CRISIS_TEXT)
    assert "glad you told me" in replies[0].text
    assert "didn't catch" not in text_of(replies)


async def test_more_ways_to_get_help_and_im_safe(bot: Harness) -> None:
    await onboard(bot, 45, consents=())
    crisis = (await bot.say(45, CRISIS_TEXT))[0]
    more = text_of(await bot.press(45, crisis, "More ways"))
    assert "More ways to get help" in more and "findahelpline.com" in more
    safe = text_of(await bot.press(45, crisis, "I'm safe"))
    assert "glad you're safe" in safe and "/sos" in safe


async def test_sticker_photo_voice_get_a_kind_answer(bot: Harness) -> None:
    for send in (bot.emulator.send_sticker, bot.emulator.send_photo, bot.emulator.send_voice):
        update = send(46)
        replies = await bot.inject(update, 46)
        assert "I can only read text" in text_of(replies)


async def test_edited_message_gets_an_answer_and_is_triaged(bot: Harness) -> None:
    original = bot.emulator.send_message(47, "hello")
    await bot.inject(original, 47)
    message_id = original["message"]["message_id"]
    replies = await bot.inject(bot.emulator.edit_message(47, message_id, "hello again"), 47)
    assert "edited a message" in text_of(replies)
    replies = await bot.inject(bot.emulator.edit_message(47, message_id, CRISIS_TEXT), 47)
    assert "glad you told me" in replies[0].text
    assert "edited a message" not in text_of(replies)


async def test_a_4096_character_text_is_answered(bot: Harness) -> None:
    replies = await bot.say(48, "word " * 819 + "x")
    assert len("word " * 819 + "x") == 4096
    assert "work best with commands" in text_of(replies)


async def test_a_long_message_with_a_buried_crisis_sentence(bot: Harness) -> None:
    text = "Today was long. " * 100 + CRISIS_TEXT + ". " + "Anyway. " * 200
    replies = await bot.say(49, text[:4096])
    assert "glad you told me" in replies[0].text


async def test_unknown_command(bot: Harness) -> None:
    text = text_of(await bot.say(50, "/frobnicate"))
    assert "don't know that command" in text and "/lesson" in text
    # Known commands are not answered twice.
    assert "don't know" not in text_of(await bot.say(50, "/help"))


async def test_stale_and_forged_buttons_get_a_polite_answer(bot: Harness) -> None:
    sent = await bot.say(51, "/help")
    message_id = sent[-1].message_id
    for data in ("v0:old:thing", "garbage", encode("lesson", "next", "nope-99"), "v1:mood:9"):
        callback_id = bot.emulator.press_button(51, message_id, data)
        await bot.processed({"update_id": bot.emulator.last_update_id})
        answers = bot.emulator.callback_answers(callback_id)
        assert answers, f"callback {data!r} was not answered"
    assert not any("went wrong" in m.text for m in bot.emulator.messages_to(51))


async def test_group_messages_get_one_private_only_answer(bot: Harness) -> None:
    first = await bot.say(52, "/start", chat_id=-100, chat_type="group")
    assert "only in private chats" in text_of(first)
    again = await bot.say(52, "hello", chat_id=-100, chat_type="group")
    assert again == []
    # A crisis message in a group still gets no group reply (the bot is private only).
    assert await bot.say(53, "/lesson", chat_id=-100, chat_type="group") == []


async def test_blocking_the_bot_deactivates_reminders_until_start(bot: Harness) -> None:
    await onboard(bot, 54, consents=("Reminders",))
    bot.emulator.block_bot(54)
    await bot.processed({"update_id": bot.emulator.last_update_id})
    user = await bot.services.db().get_user(54)
    assert user is not None and user.blocked
    bot.emulator.unblock_bot(54)
    await bot.say(54, "/start")
    user = await bot.services.db().get_user(54)
    assert user is not None and not user.blocked


async def test_plain_text_outside_any_flow(bot: Harness) -> None:
    assert "work best with commands" in text_of(await bot.say(55, "hi there"))
