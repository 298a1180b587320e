"""Tests for content/loader.py: the real lessons and meditations pass every content rule, each
rule catches a small broken fixture, and path navigation picks the right next lesson."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from content import loader
from content.loader import (
    REQUIRED_TRACKS,
    ContentError,
    Lesson,
    Library,
    Meditation,
    Track,
    check_content,
    lesson_text,
    load_library,
    meditation_step_text,
)

CONTENT_ROOT = Path(loader.__file__).resolve().parent
MY_TRACKS = ("intro", "awareness", "suspicion", "closure", "values")

TrackData = dict[str, Any]
Tree = dict[str, Any]  # {"tracks": {track id: TrackData}, "meditations": {...}}


# --- fixture content ------------------------------------------------------------------------


def _lesson_data(track_id: str, n: int) -> dict[str, Any]:
    return {
        "id": f"{track_id}-{n}",
        "title": f"Lesson {n}",
        "body": "A short body with a few plain words.\n",
        "reflect": "What did you notice?",
        "exercise": "Try one small thing today.",
    }


def _track_data(track_id: str, order: int, kind: str) -> TrackData:
    count = loader.MIN_LESSONS_BY_KIND[kind]
    return {
        "id": track_id,
        "order": order,
        "kind": kind,
        "title": f"Track {track_id}"[:40],
        "summary": "One sentence.",
        "lessons": [_lesson_data(track_id, n) for n in range(1, count + 1)],
    }


def _meditation_data(n: int) -> dict[str, Any]:
    return {
        "id": f"practice_{n}",
        "title": f"Practice {n}",
        "minutes": 2,
        "summary": "One sentence.",
        "steps": ["Sit down.", "Breathe in and out.", "Look around the room."],
    }


def _valid_tree() -> Tree:
    return {
        "tracks": {
            track_id: _track_data(track_id, order, kind)
            for track_id, (order, kind) in REQUIRED_TRACKS.items()
        },
        "meditations": {"meditations": [_meditation_data(n) for n in range(1, 7)]},
    }


def _write(root: Path, tree: Tree) -> Path:
    (root / "lessons").mkdir(parents=True, exist_ok=True)
    for track_id, data in tree["tracks"].items():
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        (root / "lessons" / f"{track_id}.yaml").write_text(text, encoding="utf-8")
    text = yaml.safe_dump(tree["meditations"], sort_keys=False, allow_unicode=True)
    (root / "meditations.yaml").write_text(text, encoding="utf-8")
    return root


def _problems_after(tmp_path: Path, mutate: Callable[[Tree], None]) -> list[str]:
    tree = _valid_tree()
    mutate(tree)
    return check_content(_write(tmp_path, tree))


def _first_lesson(tree: Tree, track_id: str = "awareness") -> dict[str, Any]:
    lesson: dict[str, Any] = tree["tracks"][track_id]["lessons"][0]
    return lesson


def _first_meditation(tree: Tree) -> dict[str, Any]:
    meditation: dict[str, Any] = tree["meditations"]["meditations"][0]
    return meditation


# --- the real content -----------------------------------------------------------------------


def _real_content_with_stand_ins(tmp_path: Path) -> Path:
    """The real content files, with fixture stand-ins for any the other writer has not added yet,
    so that the files that do exist are checked in full either way."""
    root = tmp_path / "content"
    stand_ins = _valid_tree()
    (root / "lessons").mkdir(parents=True)
    for track_id in REQUIRED_TRACKS:
        real = CONTENT_ROOT / "lessons" / f"{track_id}.yaml"
        target = root / "lessons" / f"{track_id}.yaml"
        if real.is_file():
            shutil.copy(real, target)
        else:
            target.write_text(yaml.safe_dump(stand_ins["tracks"][track_id]), encoding="utf-8")
    for real in (CONTENT_ROOT / "lessons").glob("*.yaml"):
        shutil.copy(real, root / "lessons" / real.name)  # extra tracks are checked too
    real_meditations = CONTENT_ROOT / "meditations.yaml"
    if real_meditations.is_file():
        shutil.copy(real_meditations, root / "meditations.yaml")
    else:
        (root / "meditations.yaml").write_text(yaml.safe_dump(stand_ins["meditations"]))
    return root


def test_real_content_passes_every_check(tmp_path: Path) -> None:
    assert check_content(_real_content_with_stand_ins(tmp_path)) == []


def test_default_root_reports_nothing_but_files_not_written_yet() -> None:
    missing = [
        f"lessons/{track_id}.yaml: required track '{track_id}' is missing"
        for track_id in REQUIRED_TRACKS
        if not (CONTENT_ROOT / "lessons" / f"{track_id}.yaml").is_file()
    ]
    if not (CONTENT_ROOT / "meditations.yaml").is_file():
        missing.append("meditations.yaml: file is missing")
    assert check_content() == missing


def test_my_tracks_are_complete_and_within_length(tmp_path: Path) -> None:
    library = load_library(_real_content_with_stand_ins(tmp_path))
    for track_id in MY_TRACKS:
        track = library.track(track_id)
        assert track is not None
        assert len(track.lessons) >= (4 if track_id == "intro" else 3)
        for lesson in track.lessons:
            words = len(loader.WORD_RE.findall(lesson.body))
            assert 100 <= words <= 180, (lesson.id, words)
            assert 2 <= lesson.body.count("\n\n") + 1 <= 4, lesson.id
            # The brief for this content: warm, never preachy.
            assert "you should" not in lesson_text(lesson).lower(), lesson.id


# --- loading --------------------------------------------------------------------------------


def test_valid_fixture_loads_into_sorted_frozen_dataclasses(tmp_path: Path) -> None:
    library = load_library(_write(tmp_path, _valid_tree()))
    assert [t.id for t in library.tracks] == list(REQUIRED_TRACKS)
    assert [t.order for t in library.tracks] == list(range(10))
    first = library.path()[0]
    assert first == Lesson(
        id="intro-1",
        track_id="intro",
        title="Lesson 1",
        body="A short body with a few plain words.",
        reflect="What did you notice?",
        exercise="Try one small thing today.",
    )
    assert len(library.meditations) == 6
    with pytest.raises(AttributeError):
        first.title = "changed"  # type: ignore[misc]


def test_wrapped_lines_are_joined_but_paragraphs_and_bullets_kept(tmp_path: Path) -> None:
    tree = _valid_tree()
    _first_lesson(tree)["body"] = (
        "First line\n  wrapped here.\n\nSecond paragraph\nalso wrapped.\n- a bullet\n- another\n"
    )
    library = load_library(_write(tmp_path, tree))
    lesson = library.lesson("awareness-1")
    assert lesson is not None
    assert lesson.body == (
        "First line wrapped here.\n\nSecond paragraph also wrapped.\n- a bullet\n- another"
    )


def test_load_library_raises_with_the_same_problems_check_content_finds(tmp_path: Path) -> None:
    tree = _valid_tree()
    _first_lesson(tree)["reflect"] = "No question mark."
    del tree["tracks"]["closure"]
    root = _write(tmp_path, tree)
    with pytest.raises(ContentError) as raised:
        load_library(root)
    assert raised.value.problems == check_content(root)
    assert len(raised.value.problems) == 2
    assert "awareness-1" in str(raised.value)


def test_command_line_check_reports_and_sets_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path / "good", _valid_tree())
    assert loader.main([str(good)]) == 0
    assert "content OK" in capsys.readouterr().out

    tree = _valid_tree()
    _first_lesson(tree)["reflect"] = "Statement."
    bad = _write(tmp_path / "bad", tree)
    assert loader.main([str(bad)]) == 1
    assert "awareness-1" in capsys.readouterr().out


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


# --- navigation -----------------------------------------------------------------------------


def _lesson(track_id: str, n: int) -> Lesson:
    return Lesson(f"{track_id}-{n}", track_id, f"T{n}", "Body.", "Why?", "Do.")


def _library() -> Library:
    # Built out of order on purpose, with an empty track in the middle.
    return Library(
        tracks=(
            Track("closure", 3, "step", "C", "S", (_lesson("closure", 1),)),
            Track("intro", 0, "intro", "I", "S", (_lesson("intro", 1), _lesson("intro", 2))),
            Track("suspicion", 2, "step", "S", "S", ()),
            Track("awareness", 1, "step", "A", "S", (_lesson("awareness", 1),)),
        ),
        meditations=(Meditation("box", "Box", 2, "S", ("a", "b", "c")),),
    )


PATH_IDS = ["intro-1", "intro-2", "awareness-1", "closure-1"]


def test_tracks_and_path_follow_order_not_input_order() -> None:
    library = _library()
    assert [t.id for t in library.tracks] == ["intro", "awareness", "suspicion", "closure"]
    assert library.steps() == library.tracks
    assert [lesson.id for lesson in library.path()] == PATH_IDS


def test_lookups_find_known_ids_and_return_none_for_stale_ones() -> None:
    library = _library()
    assert library.track("awareness") is library.tracks[1]
    assert library.lesson("intro-2") == _lesson("intro", 2)
    meditation = library.meditation("box")
    assert meditation is not None and meditation.steps == ("a", "b", "c")
    assert library.track("nope") is None
    assert library.lesson("intro-9") is None
    assert library.meditation("nope") is None


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        (set(), "intro-1"),
        ({"intro-1"}, "intro-2"),
        ({"intro-1", "intro-2"}, "awareness-1"),
        ({"intro-2", "awareness-1"}, "intro-1"),  # a skipped lesson comes first again
        ({"intro-1", "intro-2", "awareness-1", "gone-1"}, "closure-1"),  # stale ids ignored
        (set(PATH_IDS), None),
    ],
)
def test_next_lesson_is_first_not_done_in_path_order(done: set[str], expected: str | None) -> None:
    nxt = _library().next_lesson(done)
    assert (nxt.id if nxt else None) == expected


def test_next_lesson_accepts_any_collection() -> None:
    nxt = _library().next_lesson(["intro-1"])
    assert nxt is not None and nxt.id == "intro-2"


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("intro-1", "intro-2"),  # same track
        ("intro-2", "awareness-1"),  # first lesson of the next track
        ("awareness-1", "closure-1"),  # skips a track without lessons
        ("closure-1", None),  # end of the path
        ("unknown-1", None),
    ],
)
def test_next_in_track(current: str, expected: str | None) -> None:
    nxt = _library().next_in_track(current)
    assert (nxt.id if nxt else None) == expected


def test_real_path_starts_with_the_intro_and_walks_track_by_track(tmp_path: Path) -> None:
    library = load_library(_real_content_with_stand_ins(tmp_path))
    path = library.path()
    assert path[0].id == "intro-1"
    order_of = {track.id: track.order for track in library.tracks}
    orders = [order_of[lesson.track_id] for lesson in path]
    assert orders == sorted(orders)
    assert len(path) == sum(len(track.lessons) for track in library.tracks)
    intro = library.track("intro")
    assert intro is not None
    last_intro = intro.lessons[-1]
    nxt = library.next_in_track(last_intro.id)
    assert nxt is not None and nxt.id == "awareness-1"


# --- rendering ------------------------------------------------------------------------------


def test_lesson_text_holds_every_part_in_reading_order() -> None:
    text = lesson_text(Lesson("a-1", "a", "Title", "Body.", "Why?", "Do it."))
    assert text == "Title\n\nBody.\n\nTo reflect on: Why?\n\nFor today: Do it."


def test_meditation_step_text_shows_position() -> None:
    meditation = Meditation("box", "Box", 2, "S", ("In.", "Out.", "Rest."))
    assert meditation_step_text(meditation, 1) == "Box (2/3)\n\nOut."


def test_fixture_copy_is_independent() -> None:
    # _valid_tree must hand out fresh data, or one mutation would leak into the next case.
    first = _valid_tree()
    _first_lesson(first)["title"] = "changed"
    assert _first_lesson(_valid_tree())["title"] == "Lesson 1"
