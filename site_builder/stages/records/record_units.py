"""The records as build units: one per record (its HTML and PDF), digested from the record's data.

    records/<lang>/index.*                 7. overview and the owner's checklist
    records/<lang>/record-of-processing.*  1. Art. 30(1)(a)-(g)
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

from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..problems import Problem, errors, report
from ..units import Unit, digest
from ..wording import Wording
from .app import app_record, app_text_set, app_texts
from .checks import missing_items
from .consent import consent_record
from .documents import documents
from .inputs import LanguageTexts, RecordsInput, Site, base_values, records_input
from .model import Record
from .notices import privacy_record, withdrawal_record
from .overview import entry_record, index_record
from .processing import record_of_processing
from .processor import processor_terms
from .risk import risk_assessment
from ..wording.wordfiles import Words, check_placeholders
from .words import FIELDS, read_language

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["LanguageTexts", "RecordsInput", "records_input", "records_problems", "records_units"]

RECORDS_DIR = "records"
RENDER_VERSION = "5"  # bump when render_html or render_pdf change, so that no unit's old files are reused
LANGUAGE_RECORDS: tuple[Callable[[Site], Record], ...] = (
    record_of_processing, risk_assessment, processor_terms, consent_record, privacy_record, withdrawal_record)


def _sites(settings: Settings, rinput: RecordsInput, problems: list[Problem]) -> dict[str, Site]:
    """Each language with its wording; a language without wording files is a problem, not English."""
    wording = Wording(settings.root, settings.theme.name)
    sites: dict[str, Site] = {}
    for language in rinput.languages:
        files = read_language(wording, language.lang, problems)
        if files is None:
            continue
        values = base_values(settings, language)
        words = {}
        for name, file in files.items():
            base = {} if name.startswith("app/") else values  # the app texts have values of their own
            allowed = frozenset(base) | set(FIELDS[name])
            problems += check_placeholders(file, allowed)
            words[name] = Words(file, base, problems, allowed)
        sites[language.lang] = Site(settings, language, settings.for_lang(language.lang), words)
    return sites


def build_records(settings: Settings, rinput: RecordsInput) -> tuple[list[tuple[str, Record]], list[Problem]]:
    """Every record as (path below output/ without suffix, record), and the problems found on the way."""
    problems: list[Problem] = []
    sites = _sites(settings, rinput, problems)
    if errors(problems) or not sites:
        return [], problems
    out: list[tuple[str, Record]] = []
    indexes: dict[str, Record] = {}
    for lang, site in sites.items():
        made = [make(site) for make in LANGUAGE_RECORDS] + documents(site)
        indexes[lang] = index_record(site, {record.slug: record.title for record in made})
        for record in [indexes[lang], *made]:
            problems += [report(str(settings.path), f"records/{lang}/{record.slug}: {item}", "records.item_empty",
                                item=item, key=key) for item, key in missing_items(record)]
            out.append((f"{RECORDS_DIR}/{lang}/{record.slug}", record))
    first = sites.get(settings.default_lang) or next(iter(sites.values()))
    texts, found = app_text_set(sites, dict(settings.records.app_limits or {}), str(settings.path))
    problems += found
    out.append((f"{RECORDS_DIR}/whatsapp-app", app_record(first, sites, texts)))
    out.append((f"{RECORDS_DIR}/index", entry_record(first, tuple(sites), indexes)))
    return out, list(dict.fromkeys(problems))  # a sentence used twice (measures, transfer) reports once


def _render(path: str, record: Record) -> Callable[[], dict[str, bytes]]:
    def render() -> dict[str, bytes]:
        from .render_html import render_html
        from .render_pdf import render_pdf  # ReportLab: the slow import, only when a PDF is drawn

        files = {path + ".html": render_html(record)}
        if record.slug != "entry":  # the way in is a page of links, not a document to file
            files[path + ".pdf"] = render_pdf(record)
        return files
    return render


def records_units(settings: Settings, rinput: RecordsInput) -> tuple[list[Unit], list[Problem]]:
    """One unit per record, and every problem; no units when any problem is an error.

    A unit's digest covers the record's whole data structure and RENDER_VERSION: equal digest, equal files."""
    records, problems = build_records(settings, rinput)
    if errors(problems):
        return [], problems
    return [Unit(path, digest(RENDER_VERSION, record), _render(path, record),
                 (path + ".html",) if record.slug == "entry" else (path + ".html", path + ".pdf"))
            for path, record in records], problems


def records_problems(settings: Settings, rinput: RecordsInput) -> list[Problem]:
    """What `check` needs: the problems of the records, without drawing any of them."""
    return build_records(settings, rinput)[1]


def greetings(settings: Settings, languages: Mapping[str, Any]) -> dict[str, str]:
    """The greeting message the WhatsApp app sends, per language, as the records' app texts word it: the
    landing page shows it in its chat preview. Problems are left to the records stage, which reports them."""
    problems: list[Problem] = []
    sites = _sites(settings, records_input(settings, languages), problems)
    out: dict[str, str] = {}
    used: set[str] = set()
    for lang, site in sites.items():
        texts, _ = app_texts(site, dict(settings.records.app_limits or {}), used, str(settings.path))
        out[lang] = next((t.text for t in texts if t.key == "greeting"), "")
    return out


