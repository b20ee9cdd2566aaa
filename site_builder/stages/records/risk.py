"""2. The threshold analysis and risk assessment: whether a DPIA is needed (Art. 35(1), (3), (4) GDPR; WP 248
rev.01; the DSK's list under Art. 35(4), item by item), then Art. 35(7)(a)-(d) GDPR and the plan for the day the
US transfer basis falls."""

from __future__ import annotations

from ...facts import transfer
from .common import by_contacts, channel_names, make_record, measures
from .record_inputs import RecordLanguage
from .requests_record import requests_risk_section
from .document import Bullets, Facts, FillIn, Heading, Para, Record, Run, RecordSection, Table, rich

SPECIAL_CRITERION = "special-categories"  # answered "yes" when records.special_categories is set


def _threshold(site: RecordLanguage) -> tuple[Table, Para]:
    w, c = site.words["risk-assessment"], site.words["common"]
    special = bool(site.records.special_categories)
    labels = {"yes": c("yes"), "no": c("no"), "partly": w("partly"), "open": w("open")}
    rows, met, partly = [], 0, 0
    for criterion in w.entries("criteria"):
        state, reason = str(criterion.raw("answer", "no")), criterion("reason")
        if criterion.id == SPECIAL_CRITERION and special:
            state, reason = "yes", w("special_reason")
        met += state == "yes"
        partly += state == "partly"
        rows.append((rich(criterion("criterion")), rich(Run(labels.get(state, state), bold=True)), rich(reason)))
    answers = {item.id: str(item.raw("answer", "open")) for item in w.entries("dsk_list")}
    dpia = met + partly >= 2 or "yes" in answers.values()  # WP 248: two criteria make a DPIA the rule; "partly"
    result = w("result_yes" if dpia else "result_no", met=met, partly=partly, total=len(rows))  # counts, to be safe
    unsure = [item for item, answer in answers.items() if answer == "open"]
    if unsure and not dpia:  # "not required" holds only once the open items of the DSK list are compared
        result += " " + w("result_open", items=", ".join(unsure))
    return (Table((w("criterion"), w("met"), w("reason")), tuple(rows), (0.5, 0.12, 0.38)),
            Para(rich(Run(result, bold=True))))


def _dsk_list(site: RecordLanguage) -> tuple[Table, Para]:
    """The DSK's list under Art. 35(4) GDPR, item by item, as far as its wording was verified."""
    w, c = site.words["risk-assessment"], site.words["common"]
    labels = {"yes": c("yes"), "no": c("no"), "open": w("open")}
    rows = tuple((rich(item.id), rich(item("item")), rich(Run(labels.get(state, state), bold=True)),
                  rich(item("reason"))) for item in w.entries("dsk_list") for state in (str(item.raw("answer", "open")),))
    return (Table((w("dsk_item"), w("criterion"), w("met"), w("reason")), rows, (0.08, 0.42, 0.12, 0.38),
                  tuple(f"dsk-{item.id}" for item in w.entries("dsk_list"))),
            Para(rich(w("dsk_note")), small=True))


def _dpf_plan(site: RecordLanguage) -> tuple[Para, Para, Bullets]:
    """The pending appeal (shipped facts) and what the owner does the day the adequacy decision falls."""
    w = site.words["risk-assessment"]
    return (Para(rich(transfer().text("appeal", site.lang))), Para(rich(w("dpf_intro"))),
            Bullets(tuple(rich(x) for x in w.texts("dpf_plan")), ordered=True))


def _description(site: RecordLanguage) -> tuple[Bullets, Facts]:
    w = site.words["risk-assessment"]
    channels = ", ".join(channel_names(site)) or "–"
    flow = tuple(rich(step) for step in w.texts("flow", channels=channels, device=site.device))
    return (Bullets(flow, ordered=True), Facts((
        (w("purposes"), rich(", ".join(p.short for p in site.s.purposes))),
        (w("data"), rich(w("data_value"))),
        (w("recipients"), rich(w("recipients_value"))),
        (w("device"), rich(site.device)),
    )))


def _risks(site: RecordLanguage) -> Table:
    w = site.words["risk-assessment"]
    rows, ids = [], []
    for i, risk in enumerate(w.entries("risks"), 1):
        refs = ", ".join(str(ref) for ref in risk.raw("measures", ()))
        assessment = by_contacts(site, risk) or risk("assessment")
        rows.append((rich(f"R{i}"), rich(Run(risk("title"), bold=True), "\n", risk("description")),
                     rich(assessment), rich(refs)))
        ids.append(f"risk-{i}")
    for extra in site.records.risks or ():
        i = len(rows) + 1
        rows.append((rich(f"R{i}"), rich(Run(extra.title, bold=True), "\n", extra.description),
                     rich(extra.assessment or w("own_assessment")), rich(extra.measures or "–")))
        ids.append(f"risk-{i}")
    return Table((w("no"), w("risk"), w("assessment"), w("measures_col")), tuple(rows), (0.08, 0.5, 0.27, 0.15),
                 tuple(ids))


def risk_assessment(site: RecordLanguage) -> Record:
    w, c = site.words["risk-assessment"], site.words["common"]
    special = bool(site.records.special_categories)
    necessity = (Bullets(tuple(rich(x) for x in w.texts("necessity"))), Para(rich(w("transparency"))))
    measure_rows = tuple((rich(mid), rich(Run(title, bold=True)), rich(text)) for mid, title, text in measures(site))
    d = (Table((w("no"), w("measure"), w("implementation")), measure_rows, (0.08, 0.3, 0.62)),
         Para(rich(Run(w("conclusion_yes") if special else w("conclusion_contacts")
                       if site.records.contacts_access == "all" else w("conclusion_no"), bold=True))),
         Heading(w("signature")),
         FillIn((c("sign_place_date"), c("sign", name=site.s.business.representative))))
    sections = (
        RecordSection("threshold", w("threshold"), _threshold(site), w("threshold_ref")),
        RecordSection("dsk-list", w("dsk"), _dsk_list(site), w("dsk_ref")),
        RecordSection("art35-7a", w("a"), _description(site), w("a_ref")),
        RecordSection("art35-7b", w("b"), necessity, w("b_ref")),
        RecordSection("art35-7c", w("c"), (_risks(site),), w("c_ref")),
        RecordSection("art35-7d", w("d"), d, w("d_ref")),
        *((requests_risk_section(site),) if site.site.requests else ()),  # guided requests: a section of their own
        RecordSection("dpf-plan", w("dpf"), _dpf_plan(site), w("dpf_ref")),
    )
    return make_record(site, "risk-assessment", w("title"), (Para(rich(w("intro"))),), sections,
                       ((c("next_review"), rich(site.date(site.next_review))),))
