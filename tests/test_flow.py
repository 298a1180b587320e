"""The flow state's stored form and its bounded cache (bot/flow.py), without Telegram."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.flow import MEMORY_ONLY, Flow, FlowCache, dump, load
from bot.safety import AskedQuestion
from bot.triage import Level

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def test_the_default_flow_stores_nothing() -> None:
    assert dump(Flow()) is None
    flow = Flow()
    flow.wait_for(None)
    assert dump(flow) is None  # "nothing open" needs no row


def test_stored_fields_round_trip_and_memory_only_ones_are_left_out() -> None:
    flow = Flow()
    flow.wait_for("plan", index=3)
    flow.question_open = True
    flow.asked = AskedQuestion(NOW, Level.CONCERN, frozenset({"substance", "sleep"}), "no")
    flow.last_crisis_at = NOW
    flow.moods_answered = [17, 18]
    flow.plan_answers = ["a private answer"]
    flow.recent_moods = (1, 1, 2)
    flow.country = "DE"
    text = dump(flow)
    assert text is not None
    assert "private answer" not in text and "DE" not in text
    assert not set(json.loads(text)) & MEMORY_ONLY
    again = load(text)
    assert again.awaiting == "plan" and again.extra == {"index": 3} and again.awaiting_known
    assert again.asked == flow.asked and again.last_crisis_at == NOW
    assert again.question_open and again.moods_answered == [17, 18]
    assert again.plan_answers == [] and again.recent_moods == () and again.country is None


def test_an_unreadable_stored_flow_becomes_the_default() -> None:
    for text in ("{", "[]", '{"asked": {"at": "x"}}', '{"last_crisis_at": 5}'):
        assert load(text) == Flow()
    assert load('{"unknown_field": 1, "awaiting": "note"}').awaiting == "note"


def test_reset_forgets_everything_but_knows_nothing_is_open() -> None:
    flow = Flow(awaiting="note", delete_asked_at=5.0, plan_answers=["x"])
    flow.reset()
    assert dump(flow) is None and flow.awaiting_known and flow.plan_answers == []


def test_the_cache_is_bounded_and_keeps_memory_only_fields_across_updates() -> None:
    cache = FlowCache(capacity=3)
    for user_id in range(10):
        cache.put(user_id, Flow(), None)
    assert len(cache) == 3 and cache.get(0) is None and cache.get(9) is not None
    flow = cache.get(9)
    assert flow is not None
    flow.recent_moods = (1, 2)
    flow.plan_answers = ["kept in memory"]
    merged = cache.merge_stored(9, '{"awaiting": "plan", "extra": {"index": 1}}')
    assert merged.recent_moods == (1, 2) and merged.plan_answers == ["kept in memory"]
    assert merged.awaiting == "plan" and cache.saved_form(9) is not None
    # Another replica closed the question: the stored form wins over the cached one.
    assert cache.merge_stored(9, None).awaiting is None
