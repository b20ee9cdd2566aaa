"""Dates, phone numbers and language folders as people read them, the same on every page, poster and record."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Protocol

import phonenumbers

MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember")


class HasDefaultLanguage(Protocol):
    @property
    def default_lang(self) -> str: ...


def format_date(day: dt.date, lang: str) -> str:
    """A date as people write it: 1. November 2026 / 1 November 2026 / 2026-11-01."""
    if lang == "de":
        return f"{day.day}. {MONTHS_DE[day.month - 1]} {day.year}"
    if lang == "en":
        return f"{day.day} {day.strftime('%B')} {day.year}"
    return day.isoformat()


def lang_dir(site: HasDefaultLanguage, lang: str) -> str:
    """The folder of a language inside the site: '' for the default, 'en/' for the others."""
    return "" if lang == site.default_lang else f"{lang}/"


@functools.lru_cache(maxsize=64)  # the same two numbers, asked for by every page and record
def display_phone(e164: str) -> str:
    """A phone number formatted for people to read, in international form: +49 641 1234567."""
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@functools.lru_cache(maxsize=64)
def national_phone(e164: str) -> str:
    """A number as a caller in its country dials it ("0911 123456"); '' without one."""
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)
