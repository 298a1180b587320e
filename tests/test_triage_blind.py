"""The triage on the blind sets, written without sight of the rules or the training data.

Three pairs of sets, each written by writers who saw only the safety specification, never the
rules, the training data or the model, and never trained or tuned on:

* `triage_blind_en.jsonl` (360) and `triage_blind_intl.jsonl` (320: es, ru, de, fr), read
  thirteen times as the training data grew (docs/safety.md, "Measured");
* `triage_blind2_en.jsonl` (360) and `triage_blind2_intl.jsonl` (520), written on 2026-12-04
  and read seven times;
* `triage_blind3_en.jsonl` (360) and `triage_blind3_intl.jsonl` (520), written on the night of
  2026-12-04 and read once, to decide between two models by a rule written down before the
  read (docs/safety.md, "The third blind sets").

The issue's targets (crisis recall 0.90, safety recall 0.95, crisis scored none 1%, false alarm
3%, over-referral 10%) are NOT met yet: on the third sets, safety recall is met and crisis
recall nearly, but false alarms and over-referral are far over. These tests hold what the reads
measured, so that a change that loses ground fails here. Every bar of a set is checked and all
the failures are reported together (one failing bar used to hide the others in its test).
Raise the bars as the data grows; never lower one to let a change pass. Bars were lowered
twice, each time with the reason in docs/safety.md: four on the seventh read of the first sets,
and six when the third sets chose the model trained with more voices.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.triage import Level, TriageContext, rules_triage, triage, triage_in_context
from bot.triage.evaluation import Metrics, evaluate, load_items

DATA = Path(__file__).parent / "data"

# Bars per set: crisis recall, safety recall (at least), crisis scored none, false alarm,
# over-referral (at most). Each is the figure of the read named beside it, compared to three
# decimals (one message moves every figure by more than that).
Bars = tuple[float, float, float, float, float]


def _failed(metrics: Metrics, bars: Bars) -> list[str]:
    """The bars the figures miss, each as "name figure, bar"."""
    crisis, safety, none, alarm, over = bars
    at_least = (
        ("crisis recall", metrics.crisis_recall, crisis),
        ("safety recall", metrics.safety_recall, safety),
    )
    at_most = (
        ("crisis scored none", metrics.under_triage, none),
        ("false alarm", metrics.false_alarm, alarm),
        ("over-referral", metrics.over_referral, over),
    )
    low = [f"{n} {got:.3f}, bar >= {bar}" for n, got, bar in at_least if round(got, 3) < bar]
    high = [f"{n} {got:.3f}, bar <= {bar}" for n, got, bar in at_most if round(got, 3) > bar]
    return low + high


def _check(name: str, bars: Bars, lang: str | None = None) -> Metrics:
    items = load_items(DATA / name)
    if lang is not None:
        items = [item for item in items if item["lang"] == lang]
    metrics = evaluate(items, triage)
    failed = _failed(metrics, bars)
    assert not failed, f"{name} {lang or ''}: " + "; ".join(failed)
    return metrics


def test_blind_sets_are_whole() -> None:
    for stem, n_intl in (("triage_blind", 320), ("triage_blind2", 520), ("triage_blind3", 520)):
        en = load_items(DATA / f"{stem}_en.jsonl")
        intl = load_items(DATA / f"{stem}_intl.jsonl")
        assert len(en) == 360 and len(intl) == n_intl, stem
        assert {item["lang"] for item in en} == {"en"}, stem
        assert {item["lang"] for item in intl} == {"es", "ru", "de", "fr"}, stem


def test_the_bars_report_every_failure() -> None:
    metrics = evaluate(load_items(DATA / "triage_blind3_en.jsonl"), rules_triage)
    failed = _failed(metrics, (1.0, 1.0, 0.0, 0.0, 0.0))
    assert [f.rsplit(" ", 4)[0] for f in failed] == [
        "crisis recall",
        "safety recall",
        "crisis scored none",
        "false alarm",
        "over-referral",
    ]
    assert _failed(metrics, (0.0, 0.0, 1.0, 1.0, 1.0)) == []


def test_first_blind_sets() -> None:
    # Thirteenth read, the model trained with more voices (docs/safety.md): English crisis
    # 0.836, safety 0.921, crisis scored none 8.6%, false alarm 3.5%, over-referral 6.9%; the
    # other four 0.848, 0.953, 3.6%, 9.4%, 11.7%. English safety (0.94 -> 0.92), English
    # crisis scored none (6.2% -> 8.6%, 8 -> 11 of 128) and false alarms outside English
    # (7.8% -> 9.4%) were lowered with that model; the rest rose.
    en = _check("triage_blind_en.jsonl", (0.836, 0.921, 0.086, 0.035, 0.069))
    rules = evaluate(load_items(DATA / "triage_blind_en.jsonl"), rules_triage)
    assert en.crisis_recall - rules.crisis_recall >= 0.2
    assert en.false_alarm <= rules.false_alarm + 0.005
    intl = _check("triage_blind_intl.jsonl", (0.848, 0.953, 0.036, 0.094, 0.117))
    rules_intl = evaluate(load_items(DATA / "triage_blind_intl.jsonl"), rules_triage)
    assert intl.safety_recall >= 2 * rules_intl.safety_recall
    assert rules_intl.false_alarm <= 0.075


def test_first_blind_sets_in_russian_and_spanish() -> None:
    # Thirteenth read: Russian safety 1.00, crisis scored none 0 of 28; Spanish 0.98 and 0.
    _check("triage_blind_intl.jsonl", (0.893, 1.0, 0.0, 0.125, 0.125), "ru")
    _check("triage_blind_intl.jsonl", (0.964, 0.979, 0.0, 0.125, 0.156), "es")


def test_second_blind_sets() -> None:
    # Seventh read, the model trained with more voices: English crisis 0.817, safety 0.903,
    # crisis scored none 8.7%, false alarm 9.0%, over-referral 14.6%; the other four 0.758,
    # 0.879, 10.4%, 6.8%, 10.7%. English safety (0.92 -> 0.90), English over-referral
    # (13.2% -> 14.6%) and German safety (0.93 -> 0.91) were lowered with that model.
    _check("triage_blind2_en.jsonl", (0.817, 0.903, 0.087, 0.09, 0.146))
    _check("triage_blind2_intl.jsonl", (0.758, 0.879, 0.104, 0.068, 0.107))


def test_second_blind_sets_per_language() -> None:
    # Seventh read: safety recall es 0.84, ru 0.90, de 0.91, fr 0.87; crisis scored none
    # 11.5%, 13.5%, 5.1%, 10.3%.
    for lang, bars in (
        ("es", (0.75, 0.844, 0.115, 0.05, 0.1)),
        ("ru", (0.692, 0.9, 0.135, 0.05, 0.067)),
        ("de", (0.846, 0.91, 0.051, 0.116, 0.186)),
        ("fr", (0.769, 0.866, 0.103, 0.07, 0.093)),
    ):
        _check("triage_blind2_intl.jsonl", bars, lang)


def test_third_blind_sets_first_read() -> None:
    # First read (2026-12-04, night), the model chosen by it: English crisis 0.945, safety
    # 0.968, crisis scored none 2.4%, false alarm 11.2%, over-referral 15.4%; the other four
    # 0.853, 0.974, 2.2%, 11.1%, 17.9%. The shipped model before it: English 0.898, 0.972,
    # 1.6%, 10.5%, 16.8%; the other four 0.783, 0.965, 3.3%, 10.6%, 21.3%.
    _check("triage_blind3_en.jsonl", (0.945, 0.968, 0.024, 0.112, 0.154))
    _check("triage_blind3_intl.jsonl", (0.853, 0.974, 0.022, 0.111, 0.179))


def test_third_blind_sets_per_language() -> None:
    # First read. Spanish and Russian are the languages the whole bot speaks (issue 14).
    for lang, bars in (
        ("es", (0.906, 0.989, 0.0, 0.1, 0.15)),
        ("ru", (0.792, 0.945, 0.057, 0.068, 0.169)),
        ("de", (0.821, 0.97, 0.026, 0.205, 0.273)),
        ("fr", (0.897, 1.0, 0.0, 0.091, 0.136)),
    ):
        _check("triage_blind3_intl.jsonl", bars, lang)


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
