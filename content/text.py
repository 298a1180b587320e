"""Lesson and meditation text as the reader sees it.

Editors wrap YAML text freely; :func:`reflow` joins it back into paragraphs. The render
functions give the exact text a user is sent, which handlers show and the content rules measure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

# A word is any whitespace-separated token with a letter or digit in it, so a lone dash or an
# ellipsis does not count towards the limit.
WORD_RE = re.compile(r"\S*[^\W_]\S*")
BULLET_RE = re.compile(r"(?:[-*•]|\d+[.)])\s")


class LessonParts(Protocol):
    """What lesson_text needs: a loaded Lesson or a validated LessonItem."""

    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def reflect(self) -> str: ...
    @property
    def exercise(self) -> str: ...


class MeditationParts(Protocol):
    """What meditation_step_text needs: a loaded Meditation or a validated MeditationItem."""

    @property
    def title(self) -> str: ...
    @property
    def steps(self) -> Sequence[str]: ...


def lesson_text(
    lesson: LessonParts, labels: tuple[str, str] = ("To reflect on:", "For today:")
) -> str:
    """The plain text of a lesson as a user reads it; handlers may add a header around it.
    ``labels`` introduce the question and the exercise, in the reader's language."""
    reflect, today = labels
    return (
        f"{lesson.title}\n\n{lesson.body}\n\n"
        f"{reflect} {lesson.reflect}\n\n{today} {lesson.exercise}"
    )


def meditation_step_text(meditation: MeditationParts, index: int) -> str:
    """The plain text of step ``index`` (0-based) of a meditation, with its position."""
    total = len(meditation.steps)
    return f"{meditation.title} ({index + 1}/{total})\n\n{meditation.steps[index]}"


def reflow(text: str) -> str:
    """Join the lines of each paragraph so that editors may wrap YAML text freely.

    Telegram shows every newline, so a body wrapped at 80 columns in the file would arrive
    ragged. Blank lines still separate paragraphs, and lines starting with a bullet or a number
    keep their own line.
    """
    paragraphs = re.split(r"\n\s*\n", text.strip())
    out: list[str] = []
    for paragraph in paragraphs:
        lines: list[str] = []
        for raw_line in paragraph.splitlines():
            line = " ".join(raw_line.split())
            if not line:
                continue
            if lines and not BULLET_RE.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if lines:
            out.append("\n".join(lines))
    return "\n\n".join(out)
