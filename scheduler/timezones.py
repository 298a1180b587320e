"""Turn what a user types about where they are into an IANA time zone name.

People answer "Which city's time are you on?" with "Berlin", "new york", "São Paulo", "NYC",
"UTC+2", "europe/berlin" or their country. :func:`resolve_timezone` maps all of these to a zone
key that ``zoneinfo.ZoneInfo`` accepts; :func:`suggest_timezones` offers close matches for a typo
so the bot can ask "Did you mean ...?" instead of failing; :func:`country_choices` gives the
clocks of a country that has more than one ("Australia"), so the bot can ask which is theirs.

What is known about countries comes from the tables the tzdata package ships: ``iso3166.tab``
(names) and ``zone.tab`` / ``zone1970.tab`` (each country's zones, with comments). A country's
zones whose clocks agree from now on count as one clock, so "Germany" (Europe/Berlin and
Europe/Busingen) resolves directly and "Australia" does not. The city index is every key of
``zoneinfo.available_timezones()`` keyed by its last component. Hand-kept below is only what those
files cannot say: big cities that are not zone keys, abbreviations, legacy names, names people
type for countries, and a few deliberate defaults. Everything is built once, on first use.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

__all__ = [
    "Country",
    "ZoneChoice",
    "countries",
    "country_choices",
    "resolve_timezone",
    "suggest_timezones",
]

# Longer input is not a place name; refusing it early keeps difflib cheap on hostile text.
_MAX_INPUT = 100

# --- hand-kept data ---------------------------------------------------------------------------

# Zone keys that tzdata keeps only for backward compatibility, as current name -> comma-separated
# old names. Only renames and exact aliases are listed: zones that tzdata merged because their
# clocks agree since 1970 (Europe/Oslo and Europe/Berlin, say) stay as the user's own city. Not
# derived from tzdata.zi's links: those point at the merged zone (Iceland -> Africa/Abidjan).
_LEGACY_TABLE: dict[str, str] = {
    "America/Adak": "America/Atka",
    "America/Argentina/Buenos_Aires": "America/Buenos_Aires",
    "America/Argentina/Catamarca": "America/Catamarca",
    "America/Argentina/Cordoba": "America/Cordoba, America/Rosario",
    "America/Atikokan": "America/Coral_Harbour",
    "America/Tijuana": "America/Ensenada, America/Santa_Isabel",
    "America/Indiana/Indianapolis": "America/Fort_Wayne, America/Indianapolis",
    "America/Nuuk": "America/Godthab",
    "America/Argentina/Jujuy": "America/Jujuy",
    "America/Indiana/Knox": "America/Knox_IN",
    "America/Kentucky/Louisville": "America/Louisville",
    "America/Argentina/Mendoza": "America/Mendoza",
    "America/Rio_Branco": "America/Porto_Acre",
    "America/Denver": "America/Shiprock, US/Mountain, Navajo",
    "America/St_Thomas": "America/Virgin",
    "Asia/Ashgabat": "Asia/Ashkhabad",
    "Asia/Kolkata": "Asia/Calcutta",
    "Asia/Shanghai": "Asia/Chongqing, Asia/Chungking, Asia/Harbin, PRC",
    "Asia/Dhaka": "Asia/Dacca",
    "Europe/Istanbul": "Asia/Istanbul, Turkey",
    "Asia/Urumqi": "Asia/Kashgar",
    "Asia/Kathmandu": "Asia/Katmandu",
    "Asia/Macau": "Asia/Macao",
    "Asia/Yangon": "Asia/Rangoon",
    "Asia/Ho_Chi_Minh": "Asia/Saigon",
    "Asia/Jerusalem": "Asia/Tel_Aviv, Israel",
    "Asia/Thimphu": "Asia/Thimbu",
    "Asia/Makassar": "Asia/Ujung_Pandang",
    "Asia/Ulaanbaatar": "Asia/Ulan_Bator",
    "Atlantic/Faroe": "Atlantic/Faeroe",
    "Australia/Sydney": "Australia/ACT, Australia/Canberra, Australia/NSW",
    "Australia/Lord_Howe": "Australia/LHI",
    "Australia/Darwin": "Australia/North",
    "Australia/Brisbane": "Australia/Queensland",
    "Australia/Adelaide": "Australia/South",
    "Australia/Hobart": "Australia/Tasmania",
    "Australia/Melbourne": "Australia/Victoria",
    "Australia/Perth": "Australia/West",
    "Australia/Broken_Hill": "Australia/Yancowinna",
    "Europe/London": "Europe/Belfast, GB, GB-Eire",
    "Europe/Kyiv": "Europe/Kiev, Europe/Uzhgorod, Europe/Zaporozhye",
    "Asia/Nicosia": "Europe/Nicosia",
    "Europe/Chisinau": "Europe/Tiraspol",
    "Pacific/Kanton": "Pacific/Enderbury",
    "Pacific/Pohnpei": "Pacific/Ponape",
    "Pacific/Pago_Pago": "Pacific/Samoa",
    "Pacific/Chuuk": "Pacific/Truk, Pacific/Yap",
    "America/Sao_Paulo": "Brazil/East",
    "America/Halifax": "Canada/Atlantic",
    "America/Winnipeg": "Canada/Central",
    "America/Toronto": "Canada/Eastern",
    "America/Edmonton": "Canada/Mountain",
    "America/St_Johns": "Canada/Newfoundland",
    "America/Vancouver": "Canada/Pacific",
    "America/Mexico_City": "Mexico/General",
    "America/Anchorage": "US/Alaska",
    "America/Phoenix": "US/Arizona",
    "America/Chicago": "US/Central",
    "America/New_York": "US/Eastern",
    "Pacific/Honolulu": "US/Hawaii",
    "America/Los_Angeles": "US/Pacific",
    "America/Havana": "Cuba",
    "Africa/Cairo": "Egypt",
    "Europe/Dublin": "Eire",
    "Asia/Hong_Kong": "Hongkong",
    "Atlantic/Reykjavik": "Iceland",
    "Asia/Tehran": "Iran",
    "America/Jamaica": "Jamaica",
    "Asia/Tokyo": "Japan",
    "Pacific/Kwajalein": "Kwajalein",
    "Africa/Tripoli": "Libya",
    "Pacific/Auckland": "NZ",
    "Pacific/Chatham": "NZ-CHAT",
    "Europe/Warsaw": "Poland",
    "Europe/Lisbon": "Portugal",
    "Asia/Taipei": "ROC",
    "Asia/Seoul": "ROK",
    "Asia/Singapore": "Singapore",
    "Europe/Moscow": "W-SU",
    "UTC": (
        "Etc/GMT, Etc/GMT+0, Etc/GMT-0, Etc/GMT0, Etc/Greenwich, Etc/UCT, Etc/UTC, Etc/Universal, "
        "Etc/Zulu, GMT, GMT+0, GMT-0, GMT0, Greenwich, UCT, Universal, Zulu"
    ),
}
LEGACY_ZONES: dict[str, str] = {
    old.strip(): zone for zone, olds in _LEGACY_TABLE.items() for old in olds.split(",")
}

# Names people use that are not (the last part of) a zone key: big cities, capitals, common
# spellings and abbreviations, as zone -> comma-separated names. Names are written as typed; they
# are normalised when indexed. Ambiguous abbreviations go to the zone most people who type them
# mean (IST: India).
_CITY_ALIASES: dict[str, str] = {
    # North America
    "America/New_York": (
        "NYC, New York City, Manhattan, Brooklyn, Washington, Washington DC, DC, Boston, "
        "Philadelphia, Atlanta, Miami, Orlando, Pittsburgh, Charlotte, Baltimore, Cleveland"
    ),
    "America/Chicago": (
        "Houston, Dallas, Austin, San Antonio, New Orleans, Minneapolis, St Louis, Kansas City, "
        "Nashville"
    ),
    "America/Denver": "Salt Lake City, Albuquerque",
    "America/Los_Angeles": (
        "LA, San Francisco, SF, San Diego, San Jose, Seattle, Portland, Las Vegas, Sacramento"
    ),
    "Pacific/Honolulu": "Honolulu, Hawaii",
    "America/Anchorage": "Alaska",
    "America/Toronto": "Ottawa, Montreal, Quebec",
    "America/Edmonton": "Calgary",
    "America/Mexico_City": "Guadalajara, Puebla, CDMX",
    # Latin America
    "America/Sao_Paulo": "Rio, Rio de Janeiro, Brasilia, Belo Horizonte, Porto Alegre, Curitiba",
    "America/Bogota": "Medellin, Cali",
    "America/Guayaquil": "Quito",
    "America/Santiago": "Valparaiso",
    # Europe
    "Europe/Berlin": "Munich, Hamburg, Frankfurt, Cologne, Stuttgart, Dusseldorf, Leipzig, Dresden",
    "Europe/London": (
        "Manchester, Birmingham, Liverpool, Leeds, Bristol, Edinburgh, Glasgow, Cardiff, Belfast"
    ),
    "Europe/Dublin": "Cork",
    "Europe/Paris": "Lyon, Marseille, Toulouse, Nice",
    "Europe/Rome": "Milan, Naples, Turin, Florence, Venice",
    "Europe/Madrid": "Barcelona, Valencia, Seville",
    "Europe/Lisbon": "Porto",
    "Europe/Amsterdam": "Rotterdam, The Hague",
    "Europe/Brussels": "Antwerp",
    "Europe/Zurich": "Geneva, Basel, Bern",
    "Europe/Vienna": "Salzburg",
    "Europe/Warsaw": "Krakow, Wroclaw, Gdansk, Lodz",
    "Europe/Stockholm": "Gothenburg",
    "Europe/Athens": "Thessaloniki",
    "Europe/Kyiv": "Kiev, Lviv, Odesa, Odessa, Kharkiv, Dnipro",
    "Europe/Moscow": "St Petersburg, Petersburg",
    "Europe/Istanbul": "Ankara, Izmir",
    # Middle East, Africa
    "Asia/Jerusalem": "Tel Aviv, Haifa",
    "Asia/Dubai": "Abu Dhabi, Sharjah",
    "Asia/Riyadh": "Jeddah, Mecca, Medina",
    "Asia/Qatar": "Doha",
    "Africa/Cairo": "Alexandria, Giza",
    "Africa/Lagos": "Abuja, Ibadan, Kano",
    "Africa/Johannesburg": "Cape Town, Durban, Pretoria",
    "Africa/Nairobi": "Mombasa",
    "Africa/Casablanca": "Rabat, Marrakech",
    # Asia, Oceania
    "Asia/Kolkata": (
        "Mumbai, Bombay, Delhi, New Delhi, Bangalore, Bengaluru, Chennai, Madras, Hyderabad, Pune, "
        "Ahmedabad, Jaipur, Lucknow"
    ),
    "Asia/Karachi": "Islamabad, Lahore",
    "Asia/Dhaka": "Chittagong",
    "Asia/Shanghai": (
        "Beijing, Peking, Shenzhen, Guangzhou, Chengdu, Wuhan, Hangzhou, Nanjing, Tianjin, Xian"
    ),
    "Asia/Tokyo": "Osaka, Kyoto, Yokohama, Nagoya, Sapporo, Fukuoka",
    "Asia/Seoul": "Busan, Incheon",
    "Asia/Ho_Chi_Minh": "Hanoi, Saigon, Ho Chi Minh City, HCMC",
    "Asia/Manila": "Cebu, Quezon City",
    "Asia/Jakarta": "Surabaya, Bandung",
    "Asia/Makassar": "Bali, Denpasar",
    "Asia/Kuala_Lumpur": "Penang, KL",
    "Asia/Bangkok": "Phuket, Chiang Mai",
    "Asia/Kathmandu": "Pokhara",
    "Australia/Sydney": "Canberra",
    "Australia/Brisbane": "Gold Coast",
    "Pacific/Auckland": "Wellington, Christchurch",
}

_ABBREVIATIONS: dict[str, str] = {
    "UTC": "UTC, GMT, Z, Zulu",
    "America/New_York": "ET, EST, EDT, Eastern",
    "America/Chicago": "CT, CST, CDT, Central",
    "America/Denver": "MT, MST, MDT, Mountain",
    "America/Los_Angeles": "PT, PST, PDT, Pacific",
    "America/Anchorage": "AKST",
    "Pacific/Honolulu": "HST",
    "Europe/London": "BST",
    "Europe/Lisbon": "WET",
    "Europe/Paris": "CET, CEST",
    "Europe/Athens": "EET, EEST",
    "Europe/Moscow": "MSK",
    "Asia/Kolkata": "IST",
    "Asia/Karachi": "PKT",
    "Asia/Jakarta": "WIB",
    "Asia/Singapore": "SGT",
    "Asia/Hong_Kong": "HKT",
    "Asia/Tokyo": "JST",
    "Asia/Seoul": "KST",
    "Australia/Sydney": "AEST, AEDT",
    "Australia/Adelaide": "ACST",
    "Australia/Perth": "AWST",
    "Pacific/Auckland": "NZST, NZDT",
}

ALIASES: dict[str, str] = {
    name.strip(): zone
    for table in (_CITY_ALIASES, _ABBREVIATIONS)
    for zone, names in table.items()
    for name in names.split(",")
}

# Names people type for a country that iso3166.tab's English names ("Britain (UK)", "Korea
# (South)", "Czech Republic", "Côte d’Ivoire") do not give: short forms, other official names, and
# the names in the bot's other languages (de, es, fr, ru) for countries their speakers live in.
_COUNTRY_NAMES_TABLE: dict[str, str] = {
    "US": "USA, US, America, United States of America, Estados Unidos, États-Unis",
    "GB": "UK, United Kingdom, Great Britain, England, Scotland, Wales, Northern Ireland",
    "AE": "UAE, Emirates",
    "CD": "DR Congo, Congo-Kinshasa",
    "CI": "Ivory Coast",
    "CZ": "Czechia",
    "KR": "Korea",
    "MM": "Burma",
    "NL": "Holland",
    "TR": "Türkiye",
    "VN": "Viet Nam",
    "DE": "Deutschland",
    "AT": "Österreich",
    "CH": "Schweiz, Suisse",
    "ES": "España",
    "BR": "Brasil",
    "IT": "Italia",
    "RU": "Россия",
    "UA": "Украина, Україна",
    "BY": "Беларусь",
    "KZ": "Казахстан",
}
COUNTRY_NAMES: dict[str, str] = {
    name.strip(): code for code, names in _COUNTRY_NAMES_TABLE.items() for name in names.split(",")
}

# zone.tab orders a country's zones roughly west to east, not by how many people live in them.
# These zones are listed first, in this order, when the bot offers a country's clocks; the first
# is where most of the country's people live. (Elsewhere zone.tab's first zone already is.)
PREFERRED_ZONES: dict[str, tuple[str, ...]] = {
    "AU": (
        "Australia/Sydney",
        "Australia/Brisbane",
        "Australia/Adelaide",
        "Australia/Darwin",
        "Australia/Perth",
    ),
    "BR": ("America/Sao_Paulo", "America/Manaus", "America/Rio_Branco"),
    "CA": ("America/Toronto", "America/Vancouver"),
    "RU": ("Europe/Moscow",),
    "UA": ("Europe/Kyiv",),
}

# Countries whose name alone stands for their official time although the tab files give them a
# second clock: China keeps Beijing time nationwide (Asia/Urumqi is the informal Xinjiang time);
# Ukraine's time is Kyiv's (Europe/Simferopol is Crimea, on Moscow time under occupation). People
# on the other clock type their city, and the bot shows the clock for confirmation either way.
ONE_OFFICIAL_TIME = frozenset({"CN", "UA"})

# Fixed offsets that are not whole hours have no Etc/ zone; these zones keep that offset all
# year (no DST), so they are exact stand-ins. Others (-03:30 Newfoundland, +10:30 Lord Howe) do
# change with DST and are deliberately absent: the user is asked for a city instead.
_FRACTIONAL_OFFSETS: dict[tuple[int, int], str] = {
    (3, 30): "Asia/Tehran",
    (4, 30): "Asia/Kabul",
    (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu",
    (6, 30): "Asia/Yangon",
    (8, 45): "Australia/Eucla",
    (9, 30): "Australia/Darwin",
    (-9, 30): "Pacific/Marquesas",
}

# Top-level folders of real places; the rest (Etc, US, Canada, ...) are legacy or technical.
_REGIONS = frozenset(
    "Africa America Antarctica Arctic Asia Atlantic Australia Europe Indian Pacific".split()
)
# Last components too generic to stand for a place on their own.
_NOT_CITIES = frozenset({"west", "north", "south", "east", "act", "nsw", "lhi"})
# Keys that exist on some systems but name no place.
_IGNORED_KEYS = frozenset({"Factory", "localtime"})

# --- normalisation ----------------------------------------------------------------------------

# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATE = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"})
_SAINT = re.compile(r"\b(?:saint|sankt)\b")


def _normalize(text: str) -> str:
    """Comparable form: no accents, case-folded, separators as single spaces, "saint" as "st"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for separator in ("_", "-", ".", ","):
        plain = plain.replace(separator, " ")
    plain = plain.replace("'", "").replace("’", "").replace("&", " and ")
    plain = re.sub(r"\s*/\s*", "/", " ".join(plain.split()))
    return _SAINT.sub("st", plain)


def _canonical(key: str) -> str:
    return LEGACY_ZONES.get(key, key)


# --- countries, from the tzdata tables ---------------------------------------------------------

_ZONEINFO = resources.files("tzdata") / "zoneinfo"
# Zones of a country whose UTC offsets agree at noon UTC every second day of the coming year
# share one clock. Clocks that differed for less than two days in a row would merge (no country
# has such zones today, and daily sampling would make the first lookup take twice as long).
_CLOCK_SAMPLES = range(0, 366, 2)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """One of a country's clocks: a zone key and a label to show ("Perth (Western Australia)")."""

    zone: str
    label: str


@dataclass(frozen=True, slots=True)
class Country:
    """A country or territory of iso3166.tab and the clocks the tzdata tables give it."""

    code: str
    name: str  # iso3166.tab's English name
    zones: tuple[str, ...]  # every zone of the country: preferred first, then zone.tab's order
    choices: tuple[ZoneChoice, ...]  # one zone per distinct clock, in the same order

    @property
    def zone(self) -> str | None:
        """The zone the country's name alone stands for: its only clock, or its official one."""
        if len(self.choices) == 1 or self.code in ONE_OFFICIAL_TIME:
            return self.choices[0].zone
        return None


def _tab_rows(name: str) -> Iterator[list[str]]:
    """The data rows of one of tzdata's .tab files, split into columns."""
    for line in (_ZONEINFO / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def _zones_by_country() -> dict[str, list[tuple[str, str]]]:
    """Country code -> [(zone, comment)]. zone.tab first: one country per row, under the
    country's own zone name (Europe/Oslo, not the Europe/Berlin it shares since 1970);
    zone1970.tab only for a country zone.tab does not list."""
    found: dict[str, list[tuple[str, str]]] = {}
    for code, _, zone, *comment in _tab_rows("zone.tab"):
        found.setdefault(code, []).append((_canonical(zone), "".join(comment)))
    extra: dict[str, list[tuple[str, str]]] = {}
    for codes, _, zone, *comment in _tab_rows("zone1970.tab"):
        for code in codes.split(","):
            if code not in found:
                extra.setdefault(code, []).append((_canonical(zone), "".join(comment)))
    return found | extra


def _clock(zone: str, moments: tuple[datetime, ...]) -> tuple[timedelta | None, ...]:
    tz = ZoneInfo(zone)
    return tuple(moment.astimezone(tz).utcoffset() for moment in moments)


def _region(comment: str) -> str:
    """A tab comment without its parentheses: "Western Australia (most areas)" -> "Western
    Australia", "Atlantic - NS (most areas), PE" -> "Atlantic - NS, PE"."""
    return " ".join(_PARENTHESES.sub("", comment).split()).strip(" ,-")


def _label(zone: str, region: str) -> str:
    """ "Perth (Western Australia)": the zone's city, and the region unless it only repeats the
    city ("MSK+00 - Moscow area") or there is none."""
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    if not region or _normalize(city) in _normalize(region):
        return city
    return f"{city} ({region})"


def _country(
    code: str, name: str, rows: list[tuple[str, str]], moments: tuple[datetime, ...]
) -> Country:
    """The country with its zones in the order to offer them, one choice per clock."""
    preferred = PREFERRED_ZONES.get(code, ())
    rank = {zone: i for i, zone in enumerate(preferred)}
    rows = sorted(rows, key=lambda row: rank.get(row[0], len(preferred)))
    picked: dict[tuple[timedelta | None, ...], tuple[str, str]] = {}
    for zone, comment in rows:
        clock = _clock(zone, moments) if len(rows) > 1 else ()
        picked.setdefault(clock, (zone, _region(comment)))
    # A region that tells no clocks apart is left out: the country's own name ("Brazil"), or
    # the same region for every clock ("Dem. Rep. of Congo", once "(west)" and "(east)" are gone).
    regions = {region for _, region in picked.values()}
    vague = {name, *regions} if len(regions) == 1 else {name}
    choices = [
        ZoneChoice(zone, _label(zone, "" if region in vague else region))
        for zone, region in picked.values()
    ]
    return Country(code, name, tuple(zone for zone, _ in rows), tuple(choices))


@functools.cache
def countries() -> Mapping[str, Country]:
    """Every iso3166.tab country that zone.tab or zone1970.tab gives a zone, by code.

    "From now on" is the next year from the first call; a running bot keeps that view (the
    tzdata tables themselves only change when the package is upgraded and the bot restarted).
    """
    names = {row[0]: row[1] for row in _tab_rows("iso3166.tab")}
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    moments = tuple(noon + timedelta(days=day) for day in _CLOCK_SAMPLES)
    return {
        code: _country(code, names.get(code, code), rows, moments)
        for code, rows in sorted(_zones_by_country().items())
    }


@functools.cache
def _country_names() -> dict[str, str]:
    """Normalised name -> country code: iso3166.tab's names; "Korea (South)" also as "South
    Korea", and as "Korea" where no other country shares that part; then COUNTRY_NAMES."""
    found: dict[str, str] = {}
    bare: dict[str, list[str]] = {}
    for code, country in countries().items():
        found[_normalize(country.name)] = code
        base, bracket, qualifier = country.name.partition(" (")
        if bracket:
            found[_normalize(f"{qualifier.rstrip(')')} {base}")] = code
            bare.setdefault(_normalize(base), []).append(code)
    for base, codes in bare.items():
        if len(codes) == 1:
            found.setdefault(base, codes[0])
    for name, code in COUNTRY_NAMES.items():
        if code in countries():
            found[_normalize(name)] = code
    return found


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    lookup: dict[str, str]  # normalised name -> zone key
    names: tuple[str, ...]  # lookup's keys, for fuzzy matching


@functools.cache
def _index() -> _Index:
    """Built on first use: about 1,500 names, well under a millisecond to query."""
    keys = sorted(available_timezones() - _IGNORED_KEYS)
    lookup: dict[str, str] = {}
    # Later sources overwrite earlier ones: countries < cities < full keys < aliases. A country
    # enters only if its name alone says its time; country_choices handles the others.
    for name, code in _country_names().items():
        zone = countries()[code].zone
        if zone is not None:
            lookup[name] = zone
    # Deeper keys first, so the shallower legacy duplicate (America/Buenos_Aires) never wins
    # over America/Argentina/Buenos_Aires; both then pass through _canonical anyway.
    cities: dict[str, str] = {}
    for key in sorted(keys, key=lambda k: -k.count("/")):
        if key.split("/", 1)[0] not in _REGIONS or "/" not in key:
            continue
        city = _normalize(key.rsplit("/", 1)[1])
        if city not in _NOT_CITIES:
            cities.setdefault(city, _canonical(key))
    lookup.update(cities)
    for key in keys:
        lookup[_normalize(key)] = _canonical(key)
    for alias, zone in ALIASES.items():
        lookup[_normalize(alias)] = zone
    return _Index(lookup=lookup, names=tuple(lookup))


_OFFSET = re.compile(
    r"(?:utc|gmt|z)?\s*([+-])\s*(\d{1,2})(?:\s*(?::|\.|h)?\s*(\d{2}))?\s*(?:h|hrs?|hours?)?"
)


def _offset_zone(text: str) -> tuple[bool, str | None]:
    """(looks like a UTC offset, its zone). Whole hours map to Etc/GMT zones, sign inverted."""
    cleaned = text.casefold().replace("−", "-").replace("–", "-").strip()
    match = _OFFSET.fullmatch(cleaned)
    if match is None:
        return False, None
    sign = 1 if match.group(1) == "+" else -1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes:
        return True, _FRACTIONAL_OFFSETS.get((sign * hours, minutes))
    if hours == 0:
        return True, "UTC"
    if (sign > 0 and hours > 14) or (sign < 0 and hours > 12):
        return True, None
    # POSIX-style names: Etc/GMT-2 is two hours AHEAD of UTC (UTC+2).
    return True, f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"


def resolve_timezone(text: str) -> str | None:
    """The IANA zone a user means by ``text``, or None if we cannot tell.

    Understands zone keys in any case ("europe/berlin"), city names with or without accents
    ("São Paulo", "sao paulo", "new york"), big cities that are not zone keys ("Mumbai",
    "San Francisco"), short forms ("NYC", "LA", "PST"), names of countries that keep one time
    ("Germany", "UK"), "City, Country" ("Berlin, Germany") and UTC offsets ("UTC+2", "GMT-5",
    "+05:30"). Returned names are current tzdata keys (Europe/Kiev becomes Europe/Kyiv).
    """
    if not text or len(text) > _MAX_INPUT:
        return None
    looks_like_offset, zone = _offset_zone(text)
    if looks_like_offset:
        return zone
    lookup = _index().lookup
    found = lookup.get(_normalize(text))
    if found is None and "," in text:
        # "Berlin, Germany", "Portland, Oregon": the place comes first.
        found = lookup.get(_normalize(text.split(",", 1)[0]))
    return found


def suggest_timezones(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` zone keys whose names are close to ``text``, best first ("Berln")."""
    if not text or len(text) > _MAX_INPUT or limit <= 0:
        return []
    exact = resolve_timezone(text)
    suggestions: list[str] = [exact] if exact else []
    index = _index()
    wanted = _normalize(text)
    # Ask difflib for extra candidates: several names can lead to one zone.
    for name in difflib.get_close_matches(wanted, index.names, n=limit * 4, cutoff=0.7):
        zone = index.lookup[name]
        if zone not in suggestions:
            suggestions.append(zone)
    return suggestions[:limit]


def country_choices(text: str) -> Country | None:
    """The country ``text`` names ("Australia", "USA", "Россия") if it has several clocks, so the
    bot must ask which one; None otherwise. Meant for text :func:`resolve_timezone` refused."""
    if not text or len(text) > _MAX_INPUT:
        return None
    code = _country_names().get(_normalize(text))
    country = countries().get(code) if code else None
    return country if country is not None and country.zone is None else None
