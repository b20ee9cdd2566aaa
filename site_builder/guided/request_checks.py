"""Checking a request file like every other text: its shape, its texts in every site language, and Meta's limits
for the messages it becomes (meta_limits.py), each problem with the file and the line (message area `requests`).

Meta's policy (WhatsApp Business Messaging Policy, "Protect Data & Comply with Law"; template review's "Do not
request sensitive identifiers", both read 2026-12-07): no full card or account numbers, no ID card or passport
numbers or other sensitive identifiers, no documents that may hold them. A question that names one is warned about.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Mapping

from ..problems import Problem, report
from . import meta_limits as m
from .definition import (CHOICE_TYPES, ID, KINDS, MEDIA_TYPES, OPTION_KEYS, REQUEST_KEYS, STEP_KEYS, STEP_TYPES,
                         RequestLocator, texts)

MAX_STEPS = 10  # the list that lets a customer change an answer has one row per step (a list takes 10 rows)
TEXT_LENGTH = 1000  # a free-text answer, at most (a Flow's TextArea takes 600 by default: we set max-length)
DOCUMENT_MB = 25  # per file: a Flow's picker takes 25,600 KB; the bot keeps the files, encrypted
SENSITIVE = re.compile(r"\b(iban|bic|kontonummer|bankverbindung|kreditkart\w*|kartennummer|personalausweis\w*|"
                       r"ausweis\w*|reisepass\w*|steuer-?id\w*|steueridentifikationsnummer|"
                       r"sozialversicherungs\w*|credit card|card number|account number|passport|id card|"
                       r"social security|tax id)\b", re.I)


class RequestChecker:
    """Collects every problem of one request file."""

    def __init__(self, path: Path, source: str, languages: tuple[str, ...]):
        self.file, self.at, self.languages = str(path), RequestLocator(source), languages
        self.problems: list[Problem] = []

    def add(self, line: int, key: str, warning: bool = False, /, **fields: Any) -> None:
        self.problems.append(report(self.file, f"line {line}", key, warning=warning, **fields))

    def text(self, raw: Mapping[str, Any], key: str, where: str, step: int | None, limit: int, what: str,
             required: bool = True) -> dict[str, str]:
        """A text of the file, checked in every language against `limit` (Meta's, for `what`)."""
        if key not in raw:
            if required:
                self.add(self.at.line(step), "requests.missing", key=where)
            return {}
        found = texts(raw[key])
        if found is None:
            self.add(self.at.line(step, key), "requests.not_text", key=where)
            return {}
        if "*" not in found:
            for lang in self.languages:
                if lang not in found:
                    self.add(self.at.line(step, key), "requests.text_missing", key=where, lang=lang)
        out: dict[str, str] = {}
        for lang, value in found.items():
            value = value.strip()
            line = self.at.line(step, key, value)
            if not value:
                self.add(line, "requests.missing", key=where)
            elif len(value) > limit:
                self.add(line, "requests.too_long", key=where, length=len(value), limit=limit, what=what)
            elif SENSITIVE.search(value):
                self.add(line, "requests.sensitive", True, key=where, word=SENSITIVE.search(value).group(0))
            out[lang] = value
        return out

    def unknown(self, raw: Mapping[str, Any], known: tuple[str, ...], step: int | None, prefix: str) -> None:
        for key in raw:
            if key not in known:
                self.add(self.at.line(step, str(key)), "requests.unknown_key", key=f"{prefix}{key}",
                         known=", ".join(known))


def check_request(path: Path, source: str, raw: Mapping[str, Any], languages: tuple[str, ...]) -> list[Problem]:
    """Every problem of one parsed request file."""
    c = RequestChecker(path, source, languages)
    c.unknown(raw, REQUEST_KEYS, None, "")
    c.text(raw, "title", "title", None, min(m.BUTTON_TITLE, m.ROW_TITLE, m.FLOW_CTA), "a button title")
    c.text(raw, "intro", "intro", None, m.BUTTON_BODY, "a message with buttons")
    c.text(raw, "done", "done", None, m.TEXT_BODY, "a message")
    if raw.get("kind", "other") not in KINDS:
        c.add(c.at.line(None, "kind"), "requests.bad_kind", value=raw.get("kind"), known=", ".join(KINDS))
    words = raw.get("keywords", {})
    if not (isinstance(words, list) and all(isinstance(w, str) for w in words)
            or isinstance(words, dict) and all(isinstance(v, list) and all(isinstance(w, str) for w in v)
                                               for v in words.values())):
        c.add(c.at.line(None, "keywords"), "requests.bad_keywords")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        c.add(c.at.line(None, "steps"), "requests.steps_count", count=0, high=MAX_STEPS)
        return c.problems
    if len(steps) > MAX_STEPS:
        c.add(c.at.line(MAX_STEPS), "requests.steps_count", count=len(steps), high=MAX_STEPS)
    seen: set[str] = set()
    for index, step in enumerate(steps):
        _step(c, index, step, seen)
    files = sum(int(s.get("max", 1)) for s in steps if s.get("type") in MEDIA_TYPES
                and isinstance(s.get("max", 1), int))
    if files > m.FLOW_MEDIA_FILES:
        line = c.at.line(next(i for i, s in enumerate(steps) if s.get("type") in MEDIA_TYPES), "max")
        c.add(line, "requests.too_many_files", count=files, limit=m.FLOW_MEDIA_FILES)
    return c.problems


def _step(c: RequestChecker, index: int, raw: Mapping[str, Any], seen: set[str]) -> None:
    where = f"steps[{index + 1}]"
    c.unknown(raw, STEP_KEYS, index, f"{where}.")
    step_id = raw.get("id")
    if not isinstance(step_id, str) or not ID.match(step_id):
        c.add(c.at.line(index, "id"), "requests.bad_id", value=str(step_id), key=f"{where}.id")
    elif step_id in seen:
        c.add(c.at.line(index, "id"), "requests.duplicate_id", value=step_id)
    else:
        seen.add(step_id)
        where = f"steps.{step_id}"
    kind = raw.get("type")
    if kind not in STEP_TYPES:
        c.add(c.at.line(index, "type"), "requests.bad_type", value=str(kind), known=", ".join(STEP_TYPES))
        return
    body = m.LIST_BODY if kind == "list" else m.BUTTON_BODY
    c.text(raw, "question", f"{where}.question", index, body, "a message with buttons" if body == m.BUTTON_BODY
           else "a list message")
    c.text(raw, "label", f"{where}.label", index, m.FLOW_TEXT_LABEL, "the label of a Flow's field")
    c.text(raw, "unit", f"{where}.unit", index, 10, "a unit", required=False)
    required = raw.get("required", True)
    if not isinstance(required, bool):
        c.add(c.at.line(index, "required"), "requests.not_bool", key=f"{where}.required")
    if kind == "list":
        c.text(raw, "button", f"{where}.button", index, m.LIST_BUTTON, "a list's button", required=False)
    if kind in CHOICE_TYPES:
        _options(c, index, where, kind, raw.get("options"), required is not False)
    elif "options" in raw:
        c.add(c.at.line(index, "options"), "requests.options_not_allowed", type=kind)
    if "future" in raw and (kind != "date" or not isinstance(raw["future"], bool)):
        c.add(c.at.line(index, "future"), "requests.not_bool", key=f"{where}.future")
    _numbers(c, index, where, kind, raw)


def _options(c: RequestChecker, index: int, where: str, kind: str, options: Any, required: bool) -> None:
    # an optional step gives up one place to its "skip" button (or row)
    high = (m.BUTTONS_MAX if kind == "buttons" else m.LIST_ROWS_MAX) - (0 if required else 1)
    if not isinstance(options, list) or not all(isinstance(o, dict) for o in options) \
            or not 2 <= len(options) <= high:
        count = len(options) if isinstance(options, list) else 0
        c.add(c.at.line(index, "options"), "requests.options_count", key=where, count=count, low=2, high=high,
              type=kind)
        return
    title_limit = min(m.BUTTON_TITLE if kind == "buttons" else m.ROW_TITLE, m.FLOW_CHOICE_LABEL)
    seen: set[str] = set()
    titles: dict[str, set[str]] = {}
    for number, option in enumerate(options, 1):
        at = f"{where}.options[{number}]"
        c.unknown(option, OPTION_KEYS, index, f"{at}.")
        option_id = option.get("id")
        if not isinstance(option_id, str) or not ID.match(option_id):
            c.add(c.at.line(index, "id", str(option_id)), "requests.bad_id", value=str(option_id), key=f"{at}.id")
        elif option_id in seen:
            c.add(c.at.line(index, "id", f'"{option_id}"'), "requests.duplicate_id", value=option_id)
        seen.add(str(option_id))
        for lang, title in c.text(option, "title", f"{at}.title", index, title_limit,
                                  "a button title" if kind == "buttons" else "a list row").items():
            if title.casefold() in titles.setdefault(lang, set()):
                c.add(c.at.line(index, "title", title), "requests.titles_twice", title=title, lang=lang)
            titles[lang].add(title.casefold())
        if "description" in option:
            if kind != "list":
                c.add(c.at.line(index, "description"), "requests.options_not_allowed", type=kind)
            else:
                c.text(option, "description", f"{at}.description", index, m.ROW_DESCRIPTION,
                       "a list row's description")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _numbers(c: RequestChecker, index: int, where: str, kind: str, raw: Mapping[str, Any]) -> None:
    ranges = {"text": (1, TEXT_LENGTH), "photos": (0, m.FLOW_MEDIA_FILES), "documents": (0, m.FLOW_MEDIA_FILES)}
    for key in ("min", "max"):
        if key not in raw:
            continue
        value = raw[key]
        if kind not in ("number", *ranges):
            c.add(c.at.line(index, key), "requests.unknown_key", key=f"{where}.{key}", known=", ".join(
                k for k in STEP_KEYS if k not in ("min", "max", "max_mb", "future")))
        elif kind == "number" and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
            c.add(c.at.line(index, key), "requests.bad_number", key=f"{where}.{key}")
        elif kind != "number" and (not _whole(value) or not ranges[kind][0] <= value <= ranges[kind][1]):
            c.add(c.at.line(index, key), "requests.bad_range", key=f"{where}.{key}", low=ranges[kind][0],
                  high=ranges[kind][1])
    low, high = raw.get("min"), raw.get("max")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        c.add(c.at.line(index, "min"), "requests.min_over_max", key=where)
    if kind in MEDIA_TYPES and isinstance(high, int) and high < 1:
        c.add(c.at.line(index, "max"), "requests.bad_range", key=f"{where}.max", low=1, high=m.FLOW_MEDIA_FILES)
    if "max_mb" in raw:
        cap = m.IMAGE_MB if kind == "photos" else DOCUMENT_MB
        if kind not in MEDIA_TYPES:
            c.add(c.at.line(index, "max_mb"), "requests.unknown_key", key=f"{where}.max_mb",
                  known=", ".join(STEP_KEYS))
        elif not _whole(raw["max_mb"]) or not 1 <= raw["max_mb"] <= cap:
            c.add(c.at.line(index, "max_mb"), "requests.bad_range", key=f"{where}.max_mb", low=1, high=cap)


def has_emoji(text: str) -> bool:
    """Whether a text holds a pictograph (a Flow's button takes none)."""
    return any(unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF for ch in text)
