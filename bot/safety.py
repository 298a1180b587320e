"""What the bot says when someone may be in danger, built from the crisis resource file.

Plain functions, no Telegram: they take a `Country | None` and return text. Crisis help never
depends on consent, storage or a schedule, so nothing here touches the database.
Wording follows SAFETY.md: validate first, brief, warm, no promises, no method talk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.triage import Level
from content.resources import Country, Line, Resources

# The lines most people reach for when no country is known yet (a safety net, not a guess).
WIDELY_USED = ("US", "GB", "IN", "AU", "CA")

CRISIS_OPENING = (
    "I'm really glad you told me. What you're going through sounds very heavy, "
    "and you deserve support from a person right now."
)
CRISIS_NOT_ALONE = (
    "Please reach out to one of these now. The people there talk with someone in your "
    "situation every day:"
)
CRISIS_STAY = (
    "I'm still here. If you can, tell someone near you how you're feeling, "
    "and stay with them while you call."
)
CRISIS_BUTTON_SAFE = "I'm safe right now"
CRISIS_BUTTON_MORE = "More ways to get help"

SAFE_ACK = (
    "Thank you for letting me know. I'm glad you're safe right now. "
    "If that changes, even in the middle of the night, /sos is here. "
    "Would a calming practice help? Try /meditate, or make a /safetyplan for hard moments."
)
CONCERN_OPENING = (
    "Thank you for sharing that. It sounds like a lot to carry, and it makes sense "
    "that it's weighing on you."
)
CONCERN_PRO = (
    "This might be a good moment to talk with a professional: a GP or family doctor, "
    "a therapist or a counsellor. They can help with exactly this, and /help says how "
    "to find one."
)
CONCERN_DOMESTIC = (
    "What you describe sounds like it could be controlling behaviour. Domestic-abuse "
    "services talk with people about this every day, confidentially, even when "
    "nothing physical has happened."
)
CONCERN_GROUND_BUTTON = "A grounding exercise now"
SAFETY_QUESTION = (
    "I'd like to ask you something directly, and it's okay to answer honestly: "
    "are you having thoughts of ending your life?"
)
SQ_YES = "Yes"
SQ_UNSURE = "I'm not sure"
SQ_NO = "No"
SQ_NO_REPLY = (
    "Thank you for answering. I'm glad. If those thoughts ever do come, /sos is here "
    "any time. Would a grounding exercise help right now?"
)
FOLLOWUP = (
    "Hi. I was thinking of you after yesterday, and wanted to check in gently. "
    "How are you today? /checkin if you'd like to tell me, and /sos is always here."
)
CONCERN_AGAIN = (
    "Thank you for telling me. It still sounds really hard, and I'm glad you're writing to me "
    "about it. If it gets heavier, /sos has people you can talk to any time. A short grounding "
    "practice might help for a few minutes right now."
)
DECLINE_METHODS = (
    "I can't help with that. I don't share information about ways to get hurt. "
    "It sounds like you might be going through something really painful, though, "
    "and I'd like to help you reach someone who can."
)


def format_line(line: Line) -> str:
    ways: list[str] = []
    if line.phone:
        ways.append(f"call {line.phone}")
    if line.sms:
        ways.append(f"text {line.sms}")
    if line.whatsapp:
        ways.append(f"WhatsApp {line.whatsapp}")
    if line.chat:
        ways.append(f"chat {line.chat}")
    if line.url and not line.chat:
        ways.append(line.url)
    text = f"• {line.name}: {', '.join(ways)}"
    details = [
        d
        for d in (
            line.hours if line.hours and "not stated" not in line.hours else None,
            f"covers {line.scope}" if line.scope and line.scope != "national" else None,
        )
        if d
    ]
    if details:
        text += f" ({'; '.join(details)})"
    return text


def emergency_line(country: Country) -> str:
    return f"🚨 In immediate danger in {country.name}: call {country.emergency}."


def lines_block(resources: Resources, country: Country | None, *, youth: bool = False) -> str:
    """The lines to show, most urgent first; honest about gaps in our data."""
    if country is None:
        parts = [
            "🚨 In immediate danger: call your local emergency number (112 in Europe, "
            "911 in North America, 999 in the UK, 000 in Australia)."
        ]
        for code in WIDELY_USED:
            known = resources.country(code)
            if known and known.crisis:
                parts.append(f"{known.name}: {format_line(known.crisis[0])[2:]}")
        parts.append(directories(resources))
        return "\n".join(parts)
    parts = [emergency_line(country)]
    chosen = country.youth if youth and country.youth else country.crisis
    parts.extend(format_line(line) for line in chosen[:3])
    if not chosen:
        parts.append("I don't have a checked crisis line for this country yet.")
        parts.append(directories(resources))
    elif country.gaps:
        parts.append(
            "Our list for this country is incomplete: "
            + " ".join(country.gaps[:1])
            + " "
            + directories(resources, short=True)
        )
    return "\n".join(parts)


def directories(resources: Resources, *, short: bool = False) -> str:
    if short:
        return f"More lines: {resources.international[0].url}"
    names = ", ".join(f"{d.name} ({d.url})" for d in resources.international[:2])
    return f"Helpline directories for every country: {names}"


def crisis_message(resources: Resources, country: Country | None) -> str:
    return "\n\n".join(
        [CRISIS_OPENING, CRISIS_NOT_ALONE, lines_block(resources, country), CRISIS_STAY]
    )


def still_here_message(country: Country | None) -> str:
    return (
        "Thank you for letting me know. I'm still here, and I'm glad you wrote. "
        "If things feel heavy again, even later tonight, please reach out: "
        f"{emergency_number(country)} in an emergency, or /sos for crisis lines."
    )


def more_help_message(resources: Resources, country: Country | None) -> str:
    parts = ["More ways to get help:"]
    if country is not None:
        for line in country.crisis[3:] + country.domestic_abuse[:2] + country.youth[:1]:
            parts.append(format_line(line))
        if not country.domestic_abuse:
            parts.append("(I don't have a checked domestic-abuse line for this country yet.)")
    parts.append(directories(resources))
    parts.append(
        "You can also go to the nearest emergency department, or ask someone you trust "
        "to stay with you. Making a /safetyplan for hard moments can help too."
    )
    return "\n".join(parts)


def concern_message(*, domestic: bool) -> str:
    parts = [CONCERN_OPENING, CONCERN_PRO]
    if domestic:
        parts.append(CONCERN_DOMESTIC)
    parts.append(SAFETY_QUESTION)
    return "\n\n".join(parts)


def sos_message(resources: Resources, country: Country | None, *, checked: str) -> str:
    head = "You're not alone, and it's okay to ask for help.\n\n" + lines_block(resources, country)
    tail = (
        f"Lines last checked {checked}; numbers can change, so if one doesn't answer, "
        "try the emergency number or a directory."
    )
    if country is None:
        tail += " Tell me your country in /settings and I'll show lines near you."
    return head + "\n\n" + tail


def youth_message(resources: Resources, country: Country | None) -> str:
    if country is not None and country.youth:
        return "\n".join(format_line(line) for line in country.youth[:3])
    return "• Child Helpline International lists free lines for young people: " + next(
        (d.url for d in resources.international if "Child" in d.name),
        resources.international[0].url,
    )


def emergency_number(country: Country | None) -> str:
    return country.emergency if country else "your local emergency number"


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
