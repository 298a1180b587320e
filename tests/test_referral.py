"""The direct safety question at most once a day, unless something changed (bot/safety.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.safety import AskedQuestion, risk_kinds, should_ask_again
from bot.triage import Level

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ASKED = AskedQuestion(T0, Level.CONCERN, frozenset({"hopelessness"}))


def test_first_time_is_asked() -> None:
    assert should_ask_again(None, T0, Level.CONCERN, frozenset({"hopelessness"}))


def test_same_kind_within_a_day_is_not_asked_again() -> None:
    for later in (timedelta(minutes=1), timedelta(hours=23, minutes=59)):
        assert not should_ask_again(ASKED, T0 + later, Level.CONCERN, frozenset({"hopelessness"}))
    assert not should_ask_again(ASKED.answered("no"), T0, Level.CONCERN, frozenset())


def test_a_day_later_it_is_asked_again() -> None:
    assert should_ask_again(ASKED, T0 + timedelta(hours=24), Level.CONCERN, ASKED.kinds)


def test_a_higher_level_or_a_new_kind_asks_again() -> None:
    assert should_ask_again(ASKED, T0, Level.CRISIS, ASKED.kinds)
    assert should_ask_again(ASKED, T0, Level.CONCERN, frozenset({"hopelessness", "substance"}))


def test_yes_or_not_sure_last_time_asks_again_but_no_does_not() -> None:
    assert should_ask_again(ASKED.answered("yes"), T0, Level.CONCERN, ASKED.kinds)
    assert should_ask_again(ASKED.answered("unsure"), T0, Level.CONCERN, ASKED.kinds)
    assert not should_ask_again(ASKED.answered("no"), T0, Level.CONCERN, ASKED.kinds)


def test_risk_kinds_ignore_how_a_level_was_reached() -> None:
    tags = ("concern:substance", "concern:learned", "crisis:recent_crisis", "none:idiom")
    assert risk_kinds(tags) == frozenset({"substance"})
