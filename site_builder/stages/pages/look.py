"""What makes the pages look like the business: the header's trade line (trade and credentials), its compact
address and opening-hours line, and the trade icon shown while there is no logo."""

from __future__ import annotations

from typing import Any

from ...config import Section
from ...graphics.icons import icon_svg
from ...site import Theme


def trade_line(values: Section) -> str:
    """'Malermeister · Meisterbetrieb · Mitglied der Innung' ('' when neither is set)."""
    b = values.business
    return " · ".join(str(part).strip() for part in (b.get("trade"), b.get("credentials")) if part and str(part).strip())


def place_line(values: Section) -> str:
    """'Musterstraße 12, Musterstadt · Mo–Fr 7–17 Uhr': where the business is and when it answers."""
    b = values.business
    where = ", ".join(str(part) for part in (b.get("street"), b.get("city")) if part)
    return " · ".join(part for part in (where, str(b.get("opening_hours") or "")) if part)


def header_look(theme: Theme, values: Section) -> dict[str, Any]:
    """The template's `look`: the icon (only without a logo), the trade line, the place line."""
    return {"icon": "" if theme.logo else icon_svg(theme.icon), "trade_line": trade_line(values),
            "place_line": place_line(values)}
