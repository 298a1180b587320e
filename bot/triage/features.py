"""What the learned triage layer reads: n-grams of each word, and pairs of words.

The same definitions serve training (``bot.triage.train``) and the bot (``bot.triage.model``),
so the two can never disagree about what a feature is.

* A message is normalised by the rules' own normaliser (lowercase, accents and leetspeak
  undone, signal emoji turned into words, repeated letters collapsed) and split into
  sentences; very short ones ("ok.", "lol") join the next.
* A word's features are its character 2-5-grams with the word's edges marked (``" kms "``,
  ``" wa"``), which survive misspellings and inflection, and the word itself; a sentence adds
  each pair of neighbouring words, which carries what one word can't ("no longer", "wake up").
* A **unit** is what gets a score: the whole message and, when it has more than
  :data:`WINDOW_SENTENCES` sentences, each run of that many neighbouring sentences, so one risk
  sentence buried in a long chatty check-in is scored on its own.
* A word or a pair counts at most twice per sentence (:data:`MAX_REPEATS`), and a sentence
  repeated word for word counts once.
* A unit's feature values are counts times IDF, divided by the square root of the unit's
  number of features. Everything is a sum over words, so the bot scores each distinct word
  once and caches it (see ``bot.triage.model``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from bot.triage.normalise import segment_words

__all__ = [
    "MAX_N",
    "MIN_N",
    "WINDOW_SENTENCES",
    "capped",
    "fingerprint",
    "sentence_counts",
    "sentence_pairs",
    "sentences",
    "unit_counts",
    "windows",
    "word_features",
]

MIN_N = 2
MAX_N = 5
WINDOW_SENTENCES = 2
# Sentences shorter than this many characters ("ok.", "lol") join the next one.
_MIN_SENTENCE = 24


def word_features(word: str) -> list[str]:
    """The features of one word: its edge-marked character n-grams and the word itself."""
    s = f" {word} "
    out = [f"#{word}"]
    for n in range(MIN_N, min(MAX_N, len(s)) + 1):
        out.extend([s[i : i + n] for i in range(len(s) - n + 1)])
    return out


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence of ``text`` (normalised; short sentences joined)."""
    merged: list[list[str]] = []
    carry: list[str] = []
    size = 0
    for seg, words in segment_words(text):
        carry.extend(words)
        size += len(seg) + 1
        if size > _MIN_SENTENCE:
            merged.append(carry)
            carry, size = [], 0
    if carry:
        if merged:
            merged[-1].extend(carry)
        else:
            merged.append(carry)
    # A sentence said again adds nothing: 55 copies of one harmless sentence must not add up
    # to distress (see MAX_REPEATS for words).
    seen: set[tuple[str, ...]] = set()
    unique = []
    for words in merged:
        key = tuple(words)
        if key not in seen:
            seen.add(key)
            unique.append(words)
    return unique


def windows(count: int) -> list[tuple[int, int]]:
    """The units of a message of ``count`` sentences, as sentence ranges: the whole message
    first, then (when it has more than one window) each run of :data:`WINDOW_SENTENCES`."""
    if count == 0:
        return []
    out = [(0, count)]
    if count > WINDOW_SENTENCES:
        out.extend((k, k + WINDOW_SENTENCES) for k in range(count - WINDOW_SENTENCES + 1))
    return out


# A word (or a pair of words) counts at most this many times per sentence: without a cap,
# a long run of one repeated word ("word word word ...", 4,000 characters of it) outweighs
# the square-root normalisation and reads as distress.
MAX_REPEATS = 2


def capped(items: Iterable[str]) -> list[str]:
    """``items`` without the occurrences of each beyond :data:`MAX_REPEATS`, in order."""
    items = list(items)
    if len(items) - len(set(items)) < MAX_REPEATS:
        return items  # too few repeats for any item to pass the cap: the usual case
    if max(Counter(items).values()) <= MAX_REPEATS:
        return items
    seen: Counter[str] = Counter()
    out = []
    for item in items:
        seen[item] += 1
        if seen[item] <= MAX_REPEATS:
            out.append(item)
    return out


def sentence_pairs(words: list[str]) -> list[str]:
    """The pair features of a sentence (neighbouring words), capped like its words."""
    return capped([f"#{a} {b}" for a, b in pairwise(words)])


def sentence_counts(words: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in capped(words):
        counts.update(word_features(word))
    counts.update(sentence_pairs(words))
    return counts


def unit_counts(text: str) -> list[Counter[str]]:
    """Feature counts of each unit of ``text`` (whole message first). Used in training."""
    per_sentence = [sentence_counts(words) for words in sentences(text)]
    return [_sum(per_sentence[a:b]) for a, b in windows(len(per_sentence))]


def _sum(parts: Iterable[Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return total


# Messages that exercise every step between a text and its features: case, accents,
# apostrophes, stretched and doubled letters, leetspeak, spaced letters, emoji, laughter,
# sentence joins and windows, five languages. A model records their fingerprint when it is
# built; when normalisation or the features change it, `trustbot content check` asks for a
# rebuild (a model scores features it was not trained on badly, and nothing else would say so).
PROBE = (
    "I'm SO proud of myself!!! Finally ok.",
    "gonna offfff myself tonight, kiiill me lol 💀😂",
    "my self worth is 0, k1ll m3, s u i c i d e",
    "Took all the pills 💊🪦. Bye. See you never. Good night",
    "Je n'ose pas. Ça me tue, mdr. À demain !",
    "Ich will nicht mehr. Heute nicht, aber bald. Tschüss",
    "no sé qué hacer, nose, ya no quiero estar aquí",
    "Не хочу жить. Передоз сериалов, ахаха. ёлки",
    "ok. fine. whatever. sure. Mood 2 again, third day in a row, really tired of it all.",
)


def fingerprint() -> str:
    """A short hash of the features of :data:`PROBE`."""
    h = hashlib.sha256()
    for text in PROBE:
        for unit in unit_counts(text):
            h.update(json.dumps(sorted(unit.items()), ensure_ascii=False).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]
