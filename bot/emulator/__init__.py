"""A Telegram Bot API emulator that runs in-process over real HTTP.

trustbot's end-to-end tests, its terminal demo and its benchmarks run python-telegram-bot
against this server instead of api.telegram.org::

    emu = BotAPIEmulator()
    await emu.start()
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url).build()
    emu.send_message(42, "/start")
    [reply] = await emu.wait_for(chat_id=42, count=1)

One side plays the users (``send_message``, ``press_button``, ``block_bot`` ... queue updates
for ``getUpdates``); the other side records what the bot did (``calls``, ``messages_to``,
``wait_for``). Faults (``fail_next``, ``drop_next``, ``latency``) make the bot meet the errors
it will meet in production. Answers use the Bot API's own JSON shapes and error texts, and the
limits that bite real bots are enforced (4096 UTF-16 code units of text, 1024 for captions,
1-64 bytes of ``callback_data``, "message is not modified", unknown chats, blocked users).

Everything runs on one asyncio loop: call the user-side methods from that loop (or before
``start``). Per-request work is kept small and history is indexed per chat, because the
benchmarks push thousands of updates per second through it.

The package, one job a module: ``records`` (the data model), ``text`` (UTF-16 lengths and
command entities), ``params`` (request decoding and parameter validation), ``state`` (what
the emulator remembers), ``users`` (the scripted users), ``history`` (what the bot did),
``faults`` (injected errors and latency), ``sending`` / ``editing`` / ``settings`` /
``polling`` (the Bot API methods by kind) and ``server`` (the aiohttp app and
``BotAPIEmulator`` itself).
"""

from bot.emulator.records import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    Call,
    EmulatorTimeoutError,
    SentMessage,
)
from bot.emulator.server import BotAPIEmulator
from bot.emulator.text import utf16_length

__all__ = [
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "BotAPIEmulator",
    "Call",
    "EmulatorTimeoutError",
    "SentMessage",
    "utf16_length",
]
