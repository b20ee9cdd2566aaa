"""`site-builder serve`: a change to a text shows up in the served page (and in the open browser by
itself); a broken site.toml is reported while the last good build stays online."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import copy_example, tree_digest
from live import chromium, csp_violations, new_page, stop
from site_builder.stages.hosting import parse_csp
from site_builder.live_preview import EVENTS, inject

WAIT = 20.0  # seconds: generous for a loaded CI machine; a rebuild takes well under one


class Serve:
    """`python -m site_builder serve --port 0` in a site folder, its output collected line by line."""

    def __init__(self, folder: Path, *args: str):
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--port", "0", *args],
                                     cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self.wait_for_line(r"http://127\.0\.0\.1:\d+/").group(0)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, start: int = 0) -> re.Match:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if match := re.search(pattern, line):
                    return match
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in:\n{self.output()}")

    def get(self, path: str = "") -> tuple[int, dict[str, str], str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()

    def wait_for_page(self, text: str, path: str = "") -> float:
        """Seconds until the served page contains `text`."""
        started = time.monotonic()
        while time.monotonic() - started < WAIT:
            if text in self.get(path)[2]:
                return time.monotonic() - started
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in {self.url + path}; output:\n{self.output()}")

    def stop(self) -> None:
        stop(self.proc)
        self._reader.join(5)


@pytest.fixture
def served_site(tmp_path):
    folder = copy_example(tmp_path / "site")
    before = tree_digest(folder)
    server = Serve(folder)
    try:
        yield folder, server, before
    finally:
        server.stop()
    assert server.proc.returncode is not None  # the process is gone


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def heading(folder: Path) -> str:
    return re.search(r'^heading = "([^"]+)"', (folder / "content/de/index.md").read_text(encoding="utf-8"),
                     re.M).group(1)


def test_text_change_is_served_and_a_broken_config_keeps_the_last_good_build(served_site):
    folder, server, before = served_site
    status, headers, page = server.get()
    assert status == 200 and heading(folder) in page
    assert headers["cache-control"] == "no-store"

    edit(folder / "content/de/index.md", f'heading = "{heading(folder)}"', 'heading = "Frisch geänderter Text 4711"')
    seconds = server.wait_for_page("Frisch geänderter Text 4711")
    assert seconds < WAIT

    mark = len(server.lines)
    with (folder / "site.toml").open("a", encoding="utf-8") as f:
        f.write("\nbroken = \n")
    server.wait_for_line(r"site\.toml: line \d+, column \d+", mark)
    server.wait_for_line(r"still serving the last good build", mark)
    status, _, page = server.get()
    assert status == 200 and "Frisch geänderter Text 4711" in page  # the last good build
    _, _, events = _first_event(server.url)
    assert "site.toml: line" in events  # the open browser is told too

    edit(folder / "site.toml", "\nbroken = \n", "\n")
    edit(folder / "content/de/index.md", "Frisch geänderter Text 4711", "Wieder gut 4712")
    server.wait_for_page("Wieder gut 4712")
    # a preview writes nothing: no output/, no archived draft of the consent text
    assert not (folder / "output").exists()
    after = tree_digest(folder)
    assert {k for k in after if k.startswith("consent-versions")} == {k for k in before if k.startswith("consent-versions")}


def _first_event(url: str) -> tuple[int, str, str]:
    """Read the first server-sent event of the reload channel."""
    with urllib.request.urlopen(url.rstrip("/") + EVENTS, timeout=10) as response:
        lines = []
        while not lines or lines[-1] != "":
            lines.append(response.readline().decode().rstrip("\n"))
        return response.status, response.headers["content-type"], "\n".join(lines)


def test_served_pages_keep_the_security_rules(served_site):
    folder, server, _ = served_site
    status, headers, page = server.get()
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    header = parse_csp(headers["content-security-policy"])
    assert header["frame-ancestors"] == "'none'" and header["connect-src"] == "'self'"
    meta = parse_csp(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
                     .replace("&#x27;", "'").replace("&#39;", "'"))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2  # the page's own, and the live reload
    for script in scripts:  # each one allowed by its hash, nothing inline allowed wholesale
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in meta["script-src"]
    assert "unsafe" not in meta["script-src"] + meta["style-src"]
    for path in (".htaccess", "_headers", "records/", ".site-builder-output", "../site.toml"):
        assert server.get(path)[0] == 404, path
    assert server.get("en")[0] == 200  # redirected to en/
    status, content_type, first = _first_event(server.url)
    assert status == 200 and content_type == "text/event-stream" and '"generation": 1' in first


def test_the_open_browser_reloads_itself_and_shows_problems(served_site):
    folder, server, _ = served_site
    with chromium() as browser:
        from playwright.sync_api import expect

        console: list[str] = []
        page = new_page(browser, console)
        page.goto(server.url)
        page.wait_for_timeout(300)  # let the reload channel connect
        edit(folder / "content/de/index.md", f'heading = "{heading(folder)}"', 'heading = "Live neu geladen 815"')
        # expect() polls from Playwright's own world: a page-world eval would be (rightly) refused by the CSP
        expect(page.locator("h1")).to_contain_text("Live neu geladen 815", timeout=WAIT * 1000)
        assert csp_violations(page, console) == []
        page.wait_for_timeout(300)
        with (folder / "site.toml").open("a", encoding="utf-8") as f:
            f.write("\nbroken = \n")
        page.wait_for_selector("pre[role=alert]", timeout=WAIT * 1000)
        assert "site.toml: line" in page.text_content("pre[role=alert]")
        assert "Live neu geladen 815" in page.text_content("h1")  # still the last good page
        assert csp_violations(page, console) == []
        assert page.evaluate("document.cookie") == "" and page.evaluate("localStorage.length") == 0


def test_inject_only_touches_the_served_copy():
    page = (b'<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; '
            b'script-src &#39;none&#39;"></head><body><p>x</p></body></html>')
    served = inject(page, 3).decode()
    assert served.index("<script>") < served.index("</body>")
    policy = parse_csp(re.search(r'content="([^"]+)"', served).group(1).replace("&#x27;", "'"))
    assert policy["script-src"].startswith("'sha256-") and "'none'" not in policy["script-src"]
    assert policy["connect-src"] == "'self'" and policy["default-src"] == "'none'"


def test_a_port_in_use_is_a_clear_usage_error(tmp_path):
    folder = copy_example(tmp_path / "site")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "site_builder", "serve", "--port", str(port)], cwd=folder,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"--port {port}" in result.stderr and "Traceback" not in result.stderr


def test_a_site_broken_from_the_start_shows_its_problems_in_the_browser(tmp_path):
    folder = copy_example(tmp_path / "site")
    with (folder / "site.toml").open("a", encoding="utf-8") as f:
        f.write("\nbroken = \n")
    server = Serve(folder)
    try:
        server.wait_for_line(r"still serving the last good build")
        status, headers, page = server.get()
        assert status == 503 and headers["content-type"] == "text/html; charset=utf-8"
        assert "The site could not be built" in page and "site.toml: line" in page
        assert server.get("de/")[0] == 503  # every page: there is no good build to show
        edit(folder / "site.toml", "\nbroken = \n", "\n")
        server.wait_for_page(heading(folder))  # fixed: the site itself, without a restart
        assert server.get()[0] == 200
    finally:
        server.stop()
