"""The trade icons a page's header shows while a site has no logo (`theme.icon`; each trade preset names one).

Drawn for this project on a 24-unit grid, filled with the text colour of the tile they sit on. They are shipped
data, never read from a site's folder: an icon is put into the page itself (no extra request), so only these
fixed shapes can get there.
"""

from __future__ import annotations

ICON_PATHS = {
    "chat": "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    "hammer": "M14.2 12 12 9.8 2.8 19 5 21.2zM17.5 15 21 11.5 12.5 3 9 6.5z",
    "roller": "M3 3h14a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM18.5 5H21v6.5h-9v2.5h-1.6"
              "V10H19.4V6.6h-.9zM9.7 14.5h3v7h-3z",
    "bread": "M4 10c0-3 3.6-5 8-5s8 2 8 5c0 .9-.5 1.5-1.2 1.9V19a1 1 0 0 1-1 1H6.2a1 1 0 0 1-1-1v-7.1C4.5 11.5 4 "
             "10.9 4 10zM8.2 13.4l1.6-3.6 1.3.6-1.6 3.6zM12.6 13.4l1.6-3.6 1.3.6-1.6 3.6z",
    "bag": "M5.2 8h13.6l1 13H4.2zM8.6 8V6.4a3.4 3.4 0 0 1 6.8 0V8h-1.8V6.4a1.6 1.6 0 0 0-3.2 0V8z",
    "calendar": "M3 6a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v13a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zM5 10v9h14v-9zM7 2h2v4H7z"
                "M15 2h2v4h-2zM7 12h4v4H7z",
    "house": "M12 2.5 1.5 11.5h3V21h6v-6h3v6h6v-9.5h3z",
}
ICONS = tuple(ICON_PATHS)


def icon_svg(name: str) -> str:
    """The icon as inline SVG ('' for no icon); `name` is one of ICONS (the settings' check made sure)."""
    path = ICON_PATHS.get(name)
    if not path:
        return ""
    return (f'<svg viewBox="0 0 24 24" width="28" height="28" focusable="false"><path fill-rule="evenodd" '
            f'd="{path}"/></svg>')
