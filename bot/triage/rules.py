"""The rules layer of the distress triage: phrase patterns from ``content/triage/*.yaml``.

The safety core described in ``docs/safety.md``: text goes in, a level
(``none``, ``concern`` or ``crisis``) and rule tags come out. It knows nothing of Telegram,
stores nothing and never puts the user's words into its result, so the level can be logged.

How it works, in order:

1. **Normalise** the text (NFKC, casefold, Latin accents stripped, apostrophes removed,
   hyphens to spaces, leetspeak and spaced-out letters rejoined, signal emoji turned into
   words such as ``emjpill``, repeated letters collapsed so ``kiiiill`` and ``kil`` both read
   ``kil``) and **split** it into segments on sentence ends, newlines, other emoji and laughter.
2. For each segment, find the **candidate patterns** whose anchor word occurs in it. Every
   pattern in ``content/triage/*.yaml`` is compiled once at import; its anchor (a literal
   word-start every match must contain) is derived from the regex itself, so ordinary
   messages run no pattern at all and risky ones run only the few that could match.
3. **Idioms** ("died laughing", "kill for a burger") are masked first; then the **risk
   patterns** run on what is left. Each hit is checked against its sentence: negation just
   before it, history markers ("years ago"), trivial context ("missed the bus"), benign
   context (films, work, an ordinary reason for a will), who it is about (third person).
4. The **most severe** surviving hit sets the level. Weak signals that are harmless alone
   (pills at hand, "goodbye", "I've made my decision") become crisis in combination.

The lexicons are data a clinician can extend without code; see ``content/triage/README.md``.

Speed (``bench/triage.py``: about 3 ms for a 4,096-character message at p99, rules and the
learned layer together within the 5 ms budget). The one filter in front of each risk regex is
a necessary condition for a match, so it changes no result, only how often a regex runs:

* the anchor rule above: a word of each required word set of the pattern in the segment,
  read from the parsed pattern (``re._parser``, the standard library's own parser; its use is
  covered by a contract test). Each distinct word set gets a bit, a word's cached entry
  carries the bits of the sets it satisfies, and a pattern runs only if all its bits are
  there;
* per-word work (collapsing repeated letters, anchors, bits) is cached per distinct word, and
  a segment is read with a few C-level ``map`` calls (``_scan``);
* signal words and message-wide modifiers cost a pass over the text, so they are read only
  when a rule asks for them (``_Signals``, ``_Lazy``).

A second filter (literal substrings read from each pattern) once chased a 1 ms target; with
the learned layer's budget it no longer paid for its 390 lines and was removed, with results
identical on 45,677 texts (the labelled sets, every lexicon example and fuzzed variants).

``tests/test_triage.py`` holds the behaviour; a change to the filters must leave every result
as it was (compare the outputs for the test and evaluation sets before and after).
"""

from __future__ import annotations

import functools
import re
import re._parser as sre_parse  # the stdlib regex parser, read to find pattern anchors
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

import yaml

from bot.triage.levels import Level, TriageResult

__all__ = [
    "LEXICON",
    "LEXICON_DIR",
    "Analysis",
    "Lexicon",
    "analyse",
    "load_lexicon",
    "normalise",
    "rules_triage",
    "segments",
]

LEXICON_DIR = Path(__file__).resolve().parents[2] / "content" / "triage"


RECENT_CRISIS_WINDOW = timedelta(hours=1)

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

# Emoji that carry meaning become placeholder words the lexicons can use; every other emoji
# is a segment break. Placeholders are not English words, so they never collide with text.
_EMOJI_WORDS: dict[str, str] = {
    "\U0001f48a": "emjpill",  # pill
    "\U0001f52a": "emjknife",  # kitchen knife
    "\U0001f5e1": "emjknife",  # dagger
    "\U0001faa2": "emjrope",  # knot
    "\u26b0": "emjcoffin",  # coffin
    "\U0001faa6": "emjgrave",  # headstone
    "\U0001f52b": "emjgun",  # pistol
    "\U0001fa78": "emjblood",  # drop of blood
    "\u2702": "emjscissors",  # scissors: haircuts, crafts
    "\U0001fa92": "emjknife",  # razor
    "\U0001f480": "emjlaugh",  # skull: "I'm dead (laughing)"
    "\u2620": "emjlaugh",  # skull and crossbones
    "\U0001f602": "emjlaugh",  # face with tears of joy
    "\U0001f923": "emjlaugh",  # rolling on the floor laughing
    "\U0001f606": "emjlaugh",
    "\U0001f639": "emjlaugh",
    "\U0001f605": "emjlaugh",  # grinning with sweat: "oops"
    "\U0001f44d": "emjyes",  # thumbs up
    "\u2705": "emjyes",
    "\u2714": "emjyes",
    "\U0001f44e": "emjno",  # thumbs down
    "\u274c": "emjno",
    "\U0001f645": "emjno",
    "\U0001f44b": "emjbye",  # waving hand
    "\U0001f309": "emjbridge",
}

_APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015_~"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin letters with diacritics lose them: the lexicons mark the languages (es, fr, de)
    # that are written without accents; Cyrillic is left alone so that й stays й.
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii() and base.isalpha():
            table[cp] = base.lower()
    table.update({ord("œ"): "oe", ord("æ"): "ae", ord("ø"): "o", ord("ё"): "е"})
    for ch in _APOSTROPHES:
        table[ord(ch)] = ""
    for ch in _DASHES:
        table[ord(ch)] = " "
    table[ord("\ufe0f")] = ""  # emoji variation selector
    table[ord("\u200d")] = ""  # zero-width joiner
    for ch in '\u201c\u201d\u00ab\u00bb"()[]{}<>/\\#^=+&\u00a1\u00bf\u00b7\u2022%':
        table[ord(ch)] = " "
    table[ord("\u2026")] = ". "  # an ellipsis ends a sentence like "..."
    # Other emoji and pictographs break segments; the table does it in the same pass.
    for lo, hi in ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x2190, 0x21FF)):
        for cp in range(lo, hi + 1):
            table.setdefault(cp, "\n")
    for emoji, word in _EMOJI_WORDS.items():
        table[ord(emoji)] = f" {word} "
    return table


_TABLE = _build_table()
_LEET_MAP = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_MAP.update({"!": "i", "*": "i", "|": "l"})
# Leetspeak: symbols between letters, a digit ending a word after two letters, or @/$ starting
# a word ("k1ll", "su1c1d3", "$uicide"). One pass, and only when a candidate exists.
_LEET = re.compile(
    r"(?<=[^\W\d_])[0134578@$!*|]+(?=[^\W\d_])"
    r"|(?<=[^\W\d_]{2})[0134]\b"
    r"|(?<![\w@$])[@$](?=[^\W\d_])"
)
# Whether _LEET could match at all: a symbol after a letter, or @/$ before one. The pattern
# starts with a plain character class (no top-level alternation), so the engine can scan for
# the symbols in C and only test the lookarounds where one occurs.
_LEET_ANY = re.compile(r"[0134578@$!*|](?:(?<=[^\W\d_].)|(?<=[@$])(?=[^\W\d_]))")
_SPACED_ANY = re.compile(r" [^\W\d_][ .][^\W\d_][ .][^\W\d_]\b")
# Symbols that were not leetspeak become spaces.
_LEFTOVER = {ord(ch): " " for ch in "*_`|~$@!?"}
_SPACED = re.compile(r"\b[^\W\d_](?:[ .][^\W\d_]\b){2,}")
_REPEATS = re.compile(r"([a-zа-я])(?=\1)")  # drop a letter its twin follows: kiiill -> kil
# Segments end at sentence punctuation, newlines (non-signal emoji became newlines) and right
# after laughter, so "kms lol i missed the bus" is two segments. ("[.!?;][.!?;]*" is
# "[.!?;]+", written so that the regex engine can skip ahead in C to the next mark.)
_SEGMENT_SPLIT = re.compile(r"[.!?;][.!?;]*(?=\s|$)")
_LAUGHS = (" lol ", " lmao ", " lmfao ", " rofl ", " haha ", " hahaha ", " hehe ", " emjlaugh ")
# Each laugh is first looked for without its final space: Python's substring search skips
# ahead by the last character, and a letter is much rarer than a space.
_LAUGH_PROBES = tuple((laugh, laugh[:-1]) for laugh in _LAUGHS)


def _unleet(match: re.Match[str]) -> str:
    return "".join(_LEET_MAP.get(ch, ch) for ch in match.group())


def _join_spaced(match: re.Match[str]) -> str:
    return match.group().replace(" ", "").replace(".", "")


def _ascii_table() -> tuple[bytes, bytes]:
    table = bytearray(range(256))
    delete = bytearray()
    for cp in range(128):
        mapped = _TABLE.get(cp)
        if mapped is None:
            continue
        if mapped == "":
            delete.append(cp)
        elif len(mapped) == 1:
            table[cp] = ord(mapped)
    return bytes(table), bytes(delete)


_ASCII_TABLE, _ASCII_DELETE = _ascii_table()
_LEFTOVER_ANY = re.compile(r"[*_`|~$@!?]")


def segments(text: str) -> list[str]:
    """Normalise ``text`` and split it into its non-empty segments."""
    return [seg for seg, _tokens in _segment_tokens(text)]


# Words remembered per cache (each cache is emptied when it grows past this): far more than
# the vocabulary of a chat, and a few tens of megabytes at most.
_CACHE_LIMIT = 100_000
# Collapsed spelling of each word seen, so a word's repeated letters are removed once, not
# on every message.
_COLLAPSED: dict[str, str] = {}


def _collapse(word: str) -> str:
    out = _COLLAPSED.get(word)
    if out is None:
        if len(_COLLAPSED) > _CACHE_LIMIT:
            _COLLAPSED.clear()
        out = _COLLAPSED[word] = _REPEATS.sub("", word)
    return out


@functools.lru_cache(maxsize=8)  # the rules and the learned layer read the same message
def _prepared(text: str) -> tuple[tuple[str, ...], bool]:
    """The whole-text steps of normalisation: the newline-separated parts of the text, and
    whether their words still need their repeated letters collapsed (see below)."""
    if text.isascii():
        # Fast path: ASCII is already NFKC, and a byte table translates at memcpy speed.
        raw = text.lower().encode("ascii").translate(_ASCII_TABLE, _ASCII_DELETE)
        t = raw.decode("ascii")
    else:
        t = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    if _LEET_ANY.search(t):
        t = _LEET.sub(_unleet, t)
    t = _SEGMENT_SPLIT.sub("\n", t)
    if t.isascii():
        t = t.translate(_LEFTOVER)  # cheaper than searching first, for ASCII only
    elif _LEFTOVER_ANY.search(t):
        t = t.translate(_LEFTOVER)
    for laugh, probe in _LAUGH_PROBES:
        if probe in t and laugh in t:
            t = t.replace(laugh, laugh[:-1] + "\n")
    if _SPACED_ANY.search(" " + t):
        t = _SPACED.sub(_join_spaced, t)
    # Repeated letters are collapsed word by word through a cache: _REPEATS only ever looks at
    # two adjacent letters, which are always in the same word, so this equals one pass over
    # the whole text. The one rule that reads across words, "my self" -> "myself", must see the
    # collapsed text with its original spacing; " self" can only appear after collapsing if
    # "lf" is already in the text, so that rare case takes the whole-text route.
    per_word = "lf" not in t
    if not per_word:
        t = _REPEATS.sub("", t)
        if " self" in t:  # "my self" is written both ways
            t = (
                t.replace("my self", "myself")
                .replace("him self", "himself")
                .replace("her self", "herself")
            )
    return tuple(t.split("\n")), per_word


def _segment_tokens(text: str) -> list[tuple[str, list[str]]]:
    """Normalise ``text``: each non-empty segment with its words (``segment.split()``)."""
    parts, per_word = _prepared(text)
    out = []
    for part in parts:
        words = part.split()
        if not words:
            continue
        if per_word:
            words = [_COLLAPSED.get(w) or _collapse(w) for w in words]
        joined = " ".join(words)
        seg = joined.strip(" ,:")
        if len(seg) != len(joined):  # stripping changed the first or last word
            words = seg.split()
        if seg:
            out.append((seg, words))
    return out


def normalise(text: str) -> str:
    """Return the canonical form every lexicon pattern is matched against.

    Lowercase (casefolded), NFKC, Latin accents stripped, apostrophes removed, hyphens and
    most symbols turned into spaces, leetspeak and spaced-out letters rejoined, signal emoji
    turned into placeholder words, repeated letters collapsed. Segments are separated by
    newlines in the result.
    """
    return "\n".join(segments(text))


def _normalise_pattern(src: str) -> str:
    """Bring a lexicon pattern into the same shape as normalised text.

    Apostrophes are dropped (with a following ``?``), Latin accents stripped, letters casefolded,
    and doubled literal letters collapsed (``kill`` -> ``kil``), leaving escapes and character
    classes alone.
    """
    src = re.sub("[" + _APOSTROPHES + "]\\??", "", src)
    out: list[str] = []
    prev_letter = ""
    i = 0
    in_class = False
    while i < len(src):
        ch = src[i]
        if ch == "\\" and i + 1 < len(src):
            out.append(src[i : i + 2])
            prev_letter = ""
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append((ch.casefold().translate(_TABLE) or ch) if ch.isalpha() else ch)
            prev_letter = ""
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            prev_letter = ""
            i += 1
            continue
        if ch.isalpha():
            mapped = ch.casefold().translate(_TABLE).strip() or ch
            if mapped == prev_letter and len(mapped) == 1:
                i += 1
                continue
            out.append(mapped)
            prev_letter = mapped[-1]
        else:
            out.append(ch)
            prev_letter = ""
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Lexicon loading
# --------------------------------------------------------------------------------------------

_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_RISK_LEVELS = {"crisis": Level.CRISIS, "concern": Level.CONCERN}
# Variants say which context checks can lower a hit. Default: negation and history.
VARIANT_FLAGS: dict[str, frozenset[str]] = {
    "": frozenset({"negation", "history"}),
    "hyperbole": frozenset({"negation", "history", "trivial"}),
    "slang": frozenset({"negation", "history", "trivial"}),
    "keyword": frozenset({"negation", "history", "trivial", "benign", "person"}),
    "contextual": frozenset({"negation", "history", "benign"}),
    "escalate": frozenset({"negation", "history", "trivial"}),
}
# A concern hit of these reasons becomes the named crisis when the message has specifics.
ESCALATE_TO = {
    "harm_intent": "harm_others",
    "other_person": "other_at_risk",
    "means": "preparation",
}
MODIFIERS = (
    "negation",
    "history",
    "current",
    "trivial",
    "trivial_weak",
    "laugh",
    "seriousness",
    "benign",
    "ordinary_reason",
    "immediacy",
    "specifics",
    "first_person",
    "third_person",
    "clause_break",
)
ANSWERS = ("yes", "no", "soft_no", "reassurance")
WEAK_KINDS = ("means", "farewell", "finality", "decision", "calm")
SIGNALS = ("distress", "low_mood")
# Stopwords are too common to be useful anchors; a pattern anchored only on them still works,
# it just runs more often.
_STOP_ANCHORS = frozenset(
    (
        "i im ive id il me my to the a an and of in on it is be am are was so just want wana "
        "gona going fel feling like dont not no can cant do have had get got that this for with "
        "you he she they we all any about now what when if but or at realy "
        # frequent everyday words (collapsed spelling) make poor anchors
        "today again last night fine ok okay tired through after long bad kep how phone tel right "
        "thing everything go god good time day days work know think make se people said say one "
        "back stil ned even much more some would could should wil out up down of over them him "
        "her his their us our your yours its there here then than were been being very too also "
        "only wel way new old first lot lots little big smal great nice sure yes yeah got take "
        "come came went gone give look find tried try trying let put keep kept talk told ask "
        "week month year morning evening home house friend friends family mom mum dad love life "
        "help bit really hard sad happy feel felt need want wanted next every other same before "
        "since while where who why which these those because though still never ever always "
        "someone something anything nothing everyone anyone nobody done call text message ago "
        "de la le que et je ich und die der das y yo el en un una es se mi nicht ein eine zu "
        "ne pas я не и в на что это мне меня"
    ).split()
)


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: a pattern, where it came from and the examples that exercise it."""

    file: str
    category: str
    source: str
    regex: re.Pattern[str]
    examples: tuple[str, ...]
    anchors: frozenset[str] | None  # None: no anchor found, runs on every segment
    required: tuple[frozenset[str], ...] = ()  # every match has a word starting with one of each


@dataclass(frozen=True)
class Category:
    kind: str  # crisis | concern | none | weak | signal
    level: Level
    reason: str
    flags: frozenset[str]


def parse_category(name: str) -> Category:
    """Read a category key such as ``crisis.suicidal_ideation.keyword``."""
    parts = name.split(".")
    kind = parts[0]
    reason = parts[1] if len(parts) > 1 else ""
    variant = parts[2] if len(parts) > 2 else ""
    if kind in _RISK_LEVELS:
        if variant not in VARIANT_FLAGS:
            raise ValueError(f"unknown variant {variant!r} in {name}")
        return Category(kind, _RISK_LEVELS[kind], reason, VARIANT_FLAGS[variant])
    if kind == "none":
        return Category(kind, Level.NONE, reason, frozenset())
    if kind == "weak" and reason in WEAK_KINDS:
        return Category(kind, Level.NONE, reason, frozenset({"negation", "history", "benign"}))
    if kind == "signal" and reason in SIGNALS:
        return Category(kind, Level.NONE, reason, frozenset({"negation"}))
    if kind in ("mod", "answer"):
        return Category(kind, Level.NONE, reason, frozenset())
    raise ValueError(f"unknown category {name!r}")


def _whole_words(pat: str) -> str:
    """Make a pattern start and end on word boundaries unless it asks for more letters.

    A pattern ending in ``\\w*``/``\\w+`` (a stem such as ``suicid\\w*``) keeps its open end.
    """
    tail = "" if pat.endswith(("\\w*", "\\w+", "\\b", "$")) else r"\b"
    return r"\b(?:" + pat + ")" + tail


def _expand(src: str, macros: dict[str, str], where: str) -> str:
    for _ in range(10):
        new = _MACRO.sub(lambda m: _macro(m, macros, where), src)
        if new == src:
            return new
        src = new
    raise ValueError(f"{where}: macros nest too deeply")


def _macro(m: re.Match[str], macros: dict[str, str], where: str) -> str:
    name = m.group(1)
    if name not in macros:
        raise ValueError(f"{where}: unknown macro {{{name}}}")
    return "(?:" + macros[name] + ")"


# ---- anchors: a literal word-start that every match of a pattern must contain -------------

_LITERAL = sre_parse.LITERAL
_IN = sre_parse.IN
_AT = sre_parse.AT
_BRANCH = sre_parse.BRANCH
_SUBPATTERN = sre_parse.SUBPATTERN
_REPEATS_OPS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
_ASSERTS = (sre_parse.ASSERT, sre_parse.ASSERT_NOT)
_CATEGORY = sre_parse.CATEGORY
_SPACE_CATS = (sre_parse.CATEGORY_SPACE,)


_FUNCTION_WORDS = frozenset(
    "i im me my to the a an and of in on at it is be am are was were so just that this you he "
    "she they we for with not no do dont can cant have had but or if what when all".split()
)


def _anchor_cost(a: str) -> int:
    """Rough frequency of a word-prefix anchor in ordinary chat: lower is better."""
    exact = a.endswith("$")
    a = a.rstrip("$")
    if a in _FUNCTION_WORDS:
        return 1000
    if exact:
        return 10 if len(a) < 3 or _REPEATS.sub("", a) in _STOP_ANCHORS else 1
    if a in _FUNCTION_WORDS:
        return 1000
    if len(a) < 3 or _REPEATS.sub("", a) in _STOP_ANCHORS:
        return 100
    return 1


def _score(s: frozenset[str]) -> tuple[int, int]:
    return (-sum(_anchor_cost(a) for a in s), min(len(a.rstrip("$")) for a in s))


def _best(sets: list[frozenset[str]]) -> frozenset[str] | None:
    good = [s for s in sets if s and min(len(a.rstrip("$")) for a in s) >= 2]
    return max(good, key=_score) if good else None


def _is_space_class(av: Any) -> bool:
    items = list(av)
    if not items:
        return False
    for op, arg in items:
        if op == _CATEGORY and arg in _SPACE_CATS:
            continue
        if op == _LITERAL and chr(arg).isspace():
            continue
        return False
    return True


def _anchor_sets(items: Iterable[Any], ws: bool) -> tuple[list[frozenset[str]], bool]:
    """Candidate anchor sets of a parsed sequence, and whether it ends at a word start."""
    sets: list[frozenset[str]] = []
    run = ""
    run_ws = False

    def flush(word_end: bool = False) -> None:
        # A run followed by a space or boundary is a whole word: "si$" matches only "si",
        # not "since", which keeps short anchors from firing on every long word.
        nonlocal run
        if run and run_ws:
            sets.append(frozenset({run + "$" if word_end else run}))
        run = ""

    for op, av in getattr(items, "data", items):  # .data: see _chunked
        if op == _LITERAL:
            ch = chr(av)
            if ch.isalnum():
                if not run:
                    run_ws = ws
                run += ch
                ws = False
            else:
                flush(word_end=True)
                ws = True
        elif op == _AT:
            flush(word_end=av == sre_parse.AT_BOUNDARY)
            ws = True
        elif op == _IN:
            flush()
            ws = _is_space_class(av)
        elif op == _BRANCH:
            # The parser factors a shared prefix out of alternatives ("s(?:uicid|ucid)"), so
            # a literal run before a branch continues into each alternative's leading letters.
            prefix = run if run and run_ws else ""
            flush()
            union: set[str] = set()
            ok = True
            ends_ws = True
            for alt in av[1]:
                alt_sets, alt_ws = _anchor_sets(alt, False if prefix else ws)
                ends_ws = ends_ws and alt_ws
                if prefix:
                    lead = ""
                    for sub_op, sub_av in alt:
                        if sub_op != _LITERAL or not chr(sub_av).isalnum():
                            break
                        lead += chr(sub_av)
                    best: frozenset[str] | None = frozenset({prefix + lead})
                    if len(prefix + lead) < 2:
                        best = None
                else:
                    best = _best(alt_sets)
                if best is None:
                    ok = False
                union |= best or frozenset()
            if ok and union:
                sets.append(frozenset(union))
            ws = ends_ws
        elif op == _SUBPATTERN:
            flush()
            sub_sets, ws = _anchor_sets(av[-1], ws)
            sets.extend(sub_sets)
        elif op in _REPEATS_OPS:
            flush()
            lo, _hi, sub = av
            sub_sets, sub_ws = _anchor_sets(sub, ws)
            if lo >= 1:
                sets.extend(sub_sets)
                ws = sub_ws
            else:
                ws = ws and sub_ws
        elif op in _ASSERTS:
            continue
        else:
            flush()
            ws = False
    flush()
    return sets, ws


def pattern_anchors(regex: str) -> frozenset[str] | None:
    """Word prefixes one of which occurs at a word start in every match, or None."""
    return _best(required_sets(regex))


def required_sets(regex: str | sre_parse.SubPattern) -> list[frozenset[str]]:
    """All the anchor sets of a pattern: each match has a word starting with one of each."""
    parsed = sre_parse.parse(regex) if isinstance(regex, str) else regex
    sets, _ = _anchor_sets(list(parsed), True)
    return [s for s in sets if s and min(len(a.rstrip("$")) for a in s) >= 2]


# Per token: the risk, idiom and signal entries whose index anchor it satisfies, and the
# bits of the word sets it satisfies (see Lexicon).
_Parts = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]
_NO_PARTS: _Parts = ((), (), (), 0)


@dataclass
class Lexicon:
    """Everything loaded from the YAML files, compiled."""

    entries: list[Entry] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)
    modifiers: dict[str, re.Pattern[str]] = field(default_factory=dict)
    answers: dict[str, re.Pattern[str]] = field(default_factory=dict)
    index: dict[str, list[int]] = field(default_factory=dict)
    unanchored: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    stage: list[int] = field(default_factory=list)

    # ---- derived at load time, for speed only (see "Speed" in the module docstring) ----
    # Per entry: its regex, and the bits of the word sets that must all be present in a
    # segment before it runs (risk patterns only; idiom and signal anchors are an index).
    regexes: list[re.Pattern[str]] = field(default_factory=list)
    need: list[int] = field(default_factory=list)
    signal_reason: list[str] = field(default_factory=list)  # distress, low_mood or ""
    unanchored_risk: tuple[int, ...] = ()
    unanchored_idiom: tuple[int, ...] = ()
    unanchored_signal: tuple[int, ...] = ()
    # Each distinct word set has a bit: anchor -> bits of its sets.
    word_bits: dict[str, int] = field(default_factory=dict)
    # Every beginning of a prefix anchor: a word's prefixes are looked up only while they are
    # in here, so a word costs a few lookups however many anchors there are.
    anchor_prefixes: frozenset[str] = frozenset()

    # ---- caches, bounded (see _CACHE_LIMIT) ----
    token_cache: dict[str, _Parts] = field(default_factory=dict)  # by segment word
    # Per word as it comes out of the whole-text normalisation (before its repeated letters
    # are collapsed): its collapsed spelling, its bits, the risk entries it anchors, and the
    # idiom and signal entries it anchors (the last two only for words that anchor some).
    # Separate tables so that a segment is read with C-level map() calls (see _scan).
    word_collapsed: dict[str, str] = field(default_factory=dict)
    word_present: dict[str, int] = field(default_factory=dict)
    word_risk: dict[str, tuple[int, ...]] = field(default_factory=dict)
    word_other: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)


def _entry_list(raw: Any, where: str) -> list[tuple[str, tuple[str, ...]]]:
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list of [pattern, example, ...]")
    out: list[tuple[str, tuple[str, ...]]] = []
    for item in raw:
        if isinstance(item, list) and len(item) >= 2 and all(isinstance(x, str) for x in item):
            out.append((item[0], tuple(item[1:])))
        else:
            raise ValueError(f"{where}: entry {item!r} needs a pattern and at least one example")
    return out


_STAGE_IDIOM, _STAGE_RISK, _STAGE_SIGNAL = 0, 1, 2


def _stage(category: str) -> int:
    if category.startswith("none."):
        return _STAGE_IDIOM
    if category.startswith("signal."):
        return _STAGE_SIGNAL
    return _STAGE_RISK


def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Load and compile every ``*.yaml`` lexicon in ``directory``."""
    lex = Lexicon()
    mod_sources: dict[str, list[str]] = {}
    answer_sources: dict[str, list[str]] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    languages: list[str] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no triage lexicons in {directory}")
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        if not isinstance(data, dict):
            raise ValueError(f"{path.name}: top level must be a mapping")
        languages.append(str(data.get("language", path.stem)))
        macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
        for cat_name, raw in (data.get("categories") or {}).items():
            where = f"{path.name}:{cat_name}"
            cat = parse_category(cat_name)
            lex.categories[cat_name] = cat
            for src, examples in _entry_list(raw, where):
                pat = _normalise_pattern(_expand(src, macros, where))
                if cat.kind not in ("mod", "answer"):
                    pat = _whole_words(pat)
                if cat.kind == "mod":
                    if cat.reason not in MODIFIERS:
                        raise ValueError(f"{where}: unknown modifier")
                    re.compile(pat)
                    mod_sources.setdefault(cat.reason, []).append(pat)
                    continue
                if cat.kind == "answer":
                    if cat.reason not in ANSWERS:
                        raise ValueError(f"{where}: unknown answer kind")
                    re.compile(pat)
                    answer_sources.setdefault(cat.reason, []).append(pat)
                    continue
                try:
                    regex = re.compile(pat)
                except re.error as exc:
                    raise ValueError(f"{where}: {src!r} does not compile: {exc}") from exc
                req = required_sets(pat)
                best = _best(req)
                others = tuple(s for s in req if s != best)
                lex.entries.append(Entry(path.name, cat_name, src, regex, examples, best, others))
    for name, sources in mod_sources.items():
        lex.modifiers[name] = re.compile(r"\b(?:" + "|".join(sources) + r")\b")
    for name, sources in answer_sources.items():
        lex.answers[name] = re.compile(r"\b(?:" + "|".join(sources) + r")\b")
    unanchored: list[int] = []
    for i, entry in enumerate(lex.entries):
        if entry.anchors is None:
            unanchored.append(i)
            continue
        for anchor in entry.anchors:
            lex.index.setdefault(anchor, []).append(i)
    lex.unanchored = tuple(unanchored)
    lex.stage = [_stage(e.category) for e in lex.entries]
    lex.unanchored_risk = tuple(i for i in unanchored if lex.stage[i] == _STAGE_RISK)
    lex.unanchored_idiom = tuple(i for i in unanchored if lex.stage[i] == _STAGE_IDIOM)
    lex.unanchored_signal = tuple(i for i in unanchored if lex.stage[i] == _STAGE_SIGNAL)
    _derive_filters(lex)
    lex.languages = tuple(languages)
    return lex


def _derive_filters(lex: Lexicon) -> None:
    """Fill the fields of ``lex`` that only make matching faster (see Lexicon)."""
    lex.regexes = [e.regex for e in lex.entries]
    lex.signal_reason = [
        lex.categories[e.category].reason if lex.stage[i] == _STAGE_SIGNAL else ""
        for i, e in enumerate(lex.entries)
    ]
    entry_sets: list[set[frozenset[str]]] = []
    for i, entry in enumerate(lex.entries):
        sets: set[frozenset[str]] = set()
        if lex.stage[i] == _STAGE_RISK:  # the anchor rule applies to risk patterns only
            if entry.anchors is not None:
                sets.add(entry.anchors)
            sets.update(entry.required)
        entry_sets.append(sets)
    order = sorted({s for sets in entry_sets for s in sets}, key=sorted)  # same bits every run
    ids = {s: bit for bit, s in enumerate(order)}
    lex.need = [sum(1 << ids[s] for s in sets) for sets in entry_sets]
    lex.word_bits = {}
    for s, bit in ids.items():
        for anchor in s:
            lex.word_bits[anchor] = lex.word_bits.get(anchor, 0) | 1 << bit
    anchors = [a for a in (*lex.index, *lex.word_bits) if not a.endswith("$")]
    lex.anchor_prefixes = frozenset(a[:n] for a in anchors for n in range(1, len(a) + 1))


def _token_parts(tok: str, lex: Lexicon) -> _Parts:
    """What a word can start: entries anchored on it, and the bits of the word sets it
    belongs to.

    An anchor ``kil`` is satisfied by any word starting with ``kil``; ``si$`` only by ``si``.
    Cached per token: the vocabulary of chats is small.
    """
    cache = lex.token_cache
    parts = cache.get(tok)
    if parts is not None:
        return parts
    word = tok.strip(".,!?;:'%")
    # Prefix anchors are found by walking the word's prefixes while they still begin some
    # anchor (see Lexicon.anchor_prefixes).
    prefixes = lex.anchor_prefixes
    index = lex.index
    bits = lex.word_bits
    found: set[int] = set(index.get(word + "$", ()))
    mask = bits.get(word + "$", 0)
    for n in range(1, len(word) + 1):
        head = word[:n]
        if head not in prefixes:
            break
        ids = index.get(head)
        if ids:
            found.update(ids)
        mask |= bits.get(head, 0)
    if found or mask:
        stage = lex.stage
        parts = (
            tuple(i for i in found if stage[i] == _STAGE_RISK),
            tuple(sorted(i for i in found if stage[i] == _STAGE_IDIOM)),
            tuple(i for i in found if stage[i] == _STAGE_SIGNAL),
            mask,
        )
    else:
        parts = _NO_PARTS
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[tok] = parts
    return parts


LEXICON = load_lexicon()

# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


def candidates(segment: str, lex: Lexicon = LEXICON) -> tuple[int, ...]:
    """Indices of the entries whose anchor begins some word of ``segment``, in lexicon order.

    For looking into the lexicon (which patterns a word brings in); matching itself reads
    the same information from the per-word tables (see _scan).
    """
    found: set[int] = set(lex.unanchored)
    for tok in segment.split():
        parts = _token_parts(tok, lex)
        for part in parts[:3]:
            found.update(part)
    return tuple(sorted(found))


@dataclass
class _Hit:
    entry: int
    cat: Category
    start: int
    end: int
    segment: int


@dataclass
class Analysis:
    level: Level
    reasons: tuple[str, ...]
    distress: _Lazy  # distress words (not negated) or a concern-level hit, read on demand
    low_mood: _Lazy  # low-mood words (not negated), read on demand
    negated: bool


def _mod(name: str, text: str, lex: Lexicon) -> bool:
    rx = lex.modifiers.get(name)
    return bool(rx and rx.search(text))


# Words that may stand between a negation and what it negates ("not really going to").
_NEGATION_GLUE = frozenset(
    "i im am is be been being going to gona gonna realy actualy ever even so that like want wana "
    "think fel feling planing trying about do would wil ever the a any myself of or anything "
    "thinking having curently just al at sure it ned need had have ive thoughts thought of ideas "
    "idea plans plan intention intentions desire urge urges wish or nor any "
    # es fr de ru glue: "no voy a", "je ne vais pas", "ich werde nicht", "я не собираюсь"
    "tengo voy a quiero pienso estoy me pensamientos ideas de d didees vais veux je vas va "
    "werde wil mich ich gedanken an собираюсь буду хочу я мыслей мысли о об у меня есть".split()
)
_NEGATION_GLUE = frozenset(_REPEATS.sub("", w) for w in _NEGATION_GLUE)  # text is collapsed too


def _negated(seg: str, start: int, lex: Lexicon) -> bool:
    """Whether a negation governs the words just before ``start`` in the same clause.

    The negation must be close: only glue words ("going to", "really", "I think") may stand
    between it and the hit, so "what I haven't told him is that I cut myself" is not negated.
    """
    window = seg[max(0, start - 60) : start].rsplit(",", 1)[-1]
    brk = lex.modifiers.get("clause_break")
    if brk:
        ends = [m.end() for m in brk.finditer(window)]
        if ends:
            window = window[ends[-1] :]
    rx = lex.modifiers.get("negation")
    if rx is None:
        return False
    ends = [m.end() for m in rx.finditer(window)]
    if not ends:
        return False
    between = window[ends[-1] :].split()
    if len(between) > 4:
        return False
    if "or" in between or "nor" in between:  # "not depressed or suicidal"
        return sum(1 for w in between if w not in _NEGATION_GLUE) <= 1
    return all(w in _NEGATION_GLUE for w in between)


_FEEL_WORDS = frozenset({"fel", "feling", "felt", "am", "so", "realy", "very"})


def _first_person_close(seg: str, start: int, lex: Lexicon) -> bool:
    """Whether the user speaks of themselves just before ``start`` ("I'm suicidal")."""
    words = seg[:start].split()[-3:]
    return _mod("first_person", " ".join(words), lex) or any(w in _FEEL_WORDS for w in words)


def _trivial(window: str, lex: Lexicon) -> bool:
    """Plainly trivial context: a trivial topic, or a weaker one with laughter."""
    if _mod("trivial", window, lex):
        return True
    return _mod("trivial_weak", window, lex) and _mod("laugh", window, lex)


def _third_person(seg: str, start: int, lex: Lexicon) -> bool:
    """Whether the nearest person mentioned before ``start`` is someone other than the user."""
    before = seg[:start]
    first = lex.modifiers.get("first_person")
    third = lex.modifiers.get("third_person")
    if third is None:
        return False
    last3 = -1
    for m in third.finditer(before):
        last3 = m.end()
    if last3 < 0:
        return False
    last1 = -1
    if first is not None:
        for m in first.finditer(before):
            last1 = m.end()
    return last3 > last1


def _learn_words(raws: Iterable[str], lex: Lexicon) -> None:
    """Fill the per-word tables of ``lex`` for words not seen before."""
    collapsed_of = lex.word_collapsed
    if len(collapsed_of) > _CACHE_LIMIT:
        collapsed_of.clear()
        lex.word_present.clear()
        lex.word_risk.clear()
        lex.word_other.clear()
    for raw in raws:
        if raw in collapsed_of:
            continue
        word = _COLLAPSED.get(raw) or _collapse(raw)
        parts = lex.token_cache.get(word) or _token_parts(word, lex)
        collapsed_of[raw] = word
        lex.word_present[raw] = parts[3]
        if parts[0]:
            lex.word_risk[raw] = parts[0]
        if parts[1] or parts[2]:
            lex.word_other[raw] = (parts[1], parts[2])


# A segment: its text, the bits of its words, and the entries its words anchor: one tuple of
# risk entries per anchoring word, and (idiom entries, signal entries) per word with some.
_Segment = tuple[str, int, list[tuple[int, ...]], list[tuple[tuple[int, ...], tuple[int, ...]]]]


def _scan(text: str, lex: Lexicon) -> list[_Segment]:
    """Normalise ``text`` into segments (as ``segments``) and read each segment's words."""
    parts, _per_word = _prepared(text)
    # When the whole text was collapsed already (_per_word false), collapsing a word again
    # changes nothing, so the same tables serve both cases.
    collapsed_of = lex.word_collapsed.__getitem__
    present_of = lex.word_present.__getitem__
    risk_of = lex.word_risk.get
    other_of = lex.word_other.get
    out: list[_Segment] = []
    for part in parts:
        raws = part.split()
        if not raws:
            continue
        try:
            words = list(map(collapsed_of, raws))
        except KeyError:
            _learn_words(raws, lex)
            words = list(map(collapsed_of, raws))
        joined = " ".join(words)
        seg = joined.strip(" ,:")
        if len(seg) != len(joined):  # stripping changed the first or last word
            if not seg:
                continue
            raws = seg.split()
            _learn_words(raws, lex)
        out.append(
            (
                seg,
                reduce(or_, map(present_of, raws), 0),
                list(filter(None, map(risk_of, raws))),
                list(filter(None, map(other_of, raws))),
            )
        )
    return out


def _search_risks(
    text: str, si: int, candidates: Iterable[int], present: int, lex: Lexicon, hits: list[_Hit]
) -> None:
    """Run the candidate risk patterns over one segment, appending what they find to ``hits``.

    ``present`` has the bits of the words of ``text``. A pattern runs only if each of its
    required word sets is present (the anchor rule of the lexicon).
    """
    need = lex.need
    regexes = lex.regexes
    for i in candidates:
        if need[i] & present != need[i]:
            continue  # a required word set is missing
        m = regexes[i].search(text)
        if m:
            hits.append(_Hit(i, lex.categories[lex.entries[i].category], m.start(), m.end(), si))


def _mask_idioms(seg: str, idioms: Iterable[int], lex: Lexicon) -> tuple[str, bool]:
    """Blank out (with spaces) what the idiom patterns match; and whether any matched."""
    masked = seg
    matched = False
    for i in sorted(idioms):
        for im in lex.regexes[i].finditer(masked):
            matched = True
            masked = masked[: im.start()] + " " * (im.end() - im.start()) + masked[im.end() :]
    return masked, matched


def _present(text: str, lex: Lexicon) -> int:
    """The bits of the words of ``text`` (for text that is not a segment as scanned)."""
    bits = 0
    for word in text.split():
        bits |= (lex.token_cache.get(word) or _token_parts(word, lex))[3]
    return bits


def _risk_hits(segs: list[_Segment], lex: Lexicon) -> tuple[list[_Hit], bool]:
    """Mask idioms and run the risk patterns over each segment of a message.

    Returns the risk hits and whether an idiom matched.
    """
    cache = lex.token_cache
    unanchored_risk = lex.unanchored_risk
    unanchored_idiom = lex.unanchored_idiom
    hits: list[_Hit] = []
    idiom = False
    for si, (seg, present, risk, other) in enumerate(segs):
        if not risk and not unanchored_risk:
            continue  # idioms only matter where a risk pattern could fire
        idioms = [ids for ids, _signal_ids in other if ids]  # few words anchor idioms
        if idioms or unanchored_idiom:
            masked, matched = _mask_idioms(seg, set(unanchored_idiom).union(*idioms), lex)
            idiom = idiom or matched
            if masked is not seg:
                # An idiom took words away: read the segment again from what is left.
                risk_left: set[int] = set()
                for word in masked.split():
                    risk_left.update((cache.get(word) or _token_parts(word, lex))[0])
                _search_risks(masked, si, risk_left, _present(masked, lex), lex, hits)
                continue
        candidates_: Iterable[int]
        if len(risk) == 1 and not unanchored_risk:
            candidates_ = risk[0]  # one anchoring word: its entries are already distinct
        else:
            candidates_ = set(unanchored_risk).union(*risk)
        _search_risks(seg, si, candidates_, present, lex, hits)
    return hits, idiom


class _Signals:
    """The message's distress and low-mood words, searched only when a rule reads them.

    Signals change a level only in a few cases (a negated risk, weak signals, context rules),
    and their patterns are anchored on everyday words, so searching them eagerly would cost
    most long messages a pass for nothing.
    """

    def __init__(self, segs: list[_Segment], lex: Lexicon) -> None:
        self._segs = segs
        self._lex = lex
        self._anchored: list[tuple[str, list[int]]] | None = None

    def present(self, reason: str) -> bool:
        """Whether a signal pattern of ``reason`` (distress, low_mood) matches a segment
        without a negation just before it (the first match of each pattern per segment)."""
        lex = self._lex
        if self._anchored is None:
            # The segments with a word that anchors a signal pattern, and those patterns.
            self._anchored = []
            for seg, _bits, _risk, other in self._segs:
                anchored = [ids for _idiom_ids, ids in other if ids]
                if anchored:
                    ids = sorted(set(lex.unanchored_signal).union(*anchored))
                    self._anchored.append((seg, ids))
        for seg, ids in self._anchored:
            for i in ids:
                if lex.signal_reason[i] != reason:
                    continue
                m = lex.regexes[i].search(seg)
                if m and not _negated(seg, m.start(), lex):
                    return True
        return False


def analyse(text: str, lex: Lexicon = LEXICON, want_signals: bool = False) -> Analysis:
    segs = _scan(text, lex)
    if not segs:
        return Analysis(Level.NONE, (), _Lazy.constant(False), _Lazy.constant(False), False)
    segments_ = [segment[0] for segment in segs]
    hits, idiom = _risk_hits(segs, lex)
    # Signals are read only when the message needs them: for context rules (want_signals),
    # to judge a negated risk, or weak signals.
    signals_wanted = (
        want_signals
        or any(h.cat.kind == "weak" for h in hits)
        or any(
            "negation" in h.cat.flags and _negated(segments_[h.segment], h.start, lex) for h in hits
        )
    )
    signals = _Signals(segs, lex)
    sig_distress = _Lazy(lambda: signals_wanted and signals.present("distress"))
    sig_low_mood = _Lazy(lambda: signals_wanted and signals.present("low_mood"))
    if not hits:
        reasons: tuple[str, ...] = ("none:idiom",) if idiom else ()
        return Analysis(Level.NONE, reasons, sig_distress, sig_low_mood, False)
    full = " ".join(segments_)
    serious = _Lazy(lambda: _mod("seriousness", full, lex))
    immediate = _Lazy(lambda: _mod("immediacy", full, lex))
    specifics = _Lazy(lambda: _mod("specifics", full, lex))
    found: list[tuple[Level, str]] = []
    weak: set[str] = set()
    negated_any = False
    none_tags: set[str] = {"none:idiom"} if idiom else set()
    demotable: list[tuple[_Hit, str]] = []  # trivial-context candidates, resolved below
    firm_risk = False

    for hit in hits:
        seg = segments_[hit.segment]
        cat = hit.cat
        flags = cat.flags
        if "negation" in flags and _negated(seg, hit.start, lex):
            if cat.kind == "weak":
                continue
            if cat.level == Level.CRISIS and _mod("history", seg, lex):
                found.append((Level.CONCERN, "concern:history"))
            else:
                negated_any = True
                none_tags.add("none:negation")
            continue
        if cat.kind == "weak":
            if cat.reason != "means" and (
                _mod("ordinary_reason", seg, lex) or _mod("benign", seg, lex)
            ):
                none_tags.add("none:benign_context")
                continue
            hist = _mod("history", seg, lex) and not _mod("current", seg, lex)
            if not hist:
                weak.add(cat.reason)
            continue
        near = " ".join(segments_[max(0, hit.segment - 1) : hit.segment + 2])
        ctx_text = seg if "person" in flags else near
        if "benign" in flags and (
            _mod("benign", ctx_text, lex) or _mod("ordinary_reason", ctx_text, lex)
        ):
            # A bare keyword is only benign when the user is not speaking of themselves
            # ("a film about suicide", not "I'm suicidal and can't focus in class").
            if "person" not in flags or not _first_person_close(seg, hit.start, lex):
                none_tags.add("none:benign_context")
                continue
        level, reason = cat.level, cat.reason
        if "person" in flags and _third_person(seg, hit.start, lex):
            if reason == "suicidal_ideation" or immediate.value:
                level, reason = Level.CRISIS, "other_at_risk"
            else:
                level, reason = Level.CONCERN, "other_person"
        if reason in ESCALATE_TO and level == Level.CONCERN:
            trigger = specifics if reason == "harm_intent" else immediate
            if trigger.value:
                level, reason = Level.CRISIS, ESCALATE_TO[reason]
        if "history" in flags and level == Level.CRISIS:
            if _mod("history", seg, lex) and not _mod("current", seg, lex):
                level = Level.CONCERN
                reason = "other_person" if reason == "other_at_risk" else "history"
        tag = f"{level.label}:{reason}"
        if "trivial" in flags:
            window = " ".join(segments_[max(0, hit.segment - 1) : hit.segment + 2])
            if _trivial(window, lex):
                demotable.append((hit, tag))
                continue
        found.append((level, tag))
        firm_risk = True

    # Trivial context lowers hyperbole and jokey slang only when nothing in the message
    # says it is serious (a seriousness marker or any other risk).
    for _hit, tag in demotable:
        if firm_risk or serious.value:
            found.append((Level.CRISIS if tag.startswith("crisis") else Level.CONCERN, tag))
        else:
            none_tags.add("none:trivial_context")

    # Weak signals in combination: means at hand, a farewell, finality, a decision, sudden
    # calm. Two different ones together, or one with any distress, read as crisis.
    strong_context = bool(found) or sig_distress.value
    if weak and (len(weak) >= 2 or strong_context or ("means" in weak and immediate.value)):
        reason = "preparation" if weak & {"means", "decision"} else "farewell"
        found.append((Level.CRISIS, f"crisis:{reason}"))
    elif "means" in weak:
        found.append((Level.CONCERN, "concern:means"))
    elif "finality" in weak:
        found.append((Level.CONCERN, "concern:finality"))

    concern_found = any(level >= Level.CONCERN for level, _ in found)
    distress = _Lazy.constant(True) if concern_found else sig_distress
    if negated_any and not found and (sig_distress.value or (sig_low_mood.value and serious.value)):
        found.append((Level.CONCERN, "concern:negation_distress"))
    if not found:
        return Analysis(Level.NONE, tuple(sorted(none_tags)), distress, sig_low_mood, negated_any)
    top = max(level for level, _ in found)
    reasons = tuple(sorted({tag for level, tag in found if level == top}))
    return Analysis(top, reasons, distress, sig_low_mood, negated_any)


class _Lazy:
    """A boolean computed on first use (message-wide modifiers cost a pass over the text)."""

    __slots__ = ("_fn", "_value")

    def __init__(self, fn: Callable[[], bool]) -> None:
        self._fn: Callable[[], bool] | None = fn
        self._value = False

    @property
    def value(self) -> bool:
        if self._fn is not None:
            self._value = self._fn()
            self._fn = None
        return self._value

    @classmethod
    def constant(cls, value: bool) -> _Lazy:
        """A value known already."""
        lazy = cls(bool)
        lazy._fn, lazy._value = None, value
        return lazy


def rules_triage(text: str) -> TriageResult:
    """Judge one message on its own, by the rules alone."""
    a = analyse(text)
    return TriageResult(a.level, a.reasons)
