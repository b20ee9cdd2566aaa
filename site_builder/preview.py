"""Screenshots of the landing page on three phones, each language, light and dark: output/preview/*.png.

The pages are served from memory (the files of the build, before they are written) by a small HTTP
server on 127.0.0.1, so the pictures show exactly what the build is about to swap in, and a failed
preview leaves the previous output untouched. Any request to another origin is refused.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from .config import Settings
from .pages import lang_dir
from .problems import InputError, Problem

# Playwright's device descriptors: a small, a common and a large phone.
PHONES = ("iPhone SE", "iPhone 13", "Pixel 7")
SCHEMES = ("light", "dark")
DEFAULT_CHROMIUM = "/usr/bin/chromium"
BROWSER_ENV = "SITE_BUILDER_CHROMIUM"
# No background traffic from the browser itself: the pages must be the only thing that could ask the network.
LAUNCH_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run"]


def launch_args() -> list[str]:
    """Chromium's flags; its sandbox cannot run as root."""
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return (["--no-sandbox"] if root else []) + LAUNCH_ARGS


def chromium_path() -> str | None:
    """The Chromium to drive: $SITE_BUILDER_CHROMIUM, else Debian's /usr/bin/chromium, else None."""
    chosen = os.environ.get(BROWSER_ENV)
    if chosen:
        return chosen
    return DEFAULT_CHROMIUM if Path(DEFAULT_CHROMIUM).is_file() else None


def launch(playwright: Any) -> Any:
    """A headless Chromium: the chosen executable, or Playwright's own one when there is none."""
    path = chromium_path()
    return playwright.chromium.launch(executable_path=path, args=launch_args()) if path else \
        playwright.chromium.launch(args=launch_args())


def device_slug(device: str) -> str:
    """'iPhone SE' -> 'iphone-se'."""
    return device.lower().replace(" ", "-")


class _MemoryHandler(BaseHTTPRequestHandler):
    files: Mapping[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = unquote(urlsplit(self.path).path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        data = self.files.get(path)
        if data is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the build prints its own report
        pass


@contextlib.contextmanager
def serve_files(files: Mapping[str, bytes]) -> Iterator[str]:
    """Serve {path: bytes} on a free port of 127.0.0.1; yields the base URL ending in '/'."""
    handler = type("Handler", (_MemoryHandler,), {"files": dict(files)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _local_only(base: str) -> Any:
    def handle(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.abort()
    return handle


def preview_files(settings: Settings, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """PNG screenshots (one CSS pixel per image pixel, whole page) as {"preview/<phone>-<lang>-<scheme>.png": bytes}."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise InputError([Problem("--preview", "playwright", "is not installed",
                                  "pip install playwright, or run scripts/install.sh --test")]) from None
    site = {path.removeprefix("site/"): data for path, data in files.items() if path.startswith("site/")}
    shots: dict[str, bytes] = {}
    with serve_files(site) as base, sync_playwright() as playwright:
        try:
            browser = launch(playwright)
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError([Problem("--preview", "browser", f"Chromium could not be started: {first}",
                                      f"apt-get install chromium, set {BROWSER_ENV} to a Chromium binary, "
                                      "or run `playwright install chromium`")]) from None
        try:
            for device in PHONES:
                context = browser.new_context(**playwright.devices[device])
                context.route("**/*", _local_only(base))
                page = context.new_page()
                for lang in settings.languages:
                    page.goto(base + lang_dir(settings, lang) + "index.html", wait_until="load")
                    for scheme in SCHEMES:
                        page.emulate_media(color_scheme=scheme)
                        shots[f"preview/{device_slug(device)}-{lang}-{scheme}.png"] = page.screenshot(
                            full_page=True, scale="css", animations="disabled", caret="hide")
                context.close()
        finally:
            browser.close()
    return shots
