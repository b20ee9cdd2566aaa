"""The print stage inside a real build: every code decodes to the site's URL; cached by its inputs."""

from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from conftest import run_cli
from site_builder import build as build_mod
from site_builder import posters

BASE = "https://www.schreinerei-muster.de/whatsapp/"
MM = 72 / 25.4


def decode_all(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def pdf_images(data: bytes, dpi: int = 300) -> list[Image.Image]:
    pdf = pypdfium2.PdfDocument(data)
    return [pdf[i].render(scale=dpi / 72).to_pil() for i in range(len(pdf))]


def test_every_print_file_decodes_to_the_channel_url(built_example):
    folder = built_example / "print"
    expected = {"invoice": BASE + "?s=r", "poster": BASE + "?s=p"}
    checked = 0
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".pdf", ".png"):
            continue
        url = expected["invoice"] if "invoice" in path.name else expected["poster"]
        images = pdf_images(path.read_bytes()) if path.suffix == ".pdf" else [Image.open(path)]
        for image in images:
            assert decode_all(image) == [url], path.name
            checked += 1
    assert checked >= 20


def test_posters_are_print_ready(built_example):
    bleed = 3
    for fmt, (w, h) in {"a4": (210, 297), "a5": (148, 210), "a6": (105, 148)}.items():
        for lang in ("de", "en"):
            reader = PdfReader(built_example / "print" / f"poster-{fmt}-{lang}.pdf")
            page = reader.pages[0]
            trim = [float(v) / MM for v in page.trimbox]
            bleedbox = [float(v) / MM for v in page.bleedbox]
            assert abs((trim[2] - trim[0]) - w) < 0.1 and abs((trim[3] - trim[1]) - h) < 0.1
            assert abs((bleedbox[2] - bleedbox[0]) - (w + 2 * bleed)) < 0.1
            assert abs(float(page.mediabox.width) / MM - (w + 2 * bleed)) < 0.1
            fonts = page["/Resources"]["/Font"]
            for ref in fonts.values():
                descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
                    if "/DescendantFonts" in ref.get_object() else ref.get_object()["/FontDescriptor"]
                assert "/FontFile2" in descriptor.get_object(), f"font not embedded in poster-{fmt}-{lang}"


def test_text_edit_reuses_print_files_and_url_change_redraws_them(site, monkeypatch):
    calls = []
    original = posters.make_print_set
    monkeypatch.setattr(posters, "make_print_set", lambda ps, **kw: calls.append(ps) or original(ps, **kw))
    out = site / "output"
    assert build_mod.build(site / "site.toml", out).written
    assert len(calls) == 1
    first = {p.name: p.read_bytes() for p in (out / "print").iterdir()}
    index = site / "content" / "de" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("schnell", "rasch"), encoding="utf-8")
    assert build_mod.build(site / "site.toml", out).written
    assert len(calls) == 1, "a text edit must not redraw the print files"
    assert {p.name: p.read_bytes() for p in (out / "print").iterdir()} == first
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("/whatsapp/", "/chat/"), encoding="utf-8")
    assert build_mod.build(site / "site.toml", out).written
    assert len(calls) == 2
    image = Image.open(out / "print" / "qr-invoice-300dpi.png")
    assert decode_all(image) == ["https://www.schreinerei-muster.de/chat/?s=r"]


def test_print_errors_name_the_key(site):
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'base_url = "https://www.schreinerei-muster.de/whatsapp/"',
        'base_url = "https://www.schreinerei-muster.de/' + "x" * 400 + '/"'), encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 1
    assert "site.toml: site.base_url:" in result.stderr and "Traceback" not in result.stderr
    toml.write_text(toml.read_text(encoding="utf-8").replace("x" * 400, "wa").replace(
        "qr_logo = false", "qr_logo = true"), encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 1
    assert "site.toml: print.qr_logo:" in result.stderr


def test_qr_logo_with_a_png_logo_decodes(site):
    logo = Image.new("RGB", (64, 64), "#8a4b0f")
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    (site / "logo.png").write_bytes(buffer.getvalue())
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('logo = "logo.svg"', 'logo = "logo.png"')
                    .replace("qr_logo = false", "qr_logo = true").replace('error_correction = "M"',
                                                                           'error_correction = "H"'),
                    encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert decode_all(Image.open(site / "output" / "print" / "qr-poster-600dpi.png")) == [BASE + "?s=p"]
