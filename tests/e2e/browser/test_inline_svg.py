"""The QR SVG from output/print/ pasted inline into the landing page: valid HTML, and it still scans."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image

from .conftest import VNU, missing


def page_with_inline_qr(built_example: Path, tmp_path: Path) -> Path:
    index = (built_example / "site" / "index.html").read_text(encoding="utf-8")
    svg = (built_example / "print" / "qr-poster.svg").read_text(encoding="utf-8")
    assert "</main>" in index
    site = tmp_path / "site"
    if not site.exists():
        shutil.copytree(built_example / "site", site)  # so the page's own logo still loads
    page = site / "index-with-qr.html"
    page.write_text(index.replace("</main>", f'<figure class="qr">{svg}</figure>\n</main>', 1), encoding="utf-8")
    return page


def test_inline_svg_is_valid_html(built_example, tmp_path):
    java = shutil.which("java")
    if not VNU.is_file() or not java:
        missing(f"the Nu Html Checker needs {VNU} (npm ci) and java")
    page = page_with_inline_qr(built_example, tmp_path)
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", str(page)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert messages == [], messages


def test_inline_svg_renders_and_decodes_in_the_browser(built_example, tmp_path, browser):
    page_file = page_with_inline_qr(built_example, tmp_path)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(page_file.as_uri())
        svg = page.locator("figure.qr svg")
        box = svg.bounding_box()
        assert box and box["width"] > 50, box  # 20 mm at 96 CSS px per inch is about 76 px
        image = Image.open(io.BytesIO(svg.screenshot()))
        assert [r.text for r in zxingcpp.read_barcodes(image)] == ["https://www.schreinerei-muster.de/whatsapp/?s=p"]
        assert errors == []
    finally:
        context.close()
