"""4. The consent record (Art. 7(1) GDPR): the wording as published, the prepared messages, the purposes,
the ways in (QR codes), how consent is collected and proven, and every version of the consent text."""

from __future__ import annotations

import datetime as dt
import re

from ...consent import canonical_id
from ...register.columns import CSV_COLUMNS
from ...whatsapp import fill
from .common import applies, make_record
from .html_blocks import html_blocks
from .record_inputs import RecordLanguage
from .document import Bullets, Facts, Heading, Para, Record, Run, RecordSection, Table, link, rich


def _token(site: RecordLanguage, suffix: str = "") -> str:
    """The consent token as it appears in the message, e.g. "(Einwilligung 3f2a9c1b/r)"."""
    match = re.search(r"\(([^()]*\{version\}[^()]*)\)", site.consent_message)
    token = match.group(0) if match else "{version}"
    return fill(token, version=site.consent_id + suffix)


def _wording(site: RecordLanguage) -> tuple:
    w, s = site.words["consent"], site.s
    shorts = {p.id: p.short for p in s.purposes}
    messages = tuple((rich(", ".join(shorts[pid] for pid in ids)), rich(message)) for ids, message in site.messages)
    business = s.business.short_name or s.business.name
    stops = [(w("withdraw_message"), rich(fill(site.withdrawal_message, business=business)))]
    if any(not p.required for p in s.purposes) and site.marketing_message:
        stops.append((w("optout_message"), rich(fill(site.marketing_message, business=business))))
    return (*html_blocks(site.language.fragment, site.urls["landing"]),
            Heading(w("messages")), Table((w("ticked"), w("message")), messages, (0.3, 0.7)),
            Heading(w("stop_messages")), Facts(tuple(stops)))


def _channels(site: RecordLanguage) -> tuple[Table, Para]:
    w = site.words["consent"]
    names = w.table("channel_names")
    rows = [(rich(names.get(name, name)), rich(code), rich(link(f"{site.settings.base_url}?s={code}")),
             rich(_token(site, "/" + code))) for name, code in site.s.channels.items()]
    rows.append((rich(w("direct")), rich("–"), rich(link(site.urls["landing"])), rich(_token(site))))
    return (Table((w("channel"), w("code"), w("url"), w("token")), tuple(rows), (0.22, 0.1, 0.4, 0.28)),
            Para(rich(w("channels_note")), small=True))


def _versions(site: RecordLanguage) -> tuple[Table, Para]:
    w, c = site.words["consent"], site.words["common"]
    versions = sorted(site.versions, key=lambda v: (v[1], v[0]))
    # An id of the shape before issue 20 ("73d72f20") names the same text as with its "v": current if that is.
    current = canonical_id(site.consent_id)
    # one row per text: a text archived under its id of the old shape shows both of its addresses
    rows = tuple(
        (rich(Run(vid, bold=vid == site.consent_id)), rich(site.date(dt.date.fromisoformat(date))),
         rich(*_addresses(site, vid, also)), rich(w("current") if canonical_id(vid) == current else w("earlier")))
        for vid, date, also in versions)
    return (Table((w("version"), w("since"), c("published_at"), w("status")), rows, (0.15, 0.2, 0.47, 0.18),
                  tuple(f"version-{vid}" for vid, _, _ in versions)),
            Para(rich(w("archive_note")), small=True))


def _addresses(site: RecordLanguage, vid: str, also: str) -> tuple[str | Run, ...]:
    first = link(f"{site.folder}consent-{vid}.html")
    return (first,) if not also else (first, ", ", link(f"{site.folder}consent-{also}.html"))


def _scenarios(site: RecordLanguage) -> tuple[Table]:
    w = site.words["consent"]
    entries = w.entries("scenarios_list")
    rows = tuple((rich(Run(e("title"), bold=True)), rich(e("text"))) for e in entries)
    return (Table((w("scenario"), w("rule")), rows, (0.3, 0.7), tuple(f"scenario-{e.id}" for e in entries)),)


def _fallback(site: RecordLanguage) -> tuple[Bullets, Para]:
    """Proof when a customer blocked the export: screenshot and a manual register row (its file's columns are
    the register's own, so that `consents` can read it)."""
    w = site.words["consent"]
    return (Bullets(tuple(rich(x) for x in w.texts("fallback_steps")), ordered=True),
            Para(rich(w("fallback_columns", columns=", ".join(CSV_COLUMNS)))))


def consent_record(site: RecordLanguage) -> Record:
    w, c = site.words["consent"], site.words["common"]
    # an Art. 9 purpose is marked as the explicit consent it is (its own box, its own id in the message)
    purposes = tuple((rich(p.id), rich(p.label), rich(p.short),
                      rich(c("required") if p.required else c("optional"),
                           *(("\n", w("explicit")) if p.get("special_category") else ())),
                      rich(p.legal_basis)) for p in site.s.purposes)
    legal_basis = site.words["record-of-processing"]("legal_basis")
    purpose_head = (w("id"), w("label"), w("short"), w("required_col"), legal_basis)
    sections = (
        RecordSection("wording", w("wording"), _wording(site), w("wording_ref")),
        RecordSection("purposes", w("purposes"), (Table(purpose_head, purposes, (0.12, 0.36, 0.17, 0.13, 0.22)),),
                w("purposes_ref")),
        RecordSection("channels", w("channels"), _channels(site), w("channels_ref")),
        RecordSection("collection", w("collection"), (Bullets(tuple(rich(e("text")) for e in w.entries("steps")
                                                                    if applies(site, e)), ordered=True),),
                w("collection_ref")),
        *((RecordSection("bot", w("bot"), (Bullets(tuple(rich(x) for x in w.texts("bot_steps")), ordered=True),),
                   w("bot_ref")),) if site.site.has_bot else ()),
        RecordSection("fallback", w("fallback"), _fallback(site), w("fallback_ref")),
        RecordSection("scenarios", w("scenarios"), _scenarios(site), w("scenarios_ref")),
        RecordSection("versions", w("versions"), _versions(site), w("versions_ref")),
    )
    return make_record(site, "consent", w("title"), (Para(rich(w("intro"))),), sections)
