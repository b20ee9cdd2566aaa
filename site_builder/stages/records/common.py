"""What several records share: the header every record carries, and the measures of Art. 32 GDPR."""

from __future__ import annotations

from typing import Sequence

from .record_inputs import RecordLanguage
from .document import Block, Record, Rich, RecordSection, rich
from ...legal_form import legal_kind
from ...wording.wordfiles import Entry


def controller_name(site: RecordLanguage) -> str:
    """Who the controller is: a sole trader is the person, "Max Muster, Inhaber des Betriebs „Schreinerei Muster“"
    (REFERENCE.md: § 5 DDG; issue 23), a company its name."""
    b = site.s.business
    kind = legal_kind(b.legal_form)
    if not kind.sole_trader:
        return b.name
    return site.words["common"]("controller_sole_female" if kind.female else "controller_sole", name=b.representative)


def make_record(site: RecordLanguage, slug: str, title: str, intro: Sequence[Block], sections: Sequence[RecordSection],
                extra_facts: Sequence[tuple[str, Rich]] = ()) -> Record:
    """A record with the usual facts under its title (controller, Stand, consent version) and footer."""
    c = site.words["common"]
    name = site.s.business.name
    facts = ((c("controller"), rich(controller_name(site))), (c("stand"), rich(site.stand)),
             (c("version"), rich(site.consent_id)), *extra_facts)
    footer = f"{name} – {c('stand')}: {site.stand} – {c('version')} {site.consent_id}"
    return Record(slug, site.lang, title, name, tuple(facts), tuple(intro), tuple(sections), footer, c("internal"),
                  site.s.site.as_of, c("page"))


def channel_names(site: RecordLanguage) -> list[str]:
    names = site.words["consent"].table("channel_names")
    return [names.get(name, name) for name in site.s.channels]


def not_set(site: RecordLanguage, key: str) -> str:
    return site.words["common"]("not_set", key=key)


def host(site: RecordLanguage) -> str:
    return site.s.site.hosting_provider or site.words["common"]("web_host_unknown")


def by_contacts(site: RecordLanguage, entry: Entry) -> str:
    """An entry's text for the setting records.contacts_access (its `by_contacts` table), or "" if it has none:
    the address-book measure and its residual risk follow from what the owner set, never "low" by default."""
    if not entry.raw("by_contacts"):
        return ""
    return entry(f"by_contacts.{site.records.contacts_access or 'off'}")


def applies(site: RecordLanguage, entry: Entry) -> bool:
    """Whether a wording entry with a `when` (bot, special, minors) applies to this site; entries without one do."""
    when = entry.raw("when")
    return when is None or {"bot": site.has_bot, "special": bool(site.records.special_categories),
                            "minors": (site.records.minors or "none") != "none"}.get(str(when), False)


def measures(site: RecordLanguage) -> list[tuple[str, str, str]]:
    """(id, title, implementation) of every measure: the built-in ones (ids as in the wording, which the
    risks refer to; those for a setting, e.g. the bot's "MB", only where it applies), then the owner's from
    records.measures, numbered after the numbered built-in ones so that their ids stay as the owner wrote them."""
    fields = dict(device=site.device, handler=site.handler)
    entries = [m for m in site.words["risk-assessment"].entries("measures") if applies(site, m)]
    out = [(m.id, m("title"), by_contacts(site, m) or m("text", **fields)) for m in entries]
    numbered = sum(1 for m in entries if m.raw("when") is None)
    for extra in site.records.measures or ():
        numbered += 1
        out.append((f"M{numbered}", extra.title, extra.description))
    return out
