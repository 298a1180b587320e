"""Distress triage: decide from a message's text how urgently the bot must respond.

This is the safety core described in ``/work/shared/SAFETY.md``: text goes in, a level
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
"""

from __future__ import annotations

import enum
import re
import re._parser as sre_parse  # the stdlib regex parser, read to find pattern anchors
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "LEXICON_DIR",
    "Level",
    "TriageContext",
    "TriageResult",
    "mood_concern",
    "normalise",
    "triage",
    "triage_in_context",
]

LEXICON_DIR = Path(__file__).resolve().parent.parent / "content" / "triage"


class Level(enum.IntEnum):
    """Triage levels, ordered so that ``max`` picks the most severe."""

    NONE = 0
    CONCERN = 1
    CRISIS = 2

    @property
    def label(self) -> str:
        """``"none"``, ``"concern"`` or ``"crisis"``."""
        return self.name.lower()


@dataclass(frozen=True)
class TriageResult:
    """The level and the rule tags that set it (never the user's text)."""

    level: Level
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriageContext:
    """Conversation state that changes how a single message is read."""

    recent_moods: tuple[int, ...] = ()  # newest first, 1..5
    awaiting_safety_answer: bool = False  # the bot just asked the direct safety question
    last_crisis_at: datetime | None = None  # aware UTC
    now: datetime | None = None  # aware UTC, injected clock


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
# Starts with the symbol so the regex engine can skip ahead to candidates quickly.
_LEET_ANY = re.compile(r"[0134578@$!*|](?<=[^\W\d_].)|[@$](?=[^\W\d_])")
_SPACED_ANY = re.compile(r" [^\W\d_][ .][^\W\d_][ .][^\W\d_]\b")
# Symbols that were not leetspeak become spaces.
_LEFTOVER = {ord(ch): " " for ch in "*_`|~$@!?"}
_SPACED = re.compile(r"\b[^\W\d_](?:[ .][^\W\d_]\b){2,}")
_REPEATS = re.compile(r"([a-zа-я])(?=\1)")  # drop a letter its twin follows: kiiill -> kil
# Segments end at sentence punctuation, newlines (non-signal emoji became newlines) and right
# after laughter, so "kms lol i missed the bus" is two segments.
_SEGMENT_SPLIT = re.compile(r"[.!?;]+(?=\s|$)")
_LAUGHS = (" lol ", " lmao ", " lmfao ", " rofl ", " haha ", " hahaha ", " hehe ", " emjlaugh ")


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
    if text.isascii():
        # Fast path: ASCII is already NFKC, and a byte table translates at memcpy speed.
        raw = text.lower().encode("ascii").translate(_ASCII_TABLE, _ASCII_DELETE)
        t = raw.decode("ascii")
    else:
        t = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    if _LEET_ANY.search(t):
        t = _LEET.sub(_unleet, t)
    t = _SEGMENT_SPLIT.sub("\n", t)
    if _LEFTOVER_ANY.search(t):
        t = t.translate(_LEFTOVER)
    for laugh in _LAUGHS:
        if laugh in t:
            t = t.replace(laugh, laugh[:-1] + "\n")
    if _SPACED_ANY.search(" " + t):
        t = _SPACED.sub(_join_spaced, t)
    t = _REPEATS.sub("", t)
    if " self" in t:  # "my self" is written both ways
        t = (
            t.replace("my self", "myself")
            .replace("him self", "himself")
            .replace("her self", "herself")
        )
    out = []
    for part in t.split("\n"):
        seg = " ".join(part.split()).strip(" ,:")
        if seg:
            out.append(seg)
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

    for op, av in items:
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


def required_sets(regex: str) -> list[frozenset[str]]:
    """All the anchor sets of a pattern: each match has a word starting with one of each."""
    parsed = sre_parse.parse(regex)
    sets, _ = _anchor_sets(list(parsed), True)
    return [s for s in sets if s and min(len(a.rstrip("$")) for a in s) >= 2]


# Per token: (risk entries, idiom entries, signal entries, anchors the token satisfies).
_Parts = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], frozenset[str]]
_NO_PARTS: _Parts = ((), (), (), frozenset())


@dataclass
class Lexicon:
    """Everything loaded from the YAML files, compiled."""

    entries: list[Entry] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)
    modifiers: dict[str, re.Pattern[str]] = field(default_factory=dict)
    answers: dict[str, re.Pattern[str]] = field(default_factory=dict)
    index: dict[str, list[int]] = field(default_factory=dict)
    anchor_lengths: tuple[int, ...] = ()
    first2: frozenset[str] = frozenset()
    unanchored: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    stage: list[int] = field(default_factory=list)
    token_cache: dict[str, _Parts] = field(default_factory=dict)
    vocab: frozenset[str] = frozenset()  # every anchor of every required set
    vocab_lengths: tuple[int, ...] = ()


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
    vocab = {a for e in lex.entries for req in e.required for a in req}
    lex.vocab = frozenset(vocab)
    lex.vocab_lengths = tuple(sorted({len(a) for a in vocab if not a.endswith("$")}))
    lex.anchor_lengths = tuple(sorted({len(a) for a in lex.index if not a.endswith("$")}))
    lex.first2 = frozenset(a[:2] for a in lex.index if not a.endswith("$"))
    lex.languages = tuple(languages)
    return lex


LEXICON = load_lexicon()
_WORD = re.compile(r"\w+")

# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


def candidates(segment: str, lex: Lexicon = LEXICON) -> tuple[int, ...]:
    """Indices of the entries whose anchor begins some word of ``segment``, in lexicon order."""
    found: set[int] = set(lex.unanchored)
    for tok in segment.split():
        parts = _token_parts(tok, lex)
        for part in parts[:3]:
            found.update(part)
    return tuple(sorted(found))


def _token_parts(tok: str, lex: Lexicon) -> _Parts:
    """Entries anchored on ``tok``, split into (risk, idiom, signal); cached per token."""
    cache = lex.token_cache
    parts = cache.get(tok)
    if parts is not None:
        return parts
    word = tok.strip(".,!?;:'%")
    found: set[int] = set(lex.index.get(word + "$", ()))
    if word[:2] in lex.first2:
        for length in lex.anchor_lengths:
            if length > len(word):
                break
            ids = lex.index.get(word[:length])
            if ids:
                found.update(ids)
    vocab = lex.vocab
    present = {word + "$"} & vocab
    present.update(word[:n] for n in lex.vocab_lengths if n <= len(word) and word[:n] in vocab)
    if found or present:
        stage = lex.stage
        parts = (
            tuple(i for i in found if stage[i] == _STAGE_RISK),
            tuple(sorted(i for i in found if stage[i] == _STAGE_IDIOM)),
            tuple(i for i in found if stage[i] == _STAGE_SIGNAL),
            frozenset(present),
        )
    else:
        parts = _NO_PARTS
    if len(cache) > 200_000:  # bounded: the vocabulary of real chats is much smaller
        cache.clear()
    cache[tok] = parts
    return parts


@dataclass
class _Hit:
    entry: int
    cat: Category
    start: int
    end: int
    segment: int


@dataclass
class _Analysis:
    level: Level
    reasons: tuple[str, ...]
    distress: bool
    low_mood: bool
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


def _analyse(text: str, lex: Lexicon = LEXICON, want_signals: bool = False) -> _Analysis:
    segments_ = segments(text)
    if not segments_:
        return _Analysis(Level.NONE, (), False, False, False)
    entries = lex.entries
    stage = lex.stage
    hits: list[_Hit] = []
    signal_segments: set[int] = set()
    idiom = False
    unanchored = [lex.unanchored] if lex.unanchored else []
    cache = lex.token_cache
    for si, seg in enumerate(segments_):
        toks = seg.split()
        got = [cache.get(t) or _token_parts(t, lex) for t in toks]
        risk_set: set[int] = set().union(*[g[0] for g in got if g[0]])
        if not risk_set and not unanchored:
            if any(g[2] for g in got):
                signal_segments.add(si)
            continue
        idiom_set: set[int] = set().union(*[g[1] for g in got if g[1]])
        present: set[str] = set().union(*[g[3] for g in got])
        if any(g[2] for g in got):
            signal_segments.add(si)
        for extra in unanchored:
            risk_set.update(i for i in extra if stage[i] == _STAGE_RISK)
            idiom_set.update(i for i in extra if stage[i] == _STAGE_IDIOM)
        if not risk_set:
            continue  # idioms only matter where a risk pattern could fire
        masked = seg
        for i in sorted(idiom_set):
            for im in entries[i].regex.finditer(masked):
                idiom = True
                masked = masked[: im.start()] + " " * (im.end() - im.start()) + masked[im.end() :]
        if masked is not seg:  # an idiom took words away: fewer patterns can still fire
            risk_set = set()
            present = set()
            for tok in masked.split():
                parts = cache.get(tok) or _token_parts(tok, lex)
                risk_set.update(parts[0])
                present.update(parts[3])
        for i in risk_set:
            # Every other required word of the pattern must be present before the regex runs.
            e = entries[i]
            if e.required and not all(not r.isdisjoint(present) for r in e.required):
                continue
            m = e.regex.search(masked)
            if m:
                hits.append(_Hit(i, lex.categories[e.category], m.start(), m.end(), si))
    negated_first = any(
        "negation" in h.cat.flags and _negated(segments_[h.segment], h.start, lex) for h in hits
    )
    if want_signals or negated_first or any(h.cat.kind == "weak" for h in hits):
        # Distress words are only needed to read negations, weak signals and context.
        for si in sorted(signal_segments):
            for i in candidates(segments_[si], lex):
                if stage[i] != _STAGE_SIGNAL:
                    continue
                sm = entries[i].regex.search(segments_[si])
                if sm:
                    hits.append(
                        _Hit(i, lex.categories[entries[i].category], sm.start(), sm.end(), si)
                    )
    if not hits:
        reasons: tuple[str, ...] = ("none:idiom",) if idiom else ()
        return _Analysis(Level.NONE, reasons, False, False, False)
    full = " ".join(segments_)
    serious = _Lazy(lambda: _mod("seriousness", full, lex))
    immediate = _Lazy(lambda: _mod("immediacy", full, lex))
    specifics = _Lazy(lambda: _mod("specifics", full, lex))
    found: list[tuple[Level, str]] = []
    weak: set[str] = set()
    distress = low_mood = negated_any = False
    none_tags: set[str] = {"none:idiom"} if idiom else set()
    demotable: list[tuple[_Hit, str]] = []  # trivial-context candidates, resolved below
    firm_risk = False

    for hit in hits:
        seg = segments_[hit.segment]
        cat = hit.cat
        flags = cat.flags
        if "negation" in flags and _negated(seg, hit.start, lex):
            if cat.kind in ("signal", "weak"):
                continue
            if cat.level == Level.CRISIS and _mod("history", seg, lex):
                found.append((Level.CONCERN, "concern:history"))
            else:
                negated_any = True
                none_tags.add("none:negation")
            continue
        if cat.kind == "signal":
            if cat.reason == "distress":
                distress = True
            else:
                low_mood = True
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
    strong_context = bool(found) or distress
    if weak and (len(weak) >= 2 or strong_context or ("means" in weak and immediate.value)):
        reason = "preparation" if weak & {"means", "decision"} else "farewell"
        found.append((Level.CRISIS, f"crisis:{reason}"))
    elif "means" in weak:
        found.append((Level.CONCERN, "concern:means"))
    elif "finality" in weak:
        found.append((Level.CONCERN, "concern:finality"))

    if any(level >= Level.CONCERN for level, _ in found):
        distress = True
    if negated_any and not found and (distress or (low_mood and serious.value)):
        found.append((Level.CONCERN, "concern:negation_distress"))
    if not found:
        return _Analysis(Level.NONE, tuple(sorted(none_tags)), distress, low_mood, negated_any)
    top = max(level for level, _ in found)
    reasons = tuple(sorted({tag for level, tag in found if level == top}))
    return _Analysis(top, reasons, distress, low_mood, negated_any)


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


def triage(text: str) -> TriageResult:
    """Judge one message on its own."""
    a = _analyse(text)
    return TriageResult(a.level, a.reasons)


# --------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------


def mood_concern(recent_moods: Sequence[int]) -> bool:
    """The lowest mood (1) on at least three of the last five check-ins (newest first)."""
    return sum(1 for m in list(recent_moods)[:5] if m == 1) >= 3


def _answer(text: str, lex: Lexicon = LEXICON) -> str | None:
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


def triage_in_context(text: str, ctx: TriageContext) -> TriageResult:
    """Judge a message with what the conversation already knows.

    * Awaiting the safety answer: an affirmative or hedged reply is crisis; "not really" is
      concern; a clear "no" leaves the text's own level.
    * Within an hour of a crisis: a bare reassurance ("I'm fine", "ok") keeps crisis, a concern
      becomes crisis and a none with some distress becomes concern.
    * Low mood on three of the last five check-ins: a none with some distress becomes concern.
    """
    a = _analyse(text, want_signals=True)
    level, reasons = a.level, a.reasons
    if ctx.awaiting_safety_answer and level < Level.CRISIS:
        kind = _answer(text)
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
        if a.distress or a.low_mood or a.negated:
            return TriageResult(Level.CONCERN, ("concern:recent_crisis",))
    if level == Level.NONE and mood_concern(ctx.recent_moods):
        if a.distress or a.low_mood or a.negated:
            return TriageResult(Level.CONCERN, ("concern:low_mood_checkins",))
    return TriageResult(level, reasons)
