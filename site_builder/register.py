"""Consent register: find consents, opt-outs and withdrawals in WhatsApp chat exports and list them as CSV."""

from __future__ import annotations

import csv
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from typing import Iterable, TextIO

# The customer proves consent by sending the message the landing page prefilled, so the
# register is built from chat exports (Android/iOS, German/English, .txt or .zip).
#
# Row design (see `classify`):
# - every consent message gives one `consent` row; its `purposes` column lists the purpose ids
#   found in the message (e.g. `service;marketing`).
# - a consent message that includes the marketing purpose gives a SECOND row, event
#   `marketing_opt_in` (purposes `marketing`, same file/line), so that filtering the `event`
#   column for `marketing_opt_in`/`marketing_opt_out`/`withdrawal` gives the complete
#   marketing history of each sender; the latest of these rows decides.
# - `withdrawal` rows withdraw every purpose (purposes column empty = all purposes);
#   `marketing_opt_out` rows carry purposes `marketing`.
# - messages sent by the business itself are never counted: only a message the customer sent
#   proves the customer's consent (the business may have pasted the text as an example).
# - a message that matches a withdrawal or opt-out AND carries a consent token is read as the
#   withdrawal/opt-out only: when in doubt, the more restrictive reading wins.
# - the same chat exported twice (a March export and a later one holding March again, a .zip and
#   the .txt inside it) gives each row once: see `drop_repeated_rows`. The chat is named after the
#   export's file name, the only place WhatsApp writes it; copy marks such as " (1)" are dropped.

MARKETING_PURPOSE = "marketing"

CSV_COLUMNS = (
    "chat", "sender", "date", "time", "event", "consent_id", "source", "purposes",
    "version_status", "lang", "file", "line",
)

EVENT_CONSENT = "consent"
EVENT_MARKETING_OPT_IN = "marketing_opt_in"
EVENT_WITHDRAWAL = "withdrawal"
EVENT_MARKETING_OPT_OUT = "marketing_opt_out"


@dataclass(frozen=True)
class LanguageTemplates:
    """The prefilled message texts of one language (Python format strings)."""

    lang: str
    consent: str  # fields {business}, {purposes}, {version}
    withdrawal: str  # field {business}
    marketing_optout: str  # field {business}
    purpose_labels: dict[str, str]  # purpose id -> short label


@dataclass(frozen=True)
class KnownVersion:
    """A consent text version that was published at some time."""

    id: str
    lang: str
    date: str  # ISO date first published


DEFAULT_TEMPLATES: list[LanguageTemplates] = [
    LanguageTemplates(
        lang="de",
        consent="Hallo {business}, ich willige in WhatsApp-Kontakt ein für: {purposes}. (Einwilligung {version})",
        withdrawal="Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit {business}. STOP",
        marketing_optout="Bitte keine Werbung mehr per WhatsApp von {business}. STOP Werbung",
        purpose_labels={"service": "Anfragen & Aufträge", "marketing": "Angebote & Neuigkeiten"},
    ),
    LanguageTemplates(
        lang="en",
        consent="Hello {business}, I consent to WhatsApp contact for: {purposes}. (consent {version})",
        withdrawal="I withdraw my consent to WhatsApp contact with {business}. STOP",
        marketing_optout="Please no more marketing on WhatsApp from {business}. STOP marketing",
        purpose_labels={"service": "Enquiries & orders", "marketing": "Offers & news"},
    ),
]


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat export, continuation lines joined with newlines."""

    chat: str
    sender: str | None  # None for system lines without a sender (Android)
    date: str  # ISO YYYY-MM-DD
    time: str  # HH:MM or HH:MM:SS
    text: str
    file: str
    line: int  # 1-based line of the message header in the .txt
    is_system: bool = False


@dataclass(frozen=True)
class ReadProblem:
    """A line or file that could not be read as chat messages."""

    file: str
    line: int | None
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{prefix}{self.file}: {where}: {self.message}"


@dataclass(frozen=True)
class RegisterRow:
    """One row of the consent register (the CSV columns, in order)."""

    chat: str
    sender: str
    date: str
    time: str
    event: str
    consent_id: str = ""
    source: str = ""
    purposes: str = ""  # purpose ids joined with ";"; empty on withdrawal = all purposes
    version_status: str = ""
    lang: str = ""
    file: str = ""
    line: int = 0

    def as_dict(self) -> dict[str, str]:
        """The row as CSV column -> text."""
        return {name: str(getattr(self, name)) for name in CSV_COLUMNS}


# --- text normalisation -------------------------------------------------------------------

# Real exports carry direction marks around names, numbers and system texts; they are invisible
# but break matching, so they are removed. Narrow/no-break spaces (before AM/PM, in numbers) become spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u200b"))
_SPACES = {ord(c): " " for c in "\u00a0\u202f\u2007\u2009"}


def _clean(text: str) -> str:
    """Drop invisible direction marks and turn special spaces into plain spaces."""
    return text.translate(_INVISIBLE).translate(_SPACES)


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "\u2010": "-", "\u2011": "-",
                       "\u2013": "-", "\u2014": "-", "’": "'"})


def _fold(text: str) -> str:
    """Casefold, spell out umlauts and collapse whitespace, so edited drafts still match."""
    return " ".join(_clean(text).casefold().translate(_FOLD).split())


fold_text = _fold  # the bot matches keyword answers the way consents are matched


def _literal_pattern(literal: str, spellings: dict[str, str] | None = None) -> str:
    """Regex for a template fragment: case/umlaut folded, any whitespace, optional hyphens.

    `spellings` maps a folded word to the regex of the ways customers spell it."""
    parts = []
    for token in re.split(r"(\s+|-)", _fold(literal)):
        if not token:
            continue
        if token.isspace():
            parts.append(r"\s+")
        elif token == "-":
            # customers type "WhatsApp Kontakt" or "WhatsAppKontakt" as often as the hyphen
            parts.append(r"[\s-]*")
        elif spellings and token in spellings:
            parts.append(spellings[token])
        else:
            parts.append(re.escape(token))
    return "".join(parts)


# --- recogniser ---------------------------------------------------------------------------

_FIELD = re.compile(r"\{(\w+)\}")


def _split_template(template: str) -> tuple[list[str], list[str]]:
    """Literal fragments and field names of a format string."""
    pieces = _FIELD.split(template)
    return pieces[0::2], pieces[1::2]


def _stop_parts(template: str) -> tuple[str, str]:
    """Split a withdrawal/opt-out template into its sentence anchor and its closing keyword."""
    literals, _ = _split_template(template)
    tail = literals[-1]
    keyword = ""
    # The keyword ("STOP", "STOP Werbung") is what follows the last sentence end of the template.
    m = re.search(r"[.!?]\s*([^.!?]+?)\s*$", tail)
    if m and 1 <= len(m.group(1).split()) <= 3:
        keyword = m.group(1)
        literals = literals[:-1] + [tail[: m.start()]]
    anchor = max((lit.strip(" .,;:!?") for lit in literals), key=len, default="")
    return anchor, keyword


def _consent_keyword(template: str) -> str:
    """The word right before {version} in the consent template, e.g. "Einwilligung"."""
    before, sep, _ = template.partition("{version}")
    m = re.search(r"([^\W\d_][\w-]*)\W*$", before)
    if not sep or not m:
        raise ValueError(f"consent template needs a word before {{version}}: {template!r}")
    return m.group(1)


@dataclass(frozen=True)
class _LanguagePatterns:
    """The compiled patterns of one language, all matched against folded text."""

    lang: str
    consent_token: re.Pattern[str]
    withdrawal: re.Pattern[str] | None
    withdrawal_bare: re.Pattern[str] | None
    optout: re.Pattern[str] | None
    optout_bare: re.Pattern[str] | None
    purposes: tuple[tuple[str, re.Pattern[str]], ...]


# How customers spell a closing keyword of the templates: Germans often write "STOPP" (also
# "Stopp Werbung") for "STOP". It counts in every language, as "STOP" does: when in doubt, the
# more restrictive reading wins. Only the spelling widens; the keyword must still stand alone.
_KEYWORD_SPELLINGS = {"stop": "stopp?"}


def _compile_stop(template: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Patterns for a withdrawal-style sentence anywhere, and for the bare keyword alone."""
    anchor, keyword = _stop_parts(template)
    # A very short anchor ("STOP {business}") would match ordinary chat; then only the keyword counts.
    sentence = re.compile(_literal_pattern(anchor)) if len(anchor) >= 12 else None
    # The keyword counts only as the whole message (punctuation aside): "STOP the delivery" or
    # "Stopp, ich meinte Samstag" is ordinary chat, and so is "stoppen".
    bare = (re.compile(r"^[\W_]*" + _literal_pattern(keyword, _KEYWORD_SPELLINGS) + r"[\W_]*$")
            if keyword else None)
    return sentence, bare


def _compile_language(t: LanguageTemplates) -> _LanguagePatterns:
    """Compile the recognition patterns of one language's templates."""
    keyword = _literal_pattern(_consent_keyword(t.consent))
    # The token "(Einwilligung 3f2a9c1b/r)" is the anchor; the brackets are optional because
    # customers delete them, but the id must be exactly 8 hex digits so prose cannot match.
    token = re.compile(
        r"(?<![^\W\d_])" + keyword + r"\s*[:#]?\s*([0-9a-f]{8})(?:\s*/\s*([a-z0-9]{1,8}))?(?![0-9a-z/])"
    )
    withdrawal, withdrawal_bare = _compile_stop(t.withdrawal)
    optout, optout_bare = _compile_stop(t.marketing_optout)
    purposes = tuple(
        (pid, re.compile(r"(?<!\w)" + _literal_pattern(label) + r"(?!\w)"))
        for pid, label in t.purpose_labels.items() if label.strip()
    )
    return _LanguagePatterns(t.lang, token, withdrawal, withdrawal_bare, optout, optout_bare, purposes)


@dataclass(frozen=True)
class Recognition:
    """What one message is: its event and, for consents, the token found."""

    event: str
    lang: str = ""
    consent_id: str = ""
    source: str = ""
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recognizer:
    """Recognises consent, withdrawal and opt-out messages of one business."""

    business: str
    languages: tuple[_LanguagePatterns, ...]
    purpose_order: tuple[str, ...]
    known_versions: dict[str, KnownVersion] = field(default_factory=dict)
    current_ids: frozenset[str] = frozenset()
    own_senders: frozenset[str] = frozenset()  # folded names whose messages are the business's own

    def is_own(self, sender: str | None) -> bool:
        """Whether a sender is the business itself."""
        return sender is not None and _fold(sender) in self.own_senders

    def version_status(self, consent_id: str) -> str:
        """`current`, `outdated (<date>)` or `unknown` for a consent id."""
        if consent_id in self.current_ids:
            return "current"
        known = self.known_versions.get(consent_id)
        if known is not None:
            return f"outdated ({known.date})"
        return "unknown"

    def recognize(self, text: str) -> Recognition | None:
        """The event a message text stands for, or None for ordinary chat."""
        folded = _fold(text)
        if not folded:
            return None
        # Withdrawal before opt-out before consent: the more restrictive reading wins.
        for lp in self.languages:
            if lp.withdrawal and lp.withdrawal.search(folded):
                return Recognition(EVENT_WITHDRAWAL, lang=lp.lang)
        bare = [lp.lang for lp in self.languages if lp.withdrawal_bare and lp.withdrawal_bare.match(folded)]
        if bare:
            # "STOP" is the same word in every language: name a language only if just one uses it.
            return Recognition(EVENT_WITHDRAWAL, lang=bare[0] if len(bare) == 1 else "")
        for lp in self.languages:
            if (lp.optout and lp.optout.search(folded)) or (lp.optout_bare and lp.optout_bare.match(folded)):
                return Recognition(EVENT_MARKETING_OPT_OUT, lang=lp.lang, purposes=(MARKETING_PURPOSE,))
        for lp in self.languages:
            m = lp.consent_token.search(folded)
            if m:
                return Recognition(EVENT_CONSENT, lang=lp.lang, consent_id=m.group(1),
                                   source=m.group(2) or "", purposes=self._purposes(folded, lp))
        return None

    def _purposes(self, folded: str, lp: _LanguagePatterns) -> tuple[str, ...]:
        """Purpose ids whose label occurs in the message (own language first, then any)."""
        found = {pid for pid, pattern in lp.purposes if pattern.search(folded)}
        if not found:
            # A customer may have ticked boxes on the German page and then edited in English.
            found = {pid for other in self.languages for pid, pattern in other.purposes if pattern.search(folded)}
        return tuple(pid for pid in self.purpose_order if pid in found)


def build_recognizer(
    templates: list[LanguageTemplates],
    business: str,
    known_versions: list[KnownVersion],
    current_versions: dict[str, str],
    own_senders: Iterable[str] = (),
) -> Recognizer:
    """Compile the recogniser for one business from the site's own message templates."""
    if not templates:
        raise ValueError("at least one language's templates are needed")
    order: list[str] = []
    for t in templates:
        order.extend(pid for pid in t.purpose_labels if pid not in order)
    known = {v.id.lower(): v for v in known_versions}
    current = frozenset(v.lower() for v in current_versions.values())
    own = frozenset(_fold(name) for name in [business, *own_senders] if name.strip())
    return Recognizer(
        business=business,
        languages=tuple(_compile_language(t) for t in templates),
        purpose_order=tuple(order),
        known_versions=known,
        current_ids=current,
        own_senders=own,
    )


# --- reading exports ------------------------------------------------------------------------

_DATE = r"(?P<d1>\d{1,2})(?P<sep>[./-])(?P<d2>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>[ap]\.?\s?m\.?))?"
_ANDROID_HEADER = re.compile(r"^" + _DATE + r",?\s+" + _TIME + r"\s+-\s(?P<rest>.*)$", re.IGNORECASE)
_IOS_HEADER = re.compile(r"^\[" + _DATE + r",?\s+" + _TIME + r"\]\s?(?P<rest>.*)$", re.IGNORECASE)
# Looks like a header (date, comma, time at line start) but is not one: kept, with a warning.
_HEADER_LIKE = re.compile(r"^\[?\d{1,2}[./-]\d{1,2}[./-]\d{2,4},\s*\d{1,2}:\d{2}")
_SENDER = re.compile(r"^(?P<sender>[^:\n]{1,100}?):\s(?P<text>.*)$", re.DOTALL)

_IOS_SYSTEM_MARK = re.compile(r"^[\u200e\s]*\[[^\]]*\][^:]*:\s\u200e")

# System notices that iOS files under the contact's name; Android has no sender for them.
_SYSTEM_TEXTS = re.compile(
    r"^(messages and calls are end-to-end encrypted|nachrichten und anrufe sind ende-zu-ende-verschl"
    r"|messages to this chat and calls are now secured|.*\bsecurity code (changed|with)\b"
    r"|.*\bsicherheitsnummer\b)",
    re.IGNORECASE,
)


@dataclass
class _Header:
    """A message header line before its date order is known."""

    line: int
    d1: int
    d2: int
    year: int
    sep: str
    hour: int
    minute: int
    second: str | None
    ampm: str
    rest: str
    raw: str
    date_text: str
    continuation: list[str] = field(default_factory=list)
    ios_system_mark: bool = False


# Marks that browsers and file managers add to a second download or copy of a file:
# "X (1).zip" (Chrome, Windows), "X(1).zip" (Firefox), "X - Kopie.zip" / "X - Copy (2).zip"
# (Windows Explorer), "X Kopie.zip" / "X copy 2.zip" (macOS Finder). A bare trailing number
# ("X 2") is not dropped: chat names are often phone numbers or end in one ("Filiale 2").
_COPY_MARK = re.compile(
    r"(?:\s*\(\d{1,3}\)|\s+-\s+(?:copy|kopie)|\s+(?:copy|kopie)(?:\s+\d{1,3})?)$", re.IGNORECASE)


def _drop_copy_marks(name: str) -> str:
    """A chat name without the copy marks a second download or copy of its export got."""
    while (shorter := _COPY_MARK.sub("", name).rstrip()) != name and shorter:
        name = shorter
    return name


def chat_name_from_filename(path: Path) -> str:
    """Chat name from an export's file name ("WhatsApp Chat with X.txt", "WhatsApp-Chat mit X.zip", ...).

    WhatsApp writes the chat's name only into the file name, so two exports of one chat are told
    apart from other chats by it: copy marks ("X (1).zip") are dropped and the name is put into
    Unicode NFC (macOS may hand over "ü" as "u" plus a combining mark), so they give the same name."""
    name = unicodedata.normalize("NFC", path.name)
    stem = name
    for ext in (".txt", ".zip"):
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
            break
    if stem == "_chat":
        # iOS names every export _chat.txt; macOS unzips it into a folder named after the chat.
        stem = unicodedata.normalize("NFC", path.parent.name)
    stem = re.sub(r"^WhatsApp[\s-]*Chat(?:\s+(?:with|mit)\s+|\s*-\s*|\s+)", "", stem, flags=re.IGNORECASE)
    return _drop_copy_marks(stem.strip()) or name


def _parse_header(raw: str, line_no: int) -> _Header | None:
    """The header fields of a line that starts a new message, or None."""
    line = _clean(raw)
    ios = line.lstrip().startswith("[")
    m = (_IOS_HEADER if ios else _ANDROID_HEADER).match(line.lstrip())
    if not m:
        return None
    rest = m.group("rest")
    # iOS marks system notices and media placeholders with a U+200E right after "Name: ".
    ios_mark = ios and _IOS_SYSTEM_MARK.match(raw) is not None
    year = int(m.group("year"))
    return _Header(
        line=line_no, d1=int(m.group("d1")), d2=int(m.group("d2")),
        year=year + 2000 if year < 100 else year, sep=m.group("sep"),
        hour=int(m.group("hour")), minute=int(m.group("minute")), second=m.group("second"),
        ampm=(m.group("ampm") or "").replace(".", "").replace(" ", "").lower(), rest=rest, raw=raw.strip(),
        ios_system_mark=ios_mark, date_text=f"{m.group('d1')}{m.group('sep')}{m.group('d2')}{m.group('sep')}{m.group('year')}",
    )


def _day_first(headers: list[_Header], file: str) -> tuple[bool, list[ReadProblem]]:
    """Decide the day/month order of one file from all its dates; report when it had to be assumed."""
    day_evidence = [h for h in headers if 12 < h.d1 <= 31 and h.d2 <= 12]
    month_evidence = [h for h in headers if 12 < h.d2 <= 31 and h.d1 <= 12]
    ambiguous = [h for h in headers if h.d1 != h.d2 and h.d1 <= 12 and h.d2 <= 12]
    if day_evidence and not month_evidence:
        return True, []
    if month_evidence and not day_evidence:
        return False, []
    if headers and headers[0].sep == ".":
        hint_first, why = True, "dates with dots are German day.month.year"
    elif any(h.ampm for h in headers):
        hint_first, why = False, "AM/PM times go with US month/day/year dates"
    else:
        hint_first, why = True, "slash dates without AM/PM are usually day/month/year"
    if day_evidence and month_evidence:
        # Some lines are garbled; trust the majority and let the rest fail as invalid dates.
        first = len(day_evidence) > len(month_evidence) if len(day_evidence) != len(month_evidence) else hint_first
        order = "day-first" if first else "month-first"
        problem = ReadProblem(
            file, day_evidence[0].line if first else month_evidence[0].line,
            f"dates disagree on day/month order (line {day_evidence[0].line} is day-first, "
            f"line {month_evidence[0].line} month-first); read as {order}", "warning")
        return first, [problem]
    if not ambiguous:
        return hint_first, []
    order = "day-first" if hint_first else "month-first"
    h = ambiguous[0]
    problem = ReadProblem(
        file, h.line,
        f"day and month cannot be told apart in any date of this file (e.g. {h.date_text}); "
        f"read as {order} because {why}; check the dates", "warning")
    return hint_first, [problem]


def _resolve(h: _Header, day_first: bool) -> tuple[str, str] | None:
    """ISO date and time of a header, or None if they are not a real date/time."""
    day, month = (h.d1, h.d2) if day_first else (h.d2, h.d1)
    try:
        iso = _date(h.year, month, day).isoformat()
    except ValueError:
        return None
    hour = h.hour
    if h.ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if h.ampm.startswith("p") else 0)
    if hour > 23 or h.minute > 59 or (h.second is not None and int(h.second) > 59):
        return None
    time = f"{hour:02d}:{h.minute:02d}" + (f":{h.second}" if h.second is not None else "")
    return iso, time


def parse_chat_text(text: str, file: str, chat: str) -> tuple[list[ChatMessage], list[ReadProblem]]:
    """Parse the text of one export into messages; report lines that cannot be placed."""
    problems: list[ReadProblem] = []
    headers: list[_Header] = []
    text = text.removeprefix("\ufeff")
    # Split only on real line ends: str.splitlines would also split inside messages on U+2028 etc.
    for line_no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        header = _parse_header(raw, line_no)
        if header is not None:
            headers.append(header)
            continue
        if headers:
            if _HEADER_LIKE.match(_clean(raw).lstrip()):
                problems.append(ReadProblem(
                    file, line_no, f"looks like a message header but is not one; kept as part of the "
                    f"message of line {headers[-1].line}: {raw.strip()[:80]!r}", "warning"))
            headers[-1].continuation.append(raw)
        elif raw.strip():
            problems.append(ReadProblem(file, line_no, f"text before the first message: {raw.strip()[:80]!r}"))
    if not headers:
        problems.append(ReadProblem(file, None, "no chat messages found (is this a WhatsApp chat export?)"))
        return [], problems

    day_first, order_problems = _day_first(headers, file)
    problems.extend(order_problems)
    messages: list[ChatMessage] = []
    for h in headers:
        resolved = _resolve(h, day_first)
        # The message body is the header's rest plus continuation lines; trailing blank lines are layout.
        body = _clean("\n".join([h.rest, *h.continuation])).rstrip()
        if resolved is None:
            extra = f" and its {len(h.continuation)} continuation line(s)" if h.continuation else ""
            problems.append(ReadProblem(
                file, h.line, f"invalid date or time; message skipped{extra}: {h.raw[:120]!r}"))
            continue
        iso, time = resolved
        m = _SENDER.match(body)
        sender, msg = (m.group("sender").strip(), m.group("text")) if m else (None, body)
        is_system = sender is None or h.ios_system_mark or bool(_SYSTEM_TEXTS.match(msg.strip()))
        messages.append(ChatMessage(chat=chat, sender=sender, date=iso, time=time, text=msg,
                                    file=file, line=h.line, is_system=is_system))
    return messages, problems


def _pick_zip_member(names: list[str]) -> str | None:
    """The chat text inside an export zip: _chat.txt (iOS) or the one WhatsApp*.txt (Android)."""
    txts = [n for n in names if n.lower().endswith(".txt") and not n.startswith("__MACOSX/")
            and not Path(n).name.startswith("._")]
    for preferred in ([n for n in txts if Path(n).name == "_chat.txt"],
                      [n for n in txts if Path(n).name.lower().startswith("whatsapp")],
                      txts):
        if len(preferred) == 1:
            return preferred[0]
    return None


def read_export(path: Path) -> tuple[list[ChatMessage], list[ReadProblem]]:
    """Read one chat export (.txt or .zip holding the .txt) into messages and problems."""
    path = Path(path)
    # iOS names every export _chat.txt, so the folder name is what tells two of them apart.
    file = f"{path.parent.name}/{path.name}" if path.name == "_chat.txt" and path.parent.name else path.name
    chat = chat_name_from_filename(path)
    try:
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as zf:
                    member = _pick_zip_member(zf.namelist())
                    if member is None:
                        txts = [n for n in zf.namelist() if n.lower().endswith(".txt")]
                        why = "several .txt files" if txts else "no .txt chat file"
                        return [], [ReadProblem(file, None, f"zip holds {why}; export the chat again")]
                    data = zf.read(member)
                    file = f"{path.name}/{member}"
            except zipfile.BadZipFile:
                return [], [ReadProblem(path.name, None, "not a readable zip file")]
        else:
            data = path.read_bytes()
    except OSError as exc:
        return [], [ReadProblem(path.name, None, f"cannot read file: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [ReadProblem(file, None, f"not UTF-8 text (byte {exc.start}); export the chat again from WhatsApp")]
    return parse_chat_text(text, file, chat)


# --- register -----------------------------------------------------------------------------

def classify(messages: Iterable[ChatMessage], recognizer: Recognizer) -> list[RegisterRow]:
    """Register rows for the consent, opt-out and withdrawal messages sent by customers."""
    rows: list[RegisterRow] = []
    for msg in messages:
        if msg.is_system or msg.sender is None or recognizer.is_own(msg.sender):
            continue
        found = recognizer.recognize(msg.text)
        if found is None:
            continue
        common = dict(chat=msg.chat, sender=msg.sender, date=msg.date, time=msg.time,
                      lang=found.lang, file=msg.file, line=msg.line)
        if found.event == EVENT_CONSENT:
            status = recognizer.version_status(found.consent_id)
            rows.append(RegisterRow(event=EVENT_CONSENT, consent_id=found.consent_id, source=found.source,
                                    purposes=";".join(found.purposes), version_status=status, **common))
            if MARKETING_PURPOSE in found.purposes:
                rows.append(RegisterRow(event=EVENT_MARKETING_OPT_IN, consent_id=found.consent_id,
                                        source=found.source, purposes=MARKETING_PURPOSE,
                                        version_status=status, **common))
        else:
            rows.append(RegisterRow(event=found.event, purposes=";".join(found.purposes), **common))
    return rows


RowKey = tuple[str, str, str, str, str, str]


def _row_key(row: RegisterRow) -> RowKey:
    """What makes two rows the same record: chat, sender, date, time, event and consent id."""
    return (row.chat, row.sender, row.date, row.time, row.event, row.consent_id)


def drop_repeated_rows(
    rows: list[RegisterRow], collected: dict[RowKey, list[str]]
) -> tuple[list[RegisterRow], dict[str, int]]:
    """The rows of one export that earlier exports did not already give, and per earlier file how
    many rows were dropped because it already held them.

    `collected` maps each row key to the files of the rows kept so far (one entry per row); it is
    updated with the rows kept. Rows are matched one to one: the same message read twice is kept
    once, but two identical messages within one export (a customer who sent "STOP" twice in the
    same minute) stay two rows, and only the rows beyond those an earlier export held are new."""
    kept: list[RegisterRow] = []
    dropped: dict[str, int] = {}
    matched: dict[RowKey, int] = {}
    added: dict[RowKey, list[str]] = {}
    for row in rows:
        key = _row_key(row)
        earlier = collected.get(key, [])
        n = matched.get(key, 0)
        if n < len(earlier):
            matched[key] = n + 1
            dropped[earlier[n]] = dropped.get(earlier[n], 0) + 1
        else:
            kept.append(row)
            added.setdefault(key, []).append(row.file)
    for key, files in added.items():
        collected.setdefault(key, []).extend(files)
    return kept, dropped


def _repeats_problem(file: str, dropped: dict[str, int]) -> ReadProblem:
    """The warning that names how many rows of an export were dropped as duplicates, and why."""
    total = sum(dropped.values())
    sources = ", ".join(f"{name} ({n})" if len(dropped) > 1 else name for name, n in dropped.items())
    return ReadProblem(
        file, None, f"{total} register row(s) dropped as duplicates: the same chat, sender, date, time, "
        f"event and consent id were already read from {sources}", "warning")


def write_register_csv(rows: Iterable[RegisterRow], out: Path | TextIO) -> None:
    """Write the register as CSV; a path is written as UTF-8 with BOM so Excel shows umlauts."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8-sig", newline="") as fh:
            write_register_csv(rows, fh)
        return
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.as_dict())


def run_consents(
    files: list[Path], recognizer: Recognizer, out_csv: Path | TextIO
) -> tuple[list[RegisterRow], list[ReadProblem]]:
    """Read every export, classify its messages and write one register for all of them.

    Rows an earlier file already gave (the same chat exported twice) are dropped; each file with
    such rows gets a warning that says how many, so the register's row count can be checked."""
    rows: list[RegisterRow] = []
    problems: list[ReadProblem] = []
    collected: dict[RowKey, list[str]] = {}
    for path in files:
        messages, file_problems = read_export(Path(path))
        problems.extend(file_problems)
        kept, dropped = drop_repeated_rows(classify(messages, recognizer), collected)
        rows.extend(kept)
        if dropped:
            problems.append(_repeats_problem(messages[0].file, dropped))
    write_register_csv(rows, out_csv)
    return rows, problems


def merge_registers(first: Iterable[RegisterRow], second: Iterable[RegisterRow]) -> tuple[list[RegisterRow], int]:
    """One register from two sources (e.g. the bot's database and chat exports of the same chats), in time order,
    and how many rows of `second` were dropped because `first` already held them (the same chat, sender, date,
    time, event and consent id: one message seen live by the bot and again in an export)."""
    collected: dict[RowKey, list[str]] = {}
    base, _ = drop_repeated_rows(list(first), collected)
    extra, dropped = drop_repeated_rows(list(second), collected)
    rows = sorted([*base, *extra], key=lambda row: (row.date, row.time))
    return rows, sum(dropped.values())
