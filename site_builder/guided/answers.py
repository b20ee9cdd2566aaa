"""Reading what a customer typed (or a Flow sent) as the answer to a step: used exactly as written or refused
with the reason, never "corrected" (a postcode with a letter is refused, not trimmed to five digits)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .definition import Step

_POSTCODE = re.compile(r"^\d{5}$")  # German postcodes (the product's businesses are German)
_NUMBER = re.compile(r"^[+-]?\d{1,9}(?:[.,]\d{1,3})?$")
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DATE_AHEAD_DAYS = 730  # a date further ahead is more likely a typo (2062 for 2026)


@dataclass(frozen=True)
class Verdict:
    """An answer read: its value as stored (text), or the wording key of why it was refused."""

    value: str = ""
    refused: str = ""  # a key of bot/<lang>/requests.toml: invalid_number, invalid_postcode, ...

    @property
    def ok(self) -> bool:
        return not self.refused


def _number(step: Step, text: str) -> Verdict:
    compact = text.replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.match(compact):
        return Verdict(refused="invalid_number")
    try:
        value = Decimal(compact.replace(",", "."))
    except InvalidOperation:
        return Verdict(refused="invalid_number")
    if step.min is not None and value < Decimal(str(step.min)) or step.max is not None and \
            value > Decimal(str(step.max)):
        return Verdict(refused="invalid_number")
    return Verdict(format(value.normalize(), "f"))


def _date(step: Step, text: str, today: dt.date) -> Verdict:
    try:
        if match := _DATE_ISO.match(text):
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _DATE_DE.match(text):
            year = int(match[3]) if match[3] else today.year
            year = 2000 + year if year < 100 else year
            day = dt.date(year, int(match[2]), int(match[1]))
            if not match[3] and day < today:
                day = day.replace(year=today.year + 1)  # "24.12." in January means the coming one
        else:
            return Verdict(refused="invalid_date")
    except ValueError:
        return Verdict(refused="invalid_date")
    if step.future and day < today:
        return Verdict(refused="date_past")
    if (day - today).days > DATE_AHEAD_DAYS or (today - day).days > 365 * 120:
        return Verdict(refused="invalid_date")
    return Verdict(day.isoformat())


def read_answer(step: Step, text: str, today: dt.date) -> Verdict:
    """A typed answer to a text, number, postcode or date step."""
    text = " ".join(text.split())
    if step.type == "number":
        return _number(step, text)
    if step.type == "postcode":
        return Verdict(text) if _POSTCODE.match(text) else Verdict(refused="invalid_postcode")
    if step.type == "date":
        return _date(step, text, today)
    low, high = int(step.min or 1), int(step.max or 1000)
    return Verdict(text) if low <= len(text) <= high else Verdict(refused="invalid_length")


def read_choice(step: Step, reply_id: str, text: str, lang: str) -> str | None:
    """The option a customer chose: by the id of the button or row tapped, or by typing its title."""
    if reply_id and step.option(reply_id) is not None:
        return reply_id
    typed = " ".join(text.split()).casefold()
    for option in step.options:
        if typed and option.title.get(lang, "").casefold() == typed:
            return option.id
    return None


def shown(step: Step, value: str, lang: str) -> str:
    """An answer as a person reads it: an option's title, a date as 24.12.2026, a number with its unit."""
    if step.type in ("buttons", "list"):
        option = step.option(value)
        return option.title.get(lang, value) if option else value
    if step.type == "date" and _DATE_ISO.match(value):
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    if step.type == "number":
        unit = step.unit.get(lang, "")
        return f"{value.replace('.', ',') if lang == 'de' else value} {unit}".strip()
    return value
