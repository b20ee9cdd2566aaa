"""3. The processor terms with WhatsApp, Art. 28(3)(a)-(h) GDPR, and the US transfer (Art. 44 ff. GDPR).

Where WhatsApp's terms cover each duty is a fact the package ships (site_builder/facts/processor_terms.toml,
read 2026-12-07 in WhatsApp's own texts): the owner no longer looks the clauses up, and a duty the terms do not
cover is said as such here and asked for in the letter to WhatsApp Ireland."""

from __future__ import annotations

from ...facts import processor_terms, whatsapp
from .common import host, make_record, not_set
from .record_inputs import RecordLanguage
from .document import Bullets, Facts, Para, Record, Run, RecordSection, Table, link, rich
from .processing import transfer_facts

# the rows of the clause map, in the order of the article, with the id each row is addressed by
ROWS = (("subject", "art28-3-subject"), *((lit, f"art28-3{lit}") for lit in "abcdefgh"),
        ("second_subparagraph", "art28-3-2"), ("28-4", "art28-4"))


def documents_text(site: RecordLanguage) -> str:
    """WhatsApp's documents the map rests on, each with its own date ("Data Processing Terms (22. August 2025)")."""
    return "; ".join(f"{d.title} ({site.date(d.last_updated)})" for d in processor_terms().documents)


def _terms(site: RecordLanguage, accepted: str) -> Facts:
    w, c, r = site.words["processor-terms"], site.words["common"], site.records
    urls = (r.terms_url, r.processing_terms_url, r.security_terms_url, r.transfer_addendum_url)
    contract = rich(w("contract_value"), *[part for url in urls for part in ("\n", link(url))])
    return Facts((
        (w("processor"), rich(c("whatsapp_ireland"))),
        (w("subprocessor"), rich(w("subprocessor_value"))),
        (w("contract"), contract),
        (w("accepted"), rich(Run(accepted, bold=True))),
        (w("terms_version"), rich(w("terms_version_value", date=accepted, documents=documents_text(site)))),
        (w("how"), rich(w("how_value"))),
        (w("filed"), rich(w("filed_value"))),
    ))


def _mapping(site: RecordLanguage) -> tuple[Table, Para]:
    """Each duty of Art. 28(3) and (4) with the clause of WhatsApp's terms that covers it (its words quoted), and
    whether it covers all of it: what it leaves out is named."""
    w, facts = site.words["processor-terms"], processor_terms()
    items = {item.id: item for item in w.entries("items")}
    covered = w.table("covered")
    rows, ids = [], []
    for key, row_id in ROWS:
        item, clause = items[key], facts.clauses[key]
        where = rich(Run(clause.clause, bold=True), *(("\n", f"„{clause.quote}“" if site.lang == "de"
                                                       else f"“{clause.quote}”") if clause.quote else ()))
        state = rich(Run(covered.get(clause.covered, clause.covered), bold=True),
                     *(("\n", clause.gap(site.lang)) if clause.gap(site.lang) else ()))
        rows.append((rich(item("lit")), rich(item("duty")), where, state))
        ids.append(row_id)
    note = w("mapping_note", date=site.date(facts.checked), documents=documents_text(site),
             scope=facts.scope(site.lang))
    return (Table((w("lit"), w("duty"), w("where"), w("clause")), tuple(rows), (0.08, 0.25, 0.42, 0.25), tuple(ids)),
            Para(rich(note), small=True))


def _cloud_api(site: RecordLanguage) -> tuple[Facts, Para]:
    """The bot's Cloud API: Meta Platforms Ireland as processor, as Meta's developer pages say (the Cloud API
    terms themselves could not be read, which the record says)."""
    w, api = site.words["processor-terms"], whatsapp().cloud_api
    return (Facts(((w("processor"), rich(f"{api.processor}, {api.address(site.lang)}")),
                   (w("cloud_role"), rich(w("cloud_role_value"))),
                   (w("cloud_storage"), rich(w("cloud_storage_value"))),
                   (w("documents"), rich(link(api.also[0]), "\n", link(api.source), "\n", link(api.local_storage_url))))),
            Para(rich(w("cloud_note")), small=True))


def processor_terms_record(site: RecordLanguage) -> Record:
    w, r = site.words["processor-terms"], site.records
    accepted = site.date(r.terms_accepted) if r.terms_accepted else not_set(site, "records.terms_accepted")
    transfer = (transfer_facts(site, with_country=False), Para(rich(w("transfer_checks"))),
                Bullets(tuple(rich(x) for x in w.texts("transfer_list"))))
    processors = [(rich(host(site)), rich(w("host_service")), rich(w("host_agreement")))]
    if site.has_bot:
        processors.append((rich(site.bot_host), rich(w("bot_service")), rich(w("bot_agreement"))))
    others = (Table((w("provider"), w("service"), w("agreement")), tuple(processors), (0.35, 0.3, 0.35)),)
    sections = (
        RecordSection("terms", w("terms"), (_terms(site, accepted),), w("terms_ref")),
        RecordSection("art28-3", w("mapping"), _mapping(site), w("mapping_ref")),
        *((RecordSection("cloud-api", w("cloud"), _cloud_api(site), w("cloud_ref")),) if site.has_bot else ()),
        RecordSection("transfer", w("transfer"), transfer, w("transfer_ref")),
        RecordSection("other-processors", w("others"), others, w("others_ref")),
    )
    return make_record(site, "processor-terms", w("title"), (Para(rich(w("intro"))),), sections,
                       ((w("accepted"), rich(accepted)),))

