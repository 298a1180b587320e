"""Issue 2, item 1 (/start onboarding) and item 6 (/settings, /pause, /resume, command menu)."""

from __future__ import annotations

from tests.conftest import Harness, buttons, text_of, with_buttons


async def onboard(bot: Harness, uid: int, *, consents: tuple[str, ...]) -> None:
    """Walk /start with the chosen consents, 19:30 check-in, Berlin, Germany."""
    replies = await bot.say(uid, "/start")
    replies = await bot.press(uid, with_buttons(replies), "or older")
    consent_msg = with_buttons(replies)
    for name in consents:
        replies = await bot.press(uid, consent_msg, name)
        consent_msg = bot.emulator.current_message(uid, consent_msg.message_id) or consent_msg
    replies = await bot.press(uid, consent_msg, "Done")
    chosen = {c.lower() for c in consents}
    if "reminders" in chosen:
        assert "When would you like" in text_of(replies)
        replies = await bot.say(uid, "7:30pm")
    if chosen & {"reminders", "progress"}:
        assert "time zone" in text_of(replies).lower()
        replies = await bot.say(uid, "Berlin")
        assert "So it's" in text_of(replies)
        replies = await bot.press(uid, with_buttons(replies), "Yes")
    assert "Which country" in text_of(replies)
    replies = await bot.press(uid, with_buttons(replies), "Germany")
    assert "You're all set" in text_of(replies)


async def test_welcome_says_what_the_bot_is_and_is_not(bot: Harness) -> None:
    text = text_of(await bot.say(7, "/start"))
    assert "not a therapist" in text and "not an emergency service" in text
    assert "/sos" in text and "not end-to-end encrypted" in text


async def test_full_onboarding_with_every_consent(bot: Harness) -> None:
    await onboard(bot, 11, consents=("Reminders", "Progress", "Journal"))
    db = bot.services.db()
    user = await db.get_user(11)
    assert user is not None
    assert (user.consent_reminders, user.consent_progress, user.consent_journal) == (
        True,
        True,
        True,
    )
    assert user.tz == "Europe/Berlin" and user.country == "DE" and user.onboarding == "done"
    schedules = await db.schedules(11)
    assert [(s.kind, s.local_time) for s in schedules] == [("checkin", "19:30")]
    # 2026-03-02 19:30 in Berlin (UTC+1) is 18:30 UTC.
    assert schedules[0].next_due_at == 1772476200


async def test_choosing_nothing_is_a_first_class_path(bot: Harness) -> None:
    await onboard(bot, 12, consents=())
    user = await bot.services.db().get_user(12)
    assert user is not None and not (
        user.consent_reminders or user.consent_progress or user.consent_journal
    )
    assert await bot.services.db().schedules(12) == []
    # Lessons, meditations and help work without stored data.
    assert "Which part" in text_of(await bot.say(12, "/lesson"))
    assert "Which practice" in text_of(await bot.say(12, "/meditate"))
    assert "112" in text_of(await bot.say(12, "/sos"))


async def test_consent_toggle_is_shown_on_the_button(bot: Harness) -> None:
    replies = await bot.say(13, "/start")
    replies = await bot.press(13, with_buttons(replies), "or older")
    msg = with_buttons(replies)
    assert any(label.startswith("⬜") and "Progress" in label for label, _ in buttons(msg))
    await bot.press(13, msg, "Progress")
    updated = bot.emulator.current_message(13, msg.message_id)
    assert updated is not None
    assert any(label.startswith("✅") and "Progress" in label for label, _ in buttons(updated))


async def test_typed_times_and_a_misunderstood_one(bot: Harness) -> None:
    replies = await bot.say(14, "/start")
    replies = await bot.press(14, with_buttons(replies), "or older")
    msg = with_buttons(replies)
    await bot.press(14, msg, "Reminders")
    replies = await bot.press(14, msg, "Done")
    assert "didn't catch" in text_of(await bot.say(14, "whenever"))
    replies = await bot.say(14, "19:30")
    assert "19:30" in text_of(replies)


async def test_city_and_iana_time_zones_with_confirmation(bot: Harness) -> None:
    replies = await bot.say(15, "/start")
    replies = await bot.press(15, with_buttons(replies), "or older")
    msg = with_buttons(replies)
    await bot.press(15, msg, "Progress")
    await bot.press(15, msg, "Done")
    assert "couldn't find" in text_of(await bot.say(15, "Xyzzyville")).lower()
    replies = await bot.say(15, "america/new_york")
    # The fake clock says 08:00 UTC, which is 03:00 in New York in early March.
    assert "So it's 03:00 for you now" in text_of(replies)
    replies = await bot.press(15, with_buttons(replies), "try again")
    assert "time zone" in text_of(replies).lower()
    replies = await bot.say(15, "New York")
    await bot.press(15, with_buttons(replies), "Yes")
    user = await bot.services.db().get_user(15)
    assert user is not None and user.tz == "America/New_York"


async def test_a_country_with_several_time_zones_offers_them(bot: Harness) -> None:
    replies = await bot.say(31, "/start")
    replies = await bot.press(31, with_buttons(replies), "or older")
    msg = with_buttons(replies)
    await bot.press(31, msg, "Progress")
    await bot.press(31, msg, "Done")
    text = text_of(await bot.say(31, "Australia"))
    assert "Australia has more than one time zone" in text
    assert "Sydney (New South Wales)" in text and "Perth (Western Australia)" in text
    replies = await bot.say(31, "Perth")
    # The fake clock says 08:00 UTC; Perth is UTC+8 all year.
    assert "So it's 16:00 for you now (Australia/Perth)" in text_of(replies)
    await bot.press(31, with_buttons(replies), "Yes")
    user = await bot.services.db().get_user(31)
    assert user is not None and user.tz == "Australia/Perth"


async def test_country_typed_and_unknown(bot: Harness) -> None:
    replies = await bot.say(16, "/start")
    replies = await bot.press(16, with_buttons(replies), "or older")
    replies = await bot.press(16, with_buttons(replies), "Done")
    replies = await bot.press(16, with_buttons(replies), "Another country")
    replies = await bot.say(16, "Japan")
    assert "Japan" in text_of(replies)
    user = await bot.services.db().get_user(16)
    assert user is not None and user.country == "JP"


async def test_settings_change_time_and_pause_resume(bot: Harness) -> None:
    await onboard(bot, 17, consents=("Reminders",))
    replies = await bot.say(17, "/settings")
    text = text_of(replies)
    assert "check-in at 19:30" in text and "Europe/Berlin" in text and "Germany" in text
    replies = await bot.press(17, with_buttons(replies), "Check-in time")
    replies = await bot.say(17, "8am")
    assert "08:00" in text_of(replies)
    assert [s.local_time for s in await bot.services.db().schedules(17)] == ["08:00"]
    assert "paused" in text_of(await bot.say(17, "/pause")).lower()
    user = await bot.services.db().get_user(17)
    assert user is not None and user.paused
    assert "already paused" in text_of(await bot.say(17, "/pause"))
    assert "on again" in text_of(await bot.say(17, "/resume"))


async def test_command_menu_is_set_at_start_up(bot: Harness) -> None:
    calls = bot.emulator.calls_to("setMyCommands")
    assert calls, "setMyCommands was not called"
    names = {c["command"] for c in bot.emulator.commands[next(iter(bot.emulator.commands))]}
    assert {
        "start",
        "lesson",
        "checkin",
        "meditate",
        "sos",
        "help",
        "settings",
        "pause",
        "resume",
    } <= names


async def test_returning_user_gets_welcome_back(bot: Harness) -> None:
    await onboard(bot, 18, consents=())
    assert "Welcome back" in text_of(await bot.say(18, "/start"))


async def test_a_command_mid_setup_ends_the_question_and_start_resumes(bot: Harness) -> None:
    replies = await bot.say(19, "/start")
    replies = await bot.press(19, with_buttons(replies), "or older")
    msg = with_buttons(replies)
    await bot.press(19, msg, "Progress")
    assert "time zone" in text_of(await bot.press(19, msg, "Done")).lower()
    await bot.say(19, "/lesson")  # the person wanders off to read a lesson
    text = text_of(await bot.say(19, "hello"))
    assert "time zone" not in text and "/start picks it up" in text
    replies = await bot.say(19, "/start")
    assert "pick up where we left off" in text_of(replies) and "time zone" in text_of(replies)
    replies = await bot.say(19, "Lisbon")
    assert "So it's" in text_of(replies)


async def test_after_a_restart_the_stored_step_still_answers(bot: Harness) -> None:
    replies = await bot.say(20, "/start")
    replies = await bot.press(20, with_buttons(replies), "or older")
    msg = with_buttons(replies)
    await bot.press(20, msg, "Progress")
    await bot.press(20, msg, "Done")
    bot.services.flows.drop(20)  # what a restart forgets
    await bot.services.db().save_flow(20, None, 0)  # and state from before flows were stored
    assert "So it's" in text_of(await bot.say(20, "Tokyo"))
