"""1. The record of processing activities, Art. 30(1)(a)-(g) GDPR."""

from __future__ import annotations

from ...facts import transfer, whatsapp
from ...legal_form import legal_kind
from .common import applies, channel_names, controller_name, host, make_record, measures
from .record_inputs import RecordLanguage
from .document import Bullets, Facts, Heading, Para, Record, Run, RecordSection, Table, link, rich


def _controller(site: RecordLanguage) -> Facts:
    """Art. 30(1)(a): a sole trader is the controller in person, so no "represented by" (REFERENCE.md, § 5 DDG);
    the data protection officer only where one is appointed (`check` refuses a site that needs one and has none)."""
    w, c, b, dpo = site.words["record-of-processing"], site.words["common"], site.s.business, site.s.dpo
    sole = legal_kind(b.legal_form).sole_trader
    rows = [(c("controller"), rich(controller_name(site))), (w("legal_form"), rich(b.legal_form))]
    if not sole:
        rows.append((w("representative"), rich(b.representative)))
    rows += [(w("address"), rich(f"{b.street}, {b.postal_code} {b.city}")), (w("phone"), rich(site.phone)),
             (w("email"), rich(b.email)), (w("whatsapp"), rich(site.whatsapp))]
    if dpo:
        rows.append((w("dpo"), rich(", ".join(x for x in (dpo.name, dpo.email, dpo.phone) if x))))
    return Facts(tuple(rows))


def _purposes(site: RecordLanguage) -> Table:
    """The purposes the customer ticks, then those without a box: the proof (the register), the answer to people
    who write without consent (issue 23, point 3), the bot's register where there is one, orders, server logs."""
    w, c = site.words["record-of-processing"], site.words["common"]
    rows = [(rich(p.short), rich(p.description), rich(p.legal_basis),
             rich(c("required") if p.required else c("optional"))) for p in site.s.purposes]
    na = w("not_applicable")
    kinds = ("proof", "no_consent", *(("bot",) if site.has_bot else ()), "contract", "logs")
    rows += [(rich(w(f"{kind}_purpose")), rich(w(f"{kind}_description")), rich(w(f"{kind}_basis")), rich(na))
             for kind in kinds]
    return Table((w("purpose"), w("description"), w("legal_basis"), w("consent_col")), tuple(rows),
                 (0.2, 0.38, 0.27, 0.15))


def _categories(site: RecordLanguage) -> tuple[Heading | Bullets | Para, ...]:
    w = site.words["record-of-processing"]
    channels = ", ".join(channel_names(site)) or "–"
    special = ", ".join(f"„{p.label}“" if site.lang == "de" else f"“{p.label}”"
                        for p in site.s.purposes if p.get("special_category"))
    subjects = [e("text", channels=channels) for e in w.entries("subjects_list") if applies(site, e)]
    return (
        Heading(w("subjects")),
        Bullets(tuple(rich(x) for x in subjects)),
        Heading(w("data")),
        Bullets(tuple(rich(x) for x in w.texts("data_list"))),
        Para(rich(w("special_yes", label=special) if site.records.special_categories else w("special_no"))),
    )


def _recipients(site: RecordLanguage) -> Table:
    w, c = site.words["record-of-processing"], site.words["common"]
    api = whatsapp().cloud_api
    bot = ((rich(Run(f"{api.processor}, {api.address(site.lang)}", bold=True)), rich(w("cloud_role")),
            rich(w("cloud_data"))),
           (rich(Run(site.bot_host, bold=True)), rich(w("bot_host_role")), rich(w("bot_host_data"))))
    rows = (
        (rich(Run(c("whatsapp_ireland"), bold=True)), rich(w("wa_role")), rich(w("wa_data"))),
        *((rich(Run(f"{us.name}, {us.address(site.lang)}", bold=True)), rich(w("meta_role")), rich(w("meta_data")))
          for us in whatsapp().us_recipients),
        *(bot if site.has_bot else ()),
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
        *(((w("cloud_transfer"), rich(w("cloud_transfer_value"))),) if site.has_bot else ()),
    ))


def _deletion(site: RecordLanguage) -> Table:
    """Art. 30(1)(f): the chat, and first what must be kept from it (vouchers and business letters, § 147 AO and for
    merchants § 257 HGB; what defect claims need, § 634a BGB, Art. 17(3)(e) GDPR; the proof of consent, §§ 195,
    199 BGB), chats without consent, the bot's data, the server logs."""
    w, retention = site.words["record-of-processing"], site.s.retention
    rows = [(rich(w("chat")), rich(w("chat_period"))), (rich(w("vouchers")), rich(w("vouchers_period"))),
            (rich(w("claims")), rich(w("claims_period")))]
    if retention.note:
        rows.append((rich(w("kept")), rich(retention.note)))
    rows += [(rich(w("no_consent")), rich(w("no_consent_period"))), (rich(w("proof")), rich(w("proof_period")))]
    if site.has_bot:
        rows += [(rich(w("bot_data")), rich(w("bot_data_period"))), (rich(w("cloud")), rich(w("cloud_period")))]
    rows.append((rich(w("logs")), rich(w("logs_period", log_days=site.s.site.log_retention_days or 0))))
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
