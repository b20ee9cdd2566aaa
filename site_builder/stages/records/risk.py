"""2. The threshold analysis and risk assessment: whether a DPIA is needed (Art. 35(1), (3), (4) GDPR; WP 248
rev.01; the DSK's list under Art. 35(4), item by item), then Art. 35(7)(a)-(d) GDPR and the plan for the day the
US transfer basis falls."""

from __future__ import annotations

from ...config.rules import dpia_required
from ...facts import transfer
from .common import applies, by_contacts, channel_names, make_record, measures
from .record_inputs import RecordLanguage
from .requests_record import requests_risk_section
from .document import Bullets, Facts, FillIn, Heading, Para, Record, Run, RecordSection, Table, rich
from ...wording.wordfiles import Entry

SPECIAL_CRITERION = "special-categories"  # answered "yes" when records.special_categories is set
VULNERABLE_CRITERION = "vulnerable"  # answered from records.minors (issue 23, point 9)


def _criterion(site: RecordLanguage, criterion: Entry) -> tuple[str, str]:
    """A WP 248 criterion's answer and reason: as worded, or as the settings decide for sensitive data and
    vulnerable data subjects (never "no children" unless the setting says so)."""
    w = site.words["risk-assessment"]
    if criterion.id == SPECIAL_CRITERION and site.records.special_categories:
        return "yes", w("special_reason")
    if criterion.id == VULNERABLE_CRITERION:
        minors = site.records.minors or "none"
        return ("yes" if minors == "parental_consent" else "no"), w(f"minors_reason.{minors}")
    return str(criterion.raw("answer", "no")), criterion("reason")


def needs_dpia(site: RecordLanguage) -> bool:
    """Two of WP 248's nine criteria ("partly" counted, to be safe), an item of the DSK list, or the settings
    (config.rules.dpia_required, which `check` also holds the data protection officer to) make a DPIA the rule."""
    w = site.words["risk-assessment"]
    states = [_criterion(site, c)[0] for c in w.entries("criteria")]
    met = states.count("yes") + states.count("partly")
    return met >= 2 or any(str(i.raw("answer", "open")) == "yes" for i in w.entries("dsk_list")) \
        or dpia_required(site.s)


def _threshold(site: RecordLanguage) -> tuple[Table, Para]:
    w, c = site.words["risk-assessment"], site.words["common"]
    labels = {"yes": c("yes"), "no": c("no"), "partly": w("partly"), "open": w("open")}
    rows, met, partly = [], 0, 0
    for criterion in w.entries("criteria"):
        state, reason = _criterion(site, criterion)
        met += state == "yes"
        partly += state == "partly"
        rows.append((rich(criterion("criterion")), rich(Run(labels.get(state, state), bold=True)), rich(reason)))
    answers = {item.id: str(item.raw("answer", "open")) for item in w.entries("dsk_list")}
    dpia = needs_dpia(site)
    # `total` counts the rows: the nine criteria of WP 248 rev.01 (the DSK list is answered in its own section)
    result = w("result_yes" if dpia else "result_no", met=met, partly=partly, total=len(rows))
    unsure = [item for item, answer in answers.items() if answer == "open"]
    if unsure and not dpia:  # an owner's copy may leave an item open: "not required" holds only once it is compared
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
    flow = tuple(rich(e("text", channels=channels, device=site.device)) for e in w.entries("flow") if applies(site, e))
    return (Bullets(flow, ordered=True), Facts((
        (w("purposes"), rich(", ".join(p.short for p in site.s.purposes))),
        (w("data"), rich(w("data_value"))),
        (w("recipients"), rich(w("recipients_value"))),
        (w("device"), rich(site.device)),
    )))


def _risks(site: RecordLanguage) -> Table:
    w = site.words["risk-assessment"]
    rows, ids = [], []
    for i, risk in enumerate((r for r in w.entries("risks") if applies(site, r)), 1):
        # a risk no measure lowers says so ("–"): citing one that does not lower it would be untrue
        refs = ", ".join(str(ref) for ref in risk.raw("measures", ())) or "–"
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
    special = needs_dpia(site)
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
