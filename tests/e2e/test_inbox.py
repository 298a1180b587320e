"""Issue 11, item 7: the durable inbox. An update is in the database before Telegram is told it
arrived; one the bot fetched but never handled (the process died) is handled after a restart,
once; one Telegram delivers again after a crash is recognised and not handled twice."""

from __future__ import annotations

import json
from pathlib import Path

from telegram import Update

from bot.emulator import BotAPIEmulator
from bot.wiring.inbox import DurableInbox
from tests.conftest import FakeClock, Harness, start_bot, stop_bot, text_of


def _raw_message(update_id: int, uid: int, text: str) -> dict[str, object]:
    user = {"id": uid, "is_bot": False, "first_name": "Alex", "language_code": "en"}
    chat = {"id": uid, "type": "private", "first_name": "Alex"}
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text[0] == "/" else []
    message = {"message_id": 1, "from": user, "chat": chat, "date": 1, "text": text}
    if entities:
        message["entities"] = entities
    return {"update_id": update_id, "message": message}


async def test_every_fetched_update_is_stored_then_marked_handled(bot: Harness) -> None:
    replies = await bot.say(71, "/help")
    assert "not a therapist" in text_of(replies) or "/sos" in text_of(replies)
    db = bot.services.db()
    assert await db.pending_updates() == []  # stored, then marked handled: nothing pending
    assert bot.emulator.last_update_id in await db.admit_updates(
        [(bot.emulator.last_update_id, 71, "{}")], bot.services.now_s()
    )  # ...and its id is remembered as handled


async def test_an_update_fetched_but_not_handled_before_a_crash_is_handled_after_restart_once(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> None:
    db_path = tmp_path / "trustbot.sqlite3"
    first = await start_bot(emulator, clock, db_path)
    emulator.register_user(72)
    # As if the process died right after fetching it: stored in the inbox, never handled.
    raw = _raw_message(900_001, 72, "/sos")
    await first.services.db().admit_updates([(900_001, 72, json.dumps(raw))], 0)
    await stop_bot(first)

    second = await start_bot(emulator, clock, db_path)
    try:
        await second.processed({"update_id": 900_001})
        sos = [m for m in emulator.messages_to(72) if "988" in m.text or "112" in m.text]
        assert len(sos) == 1
        assert await second.services.db().pending_updates() == []
    finally:
        await stop_bot(second)

    third = await start_bot(emulator, clock, db_path)  # a later restart replays nothing again
    try:
        await third.say(73, "/help")
        assert len([m for m in emulator.messages_to(72) if "988" in m.text or "112" in m.text]) == 1
    finally:
        await stop_bot(third)


async def test_a_redelivered_handled_update_becomes_an_empty_one(bot: Harness) -> None:
    await bot.say(74, "/help")
    handled_id = bot.emulator.last_update_id
    inbox = DurableInbox(bot.services)
    again = Update.de_json(_raw_message(handled_id, 74, "/help"), bot.app.bot)
    fresh = Update.de_json(_raw_message(handled_id + 1000, 74, "/help"), bot.app.bot)
    out = await inbox.admit((again, fresh))
    assert [u.update_id for u in out] == [handled_id, handled_id + 1000]
    assert out[0].message is None and out[1].message is not None
