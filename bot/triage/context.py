"""Context the text alone can't give: answers to the safety question, the hour after a crisis,
and several low moods in a row. Applied on top of the combined (rules plus model) level."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from bot.triage.levels import Level, TriageContext, TriageResult
from bot.triage.rules import LEXICON, Analysis, Lexicon, analyse, normalise

__all__ = ["RECENT_CRISIS_WINDOW", "answer_kind", "apply_context", "mood_concern"]

RECENT_CRISIS_WINDOW = timedelta(hours=1)


def mood_concern(recent_moods: Sequence[int]) -> bool:
    """The lowest mood (1) on at least three of the last five check-ins (newest first)."""
    return sum(1 for m in list(recent_moods)[:5] if m == 1) >= 3


def answer_kind(text: str, lex: Lexicon = LEXICON) -> str | None:
    """Classify a short reply to the safety question: yes, soft_no, no or None."""
    norm = normalise(text).replace("\n", " ")
    words = norm.split()
    if not words:
        # Only emoji or punctuation: anything but a clear "no" emoji is a hedge.
        stripped = text.strip()
        return "yes" if stripped and "\U0001f44e" not in stripped else None
    if len(words) > 25:
        return None
    if lex.answers["yes"].search(norm):
        return "yes"
    if lex.answers["soft_no"].search(norm):
        return "soft_no"
    if lex.answers["no"].search(norm):
        return "no"
    return None


def _is_reassurance(text: str, lex: Lexicon = LEXICON) -> bool:
    norm = normalise(text).replace("\n", " ").strip()
    if not norm or len(norm.split()) > 12:
        return False
    rx = lex.answers["reassurance"]
    rest = rx.sub(" ", norm)
    return not rest.strip(" ,.!?") and bool(rx.search(norm))


def apply_context(
    text: str,
    ctx: TriageContext,
    raise_level: Callable[[str, TriageResult], TriageResult],
) -> TriageResult:
    """Judge a message with what the conversation already knows.

    ``raise_level`` turns the rules' result into the combined one (the learned layer may raise
    it). Then:

    * Awaiting the safety answer: an affirmative or hedged reply is crisis; "not really" is
      concern; a clear "no" leaves the text's own level.
    * Within an hour of a crisis: a bare reassurance ("I'm fine", "ok") keeps crisis, a concern
      becomes crisis and a none with some distress becomes concern.
    * Low mood on three of the last five check-ins: a none with some distress becomes concern.
    """
    a: Analysis = analyse(text, want_signals=True)
    combined = raise_level(text, TriageResult(a.level, a.reasons))
    level, reasons = combined.level, combined.reasons
    if ctx.awaiting_safety_answer and level < Level.CRISIS:
        kind = answer_kind(text)
        if kind == "yes":
            return TriageResult(Level.CRISIS, ("crisis:safety_answer",))
        if kind == "soft_no" and level < Level.CONCERN:
            level, reasons = Level.CONCERN, ("concern:safety_answer_unsure",)
    recent = False
    if ctx.last_crisis_at is not None and ctx.now is not None:
        recent = timedelta(0) <= ctx.now - ctx.last_crisis_at <= RECENT_CRISIS_WINDOW
    if recent and level < Level.CRISIS:
        if _is_reassurance(text):
            return TriageResult(Level.CRISIS, ("crisis:recent_crisis_reassurance",))
        if level == Level.CONCERN:
            return TriageResult(Level.CRISIS, ("crisis:recent_crisis", *reasons))
        if a.negated or a.distress.value or a.low_mood.value:
            return TriageResult(Level.CONCERN, ("concern:recent_crisis",))
    if level == Level.NONE and mood_concern(ctx.recent_moods):
        if a.negated or a.distress.value or a.low_mood.value:
            return TriageResult(Level.CONCERN, ("concern:low_mood_checkins",))
    return TriageResult(level, reasons)
