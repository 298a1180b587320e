"""What the emulator remembers, and the few helpers every part uses on it.

``EmulatorState`` holds the bot's identity, the chats (with their messages and transcripts),
users, files, the update queue, planned faults, waiters and counters. The user side, the
Bot API method groups, the fault plans and the server are mixins over this one class, and
``BotAPIEmulator`` (in ``server``) puts them together.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator.records import (
    _ERR_BLOCKED,
    _ERR_CHAT_NOT_FOUND,
    Call,
    JSONDict,
    SentMessage,
    _ApiError,
    _Chat,
    _Fault,
    _File,
    _Signal,
)

# Update types Telegram sends when allowed_updates was never set (or set to []).
_DEFAULT_ALLOWED = frozenset(
    "message edited_message channel_post edited_channel_post business_connection "
    "business_message edited_business_message deleted_business_messages inline_query "
    "chosen_inline_result callback_query shipping_query pre_checkout_query "
    "purchased_paid_media poll poll_answer my_chat_member chat_join_request chat_boost "
    "removed_chat_boost".split()
)


class EmulatorState:
    """The emulator's memory; see ``BotAPIEmulator`` for the public constructor."""

    def __init__(
        self,
        token: str,
        *,
        latency: float,
        bot_username: str,
        bot_first_name: str,
        clock: Callable[[], float | dt.datetime],
        sleep: Callable[[float], Awaitable[None]],
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
        self.webhook_secret: str = ""
        self._webhook_task: asyncio.Task[None] | None = None
        self._init_records()

    def _init_records(self) -> None:
        """Chats, users, files, the update queue, faults, waiters and counters: all empty."""
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
        self._closing = False

    def _now(self) -> int:
        now = self._clock()
        return int(now.timestamp() if isinstance(now, dt.datetime) else now)

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

    def _append_transcript(self, chat: _Chat, snapshot: SentMessage) -> None:
        chat.transcript.append(snapshot)
        self._messages_sent += 1
        signal = self._chat_signals.get(chat.id)
        if signal is not None:
            signal.fire()
