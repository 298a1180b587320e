"""`pip install .` (the README's first command, and the Docker image) installs every package of
the product: a non-editable install once left out bot.wiring and the bot could not start."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent


def test_every_product_package_is_installed_and_nothing_else() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    installed = set(find_packages(str(ROOT), include=include))
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("bot", "handlers", "content", "scheduler")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk <= installed
    assert {"bot.wiring", "bot.storage", "bot.triage"} <= installed
    assert not {p for p in installed if p.split(".")[0] in ("tests", "bench", "deploy")}
