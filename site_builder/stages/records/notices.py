"""5. The privacy notice as published (Art. 13 GDPR), and 6. the withdrawal form and procedure (Art. 7(3) GDPR)."""

from __future__ import annotations

import re

from .common import make_record
from .html_blocks import html_sections
from .record_inputs import RecordLanguage
from .document import Bullets, Checklist, Facts, FillIn, Heading, Para, Record, Run, RecordSection, link, rich


def privacy_record(site: RecordLanguage) -> Record:
    w, c = site.words["privacy-notice"], site.words["common"]
    intro, sections = html_sections(site.privacy_html, site.urls["landing"])
    numbered = []
    for section in sections:
        match = re.fullmatch(r"art13-([12])([a-f])", section.id)
        ref = w("item_ref", para=match.group(1), lit=match.group(2)) if match else ""
        numbered.append(RecordSection(section.id or f"part-{len(numbered) + 1}", section.heading, section.blocks, ref))
    return make_record(site, "privacy-notice", w("title"), (Para(rich(w("intro")), small=True), *intro), numbered,
                       ((c("published_at"), rich(link(site.urls["privacy"]))),))


def _form(site: RecordLanguage) -> tuple:
    """The withdrawal form a customer fills in and signs."""
    w, c, b = site.words["withdrawal"], site.words["common"], site.s.business
    options = [rich(w("all"))] + [rich(w("only", label=p.short)) for p in site.s.purposes if not p.required]
    signature = c("sign", name="").strip()
    return (
        Para(rich(Run(w("to") + ": ", bold=True), f"{b.name}\n{b.street}\n{b.postal_code} {b.city}\n{b.email}")),
        Para(rich(Run(w("statement"), bold=True))),
        Checklist(tuple(options)),
        FillIn((*w.texts("fields"), c("sign_place_date"), signature)),
        Para(rich(w("form_note")), small=True),
        Heading(w("office")),
        FillIn(tuple(w.texts("office_fields"))),
    )


def withdrawal_record(site: RecordLanguage) -> Record:
    w, s, r = site.words["withdrawal"], site.s, site.records
    kept = w("kept", note=s.retention.note.rstrip(".")) if s.retention.note else ""
    procedure = (
        Facts(((w("handler"), rich(site.handler)), (w("deputy"), rich(r.withdrawal_deputy or w("deputy_open"))),
               (w("access"), rich(w("access_value") if r.withdrawal_deputy else w("access_none"))),
               (w("deadline"), rich(w("deadline_value"))))),
        Bullets(tuple(rich(x) for x in w.texts("steps", kept=kept)), ordered=True),
    )
    # the form comes last, on a sheet of its own, so that it can be printed and handed out alone
    sections = (RecordSection("procedure", w("procedure"), procedure, w("procedure_ref")),
                RecordSection("form", w("form"), _form(site), w("form_ref"), new_page=True))
    return make_record(site, "withdrawal", w("title"), (Para(rich(w("intro"))),), sections)
