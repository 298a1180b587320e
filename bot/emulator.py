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
it will meet in production.

Answers use the Bot API's own JSON shapes and error texts, and the limits that bite real bots
are enforced: 4096 UTF-16 code units of text after ``parse_mode`` is applied, 1024 for
captions, 1-64 bytes of ``callback_data``, "message is not modified", unknown chats, blocked
users. ``parse_mode`` HTML, MarkdownV2 and Markdown are parsed the way Telegram's server does
(ported from TDLib's parser), so a stray ``<`` or an unescaped ``.`` fails here exactly as it
would fail for a user.

Everything runs on one asyncio loop: call the user-side methods from that loop (or before
``start``). Per-request work is kept small and history is indexed per chat, because the
benchmarks push thousands of updates per second through it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

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

JSONDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

# Update types Telegram sends when allowed_updates was never set (or set to []).
_DEFAULT_ALLOWED = frozenset(
    "message edited_message channel_post edited_channel_post business_connection "
    "business_message edited_business_message deleted_business_messages inline_query "
    "chosen_inline_result callback_query shipping_query pre_checkout_query "
    "purchased_paid_media poll poll_answer my_chat_member chat_join_request chat_boost "
    "removed_chat_boost".split()
)

_CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)

# Parameters whose form value is a plain string even when it looks like JSON ("123", "true").
_STRING_PARAMS = frozenset(
    "text caption parse_mode caption_parse_mode callback_query_id inline_message_id url "
    "action language_code title description short_description name secret_token ip_address "
    "emoji business_connection_id message_effect_id file_id query data custom_title question "
    "explanation document photo sticker voice audio video animation thumbnail payload "
    "first_name last_name phone_number".split()
)

_INLINE_BUTTON_ACTIONS = frozenset(
    "url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat "
    "switch_inline_query_chosen_chat copy_text callback_game pay".split()
)

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
# TDLib's bot command regex: /command (1-64) with an optional @username (3-32), not glued to
# a word, '/', '<' or '>' on either side.
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")

# A 1x1 transparent PNG: what a user's photo contains when the bot downloads it.
_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

_ERR_TEXT_EMPTY = "Bad Request: message text is empty"
_ERR_TEXT_LONG = "Bad Request: message is too long"
_ERR_CAPTION_LONG = "Bad Request: message caption is too long"
_ERR_BUTTON_DATA = "Bad Request: BUTTON_DATA_INVALID"
_ERR_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_ERR_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
_ERR_CHAT_NOT_FOUND = "Bad Request: chat not found"
_ERR_BLOCKED = "Forbidden: bot was blocked by the user"
_ERR_QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
_ERR_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_ERR_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API request as the emulator saw it.

    ``params`` are decoded (JSON values parsed, uploads summarised as
    ``{"filename", "size", "content_type"}``); ``at`` is ``time.monotonic()`` on arrival;
    ``status`` is the HTTP status answered, 0 when the connection was dropped.
    """

    method: str
    params: JSONDict
    at: float
    status: int


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent, or a new state of it after an edit (``edited=True``).

    ``text`` is what the user reads: ``parse_mode`` applied, tags removed, trimmed like
    Telegram does ("" for documents and photos, whose words are in ``caption``).
    ``source_text`` is the text or caption exactly as the bot sent it, ``entities`` the
    formatting Telegram derived from it (Bot API ``MessageEntity`` dicts).
    """

    message_id: int
    chat_id: int
    text: str
    reply_markup: JSONDict | None
    document: bytes | None
    filename: str | None
    photo: bytes | None
    caption: str | None
    edited: bool
    date: int
    entities: tuple[JSONDict, ...] = ()
    source_text: str | None = None
    parse_mode: str | None = None
    reply_to_message_id: int | None = None


class EmulatorTimeoutError(TimeoutError):
    """``wait_for`` / ``wait_for_call`` gave up; ``seen`` holds what had arrived by then."""

    def __init__(self, message: str, seen: list[Any]) -> None:
        super().__init__(message)
        self.seen = seen


# --------------------------------------------------------------------------------------------
# Internal state
# --------------------------------------------------------------------------------------------


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class _Signal:
    """Wake-up for waiters that re-check their own condition; free when nobody waits."""

    __slots__ = ("_event", "_loop")

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def fire(self) -> None:
        event = self._event
        if event is not None:
            self._event = None
            event.set()

    async def wait(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        if self._event is None or self._loop is not loop:
            # An Event belongs to the loop that first waits on it; an emulator object may
            # outlive one test's loop, so never reuse an Event across loops.
            self._event = asyncio.Event()
            self._loop = loop
        event = self._event
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            pass


@dataclass(slots=True)
class _Upload:
    data: bytes
    filename: str | None
    content_type: str | None


@dataclass(slots=True)
class _File:
    file_id: str
    unique_id: str
    path: str
    data: bytes | None
    filename: str | None
    mime_type: str | None


@dataclass(slots=True)
class _Msg:
    api: JSONDict  # the Message object as Telegram would send it now
    by_bot: bool
    sent: SentMessage | None = None  # latest snapshot, bot messages only
    markup: JSONDict | None = None  # inline keyboard currently attached


@dataclass(slots=True)
class _Chat:
    api: JSONDict  # the Chat object
    next_message_id: int = 1
    messages: dict[int, _Msg] = field(default_factory=dict)
    transcript: list[SentMessage] = field(default_factory=list)
    blocked: bool = False
    pinned: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        chat_id: int = self.api["id"]
        return chat_id

    @property
    def type(self) -> str:
        chat_type: str = self.api["type"]
        return chat_type

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(slots=True)
class _Fault:
    drop: bool
    remaining: int
    chat_id: int | None = None
    status: int = 0
    description: str = ""
    retry_after: int | None = None


# --------------------------------------------------------------------------------------------
# Text: UTF-16 lengths (how Telegram counts) and command entities
# --------------------------------------------------------------------------------------------


def utf16_length(text: str) -> int:
    """Length of ``text`` the way Telegram counts it: in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _entity(kind: str, offset: int, length: int, **extra: Any) -> JSONDict:
    entity: JSONDict = {"type": kind, "offset": offset, "length": length}
    entity.update(extra)
    return entity


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Drop leading/trailing whitespace as Telegram does, keeping entities aligned."""
    stripped = text.strip()
    if len(stripped) == len(text):
        return text, entities
    shift = utf16_length(text[: len(text) - len(text.lstrip())])
    total = utf16_length(stripped)
    kept: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _format(source: str, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    """Plain text only: trustbot never sends with ``parse_mode``, so the emulator keeps no
    HTML or Markdown parser and refuses a send that asks for one, rather than pretend."""
    if parse_mode:
        raise _ApiError(400, "Bad Request: the emulator formats no parse_mode; send plain text")
    return _trim(source, [])


def _command_entities(text: str) -> list[JSONDict]:
    if "/" not in text:
        return []
    return [
        _entity("bot_command", utf16_length(text[: m.start()]), utf16_length(m.group()))
        for m in _BOT_COMMAND.finditer(text)
    ]


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/WebP/BMP, None when it is not an image at all."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"GIF8") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(int(width)), abs(int(height))
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8\xff"):
        pos = 2
        while pos + 9 < len(data):
            if data[pos] != 0xFF:
                pos += 1
                continue
            marker = data[pos + 1]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD):
                height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
                return int(width), int(height)
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                pos += 2 if marker != 0xFF else 1
                continue
            (segment,) = struct.unpack(">H", data[pos + 2 : pos + 4])
            pos += 2 + int(segment)
        return 512, 512
    return None


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _decode_form_value(key: str, raw: str) -> Any:
    # PTB JSON-encodes every non-string value and sends strings as they are.
    if key in _STRING_PARAMS or not raw or raw[0] not in '{["-0123456789tfn':
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _as_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or value is None:
        raise _ApiError(400, f"Bad Request: {what} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _ApiError(400, f"Bad Request: invalid {what} specified") from None


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------

_SyncHandler = Callable[[JSONDict, dict[str, _Upload]], Any]


class BotAPIEmulator:
    """An HTTP Telegram Bot API for one bot, with scripted users on the other side."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        latency: float = 0.0,
        bot_username: str = "trustbot_test_bot",
        bot_first_name: str = "trustbot",
        clock: Callable[[], float | dt.datetime] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.token = token
        self.latency = latency
        self.sleep = sleep  # how latency waits; tests inject one that does not
        self.bot_username = bot_username
        self._clock = clock
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 1
        self.bot_user: JSONDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }

        self.calls: list[Call] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.webhook_url: str = ""

        self._calls_by_method: dict[str, list[Call]] = {}
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSONDict] = {}
        self._user_message_chat: dict[tuple[int, int], int] = {}
        self._callbacks: dict[str, list[JSONDict]] = {}
        self._files: dict[str, _File] = {}
        self._files_by_path: dict[str, _File] = {}
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._update_counter = itertools.count(1)
        self._last_update_id = 0
        self._updates: deque[tuple[int, str, JSONDict]] = deque()
        self._allowed_updates: frozenset[str] = _DEFAULT_ALLOWED
        self._poll_generation = 0
        self._faults: dict[str, list[_Fault]] = {}

        self._updates_signal = _Signal()
        self._poll_signal = _Signal()
        self._polls_waiting = 0
        self._chat_signals: dict[int, _Signal] = {}
        self._call_signals: dict[str, _Signal] = {}

        self._requests_by_method: dict[str, int] = {}
        self._errors_by_method: dict[str, int] = {}
        self._bytes_in = 0
        self._bytes_out = 0
        self._updates_created = 0
        self._updates_returned = 0
        self._messages_sent = 0

        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._closing = False

        # getUpdates has no synchronous handler: it is the one method that waits.
        self._methods: dict[str, tuple[str, _SyncHandler | None]] = {}
        for name, handler in (
            ("getUpdates", None),
            ("getMe", self._get_me),
            ("logOut", self._true),
            ("close", self._true),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("sendDocument", self._send_document),
            ("sendPhoto", self._send_photo),
            ("sendChatAction", self._send_chat_action),
            ("pinChatMessage", self._pin_chat_message),
            ("unpinChatMessage", self._unpin_chat_message),
            ("getChat", self._get_chat),
            ("leaveChat", self._leave_chat),
            ("setChatMenuButton", self._set_chat_menu_button),
            ("getChatMenuButton", self._get_chat_menu_button),
            ("getFile", self._get_file),
        ):
            self._methods[name.lower()] = (name, handler)

    # ---------------------------------------------------------------- server lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (port 0 picks a free one)."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        self._closing = False
        app = web.Application(client_max_size=_MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._host = host
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls (empty) and close the server; state is kept."""
        self._closing = True
        self._updates_signal.fire()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def port(self) -> int:
        if self._runner is None:
            raise RuntimeError("the emulator is not running; await start() first")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self.port}/file/bot"

    # ---------------------------------------------------------------- the user side

    def register_user(
        self, user_id: int, *, first_name: str = "Alex", language_code: str | None = "en"
    ) -> None:
        """Make a private chat known (as if the user wrote long ago) without an update."""
        user = self._user(user_id, first_name, language_code)
        self._ensure_chat(user_id, "private", user)

    def send_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Alex",
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """The user writes ``text``; returns the queued Update."""
        user = self._user(user_id, first_name, language_code)
        chat = self._ensure_chat(user_id if chat_id is None else chat_id, chat_type, user)
        content: JSONDict = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_post(chat, user, content)

    def send_sticker(self, user_id: int, *, chat_id: int | None = None) -> dict[str, Any]:
        user, chat = self._sender(user_id, chat_id)
        file = self._store_file("stickers", b"RIFF\0\0\0\0WEBPVP8 ", "sticker.webp", "image/webp")
        sticker = {
            "file_id": file.file_id,
            "file_unique_id": file.unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "🙂",
            "file_size": 12,
        }
        return self._user_post(chat, user, {"sticker": sticker})

    def send_photo(
        self, user_id: int, caption: str | None = None, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        user, chat = self._sender(user_id, chat_id)
        file = self._store_file("photos", _TINY_PNG, None, "image/png")
        size = {
            "file_id": file.file_id,
            "file_unique_id": file.unique_id,
            "width": 1,
            "height": 1,
            "file_size": len(_TINY_PNG),
        }
        content: JSONDict = {"photo": [size]}
        if caption is not None:
            content["caption"] = caption
            entities = _command_entities(caption)
            if entities:
                content["caption_entities"] = entities
        return self._user_post(chat, user, content)

    def send_voice(self, user_id: int, *, chat_id: int | None = None) -> dict[str, Any]:
        user, chat = self._sender(user_id, chat_id)
        data = b"OggS" + bytes(60)
        file = self._store_file("voice", data, None, "audio/ogg")
        voice = {
            "file_id": file.file_id,
            "file_unique_id": file.unique_id,
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._user_post(chat, user, {"voice": voice})

    def send_document(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        filename: str = "notes.txt",
        content: bytes = b"my notes\n",
        mime_type: str = "text/plain",
    ) -> dict[str, Any]:
        user, chat = self._sender(user_id, chat_id)
        file = self._store_file("documents", content, filename, mime_type)
        document = {
            "file_id": file.file_id,
            "file_unique_id": file.unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        return self._user_post(chat, user, {"document": document})

    def edit_message(self, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits their message ``message_id``: an ``edited_message`` update."""
        user = self._users.get(user_id) or self._user(user_id, "Alex", "en")
        chat_id = self._user_message_chat.get((user_id, message_id), user_id)
        chat = self._chats.get(chat_id) or self._ensure_chat(chat_id, "private", user)
        stored = chat.messages.get(message_id)
        message: JSONDict
        if stored is not None and not stored.by_bot:
            message = {k: v for k, v in stored.api.items() if k != "entities"}
        else:
            message = {"message_id": message_id, "from": user, "chat": chat.api}
            message["date"] = self._now()
        message["edit_date"] = self._now()
        message["text"] = text
        entities = _command_entities(text)
        if entities:
            message["entities"] = entities
        chat.messages[message_id] = _Msg(message, by_bot=False)
        kind = "edited_channel_post" if chat.type == "channel" else "edited_message"
        return self._queue_update(kind, message)

    def press_button(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> str:
        """The user presses an inline button with ``data`` under ``message_id``.

        Works for any message id and any data (tests forge both); a message the emulator
        does not know arrives as an inaccessible message (``date`` 0), as Telegram does.
        Returns the callback query id, for ``callback_answers``.
        """
        user = self._users.get(user_id) or self._user(user_id, "Alex", "en")
        target = user_id if chat_id is None else chat_id
        chat = self._chats.get(target) or self._ensure_chat(
            target, "private" if target == user_id else "group", user
        )
        stored = chat.messages.get(message_id)
        message = (
            stored.api
            if stored is not None
            else {"chat": chat.api, "message_id": message_id, "date": 0}
        )
        callback_id = str(4_000_000_000 + next(self._callback_counter))
        self._callbacks[callback_id] = []
        query = {
            "id": callback_id,
            "from": user,
            "message": message,
            "chat_instance": str(-chat.id * 31 + 7),
            "data": data,
        }
        self._queue_update("callback_query", query)
        return callback_id

    def block_bot(self, user_id: int) -> None:
        """The user blocks the bot: a ``my_chat_member`` update, then 403 on every send."""
        user = self._users.get(user_id) or self._user(user_id, "Alex", "en")
        chat = self._chats.get(user_id) or self._ensure_chat(user_id, "private", user)
        if chat.blocked:
            return
        chat.blocked = True
        self._queue_member_change(chat, user, "member", "kicked")

    def unblock_bot(self, user_id: int) -> None:
        user = self._users.get(user_id) or self._user(user_id, "Alex", "en")
        chat = self._chats.get(user_id) or self._ensure_chat(user_id, "private", user)
        if not chat.blocked:
            return
        chat.blocked = False
        self._queue_member_change(chat, user, "kicked", "member")

    @property
    def last_update_id(self) -> int:
        """update_id of the most recently queued update (0 before the first)."""
        return self._last_update_id

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    # ---------------------------------------------------------------- what the bot did

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        chat = self._chats.get(chat_id)
        return list(chat.transcript) if chat is not None else []

    def last_message(self, chat_id: int) -> SentMessage | None:
        chat = self._chats.get(chat_id)
        if chat is None or not chat.transcript:
            return None
        return chat.transcript[-1]

    def current_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """Latest state of one bot message; None if unknown or deleted."""
        chat = self._chats.get(chat_id)
        stored = chat.messages.get(message_id) if chat is not None else None
        return stored.sent if stored is not None else None

    def pinned_messages(self, chat_id: int) -> list[int]:
        chat = self._chats.get(chat_id)
        return list(chat.pinned) if chat is not None else []

    async def wait_for(
        self,
        predicate: Callable[[list[SentMessage]], bool] | None = None,
        *,
        chat_id: int,
        count: int | None = None,
        timeout: float = 5.0,
    ) -> list[SentMessage]:
        """Wait until the chat has >= ``count`` messages and ``predicate`` holds.

        With neither given, waits for one message. Raises ``EmulatorTimeoutError`` (a
        ``TimeoutError``) carrying what had arrived.
        """
        need = count if count is not None else (1 if predicate is None else 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            messages = self.messages_to(chat_id)
            if len(messages) >= need and (predicate is None or predicate(messages)):
                return messages
            remaining = deadline - loop.time()
            if remaining <= 0:
                texts = [m.text or m.caption or m.filename for m in messages]
                raise EmulatorTimeoutError(
                    f"chat {chat_id}: condition not met within {timeout}s; "
                    f"{len(messages)} message(s): {texts!r}",
                    messages,
                )
            signal = self._chat_signals.get(chat_id)
            if signal is None:
                signal = self._chat_signals[chat_id] = _Signal()
            await signal.wait(remaining)

    async def wait_for_call(
        self, method: str, *, count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """Wait until ``method`` was requested (and answered) >= ``count`` times."""
        key = method.lower()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            calls = list(self._calls_by_method.get(key, ()))
            if len(calls) >= count:
                return calls
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise EmulatorTimeoutError(
                    f"{method}: {len(calls)} call(s) within {timeout}s, wanted {count}", calls
                )
            signal = self._call_signals.get(key)
            if signal is None:
                signal = self._call_signals[key] = _Signal()
            await signal.wait(remaining)

    async def wait_for_poll(self, timeout: float = 5.0) -> None:
        """Wait until a getUpdates long poll is parked here, i.e. the bot is listening."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._polls_waiting == 0:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise EmulatorTimeoutError(f"no getUpdates long poll within {timeout}s", [])
            await self._poll_signal.wait(remaining)

    def calls_to(self, method: str) -> list[Call]:
        return list(self._calls_by_method.get(method.lower(), ()))

    def callback_answers(self, callback_id: str) -> list[dict[str, Any]]:
        return list(self._callbacks.get(callback_id, ()))

    def stats(self) -> dict[str, Any]:
        """Counters for benchmarks: requests and errors per method, bytes, updates."""
        return {
            "requests": sum(self._requests_by_method.values()),
            "requests_by_method": dict(self._requests_by_method),
            "errors": sum(self._errors_by_method.values()),
            "errors_by_method": dict(self._errors_by_method),
            "bytes_in": self._bytes_in,
            "bytes_out": self._bytes_out,
            "updates_created": self._updates_created,
            "updates_returned": self._updates_returned,
            "updates_pending": len(self._updates),
            "messages_sent": self._messages_sent,
            "chats": len(self._chats),
        }

    def clear_history(self) -> None:
        """Forget recorded calls and transcripts (long benchmarks); chats stay known."""
        self.calls.clear()
        self._calls_by_method.clear()
        for chat in self._chats.values():
            chat.transcript.clear()

    # ---------------------------------------------------------------- faults

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id``, if given) with an error.

        The answer has Telegram's shape, ``parameters.retry_after`` included when given.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        fault = _Fault(
            drop=False,
            remaining=times,
            chat_id=chat_id,
            status=status,
            description=description,
            retry_after=retry_after,
        )
        self._faults.setdefault(method.lower(), []).append(fault)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without an answer."""
        if times < 1:
            raise ValueError("times must be >= 1")
        self._faults.setdefault(method.lower(), []).append(_Fault(drop=True, remaining=times))

    # ---------------------------------------------------------------- HTTP plumbing

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        path = request.path
        if path.startswith("/file/bot"):
            return await self._serve_file(request, path[len("/file/bot") :])
        token, slash, method = path[4:].partition("/") if path.startswith("/bot") else ("", "", "")
        if not slash or not method or "/" in method:
            return web.Response(
                status=404,
                body=_dumps({"ok": False, "error_code": 404, "description": "Not Found"}),
                content_type="application/json",
            )
        try:
            params, files, size = await self._read_params(request)
        except (ValueError, UnicodeDecodeError):
            params, files, size = {}, {}, request.content_length or 0
        self._bytes_in += size
        key = method.lower()
        entry = self._methods.get(key)
        name = entry[0] if entry is not None else method
        recorded = dict(params)
        for part_name, upload in files.items():
            recorded[part_name] = {
                "filename": upload.filename,
                "size": len(upload.data),
                "content_type": upload.content_type,
            }
        fault = self._take_fault(key, params) if token == self.token else None

        if self.latency > 0:
            await self.sleep(self.latency)

        if fault is not None and fault.drop:
            self._record(name, key, recorded, arrived, 0)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)

        status = 200
        payload: JSONDict
        if token != self.token:
            status, payload = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        elif fault is not None:
            error = _ApiError(
                fault.status,
                fault.description,
                {"retry_after": fault.retry_after} if fault.retry_after is not None else None,
            )
            status, payload = error.status, error.payload()
        elif entry is None:
            status = 404
            payload = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        else:
            try:
                if entry[1] is None:
                    result: Any = await self._get_updates(params)
                else:
                    result = entry[1](params, files)
                payload = {"ok": True, "result": result}
            except _ApiError as exc:
                status, payload = exc.status, exc.payload()
            except Exception as exc:  # an emulator bug or absurd input: visible, not a hang
                error = _ApiError(500, f"Internal Server Error: emulator failed: {exc!r}")
                status, payload = error.status, error.payload()
        body = _dumps(payload)
        self._bytes_out += len(body)
        self._record(name, key, recorded, arrived, status)
        return web.Response(status=status, body=body, content_type="application/json")

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, _Upload], int]:
        params: JSONDict = {}
        files: dict[str, _Upload] = {}
        for key, value in request.query.items():
            params[key] = _decode_form_value(key, value)
        if request.method != "POST" or not request.body_exists:
            return params, files, 0
        content_type = request.content_type
        if content_type.startswith("multipart/"):
            size = 0
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = bytes(await part.read())
                size += len(data)
                if part.filename is not None:
                    files[part.name] = _Upload(
                        data, part.filename, part.headers.get("Content-Type")
                    )
                else:
                    params[part.name] = _decode_form_value(part.name, data.decode())
            return params, files, request.content_length or size
        body = await request.read()
        if content_type == "application/json":
            decoded = json.loads(body) if body else {}
            if isinstance(decoded, dict):
                params.update(decoded)
        else:
            for key, value in parse_qsl(body.decode(), keep_blank_values=True):
                params[key] = _decode_form_value(key, value)
        return params, files, len(body)

    def _take_fault(self, key: str, params: JSONDict) -> _Fault | None:
        queue = self._faults.get(key)
        if not queue:
            return None
        for index, fault in enumerate(queue):
            if fault.chat_id is not None:
                try:
                    if int(params.get("chat_id", "x")) != fault.chat_id:
                        continue
                except (TypeError, ValueError):
                    continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                del queue[index]
            return fault
        return None

    def _record(self, name: str, key: str, params: JSONDict, at: float, status: int) -> None:
        call = Call(name, params, at, status)
        self.calls.append(call)
        self._calls_by_method.setdefault(key, []).append(call)
        self._requests_by_method[name] = self._requests_by_method.get(name, 0) + 1
        if status != 200:
            self._errors_by_method[name] = self._errors_by_method.get(name, 0) + 1
        signal = self._call_signals.get(key)
        if signal is not None:
            signal.fire()

    async def _serve_file(self, request: web.Request, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        if self.latency > 0:
            await self.sleep(self.latency)
        file = self._files_by_path.get(file_path) if token == self.token else None
        if file is None or file.data is None:
            return web.Response(
                status=404,
                body=_dumps({"ok": False, "error_code": 404, "description": "Not Found"}),
                content_type="application/json",
            )
        self._bytes_out += len(file.data)
        return web.Response(body=file.data, content_type="application/octet-stream")

    # ---------------------------------------------------------------- state helpers

    def _now(self) -> int:
        now = self._clock()
        return int(now.timestamp() if isinstance(now, dt.datetime) else now)

    def _user(self, user_id: int, first_name: str, language_code: str | None) -> JSONDict:
        user = self._users.get(user_id)
        if (
            user is None
            or user["first_name"] != first_name
            or user.get("language_code") != language_code
        ):
            # A new dict rather than a mutation: messages already built keep the old name.
            user = {"id": user_id, "is_bot": False, "first_name": first_name}
            if language_code is not None:
                user["language_code"] = language_code
            self._users[user_id] = user
        return user

    def _ensure_chat(self, chat_id: int, chat_type: str, user: JSONDict) -> _Chat:
        if chat_type not in ("private", "group", "supergroup", "channel"):
            raise ValueError(f"unknown chat type {chat_type!r}")
        chat = self._chats.get(chat_id)
        if chat is not None and chat.type == chat_type:
            if chat_type == "private" and chat.api.get("first_name") != user["first_name"]:
                chat.api = {**chat.api, "first_name": user["first_name"]}
            return chat
        api: JSONDict = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            api["first_name"] = user["first_name"]
        else:
            api["title"] = f"{chat_type.capitalize()} {chat_id}"
        if chat is None:
            chat = self._chats[chat_id] = _Chat(api)
        else:
            chat.api = api
        return chat

    def _sender(self, user_id: int, chat_id: int | None) -> tuple[JSONDict, _Chat]:
        user = self._users.get(user_id) or self._user(user_id, "Alex", "en")
        target = user_id if chat_id is None else chat_id
        chat = self._chats.get(target) or self._ensure_chat(
            target, "private" if target == user_id else "group", user
        )
        return user, chat

    def _user_post(self, chat: _Chat, user: JSONDict, content: JSONDict) -> JSONDict:
        message_id = chat.take_message_id()
        message: JSONDict = {"message_id": message_id}
        if chat.type == "channel":
            message["sender_chat"] = chat.api
        else:
            message["from"] = user
        message["chat"] = chat.api
        message["date"] = self._now()
        message.update(content)
        chat.messages[message_id] = _Msg(message, by_bot=False)
        self._user_message_chat[(user["id"], message_id)] = chat.id
        return self._queue_update("channel_post" if chat.type == "channel" else "message", message)

    def _queue_member_change(self, chat: _Chat, user: JSONDict, old: str, new: str) -> None:
        new_member: JSONDict = {"user": self.bot_user, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: JSONDict = {"user": self.bot_user, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        change = {
            "chat": chat.api,
            "from": user,
            "date": self._now(),
            "old_chat_member": old_member,
            "new_chat_member": new_member,
        }
        self._queue_update("my_chat_member", change)

    def _queue_update(self, kind: str, payload: JSONDict) -> JSONDict:
        update_id = self._last_update_id = next(self._update_counter)
        update = {"update_id": update_id, kind: payload}
        self._updates.append((update_id, kind, update))
        self._updates_created += 1
        self._updates_signal.fire()
        return update

    def _store_file(
        self, folder: str, data: bytes | None, filename: str | None, mime_type: str | None
    ) -> _File:
        n = next(self._file_counter)
        suffix = ""
        if filename and "." in filename:
            suffix = filename[filename.rfind(".") :]
        elif folder == "photos":
            suffix = ".jpg"
        file = _File(
            file_id=f"BQACAgIAAxkBAAI{n:08d}",
            unique_id=f"AgAD{n:06d}",
            path=f"{folder}/file_{n}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime_type,
        )
        self._files[file.file_id] = file
        self._files_by_path[file.path] = file
        return file

    # ---------------------------------------------------------------- request helpers

    def _chat(self, params: JSONDict, *, for_sending: bool = True) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise _ApiError(400, _ERR_CHAT_NOT_FOUND) from None
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _ApiError(400, _ERR_CHAT_NOT_FOUND)
        if for_sending and chat.blocked:
            raise _ApiError(403, _ERR_BLOCKED)
        return chat

    def _text(
        self,
        params: JSONDict,
        field_name: str,
        mode_name: str,
        entities_name: str,
        limit: int,
        too_long: str,
        *,
        required: bool,
    ) -> tuple[str, list[JSONDict], str | None, str | None]:
        """(visible text, entities, source, parse_mode) for a text or caption parameter."""
        source = params.get(field_name)
        if source is None:
            if required:
                raise _ApiError(400, _ERR_TEXT_EMPTY)
            return "", [], None, None
        source = str(source)
        parse_mode = params.get(mode_name) or None
        explicit = params.get(entities_name)
        try:
            if explicit and isinstance(explicit, list):
                text, entities = _trim(source, [dict(e) for e in explicit if isinstance(e, dict)])
                parse_mode = None
            else:
                text, entities = _format(source, parse_mode)
        except ValueError as exc:
            raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if required and not text:
            raise _ApiError(400, _ERR_TEXT_EMPTY)
        if utf16_length(text) > limit:
            raise _ApiError(400, too_long)
        return text, entities, source, parse_mode

    def _markup(self, params: JSONDict) -> JSONDict | None:
        raw = params.get("reply_markup")
        if raw is None or raw == "":
            return None
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                raw = None
        if not isinstance(raw, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        keyboard = raw.get("inline_keyboard")
        if keyboard is None:
            if not any(k in raw for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
            return raw
        if not isinstance(keyboard, list) or not all(isinstance(r, list) for r in keyboard):
            raise _ApiError(400, 'Bad Request: field "inline_keyboard" must be of type Array')
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text must be a String",
                    )
                if not button["text"].strip():
                    raise _ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not (
                        1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                    ):
                        raise _ApiError(400, _ERR_BUTTON_DATA)
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"(https?|tg)://\S", url):
                        raise _ApiError(400, "Bad Request: BUTTON_URL_INVALID")
                if not _INLINE_BUTTON_ACTIONS.intersection(button):
                    raise _ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
        return raw

    def _reply_to(self, chat: _Chat, params: JSONDict) -> _Msg | None:
        reply = params.get("reply_parameters")
        message_id: Any = None
        allow_missing = _as_bool(params.get("allow_sending_without_reply", False))
        target = chat
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = _as_bool(reply.get("allow_sending_without_reply", allow_missing))
            if reply.get("chat_id") not in (None, chat.id):
                other = self._chats.get(_as_int(reply.get("chat_id"), "chat_id"))
                if other is None:
                    raise _ApiError(400, _ERR_CHAT_NOT_FOUND)
                target = other
        elif params.get("reply_to_message_id") is not None:
            message_id = params.get("reply_to_message_id")
        if message_id is None:
            return None
        stored = target.messages.get(_as_int(message_id, "message_id"))
        if stored is None and not allow_missing:
            raise _ApiError(400, "Bad Request: message to be replied not found")
        return stored

    def _bot_message(
        self,
        chat: _Chat,
        content: JSONDict,
        params: JSONDict,
        markup: JSONDict | None,
        sent: SentMessage,
    ) -> JSONDict:
        reply = self._reply_to(chat, params)
        message_id = chat.take_message_id()
        api: JSONDict = {"message_id": message_id}
        if chat.type == "channel":
            api["sender_chat"] = chat.api
        else:
            api["from"] = self.bot_user
        api["chat"] = chat.api
        api["date"] = self._now()
        if reply is not None:
            api["reply_to_message"] = {
                k: v for k, v in reply.api.items() if k != "reply_to_message"
            }
        api.update(content)
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if inline is not None:
            api["reply_markup"] = inline
        snapshot = replace(
            sent,
            message_id=message_id,
            chat_id=chat.id,
            date=api["date"],
            reply_to_message_id=reply.api["message_id"] if reply is not None else None,
        )
        chat.messages[message_id] = _Msg(api, by_bot=True, sent=snapshot, markup=inline)
        self._append_transcript(chat, snapshot)
        return api

    def _append_transcript(self, chat: _Chat, snapshot: SentMessage) -> None:
        chat.transcript.append(snapshot)
        self._messages_sent += 1
        signal = self._chat_signals.get(chat.id)
        if signal is not None:
            signal.fire()

    def _editable(self, params: JSONDict) -> tuple[_Chat, _Msg]:
        if params.get("inline_message_id"):
            raise _ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = _as_int(params.get("message_id"), "message_id")
        stored = chat.messages.get(message_id)
        if stored is None:
            raise _ApiError(400, _ERR_EDIT_NOT_FOUND)
        if not stored.by_bot or stored.sent is None:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return chat, stored

    def _apply_edit(
        self, chat: _Chat, stored: _Msg, changes: JSONDict, sent: SentMessage
    ) -> JSONDict:
        assert stored.sent is not None
        api = dict(stored.api)
        for key, value in changes.items():
            if value is None:
                api.pop(key, None)
            else:
                api[key] = value
        api["edit_date"] = self._now()
        stored.api = api
        stored.markup = api.get("reply_markup")
        stored.sent = replace(sent, edited=True)
        self._append_transcript(chat, stored.sent)
        return api

    # ---------------------------------------------------------------- Bot API methods

    def _true(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    def _get_me(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise _ApiError(409, _ERR_WEBHOOK_ACTIVE)
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_ALLOWED

        # A newer getUpdates ends an older long poll with 409, like Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()

        updates = self._updates
        if offset > 0:
            while updates and updates[0][0] < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            allowed_now = self._allowed_updates
            batch: list[JSONDict] = []
            for _, kind, update in updates:
                if kind in allowed_now:
                    batch.append(update)
                    if len(batch) >= limit:
                        break
            if batch or self._closing:
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._polls_waiting += 1
            self._poll_signal.fire()
            try:
                await self._updates_signal.wait(remaining)
            finally:
                self._polls_waiting -= 1
            if generation != self._poll_generation:
                raise _ApiError(409, _ERR_POLL_CONFLICT)
        self._updates_returned += len(batch)
        return batch

    def _set_webhook(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self.webhook_url = str(params.get("url") or "")
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        self._updates_signal.fire()
        return True

    def _delete_webhook(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self.webhook_url = ""
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope")
        if isinstance(scope, str):
            try:
                scope = json.loads(scope)
            except ValueError:
                scope = None
        if not isinstance(scope, dict):
            scope = {"type": "default"}
        key = str(scope.get("type", "default"))
        if "chat_id" in scope:
            key += f":{scope['chat_id']}"
        if "user_id" in scope:
            key += f":{scope['user_id']}"
        language = params.get("language_code") or ""
        return f"{key}/{language}" if language else key

    def _set_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        cleaned: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not _COMMAND_NAME.fullmatch(name):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self.commands[self._commands_key(params)] = cleaned
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> list[JSONDict]:
        return list(self.commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _send_message(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._chat(params)
        text, entities, source, parse_mode = self._text(
            params, "text", "parse_mode", "entities", MAX_TEXT_LENGTH, _ERR_TEXT_LONG, required=True
        )
        markup = self._markup(params)
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        preview = params.get("link_preview_options")
        if isinstance(preview, dict) and preview:
            content["link_preview_options"] = preview
        sent = SentMessage(
            message_id=0,
            chat_id=chat.id,
            text=text,
            reply_markup=markup,
            document=None,
            filename=None,
            photo=None,
            caption=None,
            edited=False,
            date=0,
            entities=tuple(entities),
            source_text=source,
            parse_mode=parse_mode,
        )
        return self._bot_message(chat, content, params, markup, sent)

    def _caption(
        self, params: JSONDict
    ) -> tuple[JSONDict, str | None, list[JSONDict], str | None, str | None]:
        caption, entities, source, parse_mode = self._text(
            params,
            "caption",
            "parse_mode",
            "caption_entities",
            MAX_CAPTION_LENGTH,
            _ERR_CAPTION_LONG,
            required=False,
        )
        content: JSONDict = {}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return content, (caption or None), entities, source, parse_mode

    def _resolve_file(
        self, params: JSONDict, files: dict[str, _Upload], name: str
    ) -> tuple[bytes | None, str | None, str | None]:
        """(bytes, filename, mime type) of an upload, attach:// reference or file_id."""
        upload = files.get(name)
        value = params.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
        if upload is not None:
            if not upload.data:
                raise _ApiError(400, "Bad Request: file must be non-empty")
            return upload.data, upload.filename, upload.content_type
        if not isinstance(value, str) or not value:
            raise _ApiError(400, f"Bad Request: there is no {name} in the request")
        known = self._files.get(value)
        if known is not None:
            return known.data, known.filename, known.mime_type
        if value.startswith(("http://", "https://")):
            return None, value.rsplit("/", 1)[-1] or None, None
        raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _send_document(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._chat(params)
        data, filename, mime_type = self._resolve_file(params, files, "document")
        content, caption, entities, source, parse_mode = self._caption(params)
        markup = self._markup(params)
        file = self._store_file("documents", data, filename, mime_type)
        document: JSONDict = {"file_id": file.file_id, "file_unique_id": file.unique_id}
        if filename:
            document["file_name"] = filename
        document["mime_type"] = mime_type or "application/octet-stream"
        if data is not None:
            document["file_size"] = len(data)
        content = {"document": document, **content}
        sent = SentMessage(
            message_id=0,
            chat_id=chat.id,
            text="",
            reply_markup=markup,
            document=data,
            filename=filename,
            photo=None,
            caption=caption,
            edited=False,
            date=0,
            entities=tuple(entities),
            source_text=source,
            parse_mode=parse_mode,
        )
        return self._bot_message(chat, content, params, markup, sent)

    def _send_photo(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._chat(params)
        data, _, _ = self._resolve_file(params, files, "photo")
        width, height = 512, 512
        if data is not None:
            size = _image_size(data)
            if size is None:
                raise _ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            width, height = size
            if (
                width == 0
                or height == 0
                or width + height > 10000
                or max(width, height) > 20 * min(width, height)
            ):
                raise _ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        content, caption, entities, source, parse_mode = self._caption(params)
        markup = self._markup(params)
        file = self._store_file("photos", data, None, "image/jpeg")
        photo_size: JSONDict = {
            "file_id": file.file_id,
            "file_unique_id": file.unique_id,
            "width": width,
            "height": height,
        }
        if data is not None:
            photo_size["file_size"] = len(data)
        content = {"photo": [photo_size], **content}
        sent = SentMessage(
            message_id=0,
            chat_id=chat.id,
            text="",
            reply_markup=markup,
            document=None,
            filename=None,
            photo=data,
            caption=caption,
            edited=False,
            date=0,
            entities=tuple(entities),
            source_text=source,
            parse_mode=parse_mode,
        )
        return self._bot_message(chat, content, params, markup, sent)

    def _edit_message_text(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat, stored = self._editable(params)
        assert stored.sent is not None
        if "text" not in stored.api:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities, source, parse_mode = self._text(
            params, "text", "parse_mode", "entities", MAX_TEXT_LENGTH, _ERR_TEXT_LONG, required=True
        )
        markup = self._markup(params)
        if markup is not None and "inline_keyboard" not in markup:
            raise _ApiError(400, "Bad Request: inline keyboard expected")
        if (
            text == stored.api.get("text")
            and entities == stored.api.get("entities", [])
            and markup == stored.markup
        ):
            raise _ApiError(400, _ERR_NOT_MODIFIED)
        sent = replace(
            stored.sent,
            text=text,
            entities=tuple(entities),
            source_text=source,
            parse_mode=parse_mode,
            reply_markup=markup,
        )
        changes: JSONDict = {"text": text, "entities": entities or None, "reply_markup": markup}
        return self._apply_edit(chat, stored, changes, sent)

    def _edit_message_caption(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat, stored = self._editable(params)
        assert stored.sent is not None
        if "text" in stored.api:
            raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
        _, caption, entities, source, parse_mode = self._caption(params)
        markup = self._markup(params)
        if markup is not None and "inline_keyboard" not in markup:
            raise _ApiError(400, "Bad Request: inline keyboard expected")
        if (
            caption == stored.api.get("caption")
            and entities == stored.api.get("caption_entities", [])
            and markup == stored.markup
        ):
            raise _ApiError(400, _ERR_NOT_MODIFIED)
        sent = replace(
            stored.sent,
            caption=caption,
            entities=tuple(entities),
            source_text=source,
            parse_mode=parse_mode,
            reply_markup=markup,
        )
        changes: JSONDict = {
            "caption": caption,
            "caption_entities": entities or None,
            "reply_markup": markup,
        }
        return self._apply_edit(chat, stored, changes, sent)

    def _edit_message_reply_markup(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat, stored = self._editable(params)
        assert stored.sent is not None
        markup = self._markup(params)
        if markup is not None and "inline_keyboard" not in markup:
            raise _ApiError(400, "Bad Request: inline keyboard expected")
        if markup == stored.markup:
            raise _ApiError(400, _ERR_NOT_MODIFIED)
        sent = replace(stored.sent, reply_markup=markup)
        return self._apply_edit(chat, stored, {"reply_markup": markup}, sent)

    def _delete_message(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        chat = self._chat(params, for_sending=False)
        message_id = _as_int(params.get("message_id"), "message_id")
        if chat.messages.pop(message_id, None) is None:
            raise _ApiError(400, "Bad Request: message to delete not found")
        if message_id in chat.pinned:
            chat.pinned.remove(message_id)
        return True

    def _answer_callback_query(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        callback_id = str(params.get("callback_query_id") or "")
        answers = self._callbacks.get(callback_id)
        if answers is None:
            raise _ApiError(400, _ERR_QUERY_INVALID)
        answers.append(dict(params))
        return True

    def _send_chat_action(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _pin_chat_message(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        chat = self._chat(params)
        message_id = _as_int(params.get("message_id"), "message_id")
        if message_id not in chat.messages:
            raise _ApiError(400, "Bad Request: message to pin not found")
        if message_id in chat.pinned:
            chat.pinned.remove(message_id)
        chat.pinned.append(message_id)
        return True

    def _unpin_chat_message(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        chat = self._chat(params)
        if params.get("message_id") is None:
            if chat.pinned:
                chat.pinned.pop()
            return True
        message_id = _as_int(params.get("message_id"), "message_id")
        if message_id not in chat.pinned:
            raise _ApiError(400, "Bad Request: message to unpin not found")
        chat.pinned.remove(message_id)
        return True

    def _get_chat(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._chat(params, for_sending=False)
        info: JSONDict = {
            **chat.api,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }
        if chat.pinned and chat.pinned[-1] in chat.messages:
            info["pinned_message"] = chat.messages[chat.pinned[-1]].api
        return info

    def _leave_chat(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._chat(params, for_sending=False)
        return True

    def _set_chat_menu_button(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        chat_id: int | None = None
        if params.get("chat_id") is not None:
            chat_id = self._chat(params, for_sending=False).id
        button = params.get("menu_button")
        if button is None:
            self.menu_buttons.pop(chat_id, None)
        elif not isinstance(button, dict) or "type" not in button:
            raise _ApiError(400, "Bad Request: can't parse menu button JSON object")
        else:
            self.menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat_id: int | None = None
        if params.get("chat_id") is not None:
            chat_id = self._chat(params, for_sending=False).id
        button = self.menu_buttons.get(chat_id) or self.menu_buttons.get(None)
        return button if button is not None else {"type": "commands"}

    def _get_file(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        file = self._files.get(str(params.get("file_id") or ""))
        if file is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        if file.data is not None and len(file.data) > _MAX_DOWNLOAD_BYTES:
            raise _ApiError(400, "Bad Request: file is too big")
        result: JSONDict = {"file_id": file.file_id, "file_unique_id": file.unique_id}
        if file.data is not None:
            result["file_size"] = len(file.data)
        result["file_path"] = file.path
        return result
