"""Small helpers every handler module shares: services, replies, keyboards, per-user state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.callbacks import encode
from bot.services import Services
from scheduler.timecalc import parse_time_of_day

Context = ContextTypes.DEFAULT_TYPE
Button = tuple[str, str]  # (label, callback data)


def services(context: Context) -> Services:
    svc = context.application.bot_data["services"]
    assert isinstance(svc, Services)
    return svc


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def button(label: str, action: str, *args: str | int) -> Button:
    return (label, encode(action, *args))


TELEGRAM_TEXT_LIMIT = 4096


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split a long text into messages Telegram accepts, at paragraph or line breaks if it
    can, never losing a character. (Lengths are in UTF-16 units, as Telegram counts.)"""

    def units(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2

    parts: list[str] = []
    rest = text
    while units(rest) > limit:
        cut = limit
        while units(rest[:cut]) > limit:
            cut -= 1
        window = rest[:cut]
        for sep in ("\n\n", "\n", " "):
            at = window.rfind(sep)
            if at > cut // 2:
                cut = at + len(sep)
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:]
    parts.append(rest)
    return [p for p in parts if p.strip()] or [text[:limit]]


def time_button(hhmm: str, action: str, *prefix: str) -> Button:
    """A button for a time of day; ':' can't travel in callback data, so it becomes '.'."""
    return button(hhmm, action, *prefix, hhmm.replace(":", "."))


def time_from_button(arg: str) -> time | None:
    return parse_time_of_day(arg.replace(".", ":"))


async def reply(
    update: Update, text: str, rows: Sequence[Sequence[Button]] | None = None
) -> Message | None:
    """Send a new message to the chat the update came from (never quoting in groups).

    A text over Telegram's limit goes out in several messages; buttons go on the last."""
    chat = update.effective_chat
    if chat is None:
        return None
    chunks = split_text(text)
    for chunk in chunks[:-1]:
        await chat.send_message(chunk)
    markup = keyboard(rows) if rows else None
    return await chat.send_message(chunks[-1], reply_markup=markup)


def user_state(context: Context) -> dict[str, Any]:
    """In-memory, per-user conversation state (what we are waiting for). Never persisted."""
    data = context.user_data
    assert data is not None
    return data


def set_waiting(context: Context, what: str | None, **extra: Any) -> None:
    """What free text means next. None is remembered too: "nothing", which is different from
    "unknown" (no key, e.g. after a restart, when the stored onboarding step is used)."""
    state = user_state(context)
    state["await"] = what
    state["await_extra"] = extra if what is not None else {}


def local_now(now: datetime, tz: str | None) -> datetime:
    try:
        return now.astimezone(ZoneInfo(tz or "UTC"))
    except (KeyError, ValueError):
        return now.astimezone(ZoneInfo("UTC"))


def remember_country(context: Context, country: str | None) -> None:
    """Cache the country in memory so /sos shows local lines even with the database down."""
    user_state(context)["country"] = country
