"""The language machinery (bot/i18n.py) and the catalogue check (content/catalogues.py)."""

from __future__ import annotations

import shutil
from datetime import date, time
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot import texts
from bot.i18n import LANGUAGES, Tr, supported, tr
from content.catalogues import ROOT, check_catalogues, check_english, check_language, check_template
from handlers.settings import day_words, describe_days, range_words
from scheduler.timecalc import ALL_DAYS, WEEKDAYS, parse_days


def test_telegram_language_codes_map_to_ours() -> None:
    assert supported("ru") == "ru" and supported("es-419") == "es" and supported("en-GB") == "en"
    assert supported("pt-BR") is None and supported(None) is None and supported("") is None


def test_every_catalogue_is_complete_and_consistent() -> None:
    assert set(LANGUAGES) >= {"en", "ru", "es"}
    assert check_catalogues() == []


def test_russian_has_three_plural_forms_and_spanish_two() -> None:
    ru = tr("ru")
    forms = {ru.n(texts.PROGRESS_STREAK, n) for n in (1, 2, 5)}
    assert len(forms) == 3

    # 1, 21 share a form; 2, 3, 4, 22 another; 5 to 20 and 25 a third.
    def form(n: int) -> str:
        return ru.n(texts.PROGRESS_STREAK, n).replace(str(n), "N")

    assert form(1) == form(21) != form(2) == form(22) != form(5) == form(11) == form(25)
    es = tr("es")
    assert es.n(texts.WEEK_LESSONS, 1) != es.n(texts.WEEK_LESSONS, 2).replace("2", "1")


def test_dates_times_and_names_follow_each_language() -> None:
    assert tr("en").time(time(19, 30)) == "19:30"
    assert tr("en").date(date(2026, 12, 4)) == "4 Dec 2026"
    assert tr("ru").date(date(2026, 12, 4)).startswith("4 дек")
    assert tr("es").weekday(0, "wide") == "lunes"
    assert tr("ru").country("DE", "Germany") == "Германия"
    assert tr("es").country_code("Alemania") == "DE"


def test_a_gap_or_a_broken_translation_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    t = tr("ru")
    assert t("A sentence nobody has translated.") == "A sentence nobody has translated."
    broken = Tr("ru")
    # The catalogue is shared by every Tr of the language: break it for this test only.
    catalog = broken._catalogue._catalog  # type: ignore[attr-defined]
    monkeypatch.setitem(catalog, "Lovely: {time} it is.", "Отлично: {время}.")
    assert broken(texts.TIME_SET_ONBOARDING, time="08:00") == "Lovely: 08:00 it is."


def test_days_are_understood_and_described_in_each_language() -> None:
    ru, es = tr("ru"), tr("es")
    assert parse_days("пн, ср, пт", day_words(ru)) == frozenset({0, 2, 4})
    assert parse_days("по вторникам и четвергам", day_words(ru)) == frozenset({1, 3})
    assert parse_days("в среду и в воскресенье", day_words(ru)) == frozenset({2, 6})
    assert parse_days("по субботам", day_words(ru)) == frozenset({5})
    assert parse_days(ru(texts.WEEKDAYS), day_words(ru)) == WEEKDAYS
    assert parse_days("lunes y viernes", day_words(es)) == frozenset({0, 4})
    assert parse_days(es(texts.EVERY_DAY), day_words(es)) == ALL_DAYS
    # Ranges in the person's words: "de lunes a viernes", "с понедельника по пятницу".
    assert parse_days("de lunes a viernes", day_words(es), range_words(es)) == WEEKDAYS
    assert parse_days("lunes hasta miércoles", day_words(es), range_words(es)) == frozenset(
        {0, 1, 2}
    )
    assert parse_days("с понедельника по пятницу", day_words(ru), range_words(ru)) == WEEKDAYS
    assert parse_days("по вторникам и четвергам", day_words(ru), range_words(ru)) == frozenset(
        {1, 3}
    )
    assert parse_days("со вторника до четверга", day_words(ru), range_words(ru)) == frozenset(
        {1, 2, 3}
    )
    # "по" before every day is "every", not a range: Tuesdays and Thursdays, not Tue to Thu.
    assert parse_days("по вторникам по четвергам", day_words(ru), range_words(ru)) == frozenset(
        {1, 3}
    )
    assert parse_days(
        "по понедельникам по средам по пятницам", day_words(ru), range_words(ru)
    ) == frozenset({0, 2, 4})
    # ... but a singular or short day after "по" is still a range: "по пн по пт" is Mon-Fri.
    assert parse_days("по пн по пт", day_words(ru), range_words(ru)) == WEEKDAYS
    assert parse_days("по вторник по четверг", day_words(ru), range_words(ru)) == frozenset(
        {1, 2, 3}
    )
    # Articles and set names inside a longer answer: "los lunes a los viernes", "los fines de
    # semana", "lunes y los fines de semana", "по выходным", "по будням".
    assert parse_days("los lunes a los viernes", day_words(es), range_words(es)) == WEEKDAYS
    assert parse_days("los fines de semana", day_words(es), range_words(es)) == frozenset({5, 6})
    assert parse_days("lunes y los fines de semana", day_words(es), range_words(es)) == (
        frozenset({0, 5, 6})
    )
    assert parse_days("по выходным", day_words(ru), range_words(ru)) == frozenset({5, 6})
    assert parse_days("по будням", day_words(ru), range_words(ru)) == WEEKDAYS
    assert describe_days(frozenset({0, 2}), es) == "lun, mié"
    assert describe_days(WEEKDAYS, ru) == ru(texts.WEEKDAYS)


def _copy(tmp_path: Path) -> Path:
    for package in ("bot", "handlers", "scheduler"):
        shutil.copytree(ROOT / package, tmp_path / package)
    shutil.copytree(ROOT / "content" / "locales", tmp_path / "content" / "locales")
    return tmp_path


def _edit(path: Path, change: object) -> None:
    with path.open("rb") as f:
        catalog: Catalog = read_po(f)
    change(catalog)  # type: ignore[operator]
    with path.open("wb") as f:
        write_po(f, catalog)


def test_content_check_names_each_kind_of_catalogue_problem(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    es = root / "content" / "locales" / "es" / "LC_MESSAGES" / "trustbot.po"

    def damage(catalog: Catalog) -> None:
        catalog[texts.TIME_TYPE].string = ""  # missing
        catalog[texts.TZ_CONFIRM].string = "¿Son las {hora}?"  # placeholder renamed
        catalog[texts.CONSENT_SAVED].string = "Guardado. /privacidad lo muestra."  # command
        catalog[texts.CONSENT_DONE].string = "Listo, " * 10  # too long for a button
        catalog[texts.NOTE_SKIP].flags.add("fuzzy")

    _edit(es, damage)
    problems = "\n".join(check_language("es", root))
    assert "not translated ('Type another time')" in problems
    assert "{placeholders} differ" in problems and "{hora}" in problems
    assert "/commands differ" in problems
    assert "to fit a phone's button" in problems
    assert "fuzzy" in problems


def test_content_check_notices_code_the_template_has_not_caught_up_with(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert check_template(root) == []
    extra = root / "bot" / "texts.py"
    extra.write_text(
        extra.read_text(encoding="utf-8") + '\nBRAND_NEW = N_("A brand new sentence.")\n',
        encoding="utf-8",
    )
    problems = check_template(root)
    assert len(problems) == 1 and "A brand new sentence." in problems[0]
    assert "pybabel extract" in problems[0]


def test_content_check_holds_the_english_source_to_the_content_rules(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    pot = root / "content" / "locales" / "trustbot.pot"

    def preach(catalog: Catalog) -> None:
        catalog.add("Don't worry, everything will be fine. You should just relax.")
        catalog.add(" ".join(["word"] * 140))

    _edit(pot, preach)
    problems = "\n".join(check_english(root))
    assert "promises an outcome" in problems and "lectures the reader" in problems
    assert "has 140 words" in problems
