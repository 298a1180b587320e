"""Shared fixtures: a fake clock, the Bot API emulator, and the production bot running against it.

The bot under test is `bot.wiring.app.build_application`, exactly as production builds it, talking
to the emulator over real HTTP on 127.0.0.1. `Harness.say`/`press` wait until the application has
*finished processing* the injected update (not for a fixed time), so tests are deterministic.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot

from bot.config import load_settings
from bot.emulator import BotAPIEmulator, SentMessage
from bot.services import Services
from bot.wiring.app import TrackingApplication, build_application
from bot.wiring.logs import configure_logging
from tests import pg


class FakeClock:
    """An injected wall clock: tests move time with `advance` or `set`, nothing sleeps."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)

    def set(self, when: datetime) -> None:
        self.current = when


@dataclass
class Harness:
    app: TrackingApplication
    emulator: BotAPIEmulator
    clock: FakeClock
    db_path: Path
    seen: dict[int, int] = field(default_factory=dict)
    user_texts: list[str] = field(default_factory=list)

    @property
    def services(self) -> Services:
        svc = self.app.bot_data["services"]
        assert isinstance(svc, Services)
        return svc

    async def processed(self, update: dict[str, Any], timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            await self.app.until_processed(update["update_id"])

    def new_messages(self, chat_id: int) -> list[SentMessage]:
        messages = self.emulator.messages_to(chat_id)
        start = self.seen.get(chat_id, 0)
        self.seen[chat_id] = len(messages)
        return messages[start:]

    async def say(self, user_id: int, text: str, **kwargs: Any) -> list[SentMessage]:
        """The user sends `text`; returns every message the bot sent in answer."""
        self.new_messages(kwargs.get("chat_id") or user_id)
        self.user_texts.append(text)
        update = self.emulator.send_message(user_id, text, **kwargs)
        await self.processed(update)
        return self.new_messages(kwargs.get("chat_id") or user_id)

    async def press(self, user_id: int, message: SentMessage, label_part: str) -> list[SentMessage]:
        """Press the button whose label contains `label_part` on `message`."""
        data = button_data(message, label_part)
        return await self.press_data(user_id, message.message_id, data)

    async def press_data(self, user_id: int, message_id: int, data: str) -> list[SentMessage]:
        self.new_messages(user_id)
        self.emulator.press_button(user_id, message_id, data)
        # press_button returns the query id; the update it queued is the newest one.
        update_id = self.emulator.last_update_id
        await self.processed({"update_id": update_id})
        return self.new_messages(user_id)

    async def inject(self, update: dict[str, Any], chat_id: int) -> list[SentMessage]:
        self.new_messages(chat_id)
        for kind in ("message", "edited_message"):
            text = (update.get(kind) or {}).get("text")
            if text:
                self.user_texts.append(text)
        await self.processed(update)
        return self.new_messages(chat_id)


def buttons(message: SentMessage) -> list[tuple[str, str]]:
    markup = message.reply_markup or {}
    return [
        (str(key["text"]), str(key.get("callback_data", "")))
        for row in markup.get("inline_keyboard", [])
        for key in row
    ]


def button_data(message: SentMessage, label_part: str) -> str:
    """The button whose label is exactly `label_part`, else the first that contains it."""
    for label, data in buttons(message):
        if label == label_part:
            return data
    for label, data in buttons(message):
        if label_part.lower() in label.lower():
            return data
    raise AssertionError(f"no button containing {label_part!r}: {buttons(message)}")


def with_buttons(messages: list[SentMessage]) -> SentMessage:
    for message in reversed(messages):
        if buttons(message):
            return message
    raise AssertionError(f"no message with buttons among {[m.text[:40] for m in messages]}")


def text_of(messages: list[SentMessage]) -> str:
    return "\n---\n".join(m.text or m.caption or "" for m in messages)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu = BotAPIEmulator()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


async def start_bot(
    emulator: BotAPIEmulator, clock: FakeClock, db_path: Path, **env: Any
) -> Harness:
    env.setdefault("TRUSTBOT_LISTEN", "127.0.0.1:0")  # /healthz and /metrics on a free port
    if pg.ON_POSTGRES:  # the same bot on a PostgreSQL database of its own (tests/pg.py)
        env.setdefault("TRUSTBOT_DATABASE_URL", await pg.database_for(db_path))
        env.setdefault("TRUSTBOT_DATA_KEY", pg.TEST_KEY)
    settings = load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TRUSTBOT_DB_PATH=db_path,
        **env,
    )
    app = build_application(
        settings,
        clock=clock,
        with_scheduler=False,
        application_class=TrackingApplication,
        # Pacing (one reply a second per chat) is tested on a fake clock in test_replies.py;
        # here it would only make the suite wait. Retries stay on.
        pace_replies=False,
    )
    assert isinstance(app, TrackingApplication)
    await app.initialize()
    assert app.post_init is not None  # run_polling calls it in production; we start by hand
    await app.post_init(app)
    await app.bot_data["triage_model"]  # the learned layer, loaded before the first update
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    return Harness(app, emulator, clock, db_path)


async def stop_bot(harness: Harness) -> None:
    app = harness.app
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


class Capture(logging.Handler):
    """Everything logged, formatted as an operator would see it (tracebacks included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
async def bot(emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Harness]:
    """The production bot, with logging as `trustbot run --log-level DEBUG` sets it up.

    After every end-to-end test, every log line is searched for the texts the user sent
    and for the bot token: neither may ever appear (issue 5).
    """
    capture = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    configure_logging(logging.DEBUG, emulator.token, handlers=[capture])
    harness = await start_bot(emulator, clock, tmp_path / "trustbot.sqlite3")
    try:
        yield harness
    finally:
        await stop_bot(harness)
        root.removeHandler(capture)
        root.setLevel(old_level)
    secret = emulator.token.split(":", 1)[1]
    leaks = [line for line in capture.lines if secret in line]
    assert not leaks, f"the bot token appears in {len(leaks)} log line(s)"
    for text in {t for t in harness.user_texts if len(t) >= 8 and not t.startswith("/")}:
        leaked = [line[:80] for line in capture.lines if text in line]
        assert not leaked, f"a user's text appears in the logs: {leaked[:2]}"


@pytest.fixture
async def sender(bot: Harness) -> AsyncIterator[Bot]:
    """A second Bot on the emulator, as the scheduler's own sender is in production."""
    b = Bot(bot.emulator.token, base_url=bot.emulator.base_url)
    await b.initialize()
    yield b
    await b.shutdown()


@pytest.fixture(autouse=True, scope="session")
def _learned_triage_layer() -> None:
    """Every test sees the triage as the bot runs it: rules plus the learned layer."""
    from bot.triage import model

    assert model.load() is not None, model.load_error()


@pytest.fixture(autouse=True)
async def _drop_test_databases() -> AsyncIterator[None]:
    """PostgreSQL databases made for a test's bots go back to the pool after it (tests/pg.py)."""
    yield
    await pg.drop_created()


@pytest.fixture(autouse=True, scope="session")
def _drop_pooled_databases() -> Iterator[None]:
    """The pooled PostgreSQL databases are dropped when the session ends (tests/pg.py)."""
    yield
    asyncio.run(pg.drop_pool())
