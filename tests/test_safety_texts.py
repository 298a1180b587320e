"""Crisis and concern answers in the language a person wrote in (content/safety/*.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot import safety
from bot.triage.language import detect_language
from content.resources import load_resources
from content.safety_texts import SAFETY_DIR, check_safety_texts, safety_texts


def test_every_triage_language_has_complete_safety_texts() -> None:
    assert set(safety_texts()) >= {"en", "es", "de", "fr", "ru"}
    assert check_safety_texts() == []


def test_a_missing_key_or_a_changed_placeholder_is_reported(tmp_path: Path) -> None:
    english = yaml.safe_load((SAFETY_DIR / "en.yaml").read_text(encoding="utf-8"))
    (tmp_path / "en.yaml").write_text(yaml.safe_dump(english), encoding="utf-8")
    broken = dict(english, language="xx")
    del broken["crisis_stay"]
    broken["still_here"] = "Ich bin da. {notfall} im Notfall, oder /sos."
    broken["button_safe"] = "x" * 40
    (tmp_path / "xx.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    problems = "\n".join(check_safety_texts(tmp_path))
    assert "xx.yaml: crisis_stay is missing" in problems
    assert "xx.yaml: still_here must keep the placeholders" in problems
    assert "xx.yaml: button_safe is longer than 30" in problems


def test_the_language_of_a_message_is_told_apart() -> None:
    assert detect_language("не могу больше так жить") == "ru"
    assert detect_language("ya no quiero seguir, estoy cansada de todo") == "es"
    assert detect_language("ich kann einfach nicht mehr") == "de"
    assert detect_language("je ne veux plus être là") == "fr"
    assert detect_language("I can't do this anymore") == "en"
    assert detect_language("No") == "en"  # one shared word is no evidence


def test_a_crisis_answer_in_russian_is_all_russian_but_the_service_names() -> None:
    resources = load_resources()
    text = safety.crisis_message(resources, resources.country("RU"), "ru")
    assert "112" in text and "I'm really glad" not in text
    assert safety_texts()["ru"]["crisis_opening"] in text


def test_countries_are_named_in_the_readers_language() -> None:
    """Service names stay as their sources give them; the countries around them are the
    reader's words (CLDR), in /sos without a country too."""
    resources = load_resources()
    unknown = safety.lines_block(resources, None, lang="ru")
    assert "Великобритания: Samaritans" in unknown and "United Kingdom" not in unknown
    assert "Alemania" in safety.emergency_line(resources.country("DE"), "es")
    assert "Mexiko" in safety.emergency_line(resources.country("MX"), "de")
    assert "in Germany" in safety.emergency_line(resources.country("DE"), "en")
