"""Internal GDPR records for output/records/ (never published).

Each record is a plain data structure (sections with headings, paragraphs, tables) built from the
settings and the site's own texts, then rendered twice: to print-friendly HTML (A4 print stylesheet,
nothing loaded from anywhere) and to an A4 PDF with embedded fonts. Layout:

    records/<lang>/index.*                 7. overview and the owner's checklist
    records/<lang>/record-of-processing.*  1. Art. 30(1)(a)-(g)
    records/<lang>/risk-assessment.*       2. threshold check, Art. 35(7)(a)-(d)
    records/<lang>/processor-terms.*       3. Art. 28(3)(a)-(h), US transfer
    records/<lang>/consent.*               4. wording, purposes, ways in, proof, versions
    records/<lang>/privacy-notice.*        5. the privacy notice as published
    records/<lang>/withdrawal.*            6. form to print and sign, procedure
    records/whatsapp-app.*                 texts for the WhatsApp Business app, every language
    records/index.html                     the way in
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, TextIO, Union
from urllib.parse import urljoin, urlsplit

from .app_texts import TEMPLATES, AppText, app_fields, app_texts
from .config import LANGUAGE_NAMES, Settings
from .pages import csp_hash, display_phone, format_date, lang_dir, page_links
from .problems import InputError, Problem, errors
from .record_texts import words
from .whatsapp import fill

RECORDS_DIR = "records"
CACHE_FILE = f"{RECORDS_DIR}/.inputs.json"
RENDER_VERSION = "3"  # bump when render_pdf changes, so cached PDFs are redrawn
ORDER = ("record-of-processing", "risk-assessment", "processor-terms", "consent", "privacy-notice", "withdrawal")
ART13_ITEMS = tuple(f"art13-{p}{lit}" for p in (1, 2) for lit in "abcdef")
# What each record must contain, by section (or table row) id: the tests and `check` hold them to it.
REQUIRED_ITEMS: dict[str, tuple[str, ...]] = {
    "record-of-processing": tuple(f"art30-1{lit}" for lit in "abcdefg"),
    "risk-assessment": ("threshold",) + tuple(f"art35-7{lit}" for lit in "abcd"),
    "processor-terms": ("terms",) + tuple(f"art28-3{lit}" for lit in "abcdefgh") + ("transfer",),
    "consent": ("wording", "purposes", "channels", "collection", "versions"),
    "privacy-notice": ART13_ITEMS,
    "withdrawal": ("form", "procedure"),
    "index": ("records", "checklist", "dates"),
}


# --- the data structure -----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of inline text: plain, bold, or a link."""

    text: str
    bold: bool = False
    href: str | None = None


Rich = tuple[Run, ...]


def rich(*parts: str | Run) -> Rich:
    """Inline text from strings and runs."""
    return tuple(p if isinstance(p, Run) else Run(str(p)) for p in parts if p != "")


def link(url: str, text: str | None = None) -> Run:
    return Run(text or url, href=url)


@dataclass(frozen=True)
class Para:
    runs: Rich
    small: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[Rich, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Facts:
    """A key/value table."""

    rows: tuple[tuple[str, Rich], ...]


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[Rich, ...], ...]
    widths: tuple[float, ...] = ()  # fractions of the text width; empty: equal
    row_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A text to copy exactly, line breaks kept."""

    text: str


@dataclass(frozen=True)
class Checklist:
    """Boxes to tick by hand."""

    items: tuple[Rich, ...]


@dataclass(frozen=True)
class FillIn:
    """Labelled lines to write on."""

    labels: tuple[str, ...]


Block = Union[Para, Heading, Bullets, Facts, Table, Quote, Checklist, FillIn]


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    blocks: tuple[Block, ...]
    ref: str = ""  # the article it answers, e.g. "Art. 30 Abs. 1 S. 2 lit. a DSGVO"
    new_page: bool = False  # e.g. a form to hand out on its own sheet


@dataclass(frozen=True)
class Record:
    slug: str
    lang: str
    title: str
    business: str
    facts: tuple[tuple[str, Rich], ...]  # Stand, version, ... shown under the title
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]
    footer: str
    internal: str  # the "do not publish" line
    as_of: dt.date  # "Stand": also the PDF's date


def runs_text(runs: Iterable[Run]) -> str:
    return "".join(r.text for r in runs)


def block_text(block: Block) -> str:
    """The visible text of a block, for checks and tests."""
    if isinstance(block, Para):
        return runs_text(block.runs)
    if isinstance(block, Heading):
        return block.text
    if isinstance(block, (Bullets, Checklist)):
        return "\n".join(runs_text(i) for i in block.items)
    if isinstance(block, Facts):
        return "\n".join(f"{k}: {runs_text(v)}" for k, v in block.rows)
    if isinstance(block, Table):
        return "\n".join(" | ".join(runs_text(c) for c in row) for row in block.rows)
    if isinstance(block, Quote):
        return block.text
    return "\n".join(block.labels)


def section_text(section: Section) -> str:
    return "\n".join(block_text(b) for b in section.blocks).strip()


def record_items(record: Record) -> dict[str, str]:
    """Every addressable item of a record (sections and table rows with ids) with its text."""
    found: dict[str, str] = {}
    for section in record.sections:
        found[section.id] = section_text(section)
        for block in section.blocks:
            if isinstance(block, Table):
                for row_id, row in zip(block.row_ids, block.rows):
                    found[row_id] = " | ".join(runs_text(c) for c in row).strip()
    return found


# --- sanitised HTML of the content texts -> blocks --------------------------------------------


class _HtmlBlocks(HTMLParser):
    """Turns the (already sanitised) HTML of a content text into blocks, split at each <h2>."""

    INLINE_BLOCKS = {"p", "h2", "h3", "h4", "address", "blockquote", "dt", "dd", "div"}

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.sections: list[tuple[str, str, list[Block]]] = [("", "", [])]
        self.runs: list[Run] | None = None
        self.kind = ""
        self.bold = 0
        self.hrefs: list[str | None] = []
        self.lists: list[tuple[bool, list[Rich]]] = []
        self.li_depth = 0
        self.table: list[list[Rich]] | None = None
        self.head_row = False
        self.pending_id = ""

    # inline collection
    def _start(self, kind: str) -> None:
        self._flush()
        self.runs, self.kind = [], kind

    def _flush(self) -> None:
        if self.runs is None:
            return
        runs, kind = _tidy(self.runs), self.kind
        self.runs, self.kind = None, ""
        blocks = self.sections[-1][2]
        if kind == "h2":
            self.sections.append((self.pending_id, runs_text(runs), []))
        elif kind in ("h3", "h4") and runs:
            blocks.append(Heading(runs_text(runs)))
        elif kind == "li":
            if runs and self.lists:
                self.lists[0][1].append(((Run("– "),) if len(self.lists) > 1 else ()) + runs)
        elif kind == "cell":
            if self.table is not None:
                self.table[-1].append(runs)
        elif runs:
            blocks.append(Para(runs))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag == "a":
            href = a.get("href")
            if href and not urlsplit(href).scheme and not href.startswith("#"):
                href = urljoin(self.base, href)  # the records live elsewhere: links point at the published site
            self.hrefs.append(href)
        elif tag == "br":
            if self.runs is not None:
                self.runs.append(Run("\n"))
        elif tag in ("ul", "ol"):
            if self.kind == "li":
                self._flush()
            self.lists.append((tag == "ol", []))
        elif tag == "li":
            self.li_depth += 1
            self._start("li")
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.head_row = self.head_row or (tag == "th" and len(self.table) == 1)
            self._start("cell")
        elif tag in self.INLINE_BLOCKS:
            if self.li_depth and self.runs is not None:
                if self.runs:
                    self.runs.append(Run("\n"))
                return  # paragraphs inside a list item stay in the item
            self.pending_id = a.get("id") or ""
            self._start(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag == "a":
            if self.hrefs:
                self.hrefs.pop()
        elif tag == "li":
            self._flush()
            self.li_depth = max(0, self.li_depth - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                ordered, items = self.lists.pop()
                if not self.lists and items:
                    self.sections[-1][2].append(Bullets(tuple(items), ordered))
                elif self.lists:
                    self.lists[-1][1].extend(items)
            if self.li_depth:
                self._start("li")  # text after a nested list continues the outer item
        elif tag in ("td", "th"):
            self._flush()
        elif tag == "table" and self.table is not None:
            rows = [tuple(r) for r in self.table if r]
            head = tuple(runs_text(c) for c in rows[0]) if rows and self.head_row else ()
            body = rows[1:] if head else rows
            self.sections[-1][2].append(Table(head, tuple(body)))
            self.table, self.head_row = None, False
        elif tag in self.INLINE_BLOCKS and not self.li_depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.runs is None:
            if not data.strip():
                return
            self._start("p")
        href = self.hrefs[-1] if self.hrefs else None
        self.runs.append(Run(data, bool(self.bold), href))

    def result(self) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
        self._flush()
        intro = tuple(self.sections[0][2])
        return intro, tuple(Section(sid, heading, tuple(blocks)) for sid, heading, blocks in self.sections[1:])


def _tidy(runs: list[Run]) -> Rich:
    """Collapse HTML whitespace, drop it around line breaks and at the ends; merge equal neighbours."""
    out: list[Run] = []
    for run in runs:
        text = run.text if run.text == "\n" else re.sub(r"\s+", " ", run.text)
        if out and out[-1].bold == run.bold and out[-1].href == run.href and "\n" not in (text, out[-1].text):
            out[-1] = Run(out[-1].text + text, run.bold, run.href)
        else:
            out.append(Run(text, run.bold, run.href))
    # strip spaces next to line breaks and at both ends
    cleaned: list[Run] = []
    for i, run in enumerate(out):
        text = run.text
        if text != "\n":
            if i == 0 or out[i - 1].text == "\n":
                text = text.lstrip()
            if i == len(out) - 1 or out[i + 1].text == "\n":
                text = text.rstrip()
        if text:
            cleaned.append(Run(text, run.bold, run.href))
    while cleaned and cleaned[0].text == "\n":
        cleaned.pop(0)
    while cleaned and cleaned[-1].text == "\n":
        cleaned.pop()
    return tuple(cleaned)


def html_sections(source: str, base: str = "") -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    """The blocks before the first <h2>, and one section per <h2> (its id kept)."""
    parser = _HtmlBlocks(base)
    parser.feed(source)
    parser.close()
    return parser.result()


def html_blocks(source: str, base: str = "") -> tuple[Block, ...]:
    """All blocks of an HTML fragment, <h2> headings as headings."""
    intro, sections = html_sections(source, base)
    out = list(intro)
    for section in sections:
        out.append(Heading(section.heading))
        out.extend(section.blocks)
    return tuple(out)


# --- what a record knows about one language of the site ---------------------------------------


@dataclass(frozen=True)
class Site:
    """One language of the built site, as the records see it."""

    settings: Settings
    lang: str
    s: Any  # settings.for_lang(lang)
    w: Mapping[str, Any]  # record wording
    consent_id: str
    fragment: str
    versions: tuple[Any, ...]
    texts: Mapping[str, Any]
    pages: Mapping[str, str]
    urls: Mapping[str, str]
    messages: tuple[tuple[tuple[str, ...], str], ...]  # (purpose ids, prefilled message)

    @property
    def stand(self) -> str:
        return format_date(self.s.site.as_of, self.lang)

    def date(self, day: dt.date) -> str:
        return format_date(day, self.lang)

    @property
    def phone(self) -> str:
        return display_phone(self.settings.phone_e164)

    @property
    def whatsapp(self) -> str:
        return display_phone(self.settings.whatsapp_e164)

    @property
    def records(self) -> Any:
        return self.s.records


def site_view(settings: Settings, plan: Any, lang: str) -> Site:
    """Collect what the records need from the build plan of one language."""
    from .consent import chat_links

    language = plan.languages[lang]
    s = settings.for_lang(lang)
    pages = page_links({k: t.meta for k, t in language.texts.items()}, language.consent_id)
    folder = settings.base_url + lang_dir(settings, lang)
    urls = {"landing": folder, **{key: folder + name for key, name in pages.items() if key != "index"}}
    site = plan.sites.get(lang) if getattr(plan, "sites", None) else None
    links = site.chat_links if site is not None else chat_links(
        s.purposes, language.texts["consent"].meta["message"], s.business.short_name or s.business.name,
        language.consent_id, settings.whatsapp_digits)
    return Site(settings, lang, s, words(lang), language.consent_id, language.fragment, tuple(language.versions),
                language.texts, pages, urls, tuple((link.purposes, link.message) for link in links))


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review(site: Site) -> dt.date:
    return add_months(site.s.site.as_of, int(site.records.review_months))


def transfer_due(site: Site) -> dt.date:
    return add_months(site.s.transfer.reviewed, 12)


def _record(site: Site, slug: str, title: str, intro: Sequence[Block], sections: Sequence[Section],
            extra_facts: Sequence[tuple[str, Rich]] = ()) -> Record:
    c = site.w["common"]
    name = site.s.business.name
    facts = ((c["controller"], rich(name)), (c["stand"], rich(site.stand)),
             (c["version"], rich(site.consent_id)), *extra_facts)
    footer = f"{name} – {c['stand']}: {site.stand} – {c['version']} {site.consent_id}"
    return Record(slug, site.lang, title, name, tuple(facts), tuple(intro), tuple(sections), footer, c["internal"],
                  site.s.site.as_of)


def _channel_names(site: Site) -> list[str]:
    names = site.w["consent"]["channel_names"]
    return [names.get(name, name) for name in site.s.channels]


def _device(site: Site) -> str:
    return site.records.device or site.w["risk"]["device_default"]


def _handler(site: Site) -> str:
    return site.records.withdrawal_handler or site.s.business.representative


def _not_set(site: Site, key: str) -> str:
    return site.w["common"]["not_set"].format(key=key)


def _host(site: Site) -> str:
    return site.s.site.hosting_provider or site.w["common"]["web_host_unknown"]


def measures(site: Site) -> list[tuple[str, str, str]]:
    """(id, title, implementation) of every measure: the built-in ones, then the owner's."""
    w = site.w["risk"]
    fields = dict(device=_device(site), handler=_handler(site), n=site.s.retention.chat_months,
                  reviewed=site.date(site.s.transfer.reviewed))
    out = [(f"M{i}", title, text.format(**fields)) for i, (title, text) in enumerate(w["measures"], 1)]
    for extra in site.records.measures or ():
        out.append((f"M{len(out) + 1}", extra.title, extra.description))
    return out


# --- 1. record of processing activities, Art. 30(1) ------------------------------------------


def record_of_processing(site: Site) -> Record:
    w, c, s = site.w["processing"], site.w["common"], site.s
    b, dpo = s.business, s.dpo
    dpo_text = (", ".join(x for x in (dpo.name, dpo.email, dpo.phone) if x) if dpo
                else w["no_dpo"].format(representative=b.representative))
    a = Facts((
        (c["controller"], rich(b.name)),
        (w["legal_form"], rich(b.legal_form)),
        (w["representative"], rich(b.representative)),
        (w["address"], rich(f"{b.street}, {b.postal_code} {b.city}")),
        (w["phone"], rich(site.phone)),
        (w["email"], rich(b.email)),
        (w["whatsapp"], rich(site.whatsapp)),
        (w["dpo"], rich(dpo_text)),
    ))
    purposes = [(rich(p.short), rich(p.description), rich(p.legal_basis),
                 rich(c["required"] if p.required else c["optional"])) for p in s.purposes]
    na = w["not_applicable"]
    purposes += [
        (rich(w["proof_purpose"]), rich(w["proof_description"]), rich(w["proof_basis"]), rich(na)),
        (rich(w["contract_purpose"]), rich(w["contract_description"]), rich(w["contract_basis"]), rich(na)),
        (rich(w["logs_purpose"]), rich(w["logs_description"]), rich(w["logs_basis"]), rich(na)),
    ]
    channels = ", ".join(_channel_names(site)) or "–"
    c_blocks = (
        Heading(w["subjects"]),
        Bullets(tuple(rich(x.format(channels=channels)) for x in w["subjects_list"])),
        Heading(w["data"]),
        Bullets(tuple(rich(x) for x in w["data_list"])),
        Para(rich(w["special_yes"] if site.records.special_categories else w["special_no"])),
    )
    recipients = (
        (rich(Run(c["whatsapp_ireland"], bold=True)), rich(w["wa_role"]), rich(w["wa_data"])),
        (rich(Run(c["meta"], bold=True)), rich(w["meta_role"]), rich(w["meta_data"])),
        (rich("WhatsApp, Meta"), rich(w["own_role"]), rich(w["own_data"])),
        (rich(Run(_host(site), bold=True)), rich(w["host_role"]), rich(w["host_data"])),
        (rich(w["authorities"]), rich(w["authorities_role"]), rich(w["authorities_data"])),
    )
    t = s.transfer
    e = Facts((
        (w["country"], rich(w["usa"])),
        (w["transfer_recipient"], rich(c["meta"])),
        (w["basis"], rich(t.basis)),
        (w["safeguards"], rich(t.safeguards or c["none"])),
        (w["reviewed"], rich(site.date(t.reviewed))),
        (w["transfer_next"], rich(site.date(transfer_due(site)))),
        (w["documents"], rich(link(site.records.transfer_addendum_url))),
    ))
    deletion = [(rich(w["chat"]), rich(w["chat_period"].format(n=s.retention.chat_months)))]
    if s.retention.note:
        deletion.append((rich(w["kept"]), rich(s.retention.note)))
    deletion += [(rich(w["proof"]), rich(w["proof_period"])), (rich(w["logs"]), rich(w["logs_period"]))]
    g = (Para(rich(w["g_intro"])),
         Bullets(tuple(rich(Run(f"{mid} {title}", bold=True), ": ", text) for mid, title, text in measures(site))))
    sections = (
        Section("art30-1a", w["a"], (a,), w["a_ref"]),
        Section("art30-1b", w["b"], (Table((w["purpose"], w["description"], w["legal_basis"], w["consent_col"]),
                                           tuple(purposes), (0.2, 0.38, 0.27, 0.15)),), w["b_ref"]),
        Section("art30-1c", w["c"], c_blocks, w["c_ref"]),
        Section("art30-1d", w["d"], (Table((w["recipient"], w["role"], w["recipient_data"]), recipients,
                                           (0.34, 0.36, 0.3)),), w["d_ref"]),
        Section("art30-1e", w["e"], (e,), w["e_ref"]),
        Section("art30-1f", w["f"], (Table((w["what"], w["period"]), tuple(deletion), (0.3, 0.7)),), w["f_ref"]),
        Section("art30-1g", w["g"], g, w["g_ref"]),
    )
    extra = ((w["activity"], rich(w["activity_value"])),
             (c["next_review"], rich(site.date(next_review(site)))))
    return _record(site, "record-of-processing", w["title"],
                   (Para(rich(w["intro"].format(landing_url=site.urls["landing"]))),), sections, extra)


# --- 2. risk assessment, threshold check + Art. 35(7) -----------------------------------------


def risk_assessment(site: Site) -> Record:
    w, c, s = site.w["risk"], site.w["common"], site.s
    special = bool(site.records.special_categories)
    rows, met, partly = [], 0, 0
    for i, (criterion, reason) in enumerate(w["criteria"]):
        state = "no"
        if i == 1 and special:
            state, reason = "yes", w["special_reason"]
        elif i == 5:
            state = "partly"
        met += state == "yes"
        partly += state == "partly"
        label = {"yes": c["yes"], "no": c["no"], "partly": w["partly"]}[state]
        rows.append((rich(criterion), rich(Run(label, bold=True)), rich(reason)))
    dpia = met + partly >= 2  # WP 248: two criteria make a DPIA the rule; "partly" counts, to be safe
    result = (w["result_yes"] if dpia else w["result_no"]).format(met=met, partly=partly, total=len(rows))
    threshold = (Table((w["criterion"], w["met"], w["reason"]), tuple(rows), (0.5, 0.12, 0.38)),
                 Para(rich(Run(result, bold=True))))

    channels = ", ".join(_channel_names(site)) or "–"
    flow = tuple(rich(step.format(channels=channels, landing_url=site.urls["landing"], device=_device(site),
                                  n=s.retention.chat_months)) for step in w["flow"])
    a = (Bullets(flow, ordered=True), Facts((
        (w["purposes"], rich(", ".join(p.short for p in s.purposes))),
        (w["data"], rich(w["data_value"])),
        (w["recipients"], rich(w["recipients_value"])),
        (w["device"], rich(_device(site))),
    )))
    b = (Bullets(tuple(rich(x.format(n=s.retention.chat_months)) for x in w["necessity"])),)

    risk_rows, risk_ids = [], []
    for i, (title, description, assessment, refs) in enumerate(w["risks"], 1):
        risk_rows.append((rich(f"R{i}"), rich(Run(title, bold=True), "\n", description), rich(assessment),
                          rich(", ".join(refs))))
        risk_ids.append(f"risk-{i}")
    for extra in site.records.risks or ():
        i = len(risk_rows) + 1
        risk_rows.append((rich(f"R{i}"), rich(Run(extra.title, bold=True), "\n", extra.description),
                          rich(extra.assessment or w["own_assessment"]), rich(extra.measures or "–")))
        risk_ids.append(f"risk-{i}")
    cc = (Table((w["no"], w["risk"], w["assessment"], w["measures_col"]), tuple(risk_rows),
                (0.08, 0.5, 0.27, 0.15), tuple(risk_ids)),)
    measure_rows = tuple((rich(mid), rich(Run(title, bold=True)), rich(text)) for mid, title, text in measures(site))
    d = (Table((w["no"], w["measure"], w["implementation"]), measure_rows, (0.08, 0.3, 0.62)),
         Para(rich(Run(w["conclusion_yes"] if special else w["conclusion_no"], bold=True))),
         Heading(w["signature"]),
         FillIn((c["sign_place_date"], c["sign"].format(name=s.business.representative))))
    sections = (
        Section("threshold", w["threshold"], threshold, w["threshold_ref"]),
        Section("art35-7a", w["a"], a, w["a_ref"]),
        Section("art35-7b", w["b"], b, w["b_ref"]),
        Section("art35-7c", w["c"], cc, w["c_ref"]),
        Section("art35-7d", w["d"], d, w["d_ref"]),
    )
    return _record(site, "risk-assessment", w["title"], (Para(rich(w["intro"])),), sections,
                   ((c["next_review"], rich(site.date(next_review(site)))),))


# --- 3. processor terms, Art. 28(3) -----------------------------------------------------------


def processor_terms(site: Site) -> Record:
    w, c, s, r = site.w["processor"], site.w["common"], site.s, site.records
    accepted = site.date(r.terms_accepted) if r.terms_accepted else _not_set(site, "records.terms_accepted")
    urls = (r.terms_url, r.processing_terms_url, r.security_terms_url, r.transfer_addendum_url)
    contract = rich(w["contract_value"], *[part for url in urls for part in ("\n", link(url))])
    terms = Facts((
        (w["processor"], rich(c["whatsapp_ireland"])),
        (w["subprocessor"], rich(w["subprocessor_value"])),
        (w["contract"], contract),
        (w["accepted"], rich(Run(accepted, bold=True))),
        (w["how"], rich(w["how_value"])),
        (w["filed"], rich(w["filed_value"])),
    ))
    clauses = r.terms_clauses or {}
    rows, ids = [], []
    for item, (duty, where) in w["items"].items():
        clause = clauses.get(item) or w["clause_open"].format(item=item)
        rows.append((rich(f"{item})"), rich(duty), rich(where), rich(clause)))
        ids.append(f"art28-3{item}")
    mapping = (Table((w["lit"], w["duty"], w["where"], w["clause"]), tuple(rows), (0.07, 0.3, 0.4, 0.23), tuple(ids)),
               Para(rich(w["mapping_note"]), small=True))
    t = s.transfer
    transfer = (Facts((
        (site.w["processing"]["basis"], rich(t.basis)),
        (site.w["processing"]["safeguards"], rich(t.safeguards or c["none"])),
        (site.w["processing"]["reviewed"], rich(site.date(t.reviewed))),
        (site.w["processing"]["transfer_next"], rich(site.date(transfer_due(site)))),
        (site.w["processing"]["documents"], rich(link(r.transfer_addendum_url))),
    )), Para(rich(w["transfer_checks"])), Bullets(tuple(rich(x) for x in w["transfer_list"])))
    others = (Table((w["provider"], w["service"], w["agreement"]),
                    ((rich(_host(site)), rich(w["host_service"]), rich(w["host_agreement"])),), (0.35, 0.3, 0.35)),)
    sections = (
        Section("terms", w["terms"], (terms,), w["terms_ref"]),
        Section("art28-3", w["mapping"], mapping, w["mapping_ref"]),
        Section("transfer", w["transfer"], transfer, w["transfer_ref"]),
        Section("other-processors", w["others"], others, w["others_ref"]),
    )
    return _record(site, "processor-terms", w["title"], (Para(rich(w["intro"])),), sections,
                   ((w["accepted"], rich(accepted)),))


# --- 4. consent wording, use scenarios, versions ----------------------------------------------


def _token(site: Site, suffix: str = "") -> str:
    """The consent token as it appears in the message, e.g. "(Einwilligung 3f2a9c1b/r)"."""
    template = str(site.texts["consent"].meta["message"])
    match = re.search(r"\(([^()]*\{version\}[^()]*)\)", template)
    token = match.group(0) if match else "{version}"
    return fill(token, version=site.consent_id + suffix)


def consent_record(site: Site) -> Record:
    w, c, s = site.w["consent"], site.w["common"], site.s
    shorts = {p.id: p.short for p in s.purposes}
    messages = tuple((rich(", ".join(shorts[pid] for pid in ids)), rich(message)) for ids, message in site.messages)
    business = s.business.short_name or s.business.name
    withdrawal = site.texts["withdrawal"].meta
    stops = [(w["withdraw_message"], rich(fill(str(withdrawal["message"]), business=business)))]
    if any(not p.required for p in s.purposes) and withdrawal.get("marketing_message"):
        stops.append((w["optout_message"], rich(fill(str(withdrawal["marketing_message"]), business=business))))
    wording = (*html_blocks(site.fragment, site.urls["landing"]),
               Heading(w["messages"]), Table((w["ticked"], w["message"]), messages, (0.3, 0.7)),
               Heading(w["stop_messages"]), Facts(tuple(stops)))
    purposes = tuple((rich(p.id), rich(p.label), rich(p.short), rich(c["required"] if p.required else c["optional"]),
                      rich(p.legal_basis)) for p in s.purposes)
    names = w["channel_names"]
    channel_rows = [(rich(names.get(name, name)), rich(code), rich(link(f"{site.settings.base_url}?s={code}")),
                     rich(_token(site, "/" + code))) for name, code in s.channels.items()]
    channel_rows.append((rich(w["direct"]), rich("–"), rich(link(site.urls["landing"])), rich(_token(site))))
    folder = site.settings.base_url + lang_dir(site.settings, site.lang)
    versions = sorted(site.versions, key=lambda v: (v.date, v.id))
    version_rows = tuple(
        (rich(Run(v.id, bold=v.id == site.consent_id)), rich(site.date(dt.date.fromisoformat(v.date))),
         rich(link(f"{folder}consent-{v.id}.html")), rich(w["current"] if v.id == site.consent_id else w["earlier"]))
        for v in versions)
    sections = (
        Section("wording", w["wording"].format(version=site.consent_id), wording, w["wording_ref"]),
        Section("purposes", w["purposes"], (Table((w["id"], w["label"], w["short"], w["required_col"],
                                                   site.w["processing"]["legal_basis"]), purposes,
                                                  (0.12, 0.36, 0.17, 0.13, 0.22)),), w["purposes_ref"]),
        Section("channels", w["channels"], (Table((w["channel"], w["code"], w["url"], w["token"]),
                                                  tuple(channel_rows), (0.22, 0.1, 0.4, 0.28)),
                                            Para(rich(w["channels_note"]), small=True)), w["channels_ref"]),
        Section("collection", w["collection"], (Bullets(tuple(rich(x) for x in w["steps"]), ordered=True),),
                w["collection_ref"]),
        Section("versions", w["versions"], (Table((w["version"], w["since"], c["published_at"], w["status"]),
                                                  version_rows, (0.15, 0.2, 0.47, 0.18),
                                                  tuple(f"version-{v.id}" for v in versions)),
                                            Para(rich(w["archive_note"].format(lang=site.lang)), small=True)),
                w["versions_ref"]),
    )
    return _record(site, "consent", w["title"], (Para(rich(w["intro"])),), sections)


# --- 5. privacy notice as published ----------------------------------------------------------


def privacy_record(site: Site) -> Record:
    w, c = site.w["privacy"], site.w["common"]
    intro, sections = html_sections(site.texts["privacy"].html, site.urls["landing"])
    numbered = []
    for section in sections:
        match = re.fullmatch(r"art13-([12])([a-f])", section.id)
        ref = w["item_ref"].format(para=match.group(1), lit=match.group(2)) if match else ""
        numbered.append(Section(section.id or f"part-{len(numbered) + 1}", section.heading, section.blocks, ref))
    return _record(site, "privacy-notice", w["title"], (Para(rich(w["intro"]), small=True), *intro), numbered,
                   ((c["published_at"], rich(link(site.urls["privacy"]))),))


# --- 6. withdrawal: form and procedure --------------------------------------------------------


def withdrawal_record(site: Site) -> Record:
    w, c, s, r = site.w["withdrawal"], site.w["common"], site.s, site.records
    b = s.business
    options = [rich(w["all"])] + [rich(w["only"].format(label=p.short)) for p in s.purposes if not p.required]
    signature = c["sign"].format(name="").strip()
    form = (
        Para(rich(Run(w["to"] + ": ", bold=True), f"{b.name}\n{b.street}\n{b.postal_code} {b.city}\n{b.email}")),
        Para(rich(Run(w["statement"].format(business=b.name), bold=True))),
        Checklist(tuple(options)),
        FillIn((*w["fields"], c["sign_place_date"], signature)),
        Para(rich(w["form_note"].format(withdrawal_url=site.urls["withdrawal"])), small=True),
        Heading(w["office"]),
        FillIn(tuple(w["office_fields"])),
    )
    kept = w["kept"].format(note=s.retention.note.rstrip(".")) if s.retention.note else ""
    procedure = (
        Facts(((w["handler"], rich(_handler(site))), (w["deputy"], rich(r.withdrawal_deputy or w["deputy_open"])),
               (w["deadline"], rich(w["deadline_value"].format(days=r.withdrawal_days))))),
        Bullets(tuple(rich(x.format(kept=kept)) for x in w["steps"]), ordered=True),
    )
    # the form comes last, on a sheet of its own, so that it can be printed and handed out alone
    sections = (Section("procedure", w["procedure"], procedure, w["procedure_ref"]),
                Section("form", w["form"], form, w["form_ref"], new_page=True))
    return _record(site, "withdrawal", w["title"], (Para(rich(w["intro"])),), sections)


# --- 7. index and the owner's checklist -------------------------------------------------------


def owner_todo(site: Site) -> list[str]:
    """What the owner still has to do by hand, in this language."""
    t = site.w["index"]["todo"]
    r, s = site.records, site.s
    todo = [t["sign"], t["file"]]
    todo.append(t["terms_file"].format(date=site.date(r.terms_accepted)) if r.terms_accepted else t["terms_missing"])
    open_items = [item for item in "abcdefgh" if not (r.terms_clauses or {}).get(item)]
    if open_items:
        todo.append(t["clauses"].format(items=", ".join(open_items)))
    if not s.site.hosting_provider:
        todo.append(t["host_missing"])
    todo.append(t["host_dpa"])
    if not s.dpo:
        todo.append(t["dpo"])
    if r.special_categories:
        todo.append(t["dpia"])
    todo.append(t["app"])
    todo.append(t["device"] + ("" if r.device else " " + t["device_missing"]))
    todo.append(t["people"].format(handler=_handler(site),
                                   deputy=r.withdrawal_deputy or site.w["withdrawal"]["deputy_open"]))
    todo += [t["register"], t["delete"].format(n=s.retention.chat_months), t["versions"],
             t["transfer"].format(date=site.date(transfer_due(site))),
             t["review"].format(date=site.date(next_review(site)))]
    return todo


def index_record(site: Site, titles: Mapping[str, str], app_title: str) -> Record:
    w, c = site.w["index"], site.w["common"]
    rows = [(rich(Run(titles[slug], bold=True)), rich(w["contents"][slug]),
             rich(link(f"{slug}.html", "HTML"), " · ", link(f"{slug}.pdf", "PDF"))) for slug in ORDER]
    rows.append((rich(Run(app_title, bold=True)), rich(w["contents"]["whatsapp-app"]),
                 rich(link("../whatsapp-app.html", "HTML"), " · ", link("../whatsapp-app.pdf", "PDF"))))
    rows.append((rich(Run(w["register_row"], bold=True)), rich(w["register_content"]), rich(w["register_files"])))
    r = site.records
    dates = Facts((
        (c["stand"], rich(site.stand)),
        (w["records_review"], rich(site.date(next_review(site)))),
        (w["transfer_review"], rich(site.date(transfer_due(site)))),
        (w["terms_accepted"], rich(site.date(r.terms_accepted) if r.terms_accepted
                                   else _not_set(site, "records.terms_accepted"))),
    ))
    sections = (
        Section("records", w["records"], (Table((w["record"], w["content"], w["files"]), tuple(rows),
                                                (0.45, 0.35, 0.2)),), w["records_ref"]),
        Section("checklist", w["checklist"], (Checklist(tuple(rich(x) for x in owner_todo(site))),)),
        Section("dates", w["dates"], (dates,)),
    )
    return _record(site, "index", w["title"], (Para(rich(w["intro"])),), sections)


# --- the WhatsApp Business app sheet ----------------------------------------------------------


def app_text_set(settings: Settings, sites: Mapping[str, Site]) -> tuple[dict[str, list[AppText]], list[Problem]]:
    """Every language's app texts, and the problems with them."""
    r = settings.records
    limits = dict(r.app_limits or {})
    used: set[str] = set()
    out: dict[str, list[AppText]] = {}
    problems: list[Problem] = []
    # languages with their own wording claim their quick-reply shortcuts first; a language that
    # borrows the English texts gets "-<lang>" shortcuts instead
    for lang, site in sorted(sites.items(), key=lambda item: item[0] not in TEMPLATES):
        own = {key: value for key, value in (site.records.app_texts or {}).items()}
        marketing = any(not p.required for p in site.s.purposes)
        texts, found = app_texts(lang, app_fields(settings, lang, site.urls, site.phone), marketing=marketing,
                                 limits=limits, own=own, used_shortcuts=used, file=str(settings.path))
        out[lang] = texts
        problems += found
    return {lang: out[lang] for lang in sites}, problems


def app_record(settings: Settings, sites: Mapping[str, Site], texts: Mapping[str, list[AppText]]) -> Record:
    first = sites[settings.default_lang]
    w, c = first.w["app"], first.w["common"]
    facts = [(c["controller"], rich(first.s.business.name)), (c["stand"], rich(first.stand))]
    facts += [(f"{c['version']} ({lang})", rich(site.consent_id)) for lang, site in sites.items()]
    sections = [Section("setup", w["setup"], (Bullets(tuple(rich(x) for x in w["steps"]), ordered=True),))]
    for lang, items in texts.items():
        lw = sites[lang].w["app"]
        blocks: list[Block] = []
        for item in items:
            label = lw["fields"][item.key] + (f" – {lw['shortcut']} {item.shortcut}" if item.shortcut else "")
            blocks += [Heading(label), Quote(item.text),
                       Para(rich(f"{lw['where']}: {lw['places'][item.key]} · "
                                 f"{lw['chars'].format(count=len(item.text), limit=item.limit)}"), small=True)]
        sections.append(Section(f"texts-{lang}", w["lang_heading"].format(language=LANGUAGE_NAMES.get(lang, lang)),
                                tuple(blocks)))
    footer = f"{first.s.business.name} – {c['stand']}: {first.stand}"
    return Record("whatsapp-app", first.lang, w["title"], first.s.business.name, tuple(facts),
                  (Para(rich(w["intro"])),), tuple(sections), footer, c["internal"], first.s.site.as_of)


def entry_record(settings: Settings, sites: Mapping[str, Site], indexes: Mapping[str, Record]) -> Record:
    """records/index.html: one line per language, and the app sheet."""
    first = sites[settings.default_lang]
    c = first.w["common"]
    rows = tuple((rich(Run(LANGUAGE_NAMES.get(lang, lang), bold=True)),
                  rich(link(f"{lang}/index.html", indexes[lang].title))) for lang in sites)
    app_title = first.w["app"]["title"]
    rows += ((rich(Run("WhatsApp", bold=True)), rich(link("whatsapp-app.html", app_title))),)
    section = Section("languages", first.w["index"]["records"], (Table(("", ""), rows, (0.25, 0.75)),))
    return Record("entry", first.lang, indexes[first.lang].title, first.s.business.name,
                  ((c["controller"], rich(first.s.business.name)), (c["stand"], rich(first.stand))),
                  (), (section,), "", c["internal"], first.s.site.as_of)


# --- checks -----------------------------------------------------------------------------------

# Where the owner fixes an empty item (the records are otherwise filled from required keys).
ITEM_KEYS = {
    "art30-1a": "business.*, dpo", "art30-1b": "purposes", "art30-1c": "purposes, channels",
    "art30-1d": "site.hosting_provider", "art30-1e": "transfer.basis", "art30-1f": "retention.chat_months",
    "art30-1g": "records.measures", "art35-7c": "records.risks", "art35-7d": "records.measures",
    "versions": "consent-versions/", "terms": "records.terms_accepted",
}


def record_problems(settings: Settings, record: Record) -> list[Problem]:
    """A required item missing or empty is a problem naming the record, the item and where to fill it."""
    found = record_items(record)
    problems = []
    for item in REQUIRED_ITEMS.get(record.slug, ()):
        if not found.get(item, "").strip():
            key = ITEM_KEYS.get(item, "the texts in content/")
            problems.append(Problem(str(settings.path), f"records/{record.lang}/{record.slug}: {item}",
                                    f"the record cannot fill item {item}", f"check {key}"))
    return problems


# --- rendering: HTML --------------------------------------------------------------------------

CSS = """\
@page { size: A4; margin: 18mm 16mm 20mm; }
:root { color-scheme: light; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
  color: #111; background: #fff; max-width: 178mm; margin: 0 auto; padding: 8mm 4mm; }
.internal { font-size: 8.5pt; color: #555; border: 1px solid #999; padding: 1.5mm 3mm; margin: 0 0 4mm; }
h1 { font-size: 17pt; line-height: 1.2; margin: 0 0 3mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; break-after: avoid; page-break-after: avoid; }
section.new-page { break-before: page; page-break-before: always; }
h2 .ref { display: block; font-size: 8.5pt; font-weight: normal; color: #555; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; }
th, td { border: 0.5pt solid #888; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
thead th { background: #eee; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.facts th { width: 32%; font-weight: 600; background: #f6f6f6; }
.small { font-size: 8.5pt; color: #333; }
pre.quote { font: inherit; white-space: pre-wrap; border: 0.5pt solid #888; background: #f6f6f6;
  padding: 2mm 3mm; margin: 1mm 0; }
ul.checklist { list-style: none; padding-left: 0; }
ul.checklist li { margin: 1.5mm 0; padding-left: 7mm; text-indent: -7mm; }
.box { display: inline-block; width: 3.5mm; height: 3.5mm; border: 0.8pt solid #000; margin-right: 3mm;
  vertical-align: -0.5mm; }
table.fill th { width: 35%; border: 0; font-weight: normal; vertical-align: bottom; }
table.fill td { border: 0; border-bottom: 0.8pt solid #000; height: 9mm; }
a { color: inherit; }
footer { margin-top: 8mm; font-size: 8pt; color: #555; border-top: 0.5pt solid #999; padding-top: 2mm; }
@media print { body { max-width: none; padding: 0; } a { text-decoration: none; } }
"""


def _runs_html(runs: Iterable[Run]) -> str:
    out = []
    for run in runs:
        if run.text == "\n":
            out.append("<br>")
            continue
        text = html.escape(run.text).replace("\n", "<br>")
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.href:
            text = f'<a href="{html.escape(run.href, quote=True)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _block_html(block: Block) -> str:
    if isinstance(block, Para):
        return f'<p class="small">{_runs_html(block.runs)}</p>' if block.small else f"<p>{_runs_html(block.runs)}</p>"
    if isinstance(block, Heading):
        return f"<h3>{html.escape(block.text)}</h3>"
    if isinstance(block, Bullets):
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{_runs_html(i)}</li>" for i in block.items) + f"</{tag}>"
    if isinstance(block, Facts):
        rows = "".join(f'<tr><th scope="row">{html.escape(k)}</th><td>{_runs_html(v)}</td></tr>' for k, v in block.rows)
        return f'<table class="facts">{rows}</table>'
    if isinstance(block, Table):
        head = ""
        if any(block.head):
            head = "<thead><tr>" + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in block.head) + \
                   "</tr></thead>"
        ids = list(block.row_ids) + [""] * (len(block.rows) - len(block.row_ids))
        body = "".join((f'<tr id="{html.escape(rid)}">' if rid else "<tr>") +
                       "".join(f"<td>{_runs_html(cell)}</td>" for cell in row) + "</tr>"
                       for rid, row in zip(ids, block.rows))
        return f"<table>{head}<tbody>{body}</tbody></table>"
    if isinstance(block, Quote):
        return f'<pre class="quote">{html.escape(block.text)}</pre>'
    if isinstance(block, Checklist):
        return '<ul class="checklist">' + "".join(
            f'<li><span class="box" aria-hidden="true"></span>{_runs_html(i)}</li>' for i in block.items) + "</ul>"
    rows = "".join(f"<tr><th>{html.escape(label)}</th><td></td></tr>" for label in block.labels)
    return f'<table class="fill">{rows}</table>'


def render_html(record: Record) -> bytes:
    """A standalone, print-friendly HTML page: inline CSS, nothing loaded from anywhere."""
    facts = _block_html(Facts(record.facts))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(record.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src {csp_hash(CSS)}">',
        f"<title>{html.escape(record.title)} – {html.escape(record.business)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        f'<body data-record="{html.escape(record.slug)}">',
        f'<header><p class="internal">{html.escape(record.internal)}</p>',
        f"<h1>{html.escape(record.title)}</h1>{facts}</header>",
        "<main>",
        *(_block_html(b) for b in record.intro),
    ]
    for section in record.sections:
        ref = f'<span class="ref">{html.escape(section.ref)}</span>' if section.ref else ""
        new_page = ' class="new-page"' if section.new_page else ""
        parts.append(f'<section id="{html.escape(section.id)}"{new_page} aria-labelledby="h-{html.escape(section.id)}">'
                     f'<h2 id="h-{html.escape(section.id)}">{ref}{html.escape(section.heading)}</h2>')
        parts.extend(_block_html(b) for b in section.blocks)
        parts.append("</section>")
    parts.append("</main>")
    if record.footer:
        parts.append(f"<footer>{html.escape(record.footer)}</footer>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts).encode("utf-8")


# --- rendering: PDF ---------------------------------------------------------------------------

def render_pdf(record: Record) -> bytes:
    """The record as an A4 PDF (record_pdf.py; imported lazily: ReportLab is the slow import)."""
    from .record_pdf import render_pdf as draw

    return draw(record)


# --- the stage --------------------------------------------------------------------------------


def build_records(settings: Settings, plan: Any) -> tuple[list[tuple[str, Record]], list[Problem]]:
    """Every record as (path below output/ without suffix, record), and the problems found on the way."""
    sites = {lang: site_view(settings, plan, lang) for lang in settings.languages if lang in plan.languages}
    out: list[tuple[str, Record]] = []
    problems: list[Problem] = []
    indexes: dict[str, Record] = {}
    for lang, site in sites.items():
        made = [record_of_processing(site), risk_assessment(site), processor_terms(site), consent_record(site),
                privacy_record(site), withdrawal_record(site)]
        titles = {record.slug: record.title for record in made}
        indexes[lang] = index_record(site, titles, site.w["index"]["app_title"])
        for record in [indexes[lang], *made]:
            problems += record_problems(settings, record)
            out.append((f"{RECORDS_DIR}/{lang}/{record.slug}", record))
    texts, found = app_text_set(settings, sites)
    problems += found
    out.append((f"{RECORDS_DIR}/whatsapp-app", app_record(settings, sites, texts)))
    out.append((f"{RECORDS_DIR}/index", entry_record(settings, sites, indexes)))
    return out, problems


def _digest(record: Record) -> str:
    """Equal digests, equal PDF: the record's data determines it (the renderer's version included)."""
    return hashlib.sha256(f"{RENDER_VERSION}\n{record!r}".encode("utf-8")).hexdigest()


def _previous_pdfs(previous: Path | None) -> dict[str, str]:
    """{path: digest} of the PDFs the previous build wrote."""
    manifest = previous / CACHE_FILE if previous else None
    if not manifest or not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def records_files(settings: Settings, plan: Any,
                  previous: Path | None = None) -> tuple[dict[str, bytes], list[Problem]]:
    """{path below output/: bytes} for records/, and the problems (files are empty when there are errors).

    A PDF whose record is unchanged since the previous build is taken from there: PDF layout is
    the slow part of the build, and the records rarely change."""
    records, problems = build_records(settings, plan)
    if errors(problems):
        return {}, problems
    before = _previous_pdfs(previous)
    files: dict[str, bytes] = {}
    manifest: dict[str, str] = {}
    for path, record in records:
        files[path + ".html"] = render_html(record)
        if record.slug == "entry":
            continue
        pdf, digest = path + ".pdf", _digest(record)
        old = previous / pdf if previous else None
        files[pdf] = old.read_bytes() if before.get(pdf) == digest and old and old.is_file() else render_pdf(record)
        manifest[pdf] = digest
    files[CACHE_FILE] = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8")
    return files, problems


def records_stage(settings: Settings, plan: Any, previous: Path | None) -> dict[str, bytes]:
    """The build stage: output/records/, or InputError with every problem."""
    files, problems = records_files(settings, plan, previous)
    if errors(problems):
        raise InputError(errors(problems))
    return files


# --- the consent register from chat exports ---------------------------------------------------


def site_recognizer(settings: Settings, plan: Any):
    """A recogniser for this site's own prefilled messages, purposes and consent versions."""
    from .register import KnownVersion, LanguageTemplates, build_recognizer

    templates, known, current = [], [], {}
    for lang, language in plan.languages.items():
        s = settings.for_lang(lang)
        withdrawal = language.texts["withdrawal"].meta
        templates.append(LanguageTemplates(
            lang=lang, consent=str(language.texts["consent"].meta["message"]),
            withdrawal=str(withdrawal["message"]), marketing_optout=str(withdrawal.get("marketing_message", "")),
            purpose_labels={p.id: p.short for p in s.purposes}))
        known += [KnownVersion(v.id, v.lang, v.date) for v in language.versions]
        current[lang] = language.consent_id
    b = settings.business
    return build_recognizer(templates, b.short_name or b.name, known, current, own_senders=[b.name])


def consent_register(config: Path, files: Sequence[Path], out: Path | TextIO) -> tuple[list[Any], list[Any], bool]:
    """Read chat exports and write the consent register CSV; return its rows, every problem, and
    whether the register was written.

    Problems are the site's own (settings, texts) and those of the exports: unreadable files and
    lines, each with file and line. The register is written even when some lines could not be read."""
    from .build import MARKER, plan_build
    from .register import run_consents

    plan = plan_build(config)
    if plan.settings is None or errors(plan.problems):
        return [], plan.problems, False
    if isinstance(out, Path):
        target = out.resolve()
        generated = next((p for p in target.parents if (p / MARKER).is_file()), None)
        if generated is not None:
            return [], [Problem(str(out), "-o/--out", f"{generated} is rebuilt on every build and would lose the "
                                "register", "write it next to site.toml or into your records folder instead")], False
        target.parent.mkdir(parents=True, exist_ok=True)
    rows, problems = run_consents(list(files), site_recognizer(plan.settings, plan), out)
    return rows, [p for p in plan.problems if p.severity != "error"] + problems, True
