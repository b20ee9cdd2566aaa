"""Posters checked the way a print shop and a phone would: page boxes, content, logos, inviting a scan."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from PIL import Image
from pypdf import PdfReader

from site_builder.stages.printing.print_model import PosterSpec
from site_builder.stages.printing.posters import poster_layout, poster_pdf, poster_preview_png

from .conftest import (BENEFITS, EXAMPLE_LOGO, LONG_NAME, MM, POSTER_URL, SIZES, TEXTS_DE, TEXTS_EN,
                       assert_fonts_embedded, boxes_mm, decode, decode_with_position, fonts_of, page_text,
                       poster, print_problems, problem_of, render)


# --------------------------------------------------------------------------- page boxes


@pytest.mark.parametrize("paper", ["A4", "A5", "A6"])
@pytest.mark.parametrize("bleed", [0, 3, 5])
def test_page_is_trim_plus_bleed_with_exact_boxes(paper, bleed):
    w, h = SIZES[paper]
    boxes = boxes_mm(poster_pdf(poster(paper=paper, bleed_mm=bleed)))
    assert boxes["mediabox"] == pytest.approx((0, 0, w + 2 * bleed, h + 2 * bleed), abs=0.1)
    assert boxes["bleedbox"] == pytest.approx(boxes["mediabox"], abs=0.1)
    assert boxes["trimbox"] == pytest.approx((bleed, bleed, bleed + w, bleed + h), abs=0.1)


@pytest.mark.parametrize("paper", ["A4", "A6"])
@pytest.mark.parametrize("bleed", [0, 3, 5])
def test_crop_variant_adds_a_slug_and_keeps_boxes(paper, bleed):
    w, h = SIZES[paper]
    boxes = boxes_mm(poster_pdf(poster(paper=paper, bleed_mm=bleed, crop_marks=True)))
    slug = 10
    assert boxes["mediabox"] == pytest.approx((0, 0, w + 2 * (bleed + slug), h + 2 * (bleed + slug)), abs=0.1)
    assert boxes["bleedbox"] == pytest.approx((slug, slug, slug + w + 2 * bleed, slug + h + 2 * bleed), abs=0.1)
    o = slug + bleed
    assert boxes["trimbox"] == pytest.approx((o, o, o + w, o + h), abs=0.1)


def test_crop_marks_sit_outside_the_bleed_on_the_trim_lines():
    bleed, slug, dpi = 3, 10, 150
    image = render(poster_pdf(poster(bleed_mm=bleed, crop_marks=True)), dpi).convert("L")
    px = dpi / 25.4
    trim_left = (slug + bleed) * px
    trim_top = (slug + bleed) * px
    # along the top trim line, out in the slug (left of the bleed): a mark
    mark = [image.getpixel((int(trim_left - d * px), round(trim_top))) for d in (bleed + 4, bleed + 6)]
    assert max(mark) < 200
    # inside the bleed, and at the page corner: nothing printed
    for x_mm, y_mm in ((slug + 1, slug + bleed), (slug + bleed, slug + 1), (1, 1)):
        assert image.getpixel((round(x_mm * px), round(y_mm * px))) > 250


# --------------------------------------------------------------------------- content


def test_poster_decodes_with_square_modules_of_the_planned_size():
    spec = poster(paper="A5")
    layout = poster_layout(spec)
    assert layout.qr_size_mm >= 100  # A5 default scan distance 100 cm / 10
    image = render(poster_pdf(spec), 300)
    barcode = decode_with_position(image)
    assert barcode.text == POSTER_URL
    p = barcode.position
    width = ((p.top_right.x - p.top_left.x) ** 2 + (p.top_right.y - p.top_left.y) ** 2) ** 0.5
    height = ((p.bottom_left.x - p.top_left.x) ** 2 + (p.bottom_left.y - p.top_left.y) ** 2) ** 0.5
    assert width == pytest.approx(height, rel=0.01)
    symbol_px = 33 * layout.module_mm / 25.4 * 300  # 33 modules, corners as zxing reports them
    assert width == pytest.approx(symbol_px, rel=0.05)


def test_everything_stays_in_the_safe_area_and_the_band_runs_into_the_bleed():
    bleed, dpi = 3, 100
    spec = poster(business_name=LONG_NAME, bleed_mm=bleed, primary_color="#c0392b")
    image = render(poster_pdf(spec), dpi).convert("RGB")
    px = dpi / 25.4
    w, h = SIZES["A6"]
    safe = 5  # mm inside trim, the least margin we promise
    band_top = h + bleed - 4.44  # band is max(4, 3 % of height) mm tall, from the trim's foot
    for y in range(image.height):
        y_mm = y / px
        if y_mm > band_top - 1:
            continue
        for x in range(image.width):
            r, g, b = image.getpixel((x, y))
            if r + g + b < 600:  # printed
                x_mm = x / px
                assert bleed + safe <= x_mm <= bleed + w - safe, (x_mm, y_mm)
                assert bleed + safe <= y_mm, (x_mm, y_mm)
    # the band covers the bleed corner and is coloured, not black
    corner = image.getpixel((1, image.height - 2))
    assert corner[0] > corner[2] + 50 and corner != (255, 255, 255)


def test_poster_text_is_german_and_fonts_are_embedded():
    pdf = poster_pdf(poster(business_name="Bäckerei Groß – Brötchen ab 0,40 €"))
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Bäckerei Groß – Brötchen ab 0,40 €" in text
    assert "Schreiben Sie uns auf WhatsApp" in text
    assert "Einwilligung" in text
    assert_fonts_embedded(pdf)
    assert all("Helvetica" not in str(font["/BaseFont"]) for font in fonts_of(pdf))


def test_english_poster_has_english_text():
    text = PdfReader(io.BytesIO(poster_pdf(poster(texts=TEXTS_EN)))).pages[0].extract_text()
    assert "Message us on WhatsApp" in text and "consent" in text


def test_raster_logo_is_shown(tmp_path):
    png = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (20, 60, 200)).save(png)
    with_logo = render(poster_pdf(poster(logo_path=png)), 72).convert("RGB")
    raw = with_logo.tobytes()
    # the picture is placed in CMYK (as the band is): pdfium shows it a darker blue, still clearly blue
    blues = sum(1 for i in range(0, len(raw), 3) if raw[i + 2] > raw[i] + 60 and raw[i + 2] > raw[i + 1] + 30)
    assert blues > 100
    images = PdfReader(io.BytesIO(poster_pdf(poster(logo_path=png)))).pages[0]["/Resources"]["/XObject"]
    assert [image.get_object()["/ColorSpace"] for image in images.values()] == ["/DeviceCMYK"]
    assert poster_layout(poster(logo_path=png)).logo_mm is not None
    assert poster_layout(poster()).logo_mm is None
    assert decode(render(poster_pdf(poster(logo_path=png)))) == [POSTER_URL]


BRAND = (0x8A, 0x4B, 0x0F)  # the fill of the example logo


def brand_pixels(image: Image.Image, box: tuple[int, int, int, int], tolerance: int = 24) -> list[tuple[int, int]]:
    """(x, y) of the pixels within ``box`` whose colour is close to the brand colour."""
    found = []
    for y in range(box[1], box[3]):
        for x in range(box[0], box[2]):
            pixel = image.getpixel((x, y))
            if all(abs(c - b) <= tolerance for c, b in zip(pixel, BRAND)):
                found.append((x, y))
    return found


def logo_box_px(spec: PosterSpec, dpi: int) -> tuple[int, int, int, int]:
    """The layout's logo box on the rendered page (bleed included), in pixels."""
    layout = poster_layout(spec)
    x, y, w, h = layout.logo_mm
    px, page_h = dpi / 25.4, SIZES[spec.paper][1] + 2 * spec.bleed_mm
    origin = spec.bleed_mm
    return (round((origin + x) * px), round((page_h - origin - y - h) * px),
            round((origin + x + w) * px), round((page_h - origin - y) * px))


def test_svg_logo_is_drawn_as_vectors_in_the_logo_box():
    dpi = 100
    spec = poster(paper="A5", logo_path=EXAMPLE_LOGO)
    pdf = poster_pdf(spec)
    box = logo_box_px(spec, dpi)
    found = brand_pixels(render(pdf, dpi), box)
    # the logo is a 64 x 64 rounded square in the brand colour, fitted to the box's height, centred
    box_h = box[3] - box[1]
    assert len(found) > 0.5 * box_h * box_h
    xs, ys = [x for x, _ in found], [y for _, y in found]
    width, height = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    assert width == pytest.approx(height, rel=0.05)  # aspect ratio kept
    assert height == pytest.approx(box_h, abs=3)
    assert (min(xs) + max(xs)) / 2 == pytest.approx((box[0] + box[2]) / 2, abs=3)
    # without a logo the same place has nothing in the brand colour
    assert brand_pixels(render(poster_pdf(poster(paper="A5")), dpi), box) == []
    # vectors, not a picture
    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    xobjects = resources.get("/XObject")
    assert not xobjects or all(x.get_object()["/Subtype"] != "/Image" for x in xobjects.get_object().values())


def test_poster_with_svg_logo_decodes_embeds_fonts_and_repeats():
    spec = poster(paper="A5", logo_path=EXAMPLE_LOGO)
    pdf = poster_pdf(spec)
    assert decode(render(pdf, 300)) == [POSTER_URL]
    assert_fonts_embedded(pdf)
    assert all("Helvetica" not in str(font["/BaseFont"]) for font in fonts_of(pdf))
    assert poster_pdf(spec) == pdf
    assert "Schreiben Sie uns auf WhatsApp" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


LONG_BENEFIT = ("Fragen, Termine und Aufträge schnell per Chat klären – Angebote, Rückfragen zum Auftrag und "
                "Liefertermine, wenn Sie das möchten, auch abends und am Wochenende.")


def test_logo_shrinks_with_the_texts_before_the_code_would(tmp_path):
    spec = poster(paper="A4", business_name=LONG_NAME, logo_path=EXAMPLE_LOGO,
                  texts=replace(TEXTS_DE, benefit=LONG_BENEFIT))
    layout = poster_layout(spec)  # no problem: the logo gives way, not the scan-distance rule
    assert layout.qr_size_mm >= 150
    assert 0 < layout.logo_mm[3] < 0.10 * 297
    assert poster_layout(replace(spec, business_name="Tischlerei")).logo_mm[3] == pytest.approx(0.10 * 297)
    assert decode(render(poster_pdf(spec), 150)) == [POSTER_URL]


def test_text_in_an_svg_logo_is_set_in_the_embedded_fonts(tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40">'
                   '<text x="5" y="30" font-family="Arial" font-weight="bold" font-size="24">Holz</text></svg>')
    pdf = poster_pdf(poster(logo_path=svg))
    assert_fonts_embedded(pdf)
    assert all("Helvetica" not in str(font["/BaseFont"]) for font in fonts_of(pdf))
    assert "Holz" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


BROKEN_SVGS = {
    "not-xml": "this is not an SVG",
    "empty-file": "",
    "no-size": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    "zero-size": '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"><rect width="5" height="5"/></svg>',
    "bad-path": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M a b c L 3"/></svg>',
    "draws-nothing": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>',
}


@pytest.mark.parametrize("content", BROKEN_SVGS.values(), ids=BROKEN_SVGS.keys())
def test_broken_svg_logo_is_a_problem_naming_the_logo(tmp_path, capfd, content, print_set):
    svg = tmp_path / "logo.svg"
    svg.write_text(content)
    problem = problem_of(lambda: poster_pdf(poster(logo_path=svg)))
    assert problem.where == "theme.logo"
    assert "logo.svg" in problem.what and problem.fix
    # the rules (no svglib: `check`) see what the file's header shows; the rest only drawing can find
    found = [p.where for p in print_problems(replace(print_set, logo_path=svg))]
    assert found == (["theme.logo"] if content in PURELY_BROKEN else [])
    assert capfd.readouterr().err == ""  # svglib's own log lines are not printed


PURELY_BROKEN = [BROKEN_SVGS[k] for k in ("not-xml", "empty-file", "no-size", "zero-size")]


def test_missing_svg_logo_is_a_problem(tmp_path):
    problem = problem_of(lambda: poster_pdf(poster(logo_path=tmp_path / "nope.svg")))
    assert problem.where == "theme.logo" and "check the file name" in problem.fix


def test_preview_png_shows_the_trim_area_and_decodes():
    preview = Image.open(io.BytesIO(poster_preview_png(poster_pdf(poster(bleed_mm=5)), 90)))
    assert preview.size == (round(105 / 25.4 * 90), round(148 / 25.4 * 90))
    assert decode(preview) == [POSTER_URL]


# --------------------------------------------------------------------------- inviting a scan


@pytest.mark.parametrize("paper", ["A4", "A5", "A6"])
@pytest.mark.parametrize("lang, scan, phone", [("de", "Kamera öffnen, Code scannen", "Lieber anrufen? 0911 1234567"),
                                               ("en", "Open your camera, scan the code", "Prefer to call? 0911 1234567")])
def test_every_poster_carries_benefit_scan_instruction_address_and_phone(paper, lang, scan, phone, files):
    text = page_text(files[f"poster-{paper.lower()}-{lang}.pdf"])
    assert BENEFITS[lang] in text
    assert scan in text
    assert "tischlerei-mustermann.de/whatsapp" in text and "https://" not in text
    assert phone in text
    assert LONG_NAME.split()[0] in text  # the business's name is there too (large without a logo)


def test_the_benefit_line_comes_from_the_texts_and_is_left_out_without_one():
    with_benefit = page_text(poster_pdf(poster()))
    assert BENEFITS["de"] in with_benefit
    without = page_text(poster_pdf(poster(texts=replace(TEXTS_DE, benefit=""))))
    assert "Aufträge" not in without and "Kamera öffnen, Code scannen" in without


def test_without_a_phone_there_is_no_phone_line():
    text = page_text(poster_pdf(poster(texts=replace(TEXTS_DE, call_instead=""))))
    assert "anrufen" not in text and "Kamera öffnen, Code scannen" in text


def test_name_is_set_large_without_a_logo_and_smaller_beside_one():
    def name_size(spec):
        return next(block.size for block, _, _ in poster_layout(spec).texts if "Tischlerei" in " ".join(block.lines))

    assert name_size(poster(paper="A5")) > 1.5 * name_size(poster(paper="A5", logo_path=EXAMPLE_LOGO))


@pytest.mark.parametrize("paper", ["A4", "A5", "A6"])
def test_layouts_keep_the_rules_and_texts_grow_with_the_format(paper):
    """Code >= scan distance / 10; every line and the chat bubble within the safe margins; the scan instruction's
    capitals at least 1/300 of the scan distance (our legibility rule: ~5 mm from 1.5 m)."""
    from site_builder.graphics.linebreak import string_width
    from site_builder.stages.printing.print_model import PAPER_FORMATS

    fmt = PAPER_FORMATS[paper]
    for spec in (poster(paper=paper, business_name=LONG_NAME, primary_color="#25d366"),
                 poster(paper=paper, texts=TEXTS_EN, logo_path=EXAMPLE_LOGO)):
        layout = poster_layout(spec)
        assert layout.qr_size_mm >= fmt.scan_distance_cm * 10 / 10
        safe = max(5.0, 0.07 * fmt.width_mm)
        for block, top, centre in layout.texts:
            for line in block.lines:
                half = string_width(line, block.font, block.size) / MM / 2
                assert safe - 0.01 <= centre - half and centre + half <= fmt.width_mm - safe + 0.01, line
            assert top <= fmt.height_mm - safe + 0.01
        x, y, w, h = layout.glyph_mm
        assert safe - 0.01 <= x and w > 0 and h > 0
        scan = next(block for block, _, _ in layout.texts if block.lines[0].startswith(spec.texts.scan_instruction[:6]))
        assert scan.size * 0.72 / MM >= fmt.scan_distance_cm * 10 / 300


def test_chat_bubble_is_drawn_beside_the_call_to_action_in_the_band_colour():
    dpi = 150
    spec = poster(paper="A5", primary_color="#c0392b", bleed_mm=0)
    layout = poster_layout(spec)
    x, y, w, h = layout.glyph_mm
    image = render(poster_pdf(spec), dpi).convert("RGB")
    px, page_h = dpi / 25.4, SIZES["A5"][1]
    cx, cy = round((x + 0.5 * w) * px), round((page_h - y - 0.78 * h) * px)  # the body, left of its middle dot
    r, g, b = image.getpixel((cx - round(0.1 * w * px), cy))
    assert r > g + 60 and r > b + 60  # red, like the band
    cta = next(block for block, _, _ in layout.texts if block.lines[0].startswith("Schreiben"))
    top = next(t for block, t, _ in layout.texts if block is cta)
    assert top - cta.size / MM <= y + h / 2 <= top  # level with the first line's capitals


def content_operators(pdf: bytes) -> set[bytes]:
    from pypdf.generic import ContentStream

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    stream = ContentStream(page.get_contents(), page.pdf)
    return {operator for _, operator in stream.operations}


def test_posters_are_cmyk_throughout_logo_band_and_bubble_included(tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect width="60" height="30" '
                   'fill="#1e90ff" stroke="rgb(200,0,0)" stroke-width="2"/><circle cx="30" cy="15" r="8" '
                   'fill="black"/></svg>', encoding="utf-8")
    for logo in (EXAMPLE_LOGO, svg):
        pdf = poster_pdf(poster(paper="A5", logo_path=logo, primary_color="#25d366"))
        operators = content_operators(pdf)
        assert not operators & {b"rg", b"RG", b"g", b"G", b"sc", b"SC", b"scn", b"SCN", b"cs", b"CS"}, operators
        assert b"k" in operators
        assert decode(render(pdf, 200)) == [POSTER_URL]
    fills = {tuple(float(v) for v in found)
             for found in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) [kK]\b",
                                     page_contents(poster_pdf(poster(paper="A5", logo_path=svg))))}
    assert (0.8824, 0.4353, 0.0, 0.0) in fills  # the logo's #1e90ff, converted as the band's colour is
    assert (0.0, 1.0, 1.0, 0.2157) in fills  # its stroke rgb(200,0,0)


def page_contents(pdf: bytes) -> bytes:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return page.get_contents().get_data()


