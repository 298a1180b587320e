"""Text normalisation for the rules layer of the triage, and for the learned layer's features.

Every lexicon pattern and every message is brought into one canonical shape before matching:
NFKC, casefolded, Latin accents stripped, apostrophes removed, hyphens to spaces, leetspeak and
spaced-out letters rejoined, signal emoji turned into words such as ``emjpill``, repeated letters
collapsed (``kiiiill`` and ``kil`` both read ``kil``), and the text split into segments on sentence
ends, newlines, other emoji and laughter. Per-word work is cached (``COLLAPSED``); the whole-text
steps of the last few messages are cached too, since the rules and the learned layer read the
same message (``prepared``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "CACHE_LIMIT",
    "COLLAPSED",
    "KEEP_DOUBLE",
    "REPEATS",
    "collapse",
    "normalise",
    "normalise_pattern",
    "prepared",
    "segment_words",
    "segments",
]

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
    "\U0001f54a": "emjdove",  # dove: beside a goodbye or a grave, a farewell
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
# A run of signal emoji says no more after each one's third: "🔪" * 2,000 would otherwise be
# 2,000 words that every pattern reads (18,000 characters of "emjknife"), and "🩸🔪" * 1,000
# as many. The learned layer counts a word at most twice per sentence, so its scores are
# unchanged.
_EMOJI_RUN = re.compile(r"emj[a-z]+(?: +emj[a-z]+){3,}")


def _fewer_emoji(match: re.Match[str]) -> str:
    seen: dict[str, int] = {}
    kept = []
    for word in match.group().split():
        seen[word] = seen.get(word, 0) + 1
        if seen[word] <= 3:
            kept.append(word)
    return " ".join(kept)


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
REPEATS = re.compile(r"([a-zа-я])(?=\1)")  # drop a letter its twin follows: kiiill -> kil
# Words whose doubled letter tells them apart from another everyday word in one of the five
# languages. Collapsed, "off" read "of" (so "proud of myself" matched "off myself"), "noose"
# read "nose", "soon" "son", "boot" "bot", and German "hatte" English "hate". These keep two of
# their letters, in messages and in patterns alike (a longer run, "offff", still shrinks to
# two). Not "too": writing it for "to" is too common a slip to stop reading through.
KEEP_DOUBLE = frozenset(
    {
        *("off", "offing", "noose", "nooses", "soon", "good", "boot", "boots", "yeet"),
        *("yeeting", "meet", "feed", "loose", "shoot", "pass", "less", "loss", "miss"),
        *("mess", "ill", "see", "deer", "perro", "gott", "dass", "mann", "hatte", "passt"),
        *("wenn", "sinn", "bitte", "homme", "donne", "comme", "casse"),
    }
)
_SQUEEZE = re.compile(r"([a-zа-я])\1{2,}")
_NOT_LETTER = re.compile(r"[^a-zа-я]")
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]+")
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
    return [seg for seg, _tokens in segment_words(text)]


# Words remembered per cache (each cache is emptied when it grows past this): far more than
# the vocabulary of a chat, and a few tens of megabytes at most.
CACHE_LIMIT = 100_000
# Collapsed spelling of each word seen, so a word's repeated letters are removed once, not
# on every message.
COLLAPSED: dict[str, str] = {}


def collapse(word: str) -> str:
    out = COLLAPSED.get(word)
    if out is None:
        if len(COLLAPSED) > CACHE_LIMIT:
            COLLAPSED.clear()
        squeezed = _SQUEEZE.sub(r"\1\1", word)
        if _NOT_LETTER.sub("", squeezed) in KEEP_DOUBLE:
            out = COLLAPSED[word] = squeezed
        else:
            out = COLLAPSED[word] = REPEATS.sub("", word)
    return out


@functools.lru_cache(maxsize=8)  # the rules and the learned layer read the same message
def prepared(text: str) -> tuple[tuple[str, ...], bool]:
    """The whole-text steps of normalisation: the newline-separated parts of the text, and
    whether their words still need their repeated letters collapsed (see below)."""
    if text.isascii():
        # Fast path: ASCII is already NFKC, and a byte table translates at memcpy speed.
        raw = text.lower().encode("ascii").translate(_ASCII_TABLE, _ASCII_DELETE)
        t = raw.decode("ascii")
    else:
        t = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
        if " emj" in t:
            t = _EMOJI_RUN.sub(_fewer_emoji, t)
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
    # Repeated letters are collapsed word by word through a cache: REPEATS only ever looks at
    # two adjacent letters, which are always in the same word, so this equals one pass over
    # the whole text. The one rule that reads across words, "my self" -> "myself", must see the
    # collapsed text with its original spacing; " self" can only appear after collapsing if
    # "lf" is already in the text, so that rare case takes the whole-text route.
    per_word = "lf" not in t
    if not per_word:
        t = _WORD.sub(lambda m: collapse(m[0]), t)
        if " self" in t:  # "my self" is written both ways
            t = (
                t.replace("my self", "myself")
                .replace("him self", "himself")
                .replace("her self", "herself")
            )
    return tuple(t.split("\n")), per_word


def segment_words(text: str) -> list[tuple[str, list[str]]]:
    """Normalise ``text``: each non-empty segment with its words (``segment.split()``)."""
    parts, per_word = prepared(text)
    out = []
    for part in parts:
        words = part.split()
        if not words:
            continue
        if per_word:
            words = [COLLAPSED.get(w) or collapse(w) for w in words]
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


def normalise_pattern(src: str) -> str:
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
        run = _LETTERS.match(src, i) if ch.isalpha() and not prev_letter else None
        if run is not None and (word := run[0].casefold().translate(_TABLE)) in KEEP_DOUBLE:
            # a word that keeps its doubled letters (see KEEP_DOUBLE), as messages do
            out.append(word)
            prev_letter = word[-1]
            i += len(run[0])
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
