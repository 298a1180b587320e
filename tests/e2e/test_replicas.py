"""Issue 12: replicas on one PostgreSQL database behind a round-robin proxy, in webhook mode.
One person's messages alternate between two replicas, and are still answered one at a time
and in order. (Needs PostgreSQL: tests/pg.py.)"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.config import load_settings
from bot.emulator import BotAPIEmulator
from bot.wiring.app import build_application
from bot.wiring.webhook import serve_webhook
from tests import pg
from tests.conftest import FakeClock

SECRET = "replica-secret-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _proxy(targets: list[str]) -> tuple[web.AppRunner, str]:
    """A round-robin reverse proxy, as a load balancer in front of replicas would be."""
    turn = itertools.cycle(targets)
    session = aiohttp.ClientSession()

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-")}
        async with session.post(next(turn) + request.path, data=body, headers=headers) as r:
            return web.Response(status=r.status, body=await r.read())

    app = web.Application()
    app.router.add_post("/{tail:.*}", forward)
    app.on_cleanup.append(lambda _app: session.close())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def two_replicas(
    emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[None]:
    url = await pg.database_for(tmp_path / "replicas")
    ports = [_free_port(), _free_port()]
    proxy, proxy_url = await _proxy([f"http://127.0.0.1:{p}" for p in ports])
    stops, tasks = [], []
    for port in ports:
        settings = load_settings(
            _env_file=None,
            TELEGRAM_BOT_TOKEN=emulator.token,
            TELEGRAM_API_BASE_URL=emulator.base_url,
            TRUSTBOT_DATABASE_URL=url,
            TRUSTBOT_DATA_KEY=pg.TEST_KEY,
            TRUSTBOT_LISTEN=f"127.0.0.1:{port}",
            TRUSTBOT_WEBHOOK_URL=f"{proxy_url}/telegram/hook",
            TRUSTBOT_WEBHOOK_SECRET=SECRET,
        )
        app = build_application(settings, clock=clock, with_scheduler=False, pace_replies=False)
        stop = asyncio.Event()
        stops.append(stop)
        tasks.append(asyncio.create_task(serve_webhook(app, settings, stop)))
    await emulator.wait_for_call("setWebhook", count=2, timeout=20)
    try:
        yield
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*tasks)
        await proxy.cleanup()


# Commands with one reply each, told apart by how it starts (not /sos or /help: those jump a
# person's queue on purpose).
COMMANDS = {
    "/progress": "Progress is off",
    "/lesson": "Which part would you like to explore?",
    "/meditate": "Which practice would you like?",
    "/export": "I keep nothing about you",
}


async def test_one_persons_messages_spread_over_replicas_are_answered_in_order(
    emulator: BotAPIEmulator, two_replicas: None
) -> None:
    pg.need_server()
    sequence = [cmd for _ in range(3) for cmd in COMMANDS]  # 12 messages, 4 kinds
    for command in sequence:
        emulator.send_message(91, command)
    replies = await emulator.wait_for(chat_id=91, count=len(sequence), timeout=60)
    answered = [
        next(cmd for cmd, start in COMMANDS.items() if m.text.startswith(start)) for m in replies
    ]
    assert answered == sequence
