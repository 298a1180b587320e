"""The bare python-telegram-bot echo bot that `bench/updates.py` measures trustbot against.

It is the framework's own ceiling: nothing but PTB, httpx and one reply per update. Each text or
command is answered with one message (its own text); each button press with answerCallbackQuery
and one message (the button's data). Configured only through the environment, like trustbot:

  TELEGRAM_BOT_TOKEN        the token the emulator expects
  TELEGRAM_API_BASE_URL     e.g. http://127.0.0.1:8081/bot
  ECHO_CONCURRENT_UPDATES   0 (default): PTB's default sequential processing;
                            N > 0: ``ApplicationBuilder().concurrent_updates(N)``

Run as ``python -m bench._updates_echo``.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    await chat.send_message(message.text)


async def echo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    await query.answer()
    await chat.send_message(query.data or "?")


def main() -> None:
    # Same quietening as trustbot: httpx logs every URL (with the token) at INFO.
    logging.basicConfig(level=logging.WARNING)
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    base_url = os.environ["TELEGRAM_API_BASE_URL"]
    concurrency = int(os.environ.get("ECHO_CONCURRENT_UPDATES", "0"))
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if concurrency > 0:
        builder = builder.concurrent_updates(concurrency)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo_text))
    app.add_handler(CallbackQueryHandler(echo_button))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
