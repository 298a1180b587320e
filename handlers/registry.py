"""How a feature module plugs itself in: its commands, its buttons and its text steps.

Each module under `handlers/` that offers something to people ends with one `FEATURE`,
declaring in one place the commands it answers, the callback actions it owns (with how many
arguments each carries: the callback protocol lives with the code that answers it) and the
free-text steps of its conversation. `features()` finds every such module, so adding a feature
means writing one module; `bot.wiring.app` turns the features into PTB handlers and
`handlers.router` dispatches buttons and text through the same tables. There are no parallel
lists to keep in step.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from telegram import Update

from bot import callbacks
from bot.callbacks import Callback
from handlers.common import Context

CommandFn = Callable[[Update, Context], Coroutine[Any, Any, None]]
ButtonFn = Callable[[Update, Context, Callback], Awaitable[None]]
# A text step gets the person's text; it may return a reply for the router to send (sent only
# when the triage found nothing worrying; otherwise the safety answer was the reply).
TextFn = Callable[[Update, Context, str], Awaitable[str | None]]


@dataclass(frozen=True)
class Action:
    """One callback action: its handler and how many arguments its data carries."""

    fn: ButtonFn
    min_args: int = 1
    max_args: int = 1
    # A second identical press is a real choice (a toggle, step-by-step navigation that edits
    # in place); every other action ignores a repeat press within the double-tap window.
    repeatable: bool = False


@dataclass(frozen=True)
class TextStep:
    fn: TextFn
    # Notes and reflections are kept even when they worry the triage (the person wrote them
    # for their journal); every other step waits until the safety answer has been given.
    also_when_worried: bool = False


@dataclass(frozen=True)
class Feature:
    commands: Mapping[str, CommandFn] = field(default_factory=dict)
    buttons: Mapping[str, Action] = field(default_factory=dict)
    text_steps: Mapping[str, TextStep] = field(default_factory=dict)
    # /sos and /help: answered even with the database down, and they never end a question.
    always: bool = False

    def __post_init__(self) -> None:
        for action, spec in self.buttons.items():
            callbacks.define(action, spec.min_args, spec.max_args)


@dataclass(frozen=True)
class Features:
    """Every feature's declarations, merged (a name declared twice is a bug, caught here)."""

    commands: Mapping[str, CommandFn]
    always: Mapping[str, CommandFn]
    buttons: Mapping[str, Action]
    text_steps: Mapping[str, TextStep]


def _merge(into: dict[str, object], new: Mapping[str, object], where: str) -> None:
    clash = set(into) & set(new)
    if clash:
        raise ValueError(f"{where} declares {sorted(clash)}, already declared elsewhere")
    into.update(new)


@cache
def features() -> Features:
    import handlers

    names: dict[str, object] = {}
    buttons: dict[str, object] = {}
    steps: dict[str, object] = {}
    found: list[Feature] = []
    for info in sorted(pkgutil.iter_modules(handlers.__path__), key=lambda i: i.name):
        feature = getattr(importlib.import_module(f"handlers.{info.name}"), "FEATURE", None)
        if isinstance(feature, Feature):
            where = f"handlers.{info.name}"
            _merge(names, feature.commands, where)
            _merge(buttons, feature.buttons, where)
            _merge(steps, feature.text_steps, where)
            found.append(feature)
    return Features(
        commands={n: f for x in found if not x.always for n, f in x.commands.items()},
        always={n: f for x in found if x.always for n, f in x.commands.items()},
        buttons={a: b for x in found for a, b in x.buttons.items()},
        text_steps={s: t for x in found for s, t in x.text_steps.items()},
    )
