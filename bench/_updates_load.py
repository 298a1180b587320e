"""The update-path benchmark's load: who the simulated people are, what they send, and the
database trustbot starts with (part of ``python -m bench.updates``; see bench/updates.py).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DB_USERS = 100_000
DB_FIRST_ID = 5_000_001  # pre-filled users; the first ones double as the load's existing users
NEW_FIRST_ID = 100_001  # users who onboard during the load (not in the database)
ORDER_FIRST_ID = 300_001  # users of the ordering check (not in the database)

# Callback data exactly as trustbot encodes it (bot/callbacks.py): the echo bots get the same.
AGE_OK = "v1:age:ok"
CONSENT_JOURNAL = "v1:consent:journal"
CONSENT_PROGRESS = "v1:consent:progress"
CONSENT_DONE = "v1:consent:done"
COUNTRY_DE = "v1:country:DE"


@dataclass(frozen=True)
class Step:
    """One update a user sends. `expect` is how many messages (new or edited) trustbot
    answers it with; the echo bots always answer with exactly one."""

    kind: str  # "text" or "press"
    payload: str  # the text, or the callback data
    expect: int


@dataclass(frozen=True)
class User:
    uid: int
    flow: str
    steps: tuple[Step, ...]


_NOTE_PARTS = (
    "Work was busy today but I finished the report before lunch.",
    "Had coffee with my sister and we talked about her new flat.",
    "Went for a walk in the park after dinner, the weather was lovely.",
    "A colleague offered to help with the project and this time I said yes.",
    "Slept a bit better last night than the night before.",
    "Cooked pasta and watched an episode of a show with my flatmate.",
    "I was a little nervous before the team meeting but it went fine.",
    "My friend moved our plans to Sunday and I tried not to read too much into it.",
    "Spent the afternoon tidying the kitchen and listening to a podcast.",
    "Called my mum, we mostly talked about her garden and the tomatoes.",
    "The breathing exercise before bed seems to help a bit.",
    "Overall an ordinary day, nothing special to report.",
    "Got some kind feedback from my manager, which was a nice surprise.",
    "Still thinking about what my neighbour said, but I'm giving them the benefit of the doubt.",
    "Read a few chapters of my book on the train home.",
    "The kids were noisy this morning but we made it to school on time.",
    "Bought groceries and finally fixed the squeaky cupboard door.",
    "I told my partner how I felt about the weekend plans and they listened.",
    "Lunch with an old friend from school, we laughed a lot.",
    "Rainy and grey, so I stayed in and sorted out some paperwork.",
    "I noticed the urge to double-check a message and let it pass.",
    "Played football with the neighbours' kids for half an hour.",
    "My brother asked for advice about his job, it felt good to be trusted.",
    "Trying to keep to the routine of going to bed before eleven.",
)


def make_note(rng: random.Random) -> str:
    """An ordinary check-in note of 30-400 characters (lengths skewed short, like real ones)."""
    target = min(400, max(30, int(rng.lognormvariate(4.9, 0.6))))
    parts: list[str] = []
    length = 0
    while length < target:
        part = rng.choice(_NOTE_PARTS)
        parts.append(part)
        length += len(part) + 1
    text = " ".join(parts)
    if len(text) > 400:
        text = text[:400].rsplit(" ", 1)[0]
    return text


def build_users(
    n_users: int, rng: random.Random, meditations: Sequence[str], lessons: Sequence[str]
) -> list[User]:
    """n_users closed-loop users, a quarter per flow (onboard, check-in, lesson, meditate)."""
    l1, l2 = lessons[0], lessons[1]
    users: list[User] = []
    steps: tuple[Step, ...]
    for i in range(n_users):
        flow = ("onboard", "checkin", "lesson", "meditate")[i % 4]
        if flow == "onboard":
            uid = NEW_FIRST_ID + i
            steps = (
                Step("text", "/start", 2),  # welcome, age question
                Step("press", AGE_OK, 1),  # consent choices
                Step("press", CONSENT_JOURNAL, 1),  # the keyboard re-drawn (an edit)
                Step("press", CONSENT_DONE, 1),  # country question
                Step("press", COUNTRY_DE, 2),  # country set, all set
            )
        else:
            uid = DB_FIRST_ID + i
            if flow == "checkin":
                mood = rng.randint(1, 5)
                steps = (
                    Step("text", "/checkin", 1),  # mood keyboard
                    Step("press", f"v1:mood:{mood}:c", 3),  # edited question, thanks, note?
                    Step("text", make_note(rng), 1),  # note saved
                )
            elif flow == "lesson":
                steps = (
                    Step("text", "/lesson", 1),  # the next lesson of the path
                    Step("press", f"v1:lesson:next:{l1}", 1),
                    Step("press", f"v1:lesson:next:{l2}", 1),
                )
            else:
                med = rng.choice(meditations)
                steps = (
                    Step("text", "/meditate", 1),  # the practices
                    Step("press", f"v1:med:start:{med}", 1),  # step 1
                    Step("press", f"v1:med:next:{med}:1", 1),  # step 2 (edited in place)
                    Step("press", f"v1:med:next:{med}:2", 1),  # step 3 (edited in place)
                )
        users.append(User(uid, flow, steps))
    return users


def order_users(n: int) -> list[User]:
    """New users walked to the time-zone question (progress consent only)."""
    prelude = (
        Step("text", "/start", 2),
        Step("press", AGE_OK, 1),
        Step("press", CONSENT_PROGRESS, 1),
        Step("press", CONSENT_DONE, 1),  # "Which time zone are you in?"
    )
    return [User(ORDER_FIRST_ID + i, "order", prelude) for i in range(n)]


BURST = tuple(f"UTC+{k}" for k in range(1, 6))


# --------------------------------------------------------------------------------------------
# The database: 100,000 users through the schema Storage creates
# --------------------------------------------------------------------------------------------

_PLACES = (
    ("DE", "Europe/Berlin"),
    ("US", "America/New_York"),
    ("US", "America/Los_Angeles"),
    ("GB", "Europe/London"),
    ("FR", "Europe/Paris"),
    ("ES", "Europe/Madrid"),
    ("IN", "Asia/Kolkata"),
    ("BR", "America/Sao_Paulo"),
    ("AU", "Australia/Sydney"),
    ("CA", "America/Toronto"),
)


def _template_rows(
    n_existing_load: int, now: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The pre-filled users and their schedules, as rows for the users and schedules tables."""
    rng = random.Random(6)
    users: list[tuple[Any, ...]] = []
    schedules: list[tuple[Any, ...]] = []
    for i in range(DB_USERS):
        uid = DB_FIRST_ID + i
        country, tz = _PLACES[i % len(_PLACES)]
        if i < n_existing_load:
            # The load's existing users: every consent, so moods and notes are stored.
            reminders = progress = journal = True
        else:
            reminders = rng.random() < 0.6
            progress = rng.random() < 0.5
            journal = rng.random() < 0.3
        weekly_day = rng.randint(0, 6) if reminders and progress and rng.random() < 0.3 else None
        users.append(
            (
                uid,
                uid,
                now - rng.randint(86400, 400 * 86400),
                "done",
                int(reminders),
                int(progress),
                int(journal),
                country,
                tz,
                int(rng.random() < 0.05),
                int(rng.random() < 0.02),
                1,
                weekly_day,
                None,
                now + rng.randint(43200, 7 * 86400) if weekly_day is not None else None,
            )
        )
        if reminders:
            hour = rng.choice((7, 8, 8, 8, 9, 12, 18, 20, 21))
            schedules.append(
                (uid, "checkin", f"{hour:02d}:00", 127, now + rng.randint(43200, 129600))
            )
            if rng.random() < 0.2:
                schedules.append(
                    (uid, "meditation", "21:30", 127, now + rng.randint(43200, 129600))
                )
    return users, schedules


# Run in the measured tree (cwd), so that its own Storage creates its own schema.
_MAKE_SCHEMA = """
import asyncio, sys
from pathlib import Path
from bot.crypto import Sealer, load_or_create_key
from bot.storage import Storage

async def main():
    path = Path(sys.argv[1])
    store = await Storage.open(path, Sealer(load_or_create_key(sys.argv[2], path)))
    await store.close()

asyncio.run(main())
"""


async def build_template_db(
    path: Path, key_text: str, n_existing_load: int, root: Path | None = None
) -> float:
    """Create the schema with `bot.storage.Storage` (of ``root``, the tree the bots run, so a
    baseline tree gets its own schema), then bulk-insert users and schedules.

    Every schedule is due 12-36 hours from now, so no prompt falls due during the benchmark
    (the delivery tick still runs its indexed query every 20 s, as in production).
    Returns the seconds it took.
    """
    from bot.crypto import Sealer, load_or_create_key
    from bot.storage import Storage

    started = time.perf_counter()
    if root is None:
        store = await Storage.open(path, Sealer(load_or_create_key(key_text, path)))
        await store.close()
    else:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _MAKE_SCHEMA, str(path), key_text, cwd=root
        )
        if await proc.wait() != 0:
            raise RuntimeError(f"could not create the schema with the code in {root}")
    users, schedules = _template_rows(n_existing_load, int(time.time()))
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.executemany(
                "INSERT INTO users (user_id, chat_id, created_at, onboarding, consent_reminders, "
                "consent_progress, consent_journal, country, tz, paused, blocked, age_ok, "
                "weekly_day, followup_at, weekly_due_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                users,
            )
            conn.executemany(
                "INSERT INTO schedules (user_id, kind, local_time, days, next_due_at) "
                "VALUES (?, ?, ?, ?, ?)",
                schedules,
            )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------------
# What the flows walk through, and a check that the notes stay ordinary
# --------------------------------------------------------------------------------------------


def content_ids() -> tuple[list[str], list[str]]:
    """Meditation ids and the first lessons of the path, from the content trustbot loads."""
    from content.loader import load_library

    library = load_library()
    first = library.next_lesson(set())
    assert first is not None
    second = library.next_in_track(first.id)
    third = library.next_in_track(second.id) if second else None
    assert second is not None and third is not None, "the lesson flow needs three lessons"
    meds = [m.id for m in library.meditations if len(m.steps) >= 4]
    return meds, [first.id, second.id]


def check_notes(users: list[User]) -> int:
    """Every note must triage as ordinary, or trustbot's answer count would differ."""
    from bot.triage import Level, triage

    bad = 0
    for user in users:
        for step in user.steps:
            if step.kind == "text" and not step.payload.startswith("/"):
                if triage(step.payload).level is not Level.NONE:
                    bad += 1
    return bad
