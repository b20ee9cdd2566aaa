"""The recogniser: which customer messages are consents, withdrawals or marketing opt-outs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..consent import ID_PATTERN, LEGACY_ID_PATTERN, canonical_id
from .model import (EVENT_CONSENT, EVENT_MARKETING_OPT_OUT, EVENT_WITHDRAWAL, MARKETING_PURPOSE, KnownVersion,
                    LanguageTemplates, fold)
from .stop_words import MAX_FREE, StopWords, phrase_pattern, shipped_stop_words


def _literal_pattern(literal: str, spellings: dict[str, str] | None = None) -> str:
    """Regex for a template fragment: case/umlaut folded, any whitespace, optional hyphens.

    `spellings` maps a folded word to the regex of the ways customers spell it."""
    parts = []
    for token in re.split(r"(\s+|-)", fold(literal)):
        if not token:
            continue
        if token.isspace():
            parts.append(r"\s+")
        elif token == "-":
            # customers type "WhatsApp Kontakt" or "WhatsAppKontakt" as often as the hyphen
            parts.append(r"[\s-]*")
        elif spellings and token in spellings:
            parts.append(spellings[token])
        else:
            parts.append(re.escape(token))
    return "".join(parts)


_FIELD = re.compile(r"\{(\w+)\}")


def _split_template(template: str) -> tuple[list[str], list[str]]:
    """Literal fragments and field names of a format string."""
    pieces = _FIELD.split(template)
    return pieces[0::2], pieces[1::2]


def _stop_parts(template: str) -> tuple[str, str]:
    """Split a withdrawal/opt-out template into its sentence anchor and its closing keyword."""
    literals, _ = _split_template(template)
    tail = literals[-1]
    keyword = ""
    # The keyword ("STOP", "STOP Werbung") is what follows the last sentence end of the template.
    m = re.search(r"[.!?]\s*([^.!?]+?)\s*$", tail)
    if m and 1 <= len(m.group(1).split()) <= 3:
        keyword = m.group(1)
        literals = literals[:-1] + [tail[: m.start()]]
    anchor = max((lit.strip(" .,;:!?") for lit in literals), key=len, default="")
    return anchor, keyword


def _consent_keyword(template: str) -> str:
    """The word right before {version} in the consent template, e.g. "Einwilligung"."""
    before, sep, _ = template.partition("{version}")
    m = re.search(r"([^\W\d_][\w-]*)\W*$", before)
    if not sep or not m:
        raise ValueError(f"consent template needs a word before {{version}}: {template!r}")
    return m.group(1)


@dataclass(frozen=True)
class _LanguagePatterns:
    """The compiled patterns of one language, all matched against folded text."""

    lang: str
    consent_token: re.Pattern[str]
    withdrawal: re.Pattern[str] | None
    withdrawal_bare: re.Pattern[str] | None
    optout: re.Pattern[str] | None
    optout_bare: re.Pattern[str] | None
    purposes: tuple[tuple[str, re.Pattern[str]], ...]
    keywords: tuple[str, ...] = ()  # the regex sources of the closing keywords ("stopp?", "stopp? werbung")


# How customers spell a closing keyword of the templates: Germans often write "STOPP" (also
# "Stopp Werbung") for "STOP". It counts in every language, as "STOP" does: when in doubt, the
# more restrictive reading wins. Only the spelling widens; the keyword must still stand alone.
_KEYWORD_SPELLINGS = {"stop": "stopp?"}


def _compile_stop(template: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Patterns for a withdrawal-style sentence anywhere, and for the bare keyword alone."""
    anchor, keyword = _stop_parts(template)
    # A very short anchor ("STOP {business}") would match ordinary chat; then only the keyword counts.
    sentence = re.compile(_literal_pattern(anchor)) if len(anchor) >= 12 else None
    # The keyword counts only as the whole message (punctuation aside): "STOP the delivery" or
    # "Stopp, ich meinte Samstag" is ordinary chat, and so is "stoppen".
    bare = (re.compile(r"^[\W_]*" + _literal_pattern(keyword, _KEYWORD_SPELLINGS) + r"[\W_]*$")
            if keyword else None)
    return sentence, bare


def _compile_language(t: LanguageTemplates) -> _LanguagePatterns:
    """Compile the recognition patterns of one language's templates."""
    keyword = _literal_pattern(_consent_keyword(t.consent))
    # The token "(Einwilligung v3f2a9c1b/r)" is the anchor; the brackets are optional because customers delete
    # them, but the id must be exactly "v" and 8 hex digits, or the 8 hex digits alone of the messages sent
    # before ids got their letter, so prose cannot match.
    token = re.compile(
        r"(?<![^\W\d_])" + keyword + rf"\s*[:#]?\s*({ID_PATTERN}|{LEGACY_ID_PATTERN})"
        + r"(?:\s*/\s*([a-z0-9]{1,8}))?(?![0-9a-z/])"
    )
    withdrawal, withdrawal_bare = _compile_stop(t.withdrawal)
    optout, optout_bare = _compile_stop(t.marketing_optout)
    purposes = tuple(
        (pid, re.compile(r"(?<!\w)" + _literal_pattern(label) + r"(?!\w)"))
        for pid, label in t.purpose_labels.items() if label.strip()
    )
    keywords = tuple(_literal_pattern(keyword, _KEYWORD_SPELLINGS) for keyword in
                     (_stop_parts(t.withdrawal)[1], _stop_parts(t.marketing_optout)[1]) if keyword)
    return _LanguagePatterns(t.lang, token, withdrawal, withdrawal_bare, optout, optout_bare, purposes, keywords)


@dataclass(frozen=True)
class Recognition:
    """What one message is: its event and, for consents, the token found."""

    event: str
    lang: str = ""
    consent_id: str = ""
    source: str = ""
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recognizer:
    """Recognises consent, withdrawal and opt-out messages of one business."""

    business: str
    languages: tuple[_LanguagePatterns, ...]
    purpose_order: tuple[str, ...]
    known_versions: dict[str, KnownVersion] = field(default_factory=dict)
    current_ids: frozenset[str] = frozenset()
    own_senders: frozenset[str] = frozenset()  # folded names whose messages are the business's own
    # lang -> purpose id -> label, in the site's order of languages (the first is the site's own)
    purpose_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # Every event pattern in one alternation: most chat messages are no event, and one search that
    # fails rules them out (a long export spent most of its recognition time on the separate searches).
    any_event: re.Pattern[str] | None = None
    # withdrawals and opt-outs in the customer's own words (wording/register/<lang>/stop_words.toml), and one search
    # for anything stop-like (a listed phrase or word, a keyword of the site's own) that rules most chat out
    stop_words: StopWords | None = None
    free_any: re.Pattern[str] | None = None

    def labels(self, lang: str | None = None) -> dict[str, str]:
        """Purpose id -> label in `lang` (default: the site's first language), for the register."""
        if lang in self.purpose_labels:
            return dict(self.purpose_labels[lang])
        return dict(next(iter(self.purpose_labels.values()), {}))

    def is_own(self, sender: str | None) -> bool:
        """Whether a sender is the business itself."""
        return sender is not None and fold(sender) in self.own_senders

    def version_status(self, consent_id: str) -> str:
        """`current`, `outdated (<date>)` or `unknown` for a consent id (in either shape)."""
        consent_id = canonical_id(consent_id) or consent_id
        if consent_id in self.current_ids:
            return "current"
        known = self.known_versions.get(consent_id)
        if known is not None:
            return f"outdated ({known.date})"
        return "unknown"

    def recognize(self, text: str) -> Recognition | None:
        """The event a message text stands for, or None for ordinary chat."""
        return self.read(text)[0]

    def read(self, text: str) -> tuple[Recognition | None, bool]:
        """The event a message stands for (or None), and whether, being none, it is stop-like but unclear: nothing
        is recorded then; the owner reads it (`consents` lists it, the bot e-mails it) and asks the customer.
        The text is folded once and most chat is ruled out by two searches."""
        folded = fold(text)
        if not folded or (self.any_event is not None and self.any_event.search(folded) is None):
            return None, False
        stop_like = self.free_any is not None and self.free_any.search(folded) is not None
        found = self._recognize(text, folded, stop_like)
        return found, found is None and stop_like

    def _recognize(self, text: str, folded: str, stop_like: bool) -> Recognition | None:
        # Withdrawal before opt-out before consent: the more restrictive reading wins.
        for lp in self.languages:
            if lp.withdrawal and lp.withdrawal.search(folded):
                return Recognition(EVENT_WITHDRAWAL, lang=lp.lang)
        bare = [lp.lang for lp in self.languages if lp.withdrawal_bare and lp.withdrawal_bare.match(folded)]
        if bare:
            # "STOP" is the same word in every language: name a language only if just one uses it.
            return Recognition(EVENT_WITHDRAWAL, lang=bare[0] if len(bare) == 1 else "")
        for lp in self.languages:
            if (lp.optout and lp.optout.search(folded)) or (lp.optout_bare and lp.optout_bare.match(folded)):
                return Recognition(EVENT_MARKETING_OPT_OUT, lang=lp.lang, purposes=(MARKETING_PURPOSE,))
        free = self._free_words(text, folded) if stop_like else None
        if free is not None:
            return free
        for lp in self.languages:
            m = lp.consent_token.search(folded)
            if m:
                # an id sent without its letter is the same id: the register writes it in today's shape
                return Recognition(EVENT_CONSENT, lang=lp.lang, consent_id=canonical_id(m.group(1)) or m.group(1),
                                   source=m.group(2) or "", purposes=self._purposes(folded, lp))
        return None

    def _free_words(self, text: str, folded: str) -> Recognition | None:
        """A withdrawal or opt-out in the customer's own words: the whole message (fillers such as "bitte" aside)
        is a listed phrase or the site's own keyword ("STOP bitte")."""
        if self.stop_words is None or len(text) > MAX_FREE:
            return None
        core = self.stop_words.core(text, folded)
        bare = [lp.lang for lp in self.languages if lp.withdrawal_bare and lp.withdrawal_bare.match(core)]
        if bare:
            return Recognition(EVENT_WITHDRAWAL, lang=bare[0] if len(bare) == 1 else "")
        for lp in self.languages:
            if lp.optout_bare and lp.optout_bare.match(core):
                return Recognition(EVENT_MARKETING_OPT_OUT, lang=lp.lang, purposes=(MARKETING_PURPOSE,))
        event = self.stop_words.event_of_core(core)
        if event == EVENT_WITHDRAWAL:
            return Recognition(EVENT_WITHDRAWAL)
        if event == EVENT_MARKETING_OPT_OUT:
            return Recognition(EVENT_MARKETING_OPT_OUT, purposes=(MARKETING_PURPOSE,))
        return None

    def unclear(self, text: str) -> bool:
        """Stop-like but not clear (e.g. "Stopp, ich meinte Samstag", "nicht abmelden"): see `read`."""
        return self.read(text)[1]

    def _purposes(self, folded: str, lp: _LanguagePatterns) -> tuple[str, ...]:
        """Purpose ids whose label occurs in the message (own language first, then any)."""
        found = {pid for pid, pattern in lp.purposes if pattern.search(folded)}
        if not found:
            # A customer may have ticked boxes on the German page and then edited in English.
            found = {pid for other in self.languages for pid, pattern in other.purposes if pattern.search(folded)}
        return tuple(pid for pid in self.purpose_order if pid in found)


def build_recognizer(
    templates: list[LanguageTemplates],
    business: str,
    known_versions: list[KnownVersion],
    current_versions: dict[str, str],
    own_senders: Iterable[str] = (),
    stop_words: StopWords | None = None,
) -> Recognizer:
    """Compile the recogniser for one business from the site's own message templates (and the phrases of
    withdrawals in free words: the shipped German and English ones unless the site's are given)."""
    if not templates:
        raise ValueError("at least one language's templates are needed")
    order: list[str] = []
    for t in templates:
        order.extend(pid for pid in t.purpose_labels if pid not in order)
    # Ids in either shape name the same text (consent.canonical_id): both are matched by today's. Of two archive
    # entries of one text (an earlier file "c19690d8" and "vc19690d8"), the earlier date is the one it was first
    # published on.
    known: dict[str, KnownVersion] = {}
    for v in sorted(known_versions, key=lambda v: v.date):
        known.setdefault(canonical_id(v.id) or v.id.lower(), v)
    current = frozenset(canonical_id(v) or v.lower() for v in current_versions.values())
    own = frozenset(fold(name) for name in [business, *own_senders] if name.strip())
    languages = tuple(_compile_language(t) for t in templates)
    words = stop_words if stop_words is not None else shipped_stop_words()
    free_any = phrase_pattern({*words.withdrawal, *words.marketing, *words.unclear_words},
                              [k for lp in languages for k in lp.keywords])
    patterns = [p for lp in languages for p in (lp.consent_token, lp.withdrawal, lp.withdrawal_bare, lp.optout,
                                                 lp.optout_bare) if p is not None] + ([free_any] if free_any else [])
    return Recognizer(
        business=business,
        languages=languages,
        any_event=re.compile("|".join(f"(?:{p.pattern})" for p in patterns)),
        purpose_order=tuple(order),
        known_versions=known,
        current_ids=current,
        own_senders=own,
        purpose_labels={t.lang: dict(t.purpose_labels) for t in templates},
        stop_words=words,
        free_any=free_any,
    )
