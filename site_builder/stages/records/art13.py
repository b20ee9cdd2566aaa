"""`check`: every GDPR Art. 13 item is filled by the settings and the privacy notice; the records can be made.

Each item of Art. 13 is a `##` section of content/<lang>/privacy.md with a fixed id (`{: #art13-1a }`)
and the settings values that fill it. A missing section, an empty one, or one that leaves out a
value it must give is an error naming the item, its article and the key or section to set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ...config import Section, Settings
from ...formatting import display_phone
from ...messages import t
from ...problems import Problem, report
from ...site import SiteModel
from .html_blocks import html_sections
from .document import section_hrefs, section_text

# (settings key, value that must appear in the section); key "" for a fixed name
Needles = list[tuple[str, str]]


@dataclass(frozen=True)
class Item:
    """One Art. 13 item: where it lives in the privacy notice and which settings fill it; its article, name and
    keys are worded by the message catalogue (records.art13_<item>_*)."""

    id: str
    needles: Callable[[Settings, Any], Needles] = lambda settings, s: []

    def _words(self, part: str) -> str:
        # catalogue family: records.art13_* (the item's id names the entries: art13_1a_article, ..._name, ..._keys)
        return t(f"records.{self.id.replace('-', '_')}_{part}")

    @property
    def article(self) -> str:
        return self._words("article")

    @property
    def name(self) -> str:
        return self._words("name")

    @property
    def keys(self) -> str:
        """The settings that fill it, as the owner finds them in site.toml."""
        return self._words("keys")


def _controller(settings: Settings, s: Any) -> Needles:
    b = s.business
    return [("business.name", b.name), ("business.street", b.street), ("business.city", b.city),
            ("business.email", b.email), ("business.phone", display_phone(settings.phone_e164))]


def _dpo(settings: Settings, s: Any) -> Needles:
    # Without [dpo] the section must still be there, saying that none is appointed and whom to ask.
    return [("dpo.name", s.dpo.name), ("dpo.email", s.dpo.email)] if s.dpo else [("business.email", s.business.email)]


def _purposes(settings: Settings, s: Any) -> Needles:
    out: Needles = []
    for i, p in enumerate(s.purposes):
        out += [(f"purposes[{i}].description", p.description), (f"purposes[{i}].legal_basis", p.legal_basis)]
    return out


def _recipients(settings: Settings, s: Any) -> Needles:
    out: Needles = [("", "WhatsApp Ireland")]
    if s.site.hosting_provider:
        out.append(("site.hosting_provider", s.site.hosting_provider))
    return out


def _transfer(settings: Settings, s: Any) -> Needles:
    out: Needles = [("transfer.basis", s.transfer.basis)]
    if s.transfer.safeguards:
        out.append(("transfer.safeguards", s.transfer.safeguards))
    return out


ITEMS: tuple[Item, ...] = (
    Item("art13-1a", _controller),
    Item("art13-1b", _dpo),
    Item("art13-1c", _purposes),
    Item("art13-1d"),
    Item("art13-1e", _recipients),
    Item("art13-1f", _transfer),
    Item("art13-2a", lambda settings, s: [("retention.chat_months", str(s.retention.chat_months))]),
    Item("art13-2b"),
    Item("art13-2c"),
    Item("art13-2d", lambda settings, s: [("authority.name", s.authority.name),
                                          ("authority.address", s.authority.address)]),
    Item("art13-2e"),
    Item("art13-2f"),
)


def _squash(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _check_item(settings: Settings, s: Any, item: Item, section: Any, file: str,
                withdrawal_page: str) -> list[Problem]:
    fields = dict(article=item.article, name=item.name, item=item.id, keys=item.keys)
    text = section_text(section)
    if not text.strip():
        return [report(file, item.id, "records.art13_empty", **fields)]
    squashed = _squash(text)
    problems = []
    for key, value in item.needles(settings, s):
        if not str(value or "").strip():
            problems.append(report(str(settings.path), key, "records.art13_value_empty", **fields, key=key))
        elif _squash(value) not in squashed:
            problems.append(report(file, item.id, "records.art13_value_absent" if key else "records.art13_name_absent",
                                   **fields, key=key, value=value, excerpt=str(value)[:60]))
    if item.id == "art13-2c" and not any(h.split("#")[0].endswith(withdrawal_page) for h in section_hrefs(section)):
        problems.append(report(file, item.id, "records.art13_no_withdrawal_link", **fields, page=withdrawal_page))
    return problems


def check_privacy(settings: Settings, s: Section, lang: str, privacy_html: str,
                  withdrawal_page: str) -> list[Problem]:
    """The Art. 13 problems of one language's rendered privacy notice (s: the settings in that language)."""
    file = str(settings.root / "content" / lang / "privacy.md")
    _, sections = html_sections(privacy_html)
    by_id = {section.id: section for section in sections if section.id}
    problems: list[Problem] = []
    for item in ITEMS:
        section = by_id.get(item.id)
        if section is None:
            problems.append(report(file, item.id, "records.art13_missing", article=item.article, name=item.name,
                                   item=item.id, keys=item.keys))
        else:
            problems += _check_item(settings, s, item, section, file, withdrawal_page)
    return problems


def check_records_settings(settings: Settings) -> list[Problem]:
    """Warnings for records that can be made but will show an open item."""
    if settings.data.records.terms_accepted:
        return []
    return [report(str(settings.path), "records.terms_accepted", "records.terms_not_set", warning=True)]


def completeness_problems(site: SiteModel) -> list[Problem]:
    """Every Art. 13 item, in every language, and the records' settings."""
    problems: list[Problem] = []
    for lang, language in site.languages.items():
        problems += check_privacy(site.settings, language.values, lang, language.texts["privacy"].html,
                                  language.links["withdrawal"])
    return problems + check_records_settings(site.settings)
