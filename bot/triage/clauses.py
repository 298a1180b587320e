"""How the rules read the clause around a risk phrase: the context words (``mod.*``), a
negation just before it, a postponement after it ("not yet"), first and third person, and
trivial context. Plain functions over normalised text and a lexicon; ``bot.triage.rules``
weighs each hit with them.
"""

from __future__ import annotations

from bot.triage.lexicon import Lexicon
from bot.triage.normalise import REPEATS

__all__ = [
    "POSTPONED_WITH",
    "RISK_LEFT",
    "clause_postpones",
    "first_person_close",
    "mod",
    "negated",
    "postponing_negation",
    "starts_with_postpone",
    "third_person",
    "trivial",
]


def mod(name: str, text: str, lex: Lexicon) -> bool:
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
    "werde wil mich ich gedanken an собираюсь буду хочу я мыслей мысли о об у меня есть "
    # "je pense pas au suicide", "ich denke nicht daran"
    "au aux a du des daran dran".split()
)
_NEGATION_GLUE = frozenset(REPEATS.sub("", w) for w in _NEGATION_GLUE)  # text is collapsed too


def negated(seg: str, start: int, lex: Lexicon) -> bool:
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


# Thinking of a risk is the thinker's own: "exams next week and I keep thinking about
# suicide" is the user's, however far back the "I" stands; "my friend keeps thinking about
# suicide" is not, and "I'm writing my dissertation on suicide" is work.
_MIND_WORDS = frozenset(
    "thinking think thought thoughts considering planning dreaming obsessing fantasising "
    "fantasizing pensando pienso pensar pensamientos penser pense pensees denke denken "
    "gedanken думаю думать думала думал мысли мыслей".split()
)
_SPEAKER_REACH = 6


def first_person_close(seg: str, start: int, lex: Lexicon) -> bool:
    """Whether the user speaks of themselves just before ``start`` ("I'm suicidal"); after a
    word of thinking ("I keep thinking about suicide"), the nearest person word within reach
    decides."""
    words = seg[:start].replace(",", " ").split()
    if not _MIND_WORDS.intersection(words[-3:]):
        near = words[-3:]
        return mod("first_person", " ".join(near), lex) or any(w in _FEEL_WORDS for w in near)
    for word in reversed(words[-_SPEAKER_REACH:]):
        if mod("third_person", word, lex):
            return False
        if word in _FEEL_WORDS or mod("first_person", word, lex):
            return True
    return False


# Words that may open a sentence before a postponing word ("But soon.", "Pero pronto").
# Negations too: "Not tonight.", "Todavia no", "Pas ce soir".
_CONTRAST = frozenset(
    "but though just and not no pero solo y mais juste et pas aber nur und nicht но а и не".split()
)


def starts_with_postpone(text: str, lex: Lexicon) -> bool:
    rx = lex.modifiers.get("postpone")
    return bool(rx and (m := rx.search(text)) and m.start() <= 1)


# The weak signals a bare postponement ("Not yet.") makes a crisis with.
POSTPONED_WITH = frozenset({"plan", "means", "farewell", "finality"})
# The weak signs that leave a risk in place beside a denial (rule 8); sudden calm does not.
RISK_LEFT = frozenset({"means", "plan", "finality", "farewell", "apology", "decision"})
# A clause that opens with a bare time word ("Tonight ...", "Soon ...") is a postponement
# only when it is this short ("Not tonight. Soon."): "Tonight I'm going to the cinema" is not.
_POSTPONE_CLAUSE = 4
_NEGATION_WORDS = frozenset("not no never nicht nie kein pas jamais no nunca не нет".split())


def clause_postpones(words: list[str], lex: Lexicon) -> bool:
    """A clause that opens with postponement, its contrast words read with and without ("but
    not yet": "not yet" and "yet"; "не сегодня": as it is). Behind a contrast or a negation
    ("Not yet but probably next week ...", "But soon I will ...") a clause of any length
    counts; a bare time word opening it only in a short one."""
    rx = lex.modifiers.get("postpone")
    if rx is None:
        return False
    for k, word in enumerate(words):
        rest = " ".join(words[k:])
        m = rx.search(rest)
        if m and m.start() <= 1:
            after = rest[m.end() :].split()[:1]
            has_negation = _NEGATION_WORDS.intersection(m.group().split() + after)
            if k > 0 or has_negation or len(words) <= _POSTPONE_CLAUSE:
                return True
        if word not in _CONTRAST:
            return False
    return False


def postponing_negation(before: list[str], lex: Lexicon) -> bool:
    """The words just before a hit are a negation that postpones: "noch nicht", "not yet",
    "пока не", "todavia no" (a postponing word with a negation inside it or next to it)."""
    rx = lex.modifiers.get("postpone")
    if rx is None or not before:
        return False
    text = " ".join(before)
    for m in rx.finditer(text):
        after = text[m.end() :].split()
        if len(after) > 1:
            continue  # more than one word after it: not just before the hit
        prev = text[: m.start()].split()[-1:]
        if _NEGATION_WORDS.intersection(m.group().split() + prev + after):
            return True
    return False


def trivial(window: str, lex: Lexicon) -> bool:
    """Plainly trivial context: a trivial topic, or a weaker one with laughter."""
    if mod("trivial", window, lex):
        return True
    return mod("trivial_weak", window, lex) and mod("laugh", window, lex)


def third_person(seg: str, start: int, lex: Lexicon) -> bool:
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
