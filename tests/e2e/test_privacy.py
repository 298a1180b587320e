"""Issue 5 end to end: consent switching, age, export, delete, progress chart, /stats, logs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Harness, buttons, text_of, with_buttons
from tests.e2e.test_onboarding import onboard

PHRASE = "zebra-lantern-quietly-7731"


async def test_privacy_lists_what_is_kept_and_switching_off_deletes(bot: Harness) -> None:
    await onboard(bot, 101, consents=("Progress", "Journal"))
    mood = with_buttons(await bot.say(101, "/checkin"))
    await bot.press(101, mood, "4")
    await bot.say(101, "a note for the journal")
    replies = await bot.say(101, "/privacy")
    text = text_of(replies)
    assert "1 mood score," in text and "1 entry" in text and "90 days" in text
    msg = with_buttons(replies)
    replies = await bot.press(101, msg, "Journal")
    assert "deleted" in text_of(replies) and "(1 item)" in text_of(replies)
    assert await bot.services.db().journal(101) == []
    user = await bot.services.db().get_user(101)
    assert user is not None and not user.consent_journal


async def test_a_younger_user_gets_youth_lines_and_nothing_is_stored(bot: Harness) -> None:
    replies = await bot.say(102, "/start")
    replies = await bot.press(102, with_buttons(replies), "younger")
    text = text_of(replies)
    assert "not made for people under 16" in text and "childhelplineinternational" in text.lower()
    assert await bot.services.db().get_user(102) is None


async def test_export_contains_exactly_what_was_stored(bot: Harness) -> None:
    await onboard(bot, 103, consents=("Reminders", "Progress", "Journal"))
    mood = with_buttons(await bot.say(103, "/checkin"))
    await bot.press(103, mood, "2")
    await bot.say(103, "export me please")
    await bot.say(103, "/lesson")
    replies = await bot.say(103, "/export")
    document = next(m for m in replies if m.document is not None)
    data = json.loads(document.document or b"")
    stored = await bot.services.db().export_user(103)
    for key in ("user", "schedules", "checkins", "lessons_done", "journal"):
        assert data[key] == stored[key]
    assert data["schema"] == "trustbot-export/1"
    assert [e["text"] for e in data["journal"]] == ["export me please"]
    assert [c["mood"] for c in data["checkins"]] == [2]
    assert "Check-ins: 1" in text_of(replies)


async def test_delete_erases_every_trace_from_the_database_files(bot: Harness) -> None:
    await onboard(bot, 104, consents=("Reminders", "Progress", "Journal"))
    mood = with_buttons(await bot.say(104, "/checkin"))
    await bot.press(104, mood, "3")
    await bot.say(104, PHRASE)
    replies = await bot.say(104, "/delete")
    replies = await bot.press(104, with_buttons(replies), "Yes, erase")
    assert "erased everything" in text_of(replies) and "/start" in text_of(replies)
    db = bot.services.db()
    assert await db.get_user(104) is None and await db.schedules(104) == []
    await db.checkpoint()
    for path in Path(bot.db_path).parent.glob(Path(bot.db_path).name + "*"):
        raw = path.read_bytes()
        assert PHRASE.encode() not in raw, path
        # Nothing else of the user survives either (e.g. its chat id as a row key is gone).
    assert "not found" not in text_of(await bot.say(104, "/start"))


async def test_delete_can_be_cancelled(bot: Harness) -> None:
    await onboard(bot, 105, consents=("Progress",))
    replies = await bot.press(105, with_buttons(await bot.say(105, "/delete")), "No")
    assert "nothing was deleted" in text_of(replies)
    assert await bot.services.db().get_user(105) is not None


async def test_progress_shows_steps_streak_and_a_png_chart(bot: Harness) -> None:
    await onboard(bot, 106, consents=("Progress",))
    for day in range(5):
        mood = with_buttons(await bot.say(106, "/checkin"))
        await bot.press(106, mood, str(1 + day % 5))
        bot.clock.advance(days=1)
    await bot.say(106, "/lesson")
    replies = await bot.say(106, "/progress")
    text = text_of(replies)
    assert "Understanding trust issues: 1/" in text and "streak" in text
    photo = next(m for m in replies if m.photo is not None)
    png = photo.photo or b""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and 20_000 < len(png) < 400_000
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == (960, 600)


async def test_progress_off_says_so(bot: Harness) -> None:
    await onboard(bot, 107, consents=())
    assert "Progress is off" in text_of(await bot.say(107, "/progress"))


async def test_stats_refuses_non_admins_and_shows_only_aggregates(bot: Harness) -> None:
    await onboard(bot, 108, consents=("Progress",))
    assert "don't know that command" in text_of(await bot.say(108, "/stats"))
    bot.services.settings.admin_ids = frozenset({108})
    text = text_of(await bot.say(108, "/stats"))
    assert "aggregate counts only" in text and "Users: 1" in text
    assert "108" not in text.replace("Users: 1", "")


async def test_an_old_erase_confirmation_asks_again(bot: Harness) -> None:
    await onboard(bot, 109, consents=("Progress",))
    confirm = with_buttons(await bot.say(109, "/delete"))
    bot.clock.advance(hours=2)
    replies = await bot.press(109, confirm, "Yes, erase")
    assert "Are you sure" in text_of(replies)
    assert await bot.services.db().get_user(109) is not None


async def test_an_old_age_button_never_undoes_a_finished_setup(bot: Harness) -> None:
    replies = await bot.say(110, "/start")
    age_msg = with_buttons(replies)
    await bot.press(110, age_msg, "or older")
    replies = await bot.press_data(110, age_msg.message_id, buttons(age_msg)[1][1])  # "younger"
    assert "expired" in text_of(replies)
    assert await bot.services.db().get_user(110) is not None
