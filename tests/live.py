"""Small harness for tests against live servers (nginx, `site-builder serve`) in a real Chromium.

Rules: SITE_BUILDER_CHROMIUM overrides the browser path (site_builder.stages.phone_preview decides, for tests and
`build --preview` alike); a missing tool skips here, and tests/conftest.py turns every skip into a failure
when CI=true."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from site_builder.stages import phone_preview as preview

# Reports every CSP violation the page sees into window.__csp (read back by the test).
CSP_RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def missing(what: str) -> None:
    """Skip on a developer's machine without the tool (a failure in CI: see tests/conftest.py)."""
    pytest.skip(f"{what} is not installed (scripts/install.sh --test installs it)")


def chromium_path() -> str:
    path = preview.chromium_path()
    if not path or not Path(path).is_file():
        missing(f"Chromium ({path or preview.DEFAULT_CHROMIUM})")
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


def stop(proc: subprocess.Popen) -> None:
    """Stop a server started for a test: politely, then for sure."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


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
        browser = pw.chromium.launch(executable_path=path, args=preview.launch_args())
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
