"""The owner's further documents, each worded in its own file with the same simple structure (see below):

    records/<lang>/letter-to-whatsapp.*  letter to WhatsApp Ireland with the business's clauses (a)-(h) (Art. 28)
    records/<lang>/instructions.*        the business's documented instructions to WhatsApp (Art. 28(3)(a))
    records/<lang>/staff-instruction.*   one page for everyone who reads the chats (Art. 29, 32(4))
    records/<lang>/access-request.*      answer template for a request for access, built on the chat export (Art. 15)
    records/<lang>/lost-phone.*          what to do when the phone is lost or stolen (Art. 33, 34: 72 hours)

A document's wording file has `title`, `intro` and `[[sections]]`, each with an `id`, a `heading` and any of
`ref`, `text` (a paragraph), `items` (a list; `ordered = true` numbers it), `after` (a paragraph after the
list), `fill` (labelled lines to write on) and `new_page`. The letter also gets the two address blocks.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ...facts import processor_terms, whatsapp
from .common import make_record, not_set
from .record_inputs import RecordLanguage
from .document import Block, Bullets, FillIn, Para, Record, Run, RecordSection, rich
from .record_wording import DOCUMENT_FIELDS, DOCUMENTS
from .requests_record import requests_staff_section

__all__ = ["DOCUMENTS", "DOCUMENT_FIELDS", "document_record", "document_values", "documents"]



def open_points(site: RecordLanguage) -> str:
    """The duties of Art. 28(3) and (4) WhatsApp's terms do not (fully) cover, as the letter names them (facts:
    processor_terms.toml, checked 2026-12-07)."""
    labels = site.words["letter-to-whatsapp"].table("open_labels")
    return "; ".join(labels.get(key, key) for key in processor_terms().open())


def _breach(site: RecordLanguage, authority: Any) -> str:
    """Where the lost-phone plan reports a breach: the authority's online form (facts, checked 2026-12-07), else
    its postal address and website."""
    w = site.words["lost-phone"]
    if authority is None:
        return not_set(site, "authority")
    if authority.get("breach_url"):
        return w("breach_form", url=authority.breach_url)
    return w("breach_none", address=authority.get("po_box") or authority.address, url=authority.url)


def document_values(site: RecordLanguage) -> dict[str, Any]:
    """The values of DOCUMENT_FIELDS for one language."""
    b, r = site.s.business, site.records
    authority = getattr(site.s, "authority", None)
    deputy_open = site.words["withdrawal"]("deputy_open")
    letter = site.words["letter-to-whatsapp"]
    english = letter("english_available") if "en" in site.site.languages else letter("english_missing")
    return {
        "number": site.whatsapp, "handler": site.handler, "deputy": r.withdrawal_deputy or deputy_open,
        "device": site.device,
        "authority": f"{authority.name}, {authority.address}" if authority else not_set(site, "authority"),
        "terms_date": site.date(r.terms_accepted) if r.terms_accepted else not_set(site, "records.terms_accepted"),
        "business_address": f"{b.street}, {b.postal_code} {b.city}", "phone": site.phone, "email": b.email,
        "wa_privacy": f"{whatsapp().privacy_contact.route(site.lang)} ({whatsapp().privacy_contact.url})",
        "open_points": open_points(site), "english_letter": english, "breach": _breach(site, authority),
    }


def _section(site: RecordLanguage, name: str, index: int, values: dict[str, Any]) -> RecordSection:
    w = site.words[name]
    path = f"sections.{index}"
    raw = w.file.data["sections"][index]
    blocks: list[Block] = []
    if "text" in raw:
        blocks.append(Para(rich(w(f"{path}.text", **values))))
    if "items" in raw:
        # an item worded for a setting ({% if bot %}...{% endif %}) is left out where it says nothing
        items = (w(f"{path}.items.{i}", **values) for i in range(len(raw["items"])))
        blocks.append(Bullets(tuple(rich(item) for item in items if item.strip()), ordered=bool(raw.get("ordered"))))
    if "after" in raw:
        blocks.append(Para(rich(w(f"{path}.after", **values))))
    if "fill" in raw:
        blocks.append(FillIn(tuple(w(f"{path}.fill.{i}", **values) for i in range(len(raw["fill"])))))
    ref = w(f"{path}.ref", **values) if "ref" in raw else ""
    return RecordSection(str(raw.get("id", index + 1)), w(f"{path}.heading", **values), tuple(blocks), ref,
                   bool(raw.get("new_page")))


def _letter_head(site: RecordLanguage, values: dict[str, Any]) -> tuple[Block, ...]:
    """Sender and recipient blocks of the letter: the business, and WhatsApp Ireland as the package ships it."""
    w, b, wa = site.words["letter-to-whatsapp"], site.s.business, whatsapp().processor
    country = wa.country_de if site.lang == "de" else wa.country_en
    recipient = "\n".join((wa.name, w("privacy_team"), *wa.address_lines, country))
    return (Para(rich(f"{b.name}\n{b.street}\n{b.postal_code} {b.city}\n{b.email}")),
            Para(rich(Run(recipient, bold=True))),
            Para(rich(w("route", **values)), small=True),
            Para(rich(Run(w("subject", **values), bold=True))))


def document_record(site: RecordLanguage, name: str) -> Record:
    w = site.words[name]
    values = document_values(site)
    sections = tuple(_section(site, name, i, values) for i in range(len(w.file.data.get("sections", []))))
    if name == "staff-instruction" and site.site.requests:  # guided requests: their own section, before signing
        sections = (*sections[:-1], requests_staff_section(site), *sections[-1:])
    intro: tuple[Block, ...] = (Para(rich(w("intro", **values))),)
    record = make_record(site, name, w("title", **values),
                         (*intro, *_letter_head(site, values)) if name == "letter-to-whatsapp" else intro, sections)
    if "internal" in w.file.data:  # the letter goes out: its header says what to file, not "do not publish"
        record = dataclasses.replace(record, internal=w("internal", **values))
    return record


def documents(site: RecordLanguage) -> list[Record]:
    return [document_record(site, name) for name in DOCUMENTS]
