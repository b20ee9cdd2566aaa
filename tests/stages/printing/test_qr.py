"""QR codes: what a printer and a phone camera see (real decoder, no mocks)."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader

from site_builder.problems import InputError, Problem

from site_builder.stages.printing import symbol
from site_builder.stages.printing.layout import printable_modules
from site_builder.stages.printing.qr import (
    MIN_MODULE_MM,
    module_size_mm,
    png_pixels_per_module,
    qr_image,
    qr_matrix,
    qr_pdf,
    qr_png,
    qr_svg,
    qr_with_logo,
)

URL = "https://www.tischlerei-mustermann-beispiel.de/whatsapp/?s=r"  # 59 characters
MM = 72 / 25.4
QUIET_ZONE = 4  # ISO/IEC 18004, deliberately not imported from the code under test


def problem_of(call) -> Problem:
    """The one problem `call` stops with."""
    with pytest.raises(InputError) as caught:
        call()
    (problem,) = caught.value.problems
    return problem


def decode(image: Image.Image) -> list[str]:
    """Dark-on-light QR codes only: an inverted code would not count."""
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return [barcode.text for barcode in found]


def render(pdf: bytes, dpi: int = 300) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=dpi / 72, grayscale=True).to_pil().copy()
    document.close()
    return image


def logo_png(width: int = 120, height: int = 80) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, width - 1, height - 1), fill=(200, 30, 30, 255))
    draw.text((width // 3, height // 3), "TM", fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def matrix() -> list[list[bool]]:
    return qr_matrix(URL)


def test_matrix_has_no_quiet_zone_and_starts_with_a_finder_pattern(matrix):
    assert len(matrix) == 33 and all(len(row) == 33 for row in matrix)  # version 4 at level M
    assert matrix[0][:7] == [True] * 7 and matrix[6][:7] == [True] * 7
    assert [row[0] for row in matrix[:7]] == [True] * 7
    assert matrix[1][1:6] == [False] * 5  # the finder's light ring: no border was added


def test_higher_error_correction_needs_more_modules():
    assert len(qr_matrix(URL, "H")) > len(qr_matrix(URL, "M")) > len(qr_matrix(URL, "L")) - 1


def test_module_size_counts_the_quiet_zone(matrix):
    assert module_size_mm(matrix, 20) == pytest.approx(20 / (33 + 2 * QUIET_ZONE))


def test_print_rule_accepts_the_invoice_code_and_rejects_a_long_url():
    assert printable_modules(URL, 20, "M", "site.toml", "print.code_invoice") == 33
    problem = problem_of(lambda: printable_modules("https://example.de/" + "a" * 600, 20, "M", "site.toml",
                                                   "print.code_invoice"))
    assert problem.file == "site.toml" and problem.where == "site.base_url"
    assert "invoice code" in problem.what and "0.339 mm" in problem.what and "300 dpi" in problem.what
    assert MIN_MODULE_MM == pytest.approx(0.3387, abs=1e-4)


def test_text_too_long_for_any_qr_code_names_the_key():
    problem = problem_of(lambda: qr_matrix("x" * 5000, source="my/site.toml"))
    assert str(problem).startswith("my/site.toml: site.base_url: ") and str(problem).endswith(")")
    assert symbol.version("x" * 5000, "M") is None


TEXTS = ["https://www.tischlerei-mustermann-beispiel.de/whatsapp/?s=r", "https://a.de/?s=p", "x", "12345",
         "HTTPS://EXAMPLE.DE/" + "A" * 30, "https://example.de/" + "1" * 45 + "/?s=r", "ÄÖÜ-äöü-ß" * 7,
         "https://example.de/" + "a" * 300, "0" * 20, "AB" * 10, "A1" * 40 + "zz" + "9" * 70]


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_the_size_the_rules_plan_is_the_size_drawn(level):
    for text in TEXTS:
        assert symbol.modules(symbol.version(text, level)) == len(qr_matrix(text, level)), text


# --------------------------------------------------------------------------- SVG


def _paint_svg_path(svg: str, pixels_per_module: int) -> Image.Image:
    """Rasterise our own path data (rectangles only), to prove the geometry is the code."""
    root = ET.fromstring(svg)
    _, _, width, height = (int(v) for v in root.get("viewBox").split())
    image = Image.new("L", (width * pixels_per_module, height * pixels_per_module), 255)
    draw = ImageDraw.Draw(image)
    (path,) = root.iter("{http://www.w3.org/2000/svg}path")
    d = path.get("d")
    rects = re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-(\d+)z", d)
    assert "".join(f"M{x} {y}h{w}v{h}h-{w2}z" for x, y, w, h, w2 in rects) == d
    for x, y, w, h, _ in rects:
        x, y, w, h = int(x), int(y), int(w), int(h)
        assert x >= QUIET_ZONE and y >= QUIET_ZONE
        assert x + w <= width - QUIET_ZONE and y + h <= height - QUIET_ZONE
        draw.rectangle(
            (x * pixels_per_module, y * pixels_per_module,
             (x + w) * pixels_per_module - 1, (y + h) * pixels_per_module - 1),
            fill=0,
        )
    return image


def test_svg_is_small_inline_safe_and_decodes(matrix):
    svg = qr_svg(matrix, 20)
    assert len(svg.encode()) < 5000
    assert "svg:" not in svg and " id=" not in svg and "<?xml" not in svg
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 41 41"
    assert root.get("width") == "20mm" and root.get("height") == "20mm"
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) == 1
    (background,) = root.iter("{http://www.w3.org/2000/svg}rect")
    assert background.get("fill") == "#fff" and background.get("width") == "41"
    assert next(root.iter("{http://www.w3.org/2000/svg}path")).get("fill") == "#000"
    assert decode(_paint_svg_path(svg, 6)) == [URL]


def test_svg_label_is_escaped(matrix):
    root = ET.fromstring(qr_svg(matrix, 20, label='Chat mit "Müller & Söhne"'))
    assert root.get("aria-label") == 'Chat mit "Müller & Söhne"' and root.get("role") == "img"


# --------------------------------------------------------------------------- PNG


@pytest.mark.parametrize("dpi", [300, 600])
def test_png_is_1bit_with_whole_square_modules_quiet_zone_and_dpi(matrix, dpi):
    data = qr_png(matrix, dpi, 20)
    image = Image.open(io.BytesIO(data))
    assert image.mode == "1"
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)
    assert "tIME" not in str(image.info)
    n = len(matrix) + 2 * QUIET_ZONE
    ppm = png_pixels_per_module(matrix, dpi, 20)
    assert ppm == math.ceil(20 / 25.4 * dpi / n)  # rounded up: at least 20 mm
    assert image.size == (n * ppm, n * ppm)
    assert image.width / dpi * 25.4 >= 20
    pixels = image.convert("L").load()
    border = QUIET_ZONE * ppm
    for i in range(image.width):
        for j in list(range(border)) + list(range(image.width - border, image.width)):
            assert pixels[i, j] == 255 and pixels[j, i] == 255
    # the top-left finder is 7x7 modules: as wide as it is high, in whole modules
    row = [pixels[x, border] for x in range(border, border + 8 * ppm)]
    column = [pixels[border, y] for y in range(border, border + 8 * ppm)]
    assert row.index(255) == column.index(255) == 7 * ppm
    assert decode(image) == [URL]


# --------------------------------------------------------------------------- PDF


def test_pdf_is_the_code_in_100_percent_k_and_decodes(matrix):
    pdf = qr_pdf(matrix, 20)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(20 * MM, abs=0.1 * MM)
    assert float(page.mediabox.height) == pytest.approx(20 * MM, abs=0.1 * MM)
    content = page.get_contents().get_data().decode("latin-1")
    assert "0 0 0 1 k" in content  # dark modules: CMYK 0/0/0/100
    assert " rg" not in content and " g\n" not in content  # no RGB or grey fills
    assert "/Helvetica" not in str(page["/Resources"])
    assert decode(render(pdf)) == [URL]


def test_invoice_code_at_20mm_decodes_after_blur(matrix):
    blurred = render(qr_pdf(matrix, 20)).filter(ImageFilter.GaussianBlur(1.5))
    assert decode(blurred) == [URL]


def test_same_input_same_bytes(matrix):
    assert qr_pdf(matrix, 20) == qr_pdf(qr_matrix(URL), 20)
    assert qr_png(matrix, 300, 20) == qr_png(qr_matrix(URL), 300, 20)
    assert qr_svg(matrix, 20) == qr_svg(qr_matrix(URL), 20)


# --------------------------------------------------------------------------- logo


def test_small_logo_at_h_decodes_and_keeps_off_the_finder_patterns():
    matrix, logo = qr_with_logo(URL, logo_png(), error_correction="H", coverage=0.15)
    n = len(matrix)
    assert logo.left >= 8 and logo.left + logo.size <= n - 8  # finder + separator are 8 wide
    assert logo.left == logo.top == (n - logo.size) // 2
    assert logo.size**2 <= 0.2 * n * n
    assert decode(qr_image(matrix, 6, logo)) == [URL]
    assert decode(Image.open(io.BytesIO(qr_png(matrix, 300, 25, logo=logo)))) == [URL]
    assert decode(render(qr_pdf(matrix, 25, logo=logo))) == [URL]
    # the logo really is in the picture: red pixels in the centre
    centre = qr_image(matrix, 6, logo).getpixel(((n + 8) * 3, (n + 8) * 3))
    assert centre[0] > 150 and centre[1] < 100


def test_logo_too_big_is_refused():
    problem = problem_of(lambda: qr_with_logo(URL, logo_png(), error_correction="H", coverage=0.30))
    assert problem.where == "print.qr_logo" and "30%" in problem.what


def test_logo_needs_error_correction_h():
    problem = problem_of(lambda: qr_with_logo(URL, logo_png(), error_correction="M"))
    assert problem.where == "print.qr_logo" and "H" in problem.fix


def test_svg_logo_is_refused_for_the_code(tmp_path):
    svg_logo = tmp_path / "logo.svg"
    svg_logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    problem = problem_of(lambda: qr_with_logo(URL, svg_logo, error_correction="H"))
    assert problem.where == "print.qr_logo" and "PNG or JPEG" in problem.fix
