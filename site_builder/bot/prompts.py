"""The messages of a guided request, as the Graph API takes them: a question with reply buttons (at most 3) or a
list (at most 10 rows), a plain question, the summary to send or change, a WhatsApp Flow to open. Built when the
outbox sends them, from the request's definition, the bot's request wording and, for the summary, the answers
stored. Payload shapes: Meta's interactive reply-button, list and Flow messages (guided/meta_limits.py; the Flow
message as in Meta's Postman collection "Send Published Flow by ID", WhatsApp/WhatsApp-Flows-Tools, read
2026-12-07). Button and row ids carry the request's public id and the step, so a tap on an old message is told
from an answer to the current one."""

from __future__ import annotations

from typing import Any, Mapping

from ..guided import RequestDef, Step
from ..guided import meta_limits as m
from ..guided.answers import shown
from ..site.greeting import keep_lines
from ..wording.wordfiles import fill

SKIP, DONE, SEND, CHANGE, CANCEL = "~skip", "~done", "~send", "~change", "~cancel"
FIRST_SCREEN = "SCREEN_A"


def reply_id(public_id: str, step: str, choice: str) -> str:
    return f"r:{public_id}:{step}:{choice}"


def parse_reply(value: str) -> tuple[str, str, str] | None:
    """(public id, step, choice) of a tapped button or row of a request; None for anything else."""
    parts = value.split(":", 3)
    return (parts[1], parts[2], parts[3]) if len(parts) == 4 and parts[0] == "r" else None


def words_text(words: Mapping[str, Any], key: str, **values: Any) -> str:
    """A text of bot/<lang>/requests.toml with its {{ placeholders }} filled (checked when the bot starts)."""
    return keep_lines(fill(str(words.get(key, "")), {k: str(v) for k, v in values.items()}, "requests.toml", 1, []))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _buttons(body: str, buttons: list[tuple[str, str]], footer: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "button", "body": {"text": _cut(body, m.BUTTON_BODY)}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": bid[:m.BUTTON_ID], "title": _cut(title, m.BUTTON_TITLE)}}
        for bid, title in buttons[:m.BUTTONS_MAX]]}}
    if footer:
        out["footer"] = {"text": _cut(footer, m.FOOTER)}
    return out


def _list(body: str, button: str, rows: list[tuple[str, str, str]], footer: str = "") -> dict[str, Any]:
    section_rows = []
    for rid, title, description in rows[:m.LIST_ROWS_MAX]:
        row = {"id": rid[:m.ROW_ID], "title": _cut(title, m.ROW_TITLE)}
        if description:
            row["description"] = _cut(description, m.ROW_DESCRIPTION)
        section_rows.append(row)
    out: dict[str, Any] = {"type": "list", "body": {"text": _cut(body, m.LIST_BODY)},
                           "action": {"button": _cut(button, m.LIST_BUTTON), "sections": [{"rows": section_rows}]}}
    if footer:
        out["footer"] = {"text": _cut(footer, m.FOOTER)}
    return out


def step_message(request: RequestDef, step: Step, public_id: str, lang: str, words: Mapping[str, Any],
                 before: str = "") -> dict[str, Any]:
    """The question of one step (`before`: a line put above it, the intro or why the last answer was refused)."""
    body = "\n\n".join(x for x in (before, step.question[lang]) if x)
    footer = words_text(words, "footer")
    skip = (reply_id(public_id, step.id, SKIP), words_text(words, "skip"))
    if step.type == "buttons":
        buttons = [(reply_id(public_id, step.id, o.id), o.title[lang]) for o in step.options]
        return {"interactive": _buttons(body, buttons + ([] if step.required else [skip]), footer)}
    if step.type == "list":
        rows = [(reply_id(public_id, step.id, o.id), o.title[lang], o.description.get(lang, ""))
                for o in step.options] + ([] if step.required else [(*skip, "")])
        return {"interactive": _list(body, step.button.get(lang) or words_text(words, "list_button"), rows, footer)}
    if step.media:
        return {"interactive": _buttons(body, [(reply_id(public_id, step.id, DONE), words_text(words, "done_button"))],
                                        footer)}
    if not step.required:
        return {"interactive": _buttons(body, [skip], footer)}
    return {"text": _cut(body + "\n\n" + footer, m.TEXT_BODY)}


def answer_lines(request: RequestDef, answers: Mapping[str, str], file_counts: Mapping[str, int], lang: str,
                 words: Mapping[str, Any], limit: int = 200) -> str:
    """One line per step: its label and the answer as a person reads it."""
    lines = []
    for step in request.steps:
        if step.media:
            count = file_counts.get(step.id, 0)
            value = words_text(words, "photos_count", count=count) if count else words_text(words, "skipped")
        elif answers.get(step.id):
            value = _cut(shown(step, answers[step.id], lang), limit)
        else:
            value = words_text(words, "skipped")
        lines.append(f"{step.label[lang]}: {value}")
    return "\n".join(lines)


def summary_message(request: RequestDef, public_id: str, answers: Mapping[str, str], file_counts: Mapping[str, int],
                    lang: str, words: Mapping[str, Any], before: str = "") -> dict[str, Any]:
    """The answers to check, with Send, Change, Cancel; long free texts are shortened to fit WhatsApp's 1024."""
    for limit in (200, 80, 30):
        body = words_text(words, "summary", title=request.title[lang],
                          answers=answer_lines(request, answers, file_counts, lang, words, limit))
        body = "\n\n".join(x for x in (before, body) if x)
        if len(body) <= m.BUTTON_BODY:
            break
    buttons = [(reply_id(public_id, "summary", SEND), words_text(words, "send")),
               (reply_id(public_id, "summary", CHANGE), words_text(words, "change")),
               (reply_id(public_id, "summary", CANCEL), words_text(words, "cancel"))]
    return {"interactive": _buttons(body, buttons)}


def change_message(request: RequestDef, public_id: str, lang: str, words: Mapping[str, Any]) -> dict[str, Any]:
    rows = [(reply_id(public_id, "change", step.id), step.label[lang], "") for step in request.steps]
    return {"interactive": _list(words_text(words, "change_prompt"), words_text(words, "change_button"), rows)}


def flow_message(request: RequestDef, public_id: str, flow_id: str, lang: str) -> dict[str, Any]:
    """The message that opens the request's published Flow; its completion names the request by `flow_token`."""
    return {"interactive": {
        "type": "flow", "body": {"text": _cut(request.intro[lang], m.BUTTON_BODY)},
        "action": {"name": "flow", "parameters": {
            "flow_message_version": "3", "flow_token": public_id, "flow_id": flow_id,
            "flow_cta": request.title[lang][:m.FLOW_CTA], "flow_action": "navigate",
            "flow_action_payload": {"screen": FIRST_SCREEN}}}}}


def offer_message(body: str, requests: list[RequestDef], lang: str) -> dict[str, Any]:
    """The consent confirmation with one button per request offered ("Angebot anfragen")."""
    return {"interactive": _buttons(body, [(f"start:{r.name}", r.title[lang]) for r in requests])}
