"""Where a person is in a conversation: the flow state, typed, and what of it is stored.

One `Flow` per person. It says what the bot is waiting for (free text answers the last question
asked), and the short-lived safety memory (the direct question, the last crisis answer). It is
loaded once before an update's handlers run and saved once after (see `bot.wiring.app`), so a
restart, or another replica, carries on the conversation where it was.

What is stored is operational and short: which question is open, small ids and timestamps. No
free text a person typed is ever stored here: the safety-plan answers being written and the
moods of someone who did not opt in to progress stay in memory only (`MEMORY_ONLY`). A row whose
flow is back to the default is deleted, and rows untouched for `FORGET_AFTER` are dropped.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from bot.safety import AskedQuestion
from bot.triage import Level

FORGET_AFTER = timedelta(days=30)
MEMORY_ONLY = frozenset(
    {
        *("plan_answers", "recent_moods", "presses", "awaiting_known", "country", "lang"),
        *("practice_answers", "own_values"),
    }
)
Extra = dict[str, str | int]


@dataclass
class Flow:
    """One person's conversation state. Every field has a safe default."""

    # What free text answers next ("note", "reflect", "plan", "time", "tz", "country", "days",
    # "medtime"), with its details (a lesson id, a question index). None: nothing is open.
    awaiting: str | None = None
    extra: Extra = field(default_factory=dict)
    # Whether `awaiting` is known: a person with nothing stored (say, a restart right after
    # an upgrade) falls back to their stored onboarding step; "nothing open" does not.
    awaiting_known: bool = False
    # The direct safety question: open now, and when it was last asked (with what answer).
    question_open: bool = False
    asked: AskedQuestion | None = None
    last_crisis_at: datetime | None = None
    mood_concern_at: datetime | None = None
    # Keyboards already answered (message ids), so a second tap doesn't count twice.
    moods_answered: list[int] = field(default_factory=list)
    pending_tz: str | None = None
    plan_message_id: int | None = None
    delete_asked_at: float | None = None
    # The language of the last crisis or worrying message (bot/triage/language.py): the
    # answers, and the buttons' follow-ups, come in it (content/safety/).
    safety_lang: str = "en"
    country: str | None = None
    # The language chosen with /language, for this session (kept in the database only with a
    # consent that keeps settings: users.language).
    lang: str | None = None
    # A practice under way: the values ticked so far and the self-check's tapped answers (ids
    # and numbers, never typed words).
    values_picked: list[str] = field(default_factory=list)
    selfcheck: dict[str, int] = field(default_factory=dict)
    summary_ticked: list[int] = field(default_factory=list)  # journal entry ids, for /summary
    # Memory only (never stored): free text, unconsented moods, and a copy of the stored
    # country that lets /sos show local lines while the database is down.
    plan_answers: list[str] = field(default_factory=list)
    practice_answers: list[str] = field(default_factory=list)
    own_values: list[str] = field(default_factory=list)
    recent_moods: tuple[int, ...] = ()
    presses: dict[tuple[int | None, str], float] = field(default_factory=dict)

    def wait_for(self, what: str | None, **extra: str | int) -> None:
        self.awaiting = what
        self.extra = dict(extra) if what is not None else {}
        self.awaiting_known = True

    def reset(self) -> None:
        """Forget everything (after /delete)."""
        for f in fields(self):
            setattr(self, f.name, getattr(Flow(), f.name))
        self.awaiting_known = True


def dump(flow: Flow) -> str | None:
    """The stored form (JSON), or None when nothing needs storing."""
    data: dict[str, Any] = {}
    default = Flow()
    for f in fields(flow):
        value = getattr(flow, f.name)
        if f.name in MEMORY_ONLY or value == getattr(default, f.name):
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, AskedQuestion):
            value = {**asdict(value), "at": value.at.isoformat(), "level": value.level.name}
            value["kinds"] = sorted(value["kinds"])
        data[f.name] = value
    if not data:
        return None
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def load(text: str | None) -> Flow:
    """A flow from its stored form; anything unreadable becomes the default (never a crash)."""
    flow = Flow()
    if not text:
        return flow
    try:
        data = json.loads(text)
        names = {f.name for f in fields(Flow)} - MEMORY_ONLY
        for name, value in data.items():
            if name not in names:
                continue
            if name in ("last_crisis_at", "mood_concern_at"):
                value = datetime.fromisoformat(value)
            elif name == "asked":
                value = AskedQuestion(
                    at=datetime.fromisoformat(value["at"]),
                    level=Level[value["level"]],
                    kinds=frozenset(value["kinds"]),
                    answer=value.get("answer"),
                )
            setattr(flow, name, value)
        flow.awaiting_known = flow.awaiting is not None
    except (ValueError, KeyError, TypeError, AttributeError):
        return Flow()
    return flow


class FlowCache:
    """The flows of recently active people, bounded (least recently used are dropped).

    The database is the record; this cache keeps the memory-only fields between updates and
    carries the conversation while the database is down. Its size, not the number of people who
    ever wrote, bounds the memory used."""

    def __init__(self, capacity: int = 5_000) -> None:
        self.capacity = capacity
        self._flows: OrderedDict[int, Flow] = OrderedDict()
        self._saved: dict[int, str | None] = {}

    def __len__(self) -> int:
        return len(self._flows)

    def get(self, user_id: int) -> Flow | None:
        flow = self._flows.get(user_id)
        if flow is not None:
            self._flows.move_to_end(user_id)
        return flow

    def put(self, user_id: int, flow: Flow, saved: str | None) -> None:
        self._flows[user_id] = flow
        self._flows.move_to_end(user_id)
        self._saved[user_id] = saved
        while len(self._flows) > self.capacity:
            old, _ = self._flows.popitem(last=False)
            self._saved.pop(old, None)

    def saved_form(self, user_id: int) -> str | None:
        return self._saved.get(user_id)

    def mark_saved(self, user_id: int, saved: str | None) -> None:
        if user_id in self._flows:
            self._saved[user_id] = saved

    def merge_stored(self, user_id: int, stored: str | None) -> Flow:
        """The flow for an update: the stored fields, with the memory-only ones kept."""
        flow = load(stored)
        cached = self._flows.get(user_id)
        if cached is not None:
            for name in MEMORY_ONLY - {"awaiting_known"}:
                setattr(flow, name, getattr(cached, name))
            flow.awaiting_known = flow.awaiting_known or cached.awaiting_known
        self.put(user_id, flow, stored)
        return flow

    def drop(self, user_id: int) -> None:
        self._flows.pop(user_id, None)
        self._saved.pop(user_id, None)
