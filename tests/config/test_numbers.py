"""Phone numbers and postal codes are used exactly as typed, or refused with a message (issue 20, finding 1).

A letter O typed for a zero used to vanish in `phonenumbers.parse`: the page then linked to a number one digit
short, somebody else's. Messages are asserted in the language each test pins (run_cli's ENGLISH/GERMAN, or
`messages` below for checks made in this process).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import ENGLISH, GERMAN, copy_example, run_cli

from site_builder.config import validate
from site_builder.messages import set_language

WHATSAPP = 'number = "0170 1234567"'
PHONE = 'phone = "0911 1234567"'


def edit(site: Path, old: str, new: str) -> None:
    text = (site / "site.toml").read_text(encoding="utf-8")
    assert old in text, old
    (site / "site.toml").write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return copy_example(tmp_path_factory.mktemp("numbers"))


def messages(example: Path, table: str, key: str, value: str, lang: str = "en") -> tuple[list[str], object]:
    """The problems of the example's settings with one value changed, worded in `lang`; and the settings."""
    raw = tomllib.loads((example / "site.toml").read_text(encoding="utf-8"))
    if table == "dpo":  # the example has none; name and e-mail are required with one
        raw["dpo"] = {"name": "Dr. Datenschutz", "email": "dsb@example.de"}
    raw[table][key] = value
    set_language(lang)
    try:
        settings, problems = validate(raw, example / "site.toml")
    finally:
        set_language(None)
    return [f"{p.where}: {p.what}" for p in problems if p.severity == "error"], settings


# --- the case, as the owner sees it ----------------------------------------------------------------

def test_a_letter_o_for_a_zero_is_refused_naming_file_key_and_letter_in_german_and_english(site):
    edit(site, WHATSAPP, 'number = "0641 / 12 34 56O"')
    edit(site, PHONE, 'phone = "0911 123456l"')
    german = run_cli("check", cwd=site, env=GERMAN)
    assert german.returncode == 1
    lines = german.stderr.splitlines()
    assert ("site.toml: whatsapp.number: '0641 / 12 34 56O' enthält den Buchstaben O: meinten Sie die Ziffer 0? "
            "(eine Telefonnummer besteht nur aus Ziffern, Leerzeichen und + - / . ( ); mit einem Tippfehler landen "
            "Kunden bei einer fremden Nummer)") in lines, german.stderr
    assert any(line.startswith("site.toml: business.phone: '0911 123456l' enthält den Buchstaben l: meinten Sie "
                               "die Ziffer 1?") for line in lines), german.stderr
    english = run_cli("build", cwd=site, env=ENGLISH)
    assert english.returncode == 1 and not (site / "output").exists()
    assert "whatsapp.number: '0641 / 12 34 56O' contains the letter O: did you mean the digit 0?" in english.stderr


def test_check_shows_every_number_as_customers_will_dial_it(site):
    edit(site, WHATSAPP, 'number = "0641 / 12 34 567"')
    edit(site, "# [dpo]\n# name = \"...\"\n# email = \"...\"",
         '[dpo]\nname = "Dr. Datenschutz"\nemail = "dsb@example.de"\nphone = "+49 (0)30 1234567"')
    german = run_cli("check", cwd=site, env=GERMAN)
    assert german.returncode == 0, german.stderr
    assert german.stdout.splitlines()[:4] == [
        "Nummern, wie Kunden sie wählen:",
        "  WhatsApp: +49 641 1234567 – bitte einmal anrufen und prüfen",
        "  Telefon: +49 911 1234567 – bitte einmal anrufen und prüfen",
        "  Datenschutzbeauftragte/r: +49 30 1234567 – bitte einmal anrufen und prüfen",
    ], german.stdout
    english = run_cli("check", cwd=site, env=ENGLISH)
    assert "  WhatsApp: +49 641 1234567 – please call it once and check" in english.stdout.splitlines()
    built = run_cli("build", cwd=site, env=ENGLISH)
    assert built.returncode == 0, built.stderr
    assert "https://wa.me/496411234567" in (site / "output" / "site" / "index.html").read_text(encoding="utf-8")


# --- which numbers are used as typed ---------------------------------------------------------------------

@pytest.mark.parametrize("typed, dialled", [
    ("0641 1234567", "+496411234567"),
    ("0641/1234567", "+496411234567"),
    ("(0641) 123 45-67", "+496411234567"),
    ("0641.123.4567", "+496411234567"),
    ("+49 641 1234567", "+496411234567"),
    ("0049 641 1234567", "+496411234567"),
    ("+49 (0)641 1234567", "+496411234567"),  # the trunk 0 in brackets: dialled only inside Germany
    ("(+49) 641 1234567", "+496411234567"),
    ("+43 1 5331234", "+4315331234"),  # a number abroad, written with its country code
])
def test_numbers_written_the_usual_ways_are_used_as_typed(example, typed, dialled):
    problems, settings = messages(example, "whatsapp", "number", typed)
    assert problems == [] and settings.whatsapp_e164 == dialled


@pytest.mark.parametrize("typed, message", [
    ("0641 12345O7", "'0641 12345O7' contains the letter O: did you mean the digit 0?"),
    ("0641 12o4567", "'0641 12o4567' contains the letter o: did you mean the digit 0?"),
    ("0641 I234567", "'0641 I234567' contains the letter I: did you mean the digit 1?"),
    ("0800 FLOWERS 1", "'0800 FLOWERS 1' contains the letter F"),
    ("0641 – 1234567", "'0641 – 1234567' contains the character – (U+2013)"),
    ("0641\u00a01234567", "'0641\u00a01234567' contains the character (U+00A0)"),
    ("0641 1234567+", "'0641 1234567+': a plus sign comes once, before the country code"),
    ("++49 641 1234567", "'++49 641 1234567': a plus sign comes once, before the country code"),
    ("641 1234567", "'641 1234567' starts with neither 0 (area code) nor +49 (country code): dialled like this, "
                    "it is a local number in the caller's own area"),
    ("+49 0641 1234567", "'+49 0641 1234567' would be dialled as +49 641 1234567: these are not the digits you "
                         "wrote"),
    ("49 641 1234567", "'49 641 1234567' starts with neither 0 (area code) nor +49 (country code): dialled like "
                       "this, it is a local number in the caller's own area"),
    ("0641 1234567 ext. 5", "'0641 1234567 ext. 5' has an extension (5), which a WhatsApp or phone link cannot dial"),
    ("01 5331234", "'01 5331234' is not a valid phone number"),
    ("call me", "'call me' is not a valid phone number"),
])
def test_a_number_that_cannot_be_used_as_typed_is_refused(example, typed, message):
    for table, key in (("whatsapp", "number"), ("business", "phone"), ("dpo", "phone")):
        problems, settings = messages(example, table, key, typed)
        assert settings is None and problems == [f"{table}.{key}: {message}"], problems


def test_the_german_wording_of_a_changed_digit(example):
    problems, _ = messages(example, "business", "phone", "+49 0641 1234567", lang="de")
    assert problems == ["business.phone: '+49 0641 1234567' würde als +49 641 1234567 gewählt: das sind nicht die "
                        "Ziffern, die Sie geschrieben haben"]


# --- postal codes --------------------------------------------------------------------------------------

@pytest.mark.parametrize("country, code, message", [
    ("DE", "3539", "'3539' is not a postal code in DE: there it has 5 digits, e.g. 35390"),
    ("DE", "D-35390", "'D-35390' is not a postal code in DE: there it has 5 digits, e.g. 35390"),
    ("DE", "353900", "'353900' is not a postal code in DE: there it has 5 digits, e.g. 35390"),
    ("DE", "35390", None),
    ("AT", "1010", None),
    ("AT", "10100", "'10100' is not a postal code in AT: there it has 4 digits, e.g. 1010"),
    ("CH", "800", "'800' is not a postal code in CH: there it has 4 digits, e.g. 8001"),
    ("NL", "1012 AB", None),
    ("NL", "1012", "'1012' is not a postal code in NL: there it has the form 1012 AB"),
    ("GB", "SW1A 1AA", None),  # other countries: letters, digits, spaces, hyphens
    ("GB", "S", "'S' does not look like a postal code"),
])
def test_postal_codes_are_checked_per_country(example, country, code, message):
    raw = tomllib.loads((example / "site.toml").read_text(encoding="utf-8"))
    raw["business"].update(country=country, postal_code=code, phone="+49 911 1234567")
    raw["whatsapp"]["number"] = "+49 170 1234567"
    set_language("en")
    try:
        _, problems = validate(raw, example / "site.toml")
    finally:
        set_language(None)
    found = [p.what for p in problems if p.where == "business.postal_code"]
    assert found == ([message] if message else []), found
