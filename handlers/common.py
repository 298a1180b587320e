"""Small helpers every handler module shares: services, replies, keyboards, per-user state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.callbacks import encode
from bot.services import Services

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


async def reply(
    update: Update, text: str, rows: Sequence[Sequence[Button]] | None = None
) -> Message | None:
    """Send a new message to the chat the update came from (never quoting in groups)."""
    chat = update.effective_chat
    if chat is None:
        return None
    markup = keyboard(rows) if rows else None
    return await chat.send_message(text, reply_markup=markup)


def user_state(context: Context) -> dict[str, Any]:
    """In-memory, per-user conversation state (what we are waiting for). Never persisted."""
    data = context.user_data
    assert data is not None
    return data


def set_waiting(context: Context, what: str | None, **extra: Any) -> None:
    state = user_state(context)
    if what is None:
        state.pop("await", None)
        state.pop("await_extra", None)
    else:
        state["await"] = what
        state["await_extra"] = extra


def local_now(now: datetime, tz: str | None) -> datetime:
    try:
        return now.astimezone(ZoneInfo(tz or "UTC"))
    except (KeyError, ValueError):
        return now.astimezone(ZoneInfo("UTC"))


def remember_country(context: Context, country: str | None) -> None:
    """Cache the country in memory so /sos shows local lines even with the database down."""
    user_state(context)["country"] = country
