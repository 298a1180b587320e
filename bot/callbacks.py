"""Callback data for inline buttons: short, versioned, parsed in one place.

Shape: ``v1:<action>:<arg>:<arg>...``, at most 64 bytes (Telegram's limit). Anything that does
not parse, belongs to an older version or fails its action's argument check comes back as
None, and the caller answers politely that the button has expired: never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64
_ARG = re.compile(r"^[A-Za-z0-9_\-.+/]{0,40}$")

# action -> (min args, max args). Each feature module declares the actions it answers (see
# handlers/registry.py), so the protocol lives beside the code that handles it.
ACTIONS: dict[str, tuple[int, int]] = {}


def define(action: str, min_args: int, max_args: int) -> None:
    """Declare a callback action; declaring one twice differently is a bug."""
    if not _ARG.match(action) or ":" in action:
        raise ValueError(f"bad callback action name {action!r}")
    if ACTIONS.setdefault(action, (min_args, max_args)) != (min_args, max_args):
        raise ValueError(f"callback action {action!r} declared twice differently")


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...]

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default


def encode(action: str, *args: str | int) -> str:
    """Build callback data; raises ValueError for anything that could not round-trip."""
    if action not in ACTIONS:
        raise ValueError(f"unknown callback action {action!r}")
    parts = [str(a) for a in args]
    low, high = ACTIONS[action]
    if not low <= len(parts) <= high or not all(_ARG.match(p) for p in parts):
        raise ValueError(f"bad arguments for {action!r}: {parts!r}")
    data = ":".join([VERSION, action, *parts])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    """The button's meaning, or None for stale, foreign or forged data."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION:
        return None
    action, args = parts[1], tuple(parts[2:])
    bounds = ACTIONS.get(action)
    if bounds is None or not bounds[0] <= len(args) <= bounds[1]:
        return None
    if not all(_ARG.match(a) for a in args):
        return None
    return Callback(action, args)
