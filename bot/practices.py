"""The guided practices as plain data and functions: which questions each asks, how answers
become a card or a draft message, where the self-check suggests beginning, which day of the
face-value week it is, and which finished lesson the check-in recalls. No Telegram here.

A practice belongs to one rebuild-trust step (a lesson track); its words are in
`bot/practice_texts.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot import practice_texts as P
from bot.i18n import Tr

Question = tuple[str, str]  # (title, question), both catalogue messages


@dataclass(frozen=True)
class Practice:
    """A typed practice: a few questions, then a card of the answers (or a draft message)."""

    id: str
    track: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    card: str
    outro: str
    draft: str | None = None  # a template filled with the answers, by `names`
    names: tuple[str, ...] = ()
    chosen: str | None = None  # the feeling picked with a button (/triggered)


TYPED: dict[str, Practice] = {
    "ledger": Practice(
        "ledger", "suspicion", P.LEDGER_TITLE, P.LEDGER_INTRO, P.LEDGER_QUESTIONS,
        P.LEDGER_CARD, P.LEDGER_OUTRO,
    ),
    "closure": Practice(
        "closure", "closure", P.CLOSURE_TITLE, P.CLOSURE_INTRO, P.CLOSURE_QUESTIONS,
        P.CLOSURE_CARD, P.CLOSURE_OUTRO,
    ),
    "assert": Practice(
        "assert", "assertiveness", P.ASSERT_TITLE, P.ASSERT_INTRO, P.ASSERT_QUESTIONS,
        P.ASSERT_CARD, P.ASSERT_OUTRO, P.ASSERT_DRAFT, ("situation", "feeling", "want", "why"),
    ),
    "triggered": Practice(
        "triggered", "triggered", P.TRIGGERED_TITLE, P.TRIGGERED_INTRO, P.TRIGGERED_QUESTIONS,
        P.TRIGGERED_CARD, P.TRIGGERED_OUTRO, P.TRIGGERED_DRAFT, ("what", "because", "ask"),
        chosen="feeling",
    ),
}  # fmt: skip

# Each step's practice, by lesson track, with the command that opens it.
TRACK_PRACTICE: dict[str, tuple[str, str]] = {
    "awareness": ("selfcheck", P.SELF_TITLE),
    "suspicion": ("ledger", P.LEDGER_TITLE),
    "closure": ("letter", P.CLOSURE_TITLE),
    "values": ("values", P.VALUES_TITLE),
    "assertiveness": ("speakup", P.ASSERT_TITLE),
    "triggered": ("triggered", P.TRIGGERED_TITLE),
    "face_value": ("facevalue", P.FACE_TITLE),
}

MIN_VALUES, MAX_VALUES = 3, 5
FACE_DAYS = 7
RECALL_AFTER_DAYS = (1, 3, 7)


def card(t: Tr, practice: Practice, answers: Sequence[str], chosen: str = "") -> str:
    """What the person wrote, as a card: the draft message when the practice builds one,
    else each question's title and answer."""
    if practice.draft is not None:
        filled = dict(zip(practice.names, answers, strict=False))
        if practice.chosen:
            filled[practice.chosen] = chosen
        return t(practice.card) + "\n\n" + draft(t, practice.draft, filled)
    lines = [t(practice.card), ""]
    for (title, _question), answer in zip(practice.questions, answers, strict=False):
        lines.append(f"{t(title)}: {answer.strip() or t(P.NOT_ANSWERED)}")
    return "\n".join(lines)


def draft(t: Tr, template: str, parts: Mapping[str, str]) -> str:
    """Fill a draft ("When {situation}, I feel {feeling}...") with the person's words, without
    doubling the words the template already has ("When when he...") or end punctuation."""
    said = t(template)
    filled: dict[str, str] = {}
    for name, value in parts.items():
        before = said.split("{" + name + "}")[0].rstrip().split()
        words = value.strip().rstrip(".!?…").split()
        # Drop the leading words the template already says ("When", "because", "Could we").
        for size in (2, 1):
            lead = [w.casefold().strip(",¿¡") for w in before[-size:]]
            if len(words) >= size and [w.casefold().strip(",¿¡") for w in words[:size]] == lead:
                words = words[size:]
                break
        text = " ".join(words)
        filled[name] = text[:1].lower() + text[1:] if _starts_lower(text) else text or "…"
    return t(template, **filled)


def _starts_lower(text: str) -> bool:
    """Lower-case a sentence's first letter inside the draft, but not "I" or a name-like
    capital followed by more capitals ("NASA")."""
    first = text.split(" ", 1)[0] if text else ""
    return len(first) > 1 and first[:1].isupper() and first[1:2].islower() and first != "I"


# ------------------------------------------------------------------ the self-check
AREAS = ("romantic", "friends", "family", "work")
PATTERNS = ("checking", "betrayal", "distance", "testing", "rejection")
PATTERN_TRACK = {
    "checking": "suspicion",
    "betrayal": "closure",
    "distance": "assertiveness",
    "testing": "triggered",
    "rejection": "face_value",
}


def suggest_track(answers: Mapping[str, int]) -> str:
    """Where to begin, from the self-check's answers (each 0, 1 or 2): the step for the
    pattern that sounds most like the person; with no pattern standing out, noticing one's
    patterns (step 1). Ties go to the earlier step."""
    best = max(PATTERNS, key=lambda p: (answers.get(p, 0), -PATTERNS.index(p)))
    top = answers.get(best, 0)
    if top == 0 or sum(1 for p in PATTERNS if answers.get(p, 0) == top) >= 3:
        return "awareness"
    return PATTERN_TRACK[best]


# ------------------------------------------------------------------ face value
def face_day(started: date | None, today: date) -> int | None:
    """The day (1..7) of a face-value week that started on ``started``, or None if none runs."""
    if started is None:
        return None
    day = (today - started).days + 1
    return day if 1 <= day <= FACE_DAYS else None


# ------------------------------------------------------------------ spaced reminders
def recall_lesson(done: Mapping[str, date], today: date) -> str | None:
    """The finished lesson whose key idea today's check-in recalls: one finished exactly 1,
    3 or 7 days ago (the most recent first); None on other days (at most one line a day)."""
    for days in RECALL_AFTER_DAYS:
        due = [lesson for lesson, day in done.items() if (today - day).days == days]
        if due:
            return sorted(due)[0]
    return None


_SPACES = re.compile(r"\s+")


def one_line(text: str, limit: int = 160) -> str:
    """A summary as one line of at most ``limit`` characters."""
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
