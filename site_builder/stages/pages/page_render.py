"""Render the site: settings + texts -> {relative path: bytes} for output/site/."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote
from xml.etree import ElementTree

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .config import LANGUAGE_NAMES, Settings
from .consent import ChatLink, Version
from .content import Text
from .csp import content_security_policy
from .formatting import display_phone, format_date, lang_dir
from .placeholders import bytecode_cache
from .problems import Problem, report
from .social import card_name, head_files
from .typography import nbsp, with_contents
from .whatsapp import fill, wa_link
from .wording import SHIPPED as SHIPPED_WORDING, Wording, parse_toml

BUILTIN_THEMES = Path(__file__).parent / "themes"
RTL = {"ar", "he", "fa", "ur"}
OG_LOCALES = {"de": "de_DE", "en": "en_GB", "fr": "fr_FR", "it": "it_IT", "es": "es_ES", "nl": "nl_NL",
              "pl": "pl_PL", "tr": "tr_TR"}


def text_context(settings: Settings, lang: str, links: Mapping[str, str], consent: str | None) -> dict[str, Any]:
    """The placeholders a content text may use."""
    s = settings.for_lang(lang)
    return {
        **{key: s[key] for key in s},
        "phone_display": display_phone(settings.phone_e164),
        "whatsapp_display": display_phone(settings.whatsapp_e164),
        "transfer_reviewed": format_date(s.transfer.reviewed, lang),
        "as_of": format_date(s.site.as_of, lang),
        "links": dict(links),
        "consent_id": consent,
        "lang": lang,
    }


def gate_css(purposes: Any, links: list[ChatLink]) -> str:
    """CSS that shows the right chat link only once the required boxes are ticked (works without JS)."""
    required = [p for p in purposes if p.required]
    ready = " ~ ".join(f"#c-{p.id}:checked" for p in required)
    rules = [f"{ready} ~ .actions .gate,{ready} ~ .actions .hint{{display:none}}"]
    optional = [p for p in purposes if not p.required]
    for index, link in enumerate(links):
        chain = " ~ ".join(f"#c-{p.id}:checked" if p.required or p.id in link.optional else f"#c-{p.id}:not(:checked)"
                           for p in purposes)
        rules.append(f"{chain} ~ .actions .go-{index}{{display:flex}}")
        # the preview shows the message the optional boxes choose, even before the required one is ticked
        shown = " ~ ".join(f"#c-{p.id}:checked" if p.id in link.optional else f"#c-{p.id}:not(:checked)"
                           for p in optional)
        rules.append(f"{shown + ' ~ ' if shown else ''}.phone .msg-{index}{{display:block}}")
    return "\n".join(rules)


def theme_environment(settings: Settings) -> jinja2.Environment:
    """Templates of the site's own theme folder first, then the built-in theme."""
    name = settings.theme.name
    search = [settings.root / "themes" / name / "templates", BUILTIN_THEMES / name / "templates",
              BUILTIN_THEMES / "default" / "templates"]
    # sandboxed: a theme copied from the web is as untrusted as a text
    env = SandboxedEnvironment(loader=jinja2.FileSystemLoader([str(p) for p in search if p.is_dir()]),
                               autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined,
                               keep_trailing_newline=True, trim_blocks=False, bytecode_cache=bytecode_cache())
    env.filters["nbsp"] = _nbsp_filter
    return env


def _nbsp_filter(value: Any) -> Any:
    # keeps Markup as Markup: the citation spaces are plain text, safe in HTML as in text
    return type(value)(nbsp(str(value))) if isinstance(value, str) else value


def theme_static(settings: Settings, name: str) -> str:
    """A static theme file, from the site's theme folder if it overrides it."""
    theme = settings.theme.name
    for folder in (settings.root / "themes" / theme / "static", BUILTIN_THEMES / theme / "static",
                   BUILTIN_THEMES / "default" / "static"):
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def vcard(settings: Settings) -> bytes:
    """A vCard 3.0 of the business, so customers can save the contact."""
    b = settings.business

    def esc(value: str) -> str:
        return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")

    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{esc(b.name)}", f"ORG:{esc(b.name)}",
             f"ADR;TYPE=WORK:;;{esc(b.street)};{esc(b.city)};;{esc(b.postal_code)};{esc(b.country)}",
             f"TEL;TYPE=WORK,VOICE:{settings.phone_e164}", f"TEL;TYPE=CELL:{settings.whatsapp_e164}",
             f"EMAIL;TYPE=INTERNET:{b.email}", f"URL:{settings.base_url}", "END:VCARD"]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@dataclass(frozen=True)
class LanguageSite:
    """What one language contributes: its files, consent id and chat links."""

    files: dict[str, bytes]
    consent_id: str
    fragment: str
    chat_links: list[ChatLink]


def ui_defaults(settings: Settings, lang: str, problems: list[Problem]) -> dict[str, Any]:
    """The pages' labels of a language (wording/pages/<lang>.toml), a text's front matter overriding each.
    A site's copy of the file overrides key by key, so a copy made before a label was added still works;
    a language without labels gets the English ones; a file that is not TOML is a problem."""
    labels: dict[str, Any] = {}
    for rel in ("pages/en.toml", f"pages/{lang}.toml"):
        for folder in reversed(Wording(settings.root, settings.theme.name).folders):
            if (folder / rel).is_file():
                labels.update(parse_toml(folder / rel, problems) or {})
    return labels


def render_language(settings: Settings, lang: str, texts: Mapping[str, Text], consent_id: str, fragment: str,
                    versions: list[Version], all_links: Mapping[str, Mapping[str, str]], chat: list[ChatLink],
                    env: jinja2.Environment, js: str, greeting: str | None = None,
                    labels: Mapping[str, Any] | None = None) -> LanguageSite:
    """Every page of one language. all_links: each language's page links (content.page_links, computed once
    by the pipeline); chat: this language's chat links (consent.language_chat_links, computed once);
    greeting: the business's automatic answer shown in the chat preview."""
    s = settings.for_lang(lang)
    ui = {**(labels if labels is not None else ui_defaults(settings, lang, [])), **texts["index"].meta}
    ui_consent = dict(texts["consent"].meta)
    business_short = s.business.short_name or s.business.name
    links = chat
    base = lang_dir(settings, lang)
    page_link = all_links[lang]
    primary = settings.theme.primary
    css = env.get_template("style.css").render(primary=primary, primary_dark=settings.theme.primary_dark,
                                               gate_css=gate_css(s.purposes, links))
    logo = settings.logo_path
    withdrawal = texts["withdrawal"].meta
    files: dict[str, bytes] = {}

    def alternates(page: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        alts, switch = [], []
        for other in settings.languages:
            target = lang_dir(settings, other) + all_links[other].get(page, page + ".html")
            href = posixpath.relpath(target, base or ".") if base else target
            entry = {"lang": other, "href": href, "name": LANGUAGE_NAMES.get(other, other)}
            alts.append({**entry, "href": settings.base_url + target})
            if other != lang:
                switch.append(entry)
        return alts, switch

    icons = {name: (posixpath.relpath(name, base or ".") if base else name) for name in head_files()}
    card = settings.base_url + base + card_name(lang)

    def page(template: str, out: str, page_key: str, title: str, *, script: bool = False, **extra: Any) -> None:
        alts, switch = alternates(page_key)
        csp = content_security_policy(css, js if script else None)
        head = dict(description=ui.get("intro", ""), canonical=settings.base_url + base + out, card=card,
                    site_name=s.business.name, icons=icons, og_locale=OG_LOCALES.get(lang, lang))
        context = dict(head=head, lang=lang, dir="rtl" if lang in RTL else "ltr", csp=csp, css=css,
                       js=js if script else None,
                       title=title, ui=ui, ui_consent=ui_consent, s=s, links=page_link, alternates=alts,
                       switch=switch, robots="index,follow" if page_key == "index" else "noindex,follow",
                       logo=(posixpath.relpath("logo" + logo.suffix.lower(), base or ".") if base else
                             "logo" + logo.suffix.lower()) if logo else None,
                       phone_e164=settings.phone_e164, phone_display=display_phone(settings.phone_e164),
                       consent_id=consent_id, **extra)
        files[base + out] = env.get_template(template).render(context).encode("utf-8")

    site_title = s.site.title or s.business.name
    page("index.html", "index.html", "index", f"{ui['title']} – {site_title}", script=True, texts=texts,
         purposes=s.purposes, chat_links=links, sources=" ".join(sorted(s.channels.values())), greeting=greeting)
    for key in ("privacy", "imprint"):
        body, toc = with_contents(texts[key].html) if key == "privacy" else (texts[key].html, [])
        page("page.html", page_link[key], key, f"{texts[key].title} – {site_title}", text=texts[key],
             body=body, toc=toc)
    wd_text = fill(withdrawal["message"], business=business_short)
    optout = None
    if any(not p.required for p in s.purposes) and withdrawal.get("marketing_message"):
        optout = wa_link(settings.whatsapp_digits, fill(withdrawal["marketing_message"], business=business_short))
    mailto = (f"mailto:{s.business.email}?subject={quote(str(withdrawal.get('email_subject', '')), safe='')}"
              f"&body={quote(wd_text, safe='')}")
    page("withdrawal.html", page_link["withdrawal"], "withdrawal", f"{texts['withdrawal'].title} – {site_title}",
         text=texts["withdrawal"], withdraw_link=wa_link(settings.whatsapp_digits, wd_text), optout_link=optout,
         withdraw_mailto=mailto, withdraw_message=wd_text)
    published = {v.id: v for v in versions}
    for version in sorted(published.values(), key=lambda v: v.id):
        page("consent.html", f"consent-{version.id}.html", "consent", f"{version.id} – {site_title}",
             version=version, versions=sorted(published.values(), key=lambda v: (v.date, v.id), reverse=True),
             version_title=fill(ui_consent["version_title"], version=version.id),
             version_intro=fill(ui_consent["version_intro"], version=version.id,
                                date=format_date(dt.date.fromisoformat(version.date), lang)))
    return LanguageSite(files, consent_id, fragment, links)


# --- the logo, published only without anything that could run ---------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that run script, embed other documents or rewrite attributes (animate `href` to javascript:).
SVG_DROP = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
            "animateMotion", "animateTransform", "discard"}
RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.I)
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)|@import|javascript:|expression\(", re.I)


def logo_file(settings: Settings, problems: list[Problem]) -> tuple[str, bytes] | None:
    """The logo as published in site/: an SVG without scripts, event handlers, foreign objects, links to
    other files or entity declarations (a removed part is a warning; a broken SVG an error)."""
    logo = settings.logo_path
    if logo is None:
        return None
    name = "logo" + logo.suffix.lower()
    data = logo.read_bytes()
    if logo.suffix.lower() != ".svg":
        return name, data
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):
        problems.append(report(str(settings.path), "theme.logo", "content.logo_entities", name=logo.name))
        return None
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        problems.append(report(str(settings.path), "theme.logo", "content.logo_unreadable", name=logo.name,
                               error=str(exc)))
        return None
    removed = _clean_svg(root)
    if not removed:
        return name, data  # published byte for byte: nothing in it could run
    problems.append(report(str(settings.path), "theme.logo", "content.logo_cleaned", warning=True, name=logo.name,
                           removed=", ".join(sorted(removed))))
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    return name, b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8",
                                                                                   xml_declaration=False)


def _local(tag: str) -> tuple[str, str]:
    namespace, _, local = tag.rpartition("}")
    return namespace.lstrip("{"), local


def _clean_svg(element: ElementTree.Element) -> set[str]:
    """Remove in place what could run or load something; return what was removed."""
    removed: set[str] = set()
    for child in list(element):
        if not isinstance(child.tag, str):  # comments and processing instructions
            element.remove(child)
            continue
        namespace, local = _local(child.tag)
        text = "".join(child.itertext()) if local == "style" else ""
        if namespace != SVG_NS or local in SVG_DROP or EXTERNAL_URL.search(text):
            element.remove(child)
            removed.add(f"<{local}>")
            continue
        removed |= _clean_svg(child)
    for attribute, value in list(element.attrib.items()):
        _, local = _local(attribute)
        bad = (local.lower().startswith("on") or EXTERNAL_URL.search(value)
               or (local == "href" and not value.startswith("#") and not RASTER_DATA.match(value)))
        if bad:
            del element.attrib[attribute]
            removed.add(local if not local.lower().startswith("on") else "on...")
    return removed
