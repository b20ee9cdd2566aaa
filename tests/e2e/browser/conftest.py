"""The browser harness: the built example served on 127.0.0.1, one Chromium for the session, and a watch
on every context that refuses (and records) any request to another origin.

Chromium: $SITE_BUILDER_CHROMIUM, else Debian's /usr/bin/chromium, else (outside CI) Playwright's own,
installed with `playwright install chromium` if needed. With CI=true a missing browser or checker fails
the tests instead of skipping them.

The fixtures live for this package, not the whole session: Playwright's sync API cannot start while another
instance runs in the same thread, and other tests (tests/live.py) start their own after this package is done.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from site_builder.config import Settings
from site_builder.site import LanguageModel, load_site
from site_builder.formatting import lang_dir
from site_builder.stages.phone_preview import BROWSER_ENV, chromium_path, launch_args

from conftest import IN_CI
from live import missing  # noqa: F401 (also used by the test modules of this package)

ROOT = Path(__file__).resolve().parents[3]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONES = ("iPhone SE", "iPhone 13", "Pixel 7")
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1, "is_mobile": False,
           "has_touch": False}
WA_PAGE = "<!doctype html><html lang=en><title>wa.me (intercepted)</title><p>intercepted by the test"
WA_LINK = re.compile(r"\Ahttps://wa\.me/(\d+)\?text=([A-Za-z0-9%\-._~]+)\Z")

# Reports CSP violations to Python; init scripts run through the DevTools protocol, so the page's CSP
# does not apply to this one.
CSP_WATCH = """document.addEventListener("securitypolicyviolation", e => {
  window.__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`);
}, true);"""


# --- the site --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """The built example: where it is served, and what its settings and texts say it should show."""

    folder: Path  # output/site
    base: str  # http://127.0.0.1:PORT/
    settings: Settings
    languages: dict[str, LanguageModel]

    def url(self, lang: str, page: str = "index.html") -> str:
        return self.base + lang_dir(self.settings, lang) + page

    def pages(self) -> list[str]:
        """Every generated HTML page, relative to the site folder."""
        return sorted(str(p.relative_to(self.folder)) for p in self.folder.rglob("*.html"))

    def page_of(self, lang: str, marker: str) -> str:
        """The page of a language whose HTML contains `marker` (e.g. the withdrawal button's class)."""
        prefix = lang_dir(self.settings, lang)
        found = [p for p in self.pages() if p.startswith(prefix) and p.count("/") == prefix.count("/")
                 and marker in (self.folder / p).read_text(encoding="utf-8")]
        assert len(found) == 1, f"{marker!r} in {found}"
        return found[0][len(prefix):]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="package")
def site(built_example: Path) -> Iterator[Site]:
    """The example, built once, served from its output folder on a free port of 127.0.0.1."""
    folder = built_example / "site"
    plan, _ = load_site(built_example.parent / "site.toml")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(folder, f"http://127.0.0.1:{server.server_port}/", plan.settings, dict(plan.languages))
    finally:
        server.shutdown()
        server.server_close()


# --- the browser -----------------------------------------------------------------------------


def _playwright_install() -> bool:
    result = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], capture_output=True,
                            text=True, timeout=600)
    return result.returncode == 0


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright: Any) -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    from playwright.sync_api import Error as PlaywrightError

    path = chromium_path()
    if path and not Path(path).is_file():
        pytest.fail(f"{BROWSER_ENV}={path}: no such file", pytrace=False)
    if path:
        browser = playwright.chromium.launch(executable_path=path, args=launch_args())
    elif IN_CI:
        pytest.fail(f"no Chromium: install Debian's chromium or set {BROWSER_ENV} (CI never skips browser tests)",
                    pytrace=False)
    else:
        try:
            browser = playwright.chromium.launch(args=launch_args())
        except PlaywrightError:
            if not _playwright_install():
                missing("no Chromium: apt-get install chromium, or `playwright install chromium`")
            browser = playwright.chromium.launch(args=launch_args())
    yield browser
    browser.close()


@dataclass
class Watch:
    """What one browser context did: what it asked other origins for, and what went wrong on its pages."""

    base: str
    foreign: list[str] = field(default_factory=list)  # refused requests to other origins
    whatsapp: list[str] = field(default_factory=list)  # intercepted navigations to wa.me
    console: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    csp: list[str] = field(default_factory=list)  # Content-Security-Policy violations
    responses: list[Any] = field(default_factory=list)

    def route(self, route: Any) -> None:
        request = route.request
        if request.url.startswith(self.base):
            route.continue_()
        elif request.url.startswith("https://wa.me/") and request.is_navigation_request():
            self.whatsapp.append(request.url)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=WA_PAGE)
        else:
            self.foreign.append(request.url)
            route.abort("blockedbyclient")

    def on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console.append(f"{message.location.get('url')}: {message.text}")

    def assert_private(self) -> None:
        """Nothing left 127.0.0.1, nothing went wrong on the page."""
        assert self.foreign == [], "requests to other origins"
        assert self.csp == [], "Content-Security-Policy violations"
        assert self.console == [], "console errors"


@pytest.fixture
def new_context(browser: Any, site: Site) -> Iterator[Callable[..., tuple[Any, Watch]]]:
    """Open a browser context (Playwright options as keywords) with the watch on; closed after the test."""
    opened = []

    def open_context(**options: Any) -> tuple[Any, Watch]:
        context = browser.new_context(**options)
        watch = Watch(site.base)
        context.route("**/*", watch.route)
        context.expose_function("__reportCsp", lambda text: watch.csp.append(text))
        context.add_init_script(CSP_WATCH)
        context.on("console", watch.on_console)
        context.on("weberror", lambda e: watch.console.append(f"uncaught: {e.error}"))
        context.on("response", lambda r: watch.responses.append(r))
        opened.append(context)
        return context, watch

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture(scope="package")
def devices(playwright: Any) -> dict[str, dict[str, Any]]:
    """The three phones (Playwright's descriptors, used with Chromium) and a desktop window."""
    return {**{name: {k: v for k, v in playwright.devices[name].items() if k != "default_browser_type"}
               for name in PHONES}, "desktop": DESKTOP}


# --- small helpers used by several modules ---------------------------------------------------


def visible_chat_links(page: Any) -> list[str]:
    """The href of each visible "Chat starten" link."""
    return page.eval_on_selector_all("a.chat.go", "els => els.filter(e => e.offsetParent !== null).map(e => e.href)")


def assert_clean_state(context: Any, page: Any) -> None:
    """No cookie, nothing in local or session storage."""
    assert context.cookies() == []
    state = context.storage_state()
    assert state["cookies"] == [] and all(not o.get("localStorage") for o in state["origins"]), state
    assert page.evaluate("[localStorage.length, sessionStorage.length]") == [0, 0]


# Every control a finger can hit, with its size in CSS px. Skipped: what is not rendered (the hidden chat
# links), and what lies outside the page until it gets keyboard focus (the skip link: not a touch target).
# `inline` marks a link inside a sentence (text beside it in the same parent): WCAG 2.5.5 and 2.5.8 exempt
# those, because their size is set by the line of text around them.
TAP_TARGETS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary")) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!r.width || !r.height || s.visibility === "hidden") continue;
    if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) continue;
    const rest = [...el.parentElement.childNodes].filter(n => n !== el).map(n => n.textContent).join("").trim();
    out.push({what: `${el.tagName.toLowerCase()}.${el.className}#${el.id} ${(el.textContent || el.name).trim().slice(0, 40)}`,
              width: Math.round(r.width * 100) / 100, height: Math.round(r.height * 100) / 100,
              inline: s.display === "inline" && rest.length > 0});
  }
  return out;
}"""


def small_tap_targets(page: Any) -> tuple[list[dict[str, Any]], int]:
    """Targets under 44 x 44 CSS px (inline links exempt), and how many were measured."""
    targets = page.evaluate(TAP_TARGETS_JS)
    return [t for t in targets if not t["inline"] and (t["width"] < 44 or t["height"] < 44)], len(targets)


def no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) <= innerWidth")
