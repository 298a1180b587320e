"""Turn what a user types about where they are into an IANA time zone name.

People answer "Which city's time are you on?" with "Berlin", "new york", "São Paulo", "NYC",
"UTC+2" or "europe/berlin". :func:`resolve_timezone` maps all of these to a zone key that
``zoneinfo.ZoneInfo`` accepts; :func:`suggest_timezones` offers close matches for a typo so the
bot can ask "Did you mean ...?" instead of failing; :func:`country_default_timezone` gives a
sensible starting guess from a two-letter country code.

The city index is every key of ``zoneinfo.available_timezones()`` (the tzdata package ships them)
keyed by its last component, plus the small tables below for big cities that are not zone keys,
common abbreviations and a few countries. It is built once, on first use.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import available_timezones

__all__ = ["country_default_timezone", "resolve_timezone", "suggest_timezones"]

# Longer input is not a place name; refusing it early keeps difflib cheap on hostile text.
_MAX_INPUT = 100

# --- data -----------------------------------------------------------------------------------

# Zone keys that tzdata keeps only for backward compatibility, mapped to the current name.
# Only renames and exact aliases are listed: zones that tzdata merged because their clocks agree
# since 1970 (Europe/Oslo and Europe/Berlin, say) stay as the user's own city.
LEGACY_ZONES: dict[str, str] = {
    "America/Atka": "America/Adak",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Cordoba": "America/Argentina/Cordoba",
    "America/Coral_Harbour": "America/Atikokan",
    "America/Ensenada": "America/Tijuana",
    "America/Fort_Wayne": "America/Indiana/Indianapolis",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Jujuy": "America/Argentina/Jujuy",
    "America/Knox_IN": "America/Indiana/Knox",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Mendoza": "America/Argentina/Mendoza",
    "America/Porto_Acre": "America/Rio_Branco",
    "America/Rosario": "America/Argentina/Cordoba",
    "America/Santa_Isabel": "America/Tijuana",
    "America/Shiprock": "America/Denver",
    "America/Virgin": "America/St_Thomas",
    "Asia/Ashkhabad": "Asia/Ashgabat",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Chongqing": "Asia/Shanghai",
    "Asia/Chungking": "Asia/Shanghai",
    "Asia/Dacca": "Asia/Dhaka",
    "Asia/Harbin": "Asia/Shanghai",
    "Asia/Istanbul": "Europe/Istanbul",
    "Asia/Kashgar": "Asia/Urumqi",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Macao": "Asia/Macau",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Tel_Aviv": "Asia/Jerusalem",
    "Asia/Thimbu": "Asia/Thimphu",
    "Asia/Ujung_Pandang": "Asia/Makassar",
    "Asia/Ulan_Bator": "Asia/Ulaanbaatar",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Australia/ACT": "Australia/Sydney",
    "Australia/Canberra": "Australia/Sydney",
    "Australia/LHI": "Australia/Lord_Howe",
    "Australia/NSW": "Australia/Sydney",
    "Australia/North": "Australia/Darwin",
    "Australia/Queensland": "Australia/Brisbane",
    "Australia/South": "Australia/Adelaide",
    "Australia/Tasmania": "Australia/Hobart",
    "Australia/Victoria": "Australia/Melbourne",
    "Australia/West": "Australia/Perth",
    "Australia/Yancowinna": "Australia/Broken_Hill",
    "Europe/Belfast": "Europe/London",
    "Europe/Kiev": "Europe/Kyiv",
    "Europe/Nicosia": "Asia/Nicosia",
    "Europe/Tiraspol": "Europe/Chisinau",
    "Europe/Uzhgorod": "Europe/Kyiv",
    "Europe/Zaporozhye": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Samoa": "Pacific/Pago_Pago",
    "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Yap": "Pacific/Chuuk",
    "Brazil/East": "America/Sao_Paulo",
    "Canada/Atlantic": "America/Halifax",
    "Canada/Central": "America/Winnipeg",
    "Canada/Eastern": "America/Toronto",
    "Canada/Mountain": "America/Edmonton",
    "Canada/Newfoundland": "America/St_Johns",
    "Canada/Pacific": "America/Vancouver",
    "Mexico/General": "America/Mexico_City",
    "US/Alaska": "America/Anchorage",
    "US/Arizona": "America/Phoenix",
    "US/Central": "America/Chicago",
    "US/Eastern": "America/New_York",
    "US/Hawaii": "Pacific/Honolulu",
    "US/Mountain": "America/Denver",
    "US/Pacific": "America/Los_Angeles",
    "Cuba": "America/Havana",
    "Egypt": "Africa/Cairo",
    "Eire": "Europe/Dublin",
    "GB": "Europe/London",
    "GB-Eire": "Europe/London",
    "Hongkong": "Asia/Hong_Kong",
    "Iceland": "Atlantic/Reykjavik",
    "Iran": "Asia/Tehran",
    "Israel": "Asia/Jerusalem",
    "Jamaica": "America/Jamaica",
    "Japan": "Asia/Tokyo",
    "Kwajalein": "Pacific/Kwajalein",
    "Libya": "Africa/Tripoli",
    "NZ": "Pacific/Auckland",
    "NZ-CHAT": "Pacific/Chatham",
    "Navajo": "America/Denver",
    "PRC": "Asia/Shanghai",
    "Poland": "Europe/Warsaw",
    "Portugal": "Europe/Lisbon",
    "ROC": "Asia/Taipei",
    "ROK": "Asia/Seoul",
    "Singapore": "Asia/Singapore",
    "Turkey": "Europe/Istanbul",
    "W-SU": "Europe/Moscow",
    "Etc/GMT": "UTC",
    "Etc/GMT+0": "UTC",
    "Etc/GMT-0": "UTC",
    "Etc/GMT0": "UTC",
    "Etc/Greenwich": "UTC",
    "Etc/UCT": "UTC",
    "Etc/UTC": "UTC",
    "Etc/Universal": "UTC",
    "Etc/Zulu": "UTC",
    "GMT": "UTC",
    "GMT+0": "UTC",
    "GMT-0": "UTC",
    "GMT0": "UTC",
    "Greenwich": "UTC",
    "UCT": "UTC",
    "Universal": "UTC",
    "Zulu": "UTC",
}

# Names people use that are not (the last part of) a zone key: big cities, capitals, common
# spellings and abbreviations. Keys are written as typed; they are normalised when indexed.
# Ambiguous abbreviations go to the zone most people who type them mean (IST: India).
ALIASES: dict[str, str] = {
    # North America
    "NYC": "America/New_York",
    "New York City": "America/New_York",
    "Manhattan": "America/New_York",
    "Brooklyn": "America/New_York",
    "Washington": "America/New_York",
    "Washington DC": "America/New_York",
    "DC": "America/New_York",
    "Boston": "America/New_York",
    "Philadelphia": "America/New_York",
    "Atlanta": "America/New_York",
    "Miami": "America/New_York",
    "Orlando": "America/New_York",
    "Pittsburgh": "America/New_York",
    "Charlotte": "America/New_York",
    "Baltimore": "America/New_York",
    "Cleveland": "America/New_York",
    "Houston": "America/Chicago",
    "Dallas": "America/Chicago",
    "Austin": "America/Chicago",
    "San Antonio": "America/Chicago",
    "New Orleans": "America/Chicago",
    "Minneapolis": "America/Chicago",
    "St Louis": "America/Chicago",
    "Kansas City": "America/Chicago",
    "Nashville": "America/Chicago",
    "Salt Lake City": "America/Denver",
    "Albuquerque": "America/Denver",
    "LA": "America/Los_Angeles",
    "San Francisco": "America/Los_Angeles",
    "SF": "America/Los_Angeles",
    "San Diego": "America/Los_Angeles",
    "San Jose": "America/Los_Angeles",
    "Seattle": "America/Los_Angeles",
    "Portland": "America/Los_Angeles",
    "Las Vegas": "America/Los_Angeles",
    "Sacramento": "America/Los_Angeles",
    "Honolulu": "Pacific/Honolulu",
    "Hawaii": "Pacific/Honolulu",
    "Alaska": "America/Anchorage",
    "Ottawa": "America/Toronto",
    "Montreal": "America/Toronto",
    "Quebec": "America/Toronto",
    "Calgary": "America/Edmonton",
    "Guadalajara": "America/Mexico_City",
    "Puebla": "America/Mexico_City",
    "CDMX": "America/Mexico_City",
    # Latin America
    "Rio": "America/Sao_Paulo",
    "Rio de Janeiro": "America/Sao_Paulo",
    "Brasilia": "America/Sao_Paulo",
    "Belo Horizonte": "America/Sao_Paulo",
    "Porto Alegre": "America/Sao_Paulo",
    "Curitiba": "America/Sao_Paulo",
    "Medellin": "America/Bogota",
    "Cali": "America/Bogota",
    "Quito": "America/Guayaquil",
    "Valparaiso": "America/Santiago",
    # Europe
    "Munich": "Europe/Berlin",
    "Hamburg": "Europe/Berlin",
    "Frankfurt": "Europe/Berlin",
    "Cologne": "Europe/Berlin",
    "Stuttgart": "Europe/Berlin",
    "Dusseldorf": "Europe/Berlin",
    "Leipzig": "Europe/Berlin",
    "Dresden": "Europe/Berlin",
    "Manchester": "Europe/London",
    "Birmingham": "Europe/London",
    "Liverpool": "Europe/London",
    "Leeds": "Europe/London",
    "Bristol": "Europe/London",
    "Edinburgh": "Europe/London",
    "Glasgow": "Europe/London",
    "Cardiff": "Europe/London",
    "Belfast": "Europe/London",
    "Cork": "Europe/Dublin",
    "Lyon": "Europe/Paris",
    "Marseille": "Europe/Paris",
    "Toulouse": "Europe/Paris",
    "Nice": "Europe/Paris",
    "Milan": "Europe/Rome",
    "Naples": "Europe/Rome",
    "Turin": "Europe/Rome",
    "Florence": "Europe/Rome",
    "Venice": "Europe/Rome",
    "Barcelona": "Europe/Madrid",
    "Valencia": "Europe/Madrid",
    "Seville": "Europe/Madrid",
    "Porto": "Europe/Lisbon",
    "Rotterdam": "Europe/Amsterdam",
    "The Hague": "Europe/Amsterdam",
    "Antwerp": "Europe/Brussels",
    "Geneva": "Europe/Zurich",
    "Basel": "Europe/Zurich",
    "Bern": "Europe/Zurich",
    "Salzburg": "Europe/Vienna",
    "Krakow": "Europe/Warsaw",
    "Wroclaw": "Europe/Warsaw",
    "Gdansk": "Europe/Warsaw",
    "Lodz": "Europe/Warsaw",
    "Gothenburg": "Europe/Stockholm",
    "Thessaloniki": "Europe/Athens",
    "Kiev": "Europe/Kyiv",
    "Lviv": "Europe/Kyiv",
    "Odesa": "Europe/Kyiv",
    "Odessa": "Europe/Kyiv",
    "Kharkiv": "Europe/Kyiv",
    "Dnipro": "Europe/Kyiv",
    "St Petersburg": "Europe/Moscow",
    "Petersburg": "Europe/Moscow",
    "Ankara": "Europe/Istanbul",
    "Izmir": "Europe/Istanbul",
    # Middle East, Africa
    "Tel Aviv": "Asia/Jerusalem",
    "Haifa": "Asia/Jerusalem",
    "Abu Dhabi": "Asia/Dubai",
    "Sharjah": "Asia/Dubai",
    "Jeddah": "Asia/Riyadh",
    "Mecca": "Asia/Riyadh",
    "Medina": "Asia/Riyadh",
    "Doha": "Asia/Qatar",
    "Alexandria": "Africa/Cairo",
    "Giza": "Africa/Cairo",
    "Abuja": "Africa/Lagos",
    "Ibadan": "Africa/Lagos",
    "Kano": "Africa/Lagos",
    "Cape Town": "Africa/Johannesburg",
    "Durban": "Africa/Johannesburg",
    "Pretoria": "Africa/Johannesburg",
    "Mombasa": "Africa/Nairobi",
    "Rabat": "Africa/Casablanca",
    "Marrakech": "Africa/Casablanca",
    # Asia, Oceania
    "Mumbai": "Asia/Kolkata",
    "Bombay": "Asia/Kolkata",
    "Delhi": "Asia/Kolkata",
    "New Delhi": "Asia/Kolkata",
    "Bangalore": "Asia/Kolkata",
    "Bengaluru": "Asia/Kolkata",
    "Chennai": "Asia/Kolkata",
    "Madras": "Asia/Kolkata",
    "Hyderabad": "Asia/Kolkata",
    "Pune": "Asia/Kolkata",
    "Ahmedabad": "Asia/Kolkata",
    "Jaipur": "Asia/Kolkata",
    "Lucknow": "Asia/Kolkata",
    "Islamabad": "Asia/Karachi",
    "Lahore": "Asia/Karachi",
    "Chittagong": "Asia/Dhaka",
    "Beijing": "Asia/Shanghai",
    "Peking": "Asia/Shanghai",
    "Shenzhen": "Asia/Shanghai",
    "Guangzhou": "Asia/Shanghai",
    "Chengdu": "Asia/Shanghai",
    "Wuhan": "Asia/Shanghai",
    "Hangzhou": "Asia/Shanghai",
    "Nanjing": "Asia/Shanghai",
    "Tianjin": "Asia/Shanghai",
    "Xian": "Asia/Shanghai",
    "Osaka": "Asia/Tokyo",
    "Kyoto": "Asia/Tokyo",
    "Yokohama": "Asia/Tokyo",
    "Nagoya": "Asia/Tokyo",
    "Sapporo": "Asia/Tokyo",
    "Fukuoka": "Asia/Tokyo",
    "Busan": "Asia/Seoul",
    "Incheon": "Asia/Seoul",
    "Hanoi": "Asia/Ho_Chi_Minh",
    "Saigon": "Asia/Ho_Chi_Minh",
    "Ho Chi Minh City": "Asia/Ho_Chi_Minh",
    "HCMC": "Asia/Ho_Chi_Minh",
    "Cebu": "Asia/Manila",
    "Quezon City": "Asia/Manila",
    "Surabaya": "Asia/Jakarta",
    "Bandung": "Asia/Jakarta",
    "Bali": "Asia/Makassar",
    "Denpasar": "Asia/Makassar",
    "Penang": "Asia/Kuala_Lumpur",
    "KL": "Asia/Kuala_Lumpur",
    "Phuket": "Asia/Bangkok",
    "Chiang Mai": "Asia/Bangkok",
    "Pokhara": "Asia/Kathmandu",
    "Canberra": "Australia/Sydney",
    "Gold Coast": "Australia/Brisbane",
    "Wellington": "Pacific/Auckland",
    "Christchurch": "Pacific/Auckland",
    # Abbreviations and bare labels
    "UTC": "UTC",
    "GMT": "UTC",
    "Z": "UTC",
    "Zulu": "UTC",
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "Eastern": "America/New_York",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "Central": "America/Chicago",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "Mountain": "America/Denver",
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "Pacific": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "BST": "Europe/London",
    "WET": "Europe/Lisbon",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "EET": "Europe/Athens",
    "EEST": "Europe/Athens",
    "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata",
    "PKT": "Asia/Karachi",
    "WIB": "Asia/Jakarta",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
}


@dataclass(frozen=True, slots=True)
class Country:
    """The zone most of a country's people live in, and whether it is the only one."""

    zone: str
    names: tuple[str, ...]
    # A country name alone resolves only if one zone covers the whole country: "Germany" is
    # enough, "Australia" is not (the bot must then ask for a city).
    single_zone: bool = True


COUNTRIES: dict[str, Country] = {
    "AE": Country("Asia/Dubai", ("United Arab Emirates", "UAE", "Emirates")),
    "AF": Country("Asia/Kabul", ("Afghanistan",)),
    "AO": Country("Africa/Luanda", ("Angola",)),
    "AR": Country("America/Argentina/Buenos_Aires", ("Argentina",)),
    "AT": Country("Europe/Vienna", ("Austria",)),
    "AU": Country("Australia/Sydney", ("Australia",), single_zone=False),
    "BD": Country("Asia/Dhaka", ("Bangladesh",)),
    "BE": Country("Europe/Brussels", ("Belgium",)),
    "BG": Country("Europe/Sofia", ("Bulgaria",)),
    "BR": Country("America/Sao_Paulo", ("Brazil",), single_zone=False),
    "BY": Country("Europe/Minsk", ("Belarus",)),
    "CA": Country("America/Toronto", ("Canada",), single_zone=False),
    "CD": Country("Africa/Kinshasa", ("DR Congo", "Congo-Kinshasa"), single_zone=False),
    "CH": Country("Europe/Zurich", ("Switzerland",)),
    "CI": Country("Africa/Abidjan", ("Ivory Coast", "Côte d'Ivoire")),
    "CL": Country("America/Santiago", ("Chile",), single_zone=False),
    "CM": Country("Africa/Douala", ("Cameroon",)),
    "CN": Country("Asia/Shanghai", ("China",)),
    "CO": Country("America/Bogota", ("Colombia",)),
    "CU": Country("America/Havana", ("Cuba",)),
    "CZ": Country("Europe/Prague", ("Czechia", "Czech Republic")),
    "DE": Country("Europe/Berlin", ("Germany", "Deutschland")),
    "DK": Country("Europe/Copenhagen", ("Denmark",)),
    "DO": Country("America/Santo_Domingo", ("Dominican Republic",)),
    "DZ": Country("Africa/Algiers", ("Algeria",)),
    "EC": Country("America/Guayaquil", ("Ecuador",), single_zone=False),
    "EG": Country("Africa/Cairo", ("Egypt",)),
    "ES": Country("Europe/Madrid", ("Spain", "España"), single_zone=False),
    "ET": Country("Africa/Addis_Ababa", ("Ethiopia",)),
    "FI": Country("Europe/Helsinki", ("Finland",)),
    "FR": Country("Europe/Paris", ("France",)),
    "GB": Country("Europe/London", ("United Kingdom", "UK", "Great Britain", "Britain", "England")),
    "GH": Country("Africa/Accra", ("Ghana",)),
    "GR": Country("Europe/Athens", ("Greece",)),
    "GT": Country("America/Guatemala", ("Guatemala",)),
    "HK": Country("Asia/Hong_Kong", ("Hong Kong",)),
    "HR": Country("Europe/Zagreb", ("Croatia",)),
    "HU": Country("Europe/Budapest", ("Hungary",)),
    "ID": Country("Asia/Jakarta", ("Indonesia",), single_zone=False),
    "IE": Country("Europe/Dublin", ("Ireland",)),
    "IL": Country("Asia/Jerusalem", ("Israel",)),
    "IN": Country("Asia/Kolkata", ("India",)),
    "IQ": Country("Asia/Baghdad", ("Iraq",)),
    "IR": Country("Asia/Tehran", ("Iran",)),
    "IS": Country("Atlantic/Reykjavik", ("Iceland",)),
    "IT": Country("Europe/Rome", ("Italy", "Italia")),
    "JP": Country("Asia/Tokyo", ("Japan",)),
    "KE": Country("Africa/Nairobi", ("Kenya",)),
    "KR": Country("Asia/Seoul", ("South Korea", "Korea")),
    "KZ": Country("Asia/Almaty", ("Kazakhstan",)),
    "LK": Country("Asia/Colombo", ("Sri Lanka",)),
    "MA": Country("Africa/Casablanca", ("Morocco",)),
    "MM": Country("Asia/Yangon", ("Myanmar", "Burma")),
    "MX": Country("America/Mexico_City", ("Mexico",), single_zone=False),
    "MY": Country("Asia/Kuala_Lumpur", ("Malaysia",)),
    "NG": Country("Africa/Lagos", ("Nigeria",)),
    "NL": Country("Europe/Amsterdam", ("Netherlands", "Holland")),
    "NO": Country("Europe/Oslo", ("Norway",)),
    "NP": Country("Asia/Kathmandu", ("Nepal",)),
    "NZ": Country("Pacific/Auckland", ("New Zealand",), single_zone=False),
    "PE": Country("America/Lima", ("Peru",)),
    "PH": Country("Asia/Manila", ("Philippines",)),
    "PK": Country("Asia/Karachi", ("Pakistan",)),
    "PL": Country("Europe/Warsaw", ("Poland",)),
    "PT": Country("Europe/Lisbon", ("Portugal",), single_zone=False),
    "RO": Country("Europe/Bucharest", ("Romania",)),
    "RS": Country("Europe/Belgrade", ("Serbia",)),
    "RU": Country("Europe/Moscow", ("Russia",), single_zone=False),
    "SA": Country("Asia/Riyadh", ("Saudi Arabia",)),
    "SD": Country("Africa/Khartoum", ("Sudan",)),
    "SE": Country("Europe/Stockholm", ("Sweden",)),
    "SG": Country("Asia/Singapore", ("Singapore",)),
    "SK": Country("Europe/Bratislava", ("Slovakia",)),
    "SN": Country("Africa/Dakar", ("Senegal",)),
    "TH": Country("Asia/Bangkok", ("Thailand",)),
    "TN": Country("Africa/Tunis", ("Tunisia",)),
    "TR": Country("Europe/Istanbul", ("Turkey", "Türkiye")),
    "TW": Country("Asia/Taipei", ("Taiwan",)),
    "TZ": Country("Africa/Dar_es_Salaam", ("Tanzania",)),
    "UA": Country("Europe/Kyiv", ("Ukraine",)),
    "UG": Country("Africa/Kampala", ("Uganda",)),
    "US": Country("America/New_York", ("United States", "USA", "US", "America"), single_zone=False),
    "UZ": Country("Asia/Tashkent", ("Uzbekistan",)),
    "VE": Country("America/Caracas", ("Venezuela",)),
    "VN": Country("Asia/Ho_Chi_Minh", ("Vietnam", "Viet Nam")),
    "ZA": Country("Africa/Johannesburg", ("South Africa",)),
    "ZW": Country("Africa/Harare", ("Zimbabwe",)),
}

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
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
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
    plain = plain.replace("'", "").replace("’", "")
    plain = re.sub(r"\s*/\s*", "/", " ".join(plain.split()))
    return _SAINT.sub("st", plain)


def _canonical(key: str) -> str:
    return LEGACY_ZONES.get(key, key)


@dataclass(frozen=True, slots=True)
class _Index:
    lookup: dict[str, str]  # normalised name -> zone key
    names: tuple[str, ...]  # lookup's keys, for fuzzy matching


@functools.cache
def _index() -> _Index:
    """Built on first use: about 1,000 names, well under a millisecond to query."""
    keys = sorted(available_timezones() - _IGNORED_KEYS)
    lookup: dict[str, str] = {}
    # Later sources overwrite earlier ones: countries < cities < full keys < aliases.
    for country in COUNTRIES.values():
        if country.single_zone:
            for name in country.names:
                lookup[_normalize(name)] = country.zone
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
    "San Francisco"), short forms ("NYC", "LA", "PST"), names of countries that have a single
    zone ("Germany"), "City, Country" ("Berlin, Germany") and UTC offsets ("UTC+2", "GMT-5",
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


def country_default_timezone(country: str) -> str | None:
    """Zone where most people of an ISO 3166 alpha-2 country live ("DE" -> Europe/Berlin)."""
    entry = COUNTRIES.get(country.strip().upper())
    return entry.zone if entry else None
