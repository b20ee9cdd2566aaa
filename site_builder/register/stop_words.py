"""Withdrawals and opt-outs in the customer's own words (issue 23, point 8): one phrase list per language in the
wording files (wording/register/<lang>/stop_words.toml, a site's own copy first), read by `consents` and the bot.

    words = read_stop_words(Wording(root), ("de", "en"))
    words.event("Bitte nicht mehr schreiben!")   -> "withdrawal"
    words.event("keine Werbung mehr 🙏")         -> "marketing_opt_out"
    words.unclear("Stopp, ich meinte Samstag")   -> True (listed for the owner, nothing recorded)

Only a whole message counts (fillers such as "bitte" or "thanks" at its start or end aside): a phrase inside a
longer message ("nicht abmelden") is never acted on, only listed, so a negation cannot withdraw anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Iterable

from ..problems import Problem
from ..wording import Wording
from .model import EVENT_MARKETING_OPT_OUT, EVENT_WITHDRAWAL, fold

FILE = "register/{lang}/stop_words.toml"
# a withdrawal in free words is short: longer messages are never one (and the bulk of a chat export is skipped)
MAX_FREE = 80
SHIPPED_LANGS = ("de", "en")
_NOT_WORD = re.compile(r"[^\w\s]+|_+")


def plain(text: str, folded: str | None = None) -> str:
    """Folded (case, umlauts as ae/oe/ue, spaces) with punctuation and emoji gone: how phrases are compared.
    `folded`: fold(text), where the caller has it already."""
    return " ".join(_NOT_WORD.sub(" ", fold(text) if folded is None else folded).split())


def phrase_pattern(phrases: Iterable[str], extra: Iterable[str] = ()) -> re.Pattern[str] | None:
    """One search for any of the phrases as whole words of folded text, punctuation or hyphens between their words
    ("nicht, mehr schreiben"); `extra`: further regex sources (a site's own keyword)."""
    alternatives = [r"[\W_]+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True) if p]
    alternatives += list(extra)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else None


@dataclass(frozen=True)
class StopWords:
    """The phrases of every language a site has, compared as `plain` text."""

    withdrawal: frozenset[str]
    marketing: frozenset[str]
    unclear_words: tuple[str, ...]
    fillers: tuple[str, ...]  # longest first, so that "vielen dank" goes before "danke"
    _any: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # one search for every phrase and word, as whole words of the plain text
        object.__setattr__(self, "_any", phrase_pattern({*self.unclear_words, *self.withdrawal, *self.marketing}))

    def core(self, text: str, folded: str | None = None) -> str:
        """The message without fillers at its start and end."""
        words = plain(text, folded).split()
        changed = True
        while words and changed:
            changed = False
            for filler in self.fillers:
                parts = filler.split()
                if words[:len(parts)] == parts and len(words) > len(parts):
                    words, changed = words[len(parts):], True
                elif words[-len(parts):] == parts and len(words) > len(parts):
                    words, changed = words[:-len(parts)], True
        return " ".join(words)

    def event(self, text: str, folded: str | None = None) -> str | None:
        """The register event a whole message in free words stands for, or None."""
        if len(text) > MAX_FREE:
            return None
        return self.event_of_core(self.core(text, folded))

    def event_of_core(self, core: str) -> str | None:
        """The event of a message already reduced to its core (see `core`)."""
        if core in self.withdrawal:
            return EVENT_WITHDRAWAL  # the stricter reading first, as the recogniser does
        if core in self.marketing:
            return EVENT_MARKETING_OPT_OUT
        return None

    def unclear(self, text: str, folded: str | None = None) -> bool:
        """Whether a message holds a stop-like phrase or word somewhere (to be shown to the owner, not acted on).
        One search of the folded text (`fold(text)`, which a caller may pass): most chat lines are none of it."""
        return self._any is not None and self._any.search(fold(text) if folded is None else folded) is not None


def _entries(value: object) -> list[str]:
    return [plain(str(v)) for v in value if plain(str(v))] if isinstance(value, list) else []


def read_stop_words(wording: Wording, langs: Iterable[str], problems: list[Problem] | None = None) -> StopWords:
    """The phrases of the given languages (a language without a file adds none; a broken file is a problem)."""
    sink: list[Problem] = [] if problems is None else problems
    withdrawal: set[str] = set()
    marketing: set[str] = set()
    unclear: list[str] = []
    fillers: list[str] = []
    for lang in dict.fromkeys(langs):
        rel = FILE.format(lang=lang)
        if wording.locate(rel) is None:
            continue
        table = wording.toml(rel, sink) or {}
        withdrawal.update(_entries(table.get("withdrawal")))
        marketing.update(_entries(table.get("marketing")))
        unclear += _entries(table.get("unclear"))
        fillers += _entries(table.get("fillers"))
    return StopWords(frozenset(withdrawal), frozenset(marketing), tuple(dict.fromkeys(unclear)),
                     tuple(sorted(dict.fromkeys(fillers), key=lambda f: -len(f.split()))))


@cache
def shipped_stop_words() -> StopWords:
    """The shipped German and English phrases (for a recogniser made without a site)."""
    from ..wording import SHIPPED

    return read_stop_words(Wording(SHIPPED / "__no_site__"), SHIPPED_LANGS)
