"""Tests for scheduler.timezones: from what a user types to an IANA zone key."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

import pytest

from scheduler import timezones
from scheduler.timezones import country_default_timezone, resolve_timezone, suggest_timezones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # IANA keys in any case and spacing
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/BERLIN", "Europe/Berlin"),
        ("america/new_york", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("america / argentina / buenos_aires", "America/Argentina/Buenos_Aires"),
        ("UTC", "UTC"),
        # legacy keys come back under their current name
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Eastern", "America/New_York"),
        ("Japan", "Asia/Tokyo"),
        # cities that are zone keys
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New York", "America/New_York"),
        ("London", "Europe/London"),
        ("Sydney", "Australia/Sydney"),
        ("Toronto", "America/Toronto"),
        ("Mexico City", "America/Mexico_City"),
        ("Moscow", "Europe/Moscow"),
        ("Kyiv", "Europe/Kyiv"),
        ("Kiev", "Europe/Kyiv"),
        ("Kathmandu", "Asia/Kathmandu"),
        ("Shanghai", "Asia/Shanghai"),
        ("Kolkata", "Asia/Kolkata"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("Indianapolis", "America/Indiana/Indianapolis"),
        ("Istanbul", "Europe/Istanbul"),
        ("Port-au-Prince", "America/Port-au-Prince"),
        ("port au prince", "America/Port-au-Prince"),
        ("Oslo", "Europe/Oslo"),
        ("  lord howe  ", "Australia/Lord_Howe"),
        # accents, punctuation, "saint"
        ("São Paulo", "America/Sao_Paulo"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("sao_paulo", "America/Sao_Paulo"),
        ("Zürich", "Europe/Zurich"),
        ("Bogotá", "America/Bogota"),
        ("St. John's", "America/St_Johns"),
        ("Saint Johns", "America/St_Johns"),
        ("Kraków", "Europe/Warsaw"),
        ("Łódź", "Europe/Warsaw"),
        # cities that are not zone keys
        ("NYC", "America/New_York"),
        ("Mumbai", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("New Delhi", "Asia/Kolkata"),
        ("LA", "America/Los_Angeles"),
        ("San Francisco", "America/Los_Angeles"),
        ("Beijing", "Asia/Shanghai"),
        ("Munich", "Europe/Berlin"),
        ("St Petersburg", "Europe/Moscow"),
        ("Saint Petersburg", "Europe/Moscow"),
        ("Tel Aviv", "Asia/Jerusalem"),
        ("Cape Town", "Africa/Johannesburg"),
        # abbreviations
        ("EST", "America/New_York"),
        ("pst", "America/Los_Angeles"),
        ("GMT", "UTC"),
        # "City, Country" and single-zone countries
        ("Berlin, Germany", "Europe/Berlin"),
        ("Portland, Oregon", "America/Los_Angeles"),
        ("Germany", "Europe/Berlin"),
        ("Nepal", "Asia/Kathmandu"),
    ],
)
def test_resolve_names(text: str, expected: str) -> None:
    assert resolve_timezone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UTC+2", "Etc/GMT-2"),
        ("utc+2", "Etc/GMT-2"),
        ("UTC +02:00", "Etc/GMT-2"),
        ("GMT-5", "Etc/GMT+5"),
        ("GMT−5", "Etc/GMT+5"),  # Unicode minus sign
        ("+3", "Etc/GMT-3"),
        ("-0800", "Etc/GMT+8"),
        ("UTC+14", "Etc/GMT-14"),
        ("UTC-12", "Etc/GMT+12"),
        ("UTC+0", "UTC"),
        ("GMT-0", "UTC"),
        ("UTC+5:30", "Asia/Kolkata"),
        ("+05:45", "Asia/Kathmandu"),
        ("UTC+9.30", "Australia/Darwin"),
    ],
)
def test_resolve_offsets(text: str, expected: str) -> None:
    assert resolve_timezone(text) == expected


def test_offset_sign_is_the_users_sign() -> None:
    # Etc/GMT-2 is POSIX-inverted: it must really be two hours ahead of UTC.
    zone = resolve_timezone("UTC+2")
    assert zone is not None
    noon = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert noon.astimezone(ZoneInfo(zone)).hour == 14
    zone = resolve_timezone("GMT-5")
    assert zone is not None
    assert noon.astimezone(ZoneInfo(zone)).hour == 7


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "asdfgh",
        "Berln",  # typo: resolve refuses, suggest helps
        "Narnia",
        "UTC+15",
        "UTC-13",
        "UTC+3:15",
        "UTC-3:30",  # Newfoundland keeps DST, so a fixed offset cannot stand for it
        "Australia",  # several zones: ask for a city
        "United States",
        "west",
        "Factory",
        "x" * 500,
        "Europe/",
        "/",
    ],
)
def test_resolve_nonsense_is_none(text: str) -> None:
    assert resolve_timezone(text) is None


def test_every_answer_is_a_real_zone() -> None:
    keys = available_timezones()
    index = timezones._index()
    assert set(index.lookup.values()) <= keys
    assert {c.zone for c in timezones.COUNTRIES.values()} <= keys
    assert set(timezones.ALIASES.values()) <= keys
    assert set(timezones.LEGACY_ZONES) <= keys
    assert set(timezones.LEGACY_ZONES.values()) <= keys
    assert set(timezones._FRACTIONAL_OFFSETS.values()) <= keys


def test_every_current_zone_key_resolves_to_itself() -> None:
    for key in available_timezones() - set(timezones.LEGACY_ZONES) - {"Factory", "localtime"}:
        result = resolve_timezone(key)
        # Abbreviation aliases (EST, CET, ...) deliberately prefer a real place's zone.
        if key.casefold() in {alias.casefold() for alias in timezones.ALIASES}:
            continue
        assert result == key, key


def test_fractional_offset_zones_have_no_dst() -> None:
    for (hours, minutes), key in timezones._FRACTIONAL_OFFSETS.items():
        zone = ZoneInfo(key)
        expected = (abs(hours) * 60 + minutes) * (1 if hours > 0 else -1)
        for month in (1, 4, 7, 10):
            offset = datetime(2026, month, 15, tzinfo=UTC).astimezone(zone).utcoffset()
            assert offset is not None
            assert offset.total_seconds() == expected * 60, key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berln", "Europe/Berlin"),
        ("Nw York", "America/New_York"),
        ("Sidney", "Australia/Sydney"),
        ("Londn", "Europe/London"),
        ("Parris", "Europe/Paris"),
        ("Kathmandoo", "Asia/Kathmandu"),
        ("Europe/Berln", "Europe/Berlin"),
        ("Mumbaai", "Asia/Kolkata"),
    ],
)
def test_suggestions_for_typos(text: str, expected: str) -> None:
    suggestions = suggest_timezones(text)
    assert suggestions[0] == expected
    assert len(suggestions) <= 3
    assert len(suggestions) == len(set(suggestions))


def test_suggestions_limit_and_exact() -> None:
    assert suggest_timezones("Berlin")[0] == "Europe/Berlin"
    assert len(suggest_timezones("San", limit=10)) <= 10
    assert len(suggest_timezones("Berln", limit=1)) == 1
    assert suggest_timezones("Berln", limit=0) == []


@pytest.mark.parametrize("text", ["", "qqqqqqqq", "x" * 500, "!!!"])
def test_no_suggestions_for_nonsense(text: str) -> None:
    assert suggest_timezones(text) == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DE", "Europe/Berlin"),
        ("de", "Europe/Berlin"),
        ("US", "America/New_York"),
        ("IN", "Asia/Kolkata"),
        ("BR", "America/Sao_Paulo"),
        ("RU", "Europe/Moscow"),
        ("AU", "Australia/Sydney"),
        ("CN", "Asia/Shanghai"),
        ("UA", "Europe/Kyiv"),
        ("NP", "Asia/Kathmandu"),
    ],
)
def test_country_default_timezone(code: str, expected: str) -> None:
    assert country_default_timezone(code) == expected


@pytest.mark.parametrize("code", ["", "XX", "DEU", "Germany", "zz"])
def test_country_default_timezone_unknown(code: str) -> None:
    assert country_default_timezone(code) is None


def test_country_table_size() -> None:
    assert len(timezones.COUNTRIES) >= 60
    assert all(len(code) == 2 and code.isupper() for code in timezones.COUNTRIES)
