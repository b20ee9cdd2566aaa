"""Every page of every language, rendered with the theme's templates (Jinja's sandbox: a theme copied from the
web is as untrusted as a text): the landing page, the privacy notice, the imprint, the withdrawal page and a
page per consent version.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from typing import Any, Mapping, Sequence
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ...config import LANGUAGE_NAMES
from ...consent import ChatLink
from ...csp import content_security_policy
from ...formatting import display_phone, format_date
from ...placeholders import bytecode_cache
from ...site import LanguageModel, SiteModel, Theme
from ...typography import nbsp, with_contents
from ...whatsapp import fill, wa_link

RTL = {"ar", "he", "fa", "ur"}
OG_LOCALES = {"de": "de_DE", "en": "en_GB", "fr": "fr_FR", "it": "it_IT", "es": "es_ES", "nl": "nl_NL",
              "pl": "pl_PL", "tr": "tr_TR"}

_ENVIRONMENTS: dict[tuple[str, ...], jinja2.Environment] = {}


def environment(theme: Theme) -> jinja2.Environment:
    """The theme's templates, the site's copies first. One environment per lookup list and process, so that
    templates compile once for every rebuild of `serve` and every site of a batch (Jinja rechecks each
    file's time on use)."""
    search = tuple(str(folder) for folder in theme.template_folders())
    if search not in _ENVIRONMENTS:
        env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(list(search)),
                                   autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined,
                                   keep_trailing_newline=True, trim_blocks=False, bytecode_cache=bytecode_cache())
        env.filters["nbsp"] = _nbsp_filter
        _ENVIRONMENTS[search] = env
    return _ENVIRONMENTS[search]


def _nbsp_filter(value: Any) -> Any:
    # keeps Markup as Markup: the citation spaces are plain text, safe in HTML as in text
    return type(value)(nbsp(str(value))) if isinstance(value, str) else value


def gate_css(purposes: Sequence[Any], links: Sequence[ChatLink]) -> str:
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


def render_language(site: SiteModel, language: LanguageModel, labels: Mapping[str, Any],
                    env: jinja2.Environment, js: str) -> dict[str, bytes]:
    """Every page of one language, by path below site/. labels: the pages' labels of this language
    (wording/pages/<lang>.toml); the landing page's front matter overrides each."""
    settings, lang, s, texts = site.settings, language.lang, language.values, language.texts
    ui = {**labels, **texts["index"].meta}
    ui_consent = dict(texts["consent"].meta)
    business_short = s.business.short_name or s.business.name
    links = language.chat_links
    base = language.folder
    css = env.get_template("style.css").render(primary=site.theme.primary, primary_dark=site.theme.primary_dark,
                                               gate_css=gate_css(s.purposes, links))
    withdrawal = texts["withdrawal"].meta
    files: dict[str, bytes] = {}

    def relative(target: str) -> str:
        return posixpath.relpath(target, base or ".") if base else target

    def alternates(page: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        alts, switch = [], []
        for other in site.languages.values():
            target = other.folder + other.links.get(page, page + ".html")
            entry = {"lang": other.lang, "href": relative(target), "name": LANGUAGE_NAMES.get(other.lang, other.lang)}
            alts.append({**entry, "href": site.base_url + target})
            if other.lang != lang:
                switch.append(entry)
        return alts, switch

    icons = {name: relative(name) for name in site.icons}
    card = language.url + site.card(lang)
    logo = relative(site.logo_name) if site.logo_name else None

    def page(template: str, out: str, page_key: str, title: str, *, script: bool = False, **extra: Any) -> None:
        alts, switch = alternates(page_key)
        csp = content_security_policy(css, js if script else None)
        head = dict(description=ui.get("intro", ""), canonical=language.url + out, card=card,
                    site_name=s.business.name, icons=icons, og_locale=OG_LOCALES.get(lang, lang))
        context = dict(head=head, lang=lang, dir="rtl" if lang in RTL else "ltr", csp=csp, css=css,
                       js=js if script else None,
                       title=title, ui=ui, ui_consent=ui_consent, s=s, links=language.links, alternates=alts,
                       switch=switch, robots="index,follow" if page_key == "index" else "noindex,follow",
                       logo=logo, phone_e164=settings.phone_e164, phone_display=display_phone(settings.phone_e164),
                       consent_id=language.consent_id, **extra)
        files[base + out] = env.get_template(template).render(context).encode("utf-8")

    site_title = s.site.title or s.business.name
    page("index.html", "index.html", "index", f"{ui['title']} – {site_title}", script=True, texts=texts,
         purposes=s.purposes, chat_links=list(links), sources=" ".join(sorted(s.channels.values())),
         greeting=language.greeting or None)
    for key in ("privacy", "imprint"):
        body, toc = with_contents(texts[key].html) if key == "privacy" else (texts[key].html, [])
        page("page.html", language.links[key], key, f"{texts[key].title} – {site_title}", text=texts[key],
             body=body, toc=toc)
    wd_text = fill(withdrawal["message"], business=business_short)
    optout = None
    if any(not p.required for p in s.purposes) and withdrawal.get("marketing_message"):
        optout = wa_link(settings.whatsapp_digits, fill(withdrawal["marketing_message"], business=business_short))
    mailto = (f"mailto:{s.business.email}?subject={quote(str(withdrawal.get('email_subject', '')), safe='')}"
              f"&body={quote(wd_text, safe='')}")
    page("withdrawal.html", language.links["withdrawal"], "withdrawal", f"{texts['withdrawal'].title} – {site_title}",
         text=texts["withdrawal"], withdraw_link=wa_link(settings.whatsapp_digits, wd_text), optout_link=optout,
         withdraw_mailto=mailto, withdraw_message=wd_text)
    published = {v.id: v for v in language.versions}
    for version in sorted(published.values(), key=lambda v: v.id):
        page("consent.html", f"consent-{version.id}.html", "consent", f"{version.id} – {site_title}",
             version=version, versions=sorted(published.values(), key=lambda v: (v.date, v.id), reverse=True),
             version_title=fill(ui_consent["version_title"], version=version.id),
             version_intro=fill(ui_consent["version_intro"], version=version.id,
                                date=format_date(dt.date.fromisoformat(version.date), lang)))
    return files
