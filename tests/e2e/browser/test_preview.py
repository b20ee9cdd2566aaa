"""`site-builder build --preview`: the owner gets pictures of the landing page on three phones, in each
language, light and dark, in output/preview/ (the first screen at the phone's pixel density and the whole
page), and preview/index.html, a contact sheet of the first screens and the poster previews."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from PIL import Image, ImageStat

from site_builder.stages.phone_preview import BROWSER_ENV, LABELS, device_slug, phone

from conftest import copy_example, run_process
from .conftest import PHONES

LANGS = ("de", "en")
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def preview_build(tmp_path_factory, browser):
    """The example built once with --preview (German messages: the progress lines are read in German)."""
    folder = copy_example(tmp_path_factory.mktemp("preview") / "site")
    result = run_process("build", "--preview", cwd=folder, env={"LANGUAGE": "de"})
    assert result.returncode == 0, result.stderr
    return folder, result


class Sheet(HTMLParser):
    """What a reader of the contact sheet meets: pictures, links, captions, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []
        self.captions: list[str] = []
        self.tags: set[str] = set()
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        if tag == "a":
            self.links.append(attrs["href"])
        if tag == "link" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "figcaption":
            self._caption = []

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._caption is not None:
            self.captions.append("".join(self._caption))
            self._caption = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)


def test_build_preview_writes_first_screens_whole_pages_and_a_sheet(preview_build, playwright):
    folder, result = preview_build
    preview = folder / "output" / "preview"
    assert "24 PNG" in result.stdout
    expected = {f"{device_slug(name)}-{lang}-{scheme}{end}" for name in PHONES for lang in LANGS
                for scheme in SCHEMES for end in (".png", "-first-screen.png")} | {"index.html"}
    assert {p.name for p in preview.iterdir()} == expected
    assert (folder / "output" / "site" / "index.html").is_file()
    for name in PHONES:
        options = phone(playwright, name)
        width, height = options["viewport"]["width"], options["viewport"]["height"]
        scale = options["device_scale_factor"]
        if name == "iPhone SE":  # the 2nd generation, not Playwright's 320x568 first one
            assert (width, height, scale) == (375, 667, 2)
        for lang in LANGS:
            brightness = {}
            for scheme in SCHEMES:
                whole = preview / f"{device_slug(name)}-{lang}-{scheme}.png"
                data = whole.read_bytes()
                assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
                assert struct.unpack(">II", data[16:24])[0] == width  # one image pixel per CSS pixel
                with Image.open(whole) as image:
                    assert image.height >= height  # the whole page, at least a screen
                with Image.open(preview / f"{device_slug(name)}-{lang}-{scheme}-first-screen.png") as image:
                    image.load()
                    # the viewport only, at the phone's density (Chromium rounds 412 x 2.625 = 1081.5)
                    assert abs(image.width - width * scale) <= 1 and abs(image.height - height * scale) <= 1, \
                        (name, image.size)
                    brightness[scheme] = ImageStat.Stat(image.convert("L")).mean[0]
            assert brightness["dark"] < 100 < brightness["light"], (name, lang, brightness)
    with Image.open(preview / "iphone-se-de-light-first-screen.png") as image:
        assert image.size == (750, 1334)


def test_the_progress_shows_a_line_per_phone_and_the_sheet(preview_build):
    _, result = preview_build
    lines = result.stderr.splitlines()
    for n, name in enumerate(PHONES, 1):
        label = LABELS.get(name, name)
        assert f"  Vorschau {n}/3: {label} (de, en; hell und dunkel) ..." in lines, result.stderr
    assert "iPhone SE (2nd gen.)" in result.stderr
    order = [next(i for i, line in enumerate(lines) if f"{n}/3" in line) for n in (1, 2, 3)]
    assert order == sorted(order)  # while it works: one phone after the other
    assert "Kontaktbogen preview/index.html (12 erste Bildschirme, 6 Plakate)" in result.stderr


def test_the_contact_sheet_shows_every_first_screen_and_poster(preview_build):
    folder, _ = preview_build
    preview = folder / "output" / "preview"
    sheet = Sheet()
    sheet.feed((preview / "index.html").read_text(encoding="utf-8"))
    posters = sorted(p.name for p in (folder / "output" / "print").glob("poster-*.png"))
    assert len(posters) == 6  # A4, A5, A6 in two languages
    firsts = sorted(p.name for p in preview.glob("*-first-screen.png"))
    assert len(firsts) == 12
    assert set(firsts) <= set(sheet.images)
    assert {f"../print/{name}" for name in posters} <= set(sheet.images)
    for ref in sheet.images + sheet.links:
        assert "://" not in ref and not ref.startswith(("/", "//", "data:")), ref  # relative links only
        assert (preview / ref).resolve().is_file(), ref
    assert "script" not in sheet.tags
    for name in PHONES:
        for lang in LANGS:
            for scheme in ("hell", "dunkel"):  # the sheet speaks the site's default language, German
                assert any(LABELS.get(name, name) in c and f", {lang}, {scheme}" in c for c in sheet.captions), \
                    (name, lang, scheme, sheet.captions)
    assert "Plakat A4, de" in sheet.captions and "Plakat A6, en" in sheet.captions


def test_the_contact_sheet_opens_in_a_browser_without_scripts_or_other_origins(preview_build, browser):
    folder, _ = preview_build
    sheet = (folder / "output" / "preview" / "index.html").resolve()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(sheet.as_uri(), wait_until="load")
    # Every picture arrived: the images' natural sizes, read through the protocol, not a page script
    sizes = [page.locator("img").nth(i).evaluate("img => [img.complete, img.naturalWidth]")
             for i in range(page.locator("img").count())]
    context.close()
    # 12 first screens, each with the start of its whole page below the fold, and 6 posters
    assert len(sizes) == 12 + 12 + 6 and all(done and width > 0 for done, width in sizes), sizes
    assert requests and all(url.startswith("file://") for url in requests), requests


def test_the_contact_sheet_marks_the_fold_and_the_page_length(preview_build, browser):
    """Issue 24: under each first screen a dashed line says where the first screen ends (at its phone's
    height, scaled as the picture is), followed by the start of the rest of the page; the caption gives
    the page's length. The example's decision lies above every fold: no warning, on the sheet or the terminal."""
    folder, result = preview_build
    preview = folder / "output" / "preview"
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto((preview / "index.html").resolve().as_uri(), wait_until="load")
    figures = page.locator("figure:has(.fold)")
    assert figures.count() == 12
    for i in range(12):
        figure = figures.nth(i)
        first = figure.locator("img").first.bounding_box()
        fold = figure.locator(".fold").bounding_box()
        assert abs(fold["y"] - (first["y"] + first["height"])) <= 2  # the line sits where the first screen ends
        caption = figure.locator("figcaption").inner_text()
        whole = figure.locator("figcaption a").get_attribute("href")
        with Image.open(preview / whole) as image:
            assert f"Seite {image.height} px" in caption, caption
        height = int(figure.locator(".fold").inner_text().split("·")[1].split()[0])
        assert height in (667, 664, 839) and "Ende des ersten Bildschirms" in figure.locator(".fold").inner_text()
    assert page.locator(".warn").count() == 0
    context.close()
    assert "unter dem ersten Bildschirm" not in result.stderr


def test_the_preview_warns_when_the_decision_falls_below_the_fold(tmp_path):
    """A first layer too long for the small phone: the terminal and the sheet name what lies below its fold."""
    folder = copy_example(tmp_path / "site")
    index = folder / "content" / "de" / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace('first_layer = """', 'first_layer = """' + "Ein sehr langer Hinweis. " * 30, 1),
                     encoding="utf-8")
    result = run_process("build", "--preview", cwd=folder, env={"LANGUAGE": "en"})
    assert result.returncode == 0, result.stderr
    assert "  preview: iPhone SE (2nd gen.), de: below the first screen: " in result.stderr
    line = next(line for line in result.stderr.splitlines() if "iPhone SE (2nd gen.), de: below" in line)
    assert "Chat starten" in line and "content/de/index.md" in line
    assert ", en: below" not in result.stderr  # the English page is as it was
    sheet = (folder / "output" / "preview" / "index.html").read_text(encoding="utf-8")
    warned = [line for line in result.stderr.splitlines() if ", de: below the first screen" in line]
    assert sheet.count('class="warn">Achtung: unter dem ersten Bildschirm: ') == 2 * len(warned)  # light and dark


def test_a_second_preview_takes_new_pictures(preview_build):
    """The pictures show this build, never the previous one's (the last test of the shared build: it alters it)."""
    folder, _ = preview_build
    preview = folder / "output" / "preview"
    stale = b"stale picture of an earlier build"
    for name in ("index.html", "pixel-7-en-dark-first-screen.png", "iphone-se-de-light.png"):
        (preview / name).write_bytes(stale)
    result = run_process("build", "--preview", cwd=folder, env={"LANGUAGE": "en"})
    assert result.returncode == 0, result.stderr
    assert "preview 3/3: Pixel 7" in result.stderr
    for name in ("index.html", "pixel-7-en-dark-first-screen.png", "iphone-se-de-light.png"):
        assert (preview / name).read_bytes() != stale, name


def test_a_contact_sheet_wording_without_its_keys_names_them(tmp_path):
    folder = copy_example(tmp_path / "site")
    override = folder / "wording" / "preview" / "de" / "sheet.toml"
    override.parent.mkdir(parents=True)
    override.write_text('title = "Vorschau"\n', encoding="utf-8")
    result = run_process("build", "--preview", cwd=folder, env={"LANGUAGE": "en"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    # the site's own file, named relative to the site's folder
    assert ("\nwording/preview/de/sheet.toml: sheet: the contact sheet's texts are missing: intro, first_screens, posters, poster, "
            "posters_missing, light, dark, full_page (copy site_builder/wording/preview/de/sheet.toml") in result.stderr
    assert not (folder / "output").exists()


def test_a_missing_chromium_names_the_command_that_installs_it(tmp_path):
    folder = copy_example(tmp_path / "site")
    result = run_process("build", "--preview", cwd=folder, env={BROWSER_ENV: str(tmp_path / "no-such-chromium"),
                                                           "LANGUAGE": "en"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--preview: browser: Chromium could not be started" in result.stderr
    assert "apt-get install chromium" in result.stderr and BROWSER_ENV in result.stderr
    assert not (folder / "output").exists()  # a failed preview writes nothing


def test_a_missing_playwright_names_the_command_that_installs_it(tmp_path):
    folder = copy_example(tmp_path / "site")
    # The same CLI in a process where `import playwright` fails, as in an install without the extra
    blocked = ("import sys; sys.modules['playwright'] = None; sys.argv[0] = 'site-builder'; "
               "from site_builder.cli import run; run()")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "LANGUAGE": "en"}
    result = subprocess.run([sys.executable, "-c", blocked, "build", "--preview"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--preview: playwright: Playwright is not installed" in result.stderr
    assert ".venv/bin/pip install -e '.[preview]'" in result.stderr
    assert not (folder / "output").exists()
