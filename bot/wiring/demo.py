"""`trustbot demo`: chat with the real bot in a terminal, no token and no network needed.

It starts the Bot API emulator on 127.0.0.1, runs the production application against it over
real HTTP, and plays the part of the Telegram app: what you type is sent as your message, a
number presses that button of the latest keyboard, and the bot's replies are printed with
their buttons numbered. The database lives in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any, TextIO

from bot import texts
from bot.config import Settings, load_settings
from bot.emulator import BotAPIEmulator, SentMessage
from bot.i18n import supported, tr
from bot.wiring.app import TrackingApplication, build_application

QUIET_SECONDS = 0.1  # after the update is processed, for anything sent just after it


def render(message: SentMessage, buttons: list[tuple[int, str, str]], width: int = 76) -> str:
    head = "trustbot (updated)> " if message.edited else "trustbot> "
    body = message.text or message.caption or ""
    if message.document is not None:
        body += f"\n[file: {message.filename}, {len(message.document)} bytes]"
    if message.photo is not None:
        body += f"\n[picture, {len(message.photo)} bytes]"
    lines: list[str] = []
    for paragraph in body.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width - 2) or [""])
    out = head + ("\n" + " " * 2).join(lines)
    for number, label, _ in buttons:
        out += f"\n    [{number}] {label}"
    return out


def keyboard_of(message: SentMessage) -> list[tuple[str, str]]:
    markup: dict[str, Any] = message.reply_markup or {}
    found: list[tuple[str, str]] = []
    for row in markup.get("inline_keyboard", []):
        for key in row:
            if "callback_data" in key:
                found.append((str(key["text"]), str(key["callback_data"])))
    return found


async def run_demo(
    *,
    user_id: int = 1001,
    inp: TextIO | None = None,
    out: TextIO | None = None,
    language: str = "en",
) -> int:
    inp = inp or sys.stdin
    out = out or sys.stdout
    emulator = BotAPIEmulator()
    await emulator.start()
    workdir = Path(tempfile.mkdtemp(prefix="trustbot-demo-"))
    app = build_application(
        _demo_settings(emulator, workdir),
        pace_replies=False,
        application_class=TrackingApplication,
    )
    assert isinstance(app, TrackingApplication)
    printed = 0
    buttons: list[tuple[int, str, str]] = []  # (number, label, data) of the latest keyboard
    keyboard_message = 0
    # The language the bot will speak for this app language ("es-419" is Spanish).
    t = tr(supported(language) or "en")
    you = t(texts.DEMO_YOU)
    print(t(texts.DEMO_INTRO), file=out)
    print(t(texts.DEMO_HELP) + "\n", file=out)
    try:
        async with app:
            assert app.post_init is not None and app.post_shutdown is not None
            await app.post_init(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            while True:
                print(f"{you}> ", end="", file=out, flush=True)
                line = await asyncio.to_thread(inp.readline)
                if not line:
                    print(file=out)
                    break
                line = line.strip()
                if not line:
                    continue
                if line in ("/quit", "/exit"):
                    break
                if line.isdigit() and buttons and 1 <= int(line) <= len(buttons):
                    _, label, data = buttons[int(line) - 1]
                    print(t(texts.DEMO_PRESSED, label=label), file=out)
                    emulator.press_button(user_id, keyboard_message, data)
                else:
                    # As Telegram does, every message carries the person's app language.
                    emulator.send_message(user_id, line, language_code=language)
                with contextlib.suppress(TimeoutError):  # then print what came, as before
                    async with asyncio.timeout(10.0):
                        await app.until_processed(emulator.last_update_id)
                printed = await _print_replies(emulator, user_id, printed, out)
                latest = _latest_keyboard(emulator.messages_to(user_id))
                if latest is not None:
                    keyboard_message = latest.message_id
                    buttons = [
                        (i + 1, label, data) for i, (label, data) in enumerate(keyboard_of(latest))
                    ]
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)
    finally:
        await emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(t(texts.DEMO_GOODBYE), file=out)
    return 0


def _demo_settings(emulator: BotAPIEmulator, workdir: Path) -> Settings:
    return load_settings(
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TRUSTBOT_DB_PATH=workdir / "demo.sqlite3",
        TRUSTBOT_LOG_LEVEL="WARNING",
        TRUSTBOT_LISTEN="off",  # the demo opens no port
        TRUSTBOT_DATABASE_URL="",  # always its own throwaway SQLite file
    )


def _latest_keyboard(messages: list[SentMessage]) -> SentMessage | None:
    for message in reversed(messages):
        if keyboard_of(message):
            return message
    return None


async def _print_replies(emulator: BotAPIEmulator, user_id: int, printed: int, out: TextIO) -> int:
    """Once the update is processed, wait until the bot has been quiet for a moment (a reply
    sent just after it), then print what it sent."""
    seen = printed
    quiet_since = asyncio.get_running_loop().time()
    deadline = quiet_since + 10.0
    while True:
        await asyncio.sleep(0.05)
        now = asyncio.get_running_loop().time()
        count = len(emulator.messages_to(user_id))
        if count != seen:
            seen, quiet_since = count, now
        elif now - quiet_since >= QUIET_SECONDS or now > deadline:
            break
    messages = emulator.messages_to(user_id)
    for message in messages[printed:]:
        numbered = []
        if message is _latest_keyboard(messages):
            numbered = [
                (i + 1, label, data) for i, (label, data) in enumerate(keyboard_of(message))
            ]
        print(render(message, numbered), file=out)
    return len(messages)
