"""Issue 11, storage faults: a corrupt database at start-up is served in degraded mode."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.emulator import BotAPIEmulator
from tests.conftest import FakeClock, start_bot, stop_bot, text_of


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
        # Nothing needs storing to ask how someone feels; nothing claims it was saved.
        assert "saved" not in text_of(await bot.say(61, "/checkin"))
    finally:
        await stop_bot(bot)
    assert db.read_bytes() == garbage
    assert not (tmp_path / "trustbot.sqlite3-wal").exists()
    lines = [r for r in caplog.records if "database unavailable at start-up" in r.getMessage()]
    assert len(lines) == 1 and "trustbot.sqlite3" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]  # no traceback
