"""Is any English left in what a Russian- or Spanish-speaking person read?

Two independent signals, so that neither a whole untranslated sentence nor a half-translated
one gets through:
- any sentence (four words or more) of the English sources appears in the text: the
  catalogue's messages, the English lessons and meditations, and the English safety texts;
- two or more English function words ("the", "you", "your", "what" ...) appear in it, once the
  parts that are rightly English in every language are taken out: crisis services' own names
  (shown as their sources give them), web addresses, time-zone names and file paths.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from content.loader import load_library
from content.resources import load_resources
from content.text import lesson_text, meditation_step_text

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_WORDS = frozenset(
    "the you your and to is it that what with this are of my can i'm don't here for "
    "would like how".split()
)
_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")
_URL = re.compile(r"https?://\S+|\bwww\.\S+|\b[\w.-]+\.(?:org|com|net|info|de|es|ru)\S*")
_ZONE_OR_PATH = re.compile(r"\b[\w.-]+/[\w./-]+")


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


@cache
def english_sentences() -> frozenset[str]:
    texts: list[str] = []
    with (ROOT / "content" / "locales" / "trustbot.pot").open("rb") as f:
        for message in read_po(f):
            if message.id:
                texts += [message.id] if isinstance(message.id, str) else list(message.id)
    library = load_library()
    for lesson in library.path():
        texts.append(lesson_text(lesson))
    for meditation in library.meditations:
        texts += [meditation_step_text(meditation, i) for i in range(len(meditation.steps))]
    safety = yaml.safe_load((ROOT / "content" / "safety" / "en.yaml").read_text(encoding="utf-8"))
    texts += [str(v) for k, v in safety.items() if k != "language"]
    sentences = set()
    for text in texts:
        for sentence in _SENTENCE.split(re.sub(r"\{[^}]*\}", " ", text)):
            sentence = _norm(sentence.strip(" •-–—()"))
            if len(sentence.split()) >= 4:
                sentences.add(sentence)
    return frozenset(sentences)


@cache
def proper_names() -> tuple[str, ...]:
    """Names shown as their sources give them, in any language (longest first)."""
    resources = load_resources()
    names = {d.name for d in resources.international}
    for country in resources.countries.values():
        for line in (*country.crisis, *country.youth, *country.domestic_abuse):
            names.add(line.name)
    names |= {"Child Helpline International", "trustbot", "JSON"}
    return tuple(sorted(names, key=len, reverse=True))


def english_left(text: str) -> list[str]:
    """What in ``text`` is still English (empty: nothing)."""
    stripped = _URL.sub(" ", text)
    for name in proper_names():
        stripped = stripped.replace(name, " ")
    stripped = _ZONE_OR_PATH.sub(" ", stripped)
    said = _norm(stripped)
    found = [s for s in english_sentences() if s in said]
    words = re.findall(r"[a-z']+", said)
    hits = [w for w in words if w in FUNCTION_WORDS]
    if len(hits) >= 2:
        found.append(f"English words {hits[:6]}")
    return found
