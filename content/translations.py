"""Lessons and meditations in other languages (``content/locales/<language>/``).

Each language mirrors the English content: ``lessons/<track>.yaml`` and ``meditations.yaml``
with the same ids, order, kinds and structure; only the words change. The same models check
each file as the English ones (word and length limits), and :func:`check_translations`
compares the structure with English, so a volunteer adding a language sees at once what is
missing or out of step. A language whose files are incomplete is reported, and at run time
anything missing falls back to English (:func:`localized`).
"""

from __future__ import annotations

import string
from pathlib import Path

from content.loader import Library, _read, _root

LOCALES = "locales"


def languages(root: Path | None = None) -> list[str]:
    base = _root(root) / LOCALES
    return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def _placeholders(value: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(value) if name}
    except ValueError:
        return set()


def _compare(lang: str, english: Library, other: Library) -> list[str]:
    where = f"{LOCALES}/{lang}"
    problems: list[str] = []
    for track in english.tracks:
        theirs = other.track(track.id)
        if theirs is None:
            problems.append(f"{where}/lessons/{track.id}.yaml: missing (English has it)")
            continue
        if (theirs.order, theirs.kind) != (track.order, track.kind):
            problems.append(f"{where}/lessons/{track.id}.yaml: order or kind differs from English")
        ours_ids = [lesson.id for lesson in track.lessons]
        their_ids = [lesson.id for lesson in theirs.lessons]
        if ours_ids != their_ids:
            missing = sorted(set(ours_ids) - set(their_ids))
            extra = sorted(set(their_ids) - set(ours_ids))
            detail = "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"not in English {', '.join(extra)}" if extra else "",
                    "in another order" if not missing and not extra else "",
                )
                if part
            )
            problems.append(f"{where}/lessons/{track.id}.yaml: lessons differ ({detail})")
        for lesson in track.lessons:
            theirs_lesson = other.lesson(lesson.id)
            if theirs_lesson is None:
                continue
            for field in ("title", "key", "body", "reflect", "exercise"):
                if _placeholders(getattr(lesson, field)) != _placeholders(
                    getattr(theirs_lesson, field)
                ):
                    problems.append(f"{where}: {lesson.id} {field} changes a {{placeholder}}")
    for extra_track in {t.id for t in other.tracks} - {t.id for t in english.tracks}:
        problems.append(f"{where}/lessons/{extra_track}.yaml: English has no such track")
    for meditation in english.meditations:
        theirs_med = other.meditation(meditation.id)
        if theirs_med is None:
            problems.append(f"{where}/meditations.yaml: {meditation.id} is missing")
        elif len(theirs_med.steps) != len(meditation.steps):
            problems.append(
                f"{where}/meditations.yaml: {meditation.id} has {len(theirs_med.steps)} steps, "
                f"English has {len(meditation.steps)}"
            )
    return problems


def check_translations(root: Path | None = None) -> list[str]:
    """Every problem in every language's lessons and meditations (empty: all is well)."""
    base = _root(root)
    english, english_problems = _read(base)
    if english_problems:
        return []  # the English content's own problems are reported by check_content
    problems: list[str] = []
    for lang in languages(root):
        library, own = _read(base / LOCALES / lang)
        problems += [f"{LOCALES}/{lang}: {p}" for p in own]
        problems += _compare(lang, english, library)
    return problems


def localized(lang: str, root: Path | None = None) -> Library | None:
    """The library in ``lang`` when its files are complete and valid, else None (English)."""
    base = _root(root)
    if lang not in languages(root):
        return None
    library, problems = _read(base / LOCALES / lang)
    english, _ = _read(base)
    if problems or _compare(lang, english, library):
        return None
    return library
