"""An SVG logo made safe, for the page and for print alike: nothing in it runs or loads anything.

`safe_svg` parses the logo (no entities; at most MAX_DEPTH levels, counted before the tree is walked: the
walk recurses once per level), removes what could run or load something (scripts, event handlers, foreign
objects, animations, links to other files, processing instructions such as <?xml-stylesheet?>, comments) and
always writes the tree anew, so that nothing outside the elements survives byte for byte.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_DEPTH = 64  # a logo from Inkscape or Illustrator nests a dozen levels
# Elements that run script, embed other documents or rewrite attributes (animate `href` to javascript:).
SVG_DROP = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
            "animateMotion", "animateTransform", "discard"}
RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.I)
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)|@import|javascript:|expression\(", re.I)
ENTITIES = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


class SvgRefused(Exception):
    """An SVG that cannot be made safe: `key` is the catalogue entry, `fields` fill it."""

    def __init__(self, key: str, **fields: object):
        super().__init__(key)
        self.key, self.fields = key, fields


def parse_svg(data: bytes) -> ElementTree.Element:
    """The SVG's root element; SvgRefused for entities, too deep a nesting, or XML that does not parse."""
    if ENTITIES.search(data):
        raise SvgRefused("content.logo_entities")
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    depth, root = 0, None
    try:
        parser.feed(data)
        for event, element in parser.read_events():
            depth += 1 if event == "start" else -1
            root = element if root is None else root
            if depth > MAX_DEPTH:
                raise SvgRefused("input.too_deep", limit=MAX_DEPTH)
        parser.close()
    except ElementTree.ParseError as exc:
        raise SvgRefused("content.logo_unreadable", error=str(exc)) from None
    if root is None:
        raise SvgRefused("content.logo_unreadable", error="no element")
    return root


def safe_svg(data: bytes) -> tuple[bytes, set[str]]:
    """The SVG written anew without anything that could run or load something, and what was removed."""
    root = parse_svg(data)
    removed = clean(root)
    if re.search(rb"<\?(?!xml[ \t\r\n])", data):
        removed.add("<?...?>")
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8",
                                                                           xml_declaration=False), removed


def _local(tag: str) -> tuple[str, str]:
    namespace, _, local = tag.rpartition("}")
    return namespace.lstrip("{"), local


def clean(element: ElementTree.Element) -> set[str]:
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
        removed |= clean(child)
    for attribute, value in list(element.attrib.items()):
        _, local = _local(attribute)
        bad = (local.lower().startswith("on") or EXTERNAL_URL.search(value)
               or (local == "href" and not value.startswith("#") and not RASTER_DATA.match(value)))
        if bad:
            del element.attrib[attribute]
            removed.add(local if not local.lower().startswith("on") else "on...")
    return removed
