"""Which wording files the records and the app texts read: one TOML file per record and language.

    wording/records/<lang>/common.toml              words every record uses (Stand, Seite, ...)
    wording/records/<lang>/record-of-processing.toml, risk-assessment.toml, ... one per record
    wording/app/<lang>/texts.toml                   the texts for the WhatsApp Business app

A placeholder the build does not know is a problem naming the file and line (site_builder.wording.wordfiles);
a language without these files is a problem naming every missing file (no silent fallback to another language).
"""

from __future__ import annotations

from ...problems import Problem, report
from ...wording import SHIPPED, Wording
from ...wording.wordfiles import WordFile, read_file

DOCUMENTS = ("letter-to-whatsapp", "instructions", "staff-instruction", "access-request", "lost-phone")
RECORD_FILES = ("common", "record-of-processing", "risk-assessment", "processor-terms", "consent",
                "privacy-notice", "withdrawal", "index", "whatsapp-app", *DOCUMENTS)
# The placeholders the documents (records/documents.py) may use besides those of every record.
DOCUMENT_FIELDS = ("number", "handler", "deputy", "device", "authority", "terms_date", "business_address",
                   "phone", "email", "wa_privacy", "open_points", "english_letter", "breach", "url", "address")
APP_FILES = ("texts",)
# The placeholders the texts of a record file may use besides those of every record (inputs.base_values):
# the values the record modules pass for one sentence. Checked for every text of the file, used or not.
FIELDS: dict[str, tuple[str, ...]] = {
    "common": ("key", "name"),
    "record-of-processing": ("channels", "label", "log_days"),
    "risk-assessment": ("channels", "device", "handler", "items", "met", "partly", "total"),
    "processor-terms": ("item", "date", "documents", "scope"),
    "consent": ("columns",),
    "privacy-notice": ("para", "lit"),
    "withdrawal": ("label", "note", "kept"),
    "index": ("date", "items", "handler", "deputy"),
    "whatsapp-app": ("count", "limit", "language"),
    **{name: DOCUMENT_FIELDS for name in DOCUMENTS},
    # the app texts have their own values (records/app.py: app_values), none of the records'
    "app/texts": ("business", "city", "landing_url", "privacy_url", "withdrawal_url", "phone", "email",
                  "opening_hours", "stop_marketing", "when"),
}


def wording_paths(lang: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Every wording file one language needs, relative to a theme folder (`extra`: records only some sites have,
    e.g. "requests" for guided requests)."""
    return [f"records/{lang}/{name}.toml" for name in (*RECORD_FILES, *extra)] + \
        [f"app/{lang}/{name}.toml" for name in APP_FILES]


def read_language(wording: Wording, lang: str, problems: list[Problem],
                  extra: tuple[str, ...] = ()) -> dict[str, WordFile] | None:
    """Every wording file of one language by name ('consent', 'app/texts', ...), or None with problems.

    A language with page texts but no wording of its own is one problem naming every missing file."""
    rels = wording_paths(lang, extra)
    missing = wording.missing(rels)
    if missing:
        folder = wording.own_path("")
        problems.append(report(str(folder), f"records/{lang}, app/{lang}", "records.wording_language_missing",
                               lang=lang, files=", ".join(missing), folder=str(folder), builtin=str(SHIPPED)))
        return None
    before = len(problems)
    files = {rel: read_file(wording, rel, problems) for rel in rels}
    if len(problems) > before:
        return None
    return {_name(rel): file for rel, file in files.items() if file is not None}


def _name(rel: str) -> str:
    folder, _, file = rel.partition("/")
    stem = file.split("/", 1)[1].removesuffix(".toml")
    return stem if folder == "records" else f"{folder}/{stem}"


