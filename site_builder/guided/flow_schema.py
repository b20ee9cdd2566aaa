"""Validating a Flow JSON against the version we target, 7.3: our own JSON Schema (flow_json_7_3.schema.json,
Draft 2020-12, validated with `jsonschema`: Meta publishes none, see its $comment), plus the rules a schema
cannot say, from Meta's Flow JSON and components references (read 2026-12-07):
- screen ids unique; a navigate names a screen that exists; every screen reachable from the first
- a terminal screen, and only it, ends with a Footer whose action is `complete`; one Footer per screen
- at most one PhotoPicker per screen, never with a DocumentPicker; all pickers together at most 10 files and
  100 MiB in the response message ("Media upload components")
- a TextInput with a `pattern` has a `helper-text`, and `pattern` only on text, number, password, passcode
- field names unique per screen; `complete` reads only fields that exist (${form.x}, ${screen.S.form.x})
- the whole JSON at most 10 MB
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, Mapping

from . import meta_limits as m

SCHEMA_FILE = Path(__file__).with_name("flow_json_7_3.schema.json")
MAX_BYTES = 10_000_000
_REFERENCE = re.compile(r"^\$\{(?:form\.(\w+)|screen\.(\w+)\.form\.(\w+))\}$")
PICKERS = ("PhotoPicker", "DocumentPicker")
_DEFS = ("TextHeading", "TextSubheading", "TextBody", "TextCaption", "TextInput", "TextArea", "RadioButtonsGroup",
         "DatePicker", "PhotoPicker", "DocumentPicker", "Footer")


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path)


@functools.cache
def _component(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"][kind])


def schema_errors(flow: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(JSON pointer, message) for each place the Flow JSON breaks the schema, in the order of the document."""
    out = []
    for error in sorted(_validator().iter_errors(flow), key=lambda e: [str(p) for p in e.absolute_path]):
        kind = error.instance.get("type") if isinstance(error.instance, dict) else None
        if error.validator == "oneOf" and isinstance(kind, str) and kind in _DEFS:
            # a component matches no branch of the list: name what breaks the branch of its own type
            for inner in _component(kind).iter_errors(error.instance):
                out.append((pointer([*error.absolute_path, *inner.absolute_path]), inner.message))
        else:
            out.append((pointer(error.absolute_path), error.message))
    return out


def rule_errors(flow: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(JSON pointer, message) for each cross-reference rule broken (the schema's shape assumed)."""
    out: list[tuple[str, str]] = []
    screens = [s for s in flow.get("screens", []) if isinstance(s, dict)]
    ids = [s.get("id") for s in screens]
    fields: dict[str, set[str]] = {}
    targets: dict[str, set[str]] = {}
    files = 0
    megabytes = 0.0
    for index, screen in enumerate(screens):
        at = f"/screens/{index}"
        if ids.count(screen.get("id")) > 1:
            out.append((at + "/id", f"screen id {screen.get('id')!r} is used twice"))
        children = screen.get("layout", {}).get("children", [])
        kinds = [c.get("type") for c in children if isinstance(c, dict)]
        names = [c.get("name") for c in children if isinstance(c, dict) and "name" in c]
        fields[str(screen.get("id"))] = set(map(str, names))
        if len(set(names)) != len(names):
            out.append((at, "a field name is used twice on the screen"))
        if kinds.count("Footer") != 1 or kinds[-1:] != ["Footer"]:
            out.append((at, "a screen ends with exactly one Footer"))
        if kinds.count("PhotoPicker") > 1 or (kinds.count("PhotoPicker") and kinds.count("DocumentPicker")) \
                or kinds.count("DocumentPicker") > 1:
            out.append((at, "at most one picker per screen, never a PhotoPicker with a DocumentPicker"))
        for number, child in enumerate(children):
            if not isinstance(child, dict):
                continue
            where = f"{at}/layout/children/{number}"
            if child.get("type") == "TextInput" and "pattern" in child:
                if "helper-text" not in child:
                    out.append((where, "a pattern needs a helper-text"))
                if child.get("input-type", "text") not in ("text", "number", "password", "passcode"):
                    out.append((where, "a pattern only on text, number, password or passcode"))
            if child.get("type") in PICKERS:
                most = child.get("max-uploaded-photos", child.get("max-uploaded-documents", 30))
                files += int(most)
                megabytes += int(most) * int(child.get("max-file-size-kb", 25_600)) / 1024
            if child.get("type") == "Footer":
                action = child.get("on-click-action", {})
                terminal = bool(screen.get("terminal"))
                if action.get("name") == "complete" and not terminal:
                    out.append((where, "complete only on a terminal screen"))
                if action.get("name") == "navigate":
                    if terminal:
                        out.append((where, "no navigate on a terminal screen's Footer"))
                    target = action.get("next", {}).get("name")
                    targets.setdefault(str(screen.get("id")), set()).add(str(target))
                    if target not in ids:
                        out.append((where + "/on-click-action/next/name", f"no screen {target!r}"))
    if files > m.FLOW_MEDIA_FILES or megabytes > m.FLOW_MEDIA_MIB:
        out.append(("/screens", f"the pickers take up to {files} files of up to {megabytes:.0f} MiB together; a "
                                f"response message carries {m.FLOW_MEDIA_FILES} files and {m.FLOW_MEDIA_MIB} MiB"))
    if not any(s.get("terminal") for s in screens):
        out.append(("/screens", "no terminal screen"))
    out += _reachable(ids, targets) + _payloads(screens, fields)
    if len(json.dumps(flow, ensure_ascii=False).encode("utf-8")) > MAX_BYTES:
        out.append(("", "larger than 10 MB"))
    return out


def _reachable(ids: list[Any], targets: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    seen, todo = set(), [str(ids[0])] if ids else []
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += sorted(targets.get(current, ()))
    return [(f"/screens/{i}", f"screen {screen_id!r} cannot be reached") for i, screen_id in enumerate(ids)
            if str(screen_id) not in seen]


def _payloads(screens: list[dict[str, Any]], fields: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    out = []
    for index, screen in enumerate(screens):
        for number, child in enumerate(screen.get("layout", {}).get("children", [])):
            action = child.get("on-click-action", {}) if isinstance(child, dict) else {}
            if action.get("name") != "complete":
                continue
            for key, value in action.get("payload", {}).items():
                match = _REFERENCE.match(str(value))
                if not match:
                    continue  # a constant
                own, other, name = match.group(1), match.group(2), match.group(3)
                known = fields.get(str(screen.get("id")), set()) if own else fields.get(str(other), set())
                if (own or name) not in known:
                    out.append((f"/screens/{index}/layout/children/{number}/on-click-action/payload/{key}",
                                f"{value} names no field"))
    return out


def flow_errors(flow: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every way the Flow JSON fails Flow JSON 7.3 as we validate it: the schema first, then the rules."""
    found = schema_errors(flow)
    return found or rule_errors(flow)
