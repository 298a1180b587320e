"""Issue 11, storage faults: a corrupt database at start-up is served in degraded mode; a full
disk or a deleted data directory while running is logged once, answered kindly, never
confirmed as saved, and a full disk recovers by itself once there is room again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.emulator import BotAPIEmulator
from tests.conftest import FakeClock, Harness, start_bot, stop_bot, text_of, with_buttons
from tests.e2e.test_onboarding import onboard
from tests.pg import sqlite_only

pytestmark = sqlite_only


async def test_a_corrupt_database_starts_degraded_and_is_left_untouched(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "trustbot.sqlite3"
    garbage = b"SQLite format 3\x00" + bytes(range(256)) * 64  # a header, then nonsense
    db.write_bytes(garbage)
    caplog.set_level(logging.INFO)
    bot = await start_bot(emulator, clock, db)
    try:
        assert bot.services.storage is None
        sos = text_of(await bot.say(61, "/sos"))
        assert "emergency" in sos.lower()
        assert "can't reach my memory" in text_of(await bot.say(61, "/start"))
        assert "can't reach my memory" in text_of(await bot.say(61, "/progress"))
        assert "can't reach my memory" in text_of(await bot.say(61, "/journal"))
        # Nothing needs storing to ask how someone feels; nothing claims it was saved.
        assert "saved" not in text_of(await bot.say(61, "/checkin"))
    finally:
        await stop_bot(bot)
    assert db.read_bytes() == garbage
    assert not (tmp_path / "trustbot.sqlite3-wal").exists()
    lines = [r for r in caplog.records if "database unavailable at start-up" in r.getMessage()]
    assert len(lines) == 1 and "trustbot.sqlite3" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]  # no traceback


def _lines(caplog: pytest.LogCaptureFixture, part: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if part in r.getMessage()]


async def _note(bot: Harness, uid: int, text: str) -> str:
    mood = with_buttons(await bot.say(uid, "/checkin"))
    replies = await bot.press(uid, mood, "3")
    return text_of(replies + await bot.say(uid, text))


async def test_a_full_disk_is_logged_once_answered_kindly_and_recovers(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await onboard(bot, 151, consents=("Progress", "Journal"))
    db = bot.services.db()
    await db.cap_size(1)  # no room beyond the pages the file has now
    for n in range(2):
        # Cyrillic takes two bytes a letter: over 7 KB, more than the pages have room for.
        answer = await _note(bot, 151, f"note {n}: " + "мне так много надо сказать " * 140)
        assert "can't reach my memory" in answer and "journal" not in answer.lower()
    failing = _lines(caplog, "database writes failing")
    assert len(failing) == 1 and "full" in failing[0]
    assert not [r for r in caplog.records if r.exc_info]  # no traceback
    sos = text_of(await bot.say(151, "/sos"))
    assert "988" in sos or "112" in sos
    await db.cap_size(None)  # room again
    bot.clock.advance(minutes=2)  # a quiet spell: the fault is logged as over at the next write
    for n in range(2):
        answer = await _note(bot, 151, f"a short note {n} once there is room again")
        assert "can't reach my memory" not in answer
    assert len(await db.journal(151)) == 2
    assert len(_lines(caplog, "database writes work again")) == 1


async def test_a_deleted_data_directory_is_noticed_and_nothing_is_confirmed(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await onboard(bot, 152, consents=("Progress", "Journal"))
    db_file = Path(bot.db_path)
    for path in db_file.parent.glob(db_file.name + "*"):
        path.unlink()
    for n in range(2):
        answer = await _note(bot, 152, f"note {n} that has nowhere to go")
        assert "can't reach my memory" in answer and "saved" not in answer.lower()
    loud = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(loud) == 1 and "deleted or replaced" in loud[0].getMessage()
    sos = text_of(await bot.say(152, "/sos"))
    assert "988" in sos or "112" in sos


async def test_a_database_missing_at_start_up_is_retried_until_it_is_there(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A replica started before its disk (or database) was ready comes back by itself."""
    from types import SimpleNamespace

    from bot.wiring.app import retry_storage

    blocker = tmp_path / "data"
    blocker.write_text("not a directory yet")  # so data/trustbot.sqlite3 cannot be opened
    caplog.set_level(logging.INFO)
    bot = await start_bot(emulator, clock, blocker / "trustbot.sqlite3")
    try:
        assert bot.services.storage is None
        jobs = [j.name for j in bot.app.job_queue.jobs()] if bot.app.job_queue else []
        assert "storage-retry" in jobs
        assert "can't reach my memory" in text_of(await bot.say(71, "/start"))
        tick = SimpleNamespace(application=bot.app, job=None)
        await retry_storage(tick)  # still missing: quietly stays degraded
        assert bot.services.storage is None
        blocker.unlink()
        blocker.mkdir()
        await retry_storage(tick)
        assert bot.services.storage is not None
        assert "or older" in text_of(await bot.say(71, "/start"))
    finally:
        await stop_bot(bot)
    assert len(_lines(caplog, "database unavailable at start-up")) == 1
    assert len(_lines(caplog, "database available again")) == 1
