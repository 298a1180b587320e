"""Issue 11, items 6 and 13: updates that are malformed or unusual are answered kindly (or
skipped) with no traceback, and never stop the bot from answering anyone else.

Each update here is one a scripted user cannot make, so it is queued raw on the emulator
(``send_raw``) exactly as Telegram, or a broken proxy in front of it, could deliver it.
"""

from __future__ import annotations

import logging

import pytest

from bot import texts
from bot.callbacks import VERSION
from tests.conftest import Harness, text_of

SECRET = "words nobody else should ever read"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name} {r.levelname} {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info
    ]


async def test_an_update_ptb_cannot_read_is_skipped_with_one_line_and_sos_still_answers(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # A chat without its "type": PTB cannot build the Update, and used to retry the batch
    # forever, logging the raw batch (this text included) at CRITICAL each time.
    broken = bot.emulator.send_raw(
        "message", {"message_id": 1, "date": 0, "chat": {"id": 61}, "text": SECRET}
    )
    replies = await bot.say(61, "/sos")
    assert "988" in text_of(replies) or "112" in text_of(replies)
    await bot.processed(broken)  # skipped, and so acknowledged: the offset moved past it
    assert bot.emulator.pending_updates() == 0
    lines = [r.getMessage() for r in caplog.records]
    assert not any(SECRET in line for line in lines), "the skipped update's text was logged"
    skipped = [line for line in lines if f"skipped update {broken['update_id']}" in line]
    assert len(skipped) == 1
    assert not any(r.levelno >= logging.CRITICAL for r in caplog.records)


async def test_a_private_message_without_a_sender_gets_a_kind_answer(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.emulator.register_user(62)  # the chat exists; only this message lacks its sender
    chat = {"id": 62, "type": "private", "first_name": "Alex"}
    update = bot.emulator.send_raw(
        "message", {"message_id": 1, "date": 1, "chat": chat, "text": "hello there, bot"}
    )
    replies = await bot.inject(update, 62)
    assert text_of(replies) == texts.NO_SENDER
    assert not _errors(caplog)


async def test_a_press_on_an_inline_message_is_answered_on_the_button_only(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.emulator.register_user(63)
    user = {"id": 63, "is_bot": False, "first_name": "Alex"}
    query = {
        "id": "5000001",
        "from": user,
        "inline_message_id": "AAQB-inline",
        "chat_instance": "77",
        "data": f"{VERSION}:lesson:pick",
    }
    update = bot.emulator.send_raw("callback_query", query)
    await bot.processed(update)
    answers = bot.emulator.callback_answers("5000001")
    assert len(answers) == 1 and answers[0].get("text")
    assert bot.emulator.messages_to(63) == []  # nothing sent anywhere
    assert not _errors(caplog)


@pytest.mark.parametrize(
    "data",
    ["junk", "", "x" * 64, f"{VERSION}:mood:3", f"{VERSION}:del:yes", f"{VERSION}:lesson:next:zz"],
)
async def test_junk_and_forged_presses_on_missing_messages_get_a_kind_answer(
    bot: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    await bot.say(64, "/start")
    replies = await bot.press_data(64, 987_654, data)
    assert "went wrong" not in text_of(replies).lower()
    assert not _errors(caplog)


async def test_a_press_in_a_group_is_never_answered_in_the_group(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.emulator.send_message(65, "hi all", chat_id=-1065, chat_type="group")
    callback_id = bot.emulator.press_button(65, 1, f"{VERSION}:mood:3", chat_id=-1065)
    await bot.processed({"update_id": bot.emulator.last_update_id})
    assert bot.emulator.callback_answers(callback_id), "the press was left spinning"
    group = [m for m in bot.emulator.messages_to(-1065) if "trust" not in m.text.lower()]
    assert all(m.text == texts.PRIVATE_ONLY for m in group)
    assert not _errors(caplog)


async def test_a_flooder_gets_one_notice_and_their_sos_comes_next(bot: Harness) -> None:
    bot.emulator.latency = 0.05  # each send takes a moment, so the flood queues up
    try:
        for n in range(40):
            bot.emulator.send_message(66, f"message number {n} of my flood")
        sos = bot.emulator.send_message(66, "/sos")
        await bot.processed(sos, timeout=30)
    finally:
        bot.emulator.latency = 0.0
    texts_sent = [m.text for m in bot.emulator.messages_to(66)]
    assert texts_sent.count(texts.FLOOD_NOTICE) == 1
    sos_at = next(i for i, t in enumerate(texts_sent) if "988" in t or "112" in t)
    assert sos_at <= 3, texts_sent[: sos_at + 1]  # not behind the flood
    assert len(texts_sent) < 20  # the flood was read, not answered line by line
