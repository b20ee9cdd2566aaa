"""The logo as published in site/: an SVG loses whatever could run or load something (scripts, event handlers,
foreign objects, links to other files, entity declarations); a removed part is a warning, a broken SVG an error.
Posters and cards draw the logo file itself (site_builder.stages.printing.logo)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from ...problems import Problem, report

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that run script, embed other documents or rewrite attributes (animate `href` to javascript:).
SVG_DROP = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
            "animateMotion", "animateTransform", "discard"}
RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.I)
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)|@import|javascript:|expression\(", re.I)


def published_logo(logo: Path | None, settings_file: Path, problems: list[Problem]) -> tuple[str, bytes] | None:
    """The logo's name and bytes in site/ (None without one, or with an error in `problems`)."""
    if logo is None:
        return None
    name = "logo" + logo.suffix.lower()
    data = logo.read_bytes()
    if logo.suffix.lower() != ".svg":
        return name, data
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):
        problems.append(report(str(settings_file), "theme.logo", "content.logo_entities", name=logo.name))
        return None
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        problems.append(report(str(settings_file), "theme.logo", "content.logo_unreadable", name=logo.name,
                               error=str(exc)))
        return None
    removed = _clean_svg(root)
    if not removed:
        return name, data  # published byte for byte: nothing in it could run
    problems.append(report(str(settings_file), "theme.logo", "content.logo_cleaned", warning=True, name=logo.name,
                           removed=", ".join(sorted(removed))))
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    return name, b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8",
                                                                                   xml_declaration=False)


def _local(tag: str) -> tuple[str, str]:
    namespace, _, local = tag.rpartition("}")
    return namespace.lstrip("{"), local


def _clean_svg(element: ElementTree.Element) -> set[str]:
    """Remove in place what could run or load something; return what was removed."""
    removed: set[str] = set()
    for child in list(element):
        if not isinstance(child.tag, str):  # comments and processing instructions
            element.remove(child)
            continue
        namespace, local = _local(child.tag)
        text = "".join(child.itertext()) if local == "style" else ""
        if namespace != SVG_NS or local in SVG_DROP or EXTERNAL_URL.search(text):
            element.remove(child)
            removed.add(f"<{local}>")
            continue
        removed |= _clean_svg(child)
    for attribute, value in list(element.attrib.items()):
        _, local = _local(attribute)
        bad = (local.lower().startswith("on") or EXTERNAL_URL.search(value)
               or (local == "href" and not value.startswith("#") and not RASTER_DATA.match(value)))
        if bad:
            del element.attrib[attribute]
            removed.add(local if not local.lower().startswith("on") else "on...")
    return removed
