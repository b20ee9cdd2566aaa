"""A guided request as content: a TOML wording file `requests/<name>.toml` (shipped in site_builder/wording/requests/,
overridable by the site's own wording/requests/<name>.toml like every wording file), read into a RequestDef.

    title = { de = "Angebot anfragen", en = "Request a quote" }   # the button that starts it (<= 20)
    kind = "quote"                       # quote, appointment (the owner gets an .ics proposal), order, other
    intro = { de = "...", en = "..." }   # the first message; done = the last one, after it was sent
    keywords = { de = ["Angebot"], en = ["quote"] }    # a customer who writes one of them starts it
    [[steps]]
    id = "ort"                           # a short id: the answer's key in e-mails, exports, webhooks and Flows
    type = "buttons"                     # buttons (<= 3), list (<= 10), text, number, postcode, date, photos,
                                         # documents
    question = { de = "Innen oder außen?", en = "Inside or outside?" }
    label = { de = "Bereich", en = "Area" }   # short name of the answer (<= 20): summary, e-mail, Flow field
    options = [ { id = "innen", title = { de = "Innen", en = "Inside" } }, ... ]   # buttons and list
    required = true                      # false: the customer may skip it
    min = 1, max = 5000                  # number: the value; text: the length; photos/documents: the count
    max_mb = 5                           # photos/documents: per file
    unit = { de = "m²", en = "m²" }      # number: shown after the value
    future = true                        # date: not in the past

A text is one string for every language, or one per site language. Every problem names the file and the line
(`RequestLocator`); Meta's limits are checked in checks.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

STEP_TYPES = ("buttons", "list", "text", "number", "postcode", "date", "photos", "documents")
CHOICE_TYPES = ("buttons", "list")
MEDIA_TYPES = ("photos", "documents")
KINDS = ("quote", "appointment", "order", "other")
REQUEST_KEYS = ("title", "kind", "intro", "done", "keywords", "steps")
STEP_KEYS = ("id", "type", "question", "label", "options", "required", "min", "max", "max_mb", "unit", "button",
             "future")
OPTION_KEYS = ("id", "title", "description")
# a step's or option's id names a form field in a Flow, a column of the export and a key of the webhook's JSON
ID = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
_STEP_HEADER = re.compile(r"^\s*\[\[\s*steps\s*\]\]\s*(#.*)?$")


@dataclass(frozen=True)
class Option:
    id: str
    title: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One question of a request and the kind of answer it takes."""

    id: str
    type: str
    question: Mapping[str, str]
    label: Mapping[str, str]
    required: bool = True
    options: tuple[Option, ...] = ()
    button: Mapping[str, str] = field(default_factory=dict)  # a list's button
    min: float | None = None
    max: float | None = None
    max_mb: int = 5
    unit: Mapping[str, str] = field(default_factory=dict)
    future: bool = False

    @property
    def media(self) -> bool:
        return self.type in MEDIA_TYPES

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def most(self) -> int:
        """Photos or documents: how many at most."""
        return int(self.max or 1)

    @property
    def least(self) -> int:
        return int(self.min or (1 if self.required else 0))


@dataclass(frozen=True)
class RequestDef:
    """One guided request, read from its wording file."""

    name: str
    path: Path  # the file that won (the site's own or the shipped one)
    title: Mapping[str, str]
    kind: str
    intro: Mapping[str, str]
    done: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]]
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def next_step(self, step_id: str | None) -> Step | None:
        """The step after `step_id` (the first one for None); None after the last."""
        if step_id is None:
            return self.steps[0] if self.steps else None
        ids = [s.id for s in self.steps]
        index = ids.index(step_id) + 1 if step_id in ids else len(ids)
        return self.steps[index] if index < len(ids) else None

    @property
    def media_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.media)


class RequestLocator:
    """The line of a value in a request file: a step's lines are those from its [[steps]] to the next one."""

    def __init__(self, source: str):
        self.lines = source.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if _STEP_HEADER.match(line)]

    def _range(self, step: int | None) -> tuple[int, int]:
        if step is None or step >= len(self.headers):
            return 0, (self.headers[0] if self.headers else len(self.lines))
        end = self.headers[step + 1] if step + 1 < len(self.headers) else len(self.lines)
        return self.headers[step], end

    def line(self, step: int | None = None, key: str = "", value: str = "") -> int:
        """1-based: the line holding `value` (as written), else the one assigning `key`, else the step's first."""
        start, end = self._range(step)
        for needle in (value, f"{key} =", f"{key}="):
            if needle:
                for index in range(start, end):
                    if needle in self.lines[index]:
                        return index + 1
        return start + 1


def texts(value: Any) -> dict[str, str] | None:
    """A text as given: one string for all languages ('*') or one per language; None when it is neither."""
    if isinstance(value, str):
        return {"*": value}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    return None


def per_language(value: Mapping[str, str], languages: tuple[str, ...]) -> dict[str, str]:
    """A text resolved to every site language (one string given for all of them counts for each)."""
    if "*" in value:
        return {lang: value["*"].strip() for lang in languages}
    return {lang: value[lang].strip() for lang in languages if lang in value}


def step_of(raw: Mapping[str, Any], languages: tuple[str, ...]) -> Step:
    """A step from its (already checked) table."""
    def text(key: str) -> dict[str, str]:
        found = texts(raw.get(key, {}))
        return per_language(found, languages) if found else {}

    options = tuple(Option(str(o["id"]), per_language(texts(o["title"]) or {}, languages),
                           per_language(texts(o.get("description", {})) or {}, languages))
                    for o in raw.get("options", ()) if isinstance(o, dict))
    number = lambda key: float(raw[key]) if isinstance(raw.get(key), (int, float)) and not isinstance(  # noqa: E731
        raw.get(key), bool) else None
    max_mb = raw.get("max_mb", 5)
    return Step(str(raw["id"]), str(raw["type"]), text("question"), text("label"), bool(raw.get("required", True)),
                options, text("button"), number("min"), number("max"),
                int(max_mb) if isinstance(max_mb, int) and not isinstance(max_mb, bool) else 5, text("unit"),
                bool(raw.get("future", False)))


def request_of(name: str, path: Path, raw: Mapping[str, Any], languages: tuple[str, ...]) -> RequestDef:
    """A request from its (already checked) file."""
    def text(key: str) -> dict[str, str]:
        found = texts(raw.get(key, {}))
        return per_language(found, languages) if found else {}

    words = raw.get("keywords") or {}
    if isinstance(words, list):
        words = {lang: words for lang in languages}
    keywords = {lang: tuple(str(w).strip() for w in words.get(lang, ()) if str(w).strip()) for lang in languages}
    return RequestDef(name, path, text("title"), str(raw.get("kind", "other")), text("intro"), text("done"),
                      keywords, tuple(step_of(s, languages) for s in raw.get("steps", ()) if isinstance(s, dict)))
