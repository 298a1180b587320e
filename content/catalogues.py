"""The gettext catalogues of the bot's words (``content/locales/<language>/LC_MESSAGES``).

English is written in the code (``bot/texts.py``, marked with ``N_`` and ``NP_``); the template
``content/locales/trustbot.pot`` is extracted from it with pybabel, and each language's
``trustbot.po`` translates every message of the template. :func:`check_catalogues` is what
`trustbot content check` runs: it fails when the template is older than the code, when a
language misses or leaves fuzzy a message, when a translation changes a ``{placeholder}`` or a
/command, or when a short label grows too long for a phone's button. (docs/translating.md
explains the commands.)
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = Path(__file__).resolve().parent / "locales"
TEMPLATE = LOCALES / "trustbot.pot"
KEYWORDS = {"N_": None, "NP_": (1, 2)}
SOURCES = ("bot", "handlers", "scheduler")
# A label this short in English is a button or a list item: its translation must still fit.
SHORT = 32
SHORT_MAX = 48
EXTRACT = (
    "pybabel extract -F babel.cfg -k N_ -k NP_:1,2 --no-default-keywords --sort-by-file "
    "-o content/locales/trustbot.pot ."
)
UPDATE = "pybabel update -D trustbot -i content/locales/trustbot.pot -d content/locales"
_COMMAND = re.compile(r"/[a-z]+\b")


def code_messages(root: Path = ROOT) -> set[str | tuple[str, str]]:
    """Every message marked in the code (a plural is its (singular, plural) pair)."""
    found: set[str | tuple[str, str]] = set()
    for package in SOURCES:
        for _, _, message, _, _ in extract_from_dir(
            root / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _key(message_id: str | tuple[str, ...] | list[str]) -> str | tuple[str, str]:
    if isinstance(message_id, str):
        return message_id
    return (message_id[0], message_id[1])


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def _short(items: Iterable[str | tuple[str, str]]) -> str:
    shown = [repr(i if isinstance(i, str) else i[0])[:50] for i in sorted(items, key=str)[:3]]
    return ", ".join(shown)


def check_template(root: Path = ROOT) -> list[str]:
    where = "content/locales/trustbot.pot"
    if not (root / "content" / "locales" / "trustbot.pot").is_file():
        return [f"{where}: missing; run `{EXTRACT}`"]
    template = {_key(m.id) for m in _read(root / "content" / "locales" / "trustbot.pot") if m.id}
    code = code_messages(root)
    problems = []
    if code - template:
        problems.append(
            f"{where}: {len(code - template)} message(s) in the code are not in the template "
            f"({_short(code - template)}); run `{EXTRACT}`, then `{UPDATE}`"
        )
    if template - code:
        problems.append(
            f"{where}: {len(template - code)} message(s) are no longer in the code "
            f"({_short(template - code)}); run `{EXTRACT}`, then `{UPDATE}`"
        )
    return problems


def _check_message(where: str, english: list[str], said: list[str], count: int) -> list[str]:
    problems: list[str] = []
    if len(said) != count or not all(s.strip() for s in said):
        return [f"{where}: not translated ({english[0][:50]!r})"]
    expected = placeholders(english[-1]) | placeholders(english[0])
    commands = set(_COMMAND.findall(english[0]))
    for form in said:
        if placeholders(form) - expected or (placeholders(english[-1]) - placeholders(form)):
            problems.append(
                f"{where}: {{placeholders}} differ from English in {form[:50]!r} "
                f"(English has {sorted(expected)})"
            )
        if set(_COMMAND.findall(form)) != commands:
            problems.append(
                f"{where}: /commands differ from English in {form[:50]!r} "
                f"(English has {sorted(commands)})"
            )
        if len(english[0]) <= SHORT and "\n" not in english[0] and len(form) > SHORT_MAX:
            problems.append(
                f"{where}: {form!r} is {len(form)} characters; a label this short in English "
                f"must stay under {SHORT_MAX} to fit a phone's button"
            )
    return problems


def check_language(lang: str, root: Path = ROOT) -> list[str]:
    path = root / "content" / "locales" / lang / "LC_MESSAGES" / "trustbot.po"
    where = f"content/locales/{lang}/LC_MESSAGES/trustbot.po"
    if not path.is_file():
        return [f"{where}: missing; run `pybabel init -D trustbot -i {TEMPLATE.name} -l {lang}`"]
    try:
        catalog = _read(path, lang)
    except Exception as exc:  # a syntax error in the file
        return [f"{where}: unreadable ({exc})"]
    template = {_key(m.id): m for m in _read(root / "content" / "locales" / "trustbot.pot") if m.id}
    ours = {_key(m.id): m for m in catalog if m.id}
    problems: list[str] = []
    for key in sorted(set(template) - set(ours), key=str):
        problems.append(f"{where}: missing {_short([key])}; run `{UPDATE}`")
    for key in sorted(set(ours) - set(template), key=str):
        problems.append(f"{where}: {_short([key])} is no longer used; run `{UPDATE}`")
    forms = catalog.num_plurals
    for key, message in ours.items():
        if key not in template:
            continue
        if message.fuzzy:
            problems.append(f"{where}: fuzzy (check it, then remove the flag): {_short([key])}")
        english = [key] if isinstance(key, str) else list(key)
        string = message.string or ""
        said = [string] if isinstance(string, str) else list(string)
        problems += _check_message(where, english, said, 1 if isinstance(key, str) else forms)
    return problems


def languages(root: Path = ROOT) -> list[str]:
    base = root / "content" / "locales"
    return sorted(p.name for p in base.iterdir() if (p / "LC_MESSAGES").is_dir())


# A message is read on a phone in one go: the welcome is the longest, at about 120 words.
MAX_WORDS = 130


def check_english(root: Path = ROOT) -> list[str]:
    """The English source holds to the content rules too: no banned phrasing (promises,
    lectures, labels, risk words outside the safety texts) and no message too long to read
    in one go."""
    from content.models import BANNED_PHRASES

    path = root / "content" / "locales" / "trustbot.pot"
    if not path.is_file():
        return []
    problems = []
    for message in _read(path):
        for text in [message.id] if isinstance(message.id, str) else list(message.id or ()):
            if not text:
                continue
            for pattern, reason in BANNED_PHRASES:
                found = pattern.search(text)
                if found:
                    problems.append(f'bot/: {text[:50]!r}: "{found.group(0)}" {reason}')
            if len(text.split()) > MAX_WORDS:
                problems.append(
                    f"bot/: {text[:50]!r} has {len(text.split())} words (max {MAX_WORDS})"
                )
    return problems


def check_catalogues(root: Path = ROOT) -> list[str]:
    """Every problem in the template and the catalogues (empty: all is well)."""
    problems = check_template(root) + check_english(root)
    for lang in languages(root):
        problems += check_language(lang, root)
    return problems
