"""3. The processor terms with WhatsApp, Art. 28(3)(a)-(h) GDPR, and the US transfer (Art. 44 ff. GDPR)."""

from __future__ import annotations

from .common import host, make_record, not_set
from .record_inputs import RecordLanguage
from .document import Bullets, Facts, Para, Record, Run, RecordSection, Table, link, rich
from .processing import transfer_facts


def _terms(site: RecordLanguage, accepted: str) -> Facts:
    w, c, r = site.words["processor-terms"], site.words["common"], site.records
    urls = (r.terms_url, r.processing_terms_url, r.security_terms_url, r.transfer_addendum_url)
    contract = rich(w("contract_value"), *[part for url in urls for part in ("\n", link(url))])
    return Facts((
        (w("processor"), rich(c("whatsapp_ireland"))),
        (w("subprocessor"), rich(w("subprocessor_value"))),
        (w("contract"), contract),
        (w("accepted"), rich(Run(accepted, bold=True))),
        (w("terms_version"), rich(w("terms_version_value", date=accepted))),
        (w("how"), rich(w("how_value"))),
        (w("filed"), rich(w("filed_value"))),
    ))


def _mapping(site: RecordLanguage) -> tuple[Table, Para]:
    """Each duty of Art. 28(3) with where WhatsApp's terms cover it and the clause the owner checked."""
    w = site.words["processor-terms"]
    clauses = site.records.terms_clauses or {}
    rows, ids = [], []
    for item in w.entries("items"):
        clause = clauses.get(item.id) or w("clause_open", item=item.id)
        rows.append((rich(f"{item.id})"), rich(item("duty")), rich(item("where")), rich(clause)))
        ids.append(f"art28-3{item.id}")
    return (Table((w("lit"), w("duty"), w("where"), w("clause")), tuple(rows), (0.07, 0.3, 0.4, 0.23), tuple(ids)),
            Para(rich(w("mapping_note")), small=True))


def processor_terms(site: RecordLanguage) -> Record:
    w, r = site.words["processor-terms"], site.records
    accepted = site.date(r.terms_accepted) if r.terms_accepted else not_set(site, "records.terms_accepted")
    transfer = (transfer_facts(site, with_country=False), Para(rich(w("transfer_checks"))),
                Bullets(tuple(rich(x) for x in w.texts("transfer_list"))))
    others = (Table((w("provider"), w("service"), w("agreement")),
                    ((rich(host(site)), rich(w("host_service")), rich(w("host_agreement"))),), (0.35, 0.3, 0.35)),)
    sections = (
        RecordSection("terms", w("terms"), (_terms(site, accepted),), w("terms_ref")),
        RecordSection("art28-3", w("mapping"), _mapping(site), w("mapping_ref")),
        RecordSection("transfer", w("transfer"), transfer, w("transfer_ref")),
        RecordSection("other-processors", w("others"), others, w("others_ref")),
    )
    return make_record(site, "processor-terms", w("title"), (Para(rich(w("intro"))),), sections,
                       ((w("accepted"), rich(accepted)),))
