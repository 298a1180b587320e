"""What the bot says when someone may be in danger, built from the crisis resource file.

Plain functions, no Telegram: they take a `Country | None` and return text. Crisis help never
depends on consent, storage or a schedule, so nothing here touches the database.
Wording follows docs/safety.md: validate first, brief, warm, no promises, no method talk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from babel import Locale, UnknownLocaleError

from bot.triage import Level
from content.resources import Country, Line, Resources
from content.safety_texts import text

# The lines most people reach for when no country is known yet (a safety net, not a guess).
WIDELY_USED = ("US", "GB", "IN", "AU", "CA")

# The English texts; every language's are in content/safety/<language>.yaml (one home each).
CRISIS_OPENING = text("en", "crisis_opening")
CRISIS_NOT_ALONE = text("en", "crisis_not_alone")
CRISIS_STAY = text("en", "crisis_stay")
CRISIS_BUTTON_SAFE = text("en", "button_safe")
CRISIS_BUTTON_MORE = text("en", "button_more")
SAFE_ACK = text("en", "safe_ack")
CONCERN_OPENING = text("en", "concern_opening")
CONCERN_PRO = text("en", "concern_pro")
CONCERN_DOMESTIC = text("en", "concern_domestic")
CONCERN_GROUND_BUTTON = text("en", "button_ground")
SAFETY_QUESTION = text("en", "safety_question")
SQ_YES = text("en", "answer_yes")
SQ_UNSURE = text("en", "answer_unsure")
SQ_NO = text("en", "answer_no")
SQ_NO_REPLY = text("en", "answer_no_reply")
FOLLOWUP = text("en", "followup")
CONCERN_AGAIN = text("en", "concern_again")
DECLINE_METHODS = text("en", "decline_methods")


def format_line(line: Line, lang: str = "en") -> str:
    ways: list[str] = []
    for kind, value in (
        ("way_call", line.phone),
        ("way_text", line.sms),
        ("way_whatsapp", line.whatsapp),
        ("way_chat", line.chat),
    ):
        if value:
            ways.append(text(lang, kind).format(value=value))
    if line.url and not line.chat:
        ways.append(line.url)
    out = f"• {line.name}: {', '.join(ways)}"
    details = [
        d
        for d in (
            line.hours if line.hours and "not stated" not in line.hours else None,
            text(lang, "covers").format(scope=line.scope)
            if line.scope and line.scope != "national"
            else None,
        )
        if d
    ]
    if details:
        out += f" ({'; '.join(details)})"
    return out


@cache
def _territories(lang: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(lang).territories)
    except (ValueError, TypeError, UnknownLocaleError):
        return {}


def country_name(country: Country, lang: str = "en") -> str:
    """The country's name in the reader's language (CLDR); in English, as our data gives it."""
    if lang == "en":
        return country.name
    return _territories(lang).get(country.code.upper(), country.name)


def emergency_line(country: Country, lang: str = "en") -> str:
    return text(lang, "emergency_in_country").format(
        country=country_name(country, lang), number=country.emergency
    )


def lines_block(
    resources: Resources, country: Country | None, *, youth: bool = False, lang: str = "en"
) -> str:
    """The lines to show, most urgent first; honest about gaps in our data. Service names are
    shown as their sources give them, in any language."""
    if country is None:
        parts = [text(lang, "emergency_unknown")]
        for code in WIDELY_USED:
            known = resources.country(code)
            if known and known.crisis:
                parts.append(
                    f"{country_name(known, lang)}: {format_line(known.crisis[0], lang)[2:]}"
                )
        parts.append(directories(resources, lang=lang))
        return "\n".join(parts)
    parts = [emergency_line(country, lang)]
    chosen = country.youth if youth and country.youth else country.crisis
    parts.extend(format_line(line, lang) for line in chosen[:3])
    if not chosen:
        parts.append(text(lang, "no_line_yet"))
        parts.append(directories(resources, lang=lang))
    elif country.gaps:
        incomplete = text(lang, "list_incomplete")
        gap = (
            (" " + " ".join(country.gaps[:1])) if lang == "en" else ""
        )  # the gap notes are English
        parts.append(incomplete + gap + " " + directories(resources, short=True, lang=lang))
    return "\n".join(parts)


def directories(resources: Resources, *, short: bool = False, lang: str = "en") -> str:
    if short:
        return text(lang, "more_lines").format(url=resources.international[0].url)
    names = ", ".join(f"{d.name} ({d.url})" for d in resources.international[:2])
    return text(lang, "directories").format(names=names)


def crisis_message(resources: Resources, country: Country | None, lang: str = "en") -> str:
    return "\n\n".join(
        [
            text(lang, "crisis_opening"),
            text(lang, "crisis_not_alone"),
            lines_block(resources, country, lang=lang),
            text(lang, "crisis_stay"),
        ]
    )


def still_here_message(country: Country | None, lang: str = "en") -> str:
    return text(lang, "still_here").format(emergency=emergency_number(country, lang))


def more_help_message(resources: Resources, country: Country | None, lang: str = "en") -> str:
    parts = [text(lang, "button_more") + ":"]
    if country is not None:
        for line in country.crisis[3:] + country.domestic_abuse[:2] + country.youth[:1]:
            parts.append(format_line(line, lang))
        if not country.domestic_abuse:
            parts.append(text(lang, "no_domestic_line"))
    parts.append(directories(resources, lang=lang))
    parts.append(text(lang, "more_help_tail"))
    return "\n".join(parts)


def concern_message(*, domestic: bool, lang: str = "en") -> str:
    parts = [text(lang, "concern_opening"), text(lang, "concern_pro")]
    if domestic:
        parts.append(text(lang, "concern_domestic"))
    parts.append(text(lang, "safety_question"))
    return "\n\n".join(parts)


def sos_message(
    resources: Resources, country: Country | None, *, checked: str, lang: str = "en"
) -> str:
    head = text(lang, "sos_opening") + "\n\n" + lines_block(resources, country, lang=lang)
    tail = text(lang, "sos_checked").format(checked=checked)
    if country is None:
        tail += " " + text(lang, "sos_no_country")
    return head + "\n\n" + tail


def youth_message(resources: Resources, country: Country | None, lang: str = "en") -> str:
    if country is not None and country.youth:
        return "\n".join(format_line(line, lang) for line in country.youth[:3])
    url = next(
        (d.url for d in resources.international if "Child" in d.name),
        resources.international[0].url,
    )
    return "• " + text(lang, "youth_directory").format(url=url)


def emergency_number(country: Country | None, lang: str = "en") -> str:
    return country.emergency if country else text(lang, "your_emergency_number")


# ------------------------------------------------------------------ the direct question, once
ASK_AGAIN_AFTER = timedelta(hours=24)
# Tags that say how a level was reached, not what kind of risk it is.
_NOT_A_KIND = frozenset({"learned", "safety_answer_unsure", "recent_crisis", "low_mood_checkins"})


@dataclass(frozen=True)
class AskedQuestion:
    """When the bot last asked "are you having thoughts of ending your life?", and why."""

    at: datetime
    level: Level
    kinds: frozenset[str]
    answer: str | None = None  # "yes", "unsure", "no", or None while unanswered

    def answered(self, answer: str) -> AskedQuestion:
        return replace(self, answer=answer)


def risk_kinds(reasons: Iterable[str]) -> frozenset[str]:
    """The kinds of risk named by triage tags ("concern:substance" -> "substance")."""
    kinds = set()
    for tag in reasons:
        level, _, kind = tag.partition(":")
        if level in ("concern", "crisis") and kind and kind not in _NOT_A_KIND:
            kinds.add(kind)
    return frozenset(kinds)


def should_ask_again(
    previous: AskedQuestion | None, now: datetime, level: Level, kinds: frozenset[str]
) -> bool:
    """Ask the direct question at most once in 24 hours, unless something changed.

    Asked again when: it was never asked, or a day has passed; the level rose; a new kind of
    risk appeared; or the person answered "yes" or "not sure" last time (they were given
    crisis help then, and a new worry deserves the question again).
    """
    if previous is None or now - previous.at >= ASK_AGAIN_AFTER:
        return True
    if level > previous.level or kinds - previous.kinds:
        return True
    return previous.answer in ("yes", "unsure")
