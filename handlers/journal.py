"""/journal: what the person wrote (check-in notes, reflections, practices), newest first,
each reopenable; and /summary, a one-page PDF and PNG of four weeks to bring to a therapist.

Both need the person's consent: the journal is kept only with journal consent (encrypted,
expired with the rest of the journal, in /export, gone with /delete); the summary is made from
progress, on request only, and includes only the journal entries ticked for it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from telegram import InputFile, Update
from telegram.error import BadRequest

from bot import practice_texts as P
from bot import texts
from bot.callbacks import Callback
from bot.i18n import Tr
from bot.practices import TRACK_PRACTICE, TYPED
from bot.storage import JournalEntry
from bot.summary import SummaryData, summary_files
from handlers.common import (
    Button,
    Context,
    button,
    consenting,
    keyboard,
    local_now,
    reply,
    services,
)
from handlers.registry import Action, Feature, TextStep

PAGE = 8
SUMMARY_DAYS = 28
SUMMARY_MAX_ENTRIES = 6


def heading(entry: JournalEntry, t: Tr) -> str:
    kind = P.JOURNAL_KINDS.get(entry.kind)
    day = t.day_month(datetime.fromtimestamp(entry.at, UTC).date())
    return f"{t(kind) if kind else entry.kind} · {day}"


def listed(entries: list[JournalEntry]) -> list[JournalEntry]:
    """Entries to list, newest first; a ledger's later answer is shown inside its ledger."""
    return sorted((e for e in entries if e.kind != "ledger_after"), key=lambda e: -e.id)


async def journal_command(update: Update, context: Context) -> None:
    await show_page(update, context, 0)


async def show_page(update: Update, context: Context, page: int) -> None:
    svc = services(context)
    t = context.t
    person = await consenting(update, context, "journal", P.JOURNAL_OFF)
    if person is None:
        return
    entries = listed(await svc.db().journal(person.user_id))
    if not entries:
        await reply(update, t(P.JOURNAL_EMPTY))
        return
    shown = entries[page * PAGE : (page + 1) * PAGE]
    rows: list[list[Button]] = [[button(heading(e, t), "jrnl", "open", e.id)] for e in shown]
    if len(entries) > (page + 1) * PAGE:
        rows.append([button(t(P.JOURNAL_MORE), "jrnl", "page", page + 1)])
    await reply(update, t(P.JOURNAL_LIST), rows)


async def on_journal(update: Update, context: Context, cb: Callback) -> None:
    svc = services(context)
    t = context.t
    action, arg = cb.arg(0), cb.arg(1)
    if not arg.isdigit():
        await reply(update, t(texts.STALE_BUTTON))
        return
    if action == "page":
        await show_page(update, context, int(arg))
        return
    person = await svc.user_or_none(context.user_id)
    entry = await svc.db().journal_entry(context.user_id, int(arg)) if person else None
    if person is None or not person.consent_journal or entry is None:
        await reply(update, t(P.JOURNAL_GONE))
        return
    at, kind, _ref, text = entry
    if action == "after" and kind == "ledger":
        context.flow.wait_for("ledger_after", entry=int(arg))
        await reply(update, t(P.LEDGER_LATER_ASK))
        return
    later = [e for e in await svc.db().journal(person.user_id, "ledger_after") if e.ref == arg]
    for e in later:
        text += f"\n\n{t(P.LEDGER_LATER_TITLE)}: {e.text}"
    rows = [[button(t(P.LEDGER_LATER), "jrnl", "after", arg)]] if kind == "ledger" else None
    await reply(update, f"{heading(JournalEntry(int(arg), at, kind, None, ''), t)}\n\n{text}", rows)


async def on_ledger_after(update: Update, context: Context, text: str) -> None:
    svc = services(context)
    entry_id = str(context.flow.extra.get("entry", ""))
    context.flow.wait_for(None)
    person = await consenting(update, context, "journal", P.JOURNAL_OFF)
    if person is None:
        return
    await svc.db().add_journal(person.user_id, "ledger_after", text, svc.now_s(), ref=entry_id)
    await reply(update, context.t(P.LEDGER_LATER_SAVED))


# ------------------------------------------------------------------ /summary
async def summary_command(update: Update, context: Context) -> None:
    t = context.t
    if await consenting(update, context, "progress", P.SUMMARY_NEEDS_PROGRESS) is None:
        return
    context.flow.summary_ticked = []
    entries = await recent_entries(context)
    if not entries:
        await reply(update, t(P.SUMMARY_NO_ENTRIES), [[button(t(P.SUMMARY_MAKE), "sum", "make")]])
        return
    await reply(update, t(P.SUMMARY_INTRO), summary_rows(entries, set(), t))


async def recent_entries(context: Context) -> list[JournalEntry]:
    svc = services(context)
    person = context.person or await svc.user_or_none(context.user_id)
    if person is None or not person.consent_journal:
        return []
    since = svc.now_s() - SUMMARY_DAYS * 86400
    entries = [e for e in listed(await svc.db().journal(person.user_id)) if e.at >= since]
    return [e for e in entries if e.kind != "safety_plan"][:SUMMARY_MAX_ENTRIES]


def summary_rows(entries: list[JournalEntry], ticked: set[int], t: Tr) -> list[list[Button]]:
    rows = [
        [button(("✅ " if e.id in ticked else "⬜ ") + heading(e, t), "sum", "tick", e.id)]
        for e in entries
    ]
    rows.append([button(t(P.SUMMARY_MAKE), "sum", "make")])
    return rows


def _ticked(context: Context) -> set[int]:
    return set(context.flow.summary_ticked)


async def on_summary(update: Update, context: Context, cb: Callback) -> None:
    t = context.t
    if cb.arg(0) == "tick" and cb.arg(1).isdigit():
        ticked = _ticked(context) ^ {int(cb.arg(1))}
        context.flow.summary_ticked = sorted(ticked)
        message = update.effective_message
        if message is not None:
            entries = await recent_entries(context)
            try:
                await message.edit_reply_markup(
                    reply_markup=keyboard(summary_rows(entries, ticked, t))
                )
            except BadRequest:
                pass
        return
    if cb.arg(0) == "make":
        await make_summary(update, context)


async def make_summary(update: Update, context: Context) -> None:
    from handlers.values import chosen_values

    svc = services(context)
    t = context.t
    person = await consenting(update, context, "progress", P.SUMMARY_NEEDS_PROGRESS)
    chat = update.effective_chat
    if person is None or chat is None:
        return
    ticked = _ticked(context)
    context.flow.summary_ticked = []
    await reply(update, t(P.SUMMARY_MAKING))
    db = svc.db()
    end = local_now(svc.now(), person.tz).date()
    since = int((svc.now() - timedelta(days=SUMMARY_DAYS)).timestamp())
    moods = [
        (datetime.fromisoformat(d).date(), m)
        for _, d, m in await db.moods_since(person.user_id, since)
    ]
    lessons = sum(1 for at in (await db.lessons_done(person.user_id)).values() if at >= since)
    done = {value for _, _, value in await db.practice_log(person.user_id, "done", since)}
    names = [t(TYPED[p].title) if p in TYPED else t(_title(p)) for p in sorted(done)]
    entries = [(heading(e, t), e.text) for e in await recent_entries(context) if e.id in ticked]
    data = SummaryData(end, moods, lessons, names, await chosen_values(context), entries)
    pdf, png = await summary_files(data, t)
    await chat.send_document(
        InputFile(io.BytesIO(pdf), filename="trustbot-summary.pdf"), caption=t(P.SUMMARY_CAPTION)
    )
    await chat.send_photo(InputFile(io.BytesIO(png), filename="trustbot-summary.png"))
    await reply(update, t(P.SUMMARY_READY))


def _title(practice_id: str) -> str:
    for command, title in TRACK_PRACTICE.values():
        if command == practice_id:
            return title
    return practice_id


FEATURE = Feature(
    commands={"journal": journal_command, "summary": summary_command},
    buttons={
        # open <id> | after <id> | page <n>; opening an entry again just shows it again
        "jrnl": Action(on_journal, 2, 2, repeatable=True),
        "sum": Action(on_summary, 1, 2, repeatable=True),  # tick <id> | make
    },
    text_steps={"ledger_after": TextStep(on_ledger_after)},
)
