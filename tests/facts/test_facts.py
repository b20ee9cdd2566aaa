"""The shipped facts: 16 Land authorities for businesses, WhatsApp's entities, the US transfer basis.
Every fact is dated and sourced; the transfer wording says DPF for both US recipients and never
presents standard contractual clauses as applying as well."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from datetime import date

import pytest

from site_builder.facts import (
    Authority, FactsError, _build, authorities, authority_for, processor_terms, states, transfer, whatsapp,
)

CODES = {"BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"}
LANDER = {
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland",
    "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
}
# the days the facts were compared with their sources (issue 11: 2 December; issue 23: 7 December 2026)
CHECKED = (date(2026, 12, 2), date(2026, 12, 7))


def all_facts() -> list[object]:
    """Every dated record the package ships."""
    w, t = whatsapp(), transfer()
    return [*authorities(), w.processor, w.privacy_contact, *w.us_recipients, w.cloud_api,
            t.adequacy_decision, t.addendum, *t.cases, processor_terms()]


# --- authorities -----------------------------------------------------------------------------------

def test_all_sixteen_lander_are_there_once():
    found = authorities()
    assert {a.code for a in found} == CODES
    assert {a.land for a in found} == LANDER
    assert len(found) == 16


@pytest.mark.parametrize("authority", authorities(), ids=lambda a: a.code)
def test_every_authority_has_every_field(authority: Authority):
    for name in ("name", "short", "street", "city", "url", "source"):
        assert getattr(authority, name).strip(), f"{authority.code}: {name} is empty"
    assert re.fullmatch(r"\d{5}", authority.postal_code), authority.postal_code
    assert authority.address == f"{authority.street}, {authority.postal_code} {authority.city}"
    assert authority.evidence in {"official", "secondary", "none"}
    if authority.po_box:
        assert re.fullmatch(r"Postfach [\d ]+, \d{5} \S.*", authority.po_box), authority.po_box
    if authority.use_po_box:
        assert authority.postal_address == authority.po_box
    # An entry that could not be confirmed must say why, never be silently wrong.
    if not authority.verified:
        assert authority.note.strip()


def test_every_web_address_is_https():
    urls = []
    for a in authorities():
        urls += [a.url, a.source, *a.also] + ([a.complaint_url] if a.complaint_url else [])
    w, t = whatsapp(), transfer()
    for record in (w.processor, *w.us_recipients, t.adequacy_decision, t.addendum, *t.cases):
        urls += [record.source, *record.also]
    urls += [w.privacy_contact.url, w.privacy_contact.source, t.adequacy_decision.url,
             t.addendum.url_en, t.addendum.url_de]
    urls += [u for wording in t.wording.values() for u in wording.sources]
    bad = [u for u in urls if not re.fullmatch(r"https://[^\s/]+\.[a-z]{2,}(/\S*)?", u)]
    assert not bad


@pytest.mark.parametrize("fact", all_facts(), ids=lambda f: getattr(f, "code", None) or getattr(f, "name", None)
                         or getattr(f, "number", None) or type(f).__name__)
def test_every_fact_is_dated_and_sourced(fact):
    assert is_dataclass(fact)
    names = {f.name for f in fields(fact)}
    assert {"checked", "source", "verified"} <= names
    assert fact.checked in CHECKED
    assert fact.source.startswith("https://")


def test_bavaria_is_the_baylda_in_ansbach_not_the_public_sector_commissioner():
    by = authority_for("Bayern")
    assert by is not None and by.code == "BY"
    assert by.short == "BayLDA"
    assert by.name == "Bayerisches Landesamt für Datenschutzaufsicht"
    assert by.city == "Ansbach" and by.postal_code == "91522"
    assert by.url == "https://www.lda.bayern.de/"
    assert "Landesbeauftragte" not in by.name  # that is the BayLfD, public bodies only


@pytest.mark.parametrize("spelling, code", [
    ("Bayern", "BY"), ("bayern", "BY"), ("BY", "BY"), ("by", "BY"), ("Bavaria", "BY"), ("DE-BY", "BY"),
    ("Baden-Württemberg", "BW"), ("Baden-Wuerttemberg", "BW"), ("Baden-Wurttemberg", "BW"),
    ("baden württemberg", "BW"), ("BADEN-WÜRTTEMBERG", "BW"), ("BW", "BW"), ("BaWü", "BW"),
    ("Thüringen", "TH"), ("Thueringen", "TH"), ("Thuringen", "TH"), ("Thuringia", "TH"),
    ("Nordrhein-Westfalen", "NW"), ("NRW", "NW"), ("nw", "NW"), ("North Rhine-Westphalia", "NW"),
    ("Sachsen", "SN"), ("Sachsen-Anhalt", "ST"), ("Sachsen Anhalt", "ST"), ("Saxony-Anhalt", "ST"),
    ("Mecklenburg-Vorpommern", "MV"), ("M-V", "MV"), ("Schleswig Holstein", "SH"),
    ("Rheinland-Pfalz", "RP"), ("RLP", "RP"), ("Niedersachsen", "NI"), ("Lower Saxony", "NI"),
    ("Hessen", "HE"), (" Hessen ", "HE"), ("Hamburg", "HH"), ("Bremen", "HB"), ("Berlin", "BE"),
    ("Brandenburg", "BB"), ("Saarland", "SL"),
])
def test_spelling_variants_resolve(spelling: str, code: str):
    found = authority_for(spelling)
    assert found is not None, spelling
    assert found.code == code


@pytest.mark.parametrize("spelling", ["", "   ", "Bayer", "Österreich", "Berlin-Brandenburg", "XX", "DE"])
def test_unknown_lander_give_none(spelling: str):
    assert authority_for(spelling) is None


def test_every_listed_state_resolves_to_its_own_authority():
    listed = states()
    assert {"Bayern", "BY", "Baden-Württemberg", "BW"} <= set(listed)
    for spelling in listed:
        assert authority_for(spelling) is not None, spelling
    for authority in authorities():
        assert authority_for(authority.land) is authority
        assert authority_for(authority.code) is authority


def test_one_commissioner_lander_name_the_land_authority():
    # Lower Saxony, Hesse, Saxony, Thuringia etc.: one authority for both sectors.
    assert "Niedersachsen" in authority_for("Niedersachsen").name
    assert authority_for("Hessen").short == "HBDI"
    assert authority_for("Schleswig-Holstein").short == "ULD"
    assert authority_for("Saarland").name == "Unabhängiges Datenschutzzentrum Saarland"
    sn = authority_for("Sachsen")
    assert sn.name == "Die Sächsische Datenschutz- und Transparenzbeauftragte"
    assert sn.postal_address.startswith("Postfach")  # it asks for letters to the PO box only


# --- WhatsApp ------------------------------------------------------------------------------------------

def test_whatsapp_ireland_is_the_processor_in_dublin():
    w = whatsapp()
    assert w.processor.name == "WhatsApp Ireland Limited"
    assert w.processor.address("en") == "Merrion Road, Dublin 4, D04 X2K5, Ireland"
    assert w.processor.address("de").endswith("D04 X2K5, Irland")
    assert "Auftragsverarbeiter" in w.processor.role_de and "processor" in w.processor.role_en


def test_us_recipients_are_whatsapp_llc_and_meta_with_addresses():
    w = whatsapp()
    by_name = {r.name: r for r in w.us_recipients}
    assert set(by_name) == {"WhatsApp LLC", "Meta Platforms, Inc."}
    assert by_name["Meta Platforms, Inc."].address("en") == "1 Meta Way, Menlo Park, CA 94025, USA"
    # WhatsApp LLC as the Business Terms' notices clause gives it (checked 2026-12-07), not 1601 Willow Road
    assert by_name["WhatsApp LLC"].address("de") == "1 Meta Way, Menlo Park, CA 94025, USA"
    assert by_name["WhatsApp LLC"].evidence == "official"
    # The transfer facts name exactly the same companies.
    assert set(transfer().recipients) == set(by_name)


def test_unconfirmed_privacy_contact_is_marked_and_explained():
    contact = whatsapp().privacy_contact
    assert contact.url.startswith("https://www.whatsapp.com/legal/")
    assert contact.route("de") and contact.route("en")
    if not contact.verified:
        assert "NOT confirmed" in contact.note


# --- transfer basis ------------------------------------------------------------------------------------

def test_transfer_names_both_recipients_and_relies_on_the_dpf():
    t = transfer()
    assert t.recipients == ("WhatsApp LLC", "Meta Platforms, Inc.")
    assert t.mechanism == "EU-US Data Privacy Framework"
    assert t.adequacy_decision.reference == "(EU) 2023/1795"
    assert t.adequacy_decision.date == date(2023, 7, 10)
    assert t.addendum.last_updated == date(2024, 2, 16)
    assert t.addendum.exporter == "WhatsApp Ireland Limited"
    for lang in ("de", "en"):
        basis = t.text("basis", lang)
        assert "Data Privacy Framework" in basis
        assert "WhatsApp LLC" in basis and "Meta Platforms, Inc." in basis
        assert "2023/1795" in basis
        assert "16. Februar 2024" in basis if lang == "de" else "16 February 2024" in basis
        recipients = t.text("recipients", lang)
        assert "WhatsApp LLC" in recipients and "Meta Platforms, Inc." in recipients


FORBIDDEN = [
    r"ergänzend", r"zusätzlich", r"daneben", r"außerdem",
    r"\bin addition\b", r"\badditionally\b", r"\bsupplement", r"\bas well\b", r"\balso\b",
]


def test_standard_contractual_clauses_are_never_said_to_apply_as_well():
    t = transfer()
    for key, wording in t.wording.items():
        for lang in ("de", "en"):
            text = wording.text(lang)
            for pattern in FORBIDDEN:
                assert not re.search(pattern, text, re.IGNORECASE), (key, lang, pattern)
    # Standard contractual clauses appear only as WhatsApp's reserved option.
    for lang, word in (("de", "Standardvertragsklauseln"), ("en", "standard contractual clauses")):
        holders = [k for k, w in t.wording.items() if word in w.text(lang)]
        assert holders == ["reservation"]
    assert "vorbehält" in t.text("reservation", "de") or "behält sich lediglich vor" in t.text("reservation", "de")
    assert "reserves the right" in t.text("reservation", "en")
    assert "reserved only" in t.addendum.reserved


def test_court_cases_and_pending_appeal():
    t = transfer()
    general = t.case("T-553/23")
    appeal = t.case("C-703/25 P")
    assert general is not None and appeal is not None
    assert general.date == date(2025, 9, 3) and general.status == "dismissed"
    assert general.ecli == "ECLI:EU:T:2025:831"
    assert appeal.status == "pending" and appeal.date == date(2025, 10, 31)
    for lang in ("de", "en"):
        text = t.text("appeal", lang)
        assert "T-553/23" in text and "C-703/25 P" in text
        assert ("3. September 2025" if lang == "de" else "3 September 2025") in text
    assert "anhängig" in t.text("appeal", "de") and "pending" in t.text("appeal", "en")


def test_every_wording_has_both_languages_and_sources():
    t = transfer()
    assert {"basis", "recipients", "reservation", "appeal", "copy"} <= set(t.wording)
    for wording in t.wording.values():
        assert wording.de.strip() and wording.en.strip() and wording.de != wording.en
        assert wording.sources and all(s.startswith("https://") for s in wording.sources)


# --- a broken data file fails with the file and key ---------------------------------------------------

def test_a_missing_key_names_file_and_key():
    table = {"land": "Bayern", "short": "BayLDA"}
    with pytest.raises(FactsError, match=r"^authorities\.toml: \[BY\]\.name: missing$"):
        _build(Authority, table, "authorities.toml: [BY]", code="BY")


def test_a_quoted_date_is_refused():
    good = {f.name: getattr(authority_for("BY"), f.name) for f in fields(Authority) if f.name != "code"}
    good = {k: list(v) if isinstance(v, tuple) else v for k, v in good.items()}
    good["checked"] = "2026-12-02"
    with pytest.raises(FactsError, match=r"\.checked: expected a date"):
        _build(Authority, good, "authorities.toml: [BY]", code="BY")


# --- issue 23: authorities, the Cloud API, the Art. 28(3) clause map -----------------------------------


def test_bremen_has_its_official_name_and_bavaria_its_po_box_and_forms():
    assert authority_for("Bremen").name == ("Die Landesbeauftragte für Datenschutz und Informationsfreiheit der "
                                             "Freien Hansestadt Bremen")
    by = authority_for("Bayern")
    assert by.po_box == "Postfach 1349, 91504 Ansbach"
    assert by.breach_url == "https://lda.bayern.de/datenpanne"
    assert by.complaint_url == "https://www.lda.bayern.de/de/beschwerde.html"


def test_breach_forms_where_found_and_the_rest_say_why_not():
    with_form = {a.code for a in authorities() if a.breach_url}
    assert with_form == {"BW", "BY", "BE", "HB", "HH", "HE", "NI", "NW", "RP", "SL", "SN"}
    for a in authorities():
        if a.breach_url:
            assert re.fullmatch(r"https://\S+", a.breach_url), a.code
            assert "Breach form (Art. 33), checked 2026-12-07" in a.note, a.code
        else:
            assert "no online breach form was found" in a.note, a.code


def test_the_cloud_api_is_meta_platforms_ireland_which_decrypts_and_keeps_30_days():
    api = whatsapp().cloud_api
    assert api.processor == "Meta Platforms Ireland Limited" and api.retention_days == 30
    assert "Cloud API decrypts the message" in api.note and "30 days" in api.note
    assert "NOT read" in api.note  # Meta's Cloud API terms themselves: said, not guessed
    assert api.address("de").endswith("Irland")


def test_the_clause_map_covers_every_duty_and_names_what_is_not_covered():
    terms = processor_terms()
    assert {d.id: d.last_updated for d in terms.documents} == {
        "DPT": date(2025, 8, 22), "DST": date(2020, 10, 29), "DTA": date(2024, 2, 16),
        "Business Terms": date(2024, 2, 16)}
    assert set(terms.clauses) == {"subject", *"abcdefgh", "second_subparagraph", "28-4"}
    assert terms.open() == ["a", "f", "g", "h", "second_subparagraph"]
    assert terms.clauses["second_subparagraph"].covered == "no" and not terms.clauses["second_subparagraph"].quote
    for clause in terms.clauses.values():
        if clause.covered != "no":
            assert clause.quote and clause.clause.startswith("DPT"), clause.id
        if clause.covered != "yes":
            assert clause.gap("de") and clause.gap("en"), clause.id
    assert "customer contact information" in terms.clauses["subject"].quote
