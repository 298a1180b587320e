"""Each content rule (content/models.py) catches a small broken fixture written to tmp_path, and
says which file, lesson or meditation and field is wrong. The fixtures are in test_content.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from content import models
from content.loader import REQUIRED_TRACKS, check_content
from tests.test_content import (
    Tree,
    _first_lesson,
    _first_meditation,
    _problems_after,
    _track_data,
    _valid_tree,
    _write,
)

# --- each rule on a broken fixture ----------------------------------------------------------


def _set_lesson(key: str, value: object, track_id: str = "awareness") -> Callable[[Tree], None]:
    def mutate(tree: Tree) -> None:
        _first_lesson(tree, track_id)[key] = value

    return mutate


def _set_track(track_id: str, key: str, value: object) -> Callable[[Tree], None]:
    def mutate(tree: Tree) -> None:
        tree["tracks"][track_id][key] = value

    return mutate


def _set_meditation(key: str, value: object) -> Callable[[Tree], None]:
    def mutate(tree: Tree) -> None:
        _first_meditation(tree)[key] = value

    return mutate


def _delete_lesson_key(tree: Tree) -> None:
    del _first_lesson(tree)["reflect"]


def _misspelt_extra_key(tree: Tree) -> None:
    _first_lesson(tree)["reflection"] = "An extra field that would be silently dropped?"


def _duplicate_lesson_id(tree: Tree) -> None:
    tree["tracks"]["awareness"]["lessons"][1]["id"] = "awareness-1"


def _too_few_step_lessons(tree: Tree) -> None:
    del tree["tracks"]["awareness"]["lessons"][2]


def _drop_track(tree: Tree) -> None:
    del tree["tracks"]["closure"]


def _too_few_meditations(tree: Tree) -> None:
    del tree["meditations"]["meditations"][5]


def _duplicate_meditation(tree: Tree) -> None:
    tree["meditations"]["meditations"][1]["id"] = "practice_1"


def _two_tracks_same_order(tree: Tree) -> None:
    extra = _track_data("bonus", 4, "step")
    tree["tracks"]["bonus"] = extra


def _delete_track_key(tree: Tree) -> None:
    del tree["tracks"]["values"]["summary"]


def _delete_meditation_key(tree: Tree) -> None:
    del _first_meditation(tree)["minutes"]


def _lesson_not_a_mapping(tree: Tree) -> None:
    tree["tracks"]["awareness"]["lessons"][0] = "Just a line of text."


def _meditation_not_a_mapping(tree: Tree) -> None:
    tree["meditations"]["meditations"][0] = 42


def _too_few_intro_lessons(tree: Tree) -> None:
    del tree["tracks"]["intro"]["lessons"][3]


def _help_track_without_lessons(tree: Tree) -> None:
    tree["tracks"]["getting_help"]["lessons"] = []


def _meditations_not_a_list(tree: Tree) -> None:
    tree["meditations"] = {"meditations": "box_breathing"}


def _meditations_file_a_list(tree: Tree) -> None:
    tree["meditations"] = [_first_meditation(tree)]


BROKEN_CASES: list[tuple[str, Callable[[Tree], None], str, str]] = [
    # (case, mutation, file named in the problem, fragment of the problem)
    ("missing field", _delete_lesson_key, "awareness.yaml: awareness-1", "'reflect' is missing"),
    (
        "unknown key",
        _misspelt_extra_key,
        "awareness.yaml: awareness-1",
        "unknown key(s) reflection",
    ),
    ("wrong type", _set_lesson("title", 12), "awareness.yaml: awareness-1", "must be text"),
    ("yes becomes bool", _set_lesson("exercise", True), "awareness.yaml: awareness-1", "bool"),
    ("empty text", _set_lesson("body", "  \n"), "awareness.yaml: awareness-1", "'body' is empty"),
    (
        "lesson id pattern",
        _set_lesson("id", "awareness_1"),
        "awareness.yaml: awareness_1",
        "must look like 'awareness-<number>'",
    ),
    (
        "lesson id of another track",
        _set_lesson("id", "values-99"),
        "awareness.yaml: values-99",
        "must look like 'awareness-<number>'",
    ),
    (
        "duplicate lesson id",
        _duplicate_lesson_id,
        "awareness.yaml: awareness-1",
        "already used in lessons/awareness.yaml",
    ),
    (
        "lesson id too long for callback data",
        _set_lesson("id", "awareness-1000000000000000"),
        "awareness.yaml: awareness-1000000000000000",
        "at most 24 bytes",
    ),
    (
        "track id differs from file name",
        _set_track("awareness", "id", "values"),
        "lessons/awareness.yaml",
        "must equal the file name 'awareness'",
    ),
    (
        "track id pattern",
        _set_track("awareness", "id", "Awareness"),
        "lessons/awareness.yaml",
        "must match [a-z_]+",
    ),
    (
        "body over 180 words",
        _set_lesson("body", "word " * 181),
        "awareness.yaml: awareness-1",
        "body has 181 words (max 180)",
    ),
    (
        "reflect without question mark",
        _set_lesson("reflect", "Think about it."),
        "awareness.yaml: awareness-1",
        "must be a question ending with '?'",
    ),
    (
        "lesson title too long",
        _set_lesson("title", "x" * 61),
        "awareness.yaml: awareness-1",
        "'title' has 61 characters (max 60)",
    ),
    (
        "track title too long",
        _set_track("values", "title", "y" * 41),
        "lessons/values.yaml",
        "'title' has 41 characters (max 40)",
    ),
    (
        "step track with two lessons",
        _too_few_step_lessons,
        "lessons/awareness.yaml",
        "needs at least 3 lessons, has 2",
    ),
    ("required track missing", _drop_track, "lessons/closure.yaml", "required track 'closure'"),
    (
        "known track out of place",
        _set_track("awareness", "order", 7),
        "lessons/awareness.yaml",
        "must have order 1",
    ),
    (
        "order is a bool",
        _set_track("awareness", "order", True),
        "lessons/awareness.yaml",
        "'order' must be a whole number",
    ),
    (
        "known track with wrong kind",
        _set_track("getting_help", "kind", "step"),
        "lessons/getting_help.yaml",
        "must have kind 'help'",
    ),
    (
        "unknown kind",
        _set_track("values", "kind", "bonus"),
        "lessons/values.yaml",
        "'kind' must be one of intro, step, help",
    ),
    (
        "two tracks share an order",
        _two_tracks_same_order,
        "lessons/bonus.yaml",
        "lessons/bonus.yaml and lessons/values.yaml both have order 4",
    ),
    (
        "rendered text too long after HTML escaping",
        _set_lesson("exercise", "&" * 800),
        "awareness.yaml: awareness-1",
        "rendered text has",
    ),
    ("too few meditations", _too_few_meditations, "meditations.yaml", "at least 6 meditations"),
    (
        "too few meditation steps",
        _set_meditation("steps", ["One.", "Two."]),
        "meditations.yaml: practice_1",
        "needs 3 to 10 steps, has 2",
    ),
    (
        "too many meditation steps",
        _set_meditation("steps", [f"Step {n}." for n in range(11)]),
        "meditations.yaml: practice_1",
        "needs 3 to 10 steps, has 11",
    ),
    (
        "meditation step too long",
        _set_meditation("steps", ["One.", "Two.", "z" * 401]),
        "meditations.yaml: practice_1: step 3",
        "401 characters (max 400)",
    ),
    (
        "meditation step not text",
        _set_meditation("steps", ["One.", "Two.", 3]),
        "meditations.yaml: practice_1: step 3",
        "must be non-empty text",
    ),
    (
        "meditation id pattern",
        _set_meditation("id", "Box-Breathing"),
        "meditations.yaml: Box-Breathing",
        "must match [a-z0-9_]+",
    ),
    (
        "meditation id too long for callback data",
        _set_meditation("id", "a_long_practice_name_over_24"),
        "meditations.yaml: a_long_practice_name_over_24",
        "at most 24 bytes",
    ),
    (
        "duplicate meditation id",
        _duplicate_meditation,
        "meditations.yaml: practice_1",
        "used more than once",
    ),
    (
        "meditation title too long",
        _set_meditation("title", "t" * 41),
        "meditations.yaml: practice_1",
        "'title' has 41 characters (max 40)",
    ),
    (
        "meditation minutes not a number",
        _set_meditation("minutes", "two"),
        "meditations.yaml: practice_1",
        "'minutes' must be a whole number",
    ),
    # Rules first given a case of their own when the checks became pydantic models.
    (
        "unknown key in a track",
        _set_track("values", "notes", "An editor's note."),
        "lessons/values.yaml",
        "unknown key(s) notes; expected id, order, kind, title, summary, lessons",
    ),
    (
        "unknown key in a meditation",
        _set_meditation("duration", 3),
        "meditations.yaml: practice_1",
        "unknown key(s) duration; expected id, title, minutes, summary, steps",
    ),
    ("missing track field", _delete_track_key, "lessons/values.yaml", "'summary' is missing"),
    (
        "missing meditation field",
        _delete_meditation_key,
        "meditations.yaml: practice_1",
        "'minutes' is missing",
    ),
    ("null value", _set_lesson("title", None), "awareness.yaml: awareness-1", "'title' is missing"),
    (
        "lesson not a mapping",
        _lesson_not_a_mapping,
        "lessons/awareness.yaml: lesson #1",
        "expected a mapping with id, title, key, body, reflect, exercise",
    ),
    (
        "lesson id not text",
        _set_lesson("id", 5),
        "lessons/awareness.yaml: lesson #1",
        "'id' must be text, got int 5",
    ),
    (
        "meditation not a mapping",
        _meditation_not_a_mapping,
        "meditations.yaml: meditation #1",
        "expected a mapping with id, title, minutes, summary, steps",
    ),
    (
        "lessons not a list",
        _set_track("values", "lessons", "values-1"),
        "lessons/values.yaml",
        "'lessons' must be a list of lessons",
    ),
    (
        "intro track with three lessons",
        _too_few_intro_lessons,
        "lessons/intro.yaml",
        "a track of kind 'intro' needs at least 4 lessons, has 3",
    ),
    (
        "help track without lessons",
        _help_track_without_lessons,
        "lessons/getting_help.yaml",
        "a track of kind 'help' needs at least 1 lesson, has 0",
    ),
    (
        "order given as text",
        _set_track("awareness", "order", "1"),
        "lessons/awareness.yaml",
        "'order' must be a whole number, got '1'",
    ),
    (
        "track summary too long",
        _set_track("values", "summary", "s" * 241),
        "lessons/values.yaml",
        "'summary' has 241 characters (max 240)",
    ),
    (
        "meditation summary too long",
        _set_meditation("summary", "s" * 241),
        "meditations.yaml: practice_1",
        "'summary' has 241 characters (max 240)",
    ),
    (
        "meditation of no minutes",
        _set_meditation("minutes", 0),
        "meditations.yaml: practice_1",
        "'minutes' must be a whole number from 1 to 60, got 0",
    ),
    (
        "meditation over an hour",
        _set_meditation("minutes", 61),
        "meditations.yaml: practice_1",
        "'minutes' must be a whole number from 1 to 60, got 61",
    ),
    (
        "meditation steps not a list",
        _set_meditation("steps", "Sit. Breathe. Look around."),
        "meditations.yaml: practice_1",
        "'steps' must be a list of texts",
    ),
    (
        "blank meditation step",
        _set_meditation("steps", ["One.", "Two.", "  "]),
        "meditations.yaml: practice_1: step 3",
        "must be non-empty text",
    ),
    (
        "meditation id not text",
        _set_meditation("id", 7),
        "meditations.yaml: meditation #1",
        "'id' must be text, got int 7",
    ),
    (
        "meditations not a list",
        _meditations_not_a_list,
        "meditations.yaml",
        "expected a mapping with a 'meditations' list",
    ),
    (
        "meditations file a bare list",
        _meditations_file_a_list,
        "meditations.yaml",
        "expected a mapping with a 'meditations' list",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "where", "fragment"),
    [pytest.param(m, w, f, id=case) for case, m, w, f in BROKEN_CASES],
)
def test_each_rule_reports_exactly_the_broken_spot(
    tmp_path: Path, mutate: Callable[[Tree], None], where: str, fragment: str
) -> None:
    problems = _problems_after(tmp_path, mutate)
    assert len(problems) == 1, problems
    assert where in problems[0]
    assert fragment in problems[0]


def test_extra_tracks_are_allowed_but_their_ids_must_fit_callback_data(tmp_path: Path) -> None:
    short, long = "bonus", "a_track_name_far_too_long"
    assert len(long) == 25

    def add_tracks(tree: Tree) -> None:
        tree["tracks"][short] = _track_data(short, 10, "step")
        tree["tracks"][long] = _track_data(long, 11, "step")

    problems = _problems_after(tmp_path, add_tracks)
    # The track id and each of its three lesson ids are reported; the short extra track passes.
    assert len(problems) == 4, problems
    assert all(p.startswith(f"lessons/{long}.yaml: ") for p in problems)
    assert all("at most 24 bytes" in p for p in problems)
    assert f"track id '{long}'" in problems[0]


def test_the_unbroken_fixture_has_no_problems(tmp_path: Path) -> None:
    # Guards every case above: each problem found there comes from its mutation alone.
    assert check_content(_write(tmp_path, _valid_tree())) == []


@pytest.mark.parametrize(
    "text",
    [
        "Try to relax. Everything will be fine.",
        "EVERYONE WILL BE OKAY in the end.",
        "You should just trust them.",
        "Maybe it's time to just get over it.",
        "Honestly, you're paranoid.",
        "I could kill for a coffee.",
        "A word about suicide.",
        "A word about self-harm.",
        "He overdosed on sugar.",
    ],
)
def test_banned_phrasing_is_reported_in_a_lesson_body(tmp_path: Path, text: str) -> None:
    problems = _problems_after(tmp_path, _set_lesson("body", text))
    assert len(problems) == 1, problems
    assert problems[0].startswith("lessons/awareness.yaml: awareness-1: body: ")


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (_set_lesson("reflect", "Would you kill time here?"), "awareness-1: reflect"),
        (_set_lesson("exercise", "Kill an hour.", "intro"), "intro-1: exercise"),
        (_set_track("values", "summary", "Everything will be fine."), "values.yaml: summary"),
        (_set_meditation("steps", ["One.", "Two.", "Kill the lights."]), "practice_1: step 3"),
        (_set_lesson("title", "Kill the lights"), "awareness-1: title"),
        (_set_track("values", "title", "You are broken"), "values.yaml: title"),
        (_set_meditation("title", "Just get over it"), "practice_1: title"),
        (_set_meditation("summary", "Everyone will be okay."), "practice_1: summary"),
    ],
)
def test_banned_phrasing_is_reported_in_every_text_field(
    tmp_path: Path, mutate: Callable[[Tree], None], where: str
) -> None:
    problems = _problems_after(tmp_path, mutate)
    assert len(problems) == 1, problems
    assert where in problems[0]


def test_words_that_merely_contain_a_banned_word_pass(tmp_path: Path) -> None:
    body = "New skills take practice, and an everything-will-be-different mood is not a promise."
    assert _problems_after(tmp_path, _set_lesson("body", body)) == []


def test_unreadable_files_are_reported_by_name(tmp_path: Path) -> None:
    root = _write(tmp_path, _valid_tree())
    (root / "lessons" / "values.yaml").write_text("id: values\nlessons: [\n", encoding="utf-8")
    (root / "lessons" / "closure.yaml").write_text("", encoding="utf-8")
    (root / "lessons" / "suspicion.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (root / "meditations.yaml").unlink()
    problems = check_content(root)
    assert len(problems) == 4, problems
    assert problems[0].startswith("lessons/closure.yaml: file is empty")
    assert problems[1].startswith("lessons/suspicion.yaml: expected a mapping")
    assert problems[2].startswith("lessons/values.yaml: is not valid YAML")
    assert problems[3] == "meditations.yaml: file is missing"


def test_a_lesson_file_with_the_wrong_extension_is_reported(tmp_path: Path) -> None:
    root = _write(tmp_path, _valid_tree())
    (root / "lessons" / "values.yaml").rename(root / "lessons" / "values.yml")
    assert check_content(root) == [
        "lessons/values.yml: rename to .yaml; only .yaml files are loaded",
        "lessons/values.yaml: required track 'values' is missing",
    ]


def test_a_missing_lessons_directory_is_reported(tmp_path: Path) -> None:
    problems = check_content(tmp_path)
    assert any("lessons directory is missing" in p for p in problems)
    assert sum("required track" in p for p in problems) == len(REQUIRED_TRACKS)


def test_a_file_that_is_not_utf8_is_reported_by_name(tmp_path: Path) -> None:
    root = _write(tmp_path, _valid_tree())
    (root / "lessons" / "values.yaml").write_bytes(b"id: values\ntitle: \xff\n")
    problems = check_content(root)
    assert len(problems) == 1, problems
    assert problems[0].startswith("lessons/values.yaml: cannot be read (")


def test_a_meditation_step_must_fit_in_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a 40-character title and 400-character steps no meditation reaches Telegram's limit,
    # so the limit is lowered (below the long step, above every fixture lesson) to show the rule.
    monkeypatch.setattr(models, "RENDERED_MAX", 200)
    problems = _problems_after(tmp_path, _set_meditation("steps", ["One.", "Two.", "x" * 300]))
    assert problems == ["meditations.yaml: practice_1: rendered text has 318 characters (max 200)"]
