"""Anchors: the literal word-starts that every match of a lexicon pattern must contain.

A risk pattern runs on a segment only when a word of each of its required word sets is there,
which is a necessary condition for a match, so it changes no result, only how often a regex
runs. The sets are read from the parsed pattern (``re._parser``, the standard library's own
parser; ``tests/test_triage.py`` holds a contract test for what is read from it).
"""

from __future__ import annotations

import re._parser as sre_parse  # the stdlib regex parser, read to find pattern anchors
from collections.abc import Iterable
from typing import Any

from bot.triage.normalise import REPEATS

__all__ = ["best_anchors", "pattern_anchors", "required_sets"]


_LITERAL = sre_parse.LITERAL
_IN = sre_parse.IN
_AT = sre_parse.AT
_BRANCH = sre_parse.BRANCH
_SUBPATTERN = sre_parse.SUBPATTERN
_REPEATS_OPS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)
_ASSERTS = (sre_parse.ASSERT, sre_parse.ASSERT_NOT)
_CATEGORY = sre_parse.CATEGORY
_SPACE_CATS = (sre_parse.CATEGORY_SPACE,)


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
        return 10 if len(a) < 3 or REPEATS.sub("", a) in _STOP_ANCHORS else 1
    if a in _FUNCTION_WORDS:
        return 1000
    if len(a) < 3 or REPEATS.sub("", a) in _STOP_ANCHORS:
        return 100
    return 1


def _score(s: frozenset[str]) -> tuple[int, int]:
    return (-sum(_anchor_cost(a) for a in s), min(len(a.rstrip("$")) for a in s))


def best_anchors(sets: list[frozenset[str]]) -> frozenset[str] | None:
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
            union, ws = _branch_set(av[1], prefix, ws)
            if union:
                sets.append(union)
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


def _branch_set(alts: Iterable[Any], prefix: str, ws: bool) -> tuple[frozenset[str] | None, bool]:
    """The anchor set of a branch (one anchor from each alternative, or None if one has none),
    and whether every alternative ends at a word start. ``prefix`` is a literal run just
    before the branch, which continues into each alternative's leading letters."""
    union: set[str] = set()
    ok = True
    ends_ws = True
    for alt in alts:
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
            best = best_anchors(alt_sets)
        if best is None:
            ok = False
        union |= best or frozenset()
    return (frozenset(union) if ok and union else None), ends_ws


def pattern_anchors(regex: str) -> frozenset[str] | None:
    """Word prefixes one of which occurs at a word start in every match, or None."""
    return best_anchors(required_sets(regex))


def required_sets(regex: str | sre_parse.SubPattern) -> list[frozenset[str]]:
    """All the anchor sets of a pattern: each match has a word starting with one of each."""
    parsed = sre_parse.parse(regex) if isinstance(regex, str) else regex
    sets, _ = _anchor_sets(list(parsed), True)
    return [s for s in sets if s and min(len(a.rstrip("$")) for a in s) >= 2]
