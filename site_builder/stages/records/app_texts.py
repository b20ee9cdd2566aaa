"""The texts for the WhatsApp Business app (greeting, away message, quick replies, profile), each within its
limit, and records/whatsapp-app.*, the sheet that lists them for every language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ...config import LANGUAGE_NAMES
from ...problems import Problem, report
from ...site.greeting import OWN_FIELD, OWN_PLACEHOLDERS, app_text, app_values, own_text
from .record_inputs import RecordLanguage
from .document import Block, Bullets, Heading, Para, Quote, Record, RecordSection, rich

# Conservative defaults: below what the app accepts today, so a text that fits here fits there.
# They are settings (records.app_limits.*) because Meta changes the app.
DEFAULT_LIMITS = {
    "greeting": 500,
    "away": 500,
    "quick_reply": 500,
    "shortcut": 25,
    "profile_description": 256,
    "website": 256,
}
# Which limit each text obeys.
LIMIT_OF = {
    "greeting": "greeting", "away": "away", "privacy": "quick_reply", "consent_confirmed": "quick_reply",
    "withdrawal": "quick_reply",
    "stop_confirmed": "quick_reply", "marketing_stopped": "quick_reply",
    "profile_description": "profile_description", "website": "website",
}
KEYS = tuple(LIMIT_OF)
@dataclass(frozen=True)
class AppText:
    """One text to paste into the app."""

    key: str  # greeting, away, privacy, ..., website
    lang: str
    text: str
    limit: int
    limit_key: str  # records.app_limits.<limit_key>
    shortcut: str = ""  # quick replies only
    own: bool = False  # written by the owner in site.toml (records.app_texts.<key>)


def _text(site: RecordLanguage, key: str, values: Mapping[str, Any], own: str | None, file: str,
          problems: list[Problem]) -> str:
    if own:
        text = own_text(own, values)
        unknown = sorted(set(OWN_FIELD.findall(text)))
        if unknown:
            problems.append(report(file, f"records.app_texts.{key}.{site.lang}", "records.app_unknown_placeholder",
                                   name=unknown[0], key=key, names=", ".join("{" + p + "}" for p in OWN_PLACEHOLDERS)))
        return text
    return app_text(key, values, site.words["app/texts"])


def app_texts(site: RecordLanguage, limits: Mapping[str, int], used_shortcuts: set[str],
              file: str) -> tuple[list[AppText], list[Problem]]:
    """The app texts of one language and the problems with them (a text over its limit names its key)."""
    marketing = any(not p.required for p in site.s.purposes)
    values = app_values(site.s, site.urls, site.phone, site.words["app/texts"])
    own = dict(site.records.app_texts or {})
    shortcuts = site.words["app/texts"].table("shortcuts")
    texts: list[AppText] = []
    problems: list[Problem] = []
    for key in KEYS:
        if key == "marketing_stopped" and not marketing:
            continue
        mine = own.get(key)
        text = _text(site, key, values, mine, file, problems)
        limit_key = LIMIT_OF[key]
        limit = int(limits.get(limit_key, DEFAULT_LIMITS[limit_key]))
        if len(text) > limit:
            where = f"records.app_texts.{key}.{site.lang}" if mine else f"records.app_limits.{limit_key}"
            key_name = "records.app_text_too_long_own" if mine else "records.app_text_too_long"
            problems.append(report(file, where, key_name,
                                   key=key, lang=site.lang, count=len(text), limit=limit, limit_key=limit_key))
        shortcut = shortcuts.get(key, "")
        if shortcut:
            if shortcut in used_shortcuts:
                shortcut = f"{shortcut}-{site.lang}"  # quick-reply shortcuts must be unique across languages
            used_shortcuts.add(shortcut)
            short_limit = int(limits.get("shortcut", DEFAULT_LIMITS["shortcut"]))
            if len(shortcut.lstrip("/")) > short_limit:
                problems.append(report(file, "records.app_limits.shortcut", "records.app_shortcut_too_long",
                                       shortcut=shortcut, limit=short_limit))
        texts.append(AppText(key, site.lang, text, limit, limit_key, shortcut, bool(mine)))
    return texts, problems


def app_text_set(sites: Mapping[str, RecordLanguage], limits: Mapping[str, int],
                 file: str) -> tuple[dict[str, list[AppText]], list[Problem]]:
    """Every language's app texts (in settings.languages order, which claims shortcuts first), and the problems."""
    used: set[str] = set()
    out: dict[str, list[AppText]] = {}
    problems: list[Problem] = []
    for lang, site in sites.items():
        out[lang], found = app_texts(site, limits, used, file)
        problems += found
    return out, problems


def app_record(first: RecordLanguage, sites: Mapping[str, RecordLanguage], texts: Mapping[str, list[AppText]]) -> Record:
    """records/whatsapp-app.*: how to set up the app, then every language's texts; worded in the default language."""
    w, c = first.words["whatsapp-app"], first.words["common"]
    facts = [(c("controller"), rich(first.s.business.name)), (c("stand"), rich(first.stand))]
    facts += [(f"{c('version')} ({lang})", rich(site.consent_id)) for lang, site in sites.items()]
    sections = [RecordSection("setup", w("setup"), (Bullets(tuple(rich(x) for x in w.texts("steps")), ordered=True),))]
    for lang, items in texts.items():
        lw = sites[lang].words["whatsapp-app"]
        fields, places = lw.table("fields"), lw.table("places")
        blocks: list[Block] = []
        for item in items:
            label = fields.get(item.key, item.key) + (f" – {lw('shortcut')} {item.shortcut}" if item.shortcut else "")
            blocks += [Heading(label), Quote(item.text),
                       Para(rich(f"{lw('where')}: {places.get(item.key, '')} · "
                                 f"{lw('chars', count=len(item.text), limit=item.limit)}"), small=True)]
        sections.append(RecordSection(f"texts-{lang}", w("lang_heading", language=LANGUAGE_NAMES.get(lang, lang)),
                                tuple(blocks)))
    footer = f"{first.s.business.name} – {c('stand')}: {first.stand}"
    return Record("whatsapp-app", first.lang, w("title"), first.s.business.name, tuple(facts),
                  (Para(rich(w("intro"))),), tuple(sections), footer, c("internal"), first.s.site.as_of, c("page"))
