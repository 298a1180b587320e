"""Issue 11, items 11 and 12: the privacy promises hold byte for byte.

Every erase (a consent switched off, a replaced safety plan, journal expiry, /delete) leaves
no deleted bytes in the database files by the time the bot says it is done: the pages are
zeroed (``secure_delete``) and the WAL is folded back and truncated. The tests read the raw
files, never calling a checkpoint themselves. Journal text is encrypted, so what must vanish
is its ciphertext, read from the file before the erase.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import Harness, text_of, with_buttons
from tests.e2e.test_onboarding import onboard
from tests.pg import sqlite_only

pytestmark = sqlite_only


def _files(bot: Harness) -> list[Path]:
    db = Path(bot.db_path)
    return [p for p in db.parent.glob(db.name + "*") if p.is_file()]


def _raw(bot: Harness) -> bytes:
    return b"".join(p.read_bytes() for p in _files(bot))


def _blobs(bot: Harness, sql: str, params: tuple[object, ...]) -> list[bytes]:
    """Ciphertexts as stored, read through a separate read-only connection."""
    conn = sqlite3.connect(f"file:{bot.db_path}?mode=ro", uri=True)
    try:
        return [bytes(row[0]) for row in conn.execute(sql, params)]
    finally:
        conn.close()


async def _journal_note(bot: Harness, uid: int, text: str) -> None:
    mood = with_buttons(await bot.say(uid, "/checkin"))
    await bot.press(uid, mood, "3")
    await bot.say(uid, text)


async def test_switching_the_journal_off_leaves_no_ciphertext_in_any_file(bot: Harness) -> None:
    await onboard(bot, 141, consents=("Progress", "Journal"))
    await _journal_note(bot, 141, "the words I wrote about my brother")
    blobs = _blobs(bot, "SELECT body FROM journal WHERE user_id = ?", (141,))
    assert blobs and all(b in _raw(bot) for b in blobs)
    replies = await bot.press(141, with_buttons(await bot.say(141, "/privacy")), "Journal")
    assert "deleted" in text_of(replies)
    raw = _raw(bot)
    assert not any(b[8:40] in raw for b in blobs), "journal ciphertext is still in the files"


async def test_a_replaced_safety_plan_leaves_no_ciphertext_behind(bot: Harness) -> None:
    await onboard(bot, 142, consents=("Journal",))

    async def write_plan(first: str, start: str) -> None:
        intro = with_buttons(await bot.say(142, "/safetyplan"))
        await bot.press(142, intro, start)
        for answer in (first, "music", "the park", "a friend", "my GP", "keys away"):
            await bot.say(142, answer)

    await write_plan("lying awake replaying the old fights", "Start")
    old = _blobs(bot, "SELECT body FROM journal WHERE user_id = ?", (142,))
    await write_plan("the quiet after an argument", "Write a new plan")
    new = _blobs(bot, "SELECT body FROM journal WHERE user_id = ?", (142,))
    assert len(old) == len(new) == 1 and old != new
    raw = _raw(bot)
    assert old[0][8:40] not in raw and new[0][8:40] in raw


async def test_delete_leaves_no_row_and_no_ciphertext_without_a_manual_checkpoint(
    bot: Harness,
) -> None:
    await onboard(bot, 143, consents=("Reminders", "Progress", "Journal"))
    await _journal_note(bot, 143, "something only the journal knows")
    blobs = _blobs(bot, "SELECT body FROM journal WHERE user_id = ?", (143,))
    blobs += _blobs(bot, "SELECT state FROM flows WHERE user_id = ?", (143,))
    replies = await bot.press(143, with_buttons(await bot.say(143, "/delete")), "Yes, erase")
    assert "erased everything" in text_of(replies)
    raw = _raw(bot)
    assert blobs and not any(b[8:40] in raw for b in blobs)
    # The durable inbox keeps no message body once an update is handled.
    assert _blobs(bot, "SELECT body FROM inbox WHERE body IS NOT NULL", ()) == []


async def test_journal_expiry_leaves_no_ciphertext(bot: Harness) -> None:
    await onboard(bot, 144, consents=("Journal",))
    await _journal_note(bot, 144, "a note that will grow old")
    blobs = _blobs(bot, "SELECT body FROM journal WHERE user_id = ?", (144,))
    bot.clock.advance(days=200)
    assert await bot.services.db().expire_journal(bot.services.now_s()) == len(blobs) > 0
    raw = _raw(bot)
    assert not any(b[8:40] in raw for b in blobs)


async def test_a_person_who_says_no_to_everything_leaves_only_what_privacy_lists(
    bot: Harness,
) -> None:
    await onboard(bot, 145, consents=())
    await bot.say(145, "/lesson")
    await bot.say(145, "/meditate")
    await bot.say(145, "feeling a bit lost with my family lately")
    conn = sqlite3.connect(f"file:{bot.db_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        per_user = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            if "user_id" in columns:
                n = conn.execute(f"SELECT count(*) FROM {table} WHERE user_id = 145").fetchone()
                per_user[table] = n[0]
        row = conn.execute("SELECT * FROM users WHERE user_id = 145").fetchone()
        names = [d[0] for d in conn.execute("SELECT * FROM users LIMIT 0").description]
    finally:
        conn.close()
    # Only the set-up row, and the encrypted place in the conversation, exist for them.
    assert {t: n for t, n in per_user.items() if n} in ({"users": 1}, {"users": 1, "flows": 1})
    kept = {k: v for k, v in zip(names, row, strict=True) if v not in (None, 0)}
    assert set(kept) <= {"user_id", "chat_id", "created_at", "onboarding", "age_ok", "country"}
    assert b"lost with my family" not in _raw(bot)
    privacy = text_of(await bot.say(145, "/privacy"))
    welcome = text_of(await bot.say(146, "/start"))
    for promise in (privacy, welcome):
        assert "chat id" in promise and "country" in promise
    assert "place in our conversation" in privacy
