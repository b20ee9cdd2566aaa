"""Invoice blocks and the print folder, checked the way a print shop and a phone would; bad print input."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader

from site_builder.stages.printing.invoice import invoice_block_pdf, invoice_block_png, invoice_block_svg
from site_builder.stages.printing.print_model import Channel, InvoiceBlockSpec, PrintSet
from site_builder.stages.printing.posters import poster_pdf

from .conftest import (BUILTIN, INVOICE_URL, LONG_NAME, POSTER_URL, TEXTS_DE, TEXTS_EN, assert_fonts_embedded,
                       boxes_mm, decode, make_print_set, page_text, poster, print_problems, problem_of, render)


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
