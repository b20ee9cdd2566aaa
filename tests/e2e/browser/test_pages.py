"""Every generated page, one pass each on the smallest phone, in light and dark: nothing goes to another origin,
nothing is stored, no console error or CSP violation, nothing scrolls sideways, tap targets are big enough,
and axe-core finds no WCAG 2.1 A/AA violation. Then the Nu Html Checker on every page, and the page weight."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import AXE, VNU, assert_clean_state, missing, no_horizontal_scroll, small_tap_targets

PHONE = "iPhone SE"  # the narrowest: 320 CSS px
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BUDGET = 14 * 1024  # bytes, gzip: what fits the first round trip of a cold connection


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        missing(f"{AXE} is missing: npm ci")
    return AXE.read_text(encoding="utf-8")


def run_axe(page, axe_source: str, within: str = "document") -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now.

    axe is put in with page.evaluate: that goes through the DevTools protocol, which the page's own CSP does
    not govern, so the CSP stays on (no bypass_csp) and the check sees the page exactly as a visitor does."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    result = page.evaluate("""([within, tags]) => axe.run(within === "document" ? document : within,
        {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
        .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)})))""",
                           [within, AXE_TAGS])
    return result


def check_page(site, new_context, device: dict, path: str, axe_source: str) -> list[str]:
    """Load and use one page in a fresh context, in light then dark; every problem found, as text."""
    context, watch = new_context(**device, color_scheme="light")
    page = context.new_page()
    url = site.base + path
    response = page.goto(url, wait_until="load")
    problems = [] if response.status == 200 else [f"HTTP {response.status}"]
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        if page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") != (scheme == "dark"):
            problems.append(f"the {scheme} colour scheme is not in effect")
        if not no_horizontal_scroll(page):
            problems.append("wider than the screen")
        small, _ = small_tap_targets(page)
        violations = run_axe(page, axe_source)
        if page.locator("#c-service").count():
            # use the page: tick the boxes, so the chat link shows, and check it too
            page.locator("#c-service").set_checked(True)
            page.locator("#c-marketing").set_checked(True)
            violations += run_axe(page, axe_source, ".actions")
            small += small_tap_targets(page)[0]
            page.locator("#c-marketing").set_checked(False)
            page.locator("#c-service").set_checked(False)
        problems += [f"tap target under 44 x 44 px: {t}" for t in small]
        problems += [f"axe, {scheme}: {v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in violations]
    page.wait_for_timeout(50)  # let a late CSP report arrive
    try:
        assert_clean_state(context, page)
    except AssertionError as exc:
        problems.append(f"stored something: {exc}")
    loaded = {r.url.removeprefix(site.base) for r in watch.responses}
    if not loaded <= {path, "logo.svg", "favicon.png"}:  # the favicon: browsers ask for one on every page anyway
        problems.append(f"loads more than itself, the logo and the favicon: {sorted(loaded)}")
    problems += [f"request to another origin: {u}" for u in watch.foreign]
    problems += [f"CSP violation: {c}" for c in watch.csp] + [f"console: {c}" for c in watch.console]
    if watch.whatsapp:
        problems.append(f"went to WhatsApp without a tap: {watch.whatsapp}")
    context.close()
    return problems


def test_every_page_private_and_accessible(site, new_context, devices, axe_source):
    pages = site.pages()
    assert len(pages) >= 10 and "index.html" in pages and "en/index.html" in pages
    found = {path: check_page(site, new_context, devices[PHONE], path, axe_source) for path in pages}
    found = {path: problems for path, problems in found.items() if problems}
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_nu_html_checker_finds_no_error(site):
    java = shutil.which("java")
    if not VNU.is_file() or not java:
        missing(f"the Nu Html Checker needs {VNU} (npm ci) and java")
    pages = [site.folder / p for p in site.pages()]
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or result.stdout)
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in report["messages"]]
    assert errors == [] and result.returncode == 0, "\n".join(errors)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_page_weight_in_the_browser(lang, site, new_context, devices, capsys):
    context, watch = new_context(**devices[PHONE])
    page = context.new_page()
    page.goto(site.url(lang), wait_until="load")
    bodies = {r.url.removeprefix(site.base): r.body() for r in watch.responses}
    raw = sum(len(b) for b in bodies.values())
    packed = sum(len(gzip.compress(b, 9, mtime=0)) for b in bodies.values())
    with capsys.disabled():
        parts = ", ".join(f"{name} {len(b)} B" for name, b in bodies.items())
        print(f"\n  page weight {lang}: {len(bodies)} responses ({parts}): {raw} B = {raw / 1024:.1f} KB raw, "
              f"{packed} B = {packed / 1024:.1f} KB gzip -9 (budget {BUDGET // 1024} KB)")
    assert set(bodies) >= {site.url(lang).removeprefix(site.base)}
    assert packed <= BUDGET
    watch.assert_private()
