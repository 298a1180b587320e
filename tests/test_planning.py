"""scheduler.planning: every due instant of one person from one rule."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.planning import next_weekly, plan

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def test_plan_gives_every_daily_prompt_and_the_weekly_summary_in_the_persons_zone() -> None:
    result = plan(NOW, "Asia/Tokyo", [("checkin", "08:00", 127), ("meditation", "21:30", 127)], 5)
    assert _utc(result.daily["checkin"]) == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    assert _utc(result.daily["meditation"]) == datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
    assert result.weekly_due_at is not None
    assert _utc(result.weekly_due_at) == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # Sat 18:00


def test_no_weekly_day_means_no_weekly_summary() -> None:
    assert plan(NOW, "UTC", [], None).weekly_due_at is None


def test_next_weekly_is_18_local_on_the_chosen_day() -> None:
    assert next_weekly(NOW, 0, "Europe/Berlin") == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
