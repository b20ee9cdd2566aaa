"""Small harness for tests against live servers (nginx, `site-builder serve`) in a real Chromium.

Rules: SITE_BUILDER_CHROMIUM overrides the browser path; with CI=true a missing browser or server
is a failure, never a skip (CI must run these tests, not quietly pass them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import time
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Reports every CSP violation the page sees into window.__csp (read back by the test).
CSP_RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def missing(what: str) -> None:
    """Skip here, fail on CI."""
    message = f"{what} is not installed (scripts/install.sh --test installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    path = os.environ.get("SITE_BUILDER_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        missing(f"Chromium ({path})")
    return path


def nginx_path() -> str:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).is_file():
        missing("nginx")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0, alive=lambda: True) -> None:
    """Until something accepts connections on 127.0.0.1:port (or `alive()` turns false)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the server process ended before it listened")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, console: list[str]):
    """A page that records CSP violations (window.__csp) and console errors/warnings into `console`."""
    page = browser.new_page()
    page.add_init_script(CSP_RECORDER)
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    return page


def csp_violations(page, console: list[str]) -> list[str]:
    """Violations seen by the page's listener and by the console (Chromium logs each one)."""
    seen = list(page.evaluate("window.__csp || []"))
    seen += [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    return seen
