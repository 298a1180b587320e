"""Issue 10: the flow state (which question the bot waits for) survives a restart, is never
free text, is erased with everything else, and memory stays bounded."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import BotAPIEmulator
from tests.conftest import FakeClock, Harness, start_bot, stop_bot, text_of, with_buttons
from tests.e2e.test_onboarding import onboard
from tests.pg import sqlite_only


@pytest.fixture
async def restartable(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[list[Harness]]:
    """A bot that a test may stop and start again on the same database (a restart)."""
    bots = [await start_bot(emulator, clock, tmp_path / "trustbot.sqlite3")]
    try:
        yield bots
    finally:
        if bots[-1].app.running:
            await stop_bot(bots[-1])


async def restart(bots: list[Harness]) -> Harness:
    old = bots[-1]
    await stop_bot(old)
    new = await start_bot(old.emulator, old.clock, old.db_path)
    new.seen = dict(old.seen)
    bots.append(new)
    return new


async def test_a_note_typed_right_after_a_restart_is_taken_as_the_note(
    restartable: list[Harness],
) -> None:
    bot = restartable[0]
    await onboard(bot, 51, consents=("Progress", "Journal"))
    mood = with_buttons(await bot.say(51, "/checkin"))
    assert "What's on your mind" in text_of(await bot.press(51, mood, "4"))
    bot = await restart(restartable)
    replies = await bot.say(51, "Work was long but my sister called, which helped.")
    assert "saved that in your journal" in text_of(replies)
    entries = await bot.services.db().journal(51, "checkin")
    assert [e.text for e in entries] == ["Work was long but my sister called, which helped."]


@sqlite_only
async def test_a_safety_plan_goes_on_after_a_restart_without_storing_the_answers(
    restartable: list[Harness],
) -> None:
    bot = restartable[0]
    await onboard(bot, 52, consents=("Progress",))
    replies = await bot.say(52, "/safetyplan")
    replies = await bot.press(52, with_buttons(replies), "Start")
    assert "1/6" in text_of(replies)
    replies = await bot.say(52, "Lying awake and scrolling late at night")
    assert "2/6" in text_of(replies)
    # Nothing the person typed is in the database, sealed or not.
    con = sqlite3.connect(bot.db_path)
    (blob,) = con.execute("SELECT state FROM flows WHERE user_id = 52").fetchone()
    con.close()
    stored = await bot.services.db().get_flow(52)
    assert stored is not None and "scrolling" not in stored
    assert json.loads(stored)["awaiting"] == "plan" and b"scrolling" not in blob
    bot = await restart(restartable)
    replies = await bot.say(52, "A walk round the block with music on")
    assert "3/6" in text_of(replies)


async def test_erasing_everything_erases_the_conversation_state(bot: Harness) -> None:
    await onboard(bot, 53, consents=("Progress",))
    await bot.say(53, "/safetyplan")
    assert await bot.services.db().get_flow(53) is None  # nothing open yet: no row
    replies = await bot.say(53, "/delete")
    assert await bot.services.db().get_flow(53) is not None  # the confirmation is open
    export = await bot.services.db().export_user(53)
    assert "delete_asked_at" in export["conversation"]
    await bot.press(53, with_buttons(replies), "Yes, erase")
    assert await bot.services.db().get_flow(53) is None
    assert await bot.services.db().get_user(53) is None


async def test_flow_state_is_loaded_and_saved_once_per_update(bot: Harness) -> None:
    await onboard(bot, 54, consents=("Progress",))
    calls: list[str] = []
    db = bot.services.db()
    get_flow, save_flow = db.get_flow, db.save_flow

    async def counting_get(user_id: int) -> str | None:
        calls.append("get")
        return await get_flow(user_id)

    async def counting_save(user_id: int, state: str | None, now: int) -> None:
        calls.append("save")
        await save_flow(user_id, state, now)

    db.get_flow = counting_get  # type: ignore[method-assign]
    db.save_flow = counting_save  # type: ignore[method-assign]
    await bot.say(54, "/lesson")
    assert calls == ["get"]  # nothing changed: not written
    calls.clear()
    await bot.say(54, "/delete")
    assert calls == ["get", "save"]
