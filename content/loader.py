"""Load and validate the lesson tracks and meditations that trustbot shows to users.

The text lives in YAML so that a counsellor can edit a lesson without touching code:
one file per track in ``lessons/`` and every meditation in ``meditations.yaml``. This module
turns those files into frozen dataclasses (:class:`Library`) and checks them against the content
rules (:func:`check_content`). Loading and checking share one pass over the files, so a library
that loads is exactly a library that passes the checks.

Plain Python on purpose: nothing here knows about Telegram, and nothing is cached globally;
the caller loads once at start-up and keeps the :class:`Library`. Editors can check their
changes with ``python -m content.loader`` (optionally followed by a content directory).
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeGuard

import yaml

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

# The path every user walks, in order, with the kind of each track. Orders are fixed because
# progress and "Pick a step" refer to them; a track may not silently move.
REQUIRED_TRACKS: dict[str, tuple[int, str]] = {
    "intro": (0, "intro"),
    "awareness": (1, "step"),
    "suspicion": (2, "step"),
    "closure": (3, "step"),
    "values": (4, "step"),
    "assertiveness": (5, "step"),
    "triggered": (6, "step"),
    "face_value": (7, "step"),
    "meditation_step": (8, "step"),
    "getting_help": (9, "help"),
}
KINDS = ("intro", "step", "help")
MIN_LESSONS_BY_KIND = {"intro": 4, "step": 3, "help": 1}

TRACK_TITLE_MAX = 40  # shown on a button
LESSON_TITLE_MAX = 60
MEDITATION_TITLE_MAX = 40  # shown on a button
SUMMARY_MAX = 240  # one sentence; a paragraph here would crowd the step picker
BODY_MAX_WORDS = 180
MIN_MEDITATIONS = 6
MEDITATION_STEPS = (3, 10)
MEDITATION_STEP_MAX = 400
MEDITATION_MINUTES = (1, 60)
# Ids travel inside Telegram callback data, which is capped at 64 bytes; 24 leaves room for the
# version prefix and action name (e.g. "v1:lesson:done:<id>").
CALLBACK_ID_MAX_BYTES = 24
# Telegram caps a message at 4096 characters; handlers add a header and buttons around our text.
RENDERED_MAX = 3500

TRACK_ID_RE = re.compile(r"[a-z_]+")
LESSON_ID_RE = re.compile(r"(?P<track>[a-z_]+)-(?P<n>[1-9][0-9]*)")
MEDITATION_ID_RE = re.compile(r"[a-z0-9_]+")
# A word is any whitespace-separated token with a letter or digit in it, so a lone dash or an
# ellipsis does not count towards the limit.
WORD_RE = re.compile(r"\S*[^\W_]\S*")
BULLET_RE = re.compile(r"(?:[-*•]|\d+[.)])\s")

# Phrasing that must never appear in lessons or meditations, with the reason shown to the editor.
# Risk words belong to the safety flow (triage, /sos), which answers them with real help; in a
# lesson they would only alarm a reader who came to learn. Promises and commands break the tone
# set in SAFETY.md. Patterns are matched case-insensitively; \b keeps "skill" clear of "kill".
BANNED_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason)
    for pattern, reason in (
        (
            r"\bevery(?:thing|one) will be (?:fine|ok|okay|alright|all right)\b",
            "promises an outcome",
        ),
        (r"\byou should just\b", "lectures the reader"),
        (r"\bjust get over\b", "lectures the reader"),
        (r"\byou(?:'re|’re| are) (?:paranoid|crazy|broken|toxic)\b", "labels the reader"),
        (r"\bkill", "is a risk word; those belong in the safety flow, not in lessons"),
        (r"\bsuicid", "is a risk word; those belong in the safety flow, not in lessons"),
        (r"\bself[- ]?harm", "is a risk word; those belong in the safety flow, not in lessons"),
        (r"\boverdos", "is a risk word; those belong in the safety flow, not in lessons"),
    )
)

TRACK_KEYS = frozenset({"id", "order", "kind", "title", "summary", "lessons"})
LESSON_KEYS = frozenset({"id", "title", "body", "reflect", "exercise"})
MEDITATION_KEYS = frozenset({"id", "title", "minutes", "summary", "steps"})


@dataclass(frozen=True, slots=True)
class Lesson:
    """One bite-sized lesson: a short read, a question to reflect on and a small exercise."""

    id: str
    track_id: str
    title: str
    body: str
    reflect: str
    exercise: str


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


def lesson_text(lesson: Lesson) -> str:
    """The plain text of a lesson as a user reads it; handlers may add a header around it."""
    return (
        f"{lesson.title}\n\n{lesson.body}\n\n"
        f"To reflect on: {lesson.reflect}\n\nFor today: {lesson.exercise}"
    )


def meditation_step_text(meditation: Meditation, index: int) -> str:
    """The plain text of step ``index`` (0-based) of a meditation, with its position."""
    total = len(meditation.steps)
    return f"{meditation.title} ({index + 1}/{total})\n\n{meditation.steps[index]}"


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


# --- reading and checking -------------------------------------------------------------------


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

    tracks: list[Track] = []
    for path in files:
        track = _read_track(path, _rel(root, path), problems)
        if track is not None:
            tracks.append(track)

    seen_lessons: dict[str, str] = {}
    by_order: dict[int, str] = {}
    for track in tracks:
        where = f"lessons/{track.id}.yaml"
        if track.order in by_order:
            problems.append(
                f"lessons/{by_order[track.order]}.yaml and {where} both have order {track.order}"
            )
        by_order.setdefault(track.order, track.id)
        for lesson in track.lessons:
            if lesson.id in seen_lessons:
                problems.append(
                    f"{where}: {lesson.id}: lesson id is already used in {seen_lessons[lesson.id]}"
                )
            seen_lessons.setdefault(lesson.id, where)

    present = {t.id for t in tracks} | {p.stem for p in files}
    for track_id in REQUIRED_TRACKS:
        if track_id not in present:
            problems.append(f"lessons/{track_id}.yaml: required track '{track_id}' is missing")
    return tracks


def _read_track(path: Path, where: str, problems: list[str]) -> Track | None:
    data = _load_yaml(path, where, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(
            f"{where}: expected a mapping with id, order, kind, title, summary, lessons"
        )
        return None
    before = len(problems)
    _unknown_keys(data, TRACK_KEYS, where, problems)

    track_id = _text(data, "id", where, problems)
    if track_id is not None:
        if not TRACK_ID_RE.fullmatch(track_id):
            problems.append(f"{where}: track id '{track_id}' must match [a-z_]+")
        elif track_id != path.stem:
            problems.append(
                f"{where}: track id '{track_id}' must equal the file name '{path.stem}'"
            )
        _check_callback_id(track_id, where, "track id", problems)

    order = data.get("order")
    if not _is_int(order):
        problems.append(f"{where}: 'order' must be a whole number, got {order!r}")
    kind = data.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    expected = REQUIRED_TRACKS.get(path.stem)
    if expected is not None:
        if _is_int(order) and order != expected[0]:
            problems.append(f"{where}: track '{path.stem}' must have order {expected[0]}")
        if kind in KINDS and kind != expected[1]:
            problems.append(f"{where}: track '{path.stem}' must have kind '{expected[1]}'")

    title = _text(data, "title", where, problems, max_chars=TRACK_TITLE_MAX)
    summary = _text(data, "summary", where, problems, max_chars=SUMMARY_MAX)
    for name, value in (("title", title), ("summary", summary)):
        if value is not None:
            _check_phrasing(value, f"{where}: {name}", problems)

    raw_lessons = data.get("lessons")
    lessons: list[Lesson] = []
    if not isinstance(raw_lessons, list):
        problems.append(f"{where}: 'lessons' must be a list of lessons")
    else:
        # Lesson ids are checked against the file name, which is what the other checks key on;
        # a wrong track id is reported once above rather than once per lesson.
        for index, raw in enumerate(raw_lessons, start=1):
            lesson = _read_lesson(raw, index, path.stem, where, problems)
            if lesson is not None:
                lessons.append(lesson)
        # A known track is held to the minimum of the kind it must have, whatever it declares.
        required_kind = expected[1] if expected is not None else kind
        minimum = MIN_LESSONS_BY_KIND.get(required_kind, 1) if isinstance(required_kind, str) else 1
        if len(raw_lessons) < minimum:
            problems.append(
                f"{where}: a track of kind '{required_kind}' needs at least {minimum} lessons, "
                f"has {len(raw_lessons)}"
            )

    if len(problems) > before:
        return None
    assert track_id is not None and title is not None and summary is not None
    assert isinstance(order, int) and isinstance(kind, str)
    return Track(track_id, order, kind, title, summary, tuple(lessons))


def _read_lesson(
    raw: object, index: int, track_id: str, where: str, problems: list[str]
) -> Lesson | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: lesson #{index}: expected a mapping with {_keys(LESSON_KEYS)}")
        return None
    lesson_id = raw.get("id")
    label = f"{where}: {lesson_id}" if isinstance(lesson_id, str) else f"{where}: lesson #{index}"
    before = len(problems)
    _unknown_keys(raw, LESSON_KEYS, label, problems)

    checked_id = _text(raw, "id", label, problems)
    if checked_id is not None:
        match = LESSON_ID_RE.fullmatch(checked_id)
        if match is None or match["track"] != track_id:
            problems.append(f"{label}: lesson id must look like '{track_id}-<number>'")
        _check_callback_id(checked_id, label, "lesson id", problems)

    title = _text(raw, "title", label, problems, max_chars=LESSON_TITLE_MAX)
    body = _text(raw, "body", label, problems)
    reflect = _text(raw, "reflect", label, problems)
    exercise = _text(raw, "exercise", label, problems)

    if body is not None:
        words = len(WORD_RE.findall(body))
        if words > BODY_MAX_WORDS:
            problems.append(f"{label}: body has {words} words (max {BODY_MAX_WORDS})")
    if reflect is not None and not reflect.endswith("?"):
        problems.append(f"{label}: 'reflect' must be a question ending with '?'")
    for name, value in (("title", title), ("body", body), ("reflect", reflect)):
        if value is not None:
            _check_phrasing(value, f"{label}: {name}", problems)
    if exercise is not None:
        _check_phrasing(exercise, f"{label}: exercise", problems)

    if len(problems) > before:
        return None
    assert checked_id is not None and title is not None and body is not None
    assert reflect is not None and exercise is not None
    lesson = Lesson(checked_id, track_id, title, body, reflect, exercise)
    _check_rendered(lesson_text(lesson), label, problems)
    return lesson


def _read_meditations(root: Path, problems: list[str]) -> list[Meditation]:
    path = root / "meditations.yaml"
    where = _rel(root, path)
    if not path.is_file():
        problems.append(f"{where}: file is missing")
        return []
    data = _load_yaml(path, where, problems)
    if data is None:
        return []
    raw_list = data.get("meditations") if isinstance(data, dict) else None
    if not isinstance(raw_list, list):
        problems.append(f"{where}: expected a mapping with a 'meditations' list")
        return []

    meditations: list[Meditation] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_list, start=1):
        meditation = _read_meditation(raw, index, where, problems)
        if meditation is None:
            continue
        if meditation.id in seen:
            problems.append(f"{where}: {meditation.id}: meditation id is used more than once")
            continue
        seen.add(meditation.id)
        meditations.append(meditation)
    if len(raw_list) < MIN_MEDITATIONS:
        problems.append(
            f"{where}: needs at least {MIN_MEDITATIONS} meditations, has {len(raw_list)}"
        )
    return meditations


def _read_meditation(raw: object, index: int, where: str, problems: list[str]) -> Meditation | None:
    if not isinstance(raw, dict):
        problems.append(
            f"{where}: meditation #{index}: expected a mapping with {_keys(MEDITATION_KEYS)}"
        )
        return None
    raw_id = raw.get("id")
    label = f"{where}: {raw_id}" if isinstance(raw_id, str) else f"{where}: meditation #{index}"
    before = len(problems)
    _unknown_keys(raw, MEDITATION_KEYS, label, problems)

    meditation_id = _text(raw, "id", label, problems)
    if meditation_id is not None:
        if not MEDITATION_ID_RE.fullmatch(meditation_id):
            problems.append(f"{label}: meditation id must match [a-z0-9_]+")
        _check_callback_id(meditation_id, label, "meditation id", problems)
    title = _text(raw, "title", label, problems, max_chars=MEDITATION_TITLE_MAX)
    summary = _text(raw, "summary", label, problems, max_chars=SUMMARY_MAX)
    for name, value in (("title", title), ("summary", summary)):
        if value is not None:
            _check_phrasing(value, f"{label}: {name}", problems)

    minutes = raw.get("minutes")
    low, high = MEDITATION_MINUTES
    if not _is_int(minutes) or not low <= minutes <= high:
        problems.append(f"{label}: 'minutes' must be a whole number from {low} to {high}")

    steps: list[str] = []
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list):
        problems.append(f"{label}: 'steps' must be a list of texts")
    else:
        fewest, most = MEDITATION_STEPS
        if not fewest <= len(raw_steps) <= most:
            problems.append(f"{label}: needs {fewest} to {most} steps, has {len(raw_steps)}")
        for number, raw_step in enumerate(raw_steps, start=1):
            step_label = f"{label}: step {number}"
            if not isinstance(raw_step, str) or not raw_step.strip():
                problems.append(f"{step_label}: must be non-empty text")
                continue
            step = _reflow(raw_step)
            if len(step) > MEDITATION_STEP_MAX:
                problems.append(
                    f"{step_label}: has {len(step)} characters (max {MEDITATION_STEP_MAX})"
                )
            _check_phrasing(step, step_label, problems)
            steps.append(step)

    if len(problems) > before:
        return None
    assert meditation_id is not None and title is not None and summary is not None
    assert isinstance(minutes, int)
    meditation = Meditation(meditation_id, title, minutes, summary, tuple(steps))
    for number in range(len(steps)):
        _check_rendered(meditation_step_text(meditation, number), label, problems)
    return meditation


# --- small helpers --------------------------------------------------------------------------


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


def _text(
    data: dict[object, object],
    key: str,
    where: str,
    problems: list[str],
    *,
    max_chars: int | None = None,
) -> str | None:
    """The reflowed text under ``key``, or None after recording why it is unusable."""
    value = data.get(key)
    if value is None:
        problems.append(f"{where}: '{key}' is missing")
        return None
    if not isinstance(value, str):
        # YAML turns unquoted yes/no/numbers into other types; quoting the text fixes it.
        problems.append(f"{where}: '{key}' must be text, got {type(value).__name__} {value!r}")
        return None
    text = _reflow(value)
    if not text:
        problems.append(f"{where}: '{key}' is empty")
        return None
    if max_chars is not None and len(text) > max_chars:
        problems.append(f"{where}: '{key}' has {len(text)} characters (max {max_chars})")
    return text


def _reflow(text: str) -> str:
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


def _unknown_keys(
    data: dict[object, object], allowed: frozenset[str], where: str, problems: list[str]
) -> None:
    # A misspelt key ("reflection:") would otherwise be silently dropped.
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; expected {_keys(allowed)}")


def _check_callback_id(value: str, where: str, what: str, problems: list[str]) -> None:
    if not value.isascii() or len(value.encode("ascii")) > CALLBACK_ID_MAX_BYTES:
        problems.append(
            f"{where}: {what} '{value}' must be ASCII and at most {CALLBACK_ID_MAX_BYTES} bytes "
            "(it goes into Telegram callback data)"
        )


def _check_phrasing(text: str, where: str, problems: list[str]) -> None:
    for pattern, reason in BANNED_PHRASES:
        match = pattern.search(text)
        if match is not None:
            problems.append(f'{where}: "{match.group(0)}" {reason}')


def _check_rendered(text: str, where: str, problems: list[str]) -> None:
    # Measured after HTML escaping, because handlers send with parse_mode HTML and "&" grows.
    length = len(html.escape(text, quote=False))
    if length > RENDERED_MAX:
        problems.append(f"{where}: rendered text has {length} characters (max {RENDERED_MAX})")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _keys(keys: Iterable[str]) -> str:
    return ", ".join(sorted(keys))


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
