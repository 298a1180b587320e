"""What the bot did, for tests and benchmarks to read: each chat's transcript and the latest
state of a message, pinned messages, recorded calls, callback answers, waiting until
messages or calls arrive or a long poll is parked, and the counters of ``stats``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.emulator.records import Call, EmulatorTimeoutError, SentMessage, _Signal
from bot.emulator.state import EmulatorState


class History(EmulatorState):
    """Reading back what the bot sent and requested."""

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
