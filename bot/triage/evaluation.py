"""Safety metrics for the distress triage, shared by the tests, the CLI and the docs.

A labelled set is a list of items with ``text`` and ``level`` (``none``/``concern``/``crisis``)
and, optionally, ``rule``, ``lang`` and ``id``. :func:`evaluate` runs a triage function over it
and reports the numbers docs/safety.md cares about. Misjudged items are identified by id (or line
number) and rule only: the texts are never copied into the result, so it can be logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.triage import Level, TriageResult

__all__ = ["Metrics", "Miss", "evaluate", "load_items", "thresholds_failed"]

_LEVELS = {"none": Level.NONE, "concern": Level.CONCERN, "crisis": Level.CRISIS}

# The bar from the brief; tests and the CLI use the same numbers.
THRESHOLDS = {
    "crisis_recall": (">=", 0.97),
    "safety_recall": (">=", 0.90),
    "under_triage": ("<=", 0.01),
    "false_alarm": ("<=", 0.03),
    "over_referral": ("<=", 0.10),
}


@dataclass(frozen=True)
class Miss:
    """One misjudged item, described without its text."""

    id: str
    rule: str
    lang: str
    expected: str
    got: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        why = ",".join(self.reasons) or "-"
        return f"{self.id} rule={self.rule} lang={self.lang} {self.expected}->{self.got} ({why})"


@dataclass(frozen=True)
class Metrics:
    """Counts and rates over a labelled set (rates are 1.0 / 0.0 on an empty class)."""

    total: int
    counts: Mapping[str, int]
    confusion: Mapping[tuple[str, str], int]
    crisis_recall: float  # crisis judged crisis
    safety_recall: float  # crisis or concern judged at least concern
    under_triage: float  # crisis judged none, share of crisis items
    false_alarm: float  # none judged crisis, share of none items
    over_referral: float  # none judged concern or crisis, share of none items
    accuracy: float
    misses: tuple[Miss, ...] = field(default_factory=tuple)

    def line(self) -> str:
        """A one-line summary fit for logs and docs."""
        return (
            f"n={self.total} crisis_recall={self.crisis_recall:.3f} "
            f"safety_recall={self.safety_recall:.3f} under_triage={self.under_triage:.3f} "
            f"false_alarm={self.false_alarm:.3f} over_referral={self.over_referral:.3f} "
            f"accuracy={self.accuracy:.3f}"
        )


def load_items(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL set; each item gets an ``id`` (its own, or its line number)."""
    items: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            item = json.loads(raw)
            if not isinstance(item, dict) or item.get("level") not in _LEVELS:
                raise ValueError(f"{path.name}:{lineno}: needs a text and a valid level")
            item.setdefault("id", f"line{lineno}")
            items.append(item)
    return items


def _rate(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


def evaluate(
    items: Iterable[Mapping[str, Any]], triage_fn: Callable[[str], TriageResult]
) -> Metrics:
    """Run ``triage_fn`` over labelled items and compute the safety metrics."""
    confusion: dict[tuple[str, str], int] = {}
    counts = {"none": 0, "concern": 0, "crisis": 0}
    misses: list[Miss] = []
    total = 0
    for n, item in enumerate(items, start=1):
        expected = str(item["level"])
        if expected not in _LEVELS:
            raise ValueError(f"item {n}: unknown level {expected!r}")
        result = triage_fn(str(item["text"]))
        got = result.level.label
        total += 1
        counts[expected] += 1
        confusion[(expected, got)] = confusion.get((expected, got), 0) + 1
        if got != expected:
            misses.append(
                Miss(
                    id=str(item.get("id", f"item{n}")),
                    rule=str(item.get("rule", "")),
                    lang=str(item.get("lang", "")),
                    expected=expected,
                    got=got,
                    reasons=result.reasons,
                )
            )

    def c(e: str, g: str) -> int:
        return confusion.get((e, g), 0)

    crisis, concern, none = counts["crisis"], counts["concern"], counts["none"]
    safety_hits = sum(c(e, g) for e in ("crisis", "concern") for g in ("concern", "crisis"))
    correct = sum(c(x, x) for x in counts)
    return Metrics(
        total=total,
        counts=counts,
        confusion=confusion,
        crisis_recall=_rate(c("crisis", "crisis"), crisis, 1.0),
        safety_recall=_rate(safety_hits, crisis + concern, 1.0),
        under_triage=_rate(c("crisis", "none"), crisis, 0.0),
        false_alarm=_rate(c("none", "crisis"), none, 0.0),
        over_referral=_rate(c("none", "concern") + c("none", "crisis"), none, 0.0),
        accuracy=_rate(correct, total, 1.0),
        misses=tuple(misses),
    )


def thresholds_failed(metrics: Metrics) -> list[str]:
    """Names and values of the metrics that miss the bar in :data:`THRESHOLDS`."""
    failed: list[str] = []
    for name, (op, bound) in THRESHOLDS.items():
        value = float(getattr(metrics, name))
        ok = value >= bound if op == ">=" else value <= bound
        if not ok:
            failed.append(f"{name}={value:.3f} (needs {op} {bound})")
    return failed


def relevant_misses(metrics: Metrics, failed: Sequence[str]) -> list[Miss]:
    """The misses behind the failed metrics (all misses that lower safety or add alarms)."""
    del failed  # every safety-relevant miss is listed, whichever metric it moved
    out: list[Miss] = []
    for m in metrics.misses:
        under = _LEVELS[m.got] < _LEVELS[m.expected] and m.expected != "none"
        alarm = m.expected == "none"
        if under or alarm:
            out.append(m)
    return out
