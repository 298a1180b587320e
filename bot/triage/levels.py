"""The triage's vocabulary: levels, a result, and the conversation context it may read."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Level", "TriageContext", "TriageResult"]


class Level(enum.IntEnum):
    """Triage levels, ordered so that ``max`` picks the most severe."""

    NONE = 0
    CONCERN = 1
    CRISIS = 2

    @property
    def label(self) -> str:
        """``"none"``, ``"concern"`` or ``"crisis"``."""
        return self.name.lower()


@dataclass(frozen=True)
class TriageResult:
    """The level and the rule tags that set it (never the user's text)."""

    level: Level
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriageContext:
    """Conversation state that changes how a single message is read."""

    recent_moods: tuple[int, ...] = ()  # newest first, 1..5
    awaiting_safety_answer: bool = False  # the bot just asked the direct safety question
    last_crisis_at: datetime | None = None  # aware UTC
    now: datetime | None = None  # aware UTC, injected clock
    # Whether the learned layer may answer with crisis on its own (TRUSTBOT_LEARNED_CRISIS);
    # when not, it raises at most to concern and the direct safety question decides.
    learned_crisis: bool = True
