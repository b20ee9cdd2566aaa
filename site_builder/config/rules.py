"""Rules that span keys, each checked once, after the schema walk (which checked kinds and single values)."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import warnings
from pathlib import Path
from typing import Any, Callable

from PIL import Image

from .checker import Checker, key_name
from .checks import HEX_COLOUR, PAPER_FORMATS
from .fonts import printable
from .. import gate
from ..facts import authorities, authority_for
from ..facts import transfer as transfer_facts
from ..graphics.icons import ICONS
from ..graphics.photo import MAX_BYTES as PHOTO_MAX_BYTES
from ..graphics.photo import MIN_WIDTH, PhotoError, read_header
from ..presets import front_matter, unchanged
from ..problems import report
from .settings import LANGUAGE_NAMES, Localized

SLUG = re.compile(r"[a-z][a-z0-9_-]{0,31}")  # with fullmatch
# Purpose ids go into the register's cells: a spreadsheet reads these as a truth value (Excel and LibreOffice
# in English and German) or as a date ("mar-3", "jan26": a month and a number), not as the text written.
_SPREADSHEET_WORDS = re.compile(r"true|false|wahr|falsch|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
                                r"mär|mai|okt|dez)[a-z]*[-_ ]?\d+")
SOURCE_CODE = re.compile(r"[a-z0-9]{1,8}")  # used with fullmatch: "p\n" is no code
MAX_OPTIONAL_PURPOSES = 4
LOGO_WARN_BYTES = 20_000  # one round trip of a phone's first page load
LOGO_MAX_BYTES = gate.MAX_LOGO_BYTES
LOGO_MAX_PIXELS = 4096 * 4096  # larger logos take minutes and gigabytes to place on posters

Rule = Callable[[Checker, dict[str, Any], Path, dt.date], None]


def languages(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    langs = (data.get("site") or {}).get("languages")
    if not isinstance(langs, list):
        return
    if not langs:
        checker.error("site.languages", "config.languages_empty")
    for i, lang in enumerate(langs):
        if not isinstance(lang, str) or lang not in LANGUAGE_NAMES:
            checker.error(f"site.languages[{i}]", "config.language_unknown", lang=lang,
                          known=", ".join(list(LANGUAGE_NAMES)[:6]))
        elif not (path.parent / "content" / lang).is_dir():
            checker.error(f"site.languages[{i}]", "config.language_without_texts", lang=lang)
    if len(set(map(str, langs))) != len(langs):
        checker.error("site.languages", "config.language_twice")


def base_url(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    site = data.get("site") or {}
    if isinstance(site.get("base_url"), str) and not site["base_url"].endswith("/"):
        site["base_url"] += "/"  # pages link relative to the folder


def purposes(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    items = data.get("purposes")
    if not isinstance(items, list):
        return
    if not items:
        checker.error("purposes", "config.purposes_none")
        return
    ids = [p.get("id") for p in items]
    for i, pid in enumerate(ids):
        if isinstance(pid, str) and not SLUG.fullmatch(pid):
            checker.error(f"purposes[{i}].id", "config.purpose_id", value=pid)
        elif isinstance(pid, str) and _SPREADSHEET_WORDS.fullmatch(pid):
            checker.error(f"purposes[{i}].id", "config.purpose_id_spreadsheet", value=pid)
        if pid is not None and ids.count(pid) > 1:
            checker.error(f"purposes[{i}].id", "config.purpose_twice", value=pid)
    if not any(p.get("required") for p in items):
        checker.error("purposes", "config.purposes_no_required")
    for i, p in enumerate(items):
        if p.get("id") == "marketing" and p.get("required"):
            checker.error(f"purposes[{i}].required", "config.marketing_required")
    optional = [p for p in items if not p.get("required")]
    if len(optional) > MAX_OPTIONAL_PURPOSES:
        checker.error("purposes", "config.purposes_too_many", count=len(optional), limit=MAX_OPTIONAL_PURPOSES)


def dpia_required(data: Any) -> bool:
    """Whether the settings make a full DPIA the rule: health or other Art. 9 data, or children who consent with a
    parent (WP 248 rev.01: sensitive data, vulnerable data subjects, each with the "partly" met criterion of Meta's
    own use of metadata makes two; the risk assessment shows the count). A DPIA makes a data protection officer
    mandatory whatever the staff count (§ 38 Abs. 1 S. 2 BDSG; legal research notes § 5.6, checked 2026-12-07)."""
    records = (data.get("records") if hasattr(data, "get") else None) or {}
    return bool(records.get("special_categories")) or records.get("minors") == "parental_consent"


def special_categories(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """Health or other Art. 9 data need explicit consent in a box of their own (Art. 9(2)(a) GDPR; EDPB Guidelines
    05/2020 paras. 93-94): records.special_categories and a purpose with special_category say the same, that
    purpose is never required, and its legal basis names Art. 9."""
    items = data.get("purposes") if isinstance(data.get("purposes"), list) else []
    records = data.get("records") or {}
    special = [i for i, p in enumerate(items) if isinstance(p, dict) and p.get("special_category")]
    if records.get("special_categories") and not special:
        checker.error("records.special_categories", "config.special_without_purpose")
    for i in special:
        p = items[i]
        if not records.get("special_categories"):
            checker.error(f"purposes[{i}].special_category", "config.special_flag_off")
        if p.get("required"):
            checker.error(f"purposes[{i}].required", "config.special_required")
        basis = p.get("legal_basis")
        for lang, text in (basis.items() if isinstance(basis, dict) else ()):
            if isinstance(text, str) and "9" not in re.findall(r"Art\.\s*(\d+)", text):
                checker.error(f"purposes[{i}].legal_basis.{lang}", "config.special_basis")


def dpo_required(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """A DPIA makes a data protection officer mandatory (§ 38 Abs. 1 S. 2 BDSG): the privacy notice must name one."""
    if dpia_required(data) and not data.get("dpo") and "records" in data:
        reason = "special_categories" if (data.get("records") or {}).get("special_categories") else "minors"
        checker.error("dpo", "config.dpo_required", reason=f"records.{reason}")


def obsolete(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """Keys the owner no longer fills: said once, so that an older site.toml keeps building."""
    if (data.get("records") or {}).get("terms_clauses"):
        checker.warn("records.terms_clauses", "config.terms_clauses_obsolete")


def bot_host(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """With [bot], the bot's server is a processor the privacy notice and the records name (Art. 13(1)(e), 30(1)(d)
    GDPR): [bot] hosting_provider names it (the bot's own settings check the rest of the table)."""
    bot = data.get("bot")
    if isinstance(bot, dict):
        host = bot.get("hosting_provider")
        if not isinstance(host, str) or not host.strip() or host.strip().startswith("<<"):
            checker.error("bot.hosting_provider", "config.bot_host_missing")


def channels(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    table = data.get("channels")
    if not isinstance(table, dict):
        return
    for name, code in table.items():
        if not SLUG.fullmatch(str(name)):
            checker.error(f"channels.{key_name(name)}", "config.channel_name")
        if not isinstance(code, str) or not SOURCE_CODE.fullmatch(code):
            checker.error(f"channels.{key_name(name)}", "config.channel_code", value=code)
    codes = [c for c in table.values() if isinstance(c, str)]
    if len(set(codes)) != len(codes):
        checker.error("channels", "config.channel_code_twice")


def colours(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    theme = data.get("theme") or {}
    for key, text, rule in (("primary", "#ffffff", "config.contrast_light"), ("primary_dark", "#111111",
                                                                             "config.contrast_dark")):
        value = theme.get(key)
        if isinstance(value, str) and HEX_COLOUR.fullmatch(value) and (ratio := contrast(value, text)) < 4.5:
            checker.error(f"theme.{key}", rule, colour=value, ratio=f"{ratio:.1f}")


# A file the settings name: relative to the folder of site.toml, no "..", no absolute path, no drive or
# backslash (a Windows path), no control characters. The gate then checks where it really lies (links).
_PATH_SEGMENT = re.compile(r"[^\x00-\x1f\x7f/\\:*?\"<>|]+")
# A theme is a folder below themes/ (the site's own, or a shipped one): a plain name.
THEME_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def plain_path(value: str) -> bool:
    """Whether `value` names a file inside the site's folder by a plain relative path ("bilder/logo.png")."""
    parts = value.split("/")
    return len(value) <= 300 and all(_PATH_SEGMENT.fullmatch(p) and p not in (".", "..") for p in parts)


def theme_name(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    name = (data.get("theme") or {}).get("name")
    if isinstance(name, str) and not THEME_NAME.fullmatch(name):
        checker.error("theme.name", "input.theme_not_plain", value=repr(name))


def logo(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    name = (data.get("theme") or {}).get("logo")
    if not name or not isinstance(name, str):
        return
    if not plain_path(name):
        checker.error("theme.logo", "input.path_not_plain", value=repr(name))
        return
    file = path.parent / name
    try:
        image = gate.read_or_refuse(file, root=path.parent, limit=LOGO_MAX_BYTES)
    except gate.Refused as refused:
        if not os.path.lexists(file):
            checker.error("theme.logo", "config.logo_not_found", name=name)
        elif refused.key == "input.too_big":
            checker.error("theme.logo", "config.logo_too_big", name=name, size=os.path.getsize(file) // 1_000_000,
                          limit=LOGO_MAX_BYTES // 1_000_000)
        else:
            checker.problems.append(refused.problem)
        return
    head = image[:4096]
    raster = head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    if not (raster or file.suffix.lower() == ".svg" and b"<svg" in head):
        checker.error("theme.logo", "config.logo_not_image", name=name)
        return
    if raster and (pixels := _pixels(image)) is not None and (pixels <= 0 or pixels > LOGO_MAX_PIXELS):
        checker.error("theme.logo", "config.logo_too_many_pixels", name=name, side=math.isqrt(LOGO_MAX_PIXELS))
    elif len(image) > LOGO_WARN_BYTES:
        checker.warn("theme.logo", "config.logo_large", name=name, size=len(image) // 1024)


def look(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """The header's icon is a shipped one; the photo is an image this build can read safely, with its alt text."""

    theme = data.get("theme") or {}
    icon = theme.get("icon")
    if isinstance(icon, str) and icon and icon not in ICONS:
        checker.error("theme.icon", "config.icon_unknown", value=icon, known=", ".join(ICONS))
    name = theme.get("photo")
    if not isinstance(name, str) or not name:
        return
    if not plain_path(name):
        checker.error("theme.photo", "input.path_not_plain", value=repr(name))
        return
    file = path.parent / name
    if not os.path.lexists(file):
        checker.error("theme.photo", "config.photo_not_found", name=name)
        return
    try:  # inside the site, a regular file, not too big: the gate's rules; the header is read below
        os.close(gate.open_checked(file, root=path.parent, limit=PHOTO_MAX_BYTES, file=name)[0])
    except gate.Refused as refused:
        if refused.key == "input.too_big":
            checker.error("theme.photo", "config.photo_too_big", name=name, size=os.path.getsize(file) // 1_000_000,
                          limit=PHOTO_MAX_BYTES // 1_000_000)
        else:
            checker.problems.append(refused.problem)
        return
    header = read_header(file)
    if isinstance(header, PhotoError):
        checker.error("theme.photo", header.message, name=name, **dict(header.fields))
        return
    if not theme.get("photo_alt"):
        checker.error("theme.photo_alt", "config.photo_alt_missing", name=name)
    if header.width < MIN_WIDTH:
        checker.warn("theme.photo", "config.photo_small", name=name, width=header.width, wanted=MIN_WIDTH * 2)


def _pixels(image: bytes) -> int | None:
    """Width x height from the image header (Pillow reads only the header here); -1 if it cannot be read."""

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(image)) as opened:
                width, height = opened.size
    except Image.DecompressionBombError:
        return LOGO_MAX_PIXELS + 1
    except (OSError, SyntaxError, ValueError):
        return -1
    return width * height


def authority(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """The data protection authority follows from business.state (facts the project keeps) unless set.

    Keys given in [authority] win one by one, so an owner can correct a single fact; the result is stored
    under `authority` so that templates keep reading {{ authority.name }}, .address and .url.
    """

    own = {k: v for k, v in (data.get("authority") or {}).items() if v}
    if any(p.where.startswith("authority.") for p in checker.problems):
        return  # the owner's own authority has a mistake, reported already: no second message about the Land
    if all(own.get(k) for k in ("name", "address", "url")):
        data["authority"] = {"po_box": None, "breach_url": None, **own}
        return
    state = (data.get("business") or {}).get("state")
    if not isinstance(state, str) or not state:
        reported = any(p.where == "business.state" for p in checker.problems)  # e.g. a <<marker>> left
        if "business" in data and not reported:  # a missing [business] is reported already
            checker.error("business.state", "config.state_missing")
        return
    found = authority_for(state)
    if found is None:
        checker.error("business.state", "config.state_unknown", value=state,
                      known=", ".join(a.land for a in authorities()))
        return
    # the street address for people, the PO box for letters where there is one (the lost-phone plan, BayLDA:
    # Postfach 1349, 91504 Ansbach); the online breach form where one was found (Art. 33, facts checked 2026-12-07)
    data["authority"] = {"name": found.name, "address": found.postal_address, "url": found.url,
                         "short": found.short, "complaint_url": found.complaint_url, "checked": found.checked,
                         "po_box": found.po_box if found.po_box != found.postal_address else None,
                         "breach_url": found.breach_url, "source": "facts", **own}


def transfer(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """The legal basis of the US transfer follows from the facts the project keeps unless `basis` is set."""
    table = data.get("transfer")
    if not isinstance(table, dict):
        return

    shipped = transfer_facts()
    langs = checker.languages or ["de"]

    def localized(key: str) -> Localized:
        # German for German, English for every other language (the facts are kept in these two)
        return Localized({lang: shipped.text(key, "de" if lang == "de" else "en").rstrip(".") for lang in langs})

    if not table.get("basis"):
        table["basis"] = localized("basis")
        table["basis_source"] = "facts"
    table.setdefault("recipients", localized("recipients"))
    table.setdefault("reservation", localized("reservation"))
    table.setdefault("facts_checked", shipped.checked)


def preset_wording(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    """A site made by `init` (site.preset set) is warned while a preset's or the example's text is unchanged."""
    preset = (data.get("site") or {}).get("preset")
    if not preset:
        return  # the example site and sites written by hand: their wording is their own

    index: dict[str, dict[str, Any]] = {}
    for lang in checker.languages or ():
        file = path.parent / "content" / lang / "index.md"
        text = gate.read_text(file, [], root=path.parent)
        if text is None:
            continue  # the content stage reports an unreadable page
        try:
            index[f"content/{lang}/index.md"] = front_matter(text)
        except ValueError:  # TOMLDecodeError, TooDeep
            continue  # the content stage reports it
    for file, where, keys, origin in unchanged(data.get("purposes"), index, preset):
        problem = report(str(path) if file == "site.toml" else str(path.parent / file), where,
                         "config.preset_wording", warning=True, keys=", ".join(keys), preset=origin)
        checker.problems.append(problem)


def scan_distances(checker: Checker, data: dict[str, Any], path: Path, now: dt.date) -> None:
    # a print rule; the print helper moves it next to the posters' own checks
    scan = (data.get("print") or {}).get("scan_distance_cm")
    if not isinstance(scan, dict):
        return
    for key, value in scan.items():
        where = f"print.scan_distance_cm.{key_name(key)}"
        if key not in (*PAPER_FORMATS, "invoice"):
            checker.error(where, "config.scan_format", known=", ".join(PAPER_FORMATS))
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 10_000:
            checker.error(where, "config.scan_distance", value=value)


RULES: tuple[Rule, ...] = (languages, base_url, purposes, special_categories, dpo_required, obsolete, bot_host,
                           channels, colours, theme_name, logo, look, authority, transfer, preset_wording,
                           scan_distances, printable)


def _channel(rgb: str) -> list[float]:
    values = [int(rgb[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = (0.2126 * r + 0.7152 * g + 0.0722 * bl for r, g, bl in (_channel(a), _channel(b)))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)
