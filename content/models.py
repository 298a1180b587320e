"""The content rules, as pydantic models of the lesson and meditation files.

Each file is validated by one model: a track file (``lessons/<id>.yaml``) by :class:`TrackFile`
with its :class:`LessonItem` entries, ``meditations.yaml`` by :class:`MeditationsFile` with its
:class:`MeditationItem` entries. The rules that span files (track orders, lesson ids, required
tracks) belong to :class:`TrackSet`. Every rule is a validator that says what is wrong in an
editor's words; :func:`describe` turns a ValidationError into one line per problem, naming the
file, the lesson or meditation id and the field.

An editor should see every problem in one run, so the validators here report all they find:
:func:`checks` runs each rule of a field even after one fails, and the container validators
(unknown keys, lesson and step counts) add their findings to whatever the items report.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from content.text import WORD_RE, lesson_text, meditation_step_text, reflow

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

# Phrasing that must never appear in lessons or meditations, with the reason shown to the editor.
# Risk words belong to the safety flow (triage, /sos), which answers them with real help; in a
# lesson they would only alarm a reader who came to learn. Promises and commands break the tone
# set in docs/safety.md. Patterns are matched case-insensitively; \b keeps "skill" clear of "kill".
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

# How describe() names an entry of a list that has no usable id of its own.
ITEM_LABELS = {"lessons": "lesson #{n}", "meditations": "meditation #{n}", "steps": "step {n}"}


# --- reporting problems ---------------------------------------------------------------------

Loc = tuple[str | int, ...]
Rule = Callable[[str, ValidationInfo], Iterator[str]]
T = TypeVar("T")


def _problem(message: str, value: object = None, loc: Loc = ()) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError("content", message), loc=loc, input=value)


def _report(found: list[InitErrorDetails]) -> None:
    """Raise every problem found at once; pydantic files each under the location it names."""
    if found:
        raise ValidationError.from_exception_data("content", found)


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("content", message)


def _validate_also(
    value: object, handler: Callable[[object], Any], found: list[InitErrorDetails]
) -> Any:
    """Run the normal validation of ``value`` and report ``found`` alongside its problems."""
    if not found:
        return handler(value)
    try:
        handler(value)
    except ValidationError as exc:
        found = found + [
            InitErrorDetails(
                type=PydanticCustomError(error["type"], error["msg"]),
                loc=tuple(error["loc"]),
                input=error["input"],
            )
            for error in exc.errors()
        ]
    raise ValidationError.from_exception_data("content", found)


def checks(*rules: Rule) -> AfterValidator:
    """Run every rule on a text field and report each that fails, not only the first."""

    def run(text: str, info: ValidationInfo) -> str:
        _report([_problem(message, text) for rule in rules for message in rule(text, info)])
        return text

    return AfterValidator(run)


def describe(error: ValidationError, where: str, data: object) -> list[str]:
    """One line per problem: ``where`` (the file), the entry (its id, else its position in the
    list) and what is wrong, as each validator put it. ``data`` is the input that was validated,
    which is where the ids are read from."""
    lines: list[str] = []
    for found in error.errors():
        parts = [where] if where else []
        node, field = data, ""
        for key in found["loc"]:
            if isinstance(key, int):
                node = node[key] if isinstance(node, list) and key < len(node) else None
                ident = node.get("id") if isinstance(node, dict) else None
                label = ITEM_LABELS.get(field, field + " #{n}").format(n=key + 1)
                parts.append(ident if isinstance(ident, str) else label)
            else:
                field = key
                node = node.get(key) if isinstance(node, dict) else None
        message = found["msg"]
        if found["type"] == "missing":
            message = f"'{field}' is missing"
        elif found["type"] != "content":  # pydantic's own wording, which names no field
            message = f"'{field}': {message}"
        lines.append(": ".join([*parts, message]))
    return lines


# --- the rules for single values ------------------------------------------------------------


def _name(info: ValidationInfo) -> str:
    return info.field_name or "value"


def _file_stem(info: ValidationInfo) -> str:
    """The name of the track file being validated, which ids and orders are held to."""
    context = info.context if isinstance(info.context, dict) else {}
    return str(context.get("file_stem", ""))


def _text(value: object, info: ValidationInfo) -> str:
    """Required, non-empty text, reflowed."""
    if value is None:
        raise _fail(f"'{_name(info)}' is missing")
    if not isinstance(value, str):
        # YAML turns unquoted yes/no/numbers into other types; quoting the text fixes it.
        raise _fail(f"'{_name(info)}' must be text, got {type(value).__name__} {value!r}")
    text = reflow(value)
    if not text:
        raise _fail(f"'{_name(info)}' is empty")
    return text


def _step_text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail("must be non-empty text")
    return reflow(value)


def _whole_number(span: tuple[int, int] | None = None) -> BeforeValidator:
    within = f" from {span[0]} to {span[1]}" if span else ""

    def check(value: object, info: ValidationInfo) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            if span is None or span[0] <= value <= span[1]:
                return value
        raise _fail(f"'{_name(info)}' must be a whole number{within}, got {value!r}")

    return BeforeValidator(check)


def _kind(value: object, info: ValidationInfo) -> str:
    if isinstance(value, str) and value in KINDS:
        return value
    raise _fail(f"'{_name(info)}' must be one of {', '.join(KINDS)}, got {value!r}")


def _as_required_track(position: int) -> AfterValidator:
    """A required track's order (``position`` 0) or kind (1) must be as REQUIRED_TRACKS says."""

    def check(value: T, info: ValidationInfo) -> T:
        stem = _file_stem(info)
        expected = REQUIRED_TRACKS.get(stem)
        if expected is not None and value != expected[position]:
            raise _fail(f"track '{stem}' must have {_name(info)} {expected[position]!r}")
        return value

    return AfterValidator(check)


def _max_chars(limit: int) -> Rule:
    def rule(text: str, info: ValidationInfo) -> Iterator[str]:
        if len(text) > limit:
            yield f"'{_name(info)}' has {len(text)} characters (max {limit})"

    return rule


def _max_words(limit: int) -> Rule:
    def rule(text: str, info: ValidationInfo) -> Iterator[str]:
        words = len(WORD_RE.findall(text))
        if words > limit:
            yield f"{_name(info)} has {words} words (max {limit})"

    return rule


def _question(text: str, info: ValidationInfo) -> Iterator[str]:
    if not text.endswith("?"):
        yield f"'{_name(info)}' must be a question ending with '?'"


def _step_phrasing(text: str, info: ValidationInfo) -> Iterator[str]:
    """No banned phrasing (see BANNED_PHRASES); each phrase found is one problem."""
    for pattern, reason in BANNED_PHRASES:
        match = pattern.search(text)
        if match is not None:
            yield f'"{match.group(0)}" {reason}'


def _phrasing(text: str, info: ValidationInfo) -> Iterator[str]:
    """As _step_phrasing, for a field: the problem names the field."""
    for found in _step_phrasing(text, info):
        yield f"{_name(info)}: {found}"


def _fits_callback_data(noun: str) -> Rule:
    def rule(value: str, info: ValidationInfo) -> Iterator[str]:
        if not value.isascii() or len(value.encode("ascii")) > CALLBACK_ID_MAX_BYTES:
            yield (
                f"{noun} '{value}' must be ASCII and at most {CALLBACK_ID_MAX_BYTES} bytes "
                "(it goes into Telegram callback data)"
            )

    return rule


def _track_id_is_file_name(value: str, info: ValidationInfo) -> Iterator[str]:
    stem = _file_stem(info)
    if not TRACK_ID_RE.fullmatch(value):
        yield f"track id '{value}' must match [a-z_]+"
    elif value != stem:
        yield f"track id '{value}' must equal the file name '{stem}'"


def _lesson_id_in_track(value: str, info: ValidationInfo) -> Iterator[str]:
    # Held to the file name, which the other rules key on; a wrong track id is reported once
    # for the track rather than once per lesson.
    stem = _file_stem(info)
    match = LESSON_ID_RE.fullmatch(value)
    if match is None or match["track"] != stem:
        yield f"lesson id must look like '{stem}-<number>'"


def _meditation_id_shape(value: str, info: ValidationInfo) -> Iterator[str]:
    if not MEDITATION_ID_RE.fullmatch(value):
        yield "meditation id must match [a-z0-9_]+"


def _step_length(text: str, info: ValidationInfo) -> Iterator[str]:
    if len(text) > MEDITATION_STEP_MAX:
        yield f"has {len(text)} characters (max {MEDITATION_STEP_MAX})"


def _rendered(texts: Iterable[str]) -> list[InitErrorDetails]:
    # Measured after HTML escaping, because handlers send with parse_mode HTML and "&" grows.
    lengths = (len(html.escape(text, quote=False)) for text in texts)
    return [
        _problem(f"rendered text has {length} characters (max {RENDERED_MAX})")
        for length in lengths
        if length > RENDERED_MAX
    ]


def _repeated_ids(items: list[object]) -> Iterator[int]:
    """The position of every entry whose id an earlier entry already has."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                yield index
            seen.add(ident)


# --- the models -----------------------------------------------------------------------------

Text = Annotated[str, BeforeValidator(_text)]
Step = Annotated[str, BeforeValidator(_step_text), checks(_step_length, _step_phrasing)]


class _Entry(BaseModel):
    """A mapping read from YAML with exactly the keys its class declares, in that order."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="wrap")
    @classmethod
    def _a_mapping_of_known_keys(
        cls, data: object, handler: ModelWrapValidatorHandler[Self]
    ) -> Self:
        if isinstance(data, cls):
            return handler(data)  # already validated (e.g. a TrackFile inside a TrackSet)
        keys = ", ".join(cls.model_fields)
        if not isinstance(data, dict):
            raise _fail(f"expected a mapping with {keys}")
        # A misspelt key ("reflection:") would otherwise be silently dropped.
        unknown = sorted(str(key) for key in data if key not in cls.model_fields)
        found = [_problem(f"unknown key(s) {', '.join(unknown)}; expected {keys}", data)]
        entry: Self = _validate_also(data, handler, found if unknown else [])
        return entry


KEY_MAX = 140


class LessonItem(_Entry):
    """One lesson in a track file: a short read, a question to reflect on, a small exercise."""

    id: Annotated[Text, checks(_lesson_id_in_track, _fits_callback_data("lesson id"))]
    title: Annotated[Text, checks(_max_chars(LESSON_TITLE_MAX), _phrasing)]
    # The lesson's idea in one sentence: the daily check-in recalls it 1, 3 and 7 days later.
    key: Annotated[Text, checks(_max_chars(KEY_MAX), _phrasing)]
    body: Annotated[Text, checks(_max_words(BODY_MAX_WORDS), _phrasing)]
    reflect: Annotated[Text, checks(_question, _phrasing)]
    exercise: Annotated[Text, checks(_phrasing)]

    @model_validator(mode="after")
    def _fits_a_message(self) -> Self:
        _report(_rendered([lesson_text(self)]))
        return self


class TrackFile(_Entry):
    """A track file, ``lessons/<id>.yaml``. Validate it with ``context={"file_stem": <id>}``:
    ids, order and kind are held to the file name."""

    id: Annotated[Text, checks(_track_id_is_file_name, _fits_callback_data("track id"))]
    order: Annotated[int, _whole_number(), _as_required_track(0)]
    kind: Annotated[str, BeforeValidator(_kind), _as_required_track(1)]
    title: Annotated[Text, checks(_max_chars(TRACK_TITLE_MAX), _phrasing)]
    summary: Annotated[Text, checks(_max_chars(SUMMARY_MAX), _phrasing)]
    lessons: tuple[LessonItem, ...]

    @field_validator("lessons", mode="wrap")
    @classmethod
    def _enough_lessons(
        cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> tuple[LessonItem, ...]:
        if not isinstance(value, list):
            raise _fail("'lessons' must be a list of lessons")
        # A known track is held to the minimum of the kind it must have, whatever it declares.
        expected = REQUIRED_TRACKS.get(_file_stem(info))
        kind = expected[1] if expected is not None else info.data.get("kind")
        minimum = MIN_LESSONS_BY_KIND.get(kind, 1) if isinstance(kind, str) else 1
        of_kind = f" of kind '{kind}'" if isinstance(kind, str) else ""
        noun = "lesson" if minimum == 1 else "lessons"
        found = [_problem(f"a track{of_kind} needs at least {minimum} {noun}, has {len(value)}")]
        lessons: tuple[LessonItem, ...] = _validate_also(
            value, handler, found if len(value) < minimum else []
        )
        return lessons


class MeditationItem(_Entry):
    """A short guided practice in ``meditations.yaml``, shown one step at a time."""

    id: Annotated[Text, checks(_meditation_id_shape, _fits_callback_data("meditation id"))]
    title: Annotated[Text, checks(_max_chars(MEDITATION_TITLE_MAX), _phrasing)]
    minutes: Annotated[int, _whole_number(MEDITATION_MINUTES)]
    summary: Annotated[Text, checks(_max_chars(SUMMARY_MAX), _phrasing)]
    steps: tuple[Step, ...]

    @field_validator("steps", mode="wrap")
    @classmethod
    def _step_count(cls, value: object, handler: ValidatorFunctionWrapHandler) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise _fail("'steps' must be a list of texts")
        fewest, most = MEDITATION_STEPS
        found = [_problem(f"needs {fewest} to {most} steps, has {len(value)}")]
        steps: tuple[str, ...] = _validate_also(
            value, handler, found if not fewest <= len(value) <= most else []
        )
        return steps

    @model_validator(mode="after")
    def _fits_a_message(self) -> Self:
        _report(_rendered(meditation_step_text(self, n) for n in range(len(self.steps))))
        return self


class MeditationsFile(BaseModel):
    """``meditations.yaml``: a mapping whose ``meditations`` list holds every practice."""

    model_config = ConfigDict(frozen=True)

    meditations: tuple[MeditationItem, ...]

    @model_validator(mode="before")
    @classmethod
    def _a_mapping_with_a_list(cls, data: object) -> object:
        if not isinstance(data, dict) or not isinstance(data.get("meditations"), list):
            raise _fail("expected a mapping with a 'meditations' list")
        return data

    @field_validator("meditations", mode="wrap")
    @classmethod
    def _enough_distinct_meditations(
        cls, value: list[object], handler: ValidatorFunctionWrapHandler
    ) -> tuple[MeditationItem, ...]:
        # value is a list: _a_mapping_with_a_list ran first.
        found = [
            _problem("meditation id is used more than once", loc=(index,))
            for index in _repeated_ids(value)
        ]
        if len(value) < MIN_MEDITATIONS:
            found.append(
                _problem(f"needs at least {MIN_MEDITATIONS} meditations, has {len(value)}")
            )
        meditations: tuple[MeditationItem, ...] = _validate_also(value, handler, found)
        return meditations


class TrackSet(BaseModel):
    """The rules across track files: each order and lesson id used once, no required track
    missing. ``tracks`` are the track files that passed their own rules, in file order;
    ``files`` names every track file present, valid or not."""

    model_config = ConfigDict(frozen=True)

    tracks: tuple[TrackFile, ...]
    files: tuple[str, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        found = [*self._shared_orders(), *self._reused_lesson_ids(), *self._missing_tracks()]
        _report([_problem(message) for message in found])
        return self

    def _shared_orders(self) -> Iterator[str]:
        by_order: dict[int, str] = {}
        for track in self.tracks:
            first = by_order.setdefault(track.order, track.id)
            if first != track.id:  # track ids are file names, so no two are the same
                yield (
                    f"lessons/{first}.yaml and lessons/{track.id}.yaml "
                    f"both have order {track.order}"
                )

    def _reused_lesson_ids(self) -> Iterator[str]:
        seen: dict[str, str] = {}
        for track in self.tracks:
            where = f"lessons/{track.id}.yaml"
            for lesson in track.lessons:
                if lesson.id in seen:
                    yield f"{where}: {lesson.id}: lesson id is already used in {seen[lesson.id]}"
                seen.setdefault(lesson.id, where)

    def _missing_tracks(self) -> Iterator[str]:
        for track_id in REQUIRED_TRACKS:
            if track_id not in self.files:
                yield f"lessons/{track_id}.yaml: required track '{track_id}' is missing"
