"""The bot's replies: wording files bot/<lang>/*.txt (overridable by the site), filled with the site's facts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..guided.meta_limits import BUTTON_BODY
from ..problems import Problem, report
from ..register import fold_text as _fold
from ..site.greeting import BOT_FALLBACK_LANG, bot_text, keep_lines, plain
from ..wording.wordfiles import fill, read_file
from .settings import Answer, BotSettings
from .site import BotSite

KINDS = ("greeting", "consent_confirmed", "unknown_version", "withdrawal_confirmed", "marketing_stopped")
FALLBACK_LANG = BOT_FALLBACK_LANG
# what the texts of bot/<lang>/requests.toml may use (each text the ones named next to it there)
REQUEST_PLACEHOLDERS = ("title", "answers", "low", "high", "unit", "mb", "landing_url", "count", "business", "name",
                        "customer", "at", "id", "files", "delete_on", "channel", "since", "attempts")
OWNER_KINDS = ("withdrawal", "unclear_stop", "failed_send", "unconfirmed", "token", "restricted", "digest")


@dataclass(frozen=True)
class Keyword:
    answer: str
    pattern: re.Pattern[str]


class Replies:
    """Renders every reply of the bot in the customer's language."""

    def __init__(self, site: BotSite, settings: BotSettings):
        self.site = site
        self.wording = site.wording  # the site's own wording/ first, as for every stage
        self.answers: dict[str, Answer] = {}
        self.keywords: dict[str, list[Keyword]] = {}
        self._settings = settings

    def _rel(self, lang: str, name: str) -> str:
        return bot_text(self.wording, lang, name)

    def context(self, lang: str, **extra: Any) -> dict[str, Any]:
        """The placeholders of a reply in `lang` (site.greeting.bot_values), with what the reply adds."""
        return plain({**self.site.reply_values(lang), **extra})

    def render(self, lang: str, kind: str, problems: list[Problem] | None = None, **extra: Any) -> str | None:
        """The text of one reply; None (with a problem) if its wording file cannot be filled."""
        sink: list[Problem] = [] if problems is None else problems
        answer = self.answers.get(kind)
        if answer is not None and answer.text:
            from ..placeholders import render_placeholders

            source = answer.text.get(lang) or answer.text.get("*") or next(iter(answer.text.values()))
            out = render_placeholders(source, self.context(lang, **extra), str(self._settings.config),
                                      1, sink)
        else:
            out = self.wording.render(self._rel(lang, f"{kind}.txt"), self.context(lang, **extra), sink)
        return None if out is None else keep_lines(out)

    def purposes_text(self, lang: str, purposes: tuple[str, ...]) -> str:
        labels = self.site.purpose_labels(lang)
        return ", ".join(labels.get(pid, pid) for pid in purposes)

    def load(self) -> list[Problem]:
        """Read keyword lists and check that every reply renders in every language (at start, not per message)."""
        problems: list[Problem] = []
        names: dict[str, dict[str, list[str]]] = {}
        for lang in self.site.languages:
            table = self.wording.toml(self._rel(lang, "keywords.toml"), problems) or {}
            for name, words in table.items():
                if isinstance(words, list):
                    names.setdefault(name, {})[lang] = [str(w) for w in words]
        for answer in self._settings.answers:
            self.answers[answer.name] = answer
            names[answer.name] = {lang: list(answer.keywords) for lang in self.site.languages}
        for name, per_lang in names.items():
            for lang, words in per_lang.items():
                if name == "hours" and name not in self.answers and not self.site.opening_hours(lang):
                    continue  # no business.opening_hours: the built-in answer would have nothing to say
                alternatives = "|".join(re.escape(_fold(w)) for w in words if w.strip())
                if alternatives:
                    self.keywords.setdefault(lang, []).append(
                        Keyword(name, re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")))
        self._check_owner_texts(problems)
        if self.site.model.requests:
            self._check_request_texts(problems)
        for lang in self.site.languages:
            for kind in (*KINDS, *names):
                own = self.answers.get(kind)
                if kind in KINDS or (own is not None and own.text) or self.wording.locate(self._rel(lang, f"{kind}.txt")):
                    self.render(lang, kind, problems, purposes="x")
                else:
                    problems.append(report(str(self._settings.config), f"bot.answers.{kind}",
                                           "bot.answer_without_text", name=kind, lang=lang))
        return problems

    def owner_texts(self, problems: list[Problem]) -> dict[str, dict[str, str]]:
        """The owner's e-mail texts (subject, body) per notice kind, in the site's first language."""
        table = self.wording.toml(self._rel(self.site.default_lang, "owner.toml"), problems) or {}
        return {kind: {k: str(v) for k, v in entry.items()} for kind, entry in table.items()
                if isinstance(entry, dict)}

    def _check_owner_texts(self, problems: list[Problem]) -> None:
        from ..placeholders import render_placeholders

        texts = self.owner_texts(problems)
        path = str(self.wording.locate(self._rel(self.site.default_lang, "owner.toml")))
        context = dict.fromkeys(("business", "customer", "name", "at", "reply", "code", "event", "detail", "count",
                                 "lines"), "x")
        for kind in OWNER_KINDS:
            entry = texts.get(kind)
            if not entry or not entry.get("subject") or not entry.get("body"):
                problems.append(report(path, kind, "bot.owner_text_missing", kind=kind))
                continue
            for part in ("subject", "body"):
                render_placeholders(entry[part], context, path, 1, problems)

    def _check_request_texts(self, problems: list[Problem]) -> None:
        """The guided requests' words fill with the placeholders they are given; the consent confirmation, which
        then carries the requests' buttons, fits WhatsApp's 1024 characters for a message with buttons."""
        sample = dict.fromkeys(REQUEST_PLACEHOLDERS, "x")
        for lang in self.site.languages:
            words = read_file(self.wording, self._rel(lang, "requests.toml"), problems)
            for key, value in (words.data.items() if words is not None else ()):
                if isinstance(value, str):
                    fill(value, sample, words.path, words.lines.get(key, 1), problems)  # type: ignore[union-attr]
            purposes = ", ".join(self.site.purpose_labels(lang).values())
            text = self.render(lang, "consent_confirmed", [], purposes=purposes, version="v00000000") or ""
            if len(text) > BUTTON_BODY:
                path = self.wording.locate(self._rel(lang, "consent_confirmed.txt"))
                problems.append(report(str(path), "file", "requests.too_long", key="consent_confirmed",
                                       length=len(text), limit=BUTTON_BODY, what="a message with buttons"))

    def template(self, lang: str, kind: str, **extra: Any) -> dict[str, Any] | None:
        """The Graph API `template` object of the site's approved template for a reply (None: none set up)."""
        template = self._settings.templates.get(kind)
        if template is None:
            return None
        values = self.context(lang, **extra)
        parameters = [{"type": "text", "text": str(values.get(name, ""))} for name in template.parameters]
        out: dict[str, Any] = {"name": template.name, "language": {"code": template.language(lang)}}
        if parameters:
            out["components"] = [{"type": "body", "parameters": parameters}]
        return out

    def keyword_answer(self, lang: str, text: str) -> str | None:
        """The name of the first keyword answer a message asks for (its language first, then any)."""
        folded = _fold(text)
        order = [lang, *[other for other in self.keywords if other != lang]]
        for candidate in order:
            for keyword in self.keywords.get(candidate, []):
                if keyword.pattern.search(folded):
                    return keyword.answer
        return None
