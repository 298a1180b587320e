"""Reading a Bot API request and validating its parameters: form, JSON and multipart bodies
decoded the way python-telegram-bot encodes them, ``chat_id``-style integers and booleans,
text and captions against Telegram's limits, inline keyboards, and image sizes of uploaded
photos. Everything here is a plain function of the request; none of it touches state.
"""

from __future__ import annotations

import json
import re
import struct
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

from bot.emulator.records import (
    _ERR_BUTTON_DATA,
    _ERR_CAPTION_LONG,
    _ERR_TEXT_EMPTY,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    JSONDict,
    _ApiError,
    _Upload,
)
from bot.emulator.text import _format, _trim, utf16_length

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


async def _read_params(request: web.Request) -> tuple[JSONDict, dict[str, _Upload], int]:
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
                files[part.name] = _Upload(data, part.filename, part.headers.get("Content-Type"))
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


def _text(
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


def _caption(
    params: JSONDict,
) -> tuple[JSONDict, str | None, list[JSONDict], str | None, str | None]:
    caption, entities, source, parse_mode = _text(
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


def _markup(params: JSONDict) -> JSONDict | None:
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
