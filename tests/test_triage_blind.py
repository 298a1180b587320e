"""The learned layer on the blind sets, written without sight of the rules or the training data.

`triage_blind_en.jsonl` (360) and `triage_blind_intl.jsonl` (320: es, ru, de, fr) were written
by writers who saw only the safety specification, never the rules, the training data or the
model. They are never trained or tuned on. The issue's targets (crisis recall 0.90, safety
recall 0.95, crisis scored none 1%, false alarm 3%, over-referral 10%) are NOT met yet; these
tests hold what the first honest read measured (docs/safety.md, "Measured"), so that a change
that loses ground fails here. Raise the bars as the data grows; never lower them to pass.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.triage import Level, TriageContext, rules_triage, triage, triage_in_context
from bot.triage.evaluation import evaluate, load_items

DATA = Path(__file__).parent / "data"


def test_blind_sets_are_whole() -> None:
    en = load_items(DATA / "triage_blind_en.jsonl")
    intl = load_items(DATA / "triage_blind_intl.jsonl")
    assert len(en) == 360 and len(intl) == 320
    assert {item["lang"] for item in intl} == {"es", "ru", "de", "fr"}


def test_english_blind_set_the_learned_layer_closes_most_of_the_gap() -> None:
    items = load_items(DATA / "triage_blind_en.jsonl")
    rules, combined = evaluate(items, rules_triage), evaluate(items, triage)
    # Sixth read: crisis 0.53 -> 0.84, safety 0.61 -> 0.92, crisis scored none 41% -> 7.8%.
    # (The fourth read's 7.0% came from a model fitted against the rules before the other
    # languages' lexicons were corrected; refitted against today's rules, with thresholds
    # chosen by cross-validation as always, one English message more scores none. The floor
    # follows the model that `trustbot triage train` rebuilds, and says so.)
    assert combined.crisis_recall >= 0.83 and combined.safety_recall >= 0.92
    assert combined.under_triage <= 0.08
    assert combined.crisis_recall - rules.crisis_recall >= 0.2
    # ... without trading calm for it: false alarms within a point of the rules', and
    # over-referral under the 10% bar.
    assert combined.false_alarm <= rules.false_alarm + 0.01
    assert combined.over_referral <= 0.10


def test_other_languages_blind_set_safety_recall_more_than_doubles() -> None:
    items = load_items(DATA / "triage_blind_intl.jsonl")
    rules, combined = evaluate(items, rules_triage), evaluate(items, triage)
    # Sixth read: safety 0.35 -> 0.94, crisis 0.40 -> 0.75, crisis scored none 59% -> 3.6%,
    # false alarm 7.0% -> 8.6% (the rules' own fell from 10.2%; see docs/safety.md).
    assert combined.safety_recall >= 0.93 and combined.safety_recall >= 2 * rules.safety_recall
    assert combined.crisis_recall >= 0.75
    assert combined.under_triage <= 0.04
    assert combined.false_alarm <= 0.09 and rules.false_alarm <= 0.075


def test_russian_and_spanish_blind_sets_the_languages_the_whole_bot_speaks() -> None:
    items = load_items(DATA / "triage_blind_intl.jsonl")
    for lang, safety, none in (("ru", 0.97, 0.0), ("es", 0.93, 0.04)):
        combined = evaluate([i for i in items if i["lang"] == lang], triage)
        # Sixth read: Russian safety 0.98, crisis scored none 0%; Spanish 0.94 and 3.6%.
        assert combined.safety_recall >= safety, lang
        assert combined.under_triage <= none, lang


def test_a_concern_right_after_a_crisis_answer_is_taken_as_crisis_with_both_layers() -> None:
    now = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    text = "can't stop crying, sorry for bothering you again"
    alone = triage(text)
    assert alone.level is Level.CONCERN
    recent = TriageContext(
        recent_moods=(),
        awaiting_safety_answer=False,
        last_crisis_at=now - timedelta(minutes=20),
        now=now,
    )
    assert triage_in_context(text, recent).level is Level.CRISIS
