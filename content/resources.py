"""Crisis resources: emergency numbers and help lines per country, with their sources.

The data file `crisis_lines.json` was started from the team's sourced research:
every line keeps the public page it was read on and the date, and the file's `gaps` say where no
reliable line was found. Those gaps are shown to users honestly rather than papered over.
This module only loads and validates; `bot.safety` turns it into words.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("crisis_lines.json")
CATEGORIES = ("crisis", "youth", "domestic_abuse")


@dataclass(frozen=True)
class Line:
    name: str
    phone: str | None
    sms: str | None
    chat: str | None
    whatsapp: str | None
    url: str | None
    hours: str | None
    scope: str | None
    notes: str | None
    source: str
    source_date: str | None


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    crisis: tuple[Line, ...]
    youth: tuple[Line, ...]
    domestic_abuse: tuple[Line, ...]
    gaps: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    name: str
    url: str
    notes: str


@dataclass(frozen=True)
class Resources:
    checked: str
    countries: Mapping[str, Country]
    international: tuple[Directory, ...]

    def country(self, code: str | None) -> Country | None:
        return self.countries.get(code.upper()) if code else None

    def search(self, text: str) -> Country | None:
        """A country by ISO code or English name ("de", "Germany", "united kingdom", "uk")."""
        key = " ".join(text.strip().lower().replace(".", "").split())
        if not key:
            return None
        aliases = {
            "uk": "GB",
            "england": "GB",
            "scotland": "GB",
            "wales": "GB",
            "usa": "US",
            "america": "US",
            "united states of america": "US",
            "holland": "NL",
            "deutschland": "DE",
            "españa": "ES",
            "espana": "ES",
            "россия": "RU",
            "south korea": "KR",
            "korea": "KR",
            "uae": "AE",
            "czechia": "CZ",
        }
        if key in aliases:
            return self.countries.get(aliases[key])
        if len(key) == 2 and key.upper() in self.countries:
            return self.countries[key.upper()]
        for country in self.countries.values():
            if country.name.lower() == key:
                return country
        return None


class ResourceError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _line(raw: Mapping[str, Any]) -> Line:
    def text(name: str) -> str | None:
        value = raw.get(name)
        return str(value) if value not in (None, "") else None

    return Line(
        name=str(raw["name"]),
        phone=text("phone"),
        sms=text("sms"),
        chat=text("chat"),
        whatsapp=text("whatsapp"),
        url=text("url"),
        hours=text("hours"),
        scope=text("scope"),
        notes=text("notes"),
        source=str(raw["source"]),
        source_date=text("source_date"),
    )


def check_resources(data: Mapping[str, Any]) -> list[str]:
    """Every problem in a raw resource file; empty when it is usable."""
    problems: list[str] = []
    countries = data.get("countries")
    if not isinstance(countries, Mapping) or len(countries) < 30:
        problems.append("crisis_lines.json: fewer than 30 countries")
        countries = countries if isinstance(countries, Mapping) else {}
    if not data.get("checked"):
        problems.append("crisis_lines.json: no 'checked' date")
    if not data.get("international"):
        problems.append("crisis_lines.json: no international fallback directories")
    for entry in data.get("international") or []:
        if not entry.get("url") or not entry.get("source"):
            problems.append(
                f"crisis_lines.json: international {entry.get('name')!r} lacks url or source"
            )
    for code, country in countries.items():
        where = f"crisis_lines.json: {code}"
        if len(code) != 2 or not code.isupper():
            problems.append(f"{where}: not an ISO 3166 alpha-2 code")
        if not country.get("emergency"):
            problems.append(f"{where}: no emergency number")
        if not country.get("emergency_source"):
            problems.append(f"{where}: emergency number has no source")
        for category in CATEGORIES:
            for line in country.get(category) or []:
                if not line.get("name"):
                    problems.append(f"{where}: a {category} line has no name")
                if not line.get("source"):
                    problems.append(f"{where}: {line.get('name')!r} has no source")
                if not any(line.get(k) for k in ("phone", "sms", "chat", "whatsapp", "url")):
                    problems.append(f"{where}: {line.get('name')!r} has no way to reach it")
    return problems


STALE_AFTER_DAYS = 365


def stale_entries(data: Mapping[str, Any], today: date) -> list[str]:
    """Lines and emergency numbers whose last check is over a year before ``today``.

    An entry's own ``checked`` date counts (``emergency_checked`` for the emergency number);
    without one, the file's ``checked`` date does. Numbers change: these need a fresh look.
    """
    default = str(data.get("checked") or "1970-01-01")
    out: list[str] = []

    def old(value: object) -> str | None:
        when = date.fromisoformat(str(value or default))
        return when.isoformat() if (today - when).days > STALE_AFTER_DAYS else None

    for code, country in (data.get("countries") or {}).items():
        when = old(country.get("emergency_checked"))
        if when:
            out.append(f"{code} emergency number, last checked {when}")
        for category in CATEGORIES:
            for line in country.get(category) or []:
                when = old(line.get("checked"))
                if when:
                    out.append(f"{code} {category} {line.get('name')!r}, last checked {when}")
    return out


def _gaps_for(code: str, gaps: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    labels = {
        "crisis_line_missing": "No national crisis line could be verified.",
        "youth_line_missing": "No youth line could be verified.",
        "domestic_abuse_line_missing": "No domestic-abuse line could be verified.",
    }
    for key, label in labels.items():
        if code in (gaps.get(key) or []):
            found.append(label)
    for key in ("crisis_only_partial", "domestic_abuse_regional_only"):
        detail = (gaps.get(key) or {}).get(code)
        if detail:
            found.append(f"Only partial coverage: {detail}.")
    return tuple(found)


def load_resources(path: Path | None = None) -> Resources:
    data = json.loads((path or DEFAULT_PATH).read_text(encoding="utf-8"))
    problems = check_resources(data)
    if problems:
        raise ResourceError(problems)
    gaps = data.get("gaps") or {}
    countries = {
        code: Country(
            code=code,
            name=str(raw["name"]),
            emergency=str(raw["emergency"]),
            crisis=tuple(_line(x) for x in raw.get("crisis") or []),
            youth=tuple(_line(x) for x in raw.get("youth") or []),
            domestic_abuse=tuple(_line(x) for x in raw.get("domestic_abuse") or []),
            gaps=_gaps_for(code, gaps),
        )
        for code, raw in data["countries"].items()
    }
    international = tuple(
        Directory(name=str(d["name"]), url=str(d["url"]), notes=str(d.get("notes", "")))
        for d in data["international"]
    )
    return Resources(checked=str(data["checked"]), countries=countries, international=international)
