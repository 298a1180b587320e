"""The user side: scripted users write, edit, send stickers, photos, voice notes and
documents, press inline buttons and block the bot. Each act is stored in its chat like
Telegram would store it and queued as an Update for ``getUpdates``.
"""

from __future__ import annotations

from typing import Any

from bot.emulator.records import JSONDict, _Chat, _Msg
from bot.emulator.state import EmulatorState
from bot.emulator.text import _command_entities

# A 1x1 transparent PNG: what a user's photo contains when the bot downloads it.
_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class UserSide(EmulatorState):
    """What the people on the other side of the bot do."""

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

    def send_raw(self, kind: str, payload: JSONDict) -> JSONDict:
        """Queue an update of ``kind`` exactly as given: for updates no scripted user makes
        (a message without ``from``, an inline-message press, a field Telegram never omits)."""
        if kind == "callback_query" and isinstance(payload.get("id"), str):
            self._callbacks.setdefault(payload["id"], [])  # so that it can be answered
        return self._queue_update(kind, payload)

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
