"""What every handler module shares: the typed context, services, replies and keyboards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackContext, ExtBot

from bot.callbacks import encode
from bot.flow import Flow
from bot.i18n import DEFAULT, LANGUAGES, Tr, supported, tr
from bot.services import Services
from bot.storage import User
from bot.transport.replies import URGENT
from bot.triage import TriageResult
from content.loader import Library
from scheduler.timecalc import parse_time_of_day


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The per-update context every handler receives: PTB's, plus the person's flow state.

    The flow is loaded once before the handlers run and saved once after
    (`bot.wiring.app.TrustApplication`); handlers read and change `context.flow` and never touch
    `user_data`, which PTB would keep for every person forever."""

    person_id: int | None = None
    # This update's triage result, once the gate (group -1) has run on its text.
    triage: TriageResult | None = None
    # The language Telegram reports for the person (one of ours, else None).
    telegram_lang: str | None = None

    @classmethod
    def from_update(cls, update: object, application: Any) -> Context:
        context = super().from_update(update, application)
        context.person_id = flow_key(update)
        if isinstance(update, Update) and update.effective_user is not None:
            context.telegram_lang = supported(update.effective_user.language_code)
        return context

    @property
    def lang(self) -> str:
        """The language this person reads: their choice (this session, else kept with a
        consent), else the one Telegram reports, else English."""
        if self.person_id is not None:
            chosen = self.flow.lang
            if chosen in LANGUAGES:
                return chosen
            person = self.person
            if person is not None and person.language in LANGUAGES:
                return person.language
        return self.telegram_lang or DEFAULT

    @property
    def t(self) -> Tr:
        """Every word in the person's language: ``context.t(texts.X, name=...)``."""
        return tr(self.lang)

    @property
    def library(self) -> Library:
        """Lessons and meditations in the person's language (English where one is missing)."""
        return self.services.library_in(self.lang)

    @property
    def services(self) -> Services:
        svc = self.application.bot_data["services"]
        assert isinstance(svc, Services)
        return svc

    @property
    def user_id(self) -> int:
        """The person this private-chat update is from. The private-only gate (group -2) has
        already answered any update without a sender, so handlers can rely on it."""
        if self.person_id is None:
            raise LookupError("an update without a person reached a feature handler")
        return self.person_id

    @property
    def person(self) -> User | None:
        """The stored user as this update found them (None: not stored, or the database was
        down). Read once with the flow; a handler that changes the user reads it again."""
        if self.person_id is None:
            return None
        return self.services.people.get(self.person_id)

    @property
    def flow(self) -> Flow:
        if self.person_id is None:
            return Flow()  # not a private chat with a person: nothing to remember
        return self.services.flow(self.person_id)


def flow_key(update: object) -> int | None:
    """Whose flow an update belongs to: the person, in a private chat only."""
    if not isinstance(update, Update) or update.effective_user is None:
        return None
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        return None
    return update.effective_user.id


Button = tuple[str, str]  # (label, callback data)


def services(context: Context) -> Services:
    return context.services


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
    update: Update,
    text: str,
    rows: Sequence[Sequence[Button]] | None = None,
    *,
    urgent: bool = False,
) -> Message | None:
    """Send a new message to the chat the update came from (never quoting in groups).

    A text over Telegram's limit goes out in several messages; buttons go on the last.
    `urgent` (crisis help) jumps the chat's queue of replies and is retried even after a
    timeout (bot/transport/replies.py)."""
    chat = update.effective_chat
    if chat is None:
        return None
    bot = update.get_bot()
    assert isinstance(bot, ExtBot)  # the application's bot: it takes rate_limit_args
    limit = URGENT if urgent else None
    chunks = split_text(text)
    for chunk in chunks[:-1]:
        await bot.send_message(chat.id, chunk, rate_limit_args=limit)
    markup = keyboard(rows) if rows else None
    return await bot.send_message(chat.id, chunks[-1], reply_markup=markup, rate_limit_args=limit)


async def consenting(update: Update, context: Context, consent: str, refusal: str) -> User | None:
    """The stored person when their ``consent`` is on; otherwise ``refusal`` (a catalogue
    message saying what needs switching on) is the answer, and None."""
    # A database that can't be reached is said as such (the router's kind answer), never as
    # a consent that is off.
    person = await context.services.db().get_user(context.user_id)
    if person is None or not person.consent(consent):
        await reply(update, context.t(refusal))
        return None
    return person


def local_now(now: datetime, tz: str | None) -> datetime:
    try:
        return now.astimezone(ZoneInfo(tz or "UTC"))
    except (KeyError, ValueError):
        return now.astimezone(ZoneInfo("UTC"))


def remember_country(context: Context, country: str | None) -> None:
    """Keep the country in the flow so /sos shows local lines even with the database down."""
    context.flow.country = country
