"""The bot's own HTTP listener (``TRUSTBOT_LISTEN``): ``/healthz`` and ``/metrics`` in both
modes, and in webhook mode the path Telegram posts updates to.

* ``GET /healthz``: 200 ``ok`` when the database answers, else 503 with one line of reason.
* ``GET /metrics``: Prometheus text format (bot/metrics.py).
* ``POST <path of TRUSTBOT_WEBHOOK_URL>``: an update from Telegram. A request without the
  matching ``X-Telegram-Bot-Api-Secret-Token`` header is refused with 401 and nothing is read.
  An accepted update is stored in the durable inbox before the 200 (Telegram counts a 200 as
  delivered), then queued for the handlers.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot import metrics
from bot.config import Settings
from bot.services import Services
from bot.storage import StorageUnavailable
from bot.transport.updates import read_each
from bot.wiring.inbox import DurableInbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def listen_address(settings: Settings) -> tuple[str, int] | None:
    value = settings.listen.strip()
    if not value or value.lower() == "off":
        return None
    host, _, port = value.rpartition(":")
    return host or "0.0.0.0", int(port)


class Listener:
    def __init__(self, app: Any, services: Services, settings: Settings) -> None:
        self.app = app
        self.services = services
        self.settings = settings
        self._runner: web.AppRunner | None = None
        self.port = 0

    def routes(self) -> web.Application:
        web_app = web.Application()
        web_app.router.add_get("/healthz", self.healthz)
        web_app.router.add_get("/metrics", self.metrics)
        if self.settings.webhook_url:
            path = urlsplit(self.settings.webhook_url).path or "/"
            web_app.router.add_post(path, self.webhook)
        return web_app

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.routes(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info(
            "listening on %s:%d (/healthz, /metrics%s)",
            host,
            self.port,
            ", webhook" if self.settings.webhook_url else "",
        )

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def healthz(self, request: web.Request) -> web.Response:
        storage = self.services.storage
        if storage is None:
            return web.Response(status=503, text="database not open\n")
        try:
            await storage.schema_version()
        except StorageUnavailable as exc:
            return web.Response(status=503, text=f"database unavailable: {exc}\n"[:200])
        return web.Response(text="ok\n")

    async def metrics(self, request: web.Request) -> web.Response:
        body = metrics.render()
        return web.Response(body=body, content_type="text/plain", charset="utf-8")

    async def webhook(self, request: web.Request) -> web.Response:
        secret = self.settings.webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        if secret is None or not hmac.compare_digest(given, secret.get_secret_value()):
            return web.Response(status=401, text="unauthorized\n")
        try:
            raw = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="not JSON\n")
        updates = read_each([raw], self.app.bot)
        inbox = getattr(self.app.bot, "inbox", None)
        if isinstance(inbox, DurableInbox):
            updates = await inbox.admit(updates)
        for update in updates:
            if isinstance(update, Update):
                await self.app.update_queue.put(update)
        return web.Response(text="ok\n")
