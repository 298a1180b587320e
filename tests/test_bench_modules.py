"""The benchmark scripts still fit the code they measure.

Benchmarks are run by hand (docs/benchmarks.md), so a change to an interface they use went
unnoticed once: `bench/_fanout_children.py` built its prompt with the check-in view's old
signature and every fan-out run died at import. Importing each module runs that kind of
module-level wiring; the measuring itself stays in the scripts.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
MODULES = sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__")


def test_there_are_benchmarks_to_check() -> None:
    assert {"fanout", "triage", "updates", "_fanout_children"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_module_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert module.__name__ == f"bench.{name}"


def test_the_fanout_prompt_is_the_bots_english_check_in() -> None:
    from bench._fanout_children import PROMPT_MARKUP, PROMPT_TEXT
    from bot import texts
    from bot.i18n import tr

    assert PROMPT_TEXT == tr("en")(texts.CHECKIN_PROMPT)
    assert PROMPT_MARKUP.inline_keyboard
