"""Every problem in a content file is reported in one run, not one per run: the rules of a field,
of an entry and of its list all speak at once, each naming the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import models
from tests.test_content import Tree, _first_lesson, _problems_after, _track_data
from tests.test_content_rules import _set_meditation


def test_every_problem_of_a_lesson_is_reported_in_one_run(tmp_path: Path) -> None:
    def break_lesson(tree: Tree) -> None:
        lesson = _first_lesson(tree)
        lesson["reflection"] = "A misspelt key?"
        lesson["title"] = "A title that goes on long enough to kill the button it sits on"
        lesson["body"] = "word " * 181 + "suicide and an overdose"
        del lesson["reflect"]

    where = "lessons/awareness.yaml: awareness-1: "
    risk = "is a risk word; those belong in the safety flow, not in lessons"
    assert _problems_after(tmp_path, break_lesson) == [
        where + "unknown key(s) reflection; expected id, title, key, body, reflect, exercise",
        where + "'title' has 62 characters (max 60)",
        where + f'title: "kill" {risk}',
        where + "body has 185 words (max 180)",
        where + f'body: "suicid" {risk}',
        where + f'body: "overdos" {risk}',
        where + "'reflect' is missing",
    ]


def test_an_id_breaking_two_rules_reports_both(tmp_path: Path) -> None:
    long_id = "Box-Breathing-For-Beginners"
    problems = _problems_after(tmp_path, _set_meditation("id", long_id))
    assert problems == [
        f"meditations.yaml: {long_id}: meditation id must match [a-z0-9_]+",
        f"meditations.yaml: {long_id}: meditation id '{long_id}' must be ASCII and at most 24 "
        "bytes (it goes into Telegram callback data)",
    ]


def test_a_short_track_is_reported_with_the_problems_of_its_lessons(tmp_path: Path) -> None:
    def break_track(tree: Tree) -> None:
        del tree["tracks"]["awareness"]["lessons"][2]
        _first_lesson(tree)["reflect"] = "No question."

    assert _problems_after(tmp_path, break_track) == [
        "lessons/awareness.yaml: a track of kind 'step' needs at least 3 lessons, has 2",
        "lessons/awareness.yaml: awareness-1: 'reflect' must be a question ending with '?'",
    ]


def test_a_known_track_is_held_to_the_lessons_its_required_kind_needs(tmp_path: Path) -> None:
    # The intro declared as a step: wrong kind, and still four lessons needed, not three.
    def demote_intro(tree: Tree) -> None:
        tree["tracks"]["intro"]["kind"] = "step"
        del tree["tracks"]["intro"]["lessons"][3]

    assert _problems_after(tmp_path, demote_intro) == [
        "lessons/intro.yaml: track 'intro' must have kind 'intro'",
        "lessons/intro.yaml: a track of kind 'intro' needs at least 4 lessons, has 3",
    ]


def test_meditation_steps_and_their_count_are_reported_together(tmp_path: Path) -> None:
    problems = _problems_after(tmp_path, _set_meditation("steps", [None, "Kill the lights."]))
    assert problems == [
        "meditations.yaml: practice_1: needs 3 to 10 steps, has 2",
        "meditations.yaml: practice_1: step 1: must be non-empty text",
        'meditations.yaml: practice_1: step 2: "Kill" is a risk word; those belong in the '
        "safety flow, not in lessons",
    ]


def test_repeated_and_missing_meditations_are_reported_together(tmp_path: Path) -> None:
    def break_meditations(tree: Tree) -> None:
        meditations = tree["meditations"]["meditations"]
        del meditations[5]
        meditations[1]["id"] = "practice_1"
        meditations[1]["minutes"] = 0

    assert _problems_after(tmp_path, break_meditations) == [
        "meditations.yaml: practice_1: meditation id is used more than once",
        "meditations.yaml: needs at least 6 meditations, has 5",
        "meditations.yaml: practice_1: 'minutes' must be a whole number from 1 to 60, got 0",
    ]


def test_an_unknown_kind_on_an_extra_track_still_needs_a_lesson(tmp_path: Path) -> None:
    def add_track(tree: Tree) -> None:
        tree["tracks"]["bonus"] = {**_track_data("bonus", 10, "step"), "kind": "extra"}
        tree["tracks"]["bonus"]["lessons"] = []

    assert _problems_after(tmp_path, add_track) == [
        "lessons/bonus.yaml: 'kind' must be one of intro, step, help, got 'extra'",
        "lessons/bonus.yaml: a track needs at least 1 lesson, has 0",
    ]


def test_a_track_file_validates_on_its_own_against_its_file_name() -> None:
    # The models can be used without the loader, e.g. by an editor's tool; the file name comes
    # in the validation context.
    data = _track_data("values", 4, "step")
    data["summary"] = "One sentence,\nwrapped in the file."
    track = models.TrackFile.model_validate(data, context={"file_stem": "values"})
    assert track.summary == "One sentence, wrapped in the file."
    assert [lesson.id for lesson in track.lessons] == ["values-1", "values-2", "values-3"]
    with pytest.raises(models.ValidationError) as raised:
        models.TrackFile.model_validate(data, context={"file_stem": "closure"})
    where = "lessons/closure.yaml"
    assert models.describe(raised.value, where, data)[:2] == [
        f"{where}: track id 'values' must equal the file name 'closure'",
        f"{where}: track 'closure' must have order 3",
    ]
