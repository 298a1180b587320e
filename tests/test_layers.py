"""The layers (docs/architecture.md): imports flow one way, and no two packages import each other.

Layers, top to bottom: the wiring (bot/wiring: application factory, command line, demo), the
feature handlers and the scheduler's delivery, the domain (the rest of bot/, e.g. storage,
triage, flow, safety, and scheduler's plain rules), content, and the transport beside them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("bot", "handlers", "scheduler", "content")


def unit(module: str) -> str:
    """The layer unit a module belongs to: bot.wiring, bot.transport, bot.emulator, bot (the
    domain), handlers, scheduler, content."""
    parts = module.split(".")
    if parts[0] == "bot" and len(parts) > 1 and parts[1] in ("wiring", "transport", "emulator"):
        return f"bot.{parts[1]}"
    return parts[0]


def imports() -> dict[str, set[tuple[str, str]]]:
    """unit -> {(imported unit, importing module)} for every import between our units."""
    edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] not in OURS:
            continue
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in OURS and unit(name) != unit(module):
                    edges[unit(module)].add((unit(name), module))
    return edges


def test_no_two_units_import_each_other() -> None:
    edges = imports()
    cycles = sorted(
        f"{a} <-> {b} (via {via})"
        for a, targets in edges.items()
        for b, via in targets
        if any(back == a for back, _ in edges.get(b, ()))
    )
    assert not cycles, cycles


def test_nothing_imports_the_wiring_and_the_domain_imports_no_upper_layer() -> None:
    edges = imports()
    into_wiring = sorted(via for a, t in edges.items() for b, via in t if b == "bot.wiring")
    assert not into_wiring, into_wiring
    upward = sorted(
        via
        for b, via in edges.get("bot", ())
        if b in ("handlers", "bot.wiring", "bot.transport", "bot.emulator")
    )
    assert not upward, upward
    # Scheduling reaches the handlers only through what the wiring passes in (PromptViews).
    assert not [via for b, via in edges.get("scheduler", ()) if b == "handlers"]
    assert not [via for b, via in edges.get("content", ()) if b != "content"]
