"""Posters, invoice blocks and the print folder, checked the way a print shop and a phone would."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader

from site_builder.stages.printing.invoice import invoice_block_pdf, invoice_block_png, invoice_block_svg
from site_builder.stages.printing.print_model import Channel, InvoiceBlockSpec, PosterSpec, PrintSet
from site_builder.stages.printing.posters import poster_layout, poster_pdf, poster_preview_png
from site_builder.stages.printing.print_rules import set_problems
from site_builder.stages.printing.print_wording import poster_texts
from site_builder.stages.printing.draw_print import print_set_files
from site_builder.problems import InputError, Problem
from site_builder.wording import Wording

BUILTIN = Wording(Path(__file__).parent / "no-site", "default")  # no site overrides: the shipped wording


PHONE = "0911 1234567"
BENEFITS = {"de": "Fragen, Termine und Aufträge schnell per Chat klären – wenn Sie das möchten.",
            "en": "Sort out questions, appointments and orders quickly by chat – if you wish."}


def shipped_texts(lang: str):
    problems: list[Problem] = []
    found = poster_texts(BUILTIN, lang, {"phone": PHONE}, problems)
    assert problems == []
    return replace(found, benefit=BENEFITS[lang])


TEXTS_DE, TEXTS_EN = shipped_texts("de"), shipped_texts("en")


def problem_of(call) -> Problem:
    """The one problem `call` stops with."""
    with pytest.raises(InputError) as caught:
        call()
    (problem,) = caught.value.problems
    return problem


def make_print_set(ps: PrintSet) -> dict[str, bytes]:
    return print_set_files(ps, BUILTIN)


def print_problems(ps: PrintSet) -> list[Problem]:
    return set_problems(ps)

BASE = "https://www.tischlerei-mustermann.de/whatsapp/"
INVOICE_URL = BASE + "?s=r"
POSTER_URL = BASE + "?s=p"
MM = 72 / 25.4
SIZES = {"A4": (210, 297), "A5": (148, 210), "A6": (105, 148)}
EXAMPLE_LOGO = Path(__file__).resolve().parents[3] / "site_builder" / "example" / "logo.svg"
LONG_NAME = "Tischlerei Mustermann GmbH & Co. KG – Möbel für Groß und Klein, Meisterbetrieb seit 1952"


def decode(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return [barcode.text for barcode in found]


def decode_with_position(image: Image.Image):
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    assert len(found) == 1
    return found[0]


def render(pdf: bytes, dpi: int = 300) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=dpi / 72, grayscale=False).to_pil().convert("RGB")
    document.close()
    return image


def boxes_mm(pdf: bytes) -> dict[str, tuple[float, ...]]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return {
        name: tuple(float(v) / MM for v in getattr(page, name))
        for name in ("mediabox", "trimbox", "bleedbox")
    }


def poster(**changes) -> PosterSpec:
    base = PosterSpec(
        business_name="Tischlerei Mustermann",
        qr_url=POSTER_URL,
        display_url="tischlerei-mustermann.de/whatsapp",
        texts=TEXTS_DE,
        paper="A6",
    )
    return replace(base, **changes)


def fonts_of(pdf: bytes) -> list[dict]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return [font.get_object() for font in page["/Resources"]["/Font"].values()]


def assert_fonts_embedded(pdf: bytes) -> None:
    fonts = fonts_of(pdf)
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]


@pytest.fixture(scope="module")
def print_set() -> PrintSet:
    return PrintSet(
        business_name=LONG_NAME,
        display_url="tischlerei-mustermann.de/whatsapp",
        channels=(Channel("invoice", INVOICE_URL), Channel("poster", POSTER_URL, size_mm=40)),
        texts=(TEXTS_DE, TEXTS_EN),
        formats=("A4", "A5", "A6"),
        bleed_mm=3,
        crop_marks=True,
        primary_color="#25d366",
    )


@pytest.fixture(scope="module")
def files(print_set) -> dict[str, bytes]:
    return make_print_set(print_set)


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


def page_text(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


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


# --------------------------------------------------------------------------- invoice block


def test_invoice_block_leads_with_what_the_customer_gets():
    for texts, lead in ((TEXTS_DE, "Per WhatsApp fragen"), (TEXTS_EN, "Ask us on WhatsApp")):
        pdf = invoice_block_pdf(InvoiceBlockSpec(INVOICE_URL, texts.invoice_text))
        text = page_text(pdf)
        assert text.startswith(lead), text
        assert "Einwilligung" not in text and "consent" not in text
        assert boxes_mm(pdf)["mediabox"] == pytest.approx((0, 0, 45, 25), abs=0.1)
        assert decode(render(pdf)) == [INVOICE_URL]


def test_invoice_block_pdf_size_font_and_code():
    spec = InvoiceBlockSpec(INVOICE_URL, text="WhatsApp: scannen & Einwilligung geben")
    pdf = invoice_block_pdf(spec)
    assert boxes_mm(pdf)["mediabox"] == pytest.approx((0, 0, 45, 25), abs=0.1)
    assert_fonts_embedded(pdf)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Einwilligung" in text and "scannen" in text
    assert decode(render(pdf)) == [INVOICE_URL]


def test_invoice_block_png_decodes_even_blurred():
    image = Image.open(io.BytesIO(invoice_block_png(InvoiceBlockSpec(INVOICE_URL, TEXTS_DE.invoice_text), 300)))
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert image.size[0] == pytest.approx(45 / 25.4 * 300, abs=1)
    assert image.size[1] == pytest.approx(25 / 25.4 * 300, abs=1)
    assert decode(image.filter(ImageFilter.GaussianBlur(1.5))) == [INVOICE_URL]


def test_invoice_block_svg_parses_and_its_code_decodes():
    svg = invoice_block_svg(InvoiceBlockSpec(INVOICE_URL, text="WhatsApp: scan & give consent"))
    assert "svg:" not in svg and " id=" not in svg
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("viewBox") == "0 0 45 25" and root.get("width") == "45mm"
    lines = [span.text for span in root.find(f"{ns}text").iter(f"{ns}tspan")]
    assert " ".join(lines) == "WhatsApp: scan & give consent" and len(lines) >= 2
    (path,) = root.iter(f"{ns}path")
    group = root.find(f"{ns}g")
    assert group.get("transform").startswith("translate(0.5 2.5) scale(")
    # paint the path at 6 px per module and decode it
    image = Image.new("L", (41 * 6, 41 * 6), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+z", path.get("d")):
        x, y, w, h = int(x), int(y), int(w), int(h)
        draw.rectangle((x * 6, y * 6, (x + w) * 6 - 1, (y + h) * 6 - 1), fill=0)
    assert decode(image) == [INVOICE_URL]


# --------------------------------------------------------------------------- the print folder


def test_print_set_has_every_file(files):
    expected = {"README.txt", "README-en.txt"}
    for channel in ("invoice", "poster"):
        expected |= {f"qr-{channel}.svg", f"qr-{channel}.pdf", f"qr-{channel}-300dpi.png", f"qr-{channel}-600dpi.png"}
    for paper in ("a4", "a5", "a6"):
        for lang in ("de", "en"):
            expected |= {f"poster-{paper}-{lang}.pdf", f"poster-{paper}-{lang}-crop.pdf", f"poster-{paper}-{lang}.png"}
    for lang in ("de", "en"):
        expected |= {f"invoice-block-{lang}.{ext}" for ext in ("svg", "pdf")}
        expected |= {f"invoice-block-{lang}-{dpi}dpi.png" for dpi in (300, 600)}
    assert set(files) == expected


def test_every_code_in_the_print_set_decodes_to_its_channel_url(files):
    for name, data in files.items():
        if name.endswith(".pdf"):
            image = render(data, 300)
        elif name.endswith(".png"):
            image = Image.open(io.BytesIO(data))
        else:
            continue
        wanted = INVOICE_URL if ("invoice" in name) else POSTER_URL
        assert decode(image) == [wanted], name


def test_every_pdf_in_the_print_set_embeds_its_fonts(files):
    for name, data in files.items():
        if name.endswith(".pdf") and not name.startswith("qr-"):
            assert_fonts_embedded(data)


def test_readme_tells_the_print_shop_sizes_bleed_and_colour(files):
    readme = files["README.txt"].decode("utf-8")
    assert "3 mm Beschnitt" in readme and "100 % K" in readme
    assert "A6 105 x 148 mm Endformat, Seite 111 x 154 mm" in readme
    assert "#25d366" in readme and "45 x 25 mm" in readme and "Schnittmarken auf 10 mm" in readme
    english = files["README-en.txt"].decode("utf-8")
    assert "3 mm bleed" in english and "A6 105 x 148 mm trim, page 111 x 154 mm" in english
    assert "Beschnitt" not in english and "bleed" not in readme  # each language in its own file


def test_same_settings_same_bytes():
    small = PrintSet(
        business_name="Bäckerei Schmidt",
        display_url="baeckerei-schmidt.de/wa",
        channels=(Channel("invoice", "https://baeckerei-schmidt.de/wa/?s=r"),
                  Channel("poster", "https://baeckerei-schmidt.de/wa/?s=p")),
        texts=(TEXTS_DE,),
        formats=("A6",),
        crop_marks=True,
    )
    assert make_print_set(small) == make_print_set(small)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"bleed_mm": 6}, "print.bleed_mm"),
        ({"bleed_mm": -1}, "print.bleed_mm"),
        ({"paper": "A3"}, "print.formats"),
        ({"qr_url": "https://example.de/" + "x" * 3000}, "site.base_url"),
        ({"scan_distance_cm": 300}, "print.scan_distance_cm.A6"),
        ({"primary_color": "green"}, "theme.primary"),
    ],
)
def test_bad_poster_input_names_the_key(changes, key):
    problem = problem_of(lambda: poster_pdf(poster(**changes)))
    assert problem.where == key
    assert str(problem).startswith(f"site.toml: {key}: ") and str(problem).endswith(")")


def test_bad_print_set_reports_every_problem_at_once(print_set):
    bad = replace(
        print_set,
        bleed_mm=6,
        formats=("A5", "A3"),
        channels=(Channel("invoice", "https://example.de/?s=r&x=" + "a" * 600), Channel("poster", POSTER_URL)),
    )
    keys = [problem.where for problem in print_problems(bad)]
    # bleed and formats are the settings' validation's (checked once, before any stage): not repeated here
    assert keys == ["site.base_url"]
    invoice_only = replace(bad, bleed_mm=3, formats=("A5",))
    (problem,) = print_problems(invoice_only)
    assert problem.where == "site.base_url" and "'invoice'" in problem.what
    assert "invoice code" in problem_of(lambda: make_print_set(invoice_only)).what


def test_qr_logo_in_the_print_set_needs_level_h(print_set, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(logo)
    assert [p.where for p in print_problems(replace(print_set, qr_logo_path=logo))] == ["print.qr_logo"]
    assert problem_of(lambda: make_print_set(replace(print_set, qr_logo_path=logo))).where == "print.qr_logo"


def test_qr_logo_at_level_h_goes_into_every_code_and_still_decodes(print_set, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(logo)
    files = make_print_set(
        replace(print_set, qr_logo_path=logo, error_correction="H", formats=("A6",), texts=(TEXTS_DE,), crop_marks=False)
    )
    for name in ("qr-invoice-300dpi.png", "qr-poster-600dpi.png", "poster-a6-de.png"):
        image = Image.open(io.BytesIO(files[name])).convert("RGB")
        assert decode(image) == [INVOICE_URL if "invoice" in name else POSTER_URL], name
        raw = image.tobytes()
        assert any(raw[i] > 150 and raw[i + 1] < 80 for i in range(0, len(raw), 3)), name  # the red logo
    for name in ("poster-a6-de.pdf", "qr-invoice.pdf", "invoice-block-de.pdf"):
        assert decode(render(files[name])) == [INVOICE_URL if "invoice" in name else POSTER_URL], name


def test_layout_problems_are_reported_per_format(print_set):
    problems = print_problems(replace(print_set, scan_distance_cm={"A6": 200, "A4": 150}))
    assert [p.where for p in problems] == ["print.scan_distance_cm.A6"]  # once, though de and en both fail
    assert "200 cm" in problems[0].what and "larger format" in problems[0].fix


# --------------------------------------------------------------------------- pure measures and wording


def test_pure_text_widths_equal_reportlabs():
    from reportlab.pdfbase import pdfmetrics

    from site_builder.graphics import glyphs, linebreak, typefaces

    typefaces.register_fonts()
    assert (glyphs.FONT, glyphs.FONT_BOLD, glyphs.FONT_DIR) == (typefaces.FONT, typefaces.FONT_BOLD,
                                                              typefaces.FONT_DIR)
    samples = [LONG_NAME, TEXTS_DE.consent_note, TEXTS_EN.call_to_action, "Bäckerei Groß – 0,40 € „gut“ …",
               "中文 ✓ emoji 😀", "x" * 300, ""]
    for font in (glyphs.FONT, glyphs.FONT_BOLD):
        for text in samples:
            for size in (5.5, 8, 13.5, 46.2):
                assert linebreak.string_width(text, font, size) == pdfmetrics.stringWidth(text, font, size), text


def test_a_language_without_print_wording_is_named_not_replaced_by_english():
    from site_builder.stages.printing.print_wording import missing_problems

    (problem,) = missing_problems(BUILTIN, ("de", "fr"))
    assert problem.file.endswith("wording/print/fr/poster.toml") and problem.where == "file"
    assert "'fr'" in problem.what and "print/fr/poster.toml, print/fr/README.txt" in problem.what


def test_the_print_model_imports_nothing_of_the_build():
    import ast

    # the print stage's folder since issue 21 (the test looked in site_builder/printing, gone, and checked nothing)
    folder = Path(__file__).resolve().parents[3] / "site_builder" / "stages" / "printing"
    paths = sorted(folder.glob("*.py"))
    assert len(paths) > 5, folder
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [alias.name for alias in node.names]
                assert not any(n.split(".")[0] in ("build", "pipeline", "outcome", "pages", "records", "cli", "commands")
                               for n in names), path.name


def test_scan_distances_must_name_a_format_and_be_positive(tmp_path):
    """Checked once, by the settings' validation (not again by the print rules): each problem one line."""
    from conftest import copy_example, run_cli

    site = copy_example(tmp_path / "site")
    settings = site / "site.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace("scan_distance_cm = { A4 = 150, A5 = 100, A6 = 60, invoice = 20 }",
                        'scan_distance_cm = { A4 = 150, A3 = 200, A6 = 0, invoice = "far" }')
    settings.write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "scan_distance_cm" in line]
    for key in ("A3", "A6", "invoice"):
        assert len([line for line in lines if f"print.scan_distance_cm.{key}:" in line]) == 1, lines
    assert not [line for line in lines if "print.scan_distance_cm.A4:" in line]
