"""The triage on the blind sets, written without sight of the rules or the training data.

Four pairs of sets, each written by writers who saw only the safety specification, never the
rules, the training data or the model, and never trained or tuned on:

* `triage_blind_en.jsonl` (360) and `triage_blind_intl.jsonl` (320: es, ru, de, fr), read
  at every change of the training data, the rules or the model (43 times by the morning of
  2026-12-05; docs/safety.md, "Measured");
* `triage_blind2_en.jsonl` (360) and `triage_blind2_intl.jsonl` (520), written on 2026-12-04
  and read 37 times;
* `triage_blind3_en.jsonl` (360) and `triage_blind3_intl.jsonl` (520), written on the night of
  2026-12-04 and read once to decide between two models by a rule written down before the
  read (docs/safety.md, "The third blind sets"), then thirty times more, for a bug fix and for
  rule fixes found on training data and on probes;
* `triage_blind4_en.jsonl` (360) and `triage_blind4_intl.jsonl` (520), written later that
  night and read once to decide, by a rule written down before the read, which kept the
  shipped model; then twenty-nine times more, for rule fixes found on training data and on probes.
* `triage_blind5_en.jsonl` (360) and `triage_blind5_intl.jsonl` (520), written on the night of
  2026-12-05, when the first four pairs had been read too often to be blind, and read twice as
  written down before they existed: on the rules of the start of that night and on the rules
  after its probe round. Nothing was chosen by them.
* `triage_blind6_en.jsonl` (360) and `triage_blind6_intl.jsonl` (520), written later the same
  night and read once with each of two models, to decide by a rule written down before they
  existed whether the model learns from the four worn pairs (it does not: the shipped model
  stayed).
* `triage_blind7_en.jsonl` (360) and `triage_blind7_intl.jsonl` (520), written after them and
  read once with each of two models, to decide whether the referral budget moves (it does not).
* `triage_blind8_en.jsonl` (360) and `triage_blind8_intl.jsonl` (520), written after them and
  read once with each of two models, to decide whether the model learns from 1,400 new
  training messages (it does not).
* `triage_blind9_en.jsonl` (360) and `triage_blind9_intl.jsonl` (520), written after them and
  read once with each of two models (the shipped model stayed, see BARS).

On the afternoon of 2026-12-05 all four pairs were read about twenty times more, levels, reasons
and the rule and form of each item only, never a text, as a check after each change to the rules
(docs/safety.md, "Rules from the training data's own misreadings"); in the evening, about fifteen
times more (docs/safety.md, "The evening's probe round").

The issue's targets (crisis recall 0.90, safety recall 0.95, crisis scored none 1%, false alarm
3%, over-referral 10%) are NOT met yet: on the third and fourth sets, safety recall is met and
crisis recall nearly, but crisis scored none is 2-3% and false alarms and over-referral are far
over. These tests hold what the reads
measured, so that a change that loses ground fails here. Every bar of a set is checked and all
the failures are reported together (one failing bar used to hide the others in its test).
Raise the bars as the data grows; never lower one to let a change pass. Bars were lowered
four times, each time with the reason in docs/safety.md: four on the seventh read of the first
sets; six when the third sets chose the model trained with more voices; seven, each by one
message, with the fix for doubled letters ("proud of myself" had read as "off myself", Spanish
"nose" for "no sé" as "noose"), which took away crisis answers that only a misreading gave;
and two (Spanish false alarms on the fourth sets, one message) with the Spanish perfect tense
("me he cortado otra vez"), whose crisis wording matters more than an injury told the same way.
The figures below are the latest read; docs/safety.md has each earlier one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

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
    stems = [("triage_blind", 320)] + [(f"triage_blind{n}", 520) for n in range(2, 10)]
    for stem, n_intl in stems:
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
    # Fourteenth read, after the doubled-letters fix. Thirteenth, the model trained with more
    # voices: English safety (0.94 -> 0.92), crisis scored none (8 -> 11 of 128) and false
    # alarms outside English (7.8% -> 9.4%) were lowered with it; the fix took English crisis
    # recall 0.836 -> 0.828 (one message to concern) and gave one crisis message back.
    en = _check("triage_blind_en.jsonl", (0.836, 0.931, 0.07, 0.035, 0.069))
    rules = evaluate(load_items(DATA / "triage_blind_en.jsonl"), rules_triage)
    assert en.crisis_recall - rules.crisis_recall >= 0.2
    assert en.false_alarm <= rules.false_alarm + 0.005
    intl = _check("triage_blind_intl.jsonl", (0.875, 0.958, 0.036, 0.078, 0.102))
    rules_intl = evaluate(load_items(DATA / "triage_blind_intl.jsonl"), rules_triage)
    assert intl.safety_recall >= 2 * rules_intl.safety_recall
    assert rules_intl.false_alarm <= 0.075


def test_first_blind_sets_in_russian_and_spanish() -> None:
    # Fourteenth read: Russian safety 1.00, crisis scored none 0 of 28; Spanish 0.98 and 0
    # (Spanish crisis recall 0.964 -> 0.929 with the doubled-letters fix: one message).
    _check("triage_blind_intl.jsonl", (0.929, 1.0, 0.0, 0.125, 0.125), "ru")
    _check("triage_blind_intl.jsonl", (0.964, 1.0, 0.0, 0.125, 0.156), "es")


# Bars of the second to seventh sets, by (file, language); None is the whole file.
BARS: dict[tuple[str, str | None], Bars] = {
    # Second sets, eighth read, after the doubled-letters fix (crisis recall lower by a message
    # in English and two outside it; fewer false alarms and referrals in both). Seventh, the
    # model trained with more voices: English safety (0.92 -> 0.90), English over-referral
    # (13.2% -> 14.6%) and German safety (0.93 -> 0.91) were lowered with it. Per language, the
    # doubled-letters fix cost one crisis answer in Spanish and one French crisis message its
    # pointer to help (4 -> 5 of 39); Russian gained one.
    ("triage_blind2_en.jsonl", None): (0.81, 0.907, 0.079, 0.069, 0.132),
    ("triage_blind2_intl.jsonl", None): (0.791, 0.895, 0.088, 0.049, 0.087),
    ("triage_blind2_intl.jsonl", "es"): (0.75, 0.844, 0.115, 0.033, 0.083),
    ("triage_blind2_intl.jsonl", "ru"): (0.769, 0.933, 0.077, 0.033, 0.05),
    ("triage_blind2_intl.jsonl", "de"): (0.897, 0.94, 0.026, 0.093, 0.163),
    ("triage_blind2_intl.jsonl", "fr"): (0.769, 0.866, 0.128, 0.047, 0.07),
    # Third sets, first read (2026-12-04, night), the model chosen by it: English crisis 0.945,
    # safety 0.968, crisis scored none 2.4%, false alarm 11.2%, over-referral 15.4%; the other
    # four 0.853, 0.974, 2.2%, 11.1%, 17.9%. The shipped model before it: English 0.898, 0.972,
    # 1.6%, 10.5%, 16.8%; the other four 0.783, 0.965, 3.3%, 10.6%, 21.3%. Second read, the
    # doubled-letters fix: English crisis 0.937 (one message to concern), the other four 0.859.
    ("triage_blind3_en.jsonl", None): (0.937, 0.968, 0.024, 0.105, 0.147),
    ("triage_blind3_intl.jsonl", None): (0.875, 0.978, 0.022, 0.087, 0.15),
    ("triage_blind3_intl.jsonl", "es"): (0.906, 0.989, 0.0, 0.083, 0.133),
    ("triage_blind3_intl.jsonl", "ru"): (0.811, 0.945, 0.057, 0.051, 0.153),
    ("triage_blind3_intl.jsonl", "de"): (0.846, 0.985, 0.026, 0.136, 0.182),
    ("triage_blind3_intl.jsonl", "fr"): (0.949, 1.0, 0.0, 0.091, 0.136),
    # Fourth sets, first read (2026-12-04, night), which kept this model against one trained
    # to refer less (over-referral 21.7% -> 12.1%, but crisis scored none 10 -> 32 of 311;
    # docs/safety.md). Safety recall meets its target (0.95) in both; crisis recall nearly, in
    # English.
    ("triage_blind4_en.jsonl", None): (0.913, 0.954, 0.04, 0.118, 0.194),
    ("triage_blind4_intl.jsonl", None): (0.886, 0.972, 0.016, 0.089, 0.208),
    ("triage_blind4_intl.jsonl", "es"): (0.981, 0.989, 0.0, 0.123, 0.263),
    ("triage_blind4_intl.jsonl", "ru"): (0.811, 0.978, 0.0, 0.067, 0.167),
    ("triage_blind4_intl.jsonl", "de"): (0.821, 0.94, 0.051, 0.047, 0.163),
    ("triage_blind4_intl.jsonl", "fr"): (0.923, 0.971, 0.026, 0.119, 0.238),
    # Fifth sets, written on the night of 2026-12-05 and read twice, as decided before they
    # existed (docs/safety.md, "The fifth blind sets"): on the rules of the start of the night,
    # then after that night's probe round (German: one false alarm fewer, one concern found).
    # The second read's figures. Over-referral meets its target (10%) in English and safety
    # recall its own (0.95); crisis recall is 0.003 short.
    ("triage_blind5_en.jsonl", None): (0.897, 0.958, 0.032, 0.042, 0.056),
    ("triage_blind5_intl.jsonl", None): (0.815, 0.927, 0.071, 0.048, 0.082),
    ("triage_blind5_intl.jsonl", "es"): (0.83, 0.945, 0.075, 0.051, 0.068),
    ("triage_blind5_intl.jsonl", "ru"): (0.811, 0.956, 0.019, 0.033, 0.083),
    ("triage_blind5_intl.jsonl", "de"): (0.795, 0.939, 0.077, 0.045, 0.068),
    ("triage_blind5_intl.jsonl", "fr"): (0.821, 0.848, 0.128, 0.068, 0.114),
    # Sixth sets, read once with each of two models by a rule written before they existed
    # ("The sixth blind sets"): the shipped model stayed (the one trained also on the four
    # worn pairs scored one more crisis message none). Read once more after the night's last
    # round (one French false alarm fewer; bars raised to it).
    ("triage_blind6_en.jsonl", None): (0.883, 0.969, 0.031, 0.066, 0.109),
    ("triage_blind6_intl.jsonl", None): (0.851, 0.953, 0.043, 0.054, 0.099),
    ("triage_blind6_intl.jsonl", "es"): (0.929, 0.968, 0.018, 0.035, 0.14),
    ("triage_blind6_intl.jsonl", "ru"): (0.836, 0.946, 0.018, 0.069, 0.069),
    ("triage_blind6_intl.jsonl", "de"): (0.789, 0.955, 0.079, 0.045, 0.068),
    ("triage_blind6_intl.jsonl", "fr"): (0.821, 0.94, 0.077, 0.07, 0.116),
    # Seventh sets, read once with each of two models ("The seventh blind sets"): the shipped
    # model stayed (with a 6.5% referral budget, crisis scored none fell from 17 to 10 of 315,
    # but over-referral rose to 10.4%, past the 10% the rule allowed).
    ("triage_blind7_en.jsonl", None): (0.93, 0.959, 0.054, 0.05, 0.079),
    ("triage_blind7_intl.jsonl", None): (0.823, 0.928, 0.054, 0.045, 0.095),
    ("triage_blind7_intl.jsonl", "es"): (0.83, 0.967, 0.038, 0.034, 0.086),
    ("triage_blind7_intl.jsonl", "ru"): (0.868, 0.934, 0.019, 0.068, 0.136),
    ("triage_blind7_intl.jsonl", "de"): (0.75, 0.884, 0.1, 0.049, 0.073),
    ("triage_blind7_intl.jsonl", "fr"): (0.825, 0.913, 0.075, 0.024, 0.073),
    # Eighth sets, read once with each of two models ("The eighth blind sets"): the shipped
    # model stayed (one trained also on 1,400 new messages scored one more crisis message none
    # and referred 10.5%).
    ("triage_blind8_en.jsonl", None): (0.97, 0.973, 0.015, 0.058, 0.131),
    ("triage_blind8_intl.jsonl", None): (0.784, 0.943, 0.032, 0.058, 0.083),
    ("triage_blind8_intl.jsonl", "es"): (0.796, 0.978, 0.0, 0.067, 0.083),
    ("triage_blind8_intl.jsonl", "ru"): (0.722, 0.867, 0.111, 0.083, 0.117),
    ("triage_blind8_intl.jsonl", "de"): (0.816, 0.985, 0.0, 0.023, 0.047),
    ("triage_blind8_intl.jsonl", "fr"): (0.821, 0.955, 0.0, 0.047, 0.07),
    # Ninth sets, read once with each of two models ("The ninth blind sets"): the model trained
    # on both new sources of voices won the read, then failed the bot's own end-to-end tests
    # (a crisis answer to an everyday answer in the ledger practice), so this one stayed.
    ("triage_blind9_en.jsonl", None): (0.93, 0.991, 0.016, 0.086, 0.121),
    ("triage_blind9_intl.jsonl", None): (0.826, 0.927, 0.076, 0.064, 0.099),
    ("triage_blind9_intl.jsonl", "es"): (0.925, 0.967, 0.038, 0.051, 0.085),
    ("triage_blind9_intl.jsonl", "ru"): (0.792, 0.935, 0.075, 0.052, 0.069),
    ("triage_blind9_intl.jsonl", "de"): (0.795, 0.896, 0.128, 0.047, 0.093),
    ("triage_blind9_intl.jsonl", "fr"): (0.769, 0.896, 0.077, 0.116, 0.163),
}


@pytest.mark.parametrize(("name", "lang"), list(BARS))
def test_blind_set_bars(name: str, lang: str | None) -> None:
    _check(name, BARS[(name, lang)], lang)


FIRST_FOUR = [
    DATA / f"triage_blind{n}_{part}.jsonl" for n in ("", 2, 3, 4) for part in ("en", "intl")
]


def test_the_learned_layers_own_crisis_answers_to_everyday_messages_stay_at_3_percent() -> None:
    """The issue lets the learned layer answer with crisis on its own only while false alarms
    stay at or under 3% on the blind sets. The rules' own false alarms are the rules' (they are
    counted in the bars above); these are the ones the learned layer adds: everyday messages
    the rules did not call crisis and the layer did, over every blind set (2026-12-04: 36 of
    1,318, 2.7%; on the third and fourth sets alone 25 of 696, 3.6%; docs/safety.md)."""
    added = none = crisis = not_by_rules = crisis_given = 0
    for path in FIRST_FOUR:
        for item in load_items(path):
            rules, both = rules_triage(item["text"]).level, triage(item["text"]).level
            gave = rules < Level.CRISIS and both is Level.CRISIS
            if item["level"] == "none":
                none += 1
                added += gave
            elif item["level"] == "crisis":
                crisis += 1
                not_by_rules += rules < Level.CRISIS
                crisis_given += gave
    assert none == 1318 and crisis == 1170
    assert added / none <= 0.03, f"{added} of {none}"
    # What it buys: crisis answers at once to crisis messages no rule reads as crisis. Counted
    # over all crisis messages (477 of 1,170 on 2026-12-04, 408 on the night of 2026-12-05) the
    # share falls each time the rules learn a message the layer already answered, so the bar is
    # on the messages the rules miss: the layer answers 408 of those 563 with crisis (72%).
    assert crisis_given / not_by_rules >= 0.72, f"{crisis_given} of {not_by_rules}"
    # The fresh sets, on their own: 2 of 351, 2 of 339, 4 of 338, 1 of 343 and 3 of 343
    # everyday messages got crisis from the layer alone.
    added = none = 0
    for name in [f"blind{n}_{part}" for n in (5, 6, 7, 8, 9) for part in ("en", "intl")]:
        for item in load_items(DATA / f"triage_{name}.jsonl"):
            if item["level"] == "none":
                none += 1
                rules, both = rules_triage(item["text"]).level, triage(item["text"]).level
                added += rules < Level.CRISIS and both is Level.CRISIS
    assert none == 1714 and added / none <= 0.03, f"{added} of {none}"


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
