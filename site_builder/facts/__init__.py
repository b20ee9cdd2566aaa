"""Facts the project keeps so that an owner does not have to research them: the data protection
authority of each German Land (private sector), WhatsApp's entities and addresses, and the legal
basis of the transfer to the USA with the court cases that could change it.

The data lives in the TOML files next to this module (see README.md there). Every fact carries the
day it was `checked` and the `source` it rests on; the owner can override each one in site.toml.

    authority_for("Bayern")      -> Authority (BayLDA, Ansbach) or None for an unknown Land
    states()                     -> every spelling authority_for accepts, e.g. "BY", "Bavaria"
    authorities()                -> all 16 authorities, in file order
    whatsapp()                   -> WhatsAppFacts (processor, privacy contact, US recipients, Cloud API)
    transfer()                   -> TransferFacts (DPF decision, addendum, cases, de/en wording)
    processor_terms()            -> ProcessorTerms (where WhatsApp's terms cover Art. 28(3)(a)-(h), 28(4))
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, get_type_hints

from ..tomlparse import tomllib

HERE = Path(__file__).parent
LANGS = ("de", "en")


class FactsError(ValueError):
    """A shipped facts file is malformed (a packaging error, not an owner's mistake)."""


# --- the records ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Authority:
    """The supervisory authority for businesses in one Land."""

    code: str  # two letters, e.g. "BY"
    land: str
    name: str
    short: str
    street: str
    postal_code: str
    city: str
    url: str
    verified: bool
    evidence: str  # "official", "secondary" or "none"
    checked: date
    source: str
    aliases: tuple[str, ...] = ()
    po_box: str | None = None
    use_po_box: bool = False
    complaint_url: str | None = None
    breach_url: str | None = None  # the online form for Art. 33 notifications, where one was found
    also: tuple[str, ...] = ()
    note: str = ""

    @property
    def address(self) -> str:
        """Street address on one line, e.g. 'Promenade 18, 91522 Ansbach'."""
        return f"{self.street}, {self.postal_code} {self.city}"

    @property
    def postal_address(self) -> str:
        """What to write on a letter: the PO box where the authority asks for it, else the street."""
        return self.po_box if self.use_po_box and self.po_box else self.address


@dataclass(frozen=True)
class Entity:
    """A company WhatsApp data goes to, with its address as published."""

    name: str
    address_lines: tuple[str, ...]
    country_de: str
    country_en: str
    verified: bool
    evidence: str
    checked: date
    source: str
    role_de: str = ""
    role_en: str = ""
    also: tuple[str, ...] = ()
    note: str = ""

    def address(self, lang: str = "de") -> str:
        """One line, country in the given language: 'Merrion Road, Dublin 4, D04 X2K5, Irland'."""
        return ", ".join((*self.address_lines, self.country_de if lang == "de" else self.country_en))


@dataclass(frozen=True)
class PrivacyContact:
    """How a business reaches WhatsApp's privacy team."""

    route_de: str
    route_en: str
    url: str
    verified: bool
    evidence: str
    checked: date
    source: str
    note: str = ""

    def route(self, lang: str = "de") -> str:
        return self.route_de if lang == "de" else self.route_en


@dataclass(frozen=True)
class CloudApi:
    """Meta's Cloud API, which the consent bot uses: who runs it, and what Meta says about the messages."""

    processor: str
    address_lines: tuple[str, ...]
    country_de: str
    country_en: str
    retention_days: int  # message content kept at rest by default, at most (Meta: "30 days ... typical")
    local_storage_url: str
    verified: bool
    evidence: str
    checked: date
    source: str
    also: tuple[str, ...] = ()
    note: str = ""

    def address(self, lang: str = "de") -> str:
        return ", ".join((*self.address_lines, self.country_de if lang == "de" else self.country_en))


@dataclass(frozen=True)
class WhatsAppFacts:
    processor: Entity
    privacy_contact: PrivacyContact
    us_recipients: tuple[Entity, ...]
    cloud_api: CloudApi


@dataclass(frozen=True)
class AdequacyDecision:
    reference: str
    date: date
    title_de: str
    title_en: str
    official_journal: str
    url: str
    verified: bool
    checked: date
    source: str
    also: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Addendum:
    title_en: str
    title_de: str
    last_updated: date
    url_en: str
    url_de: str
    exporter: str
    recipients: tuple[str, ...]
    mechanism: str
    reserved: str
    verified: bool
    checked: date
    source: str
    also: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class CourtCase:
    number: str
    name: str
    court_de: str
    court_en: str
    date: date
    status: str  # "dismissed", "pending", ...
    verified: bool
    checked: date
    source: str
    ecli: str | None = None
    official_journal: str | None = None
    also: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class SourcedSentence:
    """One sentence in German and English, with the sources (URLs) of the facts it states."""

    key: str
    de: str
    en: str
    sources: tuple[str, ...]

    def text(self, lang: str = "de") -> str:
        return self.de if lang == "de" else self.en


@dataclass(frozen=True)
class TransferFacts:
    adequacy_decision: AdequacyDecision
    addendum: Addendum
    cases: tuple[CourtCase, ...]
    wording: Mapping[str, SourcedSentence]

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.addendum.recipients

    @property
    def mechanism(self) -> str:
        return self.addendum.mechanism

    @property
    def checked(self) -> date:
        """The oldest check date of the facts the transfer wording rests on."""
        return min([self.adequacy_decision.checked, self.addendum.checked, *(c.checked for c in self.cases)])

    def case(self, number: str) -> CourtCase | None:
        return next((c for c in self.cases if c.number == number), None)

    def text(self, key: str, lang: str = "de") -> str:
        """A wording sentence by key ('basis', 'recipients', 'reservation', 'appeal', 'copy')."""
        return self.wording[key].text(lang)


@dataclass(frozen=True)
class TermsDocument:
    """One of WhatsApp's documents the clause map rests on, with the date it says it was last updated."""

    id: str  # "DPT", "DST", "DTA", "Business Terms": how the clause column names it
    title: str
    last_updated: date
    url: str


@dataclass(frozen=True)
class Clause:
    """Where WhatsApp's terms cover one duty of Art. 28(3) or (4) GDPR (id "a".."h", "subject",
    "second_subparagraph", "28-4"), with the words that do, and what they leave out."""

    id: str
    covered: str  # "yes", "partly", "no"
    clause: str
    quote: str
    gap_de: str
    gap_en: str

    def gap(self, lang: str = "de") -> str:
        return self.gap_de if lang == "de" else self.gap_en


@dataclass(frozen=True)
class ProcessorTerms:
    documents: tuple[TermsDocument, ...]
    clauses: Mapping[str, Clause]
    scope_de: str
    scope_en: str
    verified: bool
    checked: date
    source: str
    also: tuple[str, ...] = ()

    def scope(self, lang: str = "de") -> str:
        return self.scope_de if lang == "de" else self.scope_en

    def open(self) -> list[str]:
        """The ids whose duty the terms do not fully cover, in file order."""
        return [c.id for c in self.clauses.values() if c.covered != "yes"]


# --- loading ---------------------------------------------------------------------------------------

def _read(name: str) -> dict[str, Any]:
    path = HERE / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FactsError(f"{path}: cannot be read ({exc})") from exc


def _build(cls: type, table: Any, where: str, **extra: Any) -> Any:
    """An instance of the frozen dataclass `cls` from a TOML table, checking names and types so that
    a broken data file fails with the file and key, not somewhere in a template."""
    if not isinstance(table, dict):
        raise FactsError(f"{where}: expected a table")
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = set(table) - names
    if unknown:
        raise FactsError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = dict(extra)
    for f in fields(cls):
        if f.name in extra:
            continue
        if f.name not in table:
            if f.default is f.default_factory:  # both MISSING: the key is required
                raise FactsError(f"{where}.{f.name}: missing")
            continue
        value = table[f.name]
        hint = str(hints[f.name])
        if hint.startswith("tuple"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise FactsError(f"{where}.{f.name}: expected a list of strings")
            value = tuple(value)
        elif "date" in hint and not isinstance(value, date):
            raise FactsError(f"{where}.{f.name}: expected a date (YYYY-MM-DD, unquoted)")
        elif "bool" in hint and not isinstance(value, bool):
            raise FactsError(f"{where}.{f.name}: expected true or false")
        elif hint == str(int) and (isinstance(value, bool) or not isinstance(value, int)):
            raise FactsError(f"{where}.{f.name}: expected a whole number")
        elif "str" in hint and not isinstance(value, str):
            raise FactsError(f"{where}.{f.name}: expected a string")
        values[f.name] = value
    return cls(**values)


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _spellings(text: str) -> set[str]:
    """Lookup keys for a Land name: case, spaces, hyphens and dots folded; umlauts written both as
    'ue' and as plain 'u', since owners type 'Baden-Wuerttemberg' and 'Baden-Wurttemberg' alike."""
    folded = unicodedata.normalize("NFC", text).casefold().strip()
    with_e = folded.translate(_FOLD)
    plain = "".join(c for c in unicodedata.normalize("NFKD", folded.replace("ß", "ss"))
                    if not unicodedata.combining(c))
    return {key for key in (re.sub(r"[^a-z0-9]", "", s) for s in (with_e, plain)) if key}


@cache
def authorities() -> tuple[Authority, ...]:
    data = _read("authorities.toml")
    return tuple(_build(Authority, table, f"authorities.toml: [{code}]", code=code)
                 for code, table in data.items())


@cache
def _index() -> Mapping[str, Authority]:
    index: dict[str, Authority] = {}
    for authority in authorities():
        for spelling in _accepted(authority):
            for key in _spellings(spelling):
                if index.get(key, authority) is not authority:
                    raise FactsError(f"authorities.toml: [{authority.code}]: spelling {spelling!r} "
                                     f"is also used by [{index[key].code}]")
                index[key] = authority
    return MappingProxyType(index)


def _accepted(authority: Authority) -> tuple[str, ...]:
    return (authority.code, f"DE-{authority.code}", authority.land, *authority.aliases)


def states() -> list[str]:
    """Every spelling of a Land that authority_for accepts as written (upper/lower case, umlauts
    or 'ae/oe/ue', spaces or hyphens also work)."""
    return sorted({s for authority in authorities() for s in _accepted(authority)}, key=str.casefold)


def authority_for(state: str) -> Authority | None:
    """The private-sector supervisory authority of the Land `state` (name, code or alias), or None."""
    if not isinstance(state, str):
        return None
    index = _index()
    return next((index[key] for key in _spellings(state) if key in index), None)


@cache
def whatsapp() -> WhatsAppFacts:
    data = _read("whatsapp.toml")
    where = "whatsapp.toml"
    recipients = data.get("us_recipients")
    if not isinstance(recipients, list) or not recipients:
        raise FactsError(f"{where}: [[us_recipients]]: missing")
    return WhatsAppFacts(
        processor=_build(Entity, data.get("processor"), f"{where}: [processor]"),
        privacy_contact=_build(PrivacyContact, data.get("privacy_contact"), f"{where}: [privacy_contact]"),
        us_recipients=tuple(_build(Entity, r, f"{where}: [[us_recipients]] #{i + 1}")
                            for i, r in enumerate(recipients)),
        cloud_api=_build(CloudApi, data.get("cloud_api"), f"{where}: [cloud_api]"),
    )


COVERAGE = ("yes", "partly", "no")
CLAUSE_IDS = ("subject", *"abcdefgh", "second_subparagraph", "28-4")


@cache
def processor_terms() -> ProcessorTerms:
    data = _read("processor_terms.toml")
    where = "processor_terms.toml"
    documents = tuple(_build(TermsDocument, d, f"{where}: [[documents]] #{i + 1}")
                      for i, d in enumerate(data.get("documents") or []))
    clauses: dict[str, Clause] = {}
    for i, raw in enumerate(data.get("clauses") or []):
        clause = _build(Clause, raw, f"{where}: [[clauses]] #{i + 1}")
        if clause.covered not in COVERAGE:
            raise FactsError(f"{where}: [[clauses]] #{i + 1}.covered: one of {', '.join(COVERAGE)}")
        if clause.covered != "yes" and not (clause.gap_de and clause.gap_en):
            raise FactsError(f"{where}: [[clauses]] #{i + 1}: a duty not fully covered needs gap_de and gap_en")
        clauses[clause.id] = clause
    missing = [c for c in CLAUSE_IDS if c not in clauses]
    if missing:
        raise FactsError(f"{where}: [[clauses]]: missing {', '.join(missing)}")
    rest = {k: v for k, v in data.items() if k not in ("documents", "clauses")}
    return _build(ProcessorTerms, rest, where, documents=documents, clauses=MappingProxyType(clauses))


@cache
def transfer() -> TransferFacts:
    data = _read("transfer.toml")
    where = "transfer.toml"
    decision = _build(AdequacyDecision, data.get("adequacy_decision"), f"{where}: [adequacy_decision]")
    addendum = _build(Addendum, data.get("addendum"), f"{where}: [addendum]")
    cases = tuple(_build(CourtCase, c, f"{where}: [[cases]] #{i + 1}")
                  for i, c in enumerate(data.get("cases") or []))
    # A sentence's `sources` name the tables it rests on; resolve them to those tables' URLs.
    urls = {"adequacy_decision": (decision.source,), "addendum": (addendum.source,),
            "cases": tuple(dict.fromkeys(c.source for c in cases))}
    wording: dict[str, SourcedSentence] = {}
    for key, table in (data.get("wording") or {}).items():
        at = f"{where}: [wording.{key}]"
        if not isinstance(table, dict) or set(table) != {"de", "en", "sources"}:
            raise FactsError(f"{at}: expected exactly de, en and sources")
        unknown = [s for s in table["sources"] if s not in urls]
        if unknown:
            raise FactsError(f"{at}.sources: unknown {', '.join(unknown)} (use {', '.join(urls)})")
        wording[key] = SourcedSentence(key, table["de"], table["en"],
                               tuple(dict.fromkeys(u for s in table["sources"] for u in urls[s])))
    return TransferFacts(decision, addendum, cases, MappingProxyType(wording))


__all__ = [
    "Addendum", "AdequacyDecision", "Authority", "Clause", "CloudApi", "CourtCase", "Entity", "FactsError",
    "PrivacyContact", "ProcessorTerms", "TermsDocument", "TransferFacts", "WhatsAppFacts", "SourcedSentence",
    "authorities", "authority_for", "processor_terms", "states", "transfer", "whatsapp",
]
