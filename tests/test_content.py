"""Tests for content/loader.py: the real lessons and meditations pass every content rule, a valid
fixture loads into the library, and path navigation picks the right next lesson. Each rule
catching a small broken fixture is in test_content_rules.py, which shares the fixtures here."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from content import loader, models
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
from content.text import WORD_RE

CONTENT_ROOT = Path(loader.__file__).resolve().parent
MY_TRACKS = ("intro", "awareness", "suspicion", "closure", "values")

TrackData = dict[str, Any]
Tree = dict[str, Any]  # {"tracks": {track id: TrackData}, "meditations": {...}}


# --- fixture content ------------------------------------------------------------------------


def _lesson_data(track_id: str, n: int) -> dict[str, Any]:
    return {
        "id": f"{track_id}-{n}",
        "title": f"Lesson {n}",
        "key": "One small idea to remember.",
        "body": "A short body with a few plain words.\n",
        "reflect": "What did you notice?",
        "exercise": "Try one small thing today.",
    }


def _track_data(track_id: str, order: int, kind: str) -> TrackData:
    count = models.MIN_LESSONS_BY_KIND[kind]
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
            words = len(WORD_RE.findall(lesson.body))
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
        key="One small idea to remember.",
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
