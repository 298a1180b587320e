"""Other languages' lessons and meditations mirror the English ones (content/locales/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from content.translations import check_translations, languages, localized

CONTENT = Path(__file__).resolve().parents[1] / "content"


def _english_copy(root: Path) -> None:
    shutil.copytree(CONTENT / "lessons", root / "lessons")
    shutil.copy(CONTENT / "meditations.yaml", root / "meditations.yaml")


def test_a_complete_mirror_passes_and_is_served(tmp_path: Path) -> None:
    _english_copy(tmp_path)
    _english_copy(tmp_path / "locales" / "xx")
    assert languages(tmp_path) == ["xx"]
    assert check_translations(tmp_path) == []
    library = localized("xx", tmp_path)
    assert library is not None and library.lesson("intro-1") is not None
    assert localized("yy", tmp_path) is None  # no such language: English is used


def test_a_missing_lesson_or_meditation_step_is_named(tmp_path: Path) -> None:
    _english_copy(tmp_path)
    _english_copy(tmp_path / "locales" / "xx")
    track = tmp_path / "locales" / "xx" / "lessons" / "suspicion.yaml"
    data = yaml.safe_load(track.read_text(encoding="utf-8"))
    data["lessons"] = data["lessons"][:-1]
    track.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    meds = tmp_path / "locales" / "xx" / "meditations.yaml"
    med_data = yaml.safe_load(meds.read_text(encoding="utf-8"))
    med_data["meditations"][0]["steps"] = med_data["meditations"][0]["steps"][:-1]
    meds.write_text(yaml.safe_dump(med_data, allow_unicode=True), encoding="utf-8")
    problems = "\n".join(check_translations(tmp_path))
    assert "locales/xx/lessons/suspicion.yaml: lessons differ (missing suspicion-" in problems
    assert "locales/xx/meditations.yaml: box_breathing has" in problems
    assert localized("xx", tmp_path) is None  # incomplete: English is served instead
