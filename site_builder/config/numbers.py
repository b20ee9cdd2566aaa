"""Phone numbers and postal codes: used exactly as typed, or reported; never quietly "corrected".

A phone number links the page to a person: `phonenumbers.parse` drops a letter O typed for a zero and
returns a valid number one digit short, somebody else's. So a number may hold only digits and the usual
separators, and the digits `phonenumbers` reads must be the digits typed (issue 20).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

import phonenumbers

from ..messages import t
from .checker import Checker

# What people write between the digits of a phone number; anything else is reported by name.
PHONE_CHARACTERS = frozenset("0123456789 +-/.()")
# Letters that are typos for a digit rather than part of a word ("0641 12345O"): the message asks.
LOOKALIKES = {"O": "0", "o": "0", "I": "1", "l": "1"}
# Every key that holds a phone number; business.phone and whatsapp.number become links (tel:, wa.me).
PHONE_KEYS = ("business.phone", "whatsapp.number", "dpo.phone")
# "+49 (0) 641 ...": the trunk 0 in brackets after the country code, dialled only inside the country. It is
# a convention of German letterheads, and the number is unambiguous, so it is accepted (not "corrected").
_TRUNK_IN_BRACKETS = re.compile(r"^\(?(?:\+|00)\d{1,3}\)?\(0\)")

# Postal codes by country, as the national posts print them: (pattern, example); an example of digits only
# is described as "5 digits". Other countries: letters, digits, spaces and hyphens, 3 to 10 characters.
POSTAL_CODES = {
    "DE": (r"\d{5}", "35390"), "AT": (r"\d{4}", "1010"), "CH": (r"\d{4}", "8001"), "LI": (r"\d{4}", "9490"),
    "LU": (r"\d{4}", "1009"), "BE": (r"\d{4}", "1000"), "DK": (r"\d{4}", "1050"), "FR": (r"\d{5}", "75001"),
    "IT": (r"\d{5}", "00118"), "ES": (r"\d{5}", "28001"), "NL": (r"\d{4} ?[A-Z]{2}", "1012 AB"),
    "PL": (r"\d{2}-\d{3}", "00-001"), "CZ": (r"\d{3} ?\d{2}", "110 00"),
}
_ANY_POSTAL_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z -]{1,8}[0-9A-Za-z]")


def check_numbers(checker: Checker, data: dict[str, Any]) -> dict[str, str]:
    """Every phone number in E.164 by its key (only the usable ones), after reporting the rest; postal code."""
    business = data.get("business") or {}
    region = str(business.get("country") or "DE").upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:  # the numbers cannot be read without their region
        checker.error("business.country", "config.bad_country", value=region)
        return {}
    postal_code(checker, business.get("postal_code"), region)
    found: dict[str, str] = {}
    for key in PHONE_KEYS:
        table, _, name = key.partition(".")
        e164 = phone(checker, key, (data.get(table) or {}).get(name), region)
        if e164:
            found[key] = e164
    return found


def postal_code(checker: Checker, value: Any, region: str) -> None:
    if not isinstance(value, str) or not value:
        return  # missing or empty: reported by the schema walk
    shape = POSTAL_CODES.get(region)
    if shape is not None and not re.fullmatch(shape[0], value):
        example = shape[1]
        form = (t("config.postal_digits", n=len(example), example=example) if example.isdigit()
                else t("config.postal_form", example=example))
        checker.error("business.postal_code", "config.postal_code_shape", value=value, country=region, form=form)
    elif shape is None and not _ANY_POSTAL_CODE.fullmatch(value):
        checker.error("business.postal_code", "config.postal_code_odd", value=value)


def phone(checker: Checker, where: str, number: Any, region: str) -> str | None:
    """The number in E.164, or None after reporting why it cannot be used exactly as typed."""
    if not isinstance(number, str) or not number:
        return None
    try:
        parsed: phonenumbers.PhoneNumber | None = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and parsed.extension:  # a wa.me link and a tel: link cannot dial an extension
        checker.error(where, "config.phone_extension", value=number, extension=parsed.extension)
        return None
    digits = "".join(c for c in number if c in "0123456789")
    bad = next((c for c in number if c not in PHONE_CHARACTERS), None)
    if bad is not None and digits:  # with no digit at all, it is no number (reported below)
        if bad in LOOKALIKES:
            checker.error(where, "config.phone_lookalike", value=number, char=bad, digit=LOOKALIKES[bad])
        elif unicodedata.category(bad).startswith("L"):
            checker.error(where, "config.phone_letter", value=number, char=bad)
        else:
            shown = f"{bad} " if bad.isprintable() and not bad.isspace() else ""
            checker.error(where, "config.phone_character", value=number, char=f"{shown}(U+{ord(bad):04X})")
        return None
    if "+" in number and (number.count("+") > 1 or number.index("+") > number.find(digits[:1] or "+")):
        checker.error(where, "config.phone_plus", value=number)
        return None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        checker.error(where, "config.phone_invalid", value=number)
        return None
    nsn = phonenumbers.national_significant_number(parsed)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    home, country = str(phonenumbers.country_code_for_region(region)), str(parsed.country_code)
    trunk = (meta.national_prefix or "") if meta else ""  # the 0 before a German area code
    idd = re.match(meta.international_prefix, digits) if meta and meta.international_prefix else None
    rest, expected = digits, trunk + nsn if country == home else None  # None: a country code without + or 00
    if "+" in number or idd:  # international: + or the prefix dialled abroad (00), then the country code
        rest, expected = digits[idd.end():] if idd and "+" not in number else digits, country + nsn
        if _TRUNK_IN_BRACKETS.match(re.sub(r"[\s./-]", "", number)) and rest.startswith(country + "0"):
            rest = country + rest[len(country) + 1:]
    elif digits == nsn and trunk and country == home:  # "641 1234567": without the 0 a caller dials locally
        checker.error(where, "config.phone_no_prefix", value=number, prefix=trunk, code=home)
        return None
    if rest != expected:
        checker.error(where, "config.phone_digits", value=number,
                      result=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def dialled(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, number as people dial it) for every phone number of valid settings (`Settings.raw`), in the
    order `check` shows them: the one the consent page links to first."""
    region = str((raw.get("business") or {}).get("country") or "DE").upper()
    found = []
    for key in ("whatsapp.number", "business.phone", "dpo.phone"):
        table, _, name = key.partition(".")
        number = (raw.get(table) or {}).get(name)
        if isinstance(number, str) and number:
            found.append((key, phonenumbers.format_number(phonenumbers.parse(number, region),
                                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)))
    return found
