"""The crisis and concern texts in every language the triage reads (``content/safety/*.yaml``).

English is the reference: every other file has exactly its keys, and each text keeps the
English text's ``{placeholders}``. A missing file or key falls back to English at run time;
``trustbot content check`` reports it (:func:`check_safety_texts`).
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path

import yaml

SAFETY_DIR = Path(__file__).resolve().parent / "safety"
REFERENCE = "en"
BUTTON_KEYS = (
    "button_safe",
    "button_more",
    "button_ground",
    "answer_yes",
    "answer_unsure",
    "answer_no",
)
MAX_BUTTON = 30


def _read(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping of keys to texts")
    return {str(k): str(v) for k, v in data.items() if k != "language"}


@functools.lru_cache(maxsize=1)
def safety_texts(directory: Path = SAFETY_DIR) -> dict[str, dict[str, str]]:
    """Every language's texts, by language code (the file's name)."""
    return {path.stem: _read(path) for path in sorted(directory.glob("*.yaml"))}


def text(lang: str, key: str) -> str:
    """The text in ``lang``, or in English when that language lacks it."""
    catalogue = safety_texts()
    found = catalogue.get(lang, {}).get(key)
    return found if found else catalogue[REFERENCE][key]


def _placeholders(value: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name}


def check_safety_texts(directory: Path = SAFETY_DIR) -> list[str]:
    """Problems in the safety texts, one line each (empty when all is well)."""
    problems: list[str] = []
    try:
        catalogue = {path.stem: _read(path) for path in sorted(directory.glob("*.yaml"))}
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return [f"safety texts: {exc}"]
    reference = catalogue.get(REFERENCE)
    if reference is None:
        return [f"safety texts: {REFERENCE}.yaml is missing"]
    for lang, texts in catalogue.items():
        where = f"content/safety/{lang}.yaml"
        for key in reference.keys() - texts.keys():
            problems.append(f"{where}: {key} is missing")
        for key in texts.keys() - reference.keys():
            problems.append(f"{where}: {key} is not a key of {REFERENCE}.yaml")
        for key, value in texts.items():
            if key not in reference:
                continue
            if not value.strip():
                problems.append(f"{where}: {key} is empty")
            if _placeholders(value) != _placeholders(reference[key]):
                problems.append(f"{where}: {key} must keep the placeholders of {REFERENCE}.yaml")
            if key in BUTTON_KEYS and len(value) > MAX_BUTTON:
                problems.append(f"{where}: {key} is longer than {MAX_BUTTON} characters")
            if re.search(r"/[a-z]+", reference[key]) and not re.search(r"/[a-z]+", value):
                problems.append(f"{where}: {key} lost its /command")
    return problems
