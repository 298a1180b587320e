"""Handlers register themselves (handlers/registry.py): one declaration per feature."""

from __future__ import annotations

import pytest

from bot import callbacks
from handlers.registry import Action, Feature, _merge, features


async def _noop(*_: object) -> None:
    return None


def test_every_callback_action_has_exactly_one_handler() -> None:
    table = features()
    assert set(table.buttons) == set(callbacks.ACTIONS)
    assert {"mood", "snooze", "sq", "plan", "del", "consent"} <= set(table.buttons)
    assert "weekly" not in callbacks.ACTIONS  # the dead action is gone


def test_crisis_commands_are_the_always_group() -> None:
    table = features()
    assert set(table.always) == {"sos", "help"}
    assert not set(table.always) & set(table.commands)
    assert {"start", "checkin", "lesson", "delete", "export"} <= set(table.commands)


def test_text_steps_cover_every_question_that_waits_for_text() -> None:
    steps = features().text_steps
    assert set(steps) == {
        *("note", "reflect", "plan", "time", "tz", "country", "days", "medtime"),
        *("practice", "value", "ledger_after"),
    }
    worried = {s for s, step in steps.items() if step.also_when_worried}
    assert worried == {"note", "reflect", "plan", "practice"}


def test_a_name_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="already declared"):
        _merge({"start": _noop}, {"start": _noop}, "handlers.example")
    with pytest.raises(ValueError, match="declared twice differently"):
        Feature(buttons={"mood": Action(_noop, 0, 4)})
