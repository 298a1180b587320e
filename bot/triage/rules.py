"""The rules layer of the distress triage: phrase patterns from ``content/triage/*.yaml``.

The safety core described in ``docs/safety.md``: text goes in, a level
(``none``, ``concern`` or ``crisis``) and rule tags come out. It knows nothing of Telegram,
stores nothing and never puts the user's words into its result, so the level can be logged.

How it works, in order (step 1 is ``normalise.py``, step 2 ``lexicon.py`` and ``anchors.py``,
steps 3 and 4 this module):

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

Speed (``bench/triage.py``; figures and machines in docs/benchmarks.md): the rules are most
of the whole triage's time on a 4,096-character message, and the whole is held to a p99 of
5 ms. One filter stands in front of each risk
regex, and it is a necessary condition for a match, so it changes no result, only how often a
regex runs:

* the anchor rule above, read from the parsed pattern (``re._parser``, the standard library's
  own parser, because Python has no public one; its use is covered by a contract test). The
  alternative, anchors written by hand beside each pattern, would make every lexicon edit a
  chance to silence a pattern by mistake;
* per-word work (collapsing repeated letters, anchors) is cached per distinct word, and a
  segment is read with a few C-level ``map`` calls (``_scan``);
* signal words and message-wide modifiers cost a pass over the text, so they are read only
  when a rule asks for them (``_Signals``, ``_Lazy``).

Two more filters once chased a 1 ms target and were removed when the learned layer's budget
made them pointless, each with results identical on every labelled text, every lexicon
example and fuzzed variants: literal substrings read from each pattern (390 lines, on 45,677
texts), and a bit per further word set a pattern requires beyond its anchor (60 lines, on
30,643 texts; measured no faster with it).

``tests/test_triage.py`` holds the behaviour; a change to the filters must leave every result
as it was (compare the outputs for the test and evaluation sets before and after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.triage.clauses import (
    POSTPONED_WITH,
    RISK_LEFT,
    clause_postpones,
    first_person_close,
    mod,
    negated,
    postponing_negation,
    starts_with_postpone,
    third_person,
    trivial,
)
from bot.triage.levels import Level, TriageResult
from bot.triage.lexicon import LEXICON, LEXICON_DIR, Category, Lexicon, load_lexicon, token_parts
from bot.triage.normalise import (
    CACHE_LIMIT,
    COLLAPSED,
    collapse,
    normalise,
    prepared,
    segments,
)

__all__ = [
    "LEXICON",
    "LEXICON_DIR",
    "Analysis",
    "Lexicon",
    "analyse",
    "candidates",
    "load_lexicon",
    "normalise",
    "rules_triage",
    "segments",
]

# A concern hit of these reasons becomes the named crisis when the message has specifics.
ESCALATE_TO = {
    "harm_intent": "harm_others",
    "other_person": "other_at_risk",
    "means": "preparation",
}


def candidates(segment: str, lex: Lexicon = LEXICON) -> tuple[int, ...]:
    """Indices of the entries whose anchor begins some word of ``segment``, in lexicon order.

    For looking into the lexicon (which patterns a word brings in); matching itself reads
    the same information from the per-word tables (see _scan).
    """
    found: set[int] = set(lex.unanchored)
    for tok in segment.split():
        parts = token_parts(tok, lex)
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


def _learn_words(raws: Iterable[str], lex: Lexicon) -> None:
    """Fill the per-word tables of ``lex`` for words not seen before."""
    collapsed_of = lex.word_collapsed
    if len(collapsed_of) > CACHE_LIMIT:
        collapsed_of.clear()
        lex.word_risk.clear()
        lex.word_other.clear()
    for raw in raws:
        if raw in collapsed_of:
            continue
        word = COLLAPSED.get(raw) or collapse(raw)
        parts = lex.token_cache.get(word) or token_parts(word, lex)
        collapsed_of[raw] = word
        if parts[0]:
            lex.word_risk[raw] = parts[0]
        if parts[1] or parts[2]:
            lex.word_other[raw] = (parts[1], parts[2])


# A segment: its text and the entries its words anchor: one tuple of risk entries per
# anchoring word, and (idiom entries, signal entries) per word with some.
_Segment = tuple[str, list[tuple[int, ...]], list[tuple[tuple[int, ...], tuple[int, ...]]]]


def _scan(text: str, lex: Lexicon) -> list[_Segment]:
    """Normalise ``text`` into segments (as ``segments``) and read each segment's words."""
    parts, _per_word = prepared(text)
    # When the whole text was collapsed already (_per_word false), collapsing a word again
    # changes nothing, so the same tables serve both cases.
    collapsed_of = lex.word_collapsed.__getitem__
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
                list(filter(None, map(risk_of, raws))),
                list(filter(None, map(other_of, raws))),
            )
        )
    return out


def _search_risks(
    text: str, si: int, candidates: Iterable[int], lex: Lexicon, hits: list[_Hit]
) -> None:
    """Run the candidate risk patterns over one segment, appending what they find to ``hits``."""
    regexes = lex.regexes
    for i in candidates:
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


def _risk_hits(segs: list[_Segment], lex: Lexicon) -> tuple[list[_Hit], bool]:
    """Mask idioms and run the risk patterns over each segment of a message.

    Returns the risk hits and whether an idiom matched.
    """
    cache = lex.token_cache
    unanchored_risk = lex.unanchored_risk
    unanchored_idiom = lex.unanchored_idiom
    hits: list[_Hit] = []
    idiom = False
    for si, (seg, risk, other) in enumerate(segs):
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
                    risk_left.update((cache.get(word) or token_parts(word, lex))[0])
                _search_risks(masked, si, risk_left, lex, hits)
                continue
        candidates_: Iterable[int]
        if len(risk) == 1 and not unanchored_risk:
            candidates_ = risk[0]  # one anchoring word: its entries are already distinct
        else:
            candidates_ = set(unanchored_risk).union(*risk)
        _search_risks(seg, si, candidates_, lex, hits)
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
            for seg, _risk, other in self._segs:
                anchored = [ids for _idiom_ids, ids in other if ids]
                if anchored:
                    ids = sorted(set(lex.unanchored_signal).union(*anchored))
                    self._anchored.append((seg, ids))
        for seg, ids in self._anchored:
            for i in ids:
                if lex.signal_reason[i] != reason:
                    continue
                m = lex.regexes[i].search(seg)
                if m and not negated(seg, m.start(), lex):
                    return True
        return False


def analyse(text: str, lex: Lexicon = LEXICON, want_signals: bool = False) -> Analysis:
    """Judge ``text`` by the rules: its level, the reasons, and its distress and low-mood
    signals (read on demand; ``want_signals`` makes them available even without a risk)."""
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
            "negation" in h.cat.flags and negated(segments_[h.segment], h.start, lex) for h in hits
        )
    )
    signals = _Signals(segs, lex)
    sig_distress = _Lazy(lambda: signals_wanted and signals.present("distress"))
    sig_low_mood = _Lazy(lambda: signals_wanted and signals.present("low_mood"))
    if not hits:
        reasons: tuple[str, ...] = ("none:idiom",) if idiom else ()
        return Analysis(Level.NONE, reasons, sig_distress, sig_low_mood, False)
    judge = _Judge(segments_, lex, idiom)
    for hit in hits:
        judge.hit(hit)
    return judge.verdict(sig_distress, sig_low_mood)


class _Judge:
    """The hits of one message weighed against their context, then combined."""

    def __init__(self, segments_: list[str], lex: Lexicon, idiom: bool) -> None:
        self.segments = segments_
        self.lex = lex
        full = " ".join(segments_)
        self.serious = _Lazy(lambda: mod("seriousness", full, lex))
        self.immediate = _Lazy(lambda: mod("immediacy", full, lex))
        self.specifics = _Lazy(lambda: mod("specifics", full, lex))
        self.found: list[tuple[Level, str]] = []
        self.weak: set[str] = set()
        self.negated_any = False
        self.none_tags: set[str] = {"none:idiom"} if idiom else set()
        self.demotable: list[str] = []  # tags of trivial-context hits, resolved in verdict()
        self.firm_risk = False

    def hit(self, hit: _Hit) -> None:
        """Weigh one risk hit against its sentence and neighbours."""
        lex = self.lex
        seg = self.segments[hit.segment]
        cat = hit.cat
        flags = cat.flags
        if "negation" in flags and negated(seg, hit.start, lex) and not self._postponed(hit):
            if cat.kind == "weak":
                return
            if cat.level == Level.CRISIS and mod("history", seg, lex):
                self.found.append((Level.CONCERN, "concern:history"))
            else:
                self.negated_any = True
                self.none_tags.add("none:negation")
            return
        if cat.kind == "weak":
            self._weak(cat, seg)
            return
        near = " ".join(self.segments[max(0, hit.segment - 1) : hit.segment + 2])
        ctx_text = seg if "person" in flags else near
        if "benign" in flags and (
            mod("benign", ctx_text, lex) or mod("ordinary_reason", ctx_text, lex)
        ):
            # A bare keyword is only benign when the user is not speaking of themselves
            # ("a film about suicide", not "I'm suicidal and can't focus in class").
            if "person" not in flags or not first_person_close(seg, hit.start, lex):
                self.none_tags.add("none:benign_context")
                return
        tag = self._tag(hit, seg)
        if "trivial" in flags and trivial(near, lex):
            self.demotable.append(tag)
            return
        self.found.append((Level.CRISIS if tag.startswith("crisis") else Level.CONCERN, tag))
        self.firm_risk = True

    def _postponed(self, hit: _Hit) -> bool:
        """Whether a negated risk is only put off, so that it stands:

        * a postponing word right after it ("not going to kill myself yet");
        * a clause of postponement after it, behind a comma or opening the next sentence
          ("..., not yet", "Not tonight. But soon.", "Не сегодня", "pas encore"): any length
          behind a contrast or a negation, short when it opens with a bare time word;
        * a negation that is itself a postponement, just before it ("noch nicht suizidal").

        A bare time word opening a longer clause ("Tonight I'm going to the cinema") or further
        away ("not suicidal, just tired tonight") is not read as one.
        """
        seg = self.segments[hit.segment]
        lex = self.lex
        clauses = seg[hit.end :].split(",")
        if starts_with_postpone(" ".join(clauses[0].split()[:3]), lex):
            return True
        if len(clauses) > 1 and clause_postpones(clauses[1].split(), lex):
            return True
        if hit.segment + 1 < len(self.segments):
            following = self.segments[hit.segment + 1].split(",", 1)[0].split()
            if clause_postpones(following, lex):
                return True
        return postponing_negation(seg[: hit.start].split()[-4:], lex)

    def _weak(self, cat: Category, seg: str) -> None:
        lex = self.lex
        if cat.reason != "means" and (mod("ordinary_reason", seg, lex) or mod("benign", seg, lex)):
            self.none_tags.add("none:benign_context")
            return
        if not (mod("history", seg, lex) and not mod("current", seg, lex)):
            self.weak.add(cat.reason)

    def _tag(self, hit: _Hit, seg: str) -> str:
        """The level and reason of a hit that stands, as a tag such as ``crisis:preparation``:
        who it is about, specifics or immediacy that escalate it, history that lowers it."""
        lex = self.lex
        flags = hit.cat.flags
        level, reason = hit.cat.level, hit.cat.reason
        if "person" in flags and third_person(seg, hit.start, lex):
            if reason == "suicidal_ideation" or self.immediate.value:
                level, reason = Level.CRISIS, "other_at_risk"
            else:
                level, reason = Level.CONCERN, "other_person"
        if reason in ESCALATE_TO and level == Level.CONCERN:
            trigger = self.specifics if reason == "harm_intent" else self.immediate
            if trigger.value:
                level, reason = Level.CRISIS, ESCALATE_TO[reason]
        if "history" in flags and level == Level.CRISIS:
            if mod("history", seg, lex) and not mod("current", seg, lex):
                level = Level.CONCERN
                reason = "other_person" if reason == "other_at_risk" else "history"
        return f"{level.label}:{reason}"

    def verdict(self, sig_distress: _Lazy, sig_low_mood: _Lazy) -> Analysis:
        """Combine the weighed hits into the message's level and reasons."""
        found = self.found
        # Trivial context lowers hyperbole and jokey slang only when nothing in the message
        # says it is serious (a seriousness marker or any other risk).
        for tag in self.demotable:
            if self.firm_risk or self.serious.value:
                found.append((Level.CRISIS if tag.startswith("crisis") else Level.CONCERN, tag))
            else:
                self.none_tags.add("none:trivial_context")
        # Weak signals in combination: means at hand, a farewell, finality, a decision, sudden
        # calm. Two different ones together, or one with any distress, read as crisis.
        weak = self.weak
        # A denied risk beside a weak sign is a denial that leaves the risk in place (rule 8):
        # "I'm not going to kill myself. But I wrote letters, just in case."
        strong_context = (
            bool(found) or sig_distress.value or bool(self.negated_any and weak & RISK_LEFT)
        )
        # Putting it off ("Not yet.") counts only beside a plan, a date, means, a farewell or
        # finality: "not yet, I'm exhausted" is an answer about a lesson, "not yet, I decided
        # to wait for the sale" a purchase, "not yet, but I've picked a date" neither.
        if "postpone" in weak and not weak & POSTPONED_WITH:
            weak = weak - {"postpone"}
        if weak - {"postpone"} and (
            len(weak) >= 2 or strong_context or ("means" in weak and self.immediate.value)
        ):
            reason = "preparation" if weak & {"means", "decision", "plan"} else "farewell"
            found.append((Level.CRISIS, f"crisis:{reason}"))
        elif "means" in weak:
            found.append((Level.CONCERN, "concern:means"))
        elif "finality" in weak:
            found.append((Level.CONCERN, "concern:finality"))
        concern_found = any(level >= Level.CONCERN for level, _ in found)
        distress = _Lazy.constant(True) if concern_found else sig_distress
        negated_any = self.negated_any
        if (
            negated_any
            and not found
            and (sig_distress.value or (sig_low_mood.value and self.serious.value))
        ):
            found.append((Level.CONCERN, "concern:negation_distress"))
        if not found:
            return Analysis(
                Level.NONE, tuple(sorted(self.none_tags)), distress, sig_low_mood, negated_any
            )
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
