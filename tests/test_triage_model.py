"""The learned triage layer: the bot scores exactly what training fitted, it only ever raises
the rules' level, training is reproducible, and a missing model leaves the rules working."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from bot.triage import Level, TriageContext, combine, model, rules_triage, triage, triage_in_context
from bot.triage.features import sentence_counts, sentences, unit_counts, windows, word_features
from bot.triage.levels import TriageResult
from bot.triage.model import Model
from bot.triage.train import fit, load_training, sigmoid, train, training_hash

# A tiny training set of our own, enough to fit two models whose scores can be compared.
TINY = [
    ("I keep thinking everyone would be fine without me around", "crisis"),
    ("wrote letters to my kids in case I'm not here next week", "crisis"),
    ("i have been putting pills aside for a while now", "crisis"),
    ("tonight I just want it all to stop for good", "crisis"),
    ("i dont see myself waking up tomorrow and im ok with that", "crisis"),
    ("can't get out of bed for weeks, everything is grey", "concern"),
    ("I drink every night so I don't have to feel anything", "concern"),
    ("he reads all my messages and tells me who I can see", "concern"),
    ("my chest gets so tight I can't breathe when he's late", "concern"),
    ("I haven't eaten properly in days and I can't sleep", "concern"),
    ("had a lovely walk with my sister today", "none"),
    ("this report is killing me lol", "none"),
    ("we argued about the dishes again but made up", "none"),
    ("what is today's lesson about?", "none"),
    ("I checked his phone once and felt bad about it", "none"),
    ("finished the exercise, that's it for today", "none"),
]
LONG = (
    "Work was fine today. My manager finally answered my email about the rota. "
    "Then I cooked pasta and watched half a film with my flatmate. "
    "I have been putting pills aside for a while now. "
    "Tomorrow I have the dentist at nine and I still need to buy milk. "
    "Anyway, the weather was nice and I sat outside for a while."
)


def _tiny_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "training"
    folder.mkdir()
    with (folder / "tiny.jsonl").open("w", encoding="utf-8") as fh:
        for text, level in TINY * 2:  # repeats are dropped by load_training
            fh.write(json.dumps({"text": text, "level": level, "lang": "en"}) + "\n")
    return folder


def test_the_bot_scores_exactly_what_training_fitted(tmp_path: Path) -> None:
    items = load_training(_tiny_dir(tmp_path))
    assert len(items) == len(TINY)
    fitted = fit(items, [unit_counts(it["text"])[0] for it in items], c=10.0)
    data = {
        "format": model.FORMAT,
        "features": {"min_n": 2, "max_n": 5, "window": 2},
        "thresholds": {"concern": 0.5, "crisis": 0.5, "crisis_enabled": True},
        **fitted.weights(),
    }
    loaded = Model(json.loads(json.dumps(data)))
    texts = [t for t, _ in TINY] + [LONG, "ok", "🙂", "I  can't... cope!!"]
    expected = fitted.decisions([unit_counts(t) for t in texts])
    for text, (d1, d2) in zip(texts, expected, strict=True):
        got = loaded.scores(text)
        assert got.concern == pytest.approx(sigmoid(d1), abs=2e-3), text
        assert got.crisis == pytest.approx(sigmoid(d2), abs=2e-3), text


def test_units_are_the_whole_message_and_each_pair_of_sentences() -> None:
    assert windows(1) == [(0, 1)]
    assert windows(2) == [(0, 2)]
    assert windows(4) == [(0, 4), (0, 2), (1, 3), (2, 4)]
    units = unit_counts(LONG)
    per_sentence = [sentence_counts(words) for words in sentences(LONG)]
    assert len(per_sentence) == 5 and len(units) == 1 + 4  # the whole, then four pairs
    assert units[0] == sum(per_sentence, Counter())
    assert units[2] == per_sentence[1] + per_sentence[2]
    assert word_features("kms")[:3] == ["#kms", " k", "km"]


def test_a_word_or_pair_counts_at_most_twice_per_sentence() -> None:
    once = sentence_counts("i am so so tired".split())
    many = sentence_counts("i am so so so so so tired".split())
    assert once["#so"] == many["#so"] == 2
    assert once["#so so"] == 1 and many["#so so"] == 2
    assert many["#am so"] == 1 and many["#so tired"] == 1


def test_training_is_reproducible_byte_for_byte(tmp_path: Path) -> None:
    folder = _tiny_dir(tmp_path)
    a, b = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    train(folder, a, progress=lambda _line: None)
    train(folder, b, progress=lambda _line: None)
    assert a.read_bytes() == b.read_bytes()
    with gzip.open(a, "rt", encoding="utf-8") as fh:
        meta = json.load(fh)
    assert meta["training"]["sha256"] == training_hash(folder)
    import sklearn

    assert meta["training"]["scikit_learn"] == sklearn.__version__  # to reproduce it
    assert set(meta["cross_validated"]) == {"combined", "rules_only"}


def test_the_learned_layer_only_raises_never_lowers() -> None:
    assert model.current() is not None
    crisis = rules_triage("I want to end my life")
    assert crisis.level is Level.CRISIS
    assert combine("I want to end my life", crisis) == crisis
    for text, _level in TINY:
        assert triage(text).level >= rules_triage(text).level


def test_with_learned_crisis_off_the_layer_raises_at_most_to_concern() -> None:
    text = "The only thing that sounds restful is not being here at all"
    rules = rules_triage(text)
    assert rules.level < Level.CRISIS
    assert combine(text, rules).level is Level.CRISIS
    capped = combine(text, rules, learned_crisis=False)
    assert capped.level is Level.CONCERN and "concern:learned" in capped.reasons
    context = TriageContext(learned_crisis=False)
    assert triage_in_context(text, context).level is Level.CONCERN
    assert triage_in_context("I want to end my life", context).level is Level.CRISIS


def test_a_model_that_cannot_load_leaves_the_rules_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model, "_model", None)
    monkeypatch.setattr(model, "_failed", None)
    broken = tmp_path / "model.json.gz"
    broken.write_bytes(b"\x1f\x8b not gzip at all")
    assert model.load(broken) is None
    assert model.load_error() is not None
    text = "can't get out of bed for weeks, everything is grey"
    assert triage(text) == rules_triage(text)
    assert combine(text, TriageResult(Level.NONE)) == TriageResult(Level.NONE)


def test_a_full_word_cache_starts_again_without_losing_the_sentences_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long-running bot fills the per-word cache; the sentence that fills it shares words
    with the cache and brings new ones, and must be scored like any other (it once raised
    KeyError: the shared words were cleared with the cache and never learned again)."""
    fresh = model.Model(model.read())
    texts = [
        "ich kann nicht mehr schlafen",
        "ich will nicht mehr ohne dich sein",
        "i can't sleep and i keep thinking about the end",
        "nicht mehr ohne dich, i keep thinking",
    ]
    expected = [fresh.scores(t) for t in texts]
    small = model.Model(model.read())
    monkeypatch.setattr(model, "WORD_CACHE", 8)
    assert [small.scores(t) for t in texts] == expected
    assert len(small._word_count) <= 8 + 10  # it did start again


def test_the_vocabulary_is_keyed_by_hash_and_falls_back_to_the_n_grams_on_a_collision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [("abc", 0.5, -0.25), ("bcd", 1.0, 2.0), ("cde", -1.5, 0.0)]
    packed = model.pack_vocabulary(rows)
    index, concern, crisis, key = model.unpack_vocabulary(packed)
    assert key is hash and "abc" not in index
    assert [concern[index[key(g)]] for g, _, _ in rows] == [0.5, 1.0, -1.5]
    assert [crisis[index[key(g)]] for g, _, _ in rows] == [-0.25, 2.0, 0.0]
    # Two n-grams with one hash: the n-grams themselves key the ids, with the same weights.
    monkeypatch.setattr(model, "hash", lambda _gram: 7, raising=False)
    index, concern, crisis, key = model.unpack_vocabulary(packed)
    assert key is str and set(index) == {"abc", "bcd", "cde"}
    assert [concern[index[g]] for g, _, _ in rows] == [0.5, 1.0, -1.5]
