"""Which of the triage's five languages a message is written in, so that crisis and concern
answers come in that language (content/safety/). A small, fast guess: Cyrillic is Russian;
otherwise the most frequent short everyday words decide; English when nothing does.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "es", "de", "fr", "ru")
_WORD = re.compile(r"[^\W\d_]+")
_MARKERS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "i you the and to my me it is not don't dont im i'm can't cant want what this that "
        "just have feel anymore with be of".split()
    ),
    "es": frozenset(
        "yo no que el la los las de mi me y es estoy quiero ya nada más mas por para con "
        "una un pero porque siento muy todo nadie".split()
    ),
    "de": frozenset(
        "ich nicht und die der das mir mich es ist bin will kann mehr nichts mein meine "
        "ein eine zu mit auf aber schon noch wie".split()
    ),
    "fr": frozenset(
        "je ne pas et le la les de mon ma me moi est suis veux plus rien un une avec "
        "pour mais que qui tout j'en j'ai c'est".split()
    ),
}


def detect_language(text: str, fallback: str = "en") -> str:
    """``en``, ``es``, ``de``, ``fr`` or ``ru``; ``fallback`` (the language the person reads)
    when the text gives too little evidence ("ok", "no", an emoji)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return fallback
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if cyrillic * 2 >= len(letters):
        return "ru"
    words = [w.lower() for w in _WORD.findall(text.replace("’", "'"))]
    scores = {lang: sum(1 for w in words if w in markers) for lang, markers in _MARKERS.items()}
    accents = {"es": "ñ¿¡áéíóú", "de": "äöüß", "fr": "àâçèêëîïôûœ"}
    for lang, marks in accents.items():
        scores[lang] += sum(2 for ch in text.lower() if ch in marks)
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    # One shared word ("no", "me") is no evidence: a language needs two.
    return best if scores[best] >= 2 else fallback
