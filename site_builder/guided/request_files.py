"""Loading a site's guided requests, once, with the rest of the site (`site.load_site`): the request files that
[bot.requests] offer names, checked like every text (request_checks.py) and as WhatsApp Flows (flow_schema.py),
the bot's request wording of every language, and the settings that go with them. Every problem names its file
and its line or key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .. import gate, tomlparse
from ..problems import Problem, report
from ..tomlparse import tomllib
from ..wording import SHIPPED, Wording
from .definition import MEDIA_TYPES, RequestDef, request_of
from .flow_json import FLOW_JSON_VERSION, flow_json
from .flow_schema import flow_errors
from .request_checks import check_request, has_emoji

# the texts every language's bot/<lang>/requests.toml has (the conversation's own words, and the hand-off e-mail)
WORDS = ("cancel_words", "skip", "done_button", "send", "change", "cancel", "list_button", "change_button",
         "footer", "summary", "change_prompt", "invalid_choice", "invalid_number", "invalid_postcode",
         "invalid_date", "date_past", "invalid_length", "photo_expected", "photo_refused", "photo_failed",
         "photos_missing", "photos_enough", "cancelled", "one_at_a_time", "needs_consent", "stale", "no_request",
         "skipped", "preview_label", "photos_count", "flow_next", "flow_send", "flow_number_help", "flow_postcode_help",
         "email_subject", "email_body", "failing_subject", "failing_body", "ics_summary")


@dataclass(frozen=True)
class RequestSet:
    """The guided requests a site offers ([bot.requests]), empty when it offers none."""

    requests: tuple[RequestDef, ...] = ()
    purpose: str = ""  # the consent purpose a request needs
    keep_days: int = 30
    key_env: str = ""
    email: str = ""
    webhook_url: str = ""
    webhook_secret_env: str = ""
    flows: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # name -> lang -> Flow ID
    words: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # lang -> bot/<lang>/requests.toml

    def __bool__(self) -> bool:
        return bool(self.requests)

    @property
    def main(self) -> RequestDef | None:
        return self.requests[0] if self.requests else None

    def get(self, name: str) -> RequestDef | None:
        return next((r for r in self.requests if r.name == name), None)

    @property
    def takes_files(self) -> bool:
        return any(step.media for request in self.requests for step in request.steps)

    def flow_id(self, name: str, lang: str) -> str:
        """The published Flow of a request in a language ('' : that language runs step by step)."""
        return self.flows.get(name, {}).get(lang, "")


def shipped_requests() -> list[str]:
    return sorted(p.stem for p in (SHIPPED / "requests").glob("*.toml"))


def _words(wording: Wording, lang: str, problems: list[Problem]) -> dict[str, Any]:
    rel = f"bot/{lang}/requests.toml"
    if wording.locate(rel) is None:
        rel = "bot/en/requests.toml"
    table = wording.toml(rel, problems) or {}
    path = str(wording.locate(rel))
    for key in WORDS:
        if key not in table:
            problems.append(report(path, key, "requests.words_missing", key=key))
    return table


def _request(wording: Wording, name: str, languages: tuple[str, ...], problems: list[Problem]) -> RequestDef | None:
    path = wording.locate(f"requests/{name}.toml")
    assert path is not None
    # through the gate like every wording file: a pipe, a device or a link out of the site is refused unread
    source = gate.read_text(path, problems, root=wording.root)
    if source is None:
        return None
    try:
        raw = tomlparse.loads(source)
    except tomlparse.TooDeep as exc:  # nested past the parser's recursion: a RecursionError otherwise
        problems.append(report(str(path), f"line {exc.line}", "input.too_deep", limit=tomlparse.MAX_DEPTH))
        return None
    except tomllib.TOMLDecodeError as exc:
        problems.append(report(str(path), "TOML", "requests.toml_syntax", error=str(exc)))
        return None
    found = check_request(path, source, raw, languages)
    problems += found
    if any(p.severity == "error" for p in found):
        return None
    return request_of(name, path, raw, languages)


def _flows(table: Mapping[str, Any], offered: list[str], languages: tuple[str, ...], file: str,
           problems: list[Problem]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, value in (table or {}).items():
        where = f"bot.requests.flows.{name}"
        if name not in offered:
            problems.append(report(file, where, "requests.flow_unknown", name=name, known=", ".join(offered)))
            continue
        ids = {lang: value for lang in languages} if isinstance(value, str) else value
        if not isinstance(ids, Mapping) or not all(isinstance(v, str) and v.isdigit() and len(v) <= 30
                                                   for v in ids.values()):
            problems.append(report(file, where, "requests.flow_id", value=str(value)[:60]))
            continue
        out[name] = {str(lang): str(v) for lang, v in ids.items() if lang in languages}
    return out


def load_requests(settings: Any, wording: Wording) -> tuple[RequestSet, list[Problem]]:
    """The site's guided requests and every problem of them (an empty set when [bot.requests] is not there)."""
    bot = settings.data.get("bot")
    table = bot.get("requests") if bot else None
    if not table:
        return RequestSet(), []
    problems: list[Problem] = []
    file, languages = str(settings.path), tuple(settings.languages)
    names = list(table.offer)
    requests: list[RequestDef] = []
    for name in names:
        if wording.locate(f"requests/{name}.toml") is None:
            problems.append(report(file, "bot.requests.offer", "requests.file_missing", name=name,
                                   known=", ".join(shipped_requests())))
            continue
        request = _request(wording, name, languages, problems)
        if request is not None:
            requests.append(request)
    words = {lang: _words(wording, lang, problems) for lang in languages}
    flows = _flows(table.get("flows") or {}, names, languages, file, problems)
    purposes = [p.id for p in settings.data.purposes]
    purpose = table.get("purpose") or next((p.id for p in settings.data.purposes if p.required), "")
    if purpose not in purposes:
        problems.append(report(file, "bot.requests.purpose", "requests.purpose_unknown", value=purpose,
                               known=", ".join(purposes)))
    for request in requests:
        if any(s.type in MEDIA_TYPES for s in request.steps) and not table.get("key_env"):
            problems.append(report(file, "bot.requests.key_env", "requests.key_env_missing", name=request.name))
        problems += _flow_problems(request, words, flows, languages)
    if table.get("webhook_url") and not table.get("webhook_secret_env"):
        problems.append(report(file, "bot.requests.webhook_secret_env", "requests.secret_env_missing"))
    if requests and not bot.get("smtp") and not table.get("webhook_url"):
        problems.append(report(file, "bot.requests", "requests.nowhere", warning=True))
    result = RequestSet(tuple(requests), purpose, int(table.keep_days), str(table.get("key_env") or ""),
                        str(table.get("email") or ""), str(table.get("webhook_url") or ""),
                        str(table.get("webhook_secret_env") or ""), flows, words)
    return result, problems


def _flow_problems(request: RequestDef, words: Mapping[str, Mapping[str, Any]],
                   flows: Mapping[str, Mapping[str, str]], languages: tuple[str, ...]) -> list[Problem]:
    """Every language's Flow of the request validated against Flow JSON 7.3, whether it runs as one yet or not:
    switching a request to a Flow never brings a surprise."""
    out: list[Problem] = []
    for lang in languages:
        if not all(isinstance(words[lang].get(k), str) for k in ("flow_next", "flow_send", "flow_number_help",
                                                                   "flow_postcode_help")):
            continue  # reported as missing words
        if flows.get(request.name, {}).get(lang) and has_emoji(request.title[lang]):
            out.append(report(str(request.path), "title", "requests.flow_cta_emoji", title=request.title[lang]))
        for pointer, error in flow_errors(flow_json(request, lang, words[lang]))[:5]:
            out.append(report(str(request.path), "Flow JSON", "requests.flow_invalid", version=FLOW_JSON_VERSION,
                              lang=lang, pointer=pointer, error=error))
    return out


def flow_of(request: RequestDef, requests: RequestSet, lang: str) -> dict[str, Any]:
    """The Flow JSON of one request in one language (what `site-builder requests --flow` writes)."""
    return flow_json(request, lang, requests.words[lang])


__all__ = ["RequestSet", "WORDS", "flow_of", "load_requests", "shipped_requests"]
