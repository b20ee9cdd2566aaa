"""Load and validate site.toml into immutable Settings, reporting every problem at once."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import urlsplit

import phonenumbers

from .problems import Problem

# Languages the tool knows by name; a site may use any of them if it ships content/<lang>/.
LANGUAGE_NAMES = {
    "de": "Deutsch", "en": "English", "fr": "Français", "it": "Italiano", "es": "Español",
    "nl": "Nederlands", "pl": "Polski", "tr": "Türkçe", "uk": "Українська", "ru": "Русский",
    "ar": "العربية", "pt": "Português", "cs": "Čeština", "da": "Dansk", "el": "Ελληνικά",
    "hr": "Hrvatski", "ro": "Română", "sv": "Svenska", "hu": "Magyar", "bg": "Български",
}
PAPER_FORMATS = ("A4", "A5", "A6")
FILL_IN = re.compile(r"^<<.*>>$", re.S)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
SOURCE_CODE = re.compile(r"^[a-z0-9]{1,8}$")
MAX_OPTIONAL_PURPOSES = 4


class Localized(dict):
    """A text given per language: {"de": "...", "en": "..."}."""


# --- the schema: each option declared once, with its type, doc and checks ---------------------


@dataclass(frozen=True)
class Opt:
    """One settings key: its kind, whether it is required, its default and its doc."""

    kind: str  # str, int, float, bool, date, list, text (per language), table, tables
    doc: str = ""
    required: bool = True
    default: Any = None
    children: Mapping[str, "Opt"] | None = None
    check: Callable[[Any], tuple[str, str] | None] | None = None


def _https_url(value: str) -> tuple[str, str] | None:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc:
        return ("must be an absolute https:// address", 'write it like "https://www.example.de/whatsapp/"')
    if parts.query or parts.fragment:
        return ("must not contain ? or #", "give the folder address where output/site/ is uploaded")
    return None


def _email(value: str) -> tuple[str, str] | None:
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}", value):
        return (f"{value!r} is not an e-mail address", 'write it like "info@example.de"')
    return None


def _colour(value: str) -> tuple[str, str] | None:
    if not HEX_COLOUR.match(value):
        return (f"{value!r} is not a colour", 'write it as #rrggbb, e.g. "#8a4b0f"')
    return None


def _bleed(value: float) -> tuple[str, str] | None:
    if not 0 <= value <= 5:
        return (f"{value} mm is outside 0-5 mm", "ask your print shop; 3 mm is the usual bleed")
    return None


def _error_correction(value: str) -> tuple[str, str] | None:
    if value not in ("L", "M", "Q", "H"):
        return (f"{value!r} is not a QR error correction level", 'use "M" (default) or "H" with a logo')
    return None


def _formats(value: list) -> tuple[str, str] | None:
    bad = [v for v in value if v not in PAPER_FORMATS]
    if bad:
        return (f"unknown paper size {bad[0]!r}", f"use some of {', '.join(PAPER_FORMATS)}")
    return None


def _months(value: int) -> tuple[str, str] | None:
    if not 1 <= value <= 120:
        return (f"{value} months is not a sensible storage period", "give 1 to 120 months")
    return None


def _positive(value: float) -> tuple[str, str] | None:
    if value <= 0:
        return (f"{value} must be greater than 0", "give a positive number")
    return None


def _workdays(value: int) -> tuple[str, str] | None:
    if not 1 <= value <= 30:
        return (f"{value} days is not a sensible time limit", "give 1 to 30 working days; 2 is usual")
    return None


def _review_months(value: int) -> tuple[str, str] | None:
    if not 1 <= value <= 24:
        return (f"every {value} months is not a sensible review interval", "give 1 to 24 months; 12 is usual")
    return None


def _app_limit(value: int) -> tuple[str, str] | None:
    if not 1 <= value <= 4096:
        return (f"{value} is not a sensible length limit", "give the number of characters the app accepts")
    return None


S = Opt  # short alias for the table below
TEXT_DOC = 'a text, or one per language: { de = "...", en = "..." }'

SCHEMA: dict[str, Opt] = {
    "site": S("table", children={
        "base_url": S("str", "absolute https address where output/site/ is hosted", check=_https_url),
        "languages": S("list", "language codes, the default first", default=["de"]),
        "as_of": S("date", 'the "Stand" date of the texts and records, YYYY-MM-DD'),
        "title": S("text", "page title; defaults to the business name", required=False),
        "hosting_provider": S("str", "name and address of your web host", required=False),
    }),
    "business": S("table", children={
        "name": S("str", "full name as registered"),
        "short_name": S("str", "short name used in the WhatsApp message", required=False),
        "legal_form": S("str", "e.g. Einzelunternehmen, GmbH, e.K."),
        "representative": S("str", "owner or managing director(s)"),
        "street": S("str", "street and number (no PO box, § 5 DDG)"),
        "postal_code": S("str", "postal code"),
        "city": S("str", "city"),
        "country": S("str", "two-letter country code, also the default region for phone numbers", default="DE"),
        "state": S("str", "German Land, e.g. Bayern", required=False),
        "email": S("str", "e-mail address for customers", check=_email),
        "phone": S("str", 'phone for customers, e.g. "0123 456789" or "+49 123 456789"'),
        "opening_hours": S("text", "when the phone is answered", required=False),
        "register": S("str", "register court, e.g. Amtsgericht Musterstadt", required=False),
        "register_number": S("str", "e.g. HRB 12345", required=False),
        "vat_id": S("str", "VAT ID (USt-IdNr.)", required=False),
        "chamber": S("str", "e.g. Handwerkskammer Musterstadt", required=False),
        "professional_title": S("text", "e.g. Tischlermeister, awarded in Germany", required=False),
        "trade_register": S("str", "e.g. Handwerksrolle der Handwerkskammer", required=False),
        "supervisory_authority": S("str", "authority for licensed trades (§ 5 DDG)", required=False),
    }),
    "whatsapp": S("table", children={
        "number": S("str", "the WhatsApp Business number, e.g. 0170 1234567"),
    }),
    "purposes": S("tables", "one table per purpose; each gets its own unticked box", children={
        "id": S("str", "short id, e.g. service or marketing"),
        "required": S("bool", "true: needed to start the chat at all", default=False),
        "label": S("text", "what the box says"),
        "short": S("text", "a word or two for the WhatsApp message"),
        "description": S("text", "one sentence: what you do with it"),
        "legal_basis": S("text", "e.g. Art. 6 Abs. 1 lit. a DSGVO"),
    }),
    "channels": S("table", "where the QR codes are: name = short code put into the link",
                  required=False, default={"invoice": "r", "poster": "p"}),
    "retention": S("table", children={
        "chat_months": S("int", "months after the last contact before chats are deleted", check=_months),
        "note": S("text", "any other rule, e.g. invoices kept 10 years", required=False),
    }),
    "authority": S("table", children={
        "name": S("str", "data protection supervisory authority of your Land"),
        "address": S("str", "its postal address"),
        "url": S("str", "its website", check=_https_url),
    }),
    "dpo": S("table", "data protection officer, only if you have one", required=False, children={
        "name": S("str", "name"),
        "email": S("str", "e-mail", check=_email),
        "phone": S("str", "phone", required=False),
    }),
    "transfer": S("table", children={
        "basis": S("text", "legal basis of the transfer to the USA"),
        "safeguards": S("text", "fallback safeguards", required=False),
        "reviewed": S("date", "when you last checked the basis, YYYY-MM-DD"),
    }),
    "theme": S("table", required=False, default={}, children={
        "name": S("str", "theme folder", default="default"),
        "primary": S("str", "button colour, light mode (#rrggbb)", default="#8a4b0f", check=_colour),
        "primary_dark": S("str", "button colour, dark mode (#rrggbb)", default="#f4b26b", check=_colour),
        "logo": S("str", "logo file next to site.toml (SVG, PNG, JPEG or WebP)", required=False),
    }),
    "print": S("table", required=False, default={}, children={
        "formats": S("list", "poster sizes", default=list(PAPER_FORMATS), check=_formats),
        "bleed_mm": S("float", "bleed in mm (0-5)", default=3.0, check=_bleed),
        "crop_marks": S("bool", "also write posters with crop marks", default=False),
        "error_correction": S("str", "QR error correction L, M, Q or H", default="M", check=_error_correction),
        "qr_logo": S("bool", "put the logo into the centre of the code (needs H)", default=False),
        "scan_distance_cm": S("table", "how far people stand from each format",
                              default={"A4": 150, "A5": 100, "A6": 60, "invoice": 20}),
    }),
    "records": S("table", "internal records in output/records/ (never uploaded)", required=False, default={}, children={
        "terms_accepted": S("date", "the day you accepted WhatsApp's Business Terms with their data processing "
                                    "terms in the app, YYYY-MM-DD", required=False),
        "terms_url": S("str", "WhatsApp Business Terms of Service", check=_https_url,
                       default="https://www.whatsapp.com/legal/business-terms"),
        "processing_terms_url": S("str", "WhatsApp Business Data Processing Terms", check=_https_url,
                                  default="https://www.whatsapp.com/legal/business-data-processing-terms"),
        "security_terms_url": S("str", "WhatsApp Business Data Security Terms", check=_https_url,
                                default="https://www.whatsapp.com/legal/business-data-security-terms"),
        "transfer_addendum_url": S("str", "WhatsApp Business Data Transfer Addendum", check=_https_url,
                                   default="https://www.whatsapp.com/legal/business-data-transfer-addendum"),
        "terms_clauses": S("table", "where the data processing terms cover Art. 28(3)(a)-(h), once you checked",
                           required=False, children={
                               lit: S("str", f"clause covering Art. 28(3)({lit})", required=False) for lit in "abcdefgh"}),
        "withdrawal_handler": S("str", "who handles withdrawals (default: business.representative)", required=False),
        "withdrawal_deputy": S("str", "who stands in for them", required=False),
        "withdrawal_days": S("int", "working days within which a withdrawal is carried out", default=2,
                             check=_workdays),
        "review_months": S("int", "review the records every ... months", default=12, check=_review_months),
        "device": S("text", "the phone WhatsApp Business runs on, e.g. a business phone", required=False),
        "special_categories": S("bool", "true if customers regularly send health or other Art. 9 data",
                                default=False),
        "risks": S("tables", "your own further risks", required=False, default=[], children={
            "title": S("text", "the risk in a few words"),
            "description": S("text", "what could happen to the people concerned"),
            "assessment": S("text", "likelihood and severity, e.g. possible; severity low", required=False),
            "measures": S("text", "what you do about it, e.g. M3 or your own words", required=False),
        }),
        "measures": S("tables", "your own further measures", required=False, default=[], children={
            "title": S("text", "the measure in a few words"),
            "description": S("text", "how it is done, and by whom"),
        }),
        "app_limits": S("table", "length limits of the WhatsApp Business app, in characters", required=False,
                        default={}, children={
                            "greeting": S("int", "greeting message", default=500, check=_app_limit),
                            "away": S("int", "away message", default=500, check=_app_limit),
                            "quick_reply": S("int", "each quick reply", default=500, check=_app_limit),
                            "shortcut": S("int", "a quick-reply shortcut", default=25, check=_app_limit),
                            "profile_description": S("int", "business profile description", default=256,
                                                     check=_app_limit),
                            "website": S("int", "business profile website", default=256, check=_app_limit),
                        }),
        "app_texts": S("table", "your own wording for the app (placeholders: {business}, {landing_url}, "
                                "{privacy_url}, {withdrawal_url}, {phone}, {email}, {opening_hours}, {city})",
                       required=False, default={}, children={
                           key: S("text", f"your own {key.replace('_', ' ')} text", required=False)
                           for key in ("greeting", "away", "privacy", "withdrawal", "stop_confirmed",
                                       "marketing_stopped", "profile_description")}),
    }),
}


# --- immutable settings -----------------------------------------------------------------------


class Section(Mapping):
    """A read-only table with attribute access, for code and templates alike."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]):
        object.__setattr__(self, "_data", dict(data))

    def __getattr__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("settings are read-only")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Section({self._data!r})"


def _freeze(value: Any, lang: str | None = None) -> Any:
    if isinstance(value, Localized):
        return value[lang] if lang else MappingProxyType(dict(value))
    if isinstance(value, dict):
        return Section({k: _freeze(v, lang) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v, lang) for v in value)
    return value


@dataclass(frozen=True)
class Settings:
    """Validated settings; later stages trust them."""

    path: Path
    data: Section  # all tables; per-language texts as {lang: text}
    raw: Mapping[str, Any] = field(repr=False)  # the normalised dict, for per-language views
    whatsapp_e164: str
    whatsapp_digits: str
    phone_e164: str
    today: dt.date

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def languages(self) -> tuple[str, ...]:
        return self.data.site.languages

    @property
    def default_lang(self) -> str:
        return self.languages[0]

    @property
    def base_url(self) -> str:
        return self.data.site.base_url

    @property
    def logo_path(self) -> Path | None:
        logo = self.data.theme.get("logo")
        return (self.root / logo) if logo else None

    def __getattr__(self, key: str) -> Any:
        # settings.business, settings.purposes, ... read straight from the tables
        data = object.__getattribute__(self, "data")
        try:
            return data[key]
        except KeyError:
            raise AttributeError(key) from None

    def for_lang(self, lang: str) -> Section:
        """The settings with every per-language text resolved to `lang`."""
        return _freeze(self.raw, lang)


# --- loading and validation -------------------------------------------------------------------


def today() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


class _Checker:
    def __init__(self, file: str, languages: list[str]):
        self.file = file
        self.languages = languages
        self.problems: list[Problem] = []

    def error(self, where: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, where, what, fix))

    def warn(self, where: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, where, what, fix, "warning"))

    def table(self, raw: Any, schema: Mapping[str, Opt], prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in raw:
            if key not in schema:
                close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(schema)}"
                self.error(f"{prefix}{key}", "unknown key", hint)
        for key, opt in schema.items():
            where = f"{prefix}{key}"
            if key not in raw:
                if opt.required and opt.default is None:
                    self.error(where, "missing", f"add it: {opt.doc}" if opt.doc else "add it")
                elif opt.default is not None:
                    out[key] = self.value(_copy(opt.default), opt, where)
                else:
                    out[key] = None  # optional and absent: present as None so templates can test it
                continue
            out[key] = self.value(raw[key], opt, where)
        return out

    def value(self, value: Any, opt: Opt, where: str) -> Any:
        if isinstance(value, str) and FILL_IN.match(value.strip()):
            self.error(where, f"not filled in yet: {value.strip()}", f"replace it with {opt.doc or 'your value'}")
            return None
        kind = opt.kind
        if kind == "table":
            if not isinstance(value, dict):
                self.error(where, f"must be a table, not {_type_name(value)}", f"write it as [{where}] with keys below it")
                return None
            if opt.children is None:
                return dict(value)
            return self.table(value, opt.children, where + ".")
        if kind == "tables":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                self.error(where, "must be a list of tables", f"write each one as [[{where}]]")
                return None
            return [self.table(v, opt.children or {}, f"{where}[{i}].") for i, v in enumerate(value)]
        if kind == "text":
            return self.text(value, opt, where)
        expected = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list,
                    "date": dt.date}[kind]
        if isinstance(value, bool) and kind in ("int", "float") or not isinstance(value, expected) \
                or (kind == "date" and isinstance(value, dt.datetime)):
            example = {"str": '"text in quotes"', "int": "a whole number like 6", "float": "a number like 3",
                       "bool": "true or false", "list": '["a", "b"]', "date": "2026-01-31 (no quotes)"}[kind]
            self.error(where, f"must be {_kind_name(kind)}, not {_type_name(value)}", f"write it as {example}")
            return None
        if kind == "str":
            value = value.strip()
            if not value:
                if opt.required:
                    self.error(where, "is empty", f"fill in {opt.doc}" if opt.doc else "fill it in")
                    return None
                return None
        if kind == "float":
            value = float(value)
        if opt.check and (problem := opt.check(value)):
            self.error(where, *problem)
            return None
        return value

    def text(self, value: Any, opt: Opt, where: str) -> Localized | None:
        if isinstance(value, str):
            if not value.strip():
                self.error(where, "is empty", f"fill in {opt.doc}")
                return None
            return Localized({lang: value.strip() for lang in self.languages})
        if not isinstance(value, dict):
            self.error(where, f"must be text, not {_type_name(value)}", f"write {TEXT_DOC}")
            return None
        out = Localized()
        for lang, text in value.items():
            if lang not in self.languages:
                self.warn(f"{where}.{lang}", f"language {lang!r} is not in site.languages", "add it there or remove this text")
            elif not isinstance(text, str) or not text.strip():
                self.error(f"{where}.{lang}", "is empty or not text", 'write it in "quotes"')
            elif FILL_IN.match(text.strip()):
                self.error(f"{where}.{lang}", f"not filled in yet: {text.strip()}", f"replace it with {opt.doc}")
            else:
                out[lang] = text.strip()
        for lang in self.languages:
            if lang not in value:
                self.error(f"{where}.{lang}", f"text for language {lang!r} is missing", f"add {lang} = \"...\"")
        return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return list(value)
    return value


def _kind_name(kind: str) -> str:
    return {"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
            "list": "a list", "date": "a date", "table": "a table"}.get(kind, kind)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dt.datetime):
        return "a date with time"
    return {str: "text", int: "a whole number", float: "a number", list: "a list", dict: "a table",
            dt.date: "a date", dt.time: "a time"}.get(type(value), type(value).__name__)


def _toml_error(file: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    where = f"line {match.group(1)}, column {match.group(2)}" if match else "end of file"
    return Problem(file, where, f"TOML syntax error: {what[:1].lower() + what[1:]}",
                   'check quotes, brackets and "=" there; text needs "quotes", dates look like 2026-01-31')


def _phone(checker: _Checker, where: str, number: Any, region: str) -> str | None:
    if not isinstance(number, str) or not number:
        return None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        checker.error(where, f"{number!r} is not a valid phone number",
                      'write it with area code, e.g. "0170 1234567", or international, e.g. "+49 170 1234567"')
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def load_settings(path: Path, *, now: dt.date | None = None) -> tuple[Settings | None, list[Problem]]:
    """Read and validate site.toml; return the settings (None on errors) and all problems."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(file, "file", "not found", "run `site-builder init` to create one, or pass -c PATH")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(file, "file", f"cannot be read ({exc.__class__.__name__})", "save it as UTF-8 text")]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [_toml_error(file, exc)]
    return validate(raw, path, now=now)


def validate(raw: dict[str, Any], path: Path, *, now: dt.date | None = None) -> tuple[Settings | None, list[Problem]]:
    """Validate parsed TOML against the schema and the rules that span keys."""
    file = str(path)
    languages = _languages(raw)
    checker = _Checker(file, languages)
    data = checker.table(raw, SCHEMA, "")
    now = now or today()

    # cross-key rules
    site = data.get("site") or {}
    langs = site.get("languages")
    if isinstance(langs, list):
        if not langs:
            checker.error("site.languages", "is empty", 'list at least one, e.g. ["de", "en"]')
        for i, lang in enumerate(langs):
            if lang not in LANGUAGE_NAMES:
                checker.error(f"site.languages[{i}]", f"unknown language {lang!r}",
                              f"use a two-letter code such as {', '.join(list(LANGUAGE_NAMES)[:6])}")
            elif not (path.parent / "content" / lang).is_dir():
                checker.error(f"site.languages[{i}]", f"no texts for {lang!r}: content/{lang}/ is missing",
                              f"copy content/de/ to content/{lang}/ and translate it, or remove {lang!r}")
        if len(set(langs)) != len(langs):
            checker.error("site.languages", "lists a language twice", "list each once")
    if isinstance(site.get("base_url"), str) and not site["base_url"].endswith("/"):
        site["base_url"] += "/"

    business = data.get("business") or {}
    region = (business.get("country") or "DE").upper()
    phone_e164 = _phone(checker, "business.phone", business.get("phone"), region)
    wa = data.get("whatsapp") or {}
    wa_e164 = _phone(checker, "whatsapp.number", wa.get("number"), region)

    purposes = data.get("purposes")
    if isinstance(purposes, list):
        _check_purposes(checker, purposes)

    channels = data.get("channels")
    if isinstance(channels, dict):
        for name, code in channels.items():
            if not SLUG.match(str(name)):
                checker.error(f"channels.{name}", "channel names are lower-case words", 'e.g. invoice = "r"')
            if not isinstance(code, str) or not SOURCE_CODE.match(code):
                checker.error(f"channels.{name}", f"{code!r} is not a short code", "use 1-8 lower-case letters or digits")
        codes = [c for c in channels.values() if isinstance(c, str)]
        if len(set(codes)) != len(codes):
            checker.error("channels", "two channels share a code", "give each channel its own code")

    theme = data.get("theme") or {}
    if theme.get("logo"):
        _check_logo(checker, path.parent / theme["logo"], theme["logo"])
    if isinstance(theme.get("primary"), str) and HEX_COLOUR.match(theme["primary"]):
        ratio = contrast(theme["primary"], "#ffffff")
        if ratio < 4.5:
            checker.error("theme.primary", f"white button text on {theme['primary']} has contrast {ratio:.1f}:1",
                          "choose a darker colour (WCAG AA needs 4.5:1)")
    if isinstance(theme.get("primary_dark"), str) and HEX_COLOUR.match(theme["primary_dark"]):
        ratio = contrast(theme["primary_dark"], "#111111")
        if ratio < 4.5:
            checker.error("theme.primary_dark", f"dark button text on {theme['primary_dark']} has contrast {ratio:.1f}:1",
                          "choose a lighter colour (WCAG AA needs 4.5:1)")

    transfer = data.get("transfer") or {}
    reviewed = transfer.get("reviewed")
    if isinstance(reviewed, dt.date) and (now - reviewed).days > 365:
        checker.warn("transfer.reviewed", f"last reviewed {reviewed.isoformat()}, more than a year ago",
                     "check the status of the EU-US Data Privacy Framework and update the date")

    scan = (data.get("print") or {}).get("scan_distance_cm")
    if isinstance(scan, dict):
        for key, value in scan.items():
            if key not in (*PAPER_FORMATS, "invoice"):
                checker.error(f"print.scan_distance_cm.{key}", "unknown format", f"use {', '.join(PAPER_FORMATS)} or invoice")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                checker.error(f"print.scan_distance_cm.{key}", "must be a positive number of centimetres", "e.g. 100")

    if any(p.severity == "error" for p in checker.problems):
        return None, checker.problems
    settings = Settings(
        path=path, data=_freeze(data), raw=data, whatsapp_e164=wa_e164 or "",
        whatsapp_digits=(wa_e164 or "").lstrip("+"), phone_e164=phone_e164 or "", today=now,
    )
    return settings, checker.problems


def _languages(raw: dict[str, Any]) -> list[str]:
    site = raw.get("site")
    langs = site.get("languages") if isinstance(site, dict) else None
    if isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs):
        return list(langs)
    return ["de"]


def _check_purposes(checker: _Checker, purposes: list[dict[str, Any]]) -> None:
    if not purposes:
        checker.error("purposes", "no purpose is configured", "add a [[purposes]] table with id = \"service\"")
        return
    ids = [p.get("id") for p in purposes]
    for i, pid in enumerate(ids):
        if isinstance(pid, str) and not SLUG.match(pid):
            checker.error(f"purposes[{i}].id", f"{pid!r} is not a short id", "use lower-case letters, e.g. service")
        if pid is not None and ids.count(pid) > 1:
            checker.error(f"purposes[{i}].id", f"{pid!r} is used twice", "give each purpose its own id")
    if not any(p.get("required") for p in purposes):
        checker.error("purposes", "no purpose has required = true",
                      "mark the purpose needed for contact at all (e.g. service) with required = true")
    for i, p in enumerate(purposes):
        if p.get("id") == "marketing" and p.get("required"):
            checker.error(f"purposes[{i}].required", "advertising cannot be a condition for contact",
                          "set required = false: advertising needs its own, voluntary consent (UWG § 7)")
    optional = [p for p in purposes if not p.get("required")]
    if len(optional) > MAX_OPTIONAL_PURPOSES:
        checker.error("purposes", f"{len(optional)} optional purposes are too many",
                      f"offer at most {MAX_OPTIONAL_PURPOSES}; customers decide faster with fewer boxes")


def _check_logo(checker: _Checker, logo: Path, name: str) -> None:
    if not logo.is_file():
        checker.error("theme.logo", f"file {name!r} not found", "put the logo next to site.toml or fix the name")
        return
    head = logo.read_bytes()[:512]
    is_raster = head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff") or \
        (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    is_svg = logo.suffix.lower() == ".svg" and b"<svg" in logo.read_bytes()[:4096]
    if not (is_raster or is_svg):
        checker.error("theme.logo", f"{name!r} is not an image", "use an SVG, PNG, JPEG or WebP file")
    elif logo.stat().st_size > 20_000:
        checker.warn("theme.logo", f"{name!r} is {logo.stat().st_size // 1024} KB",
                     "shrink it below 20 KB so the page loads in one round trip")


def _channel(rgb: str) -> list[float]:
    values = [int(rgb[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = (0.2126 * r + 0.7152 * g + 0.0722 * bl for r, g, bl in (_channel(a), _channel(b)))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)
