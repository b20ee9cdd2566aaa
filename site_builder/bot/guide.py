"""Running a guided request, one customer message at a time, inside the transaction that records the message
(record.py): the request's state is in the database before the webhook answers 200, so a restart between two
answers loses nothing, and every message the bot owes is queued in the outbox in the same transaction.

- Only a customer who consented to the requests' purpose starts one (the button in the consent confirmation,
  or a keyword of the request); anyone else is sent the consent page instead, and nothing is stored.
- One request at a time per customer; "abbrechen" (the request wording's cancel words) or the Cancel button
  ends it and deletes what it held; STOP withdraws the consent and ends it too (record.py).
- Step by step: a question, the answer checked (guided/answers.py), the next question; photos are taken as they
  come (downloaded at once by media.py), "Fertig" goes on; then the summary: Send, Change, Cancel.
- As a WhatsApp Flow (when the site names the published Flow for the customer's language): one message opens
  the form; its completion (nfm_reply) is read back into the same request and shown as the same summary.
- Send hands the request on (handoff.py) through the outbox: e-mail, webhook; the customer gets the done text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from ..guided import RequestDef, RequestSet, Step
from ..guided.answers import read_answer, read_choice
from ..guided.meta_limits import DOCUMENT_TYPES, IMAGE_TYPES
from ..register import fold_text
from . import outbox, request_store
from .graph import WINDOW
from .prompts import CANCEL, CHANGE, DONE, SEND, SKIP, parse_reply
from .request_store import RequestRow
from .store import ConsentState
from .webhook import Inbound, MediaRef

if TYPE_CHECKING:
    from .runtime import SiteRuntime

HANDOFF_DAYS = dt.timedelta(days=3)  # a hand-off is retried this long
MEDIA_DEADLINE = dt.timedelta(minutes=30)  # a download is retried this long (Meta keeps the media id 7 days)


class Turn:
    """One message's work on requests: the site, the customer, the message; queues what the bot answers."""

    def __init__(self, conn: Connection, rt: "SiteRuntime", msg: Inbound, lang: str, now: dt.datetime):
        self.conn, self.rt, self.msg, self.lang, self.now = conn, rt, msg, lang, now
        self.site = rt.settings.phone_number_id
        self.requests: RequestSet = rt.site.model.requests
        self.queued = 0

    @property
    def words(self) -> Mapping[str, Any]:
        return self.requests.words.get(self.lang) or next(iter(self.requests.words.values()))

    def say(self, claim: str, payload: Mapping[str, Any]) -> None:
        """Queue one message to the customer (rendered by the sender: prompts.py)."""
        self.queued += outbox.enqueue(self.conn, claim, "whatsapp", self.site, self.msg.wa_id, "request", self.now,
                                      self.msg.at + WINDOW, self.lang, dict(payload))

    def reply(self, payload: Mapping[str, Any]) -> None:
        self.say(f"{self.msg.message_id}:request", payload)

    def today(self) -> dt.date:
        return self.now.astimezone(ZoneInfo(self.rt.settings.timezone)).date()


def _matches(words: Any, text: str) -> bool:
    folded = fold_text(text)
    return bool(folded) and any(fold_text(str(w)) == folded for w in (words or ()))


def wanted(requests: RequestSet, msg: Inbound, lang: str) -> RequestDef | None:
    """The request a message asks to start: its button in the consent confirmation, or a keyword or its title."""
    if msg.reply_id.startswith("start:"):
        return requests.get(msg.reply_id[6:])
    for request in requests.requests:
        if _matches((*request.keywords.get(lang, ()), request.title.get(lang, "")), msg.text):
            return request
    return None


def handle(conn: Connection, rt: "SiteRuntime", msg: Inbound, before: ConsentState, lang: str,
           now: dt.datetime) -> int | None:
    """The customer's message as part of a guided request: the number of messages queued in answer, or None
    when it has nothing to do with one (the keyword answers and the greeting take it then)."""
    requests = rt.site.model.requests
    if not requests or msg.type == "system":
        return None
    turn = Turn(conn, rt, msg, lang, now)
    row = request_store.active(conn, turn.site, msg.wa_id, now)
    if row is not None:
        turn.lang = row.lang
        _running(turn, row)
        return turn.queued
    if msg.flow_response:
        _flow_done(turn, None)
        return turn.queued
    request = wanted(requests, msg, lang)
    if request is None:
        tapped = parse_reply(msg.reply_id)
        if tapped is not None:  # a tap on a request that ended
            ended = request_store.by_public_id(conn, turn.site, tapped[0])
            if ended is None or ended.state != "submitted":  # a second tap on "Absenden" is no news
                turn.reply({"show": "note", "note": "no_request"})
            return turn.queued
        return None
    if not before.consented or requests.purpose not in before.purposes:
        # no request without consent to its purpose: nothing is stored, the customer gets the consent page
        day = now.date().isoformat()
        turn.say(f"needs:{turn.site}:{msg.wa_id}:{day}", {"show": "note", "note": "needs_consent"})
        return turn.queued
    flow = requests.flow_id(request.name, lang)
    first = request.steps[0]
    row = request_store.start(conn, turn.site, msg.wa_id, msg.profile_name, request.name, lang,
                              "flow" if flow else "steps", "flow" if flow else first.id, now)
    if row is None:
        return turn.queued
    if flow:
        turn.reply(_base(row) | {"show": "flow"})
    else:
        turn.reply(_base(row) | {"show": "step", "step": first.id, "intro": True})
    return turn.queued


def _base(row: RequestRow) -> dict[str, Any]:
    return {"request_id": row.id, "pid": row.public_id, "rq": row.name}


def _current(row: RequestRow) -> tuple[str, bool]:
    """The step asked, and whether the summary comes next (the customer is changing one answer)."""
    return (row.step[5:], True) if row.step.startswith("edit:") else (row.step, False)


def _ask(turn: Turn, row: RequestRow, note: str = "", **values: Any) -> None:
    """Ask the current step (or show the summary or the change list) again, `note` above it."""
    step, _ = _current(row)
    show = {"summary": "summary", "change": "change", "flow": "flow"}.get(step, "step")
    turn.reply(_base(row) | {"show": show, "step": step, "note": note, "values": values})


def _running(turn: Turn, row: RequestRow) -> None:
    msg = turn.msg
    request = turn.requests.get(row.name)
    tapped = parse_reply(msg.reply_id)
    if request is None:  # the site stopped offering it meanwhile
        request_store.end(turn.conn, row.id, "cancelled", turn.now)
        turn.reply({"show": "note", "note": "no_request"})
        return
    if _matches(turn.words.get("cancel_words"), msg.text) or tapped and tapped[0] == row.public_id \
            and tapped[2] == CANCEL:
        request_store.end(turn.conn, row.id, "cancelled", turn.now)
        turn.reply({"show": "note", "note": "cancelled", "rq": row.name})
        return
    if msg.flow_response:
        _flow_done(turn, row)
        return
    if msg.reply_id.startswith("start:"):
        _ask(turn, row, "one_at_a_time")
        return
    if tapped and tapped[0] != row.public_id:  # a button of an earlier request
        _ask(turn, row, "stale")
        return
    step_id, editing = _current(row)
    if tapped and tapped[1] != step_id:
        _ask(turn, row, "stale")
        return
    choice = tapped[2] if tapped else ""
    if step_id == "summary":
        _summary(turn, row, request, choice)
    elif step_id == "change":
        target = request.step(choice) if choice else None
        if target is None:
            _ask(turn, row, "invalid_choice")
            return
        request_store.save(turn.conn, row.id, turn.now, step=f"edit:{target.id}")
        turn.reply(_base(row) | {"show": "step", "step": target.id})
    elif step_id == "flow":
        _ask(turn, row, "one_at_a_time")
    else:
        step = request.step(step_id)
        if step is None:
            _ask(turn, row, "invalid_choice")
        elif step.media:
            _files(turn, row, request, step, choice, editing)
        else:
            _answer(turn, row, request, step, choice, editing)


def _answer(turn: Turn, row: RequestRow, request: RequestDef, step: Step, choice: str, editing: bool) -> None:
    msg = turn.msg
    if choice == SKIP and not step.required:
        value = ""
    elif step.type in ("buttons", "list"):
        found = read_choice(step, choice, msg.text, turn.lang)
        if found is None:
            _ask(turn, row, "invalid_choice")
            return
        value = found
    else:
        verdict = read_answer(step, msg.text, turn.today()) if msg.type == "text" else None
        if verdict is None or not verdict.ok:
            note = verdict.refused if verdict is not None else {"number": "invalid_number", "postcode":
                                                                 "invalid_postcode", "date": "invalid_date"}.get(
                step.type, "invalid_length")
            _ask(turn, row, note, low=_fmt(step.min if step.type != "text" else (step.min or 1)),
                 high=_fmt(step.max if step.type != "text" else (step.max or 1000)), unit=step.unit.get(turn.lang, ""))
            return
        value = verdict.value
    answers = {**row.answers, step.id: value}
    _advance(turn, row, request, step, editing, answers)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _advance(turn: Turn, row: RequestRow, request: RequestDef, step: Step, editing: bool,
             answers: Mapping[str, str] | None = None, note: str = "", **values: Any) -> None:
    following = None if editing else request.next_step(step.id)
    target = following.id if following else "summary"
    request_store.save(turn.conn, row.id, turn.now, step=target, answers=answers)
    turn.reply(_base(row) | {"show": "step" if following else "summary", "step": target, "note": note,
                             "values": values})


def _allowed(step: Step, media: MediaRef) -> bool:
    return media.mime_type.split(";")[0].strip().lower() in (IMAGE_TYPES if step.type == "photos"
                                                              else DOCUMENT_TYPES)


def _files(turn: Turn, row: RequestRow, request: RequestDef, step: Step, choice: str, editing: bool) -> None:
    msg = turn.msg
    taken = request_store.files(turn.conn, row.id, step.id)
    count = len([f for f in taken if f.state != "failed"])
    if choice == DONE:
        if count < step.least:
            _ask(turn, row, "photos_missing", low=step.least)
        else:
            _advance(turn, row, request, step, editing)
        return
    if not msg.media:
        _ask(turn, row, "photo_expected")
        return
    for media in msg.media:
        if count >= step.most:
            break
        if not _allowed(step, media):
            _ask(turn, row, "photo_refused", mb=step.max_mb)
            return
        file_id = request_store.add_file(turn.conn, row.id, step.id, media, turn.now)
        if file_id is not None:
            count += 1
            queue_download(turn.conn, turn.site, row, file_id, step, media, turn.now)
    request_store.save(turn.conn, row.id, turn.now)
    if count >= step.most:  # all there: on to the next question, without waiting for "Fertig"
        _advance(turn, row, request, step, editing, note="photos_enough", high=step.most)


def queue_download(conn: Connection, site: str, row: RequestRow, file_id: int, step: Step, media: MediaRef,
                   now: dt.datetime) -> None:
    """Fetch the file at once: Meta's media URL is valid for minutes (media.py takes the job)."""
    outbox.enqueue(conn, f"file:{file_id}", "media", site, row.wa_id, "download", now, now + MEDIA_DEADLINE,
                   row.lang, {"file_id": file_id, "request_id": row.id, "media_id": media.media_id,
                              "max_mb": step.max_mb, "photos": step.type == "photos"})


def _summary(turn: Turn, row: RequestRow, request: RequestDef, choice: str) -> None:
    if not choice:  # the button's title typed instead of tapped
        typed = fold_text(turn.msg.text)
        choice = next((key for key, word in ((SEND, "send"), (CHANGE, "change"), (CANCEL, "cancel"))
                       if typed and typed == fold_text(str(turn.words.get(word, "")))), "")
    if choice == SEND:
        submit(turn, row)
    elif choice == CHANGE:
        request_store.save(turn.conn, row.id, turn.now, step="change")
        turn.reply(_base(row) | {"show": "change"})
    else:
        _ask(turn, row, "invalid_choice")


def submit(turn: Turn, row: RequestRow) -> None:
    """The customer sent the request: hand it on (e-mail, webhook), tell the customer it arrived."""
    request_store.submit(turn.conn, row.id, turn.now)
    routes = handoff_routes(turn.rt)
    for channel in routes:
        outbox.enqueue(turn.conn, f"request:{row.id}:{channel}", channel, turn.site, "request", "request",
                       turn.now, turn.now + HANDOFF_DAYS, turn.rt.site.default_lang,
                       {"request_id": row.id, "pid": row.public_id})
    if not routes:  # only the export takes it: its time runs from now
        request_store.handed_off(turn.conn, row.id, turn.requests.keep_days, turn.now)
    turn.reply({"show": "note", "note": "", "done": row.name})


def handoff_routes(rt: "SiteRuntime") -> list[str]:
    """The channels a submitted request goes out through: e-mail (with [bot.smtp]), the webhook."""
    requests = rt.site.model.requests
    routes = []
    if rt.settings.deployment.smtp is not None and (requests.email or rt.owner_email):
        routes.append("email")
    if requests.webhook_url:
        routes.append("webhook")
    return routes


def _flow_done(turn: Turn, row: RequestRow | None) -> None:
    """A Flow's completion read back into the request it belongs to (its flow_token is the public id)."""
    try:
        data = json.loads(turn.msg.flow_response)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return
    token = str(data.get("flow_token", ""))
    if row is None or (token and token != row.public_id):
        row = request_store.by_public_id(turn.conn, turn.site, token) if token else row
    request = turn.requests.get(row.name) if row is not None and row.state == "active" else None
    if row is None or request is None or row.wa_id != turn.msg.wa_id:
        turn.reply({"show": "note", "note": "no_request"})
        return
    turn.lang = row.lang
    answers = dict(row.answers)
    wrong: Step | None = None
    for step in request.steps:
        value = data.get(step.id)
        if step.media:
            for item in value if isinstance(value, list) else []:
                media = MediaRef(str(item.get("id", "")), str(item.get("mime_type", "")),
                                 str(item.get("sha256", "")), str(item.get("file_name", "")))
                if media.media_id and _allowed(step, media) and (
                        file_id := request_store.add_file(turn.conn, row.id, step.id, media, turn.now)) is not None:
                    queue_download(turn.conn, turn.site, row, file_id, step, media, turn.now)
            continue
        if value in (None, "") and not step.required:
            answers[step.id] = ""
            continue
        if step.type in ("buttons", "list"):
            ok = isinstance(value, str) and step.option(value) is not None
            answers[step.id] = str(value) if ok else ""
        else:
            verdict = read_answer(step, str(value or ""), turn.today())
            ok = verdict.ok
            answers[step.id] = verdict.value if ok else ""
        if not ok and wrong is None:
            wrong = step
    if wrong is not None:  # asked again step by step, then the summary
        request_store.save(turn.conn, row.id, turn.now, step=f"edit:{wrong.id}", answers=answers, mode="steps")
        turn.reply(_base(row) | {"show": "step", "step": wrong.id, "note": "invalid_choice"})
        return
    request_store.save(turn.conn, row.id, turn.now, step="summary", answers=answers)
    turn.reply(_base(row) | {"show": "summary"})


def flow_undeliverable(conn: Connection, rt: "SiteRuntime", payload: Mapping[str, Any], wa_id: str,
                       now: dt.datetime) -> None:
    """A Flow message Meta could not deliver (131026: the customer's WhatsApp shows no Flows): the same request
    goes on step by step."""
    row = request_store.by_id(conn, int(payload.get("request_id", 0)))
    request = rt.site.model.requests.get(row.name) if row is not None else None
    if row is None or request is None or row.state != "active" or row.step != "flow":
        return
    first = request.steps[0]
    request_store.save(conn, row.id, now, step=first.id, mode="steps")
    outbox.enqueue(conn, f"steps:{row.id}", "whatsapp", rt.settings.phone_number_id, wa_id, "request", now,
                   now + WINDOW, row.lang, _base(row) | {"show": "step", "step": first.id, "intro": True})


def cancel_running(conn: Connection, site: str, wa_id: str, now: dt.datetime) -> None:
    """A withdrawal ends the customer's running request and deletes what it held."""
    row = request_store.active(conn, site, wa_id, now)
    if row is not None:
        request_store.end(conn, row.id, "cancelled", now)
