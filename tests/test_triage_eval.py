"""The triage against the evaluation set written without sight of the rules.

``tests/data/triage_eval.jsonl`` holds labelled messages (text, level, rule, lang). The test
fails, never skips, when the file is missing. On failure it lists the misjudged items by id
and rule only; their texts stay in the data file and out of the logs.
"""

from __future__ import annotations

from pathlib import Path

from bot.triage import triage
from bot.triage.evaluation import evaluate, load_items, relevant_misses, thresholds_failed

EVAL_SET = Path(__file__).parent / "data" / "triage_eval.jsonl"


def test_eval_set_exists_and_is_large_enough() -> None:
    assert EVAL_SET.is_file(), f"missing evaluation set {EVAL_SET}"
    assert len(load_items(EVAL_SET)) >= 400


def test_triage_meets_the_safety_bar_on_the_eval_set() -> None:
    assert EVAL_SET.is_file(), f"missing evaluation set {EVAL_SET}"
    metrics = evaluate(load_items(EVAL_SET), triage)
    failed = thresholds_failed(metrics)
    listing = "\n".join(str(m) for m in relevant_misses(metrics, failed))
    assert not failed, f"{metrics.line()}\nfailed: {failed}\nmisjudged:\n{listing}"
    # The bar in numbers, spelled out as well (thresholds_failed uses the same values).
    assert metrics.crisis_recall >= 0.97
    assert metrics.safety_recall >= 0.90
    assert metrics.under_triage <= 0.01
    assert metrics.false_alarm <= 0.03
    assert metrics.over_referral <= 0.10
