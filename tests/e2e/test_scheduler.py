"""Issue 4 end to end: prompts at local time, 429 storms, 403s, restarts and crashes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot

from handlers.reminders import PROMPT_VIEWS
from scheduler.delivery import Delivery
from scheduler.pacer import Pacer
from tests.conftest import Harness, buttons, text_of
from tests.e2e.test_onboarding import onboard

# onboard() picks 19:30 in Berlin; 2026-03-02 is UTC+1, so the first prompt is due 18:30 UTC.
DUE = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)


class FakeTimer:
    """The pacer's monotonic clock and sleep: sleeping advances time instantly."""

    def __init__(self) -> None:
        self.t = 0.0
        self.slept = 0.0

    def clock(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        self.t += seconds
        self.slept += seconds
        await asyncio.sleep(0)


def make_delivery(
    bot: Harness, sender: Bot, *, grace_minutes: int = 120
) -> tuple[Delivery, FakeTimer]:
    timer = FakeTimer()
    pacer = Pacer(rate_per_s=25, clock=timer.clock, sleep=timer.sleep)
    return Delivery(
        sender, bot.services, pacer, views=PROMPT_VIEWS, grace=timedelta(minutes=grace_minutes)
    ), timer


def prompts(bot: Harness, uid: int) -> list[str]:
    return [m.text for m in bot.emulator.messages_to(uid) if "How are you feeling today" in m.text]


async def test_prompt_arrives_at_the_chosen_local_time_and_the_reply_is_recorded(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 61, consents=("Reminders", "Progress"))
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE - timedelta(seconds=30))
    assert (await delivery.tick()).sent == 0
    bot.clock.set(DUE + timedelta(seconds=5))
    report = await delivery.tick()
    assert report.sent == 1 and len(prompts(bot, 61)) == 1
    prompt = bot.emulator.messages_to(61)[-1]
    labels = [label for label, _ in buttons(prompt)]
    assert "Remind me in an hour" in labels
    # The prompt opens the check-in: a mood press is recorded.
    replies = await bot.press(61, prompt, "4")
    assert "What's on your mind" in text_of(replies)
    assert await bot.services.db().recent_moods(61) == (4,)
    deliveries = await bot.services.db().deliveries(61)
    assert [(k, o) for k, _, o, _, _ in deliveries] == [("checkin", "sent")]
    # The next one is tomorrow at 19:30 Berlin time; a second tick now sends nothing.
    assert (await delivery.tick()).sent == 0
    schedule = (await bot.services.db().schedules(61))[0]
    assert schedule.next_due_at == int((DUE + timedelta(days=1)).timestamp())


async def test_no_prompt_after_a_checkin_that_day(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 62, consents=("Reminders",))
    bot.clock.set(DUE - timedelta(hours=2))
    mood = [m for m in await bot.say(62, "/checkin") if buttons(m)][-1]
    await bot.press(62, mood, "3")
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=1))
    report = await delivery.tick()
    assert report.skipped == 1 and prompts(bot, 62) == []
    assert (await bot.services.db().deliveries(62))[0][3] == "already checked in today"


async def test_a_429_storm_delays_but_loses_nothing(bot: Harness, sender: Bot) -> None:
    users = list(range(70, 82))
    for uid in users:
        await onboard(bot, uid, consents=("Reminders",))
    bot.emulator.fail_next(
        "sendMessage",
        status=429,
        description="Too Many Requests: retry after 3",
        retry_after=3,
        times=6,
    )
    delivery, timer = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=1))
    report = await delivery.tick()
    assert report.sent == len(users) and report.failed == 0
    assert all(len(prompts(bot, uid)) == 1 for uid in users)
    assert delivery.pacer.stats.rate_limited == 6
    assert timer.slept >= 3  # everyone paused for retry_after (overlapping 429s share a pause)


async def test_server_errors_are_retried_with_backoff(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 83, consents=("Reminders",))
    bot.emulator.fail_next("sendMessage", status=502, description="Bad Gateway", times=2)
    delivery, timer = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=1))
    assert (await delivery.tick()).sent == 1
    assert len(prompts(bot, 83)) == 1 and timer.slept > 0


async def test_a_403_deactivates_reminders_until_start(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 84, consents=("Reminders",))
    bot.emulator.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user", chat_id=84
    )
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=1))
    report = await delivery.tick()
    assert report.failed == 1
    user = await bot.services.db().get_user(84)
    assert user is not None and user.blocked
    # The next day: skipped, not sent, because the user blocked the bot.
    bot.clock.set(DUE + timedelta(days=1, seconds=1))
    assert (await delivery.tick()).skipped == 1
    await bot.say(84, "/start")
    user = await bot.services.db().get_user(84)
    assert user is not None and not user.blocked


async def test_restart_after_90_minutes_sends_the_missed_prompt_once(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 85, consents=("Reminders",))
    bot.clock.set(DUE + timedelta(minutes=90))
    delivery, _ = make_delivery(bot, sender)  # a fresh process after downtime
    assert (await delivery.tick()).sent == 1
    again, _ = make_delivery(bot, sender)  # and another restart right after
    assert (await again.tick()).sent == 0
    assert len(prompts(bot, 85)) == 1


async def test_restart_after_3_hours_skips_and_records_it(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 86, consents=("Reminders",))
    bot.clock.set(DUE + timedelta(hours=3))
    delivery, _ = make_delivery(bot, sender)
    report = await delivery.tick()
    assert report.skipped == 1 and prompts(bot, 86) == []
    ((_, _, outcome, reason, _),) = await bot.services.db().deliveries(86)
    assert outcome == "skipped" and reason is not None and "missed by 180 min" in reason


async def test_a_kill_between_send_and_record_leaves_no_duplicate(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 87, consents=("Reminders",))
    bot.clock.set(DUE + timedelta(seconds=1))
    db = bot.services.db()
    # The dying process: claims, sends, and is killed before it records the outcome.
    claimed = await db.claim_due(bot.services.now_s(), 10, "dead-process")
    assert [d.user_id for d in claimed] == [87]
    await db.mark_send_started(87, "checkin", bot.services.now_s())
    await sender.send_message(87, "How are you feeling today? (sent by the process that died)")
    # The restarted process recovers the half-finished claim without sending again.
    bot.clock.set(DUE + timedelta(seconds=30))
    delivery, _ = make_delivery(bot, sender)
    report = await delivery.tick()
    assert report.recovered == 1 and report.sent == 0
    assert len(prompts(bot, 87)) == 1
    ((_, _, outcome, reason, _),) = await db.deliveries(87)
    assert outcome == "failed" and reason is not None and "not resent" in reason
    assert (await db.schedules(87))[0].state == "idle"


async def test_snooze_sends_one_extra_prompt_an_hour_later(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 88, consents=("Reminders",))
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=1))
    await delivery.tick()
    await bot.press(88, bot.emulator.messages_to(88)[-1], "Remind me")
    bot.clock.set(DUE + timedelta(minutes=61, seconds=2))
    assert (await delivery.tick()).sent == 1
    assert len(prompts(bot, 88)) == 2
    schedule = (await bot.services.db().schedules(88))[0]
    assert schedule.next_due_at == int((DUE + timedelta(days=1)).timestamp())


async def test_three_unanswered_prompts_slow_down_and_say_so_once(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 89, consents=("Reminders",))
    delivery, _ = make_delivery(bot, sender)
    for day in range(3):
        bot.clock.set(DUE + timedelta(days=day, seconds=1))
        await delivery.tick()
    texts_sent = prompts(bot, 89)
    assert len(texts_sent) == 3 and "every other day" in texts_sent[2]
    schedule = (await bot.services.db().schedules(89))[0]
    assert schedule.slowed
    assert schedule.next_due_at == int((DUE + timedelta(days=4)).timestamp())


async def test_days_and_a_meditation_prompt_from_settings(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 90, consents=("Reminders",))
    settings_msg = [m for m in await bot.say(90, "/settings") if buttons(m)][-1]
    await bot.press(90, settings_msg, "Days")
    assert "weekdays" in text_of(await bot.say(90, "weekdays"))
    settings_msg = [m for m in await bot.say(90, "/settings") if buttons(m)][-1]
    menu = [m for m in await bot.press(90, settings_msg, "Meditation") if buttons(m)][-1]
    assert "21:30" in text_of(await bot.press(90, menu, "21:30"))
    schedules = {s.kind: s for s in await bot.services.db().schedules(90)}
    assert schedules["meditation"].local_time == "21:30"
    assert schedules["checkin"].days == 0b0011111
    # A week of ticks at 19:30 and 21:30 Berlin time (18:30 and 20:30 UTC), Mon 2 to Sun 8 March.
    delivery, _ = make_delivery(bot, sender)
    sent_on: dict[int, int] = {}
    for day in range(2, 9):
        for hour in (18, 20):
            bot.clock.set(datetime(2026, 3, day, hour, 30, 5, tzinfo=UTC))
            sent_on[day] = sent_on.get(day, 0) + (await delivery.tick()).sent
            latest = bot.emulator.messages_to(90)[-1]
            if "How are you feeling today" in latest.text:
                await bot.press(90, latest, "3")  # answered, so no slow-down kicks in
    # Monday to Friday: a check-in and a meditation prompt; nothing at the weekend.
    assert sent_on == {2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 0, 8: 0}
    med = [m for m in bot.emulator.messages_to(90) if "A small pause for you" in m.text]
    assert len(med) == 5 and any("Start" in label for label, _ in buttons(med[0]))


async def test_weekly_summary_arrives_with_a_chart(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 91, consents=("Reminders", "Progress"))
    for mood in (2, 3, 4):
        m = [x for x in await bot.say(91, "/checkin") if buttons(x)][-1]
        await bot.press(91, m, str(mood))
        bot.clock.advance(hours=20)
    settings_msg = [m for m in await bot.say(91, "/settings") if buttons(m)][-1]
    menu = [m for m in await bot.press(91, settings_msg, "Weekly") if buttons(m)][-1]
    assert "Sun" in text_of(await bot.press(91, menu, "Sun"))
    delivery, _ = make_delivery(bot, sender)
    # Sunday 2026-03-08 18:00 in Berlin is 17:00 UTC.
    bot.clock.set(datetime(2026, 3, 8, 17, 0, 5, tzinfo=UTC))
    report = await delivery.tick()
    assert report.weekly == 1
    photo = bot.emulator.messages_to(91)[-1]
    assert photo.photo is not None and photo.photo[:4] == b"\x89PNG"
    assert "checked in 3 times" in (photo.caption or "")
    user = await bot.services.db().get_user(91)
    assert user is not None and user.weekly_due_at == int(
        datetime(2026, 3, 15, 17, 0, tzinfo=UTC).timestamp()
    )


async def test_journal_text_expires_after_the_retention_period(bot: Harness, sender: Bot) -> None:
    await onboard(bot, 92, consents=("Journal",))
    m = [x for x in await bot.say(92, "/checkin") if buttons(x)][-1]
    await bot.press(92, m, "3")
    await bot.say(92, "old words")
    delivery, _ = make_delivery(bot, sender)
    bot.clock.advance(days=89)
    await delivery.tick()
    assert len(await bot.services.db().journal(92)) == 1
    bot.clock.advance(days=2)
    report = await delivery.tick()
    assert report.expired == 1 and await bot.services.db().journal(92) == []


async def test_crisis_follow_up_the_next_day_with_reminder_consent(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 93, consents=("Reminders",))
    await bot.say(93, "I want to end my life")
    delivery, _ = make_delivery(bot, sender)
    bot.clock.advance(hours=23)
    assert (await delivery.tick()).followups == 0
    bot.clock.advance(hours=2)
    assert (await delivery.tick()).followups == 1
    assert "thinking of you" in bot.emulator.messages_to(93)[-1].text
    assert (await delivery.tick()).followups == 0


async def test_a_crash_while_sending_a_snoozed_prompt_keeps_the_next_day(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 94, consents=("Reminders",))
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=1))
    await delivery.tick()
    await bot.press(94, bot.emulator.messages_to(94)[-1], "Remind me")
    db = bot.services.db()
    bot.clock.set(DUE + timedelta(minutes=61))
    claimed = await db.claim_due(bot.services.now_s(), 10, "dying")
    assert [d.due_at < d.next_due_at for d in claimed] == [True]  # the snooze was claimed
    await db.mark_send_started(94, "checkin", bot.services.now_s())  # and its send began
    restarted, _ = make_delivery(bot, sender)
    report = await restarted.tick()
    assert report.recovered == 1
    schedule = (await db.schedules(94))[0]
    assert schedule.snooze_until is None and schedule.state == "idle"
    assert schedule.next_due_at == int((DUE + timedelta(days=1)).timestamp())


async def test_an_answer_during_a_sending_batch_is_not_overwritten(
    bot: Harness, sender: Bot
) -> None:
    await onboard(bot, 95, consents=("Reminders",))
    db = bot.services.db()
    bot.clock.set(DUE + timedelta(seconds=1))
    claimed = await db.claim_due(bot.services.now_s(), 10, "batch")
    # While the batch is out, the person answers the check-in.
    await db.mark_answered(95, "2026-03-02")
    delivery, _ = make_delivery(bot, sender)
    outcome = await delivery._deliver(claimed[0])
    await db.finish_deliveries([outcome])
    schedule = (await db.schedules(95))[0]
    assert schedule.unanswered == 0 and not schedule.slowed


async def test_a_crash_mid_batch_loses_only_the_prompt_in_flight(bot: Harness, sender: Bot) -> None:
    """A whole claimed batch used to be recorded "interrupted, not resent" after a restart."""
    for uid in (93, 94, 95):
        await onboard(bot, uid, consents=("Reminders",))
    bot.clock.set(DUE + timedelta(seconds=1))
    db = bot.services.db()
    claimed = await db.claim_due(bot.services.now_s(), 10, "dead-process")
    assert sorted(d.user_id for d in claimed) == [93, 94, 95]
    # The dying process had begun sending to 93 only.
    await db.mark_send_started(93, "checkin", bot.services.now_s())
    await sender.send_message(93, "How are you feeling today? (sent by the process that died)")
    bot.clock.set(DUE + timedelta(seconds=40))
    delivery, _ = make_delivery(bot, sender)
    report = await delivery.tick()
    assert (report.recovered, report.released, report.sent) == (1, 2, 2)
    assert [len(prompts(bot, uid)) for uid in (93, 94, 95)] == [1, 1, 1]


async def test_a_failed_record_is_retried_next_tick_and_prompts_go_on(
    bot: Harness, sender: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One failed record transaction used to leave the rows `sending` until a restart."""
    from bot.storage import Storage, StorageUnavailable

    await onboard(bot, 96, consents=("Reminders",))
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=1))
    real = Storage.finish_deliveries

    async def fail_once(self: Storage, outcomes: list[object]) -> None:
        if not outcomes:
            return
        monkeypatch.setattr(Storage, "finish_deliveries", real)
        raise StorageUnavailable("disk I/O error")

    monkeypatch.setattr(Storage, "finish_deliveries", fail_once)
    await delivery.tick()
    assert len(prompts(bot, 96)) == 1
    assert (await bot.services.db().schedules(96))[0].state == "sending"
    await delivery.tick()  # the same process, no restart
    schedule = (await bot.services.db().schedules(96))[0]
    assert schedule.state == "idle"
    assert [o for _, _, o, _, _ in await bot.services.db().deliveries(96)] == ["sent"]
    bot.clock.set(DUE + timedelta(days=1, seconds=1))  # and the next day's prompt comes
    assert (await delivery.tick()).sent == 1
    assert len(prompts(bot, 96)) == 2


async def test_paid_broadcast_marks_scheduled_prompts_only(bot: Harness, sender: Bot) -> None:
    """TRUSTBOT_PAID_BROADCAST: prompts go out as Telegram's paid broadcasts (faster, charged
    in Stars); replies never do."""
    await onboard(bot, 69, consents=("Reminders", "Progress"))
    services = bot.services
    services.settings = services.settings.model_copy(update={"paid_broadcast": True})
    delivery, _ = make_delivery(bot, sender)
    bot.clock.set(DUE + timedelta(seconds=5))
    assert (await delivery.tick()).sent == 1
    prompt_call = [
        c for c in bot.emulator.calls_to("sendMessage") if c.params.get("chat_id") == 69
    ][-1]
    assert prompt_call.params.get("allow_paid_broadcast") is True
    await bot.say(69, "/help")
    reply_call = [c for c in bot.emulator.calls_to("sendMessage") if c.params.get("chat_id") == 69][
        -1
    ]
    assert not reply_call.params.get("allow_paid_broadcast")
