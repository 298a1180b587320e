"""The triage lexicons: ``content/triage/*.yaml`` loaded, checked and compiled.

Each file holds, per category (``crisis.<reason>.<variant>``, ``concern...``, ``none...`` for
idioms, ``weak...``, ``signal...``, ``mod...`` for context modifiers, ``answer...``), a list of
``[pattern, example, ...]``. Patterns are expanded (``{macro}``), normalised like the text
(``normalise_pattern``) and compiled once; their anchors index them by word (``anchors.py``).
The lexicons are data a clinician can extend without code; see ``content/triage/README.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.triage.anchors import pattern_anchors
from bot.triage.levels import Level
from bot.triage.normalise import CACHE_LIMIT, normalise_pattern

__all__ = [
    "LEXICON",
    "LEXICON_DIR",
    "Category",
    "Entry",
    "Lexicon",
    "load_lexicon",
    "parse_category",
    "token_parts",
]

LEXICON_DIR = Path(__file__).resolve().parents[2] / "content" / "triage"

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
    "postpone",
)
ANSWERS = ("yes", "no", "soft_no", "reassurance")
WEAK_KINDS = ("means", "farewell", "apology", "finality", "decision", "calm", "plan", "postpone")
SIGNALS = ("distress", "low_mood")


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: a pattern, where it came from and the examples that exercise it."""

    file: str
    category: str
    source: str
    regex: re.Pattern[str]
    examples: tuple[str, ...]
    anchors: frozenset[str] | None  # None: no anchor found, runs on every segment


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


# Per token: the risk, idiom and signal entries whose anchor it satisfies.
_Parts = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
_NO_PARTS: _Parts = ((), (), ())


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
    regexes: list[re.Pattern[str]] = field(default_factory=list)  # per entry
    signal_reason: list[str] = field(default_factory=list)  # distress, low_mood or ""
    unanchored_risk: tuple[int, ...] = ()
    unanchored_idiom: tuple[int, ...] = ()
    unanchored_signal: tuple[int, ...] = ()
    # Every beginning of a prefix anchor: a word's prefixes are looked up only while they are
    # in here, so a word costs a few lookups however many anchors there are.
    anchor_prefixes: frozenset[str] = frozenset()

    # ---- caches, bounded (see CACHE_LIMIT) ----
    token_cache: dict[str, _Parts] = field(default_factory=dict)  # by segment word
    # Per word as it comes out of the whole-text normalisation (before its repeated letters
    # are collapsed): its collapsed spelling, the risk entries it anchors, and the idiom and
    # signal entries it anchors (the last two only for words that anchor some). Separate
    # tables so that a segment is read with C-level map() calls (see _scan).
    word_collapsed: dict[str, str] = field(default_factory=dict)
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
    sources: dict[str, dict[str, list[str]]] = {"mod": {}, "answer": {}}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no triage lexicons in {directory}")
    languages = [_load_file(path, lex, sources) for path in files]
    for name, pats in sources["mod"].items():
        lex.modifiers[name] = re.compile(r"\b(?:" + "|".join(pats) + r")\b")
    for name, pats in sources["answer"].items():
        lex.answers[name] = re.compile(r"\b(?:" + "|".join(pats) + r")\b")
    _index(lex)
    _derive_filters(lex)
    lex.languages = tuple(languages)
    return lex


# A French elision written with a space ("j en peux plus", "m a envoye"): the text has lost its
# apostrophe ("j'en" is read "jen"), and a writer may have typed a space instead, so the pattern
# matches both ("j ?en"). Not after a backslash (a class such as \d) or inside a word.
_ELISION = re.compile(r"(?<![\\\w])(qu|[jmntlsdc]) (?=[aeiouyhàâéèêîôû])")


# An ordinary reason that is denied is no reason: "found my exit. not moving interstate",
# "никуда я не переезжаю", "nicht Urlaub".
_NOT_DENIED = "".join(
    rf"(?<!\b{word} )" for word in ("not", "never", "no", "nicht", "nich", "kein", "keinen", "не")
)


def _load_file(path: Path, lex: Lexicon, sources: dict[str, dict[str, list[str]]]) -> str:
    """Add one lexicon file's entries to ``lex`` (modifier and answer patterns to ``sources``);
    return its language."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: top level must be a mapping")
    elides = data.get("language") == "fr"
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    for cat_name, raw in (data.get("categories") or {}).items():
        where = f"{path.name}:{cat_name}"
        cat = parse_category(cat_name)
        lex.categories[cat_name] = cat
        for src, examples in _entry_list(raw, where):
            expanded = _expand(src, macros, where)
            if elides:
                expanded = _ELISION.sub(r"\1 ?", expanded)
            pat = normalise_pattern(expanded)
            if cat.kind in ("mod", "answer"):
                known = MODIFIERS if cat.kind == "mod" else ANSWERS
                if cat.reason not in known:
                    raise ValueError(
                        f"{where}: unknown {'modifier' if cat.kind == 'mod' else 'answer kind'}"
                    )
                if cat.reason == "ordinary_reason":
                    pat = _NOT_DENIED + "(?:" + pat + ")"
                re.compile(pat)
                sources[cat.kind].setdefault(cat.reason, []).append(pat)
                continue
            pat = _whole_words(pat)
            try:
                regex = re.compile(pat)
            except re.error as exc:
                raise ValueError(f"{where}: {src!r} does not compile: {exc}") from exc
            anchors = pattern_anchors(pat)
            lex.entries.append(Entry(path.name, cat_name, src, regex, examples, anchors))
    return str(data.get("language", path.stem))


def _index(lex: Lexicon) -> None:
    """Index the entries by anchor word, and sort them into stages."""
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


def _derive_filters(lex: Lexicon) -> None:
    """Fill the fields of ``lex`` that only make matching faster (see Lexicon)."""
    lex.regexes = [e.regex for e in lex.entries]
    lex.signal_reason = [
        lex.categories[e.category].reason if lex.stage[i] == _STAGE_SIGNAL else ""
        for i, e in enumerate(lex.entries)
    ]
    anchors = [a for a in lex.index if not a.endswith("$")]
    lex.anchor_prefixes = frozenset(a[:n] for a in anchors for n in range(1, len(a) + 1))


def token_parts(tok: str, lex: Lexicon) -> _Parts:
    """What a word can start: the risk, idiom and signal entries anchored on it.

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
    found: set[int] = set(index.get(word + "$", ()))
    for n in range(1, len(word) + 1):
        head = word[:n]
        if head not in prefixes:
            break
        ids = index.get(head)
        if ids:
            found.update(ids)
    if found:
        stage = lex.stage
        parts = (
            tuple(i for i in found if stage[i] == _STAGE_RISK),
            tuple(sorted(i for i in found if stage[i] == _STAGE_IDIOM)),
            tuple(i for i in found if stage[i] == _STAGE_SIGNAL),
        )
    else:
        parts = _NO_PARTS
    if len(cache) > CACHE_LIMIT:
        cache.clear()
    cache[tok] = parts
    return parts


LEXICON = load_lexicon()
