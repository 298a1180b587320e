"""Tests for scheduler.timezones: from what a user types to an IANA zone key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

import pytest

from scheduler import timezones
from scheduler.timezones import (
    countries,
    country_choices,
    resolve_timezone,
    suggest_timezones,
)


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
    assert {zone for c in countries().values() for zone in c.zones} <= keys
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


# --- countries, from the tzdata tables -------------------------------------------------------


def _tab(name: str) -> list[list[str]]:
    """Read a tzdata .tab file here too, independently of the module under test."""
    text = (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _same_clock(a: str, b: str) -> bool:
    """Same UTC offset every third day for the coming year."""
    start = datetime.now(UTC)
    moments = [start + timedelta(days=day) for day in range(0, 366, 3)]
    return all(
        m.astimezone(ZoneInfo(a)).utcoffset() == m.astimezone(ZoneInfo(b)).utcoffset()
        for m in moments
    )


def test_every_iso3166_country_with_a_zone_is_covered() -> None:
    names = {row[0]: row[1] for row in _tab("iso3166.tab")}
    in_zone_tab: dict[str, list[str]] = {}
    for row in _tab("zone.tab"):
        in_zone_tab.setdefault(row[0], []).append(row[2])
    in_zone1970 = {code for row in _tab("zone1970.tab") for code in row[0].split(",")}
    with_zone = (set(in_zone_tab) | in_zone1970) & set(names)
    table = countries()
    assert len(with_zone) > 240
    assert with_zone <= set(table)
    for code in with_zone:
        country = table[code]
        assert country.code == code
        assert country.name == names[code]
        assert country.choices, code
        if code in in_zone_tab:
            assert sorted(country.zones) == sorted(in_zone_tab[code]), code


def test_country_zones_and_choices_are_consistent() -> None:
    keys = available_timezones()
    for code, country in countries().items():
        assert len(code) == 2 and code.isupper()
        assert set(country.zones) <= keys - set(timezones.LEGACY_ZONES), code
        chosen = [choice.zone for choice in country.choices]
        assert len(chosen) == len(set(chosen)), code
        assert set(chosen) <= set(country.zones), code
        assert chosen[0] == country.zones[0], code
        # Each zone of the country keeps the clock of one of the choices.
        for zone in country.zones:
            assert any(_same_clock(zone, choice) for choice in chosen), (code, zone)


def test_countries_with_one_clock_resolve_by_name() -> None:
    single = [c for c in countries().values() if len(c.choices) == 1]
    assert len(single) > 200
    for country in single:
        assert country.zone == country.choices[0].zone
        assert resolve_timezone(country.name) == country.zone, country.name
        assert country_choices(country.name) is None


def test_countries_with_several_clocks_list_their_choices() -> None:
    several = [c for c in countries().values() if c.zone is None]
    assert {"AU", "BR", "CA", "MX", "RU", "US"} <= {c.code for c in several}
    for country in several:
        assert len(country.choices) >= 2
        offered = country_choices(country.name)
        assert offered is not None and offered.code == country.code
        # "Portugal" is also a legacy zone key (Europe/Lisbon), which wins.
        if country.code != "PT":
            assert resolve_timezone(country.name) is None, country.name
        for choice in country.choices:
            assert choice.label, country.code
            # The person answers by typing the city the label starts with.
            city = choice.label.split(" (", 1)[0]
            assert resolve_timezone(city) == choice.zone, (country.code, choice.label)


@pytest.mark.parametrize(
    ("text", "code", "first", "also"),
    [
        ("Australia", "AU", "Australia/Sydney", "Australia/Perth"),
        ("australia", "AU", "Australia/Sydney", "Australia/Brisbane"),
        ("United States", "US", "America/New_York", "America/Los_Angeles"),
        ("USA", "US", "America/New_York", "Pacific/Honolulu"),
        ("America", "US", "America/New_York", "America/Chicago"),
        ("Russia", "RU", "Europe/Moscow", "Asia/Vladivostok"),
        ("Россия", "RU", "Europe/Moscow", "Europe/Kaliningrad"),
        ("Canada", "CA", "America/Toronto", "America/Vancouver"),
        ("Brazil", "BR", "America/Sao_Paulo", "America/Manaus"),
        ("Brasil", "BR", "America/Sao_Paulo", "America/Noronha"),
        ("Mexico", "MX", "America/Mexico_City", "America/Tijuana"),
        ("Spain", "ES", "Europe/Madrid", "Atlantic/Canary"),
        ("España", "ES", "Europe/Madrid", "Atlantic/Canary"),
        ("Indonesia", "ID", "Asia/Jakarta", "Asia/Jayapura"),
        ("DR Congo", "CD", "Africa/Kinshasa", "Africa/Lubumbashi"),
        ("New Zealand", "NZ", "Pacific/Auckland", "Pacific/Chatham"),
    ],
)
def test_country_choices(text: str, code: str, first: str, also: str) -> None:
    assert resolve_timezone(text) is None
    country = country_choices(text)
    assert country is not None and country.code == code
    zones = [choice.zone for choice in country.choices]
    assert zones[0] == first and also in zones


def test_choice_labels_are_readable() -> None:
    labels = {c.zone: c.label for c in countries()["AU"].choices}
    assert labels["Australia/Perth"] == "Perth (Western Australia)"
    assert labels["Australia/Sydney"] == "Sydney (New South Wales)"
    labels = {c.zone: c.label for c in countries()["US"].choices}
    assert labels["America/New_York"] == "New York (Eastern)"
    assert labels["America/Los_Angeles"] == "Los Angeles (Pacific)"
    # A region that only repeats the country or the city is left out.
    assert countries()["BR"].choices[0].label == "Sao Paulo"
    assert countries()["RU"].choices[0].label == "Moscow"
    assert [c.label for c in countries()["CD"].choices] == ["Kinshasa", "Lubumbashi"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one clock, from the tab files (Germany's Europe/Busingen keeps Berlin's clock)
        ("Germany", "Europe/Berlin"),
        ("Deutschland", "Europe/Berlin"),
        ("Argentina", "America/Argentina/Buenos_Aires"),
        ("Kazakhstan", "Asia/Almaty"),
        ("Norway", "Europe/Oslo"),
        ("Czech Republic", "Europe/Prague"),
        ("Czechia", "Europe/Prague"),
        ("Korea (South)", "Asia/Seoul"),
        ("South Korea", "Asia/Seoul"),
        ("Korea", "Asia/Seoul"),
        ("North Korea", "Asia/Pyongyang"),
        ("Britain (UK)", "Europe/London"),
        ("UK", "Europe/London"),
        ("United Kingdom", "Europe/London"),
        ("England", "Europe/London"),
        ("Côte d'Ivoire", "Africa/Abidjan"),
        ("Ivory Coast", "Africa/Abidjan"),
        ("Myanmar", "Asia/Yangon"),
        ("Burma", "Asia/Yangon"),
        ("Trinidad & Tobago", "America/Port_of_Spain"),
        ("Trinidad and Tobago", "America/Port_of_Spain"),
        ("Türkiye", "Europe/Istanbul"),
        ("Samoa (western)", "Pacific/Apia"),
        # one official time although the tab files give a second clock
        ("China", "Asia/Shanghai"),
        ("Ukraine", "Europe/Kyiv"),
        ("Україна", "Europe/Kyiv"),
    ],
)
def test_countries_that_resolve(text: str, expected: str) -> None:
    assert resolve_timezone(text) == expected
    assert country_choices(text) is None


@pytest.mark.parametrize("text", ["", "Narnia", "Berlin", "Congo", "x" * 500, "UTC+2"])
def test_no_country_choices(text: str) -> None:
    assert country_choices(text) is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DE", "Europe/Berlin"),
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
def test_first_choice_is_where_most_people_live(code: str, expected: str) -> None:
    assert countries()[code].choices[0].zone == expected


@pytest.mark.parametrize("code", ["", "XX", "DEU", "Germany", "zz", "de"])
def test_unknown_country_codes(code: str) -> None:
    assert code not in countries()


def test_hand_kept_country_data_is_live() -> None:
    table = countries()
    assert set(timezones.COUNTRY_NAMES.values()) <= set(table)
    for code, zones in timezones.PREFERRED_ZONES.items():
        assert set(zones) <= set(table[code].zones), code
        # A preferred zone that shared a clock with an earlier one would never be offered.
        assert [c.zone for c in table[code].choices[: len(zones)]] == list(zones), code
    for code in timezones.ONE_OFFICIAL_TIME:
        assert len(table[code].choices) > 1, code
