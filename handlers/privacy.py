"""/privacy, /export and /delete: see, switch, download and erase everything kept."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from telegram import InputFile, Update

from bot import texts
from bot.callbacks import Callback
from bot.flow import FORGET_AFTER
from bot.storage import CONSENTS, User
from handlers.common import (
    Button,
    Context,
    button,
    keyboard,
    reply,
    services,
)
from handlers.registry import Action, Feature

WHAT = {
    "reminders": "your check-in time, time zone and days, and a record of each prompt sent",
    "progress": "your mood scores and the lessons you've read",
    "journal": "the words you wrote in check-ins, reflections and your safety plan (encrypted)",
}


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%d %b %Y")


def privacy_rows(user: User) -> list[list[Button]]:
    rows: list[list[Button]] = []
    for name in CONSENTS:
        state = "on ✅" if user.consent(name) else "off ⬜"
        rows.append([button(f"{texts.CONSENT_LABELS[name]}: {state}", "priv", name)])
    rows.append(
        [
            button("⬇ Export my data", "priv", "export"),
            button("🗑 Erase everything", "priv", "delete"),
        ]
    )
    return rows


async def privacy_summary(context: Context, user: User) -> str:
    svc = services(context)
    db = svc.db()
    lines = [
        "Here's exactly what I keep about you right now:",
        "",
        f"• Settings: your chat id, country ({user.country or 'not set'}), "
        f"time zone ({user.tz or 'not set'}), and these choices.",
    ]
    schedules = await db.schedules(user.user_id)
    deliveries = await db.deliveries(user.user_id)
    if user.consent_reminders:
        times = ", ".join(f"{s.kind} at {s.local_time}" for s in schedules) or "no time set"
        lines.append(f"• Reminders (on): {times}; {len(deliveries)} prompt record(s).")
    else:
        lines.append("• Reminders (off): nothing kept.")
    if user.consent_progress:
        moods = await db.moods_since(user.user_id, 0)
        done = await db.lessons_done(user.user_id)
        since = f", since {_day(moods[0][0])}" if moods else ""
        lines.append(
            f"• Progress (on): {len(moods)} mood score(s){since}; {len(done)} lesson(s) read. "
            "Kept until you switch it off or erase it."
        )
    else:
        lines.append("• Progress (off): nothing kept.")
    if user.consent_journal:
        entries = await db.journal(user.user_id)
        oldest = f", oldest {_day(entries[0].at)}" if entries else ""
        lines.append(
            f"• Journal (on): {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}{oldest}, "
            f"encrypted; each is deleted after {svc.settings.journal_days} days "
            "(your safety plan stays until you delete it)."
        )
    else:
        lines.append("• Journal (off): nothing kept. I read what you write, then forget it.")
    lines += [
        "• Our place in our conversation: which question I'm waiting for, and for a day after "
        "a crisis answer or a low mood, that it happened, so I don't ask you twice. "
        f"Encrypted, never your words, forgotten after {FORGET_AFTER.days} days of quiet.",
        "",
        "I never keep the text of your messages unless your journal is on, and my logs never "
        "contain what you write. Tap a switch to change it: switching one off deletes "
        "that data at once.",
    ]
    return "\n".join(lines)


async def privacy_command(update: Update, context: Context) -> None:
    svc = services(context)
    tg_user = update.effective_user
    user = await svc.db().get_user(tg_user.id) if tg_user else None
    if user is None:
        await reply(
            update,
            "I keep nothing about you at the moment. If you /start, I'll ask before keeping "
            "anything.",
        )
        return
    await reply(update, await privacy_summary(context, user), privacy_rows(user))


async def on_priv(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    tg_user = update.effective_user
    assert tg_user is not None
    choice = cb.arg(0)
    if choice == "export":
        await export_command(update, context)
        return
    if choice == "delete":
        await delete_command(update, context)
        return
    user = await svc.db().get_user(tg_user.id)
    if user is None or choice not in CONSENTS:
        await reply(update, texts.STALE_BUTTON)
        return
    turning_on = not user.consent(choice)
    deleted = await svc.db().set_consent(tg_user.id, choice, turning_on)
    if turning_on:
        message = f"{texts.CONSENT_LABELS[choice]} is on. I'll keep {WHAT[choice]}."
    else:
        message = (
            f"{texts.CONSENT_LABELS[choice]} is off. I've deleted {WHAT[choice]}"
            f" ({deleted} item{'s' if deleted != 1 else ''})."
        )
    await reply(update, message)
    user = await svc.db().get_user(tg_user.id)
    assert user is not None
    if turning_on and choice == "reminders":
        from handlers.onboarding import ask_time

        await ask_time(update, context)
        return
    current = update.effective_message
    if current is not None:
        await current.edit_text(
            await privacy_summary(context, user), reply_markup=keyboard(privacy_rows(user))
        )


def export_summary(data: dict[str, Any]) -> str:
    user: dict[str, Any] = data.get("user") or {}
    counts = {
        key: len(data.get(key) or [])
        for key in ("checkins", "lessons_done", "journal", "schedules", "deliveries")
    }
    return (
        "Here is everything I keep about you, as a file you can open in any text editor "
        "(JSON; its fields are described in the project's docs/privacy.md).\n\n"
        f"Settings: country {user.get('country') or 'not set'}, time zone "
        f"{user.get('time_zone') or 'not set'}.\n"
        f"Check-ins: {counts['checkins']} · Lessons read: {counts['lessons_done']} · "
        f"Journal entries: {counts['journal']} · Reminders: {counts['schedules']} · "
        f"Prompt records: {counts['deliveries']}"
    )


async def export_command(update: Update, context: Context) -> None:
    svc = services(context)
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    data = await svc.db().export_user(tg_user.id)
    if data.get("user") is None:
        await reply(update, "I keep nothing about you, so there's nothing to export.")
        return
    data["exported_at"] = svc.now().isoformat()
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await reply(update, export_summary(data))
    await chat.send_document(
        InputFile(io.BytesIO(payload), filename="trustbot-export.json"),
        caption="Your trustbot data (JSON)",
    )


DELETE_CONFIRM_SECONDS = 600


async def delete_command(update: Update, context: Context) -> None:
    context.flow.delete_asked_at = services(context).now_s()
    await reply(
        update,
        "This erases everything I keep about you: settings, reminders, moods, lessons and "
        "journal, at once and for good. Are you sure?",
        [[button("Yes, erase everything", "del", "yes"), button("No, keep it", "del", "no")]],
    )


async def on_delete(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    tg_user = update.effective_user
    assert tg_user is not None
    if cb.arg(0) != "yes":
        await reply(update, "Okay, nothing was deleted.")
        return
    asked = context.flow.delete_asked_at
    context.flow.delete_asked_at = None
    if asked is None or svc.now_s() - asked > DELETE_CONFIRM_SECONDS:
        # An old confirmation button: ask again rather than erase on a stale tap.
        await delete_command(update, context)
        return
    await svc.db().erase_user(tg_user.id)
    context.flow.reset()
    await reply(
        update,
        "Done. I've erased everything I kept about you, and reminders have stopped. "
        "If you'd ever like to start again, just send /start. /sos works any time.",
    )


FEATURE = Feature(
    commands={"privacy": privacy_command, "export": export_command, "delete": delete_command},
    buttons={
        "priv": Action(on_priv),  # a consent to toggle in /privacy
        "del": Action(on_delete),  # yes | no
    },
)
