"""7. Each language's overview with the owner's checklist, and records/index.html, the way in."""

from __future__ import annotations

from typing import Mapping

from ...config import LANGUAGE_NAMES
from ...config.todos import owner_tasks
from .common import make_record, not_set
from .record_inputs import RecordLanguage
from .document import Checklist, Facts, Para, Record, Run, RecordSection, Table, link, rich

ORDER = ("record-of-processing", "risk-assessment", "processor-terms", "consent", "privacy-notice", "withdrawal",
         "letter-to-whatsapp", "instructions", "staff-instruction", "access-request", "lost-phone")


def owner_todo(site: RecordLanguage) -> list[str]:
    """The owner's tasks after the build, the same ones and in the same order as `check` prints them
    (config.todos.owner_tasks), worded here for the records."""
    w, r = site.words["index"], site.records
    fields = dict(date=site.date(r.terms_accepted) if r.terms_accepted else "", handler=site.handler,
                  deputy=r.withdrawal_deputy or site.words["withdrawal"]("deputy_open"))
    return [w(f"todo.{key}", **fields) for key in owner_tasks(site.settings.data)]


def routine(site: RecordLanguage) -> list[str]:
    """What the owner keeps doing, or sets up once besides the tasks: device, people, register, deletion, reviews."""
    w, r = site.words["index"], site.records
    out = [w("todo.terms_file", date=site.date(r.terms_accepted)) if r.terms_accepted else w("todo.terms_missing")]
    out.append(w("todo.device") + ("" if r.device else " " + w("todo.device_missing")))
    out.append(w("todo.people", handler=site.handler,
                 deputy=r.withdrawal_deputy or site.words["withdrawal"]("deputy_open")))
    if r.withdrawal_deputy:
        out.append(w("todo.deputy_access", deputy=r.withdrawal_deputy))
    out += [w("todo.register"), w("todo.delete"), w("todo.versions"),
            w("todo.transfer", date=site.date(site.transfer_due)),
            w("todo.review", date=site.date(site.next_review))]
    return out


def index_record(site: RecordLanguage, titles: Mapping[str, str]) -> Record:
    w, c, r = site.words["index"], site.words["common"], site.records
    contents = w.table("contents")
    order = ORDER
    if "requests" in titles:  # guided requests: their own record after the first, described in their wording
        contents["requests"] = site.words["requests"]("index_contents")
        order = (ORDER[0], "requests", *ORDER[1:])
    rows = [(rich(Run(titles[slug], bold=True)), rich(contents.get(slug, "")),
             rich(link(f"{slug}.html", "HTML"), " · ", link(f"{slug}.pdf", "PDF"))) for slug in order]
    rows.append((rich(Run(w("app_title"), bold=True)), rich(contents.get("whatsapp-app", "")),
                 rich(link("../whatsapp-app.html", "HTML"), " · ", link("../whatsapp-app.pdf", "PDF"))))
    rows.append((rich(Run(w("register_row"), bold=True)), rich(w("register_content")), rich(w("register_files"))))
    dates = Facts((
        (c("stand"), rich(site.stand)),
        (w("records_review"), rich(site.date(site.next_review))),
        (w("transfer_review"), rich(site.date(site.transfer_due))),
        (w("terms_accepted"), rich(site.date(r.terms_accepted) if r.terms_accepted
                                   else not_set(site, "records.terms_accepted"))),
    ))
    sections = (
        RecordSection("records", w("records"), (Table((w("record"), w("content"), w("files")), tuple(rows),
                                                (0.45, 0.35, 0.2)),), w("records_ref")),
        RecordSection("checklist", w("checklist"), (Checklist(tuple(rich(x) for x in owner_todo(site))),)),
        RecordSection("routine", w("routine"), (Checklist(tuple(rich(x) for x in routine(site))),)),
        RecordSection("dates", w("dates"), (dates,)),
    )
    return make_record(site, "index", w("title"), (Para(rich(w("intro"))),), sections)


def entry_record(first: RecordLanguage, langs: tuple[str, ...], indexes: Mapping[str, Record]) -> Record:
    """records/index.html: one line per language, and the app sheet; worded in the default language."""
    c = first.words["common"]
    rows = tuple((rich(Run(LANGUAGE_NAMES.get(lang, lang), bold=True)),
                  rich(link(f"{lang}/index.html", indexes[lang].title))) for lang in langs)
    rows += ((rich(Run("WhatsApp", bold=True)), rich(link("whatsapp-app.html", first.words["whatsapp-app"]("title")))),)
    section = RecordSection("languages", first.words["index"]("records"), (Table(("", ""), rows, (0.25, 0.75)),))
    return Record("entry", first.lang, indexes[first.lang].title, first.s.business.name,
                  ((c("controller"), rich(first.s.business.name)), (c("stand"), rich(first.stand))),
                  (), (section,), "", c("internal"), first.s.site.as_of, c("page"))
