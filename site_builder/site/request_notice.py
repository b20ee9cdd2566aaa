"""The privacy notice when a site offers guided requests: a section of its own, worded in
wording/records/<lang>/requests.toml and filled from the request definitions and settings (guided/describe.py),
put into the published privacy notice after the section on purposes (id art13-1c), so that the page, the
records' copy of it and the Art. 13 check all see it. The owner's privacy.md stays as written."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any, Mapping

from ..content import Text, markdown_to_html
from ..guided import RequestSet
from ..guided.describe import NOTICE_KEYS, recipients_and_files, request_values
from ..problems import Problem, report
from ..wording import Wording
from ..wording.wordfiles import fill

SECTION_ID = "requests"
_NEXT_H2 = re.compile(r"<h2\b")


def request_section(settings: Any, wording: Wording, requests: RequestSet, lang: str,
                    problems: list[Problem]) -> str:
    """The section as safe HTML ('' when the site offers no requests or the wording cannot be read)."""
    rel = f"records/{lang}/requests.toml"
    if wording.locate(rel) is None:
        rel = "records/en/requests.toml"
    words = wording.toml(rel, problems)
    if not requests or not words:
        return ""
    path = str(wording.locate(rel))
    missing = [key for key in NOTICE_KEYS if not isinstance(words.get(key), str)]
    if missing:
        problems += [report(path, key, "requests.words_missing", key=key) for key in missing]
        return ""

    def filled(text: str, values: Mapping[str, str]) -> str:
        return fill(str(text), values, path, 1, problems)

    values = recipients_and_files(words, request_values(settings, requests, lang), filled)
    heading = html.escape(filled(words["privacy_heading"], values))
    return f'<h2 id="{SECTION_ID}">{heading}</h2>\n' + markdown_to_html(filled(words["privacy"], values))


def with_request_section(texts: Mapping[str, Text], section: str) -> dict[str, Text]:
    """The texts with the section put into the privacy notice after its purposes (art13-1c), else at the end."""
    out = dict(texts)
    if not section:
        return out
    privacy = texts["privacy"]
    start = privacy.html.find('id="art13-1c"')
    following = _NEXT_H2.search(privacy.html, start + 1) if start >= 0 else None
    cut = following.start() if following else len(privacy.html)
    out["privacy"] = dataclasses.replace(privacy, html=privacy.html[:cut] + section + "\n" + privacy.html[cut:])
    return out
