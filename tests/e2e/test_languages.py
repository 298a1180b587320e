"""The whole bot in English, Russian and Spanish, chosen from Telegram and changeable.

Each first session (onboarding, a lesson, a check-in with a note, a meditation, /sos, a crisis
message, /privacy, /delete) runs against the emulator in each language; a crawler presses every
button of every screen a Russian and a Spanish speaker can reach, and no English may be left in
anything they read (tests/language_check.py says how that is judged).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Bot

from bot import texts
from bot.callbacks import encode
from bot.emulator.records import SentMessage
from bot.i18n import LANGUAGES, tr
from content.safety_texts import text as said_in
from content.translations import localized
from tests.conftest import Harness, buttons, text_of, with_buttons
from tests.language_check import english_left

NOTE = {
    "en": "A calm day at work, and I slept well.",
    "ru": "Спокойный день на работе, и я хорошо выспалась.",
    "es": "Un día tranquilo en el trabajo y dormí bien.",
}
CRISIS = {
    "en": "I don't want to be alive anymore.",
    "ru": "Я больше не хочу жить.",
    "es": "Ya no quiero seguir viviendo.",
}
COUNTRY = {"en": "GB", "ru": "RU", "es": "ES"}


class Person:
    """One person whose Telegram reports ``lang``; keeps everything the bot showed them."""

    def __init__(self, bot: Harness, uid: int, lang: str) -> None:
        self.bot, self.uid, self.lang = bot, uid, lang
        self.read: list[SentMessage] = []

    async def say(self, text: str) -> list[SentMessage]:
        replies = await self.bot.say(self.uid, text, language_code=self.lang)
        self.read += replies
        return replies

    async def press(self, message: SentMessage, action: str, *args: str | int) -> list[SentMessage]:
        data = encode(action, *args)
        assert data in [d for _, d in buttons(message)], (data, buttons(message))
        replies = await self.bot.press_data(self.uid, message.message_id, data)
        self.read += replies
        return replies

    def current(self, message: SentMessage) -> SentMessage:
        return self.bot.emulator.current_message(self.uid, message.message_id) or message


def everything_read(messages: list[SentMessage]) -> list[str]:
    out: list[str] = []
    for message in messages:
        out.append(message.text or message.caption or "")
        out += [label for label, _ in buttons(message)]
    return [text for text in out if text]


async def first_session(bot: Harness, uid: int, lang: str) -> Person:
    person = Person(bot, uid, lang)
    t = tr(lang)
    replies = await person.say("/start")
    assert t(texts.WELCOME).split("\n")[0] in text_of(replies)
    consent = with_buttons(await person.press(with_buttons(replies), "age", "ok"))
    for name in ("reminders", "progress", "journal"):
        await person.press(person.current(consent), "consent", name)
    replies = await person.press(person.current(consent), "consent", "done")
    assert t(texts.TIME_QUESTION) in text_of(replies)
    replies = await person.press(with_buttons(replies), "time", "08.00")
    replies = await person.say("Europe/Madrid")
    replies = await person.press(with_buttons(replies), "tzok", "yes")
    replies = await person.press(with_buttons(replies), "country", COUNTRY[lang])
    assert t(texts.ONBOARDED).split("\n")[0] in text_of(replies)
    stored = await bot.services.db().get_user(uid)
    assert stored is not None and stored.language == lang  # kept: reminders are on

    library = localized(lang) if lang != "en" else bot.services.library
    assert library is not None
    first = library.path()[0]
    assert first.title in text_of(await person.say("/lesson"))

    replies = await person.say("/checkin")
    replies = await person.press(with_buttons(replies), "mood", 4, "c")
    assert t(texts.NOTE_QUESTION) in text_of(replies)
    assert t(texts.NOTE_SAVED) in text_of(await person.say(NOTE[lang]))

    replies = await person.say("/meditate")
    meditation = library.meditations[0]
    replies = await person.press(with_buttons(replies), "med", "start", meditation.id)
    assert meditation.steps[0].split()[0] in text_of(replies)

    sos = text_of(await person.say("/sos"))
    assert said_in(lang, "sos_opening") in sos
    crisis = text_of(await person.say(CRISIS[lang]))
    assert said_in(lang, "crisis_opening") in crisis

    replies = await person.say("/privacy")
    assert t(texts.PRIV_HEADER) in text_of(replies)
    replies = await person.say("/delete")
    done = await person.press(with_buttons(replies), "del", "yes")
    assert t(texts.DELETE_DONE) in text_of(done)
    assert await bot.services.db().get_user(uid) is None
    return person


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
async def test_the_first_session_in_each_language(bot: Harness, lang: str) -> None:
    person = await first_session(bot, 600 + sorted(LANGUAGES).index(lang), lang)
    read = everything_read(person.read)
    if lang == "en":
        assert any(english_left(text) for text in read)  # the checker sees English as English
    else:
        left = {text[:60]: english_left(text) for text in read if english_left(text)}
        assert left == {}


async def test_switching_language_mid_session_and_what_is_kept(bot: Harness) -> None:
    person = Person(bot, 610, "en")
    replies = await person.say("/start")
    assert "/language" in text_of(replies)  # one line says how to change it
    consent = with_buttons(await person.press(with_buttons(replies), "age", "ok"))
    await person.press(person.current(consent), "consent", "progress")
    await person.press(person.current(consent), "consent", "done")

    replies = await person.say("/language")
    assert [label for label, _ in buttons(with_buttons(replies))] == list(LANGUAGES.values())
    answer = text_of(await person.press(with_buttons(replies), "lang", "ru"))
    assert answer == tr("ru")(texts.LANGUAGE_SET)
    # Telegram still says English; the choice wins, and is kept (progress keeps settings).
    assert tr("ru")(texts.HELP_COMMANDS) in text_of(await person.say("/help"))
    stored = await bot.services.db().get_user(610)
    assert stored is not None and stored.language == "ru"

    replies = await person.say("/language")
    await person.press(with_buttons(replies), "lang", "es")
    assert tr("es")(texts.MED_PICK) in text_of(await person.say("/meditate"))
    stored = await bot.services.db().get_user(610)
    assert stored is not None and stored.language == "es"

    # Progress off: nothing keeps settings any more, so the stored language goes; the session
    # keeps speaking Spanish until it ends.
    replies = await person.say("/privacy")
    await person.press(with_buttons(replies), "priv", "progress")
    stored = await bot.services.db().get_user(610)
    assert stored is not None and stored.language is None
    assert tr("es")(texts.HELP_COMMANDS) in text_of(await person.say("/help"))


async def test_switching_a_consent_on_in_privacy_keeps_the_language(bot: Harness) -> None:
    person = Person(bot, 613, "ru")
    replies = await person.say("/start")
    consent = with_buttons(await person.press(with_buttons(replies), "age", "ok"))
    await person.press(person.current(consent), "consent", "done")
    replies = await person.press(with_buttons(person.read), "country", "skip")
    stored = await bot.services.db().get_user(613)
    assert stored is not None and stored.language is None  # nothing may be kept yet
    privacy = with_buttons(await person.say("/privacy"))
    await person.press(privacy, "priv", "progress")
    stored = await bot.services.db().get_user(613)
    assert stored is not None and stored.language == "ru"  # so prompts come in Russian


async def test_without_consent_the_choice_lasts_for_the_session_only(bot: Harness) -> None:
    person = Person(bot, 611, "ru")
    replies = await person.say("/start")
    consent = with_buttons(await person.press(with_buttons(replies), "age", "ok"))
    await person.press(person.current(consent), "consent", "done")
    replies = await person.say("/language")
    answer = text_of(await person.press(with_buttons(replies), "lang", "es"))
    assert answer == tr("es")(texts.LANGUAGE_SET_SESSION)
    stored = await bot.services.db().get_user(611)
    assert stored is not None and stored.language is None
    assert tr("es")(texts.HELP_COMMANDS) in text_of(await person.say("/help"))
    # A restart forgets the session: Telegram's language (Russian) speaks again.
    bot.services.flows.drop(611)
    assert tr("ru")(texts.HELP_COMMANDS) in text_of(await person.say("/help"))


async def test_a_crisis_message_is_answered_in_its_own_language(bot: Harness) -> None:
    person = Person(bot, 612, "en")
    await person.say("/start")
    crisis = text_of(await person.say("Я больше не хочу жить, я всё решила."))
    assert said_in("ru", "crisis_opening") in crisis
    # The rest of the bot still speaks the person's language.
    assert texts.HELP_COMMANDS in text_of(await person.say("/help"))


async def test_the_command_menu_is_set_in_each_language(bot: Harness) -> None:
    menus: dict[str, Any] = bot.emulator.commands
    for lang in LANGUAGES:
        key = "default" if lang == "en" else f"default/{lang}"
        described = {c["command"]: c["description"] for c in menus[key]}
        assert described["sos"] == tr(lang)(dict(texts.COMMANDS)["sos"])
        assert "language" in described


BUTTON_BUDGET = 140


@pytest.mark.parametrize("lang", ["ru", "es"])
async def test_no_english_is_left_on_any_screen(bot: Harness, lang: str) -> None:
    """Every command, odd input and every button reachable from them, pressed once each."""
    person = Person(bot, 620 + ["ru", "es"].index(lang), lang)
    await first_session(bot, person.uid + 10, lang)  # onboarding and /delete screens
    replies = await person.say("/start")
    consent = with_buttons(await person.press(with_buttons(replies), "age", "ok"))
    for name in ("reminders", "progress", "journal"):
        await person.press(person.current(consent), "consent", name)
    replies = await person.press(person.current(consent), "consent", "done")
    await person.press(with_buttons(replies), "time", "08.00")
    await person.say("Europe/Madrid")
    await person.press(with_buttons(person.read), "tzok", "yes")
    await person.press(with_buttons(person.read), "country", "skip")
    for command, _ in texts.COMMANDS:
        if command not in ("delete", "start"):
            await person.say(f"/{command}")
    for odd in ("hello there", "/nonsense", "25:99"):
        await person.say(odd)
    person.read += await bot.inject(bot.emulator.send_sticker(person.uid), person.uid)
    pressed: set[tuple[int, str]] = set()
    queue = [m for m in person.read if buttons(m)]
    while queue and len(pressed) < BUTTON_BUDGET:
        message = queue.pop(0)
        for _, data in buttons(message):
            key = (message.message_id, data)
            if key in pressed or data.endswith(":del:yes") or ":lang:" in data:
                continue
            pressed.add(key)
            replies = await bot.press_data(person.uid, message.message_id, data)
            person.read += replies
            queue += [m for m in replies if buttons(m)]
            current = person.current(message)
            if current is not message:
                person.read.append(current)
    assert len(pressed) >= 40  # the crawl reached well beyond the first screens
    read = everything_read(person.read)
    left = {text[:60]: english_left(text) for text in read if english_left(text)}
    assert left == {}


async def test_scheduled_prompts_come_in_the_kept_language(bot: Harness, sender: Bot) -> None:
    from datetime import timedelta

    from tests.e2e.test_scheduler import make_delivery

    person = Person(bot, 630, "es")
    replies = await person.say("/start")
    consent = with_buttons(await person.press(with_buttons(replies), "age", "ok"))
    await person.press(person.current(consent), "consent", "reminders")
    replies = await person.press(person.current(consent), "consent", "done")
    await person.press(with_buttons(replies), "time", "09.00")
    replies = await person.say("Europe/Madrid")
    await person.press(with_buttons(replies), "tzok", "yes")
    schedule = (await bot.services.db().schedules(630))[0]
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(datetime.fromtimestamp(schedule.next_due_at, UTC) + timedelta(seconds=5))
    assert (await delivery.tick()).sent == 1
    prompt = bot.emulator.messages_to(630)[-1]
    assert prompt.text == tr("es")(texts.CHECKIN_PROMPT)
    assert tr("es")(texts.REMIND_LATER) in [label for label, _ in buttons(prompt)]
