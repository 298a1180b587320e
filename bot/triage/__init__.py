"""Distress triage: decide from a message's text how urgently the bot must respond.

Text goes in; a level (``none``, ``concern`` or ``crisis``) and tags naming what set it come
out. The package knows nothing of Telegram, stores nothing, and never puts the user's words
into its result, so the level can be logged. ``docs/safety.md`` is the contract.

Two layers, each a plain function, combined here:

* ``rules``: hand-written patterns in ``content/triage/*.yaml`` (five languages), with
  negation, idioms, benign and trivial context, history and third person;
* ``model``: a small learned layer (``content/triage/model.json.gz``) that can only **raise**
  the rules' level, so that distress in words no rule lists still gets an answer.

``context`` then reads what the conversation knows (the safety question just asked, a recent
crisis, low moods). ``evaluation`` measures all of it on labelled sets; ``train`` rebuilds the
model (it needs the optional ``[train]`` extra).
"""

from __future__ import annotations

from bot.triage import model
from bot.triage.context import RECENT_CRISIS_WINDOW, apply_context, mood_concern
from bot.triage.levels import Level, TriageContext, TriageResult
from bot.triage.rules import LEXICON_DIR, rules_triage

__all__ = [
    "LEXICON_DIR",
    "RECENT_CRISIS_WINDOW",
    "Level",
    "TriageContext",
    "TriageResult",
    "combine",
    "mood_concern",
    "rules_triage",
    "triage",
    "triage_in_context",
]

_TAGS = {Level.CONCERN: "concern:learned", Level.CRISIS: "crisis:learned"}
# When the rules found a risk phrase and then found it harmless (negated, an idiom, trivial or
# benign context: a "none:" reason), the learned layer raises the message only if it is this
# sure. Chosen on the dev set (tests/data/triage_dev.jsonl), where it took over-referral from
# 3.7% to 0.9% with no crisis lost; the blind sets were not used to choose it.
HARMLESS_CONTEXT_FLOOR = 0.97


def combine(text: str, rules: TriageResult, learned_crisis: bool = True) -> TriageResult:
    """The rules' result, raised by the learned layer where it judges higher (never lowered).

    With ``learned_crisis`` off, the learned layer raises at most to concern (the bot then asks
    the direct safety question, and a "yes" is crisis). While the model is still loading (the
    first moments after start-up) or if it could not be loaded, the rules decide alone.
    """
    if rules.level == Level.CRISIS:
        return rules
    learned = model.current()
    if learned is None:
        return rules
    harmless = any(reason.startswith("none:") for reason in rules.reasons)
    level = learned.level(text, HARMLESS_CONTEXT_FLOOR if harmless else 0.0)
    if not learned_crisis:
        level = min(level, Level.CONCERN)
    if level <= rules.level:
        return rules
    return TriageResult(level, (_TAGS[level], *rules.reasons))


def triage(text: str) -> TriageResult:
    """Judge one message on its own: rules, raised by the learned layer."""
    return combine(text, rules_triage(text))


def triage_in_context(text: str, ctx: TriageContext) -> TriageResult:
    """Judge a message with what the conversation already knows (see ``context``)."""
    return apply_context(text, ctx, lambda t, r: combine(t, r, ctx.learned_crisis))
