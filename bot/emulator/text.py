"""Text the way Telegram measures and marks it: lengths in UTF-16 code units, whitespace
trimmed with entities kept aligned, ``parse_mode`` refused (trustbot sends plain text), and the
``bot_command`` entities Telegram finds in what a user writes.
"""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.records import JSONDict, _ApiError

# TDLib's bot command regex: /command (1-64) with an optional @username (3-32), not glued to
# a word, '/', '<' or '>' on either side.
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")


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
