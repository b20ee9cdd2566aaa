"""1. The record of processing activities, Art. 30(1)(a)-(g) GDPR."""

from __future__ import annotations

from ...facts import transfer, whatsapp
from .common import channel_names, host, make_record, measures
from .record_inputs import RecordLanguage
from .document import Bullets, Facts, Heading, Para, Record, Run, RecordSection, Table, link, rich


def _controller(site: RecordLanguage) -> Facts:
    w, c, b, dpo = site.words["record-of-processing"], site.words["common"], site.s.business, site.s.dpo
    dpo_text = ", ".join(x for x in (dpo.name, dpo.email, dpo.phone) if x) if dpo else w("no_dpo")
    return Facts((
        (c("controller"), rich(b.name)),
        (w("legal_form"), rich(b.legal_form)),
        (w("representative"), rich(b.representative)),
        (w("address"), rich(f"{b.street}, {b.postal_code} {b.city}")),
        (w("phone"), rich(site.phone)),
        (w("email"), rich(b.email)),
        (w("whatsapp"), rich(site.whatsapp)),
        (w("dpo"), rich(dpo_text)),
    ))


def _purposes(site: RecordLanguage) -> Table:
    w, c = site.words["record-of-processing"], site.words["common"]
    rows = [(rich(p.short), rich(p.description), rich(p.legal_basis),
             rich(c("required") if p.required else c("optional"))) for p in site.s.purposes]
    na = w("not_applicable")
    rows += [(rich(w(f"{kind}_purpose")), rich(w(f"{kind}_description")), rich(w(f"{kind}_basis")), rich(na))
             for kind in ("proof", "contract", "logs")]
    return Table((w("purpose"), w("description"), w("legal_basis"), w("consent_col")), tuple(rows),
                 (0.2, 0.38, 0.27, 0.15))


def _categories(site: RecordLanguage) -> tuple[Heading | Bullets | Para, ...]:
    w = site.words["record-of-processing"]
    channels = ", ".join(channel_names(site)) or "–"
    return (
        Heading(w("subjects")),
        Bullets(tuple(rich(x) for x in w.texts("subjects_list", channels=channels))),
        Heading(w("data")),
        Bullets(tuple(rich(x) for x in w.texts("data_list"))),
        Para(rich(w("special_yes") if site.records.special_categories else w("special_no"))),
    )


def _recipients(site: RecordLanguage) -> Table:
    w, c = site.words["record-of-processing"], site.words["common"]
    rows = (
        (rich(Run(c("whatsapp_ireland"), bold=True)), rich(w("wa_role")), rich(w("wa_data"))),
        *((rich(Run(f"{us.name}, {us.address(site.lang)}", bold=True)), rich(w("meta_role")), rich(w("meta_data")))
          for us in whatsapp().us_recipients),
        (rich("WhatsApp, Meta"), rich(w("own_role")), rich(w("own_data"))),
        (rich(Run(host(site), bold=True)), rich(w("host_role")), rich(w("host_data"))),
        (rich(w("authorities")), rich(w("authorities_role")), rich(w("authorities_data"))),
    )
    return Table((w("recipient"), w("role"), w("recipient_data")), rows, (0.34, 0.36, 0.3))


def transfer_facts(site: RecordLanguage, with_country: bool) -> Facts:
    """The US transfer: both recipients, basis, WhatsApp's reservation, the court cases, review dates, documents
    (also in the processor record). Recipients, reservation and cases are the facts the package ships."""
    w, c, t, facts = site.words["record-of-processing"], site.words["common"], site.s.transfer, transfer()
    recipients = "; ".join(f"{us.name}, {us.address(site.lang)}" for us in whatsapp().us_recipients)
    country = ((w("country"), rich(w("usa"))), (w("transfer_recipient"), rich(recipients))) if with_country else ()
    return Facts((
        *country,
        (w("basis"), rich(t.basis)),
        (w("safeguards"), rich(t.safeguards or c("none"))),
        (w("reservation"), rich(facts.text("reservation", site.lang))),
        (w("appeal"), rich(facts.text("appeal", site.lang))),
        (w("reviewed"), rich(site.date(t.reviewed))),
        (w("transfer_next"), rich(site.date(site.transfer_due))),
        (w("documents"), rich(link(site.records.transfer_addendum_url))),
    ))


def _deletion(site: RecordLanguage) -> Table:
    w, retention = site.words["record-of-processing"], site.s.retention
    rows = [(rich(w("chat")), rich(w("chat_period")))]
    if retention.note:
        rows.append((rich(w("kept")), rich(retention.note)))
    rows += [(rich(w("proof")), rich(w("proof_period"))), (rich(w("logs")), rich(w("logs_period")))]
    return Table((w("what"), w("period")), tuple(rows), (0.3, 0.7))


def record_of_processing(site: RecordLanguage) -> Record:
    w, c = site.words["record-of-processing"], site.words["common"]
    g = (Para(rich(w("g_intro"))),
         Bullets(tuple(rich(Run(f"{mid} {title}", bold=True), ": ", text) for mid, title, text in measures(site))))
    sections = (
        RecordSection("art30-1a", w("a"), (_controller(site),), w("a_ref")),
        RecordSection("art30-1b", w("b"), (_purposes(site),), w("b_ref")),
        RecordSection("art30-1c", w("c"), _categories(site), w("c_ref")),
        RecordSection("art30-1d", w("d"), (_recipients(site),), w("d_ref")),
        RecordSection("art30-1e", w("e"), (transfer_facts(site, with_country=True),), w("e_ref")),
        RecordSection("art30-1f", w("f"), (_deletion(site),), w("f_ref")),
        RecordSection("art30-1g", w("g"), g, w("g_ref")),
    )
    extra = ((w("activity"), rich(w("activity_value"))), (c("next_review"), rich(site.date(site.next_review))))
    return make_record(site, "record-of-processing", w("title"), (Para(rich(w("intro"))),), sections, extra)
