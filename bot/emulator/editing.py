"""Bot API methods that change what is already there: ``editMessageText``,
``editMessageCaption``, ``editMessageReplyMarkup``, ``deleteMessage``, ``answerCallbackQuery``
and pinning, with Telegram's "message is not modified" and not-found errors.
"""

from __future__ import annotations

from dataclasses import replace

from bot.emulator.params import _as_int, _caption, _markup, _text
from bot.emulator.records import (
    _ERR_EDIT_NOT_FOUND,
    _ERR_NOT_MODIFIED,
    _ERR_QUERY_INVALID,
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


class EditingMethods(EmulatorState):
    """Edits, deletions, callback answers and pins."""

    def _edit_message_text(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat, stored = self._editable(params)
        assert stored.sent is not None
        if "text" not in stored.api:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities, source, parse_mode = _text(
            params, "text", "parse_mode", "entities", MAX_TEXT_LENGTH, _ERR_TEXT_LONG, required=True
        )
        markup = _markup(params)
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
        _, caption, entities, source, parse_mode = _caption(params)
        markup = _markup(params)
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
        markup = _markup(params)
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
