"""A guided request as a WhatsApp Flow (Meta's native form), generated from the same definition as the
step-by-step messages: Flow JSON version 7.3, static (no endpoint, so no encryption keys): only `navigate`
between screens and `complete` at the end, whose payload comes back as the `nfm_reply` of the completion message.

Meta (Flow JSON reference and "Best practices", read 2026-12-07): a static Flow has `version` and `screens`
only (`routing_model` and `data_api_version` are for endpoint Flows); the terminal screen has a Footer; answers of
earlier screens are read with `${screen.<ID>.form.<name>}` (4.0+), so nothing passes through `navigate`; a photo
or document picker is the only one of its kind on its screen and is read only as a top-level value of
`complete`'s payload. The completion carries no Flow id: the payload names the request, the flow token (sent
with the message) names the customer's request row.

Screens: the questions in order, at most QUESTIONS_PER_SCREEN on a screen; each photo or document question on a
screen of its own.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from .definition import RequestDef, Step
from .meta_limits import FLOW_PICKER_LABEL

FLOW_JSON_VERSION = "7.3"  # Meta's changelog: released 2025-09-10, "Recommended" for publishing (checked 2026-12-07)
QUESTIONS_PER_SCREEN = 4
POSTCODE = "^[0-9]{5}$"  # German postcodes: text with a pattern (a number field could drop a leading zero)
PAYLOAD_REQUEST = "request"  # the payload key naming the request (its file name)
DOCUMENT_TYPES = ["application/pdf", "image/jpeg", "image/png"]


def _screen_id(index: int) -> str:
    # upper-case letters and _ only, as in Meta's examples; "SUCCESS" is reserved
    return "SCREEN_" + "".join(chr(ord("A") + int(d)) for d in str(index))


def _groups(request: RequestDef) -> list[list[Step]]:
    groups: list[list[Step]] = []
    for step in request.steps:
        if step.media or not groups or groups[-1][0].media or len(groups[-1]) >= QUESTIONS_PER_SCREEN:
            groups.append([step])
        else:
            groups[-1].append(step)
    return groups


def _input(step: Step, lang: str, words: Mapping[str, str]) -> dict[str, Any]:
    label = step.label[lang]
    common: dict[str, Any] = {"name": step.id, "label": label, "required": step.required}
    if step.type in ("buttons", "list"):
        source = []
        for option in step.options:
            item = {"id": option.id, "title": option.title[lang]}
            if option.description.get(lang):
                item["description"] = option.description[lang]
            source.append(item)
        return {"type": "RadioButtonsGroup", **common, "data-source": source}
    if step.type == "date":
        return {"type": "DatePicker", **common}
    if step.type == "number":
        return {"type": "TextInput", **common, "input-type": "number", "helper-text": words["flow_number_help"]}
    if step.type == "postcode":
        return {"type": "TextInput", **common, "input-type": "text", "pattern": POSTCODE,
                "helper-text": words["flow_postcode_help"]}
    if step.type == "text":
        most = int(step.max or 600)
        if most <= 80:
            return {"type": "TextInput", **common, "input-type": "text", "max-chars": most}
        return {"type": "TextArea", **common, "max-length": most}
    kb = step.max_mb * 1024
    picker: dict[str, Any] = {"name": step.id, "label": step.question[lang][:FLOW_PICKER_LABEL].strip()
                              if len(step.question[lang]) <= FLOW_PICKER_LABEL else label,
                              "max-file-size-kb": kb}
    if step.type == "photos":
        return {"type": "PhotoPicker", **picker, "photo-source": "camera_gallery",
                "min-uploaded-photos": step.least, "max-uploaded-photos": step.most}
    return {"type": "DocumentPicker", **picker, "min-uploaded-documents": step.least,
            "max-uploaded-documents": step.most, "allowed-mime-types": list(DOCUMENT_TYPES)}


def flow_json(request: RequestDef, lang: str, words: Mapping[str, str]) -> dict[str, Any]:
    """The Flow JSON of `request` in `lang` (words: the bot's request wording of that language)."""
    groups = _groups(request)
    screens: list[dict[str, Any]] = []
    where: dict[str, str] = {}  # step id -> the screen it is on
    for index, group in enumerate(groups):
        screen_id = _screen_id(index)
        children: list[dict[str, Any]] = []
        if index == 0:
            children.append({"type": "TextBody", "text": request.intro[lang]})
        for step in group:
            where[step.id] = screen_id
            if not step.media and step.question[lang] != step.label[lang]:
                children.append({"type": "TextBody", "text": step.question[lang]})
            children.append(_input(step, lang, words))
        last = index == len(groups) - 1
        if last:
            payload: dict[str, Any] = {PAYLOAD_REQUEST: request.name}
            for step in request.steps:
                payload[step.id] = (f"${{form.{step.id}}}" if where[step.id] == screen_id
                                    else f"${{screen.{where[step.id]}.form.{step.id}}}")
            action: dict[str, Any] = {"name": "complete", "payload": payload}
        else:
            action = {"name": "navigate", "next": {"type": "screen", "name": _screen_id(index + 1)}, "payload": {}}
        children.append({"type": "Footer", "label": words["flow_send"] if last else words["flow_next"],
                         "on-click-action": action})
        screen: dict[str, Any] = {"id": screen_id, "title": request.title[lang],
                                  "layout": {"type": "SingleColumnLayout", "children": children}}
        if last:
            screen.update(terminal=True, success=True)
        screens.append(screen)
    return {"version": FLOW_JSON_VERSION, "screens": screens}


def flow_text(flow: Mapping[str, Any]) -> str:
    """The Flow JSON as the file to paste into WhatsApp Manager's Flow builder."""
    return json.dumps(flow, ensure_ascii=False, indent=2) + "\n"
