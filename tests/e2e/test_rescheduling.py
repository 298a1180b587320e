"""One rule for every due instant (scheduler.planning): the bugs that copies of it caused."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot

from bot.emulator import SentMessage
from tests.conftest import Harness, buttons, text_of
from tests.e2e.test_onboarding import onboard
from tests.e2e.test_scheduler import make_delivery, prompts


def _with(replies: list[SentMessage], label: str) -> SentMessage:
    return [m for m in replies if any(label in b for b, _ in buttons(m))][-1]


async def test_reminders_off_and_on_again_in_settings_asks_for_a_time(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 301, consents=("Reminders",))
    menu = _with(await bot.say(301, "/settings"), "What I keep")
    consents = _with(await bot.press(301, menu, "What I keep"), "Done")
    await bot.press(301, consents, "Reminders")  # off: the schedules are deleted
    consents = bot.emulator.current_message(301, consents.message_id) or consents
    await bot.press(301, consents, "Reminders")  # and on again
    consents = bot.emulator.current_message(301, consents.message_id) or consents
    replies = await bot.press(301, consents, "Done")
    assert "When would you like" in text_of(replies)
    await bot.say(301, "8am")
    schedules = await bot.services.db().schedules(301)
    assert [s.kind for s in schedules] == ["checkin"]
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(datetime(2026, 3, 3, 7, 0, 5, tzinfo=UTC))  # 08:00 in Berlin
    assert (await delivery.tick()).sent == 1
    assert len(prompts(bot, 301)) == 1


async def test_a_new_time_zone_moves_the_weekly_summary_too(bot: Harness) -> None:
    await onboard(bot, 302, consents=("Reminders", "Progress"))
    menu = _with(await bot.say(302, "/settings"), "Weekly summary")
    days = _with(await bot.press(302, menu, "Weekly summary"), "Sat")
    await bot.press(302, days, "Sat")
    db = bot.services.db()
    menu = _with(await bot.say(302, "/settings"), "Time zone")
    await bot.press(302, menu, "Time zone")
    confirm = _with(await bot.say(302, "Tokyo"), "Yes")
    await bot.press(302, confirm, "Yes")
    user = await db.get_user(302)
    assert user is not None and user.tz == "Asia/Tokyo" and user.weekly_due_at is not None
    local = datetime.fromtimestamp(user.weekly_due_at, UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.weekday(), local.hour, local.minute) == (5, 18, 0)  # Saturday 18:00 in Tokyo


async def test_a_failing_weekly_summary_never_stops_the_next_ones(
    bot: Harness, sender: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    await onboard(bot, 303, consents=("Reminders", "Progress"))
    menu = _with(await bot.say(303, "/settings"), "Weekly summary")
    await bot.press(303, _with(await bot.press(303, menu, "Weekly summary"), "Sun"), "Sun")
    delivery, _ = make_delivery(bot, sender)

    async def broken_chart(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("the chart could not be drawn")

    monkeypatch.setattr("scheduler.delivery.mood_chart_png", broken_chart)
    bot.clock.set(datetime(2026, 3, 8, 17, 0, 5, tzinfo=UTC))  # Sunday 18:00 in Berlin
    assert (await delivery.tick()).weekly == 0
    user = await bot.services.db().get_user(303)
    assert user is not None and user.weekly_due_at == int(
        datetime(2026, 3, 15, 17, 0, tzinfo=UTC).timestamp()
    )
    monkeypatch.undo()
    bot.clock.set(datetime(2026, 3, 15, 17, 0, 5, tzinfo=UTC))
    assert (await delivery.tick()).weekly == 1
