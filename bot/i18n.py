"""The language a person reads, and every word the bot says in it.

English is the source: each sentence in `bot/texts.py` is marked with :func:`N_` (or :func:`NP_`
for a sentence with a count), and `pybabel extract` collects them into
``content/locales/trustbot.pot``. Each language has a gettext catalogue,
``content/locales/<language>/LC_MESSAGES/trustbot.po``, which Babel compiles in memory when
it is first needed, so there is no compiled file to forget to rebuild. A sentence missing from
a catalogue comes out in English, never as a crash (`trustbot content check` reports it).

Dates, times, weekdays and country names come from Babel's locale data (CLDR), and plural
forms from the catalogue's own rule (Russian has three: one, few, many).
"""

from __future__ import annotations

import gettext
import io
import logging
from dataclasses import dataclass
from datetime import date as Date
from datetime import time as Time
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

DEFAULT = "en"
# Babel locale for formatting: English as most of the bot's readers outside the US write it
# (24-hour clock, day before month), which is also what the English texts always showed.
FORMAT_LOCALE = {"en": "en_GB"}
DOMAIN = "trustbot"
LOCALES = Path(__file__).resolve().parent.parent / "content" / "locales"


def _languages() -> dict[str, str]:
    """English, then every language with a catalogue, each by its own name ("Русский"): a
    volunteer adds a language by adding its files, without touching code."""
    found = {DEFAULT: "English"}
    if LOCALES.is_dir():
        for path in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            code = path.parent.parent.name
            try:
                name = Locale.parse(code).get_display_name(code) or code
            except ValueError:
                continue
            found[code] = name[:1].upper() + name[1:]
    return found


# The languages the whole bot speaks, each by its own name (the /language buttons).
LANGUAGES: dict[str, str] = _languages()


def N_(message: str) -> str:
    """Mark an English sentence for the catalogue; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Plural:
    """A sentence with a count in it: English has two forms, other languages one to six."""

    singular: str
    plural: str


def NP_(singular: str, plural: str) -> Plural:
    """Mark a sentence with a count for the catalogue (`pybabel extract -k NP_:1,2`)."""
    return Plural(singular, plural)


def supported(code: str | None) -> str | None:
    """The language of ours that Telegram's `language_code` ("ru", "es-419", "en-GB") names."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def po_path(lang: str, root: Path | None = None) -> Path:
    return (root or LOCALES) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``; English (and anything unreadable) passes through."""
    path = po_path(lang)
    if lang == DEFAULT or not path.is_file():
        return gettext.NullTranslations()
    try:
        with path.open("rb") as f:
            source = read_po(f, locale=lang, domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, source, use_fuzzy=False)
        compiled.seek(0)
        return gettext.GNUTranslations(compiled)
    except Exception as exc:  # a broken catalogue must never stop the bot: English instead
        log.error("catalogue %s unreadable (%s); English is used", lang, type(exc).__name__)
        return gettext.NullTranslations()


Width = Literal["abbreviated", "narrow", "short", "wide"]


class Tr:
    """Every word for one language: ``t(texts.X, name=...)`` translates, then fills in."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self.locale = Locale.parse(FORMAT_LOCALE.get(self.lang, self.lang))
        self._catalogue = catalogue(self.lang)

    def __call__(self, message: str, /, **values: object) -> str:
        said = self._catalogue.gettext(message)
        return _fill(said, message, values)

    def n(self, message: Plural, count: int, /, **values: object) -> str:
        """The form of ``message`` for ``count`` (``{n}`` in the sentence is the count)."""
        said = self._catalogue.ngettext(message.singular, message.plural, count)
        english = message.singular if count == 1 else message.plural
        return _fill(said, english, {"n": self.number(count), **values})

    def number(self, value: int) -> str:
        return str(format_decimal(value, locale=self.locale))

    def decimal(self, value: float) -> str:
        """One decimal place, with the language's decimal mark ("3.5", "3,5")."""
        return str(format_decimal(round(value, 1), format="0.0", locale=self.locale))

    def time(self, value: Time) -> str:
        return str(format_time(value, "short", locale=self.locale))

    def date(self, value: Date) -> str:
        return str(format_date(value, "medium", locale=self.locale))

    def day_month(self, value: Date) -> str:
        """ "4 Dec", "4 дек.", "4 dic": a chart's axis."""
        return str(format_date(value, "d MMM", locale=self.locale))

    def weekday(self, index: int, width: Width = "abbreviated") -> str:
        """Monday = 0; as the language writes it standing alone (a button, a list)."""
        names = get_day_names(width, context="stand-alone", locale=self.locale)
        return str(names[index])

    def country(self, code: str, fallback: str) -> str:
        """A country's name in this language (CLDR), else the name our data gives."""
        return str(self.locale.territories.get(code.upper(), fallback))

    def country_code(self, name: str) -> str | None:
        """The ISO code of a country named in this language ("Германия" -> "DE"), else None."""
        wanted = " ".join(name.casefold().split())
        for code, territory in self.locale.territories.items():
            if len(code) == 2 and code.isalpha() and territory.casefold() == wanted:
                return str(code)
        return None


def _fill(said: str, english: str, values: dict[str, object]) -> str:
    if not values:
        return said
    try:
        return said.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation that lost or renamed a {placeholder}: English is better than nothing.
        log.error("translation of %r has a broken placeholder", english[:40])
        return english.format(**values)


@cache
def tr(lang: str) -> Tr:
    return Tr(lang)
