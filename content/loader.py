"""Load the lesson tracks and meditations that trustbot shows to users.

The text lives in YAML so that a counsellor can edit a lesson without touching code:
one file per track in ``lessons/`` and every meditation in ``meditations.yaml``. This module
reads those files, has :mod:`content.models` validate them against the content rules, and turns
them into frozen dataclasses (:class:`Library`). Loading and checking share one pass over the
files, so a library that loads is exactly a library that passes the checks
(:func:`check_content`).

Plain Python on purpose: nothing here knows about Telegram, and nothing is cached globally;
the caller loads once at start-up and keeps the :class:`Library`. Editors can check their
changes with ``python -m content.loader`` (optionally followed by a content directory).
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from content.models import (
    CALLBACK_ID_MAX_BYTES,
    REQUIRED_TRACKS,
    MeditationItem,
    MeditationsFile,
    TrackFile,
    TrackSet,
    describe,
)
from content.text import lesson_text, meditation_step_text

__all__ = [
    "CALLBACK_ID_MAX_BYTES",
    "REQUIRED_TRACKS",
    "ContentError",
    "Lesson",
    "Library",
    "Meditation",
    "Track",
    "check_content",
    "lesson_text",
    "load_library",
    "meditation_step_text",
]

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Lesson:
    """One bite-sized lesson: a short read, a question to reflect on and a small exercise."""

    id: str
    track_id: str
    title: str
    body: str
    reflect: str
    exercise: str
    key: str = ""  # the idea in one sentence (recalled by the check-in)


@dataclass(frozen=True, slots=True)
class Track:
    """A stretch of the path (the introduction, one step, or getting help) and its lessons."""

    id: str
    order: int
    kind: str
    title: str
    summary: str
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True, slots=True)
class Meditation:
    """A short guided practice, shown one step at a time."""

    id: str
    title: str
    minutes: int
    summary: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Library:
    """All tracks (sorted by order) and meditations, with the lookups handlers need."""

    tracks: tuple[Track, ...]
    meditations: tuple[Meditation, ...]
    _tracks_by_id: MappingProxyType[str, Track] = field(init=False, repr=False, compare=False)
    _lessons_by_id: MappingProxyType[str, Lesson] = field(init=False, repr=False, compare=False)
    _meditations_by_id: MappingProxyType[str, Meditation] = field(
        init=False, repr=False, compare=False
    )
    _path: tuple[Lesson, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Sorting here as well as in the loader keeps path order right for hand-built libraries
        # (tests, tools); the indexes make every lookup O(1) for callback handlers.
        tracks = tuple(sorted(self.tracks, key=lambda t: t.order))
        path = tuple(lesson for track in tracks for lesson in track.lessons)
        object.__setattr__(self, "tracks", tracks)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_tracks_by_id", MappingProxyType({t.id: t for t in tracks}))
        object.__setattr__(self, "_lessons_by_id", MappingProxyType({ls.id: ls for ls in path}))
        object.__setattr__(
            self, "_meditations_by_id", MappingProxyType({m.id: m for m in self.meditations})
        )

    def track(self, track_id: str) -> Track | None:
        """The track with this id, or None."""
        return self._tracks_by_id.get(track_id)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None (e.g. a stale callback after a lesson was removed)."""
        return self._lessons_by_id.get(lesson_id)

    def meditation(self, meditation_id: str) -> Meditation | None:
        """The meditation with this id, or None."""
        return self._meditations_by_id.get(meditation_id)

    def path(self) -> tuple[Lesson, ...]:
        """Every lesson in path order: track by track, lessons in file order."""
        return self._path

    def next_lesson(self, done: Collection[str]) -> Lesson | None:
        """The first lesson in path order whose id is not in ``done``; None when all are done."""
        for lesson in self._path:
            if lesson.id not in done:
                return lesson
        return None

    def next_in_track(self, lesson_id: str) -> Lesson | None:
        """The lesson after ``lesson_id``: the next one in its track, else the first lesson of the
        next track that has any, else None (also None for an unknown id)."""
        lesson = self._lessons_by_id.get(lesson_id)
        if lesson is None:
            return None
        index = self._path.index(lesson)
        return self._path[index + 1] if index + 1 < len(self._path) else None

    def steps(self) -> tuple[Track, ...]:
        """All tracks in path order, for the "Pick a step" menu."""
        return self.tracks


class ContentError(Exception):
    """The content files are missing or break the content rules; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} content problem(s):\n" + "\n".join(f"- {p}" for p in problems)
        )


def check_content(root: Path | None = None) -> list[str]:
    """Every problem in the content under ``root`` (default: this package), human readable and
    naming the file and lesson or meditation id. An empty list means the content is fine."""
    _, problems = _read(_root(root))
    return problems


def load_library(root: Path | None = None) -> Library:
    """Load the content under ``root`` (default: this package); raise ContentError if invalid."""
    library, problems = _read(_root(root))
    if problems:
        raise ContentError(problems)
    return library


# --- reading --------------------------------------------------------------------------------


def _root(root: Path | None) -> Path:
    return Path(__file__).resolve().parent if root is None else root


def _read(root: Path) -> tuple[Library, list[str]]:
    problems: list[str] = []
    tracks = _read_tracks(root, problems)
    meditations = _read_meditations(root, problems)
    return Library(tracks=tuple(tracks), meditations=tuple(meditations)), problems


def _read_tracks(root: Path, problems: list[str]) -> list[Track]:
    lessons_dir = root / "lessons"
    files = sorted(lessons_dir.glob("*.yaml")) if lessons_dir.is_dir() else []
    if not lessons_dir.is_dir():
        problems.append(f"{lessons_dir}: lessons directory is missing")
    else:
        # Only *.yaml is loaded; say so rather than silently skipping a lesson file.
        for stray in sorted(lessons_dir.glob("*.yml")):
            problems.append(f"{_rel(root, stray)}: rename to .yaml; only .yaml files are loaded")

    valid: list[TrackFile] = []
    for path in files:
        where = _rel(root, path)
        data = _load_yaml(path, where, problems)
        track = _validate(TrackFile, data, where, problems, {"file_stem": path.stem})
        if track is not None:
            valid.append(track)
    everything = {"tracks": valid, "files": [path.stem for path in files]}
    if _validate(TrackSet, everything, "", problems) is None:
        return []
    return [_track(track) for track in valid]


def _read_meditations(root: Path, problems: list[str]) -> list[Meditation]:
    path = root / "meditations.yaml"
    where = _rel(root, path)
    if not path.is_file():
        problems.append(f"{where}: file is missing")
        return []
    data = _load_yaml(path, where, problems)
    meditations = _validate(MeditationsFile, data, where, problems)
    return [] if meditations is None else [_meditation(m) for m in meditations.meditations]


def _validate(
    model: type[M],
    data: object,
    where: str,
    problems: list[str],
    context: dict[str, str] | None = None,
) -> M | None:
    """``data`` as a ``model``, or None after recording every problem the model's rules find.
    None data (a file that could not be read) is passed over: its problem is recorded already."""
    if data is None:
        return None
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems += describe(exc, where, data)
        return None


def _track(track: TrackFile) -> Track:
    lessons = tuple(
        Lesson(
            lesson.id,
            track.id,
            lesson.title,
            lesson.body,
            lesson.reflect,
            lesson.exercise,
            lesson.key,
        )
        for lesson in track.lessons
    )
    return Track(track.id, track.order, track.kind, track.title, track.summary, lessons)


def _meditation(item: MeditationItem) -> Meditation:
    return Meditation(item.id, item.title, item.minutes, item.summary, tuple(item.steps))


def _load_yaml(path: Path, where: str, problems: list[str]) -> object | None:
    try:
        with path.open(encoding="utf-8") as handle:
            data: object = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{where}: cannot be read ({exc})")
        return None
    except yaml.YAMLError as exc:
        problems.append(f"{where}: is not valid YAML ({_one_line(str(exc))})")
        return None
    if data is None:
        problems.append(f"{where}: file is empty")
    return data


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    """Print every content problem; exit status 1 if there are any (for editors and CI)."""
    args = sys.argv[1:] if argv is None else argv
    problems = check_content(Path(args[0]) if args else None)
    for problem in problems:
        print(problem)
    if not problems:
        print("content OK")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
