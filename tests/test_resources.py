"""The crisis resource file: corrections found by checking lines against independent sources."""

from __future__ import annotations

from bot import safety
from content.resources import load_resources

RES = load_resources()


def test_philippines_shows_current_ncmh_numbers_not_the_seven_digit_landline() -> None:
    line = RES.countries["PH"].crisis[0]
    assert line.phone is not None and "1553" in line.phone
    assert "989 8727" not in line.phone


def test_brazil_has_no_human_rights_reporting_line_presented_as_a_youth_line() -> None:
    brazil = RES.countries["BR"]
    assert not any("Disque 100" in line.name for line in brazil.youth)
    reporting = [line for line in brazil.domestic_abuse if "Disque 100" in line.name]
    assert reporting and reporting[0].notes and "not a counselling line" in reporting[0].notes
    assert "No youth line could be verified." in brazil.gaps


def test_kazakhstan_lists_the_111_contact_centre_for_children() -> None:
    assert RES.countries["KZ"].youth[0].phone == "111"


def test_japan_includes_inochi_no_denwa() -> None:
    names = [line.name for line in RES.countries["JP"].crisis]
    assert any("Inochi no Denwa" in name for name in names)
    text = safety.crisis_message(RES, RES.countries["JP"])
    assert "0120-783-556" in text


def test_nigeria_emergency_source_names_the_number_in_the_file() -> None:
    import json

    from content.resources import DEFAULT_PATH

    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["countries"]["NG"]
    assert raw["emergency"] == "112" and "122" not in raw["emergency_source"]
