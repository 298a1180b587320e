"""Tests for the distress triage's rules (bot/triage/) and its lexicons (content/triage/*.yaml).

Per rule of docs/safety.md, per lexicon file (every pattern compiles, has examples, and each example
is matched by its own pattern and judged at the level its category implies), normalisation,
context rules, and the development set's safety metrics. Wording is in
tests/test_triage_wording.py (the safety net, postponement), tests/test_triage_everyday.py
(everyday senses), tests/test_triage_missed.py and tests/test_triage_probed.py (wording the probe
rounds found missing).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.triage import (
    Level,
    TriageContext,
    TriageResult,
    mood_concern,
    rules_triage,
    triage_in_context,
)
from bot.triage import rules as tr
from bot.triage.anchors import pattern_anchors, required_sets
from bot.triage.evaluation import evaluate, load_items, thresholds_failed
from bot.triage.lexicon import Entry, parse_category
from bot.triage.normalise import normalise_pattern

LEX = tr.LEXICON
LEXICON_FILES = sorted(tr.LEXICON_DIR.glob("*.yaml"))
DEV_SET = Path(__file__).parent / "data" / "triage_dev.jsonl"
TAG = re.compile(r"^(none|concern|crisis):[a-z_]+$")


def level(text: str) -> str:
    return rules_triage(text).level.label


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------


def test_level_labels_and_order() -> None:
    assert [lv.label for lv in Level] == ["none", "concern", "crisis"]
    assert Level.NONE < Level.CONCERN < Level.CRISIS
    assert str(Level.CRISIS.name.lower()) == "crisis"


def test_result_is_frozen_and_reasons_are_tags_not_text() -> None:
    text = "I'm going to kill myself tonight, nobody will miss Jonathan"
    result = rules_triage(text)
    assert isinstance(result, TriageResult)
    with pytest.raises(AttributeError):
        result.level = Level.NONE  # type: ignore[misc]
    assert result.level == Level.CRISIS
    assert result.reasons and all(TAG.match(r) for r in result.reasons)
    assert not any("jonathan" in r or "tonight" in r for r in result.reasons)


def test_empty_and_whitespace_are_none() -> None:
    assert rules_triage("") == TriageResult(Level.NONE, ())
    assert rules_triage("   \n\t ").level == Level.NONE
    assert rules_triage("🙂🙂").level == Level.NONE


# ---------------------------------------------------------------------------------------------
# Lexicon files
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LEXICON_FILES, ids=lambda p: p.name)
def test_lexicon_file_documents_its_format_and_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "each lexicon starts with a comment describing its format"
    data = yaml.safe_load(text)
    assert isinstance(data.get("language"), str)
    for name, entries in data["categories"].items():
        parse_category(name)  # raises on an unknown category key
        for entry in entries:
            assert isinstance(entry, list) and len(entry) >= 2, f"{name}: {entry!r}"


def test_lexicon_has_every_language_and_no_duplicate_keys() -> None:
    assert {"en", "es", "de", "fr", "ru"} <= set(LEX.languages)
    for path in LEXICON_FILES:
        keys = re.findall(r"^  ([a-z_.]+):\s*$", path.read_text(encoding="utf-8"), re.M)
        assert len(keys) == len(set(keys)), f"{path.name} repeats a category key"


def test_every_pattern_compiles_and_is_anchored() -> None:
    assert LEX.entries
    for entry in LEX.entries:
        assert isinstance(entry.regex, re.Pattern)
    # Unanchored patterns would run on every segment of every message.
    assert LEX.unanchored == ()


def _entry_id(entry: Entry) -> str:
    return f"{entry.file}:{entry.category}:{entry.source[:40]}"


@pytest.mark.parametrize("entry", LEX.entries, ids=_entry_id)
def test_each_lexicon_entry_is_exercised_by_its_examples(entry: Entry) -> None:
    cat = LEX.categories[entry.category]
    for example in entry.examples:
        segs = tr.segments(example)
        assert any(entry.regex.search(seg) for seg in segs), f"{example!r} not matched"
        got = rules_triage(example).level
        if cat.kind == "crisis":
            assert got == Level.CRISIS, example
        elif cat.kind == "concern":
            assert got >= Level.CONCERN, example
        elif cat.kind == "none":
            assert got == Level.NONE, example


def test_each_modifier_and_answer_entry_matches_its_example() -> None:
    for path in LEXICON_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, entries in data["categories"].items():
            kind, reason = name.split(".")[:2]
            if kind not in ("mod", "answer"):
                continue
            rx = LEX.modifiers[reason] if kind == "mod" else LEX.answers[reason]
            for _pattern, *examples in entries:
                for example in examples:
                    assert rx.search(tr.normalise(example)), f"{path.name} {name} {example!r}"


def test_anchor_extraction() -> None:
    assert pattern_anchors(r"\bsuicid\w*") == frozenset({"suicid"})
    assert pattern_anchors(r"s(?:uicid|ucid)") == frozenset({"suicid", "sucid"})
    assert pattern_anchors(r"(?:kil|end) myself") == frozenset({"myself"})
    assert pattern_anchors(r"si\b") == frozenset({"si$"})
    assert pattern_anchors(r"(?:a|b)") is None


def test_pattern_normalisation_keeps_regex_syntax() -> None:
    assert normalise_pattern(r"kill\S+ [A-Z]{2} don't") == r"kil\S+ [a-z]{2} dont"
    assert normalise_pattern("müde") == "mude"


def test_a_french_elision_written_with_a_space_matches_the_apostrophe_too(tmp_path: Path) -> None:
    """The text loses its apostrophes ("j'en" is read "jen"); a French pattern written with a
    space ("j en peux plus") matches that as well as a typed space, and a class such as \\d
    before a space is left alone."""
    from bot.triage.lexicon import load_lexicon

    (tmp_path / "fr.yaml").write_text(
        "language: fr\ncategories:\n  crisis.test:\n"
        "    - ['j en peux plus de vivre|\\d ans que', \"j'en peux plus de vivre\"]\n",
        encoding="utf-8",
    )
    (entry,) = load_lexicon(tmp_path).entries
    for text in ("jen peux plus de vivre", "j en peux plus de vivre", "3 ans que"):
        assert entry.regex.search(text), text
    assert not entry.regex.search("3ans que")


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I DON'T want to LIVE", "i dont want to live"),
        ("I don\u2019t", "i dont"),
        ("kiiiilll myself", "kil myself"),
        ("k1ll mys3lf", "kil myself"),
        ("$uicide", "suicide"),
        ("s u i c i d e", "suicide"),
        ("ｓｕｉｃｉｄｅ", "suicide"),
        ("self-harm", "self harm"),
        ("pills 💊💊", "pils emjpil emjpil"),
        # A run of one signal emoji keeps three: 2,000 knives were 2,000 words for every
        # pattern (135 ms a message); a mixed run is kept whole.
        ("🔪" * 2000, "emjknife emjknife emjknife"),
        ("again 💊💊💊💊 🩸🔪", "again emjpil emjpil emjpil emjblod emjknife"),
        ("Müde café", "mude cafe"),
        ("ёлка", "елка"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert tr.normalise(raw) == expected


def test_segments_split_on_sentences_newlines_emoji_and_laughter() -> None:
    assert tr.segments("one. two! three\nfour 😊 five") == ["one", "two", "thre", "four", "five"]
    assert tr.segments("missed the bus lol i want pizza") == ["mised the bus lol", "i want piza"]
    assert tr.segments("the dose was 2.5mg") == ["the dose was 2.5mg"]


# ---------------------------------------------------------------------------------------------
# Decision rules, one block per rule of docs/safety.md (phrasings not in the lexicon examples)
# ---------------------------------------------------------------------------------------------

RULE_CASES: dict[str, list[tuple[str, str]]] = {
    "1 suicidal thoughts": [
        ("honestly the world would be lighter without me", "crisis"),
        ("i keep wishing i could just stop existing", "crisis"),
        ("there is no reason for me to keep living", "crisis"),
        ("gonna kms fr this time", "crisis"),
        ("thinking of unaliving myself", "crisis"),
        ("I dont wanna be alive anymore", "crisis"),
        ("ngl i wish i was never born", "crisis"),
    ],
    "2 preparation and farewell": [
        ("ive been hoarding my antidepressants", "crisis"),
        ("what dose of insulin is lethal", "crisis"),
        ("left a note for my mum on the table, goodbye forever", "crisis"),
        ("after I'm gone please give my cat to Anna", "crisis"),
        ("youll never see me again", "crisis"),
    ],
    "3 self-harm": [
        ("i burned my arm with a lighter again tonight", "crisis"),
        ("the urge to cut wont go away", "crisis"),
        ("relapsed, cut again yesterday", "crisis"),
    ],
    "4 harm to others": [
        ("im going to stab my stepdad with a knife tonight", "crisis"),
        ("I want to kill my boss, I have a plan", "crisis"),
    ],
    "5 danger from others": [
        ("he is strangling me", "crisis"),
        ("my ex says he'll kill me", "crisis"),
        ("my stepbrother touches me under my clothes when mum is at work", "crisis"),
    ],
    "6 medical emergency": [
        ("i took 40 tablets an hour ago", "crisis"),
        ("my dad has collapsed and is not breathing", "crisis"),
    ],
    "7 someone else at risk": [
        ("my girlfriend says she is going to kill herself tonight", "crisis"),
        ("my friend just posted a goodbye message and wont answer", "crisis"),
    ],
    "8 denial that keeps risk": [
        ("I'm not suicidal, I just counted my pills", "crisis"),
        ("not going to do anything stupid, just looking up the tallest bridges", "crisis"),
    ],
    "9 idioms and benign senses": [
        ("these exams are killing me", "none"),
        ("I'd murder a curry right now lol", "none"),
        ("we almost died laughing", "none"),
        ("the new phone battery died", "none"),
        ("off on holiday, bye all, see you next week", "none"),
        ("my dad is gonna kill me when he sees the car lol", "none"),
        ("reading a novel where the hero dies", "none"),
    ],
    "10 negation": [
        ("I'm not suicidal, just exhausted from work", "none"),
        ("I don't want to die, I'm just bored", "none"),
        ("I'm not suicidal but I feel hopeless every day", "concern"),
    ],
    "11 everyday trust material": [
        ("I looked at her phone once while she slept", "none"),
        ("we argued about his ex again", "none"),
        ("I feel betrayed and jealous", "none"),
        ("tired and a bit stressed today", "none"),
    ],
    "12 concern": [
        ("I've had panic attacks every day this week", "concern"),
        ("I feel numb all the time", "concern"),
        ("my partner reads all my messages and controls our money", "concern"),
        ("i tried to kill myself when i was 15", "concern"),
        ("my cousin attempted last year and I want to support her", "concern"),
    ],
    "13 disappear": [
        ("i want to disappear forever", "crisis"),
        ("i want to disappear from my life for a while", "concern"),
        ("i want to disappear to the beach for a week", "none"),
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [case for cases in RULE_CASES.values() for case in cases],
    ids=[f"{rule}:{i}" for rule, cases in RULE_CASES.items() for i in range(len(cases))],
)
def test_rules(text: str, expected: str) -> None:
    assert level(text) == expected, rules_triage(text)


def test_reason_tags_name_the_rule() -> None:
    assert "crisis:suicidal_ideation" in rules_triage("I want to end my life").reasons
    assert "crisis:preparation" in rules_triage("been stockpiling sleeping pills").reasons
    assert "crisis:self_harm" in rules_triage("I cut myself again").reasons
    assert "crisis:danger_from_others" in rules_triage("he's choking me").reasons
    assert "crisis:other_at_risk" in rules_triage("my son says he wants to kill himself").reasons
    assert rules_triage("I nearly died laughing").reasons == ("none:idiom",)
    assert rules_triage("not suicidal, just tired").reasons == ("none:negation",)
    assert rules_triage("missed the bus again kms lol").reasons == ("none:trivial_context",)


# ---------------------------------------------------------------------------------------------
# Form never lowers a level
# ---------------------------------------------------------------------------------------------

CHAT = (
    "Work was ok, we had a long meeting about the budget and then I went for a walk with Sam. "
    "We talked about her new flat and the cat, and I cooked pasta. "
)


@pytest.mark.parametrize(
    "risk",
    [
        "i dont want to wake up tomorrow",
        "I've been saving my pills",
        "he hit me again",
        "I had a panic attack at work",
    ],
)
def test_risk_buried_in_long_chat_keeps_its_level(risk: str) -> None:
    alone = rules_triage(risk).level
    assert alone >= Level.CONCERN
    buried = CHAT * 4 + risk + ". " + CHAT * 2
    assert len(buried) > 800
    assert rules_triage(buried).level == alone
    assert rules_triage(buried.upper()).level == alone
    assert rules_triage(buried.replace(".", "").replace(",", "")).level == alone


@pytest.mark.parametrize(
    "variant",
    [
        "suicidle thoughts",
        "kil myself",
        "dont wanna wake up",
        "I WANT TO DIE",
        "k!ll myself",
        "wanna d1e",
        "i want to die 🪦",
        "me ⚰️",
        "💊💊💊 tonight",
        "s e w e r s l i d e",
    ],
)
def test_spelling_and_emoji_variants_are_crisis(variant: str) -> None:
    assert level(variant) == "crisis"


_ORDINARY = st.sampled_from(
    [
        "had lunch with my partner",
        "the weather was nice",
        "I checked the lesson",
        "we argued a bit",
        "lol",
        "😊",
        "what's today's meditation?",
    ]
)


@settings(max_examples=60, deadline=None)
@given(before=st.lists(_ORDINARY, max_size=6), after=st.lists(_ORDINARY, max_size=6))
def test_surrounding_chat_never_lowers_crisis(before: list[str], after: list[str]) -> None:
    text = ". ".join([*before, "I want to end my life", *after])
    assert rules_triage(text).level == Level.CRISIS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_valid_result(text: str) -> None:
    result = rules_triage(text)
    assert result.level in Level
    assert all(TAG.match(r) for r in result.reasons)


# ---------------------------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quiero morirme", "crisis"),
        ("no quiero vivir", "crisis"),
        ("me muero de risa", "none"),
        ("ya no puedo más", "concern"),
        ("ich will nicht mehr leben", "crisis"),
        ("ich sterbe vor Hunger", "none"),
        ("ich kann nicht mehr", "concern"),
        ("je veux mourir", "crisis"),
        ("je meurs de faim", "none"),
        ("je n'en peux plus", "concern"),
        ("хочу умереть", "crisis"),
        ("не хочу жить", "crisis"),
        ("умираю со смеху", "none"),
        ("я больше не могу", "concern"),
    ],
)
def test_languages(text: str, expected: str) -> None:
    assert level(text) == expected


# ---------------------------------------------------------------------------------------------
# Context
# ---------------------------------------------------------------------------------------------

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "answer",
    ["yes", "yeah", "kind of", "sometimes", "maybe", "I don't know", "sí", "ja", "oui", "да", "👍"],
)
def test_affirmative_or_hedged_safety_answer_is_crisis(answer: str) -> None:
    ctx = TriageContext(awaiting_safety_answer=True, now=NOW)
    assert triage_in_context(answer, ctx).level == Level.CRISIS
    assert rules_triage(answer).level < Level.CRISIS


def test_clear_no_keeps_the_texts_own_level() -> None:
    ctx = TriageContext(awaiting_safety_answer=True, now=NOW)
    assert triage_in_context("no", ctx).level == Level.NONE
    assert triage_in_context("nope, just stressed", ctx).level == Level.NONE
    assert triage_in_context("not really", ctx).level == Level.CONCERN


def test_reassurance_within_an_hour_of_crisis_does_not_lower() -> None:
    ctx = TriageContext(last_crisis_at=NOW - timedelta(minutes=20), now=NOW)
    for text in ("I'm fine", "ok", "never mind", "I'm ok now, thanks"):
        assert triage_in_context(text, ctx).level == Level.CRISIS, text
    later = TriageContext(last_crisis_at=NOW - timedelta(hours=2), now=NOW)
    assert triage_in_context("I'm fine", later).level == Level.NONE


def test_distress_within_an_hour_of_crisis_is_raised_one_level() -> None:
    ctx = TriageContext(last_crisis_at=NOW - timedelta(minutes=5), now=NOW)
    assert rules_triage("I can't cope").level == Level.CONCERN
    assert triage_in_context("I can't cope", ctx).level == Level.CRISIS
    assert triage_in_context("still feel awful", ctx).level == Level.CONCERN
    assert triage_in_context("what's the weather like", ctx).level == Level.NONE


def test_mood_concern() -> None:
    assert mood_concern([1, 1, 3, 1, 5])
    assert not mood_concern([1, 1, 3, 2, 5])
    assert not mood_concern([3, 3, 3, 3, 3, 1, 1, 1])  # only the last five count
    assert not mood_concern([])


def test_low_moods_raise_distress_but_not_ordinary_text() -> None:
    ctx = TriageContext(recent_moods=(1, 1, 1, 2, 3), now=NOW)
    assert triage_in_context("feeling sad again", ctx).level == Level.CONCERN
    assert triage_in_context("what's today's lesson?", ctx).level == Level.NONE
    assert triage_in_context("feeling sad again", TriageContext()).level == Level.NONE


# ---------------------------------------------------------------------------------------------
# Development set
# ---------------------------------------------------------------------------------------------


def test_dev_set_is_large_and_well_formed() -> None:
    items = load_items(DEV_SET)
    assert len(items) >= 250
    assert {i["level"] for i in items} == {"none", "concern", "crisis"}
    assert {"en", "es", "de", "fr", "ru"} <= {i["lang"] for i in items}


def test_dev_set_meets_the_safety_bar() -> None:
    metrics = evaluate(load_items(DEV_SET), rules_triage)
    failed = thresholds_failed(metrics)
    misses = "\n".join(str(m) for m in metrics.misses)
    assert not failed, f"{failed}\n{misses}"


# ---------------------------------------------------------------------------------------------
# Contract with the standard library's regex parser (a private module the anchors are read from)
# ---------------------------------------------------------------------------------------------


def test_the_regex_parser_still_offers_what_the_anchor_rule_reads() -> None:
    import re._parser as sre_parse

    for name in (
        "parse",
        "LITERAL",
        "IN",
        "AT",
        "AT_BOUNDARY",
        "BRANCH",
        "SUBPATTERN",
        "MAX_REPEAT",
        "MIN_REPEAT",
        "ASSERT",
        "ASSERT_NOT",
        "CATEGORY",
        "CATEGORY_SPACE",
    ):
        assert hasattr(sre_parse, name), name
    assert required_sets(r"\b(?:want to die)\b") == [
        frozenset({"want$"}),
        frozenset({"to$"}),
        frozenset({"die$"}),
    ]
    # "kil+" is "ki" then one or more "l": the word start every match has is "ki"
    assert required_sets(r"\b(?:kil+ (?:my ?self|me))\b") == [
        frozenset({"ki"}),
        frozenset({"my", "me"}),
    ]
    assert pattern_anchors(r"\b(?:end(?:ing)? (?:it all|my life))\b") == frozenset({"end"})
    assert pattern_anchors(r"\b(?:\w+ing)\b") is None  # no literal word start: runs always


def test_every_risk_pattern_is_found_through_its_anchors() -> None:
    """A pattern skipped by the anchor filter can never fire: each example must bring its own
    pattern in through the words it contains."""
    for i, entry in enumerate(LEX.entries):
        if LEX.stage[i] != 1:
            continue
        for example in entry.examples:
            found = any(i in tr.candidates(seg) for seg in tr.segments(example))
            assert found, f"{entry.file} {entry.category} {entry.source!r} {example!r}"
