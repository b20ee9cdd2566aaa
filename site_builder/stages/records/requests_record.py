"""Guided requests in the records, when the site offers them ([bot.requests]): their own entry in the record of
processing activities (Art. 30(1)(a)-(g) GDPR, a processing activity of its own), a section of the risk
assessment and one of the staff instruction. Worded in wording/records/<lang>/requests.toml and filled from the
request definitions and settings (guided/describe.py), so the records say what the bot really asks and keeps."""

from __future__ import annotations

from typing import Any

from ...facts import whatsapp
from ...guided.describe import recipients_and_files, request_values
from ...wording.wordfiles import WordFile, fill
from .common import make_record, measures
from .document import Bullets, Facts, Para, Record, RecordSection, Run, Table, rich
from .processing import transfer_facts, _controller
from .record_inputs import RecordLanguage

WORDS = "requests"
# the placeholders of requests.toml besides those of every record (record_inputs.base_values)
FIELDS = ("titles", "fields", "purpose", "keep_days", "most", "mb", "email", "smtp_host", "webhook_host",
          "recipients", "files", "webhook_note")


def requests_values(site: Any, file: WordFile, lang: str) -> dict[str, str]:
    """The request placeholders of one language (the recipients' and files' sentences made from the file)."""
    values = request_values(site.settings, site.requests, lang)
    return recipients_and_files(file.data, values, lambda text, v: fill(str(text), v, file.path, 1, []))


def requests_record(site: RecordLanguage) -> Record:
    w, p = site.words[WORDS], site.words["record-of-processing"]
    values = site.site.requests
    purposes = Table((p("purpose"), p("description"), p("legal_basis")),
                     ((rich(w("activity_value")), rich(w("purpose_description")), rich(w("purpose_basis"))),),
                     (0.25, 0.4, 0.35))
    data = [rich(w("data_value"))]
    if any(step.media for request in values.requests for step in request.steps):
        data.append(rich(w("files_value")))
    categories = (Facts(((p("subjects"), rich(w("subjects_value"))),)), Bullets(tuple(data)),
                  Para(rich(p("special_no"))))
    rows = [(rich(Run(f"{us.name}", bold=True)), rich(w("recipient_meta_role"))) for us in whatsapp().us_recipients]
    rows.insert(0, (rich(Run(site.words["common"]("whatsapp_ireland"), bold=True)), rich(w("recipient_meta_role"))))
    smtp = (site.s.get("bot") or {}).get("smtp") if site.s.get("bot") else None
    if smtp:
        rows.append((rich(Run(str(smtp.host), bold=True)), rich(w("recipient_email_role"))))
    if values.webhook_url:
        rows.append((rich(Run(values.webhook_url.split("/")[2], bold=True)), rich(w("recipient_webhook_role"))))
    rows.append((rich(Run(site.words["common"]("controller"), bold=True)), rich(w("recipient_bot_role"))))
    deletion = tuple((rich(w(key)), rich(w(f"{key}_period"))) for key in ("running", "cancelled", "submitted", "mail"))
    toms = (Bullets(tuple(rich(w(f"measures.{i}")) for i in range(len(w.file.data.get("measures", []))))),
            Para(rich(p("g_intro"))),
            Bullets(tuple(rich(Run(f"{mid} {title}", bold=True), ": ", text) for mid, title, text in measures(site))))
    sections = (
        RecordSection("art30-1a", p("a"), (_controller(site),), p("a_ref")),
        RecordSection("art30-1b", p("b"), (purposes,), p("b_ref")),
        RecordSection("art30-1c", p("c"), categories, p("c_ref")),
        RecordSection("art30-1d", p("d"), (Table((p("recipient"), p("role")), tuple(rows), (0.35, 0.65)),),
                      p("d_ref")),
        RecordSection("art30-1e", p("e"), (transfer_facts(site, with_country=True),), p("e_ref")),
        RecordSection("art30-1f", p("f"), (Table((p("what"), p("period")), deletion, (0.3, 0.7)),), p("f_ref")),
        RecordSection("art30-1g", p("g"), toms, p("g_ref")),
    )
    extra = ((p("activity"), rich(w("activity_value"))),)
    return make_record(site, "requests", w("title"), (Para(rich(w("intro"))),), sections, extra)


def requests_risk_section(site: RecordLanguage) -> RecordSection:
    """The risk assessment's section on the requests: what the assistant does, its risks and measures."""
    w, r = site.words[WORDS], site.words["risk-assessment"]
    rows = tuple((rich(f"A{i}"), rich(Run(risk("title"), bold=True), "\n", risk("description")),
                  rich(risk("assessment")), rich(risk("measures")))
                 for i, risk in enumerate(w.entries("risks"), 1))
    return RecordSection("requests", w("risk_heading"), (
        Para(rich(w("risk_intro"))),
        Table((r("no"), r("risk"), r("assessment"), r("measures_col")), rows, (0.08, 0.5, 0.27, 0.15),
              tuple(f"request-risk-{entry.id}" for entry in w.entries("risks")))))


def requests_staff_section(site: RecordLanguage) -> RecordSection:
    """The staff instruction's section on the requests."""
    w = site.words[WORDS]
    items = tuple(rich(w(f"staff_items.{i}")) for i in range(len(w.file.data.get("staff_items", []))))
    return RecordSection("requests", w("staff_heading"), (Bullets(items),))
