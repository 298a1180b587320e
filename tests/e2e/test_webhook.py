"""Issue 12: webhook mode and the listener. Telegram (the emulator) posts updates with the
secret header; a request without it is refused and changes nothing; /healthz says whether the
database answers; /metrics speaks Prometheus."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import load_settings
from bot.emulator import BotAPIEmulator
from bot.wiring.app import build_application
from bot.wiring.webhook import serve_webhook
from tests import pg
from tests.conftest import FakeClock

SECRET = "s3cret-token-for-tests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def webhook_bot(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[tuple[Any, str]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env: dict[str, Any] = {}
    if pg.ON_POSTGRES:
        env = {
            "TRUSTBOT_DATABASE_URL": await pg.database_for(tmp_path),
            "TRUSTBOT_DATA_KEY": pg.TEST_KEY,
        }
    settings = load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TRUSTBOT_DB_PATH=tmp_path / "trustbot.sqlite3",
        TRUSTBOT_LISTEN=f"127.0.0.1:{port}",
        TRUSTBOT_WEBHOOK_URL=f"{base}/telegram/hook",
        TRUSTBOT_WEBHOOK_SECRET=SECRET,
        **env,
    )
    app = build_application(settings, clock=clock, with_scheduler=False, pace_replies=False)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_webhook(app, settings, stop))
    await emulator.wait_for_call("setWebhook", timeout=10)  # after the listener started
    try:
        yield app, base
    finally:
        stop.set()
        await task


async def test_updates_arrive_by_webhook_with_the_secret_and_are_answered(
    emulator: BotAPIEmulator, webhook_bot: tuple[Any, str]
) -> None:
    _app, base = webhook_bot
    assert emulator.webhook_url == f"{base}/telegram/hook" and emulator.webhook_secret == SECRET
    emulator.send_message(81, "/sos")
    replies = await emulator.wait_for(chat_id=81, timeout=10)
    assert "988" in replies[0].text or "112" in replies[0].text


async def test_a_post_without_the_secret_is_refused_and_changes_nothing(
    emulator: BotAPIEmulator, webhook_bot: tuple[Any, str]
) -> None:
    _app, base = webhook_bot
    update = {
        "update_id": 555,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 82, "type": "private", "first_name": "A"},
            "from": {"id": 82, "is_bot": False, "first_name": "A"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(f"{base}/telegram/hook", json=update, headers=headers) as r:
                assert r.status == 401
    await asyncio.sleep(0.2)
    assert emulator.messages_to(82) == []


async def test_healthz_follows_the_database_and_metrics_count(
    emulator: BotAPIEmulator, webhook_bot: tuple[Any, str]
) -> None:
    app, base = webhook_bot
    emulator.send_message(83, "/help")
    await emulator.wait_for(chat_id=83, timeout=10)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as r:
            assert r.status == 200 and (await r.text()).strip() == "ok"
        async with http.get(f"{base}/metrics") as r:
            text = await r.text()
            assert r.status == 200
            assert "trustbot_updates_handled_total" in text
            assert "trustbot_replies_sent_total" in text
        services = app.bot_data["services"]
        storage, services.storage = services.storage, None  # the database goes away
        try:
            async with http.get(f"{base}/healthz") as r:
                assert r.status == 503 and "database" in await r.text()
        finally:
            services.storage = storage
        async with http.get(f"{base}/healthz") as r:
            assert r.status == 200
