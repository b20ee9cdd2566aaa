"""Every page of every language, rendered with the theme's templates (Jinja's sandbox: a theme copied from the
web is as untrusted as a text): the landing page, the privacy notice, the imprint, the withdrawal page and a
page per consent version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
import os
import posixpath
import re
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import quote

import jinja2

from ... import gate
from ...config import LANGUAGE_NAMES
from ...consent import ChatLink
from ...content import filter_archived
from ...csp import content_security_policy
from ...formatting import display_phone, format_date
from ...problems import Problem, report
from ...render import BudgetedSandbox, Exceeded, budget
from ...template_cache import LazyCache
from ...site import LanguageModel, SiteModel, Theme
from ...typography import nbsp, with_contents
from ...whatsapp import fill, wa_link
from .look import header_look
from .page_photo import Picture
from .request_preview import request_preview

RTL = {"ar", "he", "fa", "ur"}
OG_LOCALES = {"de": "de_DE", "en": "en_GB", "fr": "fr_FR", "it": "it_IT", "es": "es_ES", "nl": "nl_NL",
              "pl": "pl_PL", "tr": "tr_TR"}

_ENVIRONMENTS: dict[tuple[str, ...], jinja2.Environment] = {}


class ThemeLoader(jinja2.BaseLoader):
    """The theme's templates, each read through the gate (inside the site's folder or the shipped themes, a
    regular file of at most gate.MAX_TEXT_BYTES, UTF-8); a refused file raises gate.Refused."""

    def __init__(self, folders: Sequence[str], root: Path):
        self.folders, self.root = list(folders), root

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)  # TemplateNotFound for "..", as Jinja's own
        for folder in self.folders:
            path = Path(folder, *pieces)
            if gate.present(path):
                data = gate.read_or_refuse(path, root=self.root)
                source = gate.decode(data, str(path))
                mtime = os.path.getmtime(path)
                return source, str(path), lambda: os.path.lexists(path) and os.path.getmtime(path) == mtime
        raise jinja2.TemplateNotFound(template)


def environment(theme: Theme, root: Path) -> jinja2.Environment:
    """The theme's templates, the site's copies first. One environment per lookup list and process, so that
    templates compile once for every rebuild of `serve` and every site of a batch (Jinja rechecks each
    file's time on use). Compiled code kept between runs in the user's cache folder (template_cache.py)."""
    search = tuple(str(folder) for folder in theme.template_folders())
    key = (str(root), *search)
    if key not in _ENVIRONMENTS:
        env = BudgetedSandbox(loader=ThemeLoader(search, root), autoescape=jinja2.select_autoescape(["html"]),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=False,
                              bytecode_cache=LazyCache("theme"))
        env.add_filter("nbsp", _nbsp_filter)
        _ENVIRONMENTS[key] = env
    return _ENVIRONMENTS[key]


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any],
                    problems: list[Problem]) -> str | None:
    """One template rendered within the budget, or None with one problem naming the template file and line."""
    try:
        with budget():
            return env.get_template(name).render(context)
    except gate.Refused as refused:
        problems.append(refused.problem)
    except jinja2.TemplateSyntaxError as exc:
        problems.append(report(exc.filename or name, f"line {exc.lineno}", "input.render_failed", error=exc.message))
    except jinja2.TemplateNotFound as exc:
        file, line = _template_line(exc, name)
        problems.append(report(file, line, "input.render_missing", name=repr(exc.name)))
    except Exceeded as exc:
        file, line = _template_line(exc, name)
        problems.append(report(file, line, exc.key, **exc.fields))
    except RecursionError as exc:
        file, line = _template_line(exc, name)
        problems.append(report(file, line, "input.render_deep"))
    except MemoryError as exc:
        file, line = _template_line(exc, name)
        problems.append(report(file, line, "input.render_size", limit="memory"))
    # AssertionError: Jinja's own filters check their arguments with assert (`truncate(-1)`)
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError,
            AssertionError) as exc:
        file, line = _template_line(exc, name)
        problems.append(report(file, line, "input.render_failed", error=str(exc)[:200]))
    return None


def _template_line(exc: BaseException, name: str) -> tuple[str, str]:
    """The template file and line an error was raised in (Jinja rewrites tracebacks to the template's lines)."""
    tb, found = exc.__traceback__, (name, "file")
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".css", ".js", ".txt", ".xml")) and not filename.endswith(".py"):
            found = (filename, f"line {tb.tb_lineno}")
        tb = tb.tb_next
    return found


_ID = re.compile(r"""\sid=["']?([^"'\s>]+)""")


def duplicate_ids(page: str, texts: Any) -> list[Problem]:
    """A problem for each id a text gives (`{: #c-service }`) that the page has twice: a label or a link of the
    form would then point at the text instead."""
    found = _ID.findall(page)
    twice = {i for i in found if found.count(i) > 1}
    return [report(str(text.path), f"id {name}", "input.duplicate_id", id=name)
            for text in texts for name in sorted(set(_ID.findall(text.html)) & twice)]


def script_safe(js: str) -> str:
    r"""A script as it may stand inside <script>: `</script` and `<!--` cannot end or change the element (the
    same code in JavaScript: `<\/` is `</` in a string, a regular expression and a comment)."""
    return re.sub(r"<(/script|!--)", lambda m: "<\\" + m.group(1), js, flags=re.I)


def style_safe(css: str) -> str:
    """A style sheet as it may stand inside <style>: `</style` cannot end the element."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.I)


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
        # the preview shows the message the optional boxes choose (and its answer), even before the required
        # one is ticked
        shown = " ~ ".join(f"#c-{p.id}:checked" if p.id in link.optional else f"#c-{p.id}:not(:checked)"
                           for p in optional)
        rules.append(f"{shown + ' ~ ' if shown else ''}.preview .msg-{index},"
                     f"{shown + ' ~ ' if shown else ''}.preview .ans-{index}{{display:block}}")
    return "\n".join(rules)


def _shown_answers(answers: Sequence[str]) -> list[str]:
    """The preview's answer bubbles: one when every chat link gets the same answer, else one per link."""
    return list(answers[:1]) if len(set(answers)) == 1 else list(answers)


def render_language(site: SiteModel, language: LanguageModel, labels: Mapping[str, Any],
                    env: jinja2.Environment, js: str, problems: list[Problem],
                    picture: Picture | None = None) -> dict[str, bytes]:
    """Every page of one language, by path below site/ (a page that cannot be rendered: a problem). labels:
    the pages' labels of this language (wording/pages/<lang>.toml); the landing page's front matter overrides
    each. js: the theme's script, already made safe for <script> (script_safe). picture: the owner's photo."""
    settings, lang, s, texts = site.settings, language.lang, language.values, language.texts
    ui = {**labels, **texts["index"].meta}
    ui_consent = dict(texts["consent"].meta)
    business_short = s.business.short_name or s.business.name
    links = language.chat_links
    base = language.folder
    css = style_safe(render_template(env, "style.css", dict(primary=site.theme.primary,
                                                            primary_dark=site.theme.primary_dark,
                                                            gate_css=gate_css(s.purposes, links)), problems) or "")
    preview = request_preview(site, language)  # guided requests: their first steps in the chat preview
    if preview is not None:
        css += style_safe(render_template(env, "request_preview.css", {}, problems) or "")
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
    look = header_look(site.theme, s)
    photo = picture.markup(relative(".") + "/" if base else "", str(s.theme.get("photo_alt") or "")) if picture else None

    def page(template: str, out: str, page_key: str, title: str, *, script: bool = False, **extra: Any) -> None:
        alts, switch = alternates(page_key)
        csp = content_security_policy(css, js if script else None)
        head = dict(description=ui.get("intro", ""), canonical=language.url + out, card=card,
                    site_name=s.business.name, icons=icons, og_locale=OG_LOCALES.get(lang, lang))
        context = dict(head=head, lang=lang, dir="rtl" if lang in RTL else "ltr", csp=csp, css=css,
                       js=js if script else None,
                       title=title, ui=ui, ui_consent=ui_consent, s=s, links=language.links, alternates=alts,
                       switch=switch, robots="index,follow" if page_key == "index" else "noindex,follow",
                       logo=logo, look=look, phone_e164=settings.phone_e164, phone_display=display_phone(settings.phone_e164),
                       consent_id=language.consent_id, **extra)
        rendered = render_template(env, template, context, problems)
        if rendered is not None:
            problems.extend(duplicate_ids(rendered, texts.values()))
            files[base + out] = rendered.encode("utf-8")

    site_title = s.site.title or s.business.name
    page("index.html", "index.html", "index", f"{ui['title']} – {site_title}", script=True, texts=texts,
         purposes=s.purposes, chat_links=list(links), sources=" ".join(sorted(s.channels.values())),
         answers=_shown_answers(language.answers), photo=photo, request_preview=preview)
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
    # one entry per text; a text archived under its id of the old shape is published at both addresses
    versions = sorted(language.versions, key=lambda v: (v.date, v.id), reverse=True)
    for version in sorted(language.versions, key=lambda v: v.id):
        shown = replace(version, html=filter_archived(version.html))  # filtered like every text
        for vid in version.ids:
            page("consent.html", f"consent-{vid}.html", "consent", f"{vid} – {site_title}",
                 version=shown, versions=versions,
                 version_title=fill(ui_consent["version_title"], version=vid),
                 version_intro=fill(ui_consent["version_intro"], version=vid,
                                    date=format_date(dt.date.fromisoformat(version.date), lang)))
    return files
