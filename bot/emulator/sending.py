"""Bot API methods that send: ``sendMessage``, ``sendDocument``, ``sendPhoto``,
``sendChatAction`` and ``getFile``, with replies linked, uploads and file ids resolved, and
each new bot message stored in its chat and transcript.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.emulator.params import _as_bool, _as_int, _caption, _image_size, _markup, _text
from bot.emulator.records import (
    _ERR_CHAT_NOT_FOUND,
    _ERR_TEXT_LONG,
    MAX_TEXT_LENGTH,
    JSONDict,
    SentMessage,
    _ApiError,
    _Chat,
    _Msg,
    _Upload,
)
from bot.emulator.state import EmulatorState

_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

_CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)


class SendingMethods(EmulatorState):
    """New messages from the bot, and the files behind them."""

    def _send_message(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat = self._chat(params)
        text, entities, source, parse_mode = _text(
            params, "text", "parse_mode", "entities", MAX_TEXT_LENGTH, _ERR_TEXT_LONG, required=True
        )
        markup = _markup(params)
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
        content, caption, entities, source, parse_mode = _caption(params)
        markup = _markup(params)
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
        content, caption, entities, source, parse_mode = _caption(params)
        markup = _markup(params)
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

    def _send_chat_action(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

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
