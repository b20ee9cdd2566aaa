"""The records as build units: one per record (its HTML and PDF), digested from the record's data.

    records/<lang>/index.*                 7. overview and the owner's checklist
    records/<lang>/record-of-processing.*  1. Art. 30(1)(a)-(g)
    records/<lang>/requests.*              1a. Art. 30(1)(a)-(g) of guided requests (only when a site offers them)
    records/<lang>/risk-assessment.*       2. threshold check, Art. 35(7)(a)-(d)
    records/<lang>/processor-terms.*       3. Art. 28(3)(a)-(h), US transfer
    records/<lang>/consent.*               4. wording, purposes, ways in, proof, versions
    records/<lang>/privacy-notice.*        5. the privacy notice as published
    records/<lang>/withdrawal.*            6. form to print and sign, procedure
    records/<lang>/letter-to-whatsapp.*    letter to WhatsApp Ireland with the clauses (a)-(h) (Art. 28)
    records/<lang>/instructions.*          documented instructions to WhatsApp (Art. 28(3)(a))
    records/<lang>/staff-instruction.*     one page for the staff (Art. 29, 32(4))
    records/<lang>/access-request.*        answer template for Art. 15, built on the chat export
    records/<lang>/lost-phone.*            lost-phone plan (Art. 33, 34: 72 hours)
    records/whatsapp-app.*                 texts for the WhatsApp Business app, every language
    records/index.html                     the way in

Making the records' data (and so the digests and the problems) reads the wording files and imports no
ReportLab; only a unit's `render` draws.
"""

from __future__ import annotations

from typing import Callable

from ...problems import Problem, errors, report
from ...site import SiteModel
from ...units import Unit, drawn_unit
from ...wording.wordfiles import Words, check_placeholders
from .app_texts import app_record, app_text_set
from .consent_record import consent_record
from .document import Record, RecordJob
from .documents import documents
from .notices import privacy_record, withdrawal_record
from .open_items import missing_items
from .overview import entry_record, index_record
from .processing import record_of_processing
from .processor import processor_terms_record
from .record_inputs import RecordLanguage, base_values
from .record_wording import FIELDS, read_language
from .requests_record import FIELDS as REQUEST_FIELDS, WORDS, requests_record, requests_values
from .risk import risk_assessment

RECORDS_DIR = "records"
RENDERER = f"{__package__}.draw_record"
LANGUAGE_RECORDS: tuple[Callable[[RecordLanguage], Record], ...] = (
    record_of_processing, risk_assessment, processor_terms_record, consent_record, privacy_record, withdrawal_record)


def record_languages(site: SiteModel, problems: list[Problem]) -> dict[str, RecordLanguage]:
    """Each language with its wording; a language without wording files is a problem, not English."""
    out: dict[str, RecordLanguage] = {}
    for lang, language in site.languages.items():
        files = read_language(site.wording, lang, problems, (WORDS,) if site.requests else ())
        if files is None:
            continue
        values = base_values(language)
        words = {}
        for name, file in files.items():
            base = {} if name.startswith("app/") else values  # the app texts have values of their own
            if name == WORDS:  # guided requests: filled from their definitions
                base = {**values, **requests_values(site, file, lang)}
            allowed = frozenset(base) | set(FIELDS.get(name, REQUEST_FIELDS))
            problems += check_placeholders(file, allowed)
            words[name] = Words(file, base, problems, allowed)
        out[lang] = RecordLanguage(site, language, words)
    return out


def build_records(site: SiteModel) -> tuple[list[RecordJob], list[Problem]]:
    """Every record with its path, and the problems found on the way."""
    settings = site.settings
    problems: list[Problem] = []
    sites = record_languages(site, problems)
    if errors(problems) or not sites:
        return [], problems
    out: list[RecordJob] = []
    indexes: dict[str, Record] = {}
    for lang, one in sites.items():
        made = [make(one) for make in LANGUAGE_RECORDS] + documents(one)
        if site.requests:  # guided requests: a processing activity of their own
            made.insert(1, requests_record(one))
        indexes[lang] = index_record(one, {record.slug: record.title for record in made})
        for record in [indexes[lang], *made]:
            problems += [report(str(settings.path), f"records/{lang}/{record.slug}: {item}", "records.item_empty",
                                item=item, key=key) for item, key in missing_items(record)]
            out.append(RecordJob(f"{RECORDS_DIR}/{lang}/{record.slug}", record))
    first = sites.get(settings.default_lang) or next(iter(sites.values()))
    texts, found = app_text_set(sites, dict(settings.data.records.app_limits or {}), str(settings.path))
    problems += found
    out.append(RecordJob(f"{RECORDS_DIR}/whatsapp-app", app_record(first, sites, texts)))
    out.append(RecordJob(f"{RECORDS_DIR}/index", entry_record(first, tuple(sites), indexes)))
    return out, list(dict.fromkeys(problems))  # a sentence used twice (measures, transfer) reports once


def records_units(site: SiteModel) -> tuple[list[Unit], list[Problem]]:
    """One unit per record, and every problem; no units when any problem is an error."""
    jobs, problems = build_records(site)
    if errors(problems):
        return [], problems
    return [drawn_unit(job.path, RENDERER, job, job.files) for job in jobs], problems
