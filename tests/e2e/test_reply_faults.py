"""Issue 11, Telegram faults on replies, end to end over HTTP: nothing lost, nothing doubled."""

from __future__ import annotations

from tests.conftest import Harness, text_of


async def test_sos_survives_5xx_and_a_dropped_connection_and_arrives_once(bot: Harness) -> None:
    bot.emulator.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=71)
    bot.emulator.fail_next("sendMessage", status=500, description="Internal Server Error")
    bot.emulator.drop_next("sendMessage")
    replies = await bot.say(71, "/sos")
    text = text_of(replies)
    crisis_lines = [m for m in replies if "emergency" in (m.text or "").lower()]
    assert len(crisis_lines) == 1  # delivered, and once
    assert "went wrong" not in text.lower()  # no apology after a recovered send


async def test_a_failed_reply_is_not_followed_by_an_apology(bot: Harness) -> None:
    bot.emulator.fail_next(
        "sendMessage", status=400, description="Bad Request: chat not found", chat_id=72
    )
    replies = await bot.say(72, "/help")
    assert replies == []  # the one send failed for good; no second send to apologise
