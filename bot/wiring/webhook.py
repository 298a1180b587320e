"""Webhook mode (``TRUSTBOT_WEBHOOK_URL``): Telegram posts updates to the listener
(bot/wiring/listener.py) instead of the bot polling for them, so several replicas behind a
proxy can share the work. Every replica may call ``setWebhook``; it is idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from telegram import Update

from bot.config import Settings

log = logging.getLogger(__name__)


async def serve_webhook(app: Any, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run the bot in webhook mode until SIGINT or SIGTERM (or ``stop`` is set)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert settings.webhook_url and settings.webhook_secret
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        log.info("webhook mode: Telegram posts updates to the listener")
        await stop.wait()
    finally:
        if app.running:
            await app.stop()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()
