"""Tests for the Bot API emulator, driven by a real python-telegram-bot over real HTTP.

Every other end-to-end test trusts this emulator, so these tests check it the way the bot
will use it: a small PTB application polls it, handlers answer, and the emulator's record of
what was sent, edited and refused is compared with what Telegram would have done.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import BotAPIEmulator, EmulatorTimeoutError

USER = 42
App = Application[Any, Any, Any, Any, Any, Any]
DOC_BYTES = b"day 1: listened\nday 2: wrote it down\n\x00\xff"


def _png(width: int, height: int) -> bytes:
    """A real (blank, greyscale) PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    emulator = BotAPIEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def ptb(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    """A bare PTB Bot talking to the emulator (no polling)."""
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as b:
        yield b


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user is not None and update.effective_message is not None
    name = update.effective_user.first_name
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="lesson:1")]])
    await update.effective_message.reply_text(f"Welcome, {name}!", reply_markup=keyboard)


async def _doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        DOC_BYTES, filename="progress.txt", caption="Your progress"
    )


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Opening…")
    await query.edit_message_text(f"You chose {query.data}")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def _edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.edited_message
    assert message is not None and message.text is not None
    await message.reply_text(f"edited: {message.text}")


async def _member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    assert change is not None
    context.bot_data.setdefault("member_changes", []).append(
        (change.chat.id, change.old_chat_member.status, change.new_chat_member.status)
    )
    context.bot_data["member_changed"].set()


@pytest.fixture
async def echo_app(emu: BotAPIEmulator) -> AsyncIterator[App]:
    """A tiny echo bot polling the emulator, started the way trustbot starts."""
    application = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    errors: list[object] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)
        context.bot_data["error_seen"].set()

    application.bot_data["errors"] = errors
    application.bot_data["member_changed"] = asyncio.Event()
    application.bot_data["error_seen"] = asyncio.Event()
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CommandHandler("doc", _doc))
    application.add_handler(CallbackQueryHandler(_button))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, _echo)
    )
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, _edited))
    application.add_handler(ChatMemberHandler(_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()
    assert errors == []


# ------------------------------------------------------------------------------ round trips


async def test_command_round_trip(emu: BotAPIEmulator, echo_app: App) -> None:
    update = emu.send_message(USER, "/start", first_name="Sam <3")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    [reply] = await emu.wait_for(chat_id=USER, count=1)

    # What the user reads: plain text, the name as typed.
    assert reply.text == "Welcome, Sam <3!"
    assert reply.entities == ()
    assert reply.reply_markup == {
        "inline_keyboard": [[{"text": "Next", "callback_data": "lesson:1"}]]
    }
    assert not reply.edited
    methods = [call.method for call in emu.calls]
    assert methods[0] == "getMe" and "deleteWebhook" in methods and "getUpdates" in methods
    assert emu.calls_to("sendMessage")[0].params["chat_id"] == USER
    assert emu.last_message(USER) == reply
    assert emu.pending_updates() <= 1  # confirmed by the next poll's offset


async def test_group_command_with_bot_name_is_answered_in_the_group(
    emu: BotAPIEmulator, echo_app: App
) -> None:
    group = -1001234
    update = emu.send_message(
        7, "/start@trustbot_test_bot now", chat_id=group, chat_type="supergroup"
    )
    assert update["message"]["chat"]["type"] == "supergroup"
    assert update["message"]["entities"][0]["length"] == len("/start@trustbot_test_bot")

    [reply] = await emu.wait_for(chat_id=group)
    assert reply.text == "Welcome, Alex!"
    # PTB quotes the user's message in groups; the emulator links the reply.
    assert reply.reply_to_message_id == update["message"]["message_id"]
    assert emu.messages_to(7) == []


async def test_button_press_is_answered_and_message_edited(
    emu: BotAPIEmulator, echo_app: App
) -> None:
    emu.send_message(USER, "/start")
    [welcome] = await emu.wait_for(chat_id=USER)

    callback_id = emu.press_button(USER, welcome.message_id, "lesson:1")

    await emu.wait_for_call("answerCallbackQuery")
    [answer] = emu.callback_answers(callback_id)
    assert answer["text"] == "Opening…"
    messages = await emu.wait_for(lambda ms: ms[-1].edited, chat_id=USER)
    edited = messages[-1]
    assert edited.message_id == welcome.message_id
    assert edited.text == "You chose lesson:1"
    assert edited.reply_markup is None  # editing text without a keyboard removes it
    assert emu.current_message(USER, welcome.message_id) == edited


async def test_forged_button_on_unknown_message_still_reaches_the_bot(
    emu: BotAPIEmulator, echo_app: App
) -> None:
    emu.send_message(USER, "hello")  # makes the chat known
    await emu.wait_for(chat_id=USER)
    callback_id = emu.press_button(USER, 999, "x" * 200)
    await emu.wait_for_call("answerCallbackQuery")
    assert emu.callback_answers(callback_id)
    # The handler's edit of a message that does not exist is refused, like Telegram would.
    [edit] = await emu.wait_for_call("editMessageText")
    assert edit.status == 400
    await asyncio.wait_for(echo_app.bot_data["error_seen"].wait(), 5)
    errors = echo_app.bot_data["errors"]
    assert len(errors) == 1 and "message to edit not found" in str(errors[0]).lower()
    errors.clear()


async def test_echo_and_user_edit(emu: BotAPIEmulator, echo_app: App) -> None:
    update = emu.send_message(USER, "I kept my word today")
    await emu.wait_for(chat_id=USER)
    emu.edit_message(USER, update["message"]["message_id"], "I kept my word today!")
    messages = await emu.wait_for(chat_id=USER, count=2)
    assert [m.text for m in messages] == ["I kept my word today", "edited: I kept my word today!"]


async def test_send_document_keeps_bytes_and_user_files_download(
    emu: BotAPIEmulator, echo_app: App, ptb: Bot
) -> None:
    emu.send_message(USER, "/doc")
    [sent] = await emu.wait_for(chat_id=USER)
    assert sent.document == DOC_BYTES
    assert sent.filename == "progress.txt"
    assert sent.caption == "Your progress"
    assert sent.text == ""
    [call] = emu.calls_to("sendDocument")
    assert call.params["document"]["size"] == len(DOC_BYTES)

    # A document the user sent can be fetched with getFile and the file URL.
    update = emu.send_document(USER, filename="journal.txt", content=b"dear diary")
    file = await ptb.get_file(update["message"]["document"]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"dear diary"


async def test_send_photo_keeps_bytes_and_rejects_non_images(emu: BotAPIEmulator, ptb: Bot) -> None:
    emu.register_user(USER)
    png = _png(3, 2)
    message = await ptb.send_photo(USER, png, caption="Your week")
    assert (message.photo[-1].width, message.photo[-1].height) == (3, 2)
    sent = emu.last_message(USER)
    assert sent is not None and sent.photo == png and sent.caption == "Your week"

    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await ptb.send_photo(USER, b"not an image at all")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await ptb.send_photo(USER, png, caption="x" * 1025)


# ------------------------------------------------------------------------------ limits


async def test_callback_data_limit_is_64_bytes(emu: BotAPIEmulator, ptb: Bot) -> None:
    emu.register_user(USER)

    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data=data)]])

    await ptb.send_message(USER, "fits", reply_markup=keyboard("d" * 64))
    for bad in ("d" * 65, "é" * 33):  # 65 and 66 bytes
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await ptb.send_message(USER, "too much", reply_markup=keyboard(bad))
    assert [m.text for m in emu.messages_to(USER)] == ["fits"]


async def test_edit_rules(emu: BotAPIEmulator, ptb: Bot) -> None:
    emu.register_user(USER)
    message = await ptb.send_message(USER, "Breathe in")
    await ptb.edit_message_text("Breathe out", chat_id=USER, message_id=message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await ptb.edit_message_text("Breathe out", chat_id=USER, message_id=message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb.edit_message_text("Hello", chat_id=USER, message_id=12345)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="done")]])
    await ptb.edit_message_reply_markup(USER, message.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await ptb.edit_message_reply_markup(USER, message.message_id, reply_markup=keyboard)
    assert [(m.text, m.edited, m.reply_markup is not None) for m in emu.messages_to(USER)] == [
        ("Breathe in", False, False),
        ("Breathe out", True, False),
        ("Breathe out", True, True),
    ]
    assert await ptb.delete_message(USER, message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb.edit_message_text("gone", chat_id=USER, message_id=message.message_id)


async def test_unknown_chat_method_and_token(emu: BotAPIEmulator, ptb: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb.send_message(777, "hello stranger")
    with pytest.raises(EndPointNotFound):
        await ptb.do_api_request("sendHug", api_kwargs={"chat_id": USER})
    assert emu.calls_to("sendHug")[0].status == 404
    wrong = Bot("999:WRONG", base_url=emu.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()
    assert emu.calls[-1].method == "getMe" and emu.calls[-1].status == 401


async def test_commands_by_scope_and_language(emu: BotAPIEmulator, ptb: Bot) -> None:
    from telegram import BotCommand, BotCommandScopeAllPrivateChats

    await ptb.set_my_commands([BotCommand("lesson", "Today's lesson")])
    await ptb.set_my_commands(
        [BotCommand("help", "Где найти помощь")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="ru",
    )
    assert emu.commands == {
        "default": [{"command": "lesson", "description": "Today's lesson"}],
        "all_private_chats/ru": [{"command": "help", "description": "Где найти помощь"}],
    }
    [command] = await ptb.get_my_commands()
    assert command.command == "lesson"
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await ptb.set_my_commands([BotCommand("Bad-Name", "x")])


# ------------------------------------------------------------------------------ faults


async def test_fail_next_429_gives_retry_after(
    emu: BotAPIEmulator, ptb: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # retry_after as a timedelta, no warning
    emu.register_user(USER)
    emu.register_user(USER + 1)
    emu.fail_next(
        "sendMessage",
        status=429,
        description="Too Many Requests: retry after 3",
        retry_after=3,
        chat_id=USER,
    )
    await ptb.send_message(USER + 1, "other chats are not affected")
    with pytest.raises(RetryAfter) as caught:
        await ptb.send_message(USER, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    await ptb.send_message(USER, "hi again")  # only the next one failed
    assert [c.status for c in emu.calls_to("sendMessage")] == [200, 429, 200]
    assert [m.text for m in emu.messages_to(USER)] == ["hi again"]
    assert emu.stats()["errors_by_method"] == {"sendMessage": 1}


async def test_blocked_user_gives_forbidden(emu: BotAPIEmulator, echo_app: App) -> None:
    emu.send_message(USER, "hi")
    await emu.wait_for(chat_id=USER)
    emu.block_bot(USER)
    await asyncio.wait_for(echo_app.bot_data["member_changed"].wait(), 5)
    assert echo_app.bot_data["member_changes"] == [(USER, "member", "kicked")]
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await echo_app.bot.send_message(USER, "are you there?")
    emu.unblock_bot(USER)
    await echo_app.bot.send_message(USER, "welcome back")
    assert [m.text for m in emu.messages_to(USER)] == ["hi", "welcome back"]


async def test_drop_next_gives_network_error(emu: BotAPIEmulator, ptb: Bot) -> None:
    emu.register_user(USER)
    emu.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await ptb.send_message(USER, "lost")
    await ptb.send_message(USER, "delivered")
    assert [c.status for c in emu.calls_to("sendMessage")] == [0, 200]
    assert [m.text for m in emu.messages_to(USER)] == ["delivered"]


async def test_latency_delays_each_answer_without_blocking_others(
    emu: BotAPIEmulator, ptb: Bot
) -> None:
    """Each answer waits the latency on its own: five calls wait at the same time."""
    waiting: list[float] = []
    release = asyncio.Event()
    all_waiting = asyncio.Event()

    async def held(seconds: float) -> None:
        waiting.append(seconds)
        if len(waiting) == 5:
            all_waiting.set()
        await release.wait()

    emu.latency = 0.2
    emu.sleep = held
    calls = asyncio.gather(*(ptb.get_me() for _ in range(5)))
    await asyncio.wait_for(all_waiting.wait(), timeout=5)  # all five wait together
    assert waiting == [0.2] * 5 and not calls.done()
    release.set()
    assert len(await calls) == 5
    emu.latency = 0.0


# ------------------------------------------------------------------------------ getUpdates


async def _get_updates(
    session: aiohttp.ClientSession, emu: BotAPIEmulator, **params: Any
) -> dict[str, Any]:
    url = f"{emu.base_url}{emu.token}/getUpdates"
    async with session.post(url, data={k: str(v) for k, v in params.items()}) as response:
        body: dict[str, Any] = await response.json()
        return body


async def test_long_poll_returns_early_and_offset_confirms(emu: BotAPIEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(_get_updates(session, emu, timeout=10))
        await emu.wait_for_poll()  # the poll is waiting for updates
        assert not poll.done()
        emu.send_message(USER, "are you there?")
        # It answers as soon as an update arrives, not after its 10 s timeout (the guard only
        # stops a broken emulator from hanging the suite).
        body = await asyncio.wait_for(poll, timeout=5)
        [update] = body["result"]
        assert update["message"]["text"] == "are you there?"

        # Unconfirmed updates come again; an offset past them drops them.
        again = await _get_updates(session, emu, timeout=0)
        assert again["result"] == [update]
        confirmed = await _get_updates(session, emu, offset=update["update_id"] + 1, timeout=0)
        assert confirmed["result"] == [] and emu.pending_updates() == 0


async def test_newer_poll_ends_older_one_with_conflict(emu: BotAPIEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        first = asyncio.create_task(_get_updates(session, emu, timeout=10))
        await emu.wait_for_poll()
        second = await _get_updates(session, emu, timeout=0)
        assert second == {"ok": True, "result": []}
        body = await asyncio.wait_for(first, 2)
        assert body["error_code"] == 409 and body["description"].startswith("Conflict")


async def test_allowed_updates_limit_and_update_shapes(emu: BotAPIEmulator) -> None:
    emu.send_message(USER, "one")
    callback_id = emu.press_button(USER, 99, "forged")
    emu.send_message(5, "news", chat_id=-100777, chat_type="channel")
    emu.block_bot(USER)
    async with aiohttp.ClientSession() as session:
        body = await _get_updates(session, emu, allowed_updates='["message"]', timeout=0)
        assert [u["message"]["text"] for u in body["result"]] == ["one"]
        # The setting sticks until changed, as on Telegram; [] restores the default set.
        body = await _get_updates(session, emu, timeout=0)
        assert len(body["result"]) == 1
        body = await _get_updates(session, emu, allowed_updates="[]", limit=2, timeout=0)
        first, second = body["result"]
        assert first["message"]["from"]["id"] == USER
        assert second["callback_query"]["id"] == callback_id
        assert second["callback_query"]["message"]["date"] == 0  # inaccessible message
        body = await _get_updates(session, emu, offset=second["update_id"] + 1, timeout=0)
        channel_post, member = body["result"]
    post = channel_post["channel_post"]
    assert post["chat"] == {"id": -100777, "type": "channel", "title": "Channel -100777"}
    assert post["sender_chat"] == post["chat"] and "from" not in post
    assert member["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    # PTB parses every shape the emulator produces.
    for update in (first, second, channel_post, member):
        assert Update.de_json(update, None) is not None


async def test_chat_utilities_and_webhook_conflict(emu: BotAPIEmulator, ptb: Bot) -> None:
    from telegram import ChatFullInfo, MenuButtonCommands

    emu.register_user(USER, first_name="Robin")
    message = await ptb.send_message(USER, "Today's step")
    assert await ptb.send_chat_action(USER, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await ptb.send_chat_action(USER, "dancing")
    assert await ptb.pin_chat_message(USER, message.message_id)
    assert emu.pinned_messages(USER) == [message.message_id]
    chat = await ptb.get_chat(USER)
    assert isinstance(chat, ChatFullInfo) and chat.first_name == "Robin"
    assert chat.pinned_message is not None and chat.pinned_message.text == "Today's step"
    assert await ptb.unpin_chat_message(USER, message.message_id)
    assert await ptb.set_chat_menu_button(USER, MenuButtonCommands())
    assert isinstance(await ptb.get_chat_menu_button(USER), MenuButtonCommands)
    assert await ptb.leave_chat(USER)

    assert await ptb.set_webhook("https://example.org/hook")
    async with aiohttp.ClientSession() as session:
        body = await _get_updates(session, emu, timeout=0)
        assert body["error_code"] == 409 and "webhook is active" in body["description"]
        assert await ptb.delete_webhook()
        assert (await _get_updates(session, emu, timeout=0))["ok"]
    assert await ptb.log_out() and await ptb.close()


async def test_wait_for_timeout_reports_what_arrived(emu: BotAPIEmulator) -> None:
    with pytest.raises(EmulatorTimeoutError) as caught:
        await emu.wait_for(chat_id=USER, count=1, timeout=0.05)
    assert caught.value.seen == []
    assert isinstance(caught.value, TimeoutError)


# ------------------------------------------------------------------------------ text parsing


async def test_a_send_with_parse_mode_is_refused_plainly(emu: BotAPIEmulator, ptb: Bot) -> None:
    """trustbot sends plain text; the emulator keeps no HTML or Markdown parser."""
    emu.send_message(USER, "hello")  # the chat exists once the user has written
    with pytest.raises(BadRequest, match="parse_mode"):
        await ptb.send_message(USER, "<b>bold</b>", parse_mode=ParseMode.HTML)
