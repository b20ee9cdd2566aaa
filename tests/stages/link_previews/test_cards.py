"""The link-preview cards and the icons: the pictures a chat or a browser shows, and how cheaply a cold build
makes them (no image plugins or SVG libraries imported beyond those the pictures need)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from PIL import Image, ImageChops

from conftest import EXAMPLE, ROOT
from site_builder.stages.link_previews.cards import CARD_SIZE, _icon_png, _png, card_png, icon_pngs, media_files

LOGO = EXAMPLE / "logo.svg"
BROWN = (0x8A, 0x4B, 0x0F)  # the example's theme.primary


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


def test_the_card_shows_the_brand_colour_round_a_white_panel_and_stays_small():
    data = card_png("Schreinerei Muster", "Termine und Fragen per WhatsApp", LOGO, "#8a4b0f")
    card = picture(data)
    assert card.size == CARD_SIZE
    assert card.getpixel((5, 5)) == BROWN and card.getpixel((CARD_SIZE[0] - 5, CARD_SIZE[1] - 5)) == BROWN
    assert card.getpixel((CARD_SIZE[0] - 60, CARD_SIZE[1] // 2)) == (255, 255, 255)
    assert len(data) < 150_000  # link previews take a few hundred KB at most; the example's card is ~51 KB


def brownish(pixel: tuple[int, int, int]) -> bool:
    """The logo's brown, #8a4b0f, as the web page shows it (not lightened by the posters' CMYK conversion)."""
    return all(abs(got - want) <= 2 for got, want in zip(pixel, (0x8A, 0x4B, 0x0F)))


def test_the_logo_on_the_card_is_the_svg_drawn_in_its_colours():
    card = picture(card_png("Muster", "", LOGO, "#1f6f43"))
    # the logo's box is 200 pt at (90, 90) from the top left, on the white panel; its brown square fills it
    assert card.getpixel((92, 92)) == (255, 255, 255)  # the square's rounded corner
    assert brownish(card.getpixel((150, 150))) and brownish(card.getpixel((260, 130)))


def test_icons_are_the_right_sizes_opaque_and_the_ico_holds_three():
    icons = icon_pngs("Muster", LOGO, "#8a4b0f")
    touch, favicon = Image.open(io.BytesIO(icons["apple-touch-icon.png"])), Image.open(io.BytesIO(icons["favicon.png"]))
    assert touch.size == (180, 180) and favicon.size == (48, 48)
    assert "transparency" not in touch.info and touch.mode in ("RGB", "P")  # iOS wants an opaque icon
    assert touch.convert("RGB").getpixel((2, 2)) == (255, 255, 255)
    assert brownish(touch.convert("RGB").getpixel((30, 30))) and brownish(touch.convert("RGB").getpixel((150, 150)))
    ico = Image.open(io.BytesIO(icons["favicon.ico"]))
    assert ico.format == "ICO" and sorted(ico.info["sizes"]) == [(16, 16), (32, 32), (48, 48)]


def test_icon_and_card_pngs_keep_every_pixel():
    flat = Image.new("RGB", (180, 180), (255, 255, 255))
    for i in range(200):  # 200 colours: a palette PNG
        flat.putpixel((i % 180, i // 180), (i, 255 - i, (7 * i) % 256))
    many = Image.new("RGB", (180, 180))
    many.putdata([(i % 256, (i // 256) % 256, (3 * i) % 256) for i in range(180 * 180)])  # > 256 colours: RGB
    for image in (flat, many):
        assert same_pixels(Image.open(io.BytesIO(_icon_png(image))), image)
        assert same_pixels(Image.open(io.BytesIO(_png(image))), image)
    assert Image.open(io.BytesIO(_icon_png(flat))).mode == "P"
    assert Image.open(io.BytesIO(_icon_png(many))).mode == "RGB"


def _fresh_python(code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_drawing_the_media_imports_only_the_image_plugins_it_needs():
    found = _fresh_python(f"""
import json, sys
from pathlib import Path
from site_builder.stages.link_previews.cards import media_files
files = media_files("Muster", {{"de": "Fragen per WhatsApp"}}, Path({str(LOGO)!r}), "#8a4b0f", {{"de": ""}})
print(json.dumps({{"files": sorted(files),
                  "plugins": sorted(m for m in sys.modules if m.startswith("PIL.") and m.endswith("ImagePlugin"))}}))
""")
    assert found["files"] == ["site/apple-touch-icon.png", "site/card-de.png", "site/favicon.ico", "site/favicon.png"]
    # Image.init() would have imported all ~50 (PDF, DDS, AVIF, ...); save() only needs PNG and ICO
    assert "PIL.DdsImagePlugin" not in found["plugins"] and "PIL.PdfImagePlugin" not in found["plugins"]
    assert {"PIL.PngImagePlugin", "PIL.IcoImagePlugin"} <= set(found["plugins"])


def test_media_files_put_each_card_in_its_language_folder():
    files = media_files("Muster", {"de": "A", "en": "B"}, None, "#336699", {"de": "", "en": "en/"})
    assert sorted(files) == ["site/apple-touch-icon.png", "site/card-de.png", "site/en/card-en.png",
                             "site/favicon.ico", "site/favicon.png"]
    assert picture(files["site/en/card-en.png"]).getpixel((5, 5)) == (0x33, 0x66, 0x99)


@pytest.mark.slow
def test_raster_logos_in_every_accepted_format_open_without_loading_every_plugin(tmp_path):
    for ext in ("png", "jpg", "gif", "webp"):
        Image.new("RGB", (120, 60), (200, 30, 30)).save(tmp_path / f"logo.{ext}")
    found = _fresh_python(f"""
import json, sys
from pathlib import Path
from site_builder.graphics.logo import load_logo_image
sizes = {{ext: list(load_logo_image(Path({str(tmp_path)!r}) / f"logo.{{ext}}").size) for ext in ("png", "jpg", "gif", "webp")}}
print(json.dumps({{"sizes": sizes, "all_plugins": "PIL.DdsImagePlugin" in sys.modules}}))
""")
    assert found["sizes"] == {"png": [120, 60], "jpg": [120, 60], "gif": [120, 60], "webp": [120, 60]}
    assert found["all_plugins"] is False
