"""The emulator's data model: the records it hands to tests (``Call``, ``SentMessage``), the
chats, messages, files, uploads and planned faults it keeps, the Bot API's limits and error
texts, and the two small mechanisms every part shares: ``_ApiError`` (an error answer in
Telegram's shape) and ``_Signal`` (a wake-up for waiters).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

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
