"""The print stage inside a real build: every code decodes to the site's URL; cached by its inputs."""

from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from PIL import Image
from pypdf import PdfReader

import json
import subprocess
import sys

import pytest

from conftest import run_cli
from site_builder.site import load_site
from site_builder.stages import printing

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


def print_plan(site):
    """The print stage of the site in `site` (its units and problems), as a build plans it."""
    return printing.plan(load_site(site / "site.toml")[0])


def digests(site) -> dict[str, str]:
    return {unit.name: unit.key for unit in print_plan(site).units}


def test_digests_follow_exactly_what_each_unit_reads(site):
    first = digests(site)
    assert set(first) == {"print/qr-invoice", "print/qr-poster", "print/invoice-block-de", "print/invoice-block-en",
                          "print/README", *(f"print/poster-{f}-{l}" for f in ("a4", "a5", "a6") for l in ("de", "en"))}
    privacy = site / "content" / "de" / "privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "\nNoch ein Satz.\n", encoding="utf-8")
    assert digests(site) == first, "a text the print files do not show must not redraw them"
    override = site / "wording" / "print" / "en" / "poster.toml"
    override.parent.mkdir(parents=True)
    override.write_text('call_to_action = "Chat with us"\nconsent_note = "We ask first."\ninvoice_text = "Scan me"\n',
                        encoding="utf-8")
    worded = digests(site)
    changed = {name for name in first if worded[name] != first[name]}
    assert changed == {"print/poster-a4-en", "print/poster-a5-en", "print/poster-a6-en", "print/invoice-block-en",
                       "print/README"}
    (site / "logo.svg").write_text((site / "logo.svg").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    logo = digests(site)
    assert {name for name in first if logo[name] != worded[name]} == {
        name for name in first if "poster-" in name or name == "print/README"}  # qr_logo is off: codes stay
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("/whatsapp/", "/chat/"), encoding="utf-8")
    assert all(digests(site)[name] != logo[name] for name in first)


@pytest.mark.slow
def test_units_and_digests_load_no_drawing_library(site):
    # qrcode (with Pillow, which it imports) chooses each code's version for the rules; nothing draws yet
    code = ("import json, pathlib, sys\n"
            "from site_builder.site import load_site\n"
            "from site_builder.stages import printing\n"
            f"site, _ = load_site(pathlib.Path({str(site / 'site.toml')!r}))\n"
            "staged = printing.plan(site)\n"
            "units = staged.units\n"
            "assert staged.problems == ()\n"
            "heavy = ('reportlab', 'svglib', 'zxingcpp', 'pypdfium2')\n"
            "print(json.dumps([len(units), sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy})]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, loaded = json.loads(done.stdout)
    assert count == 11 and loaded == []
    files = next(u for u in print_plan(site).units if u.name == "print/qr-poster").render()
    assert decode_all(Image.open(io.BytesIO(files["print/qr-poster-300dpi.png"]))) == [BASE + "?s=p"]


def test_a_site_override_changes_the_poster_text(site):
    override = site / "wording" / "print" / "de" / "poster.toml"
    override.parent.mkdir(parents=True)
    override.write_text('call_to_action = "Fragen Sie {{ business.name }} per WhatsApp"\n'
                        'consent_note = "Erst fragen wir, dann chatten wir."\n'
                        'invoice_text = "Scannen & chatten"\n', encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    text = " ".join(PdfReader(site / "output" / "print" / "poster-a5-de.pdf").pages[0].extract_text().split())
    assert "Fragen Sie Schreinerei Muster per WhatsApp" in text and "Erst fragen wir, dann chatten wir." in text
    assert "Schreiben Sie uns auf WhatsApp" not in text
    english = PdfReader(site / "output" / "print" / "poster-a5-en.pdf").pages[0].extract_text()
    assert "Message us on WhatsApp" in " ".join(english.split())  # the other language keeps the built-in text
    block = " ".join(PdfReader(site / "output" / "print" / "invoice-block-de.pdf").pages[0].extract_text().split())
    assert "Scannen & chatten" in block  # plain text: the sandbox's HTML escaping does not reach the PDF


def test_unknown_placeholder_in_print_wording_names_file_and_line(site):
    folder = site / "wording" / "print"
    (folder / "de").mkdir(parents=True)
    (folder / "de" / "poster.toml").write_text('call_to_action = "Hallo"\n\nconsent_note = "Ja {{ bussines.name }}"\n'
                                               'invoice_text = "Scannen"\n', encoding="utf-8")
    (folder / "en").mkdir()
    (folder / "en" / "README.txt").write_text("Print files\n\nfor {{ business_name }} {{ shop.name }}\n", encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "wording/print/de/poster.toml: line 3: unknown placeholder: bussines" in result.stderr
    (folder / "de" / "poster.toml").unlink()
    problems = [str(p) for p in print_plan(site).problems]
    assert len(problems) == 1 and problems[0].startswith(f"{folder / 'en' / 'README.txt'}: line 3: unknown placeholder")


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


def test_check_reports_a_layout_rule_in_the_owners_language_and_writes_nothing(site):
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("A6 = 60", "A6 = 200"), encoding="utf-8")
    result = run_cli("check", cwd=site, env={"LANGUAGE": "de", "LANG": "de_DE.UTF-8"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("site.toml: print.scan_distance_cm.A6: ein QR-Code für 200 cm Scanabstand braucht 200 mm; "
            "auf A6 ist Platz für 90 mm (wählen Sie ein größeres Format oder einen kürzeren Scanabstand)") \
        in result.stderr.splitlines()
    assert not (site / "output").exists()


SCAN = {"de": "Kamera öffnen, Code scannen", "en": "Open your camera, scan the code"}
CALL = {"de": "Lieber anrufen? 0911 1234567", "en": "Prefer to call? 0911 1234567"}


def page_text(path_or_bytes) -> str:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return " ".join(PdfReader(source).pages[0].extract_text().split())


def test_built_posters_carry_the_scan_instruction_address_and_phone(built_example):
    for fmt in ("a4", "a5", "a6"):
        for lang in ("de", "en"):
            text = page_text(built_example / "print" / f"poster-{fmt}-{lang}.pdf")
            assert SCAN[lang] in text and CALL[lang] in text, (fmt, lang)
            assert "www.schreinerei-muster.de/whatsapp" in text and "https://" not in text
    block = page_text(built_example / "print" / "invoice-block-de.pdf")
    assert block.startswith("Per WhatsApp fragen")


def intros(site) -> dict[str, str]:
    import tomllib

    found = {}
    for lang in ("de", "en"):
        front = (site / "content" / lang / "index.md").read_text(encoding="utf-8").split("+++")[1]
        found[lang] = tomllib.loads(front)["intro"]
    return found


def test_the_landing_pages_intro_is_the_posters_benefit_line(site):
    benefits = intros(site)
    staged = print_plan(site)
    assert staged.problems == ()
    units = {unit.name: unit for unit in staged.units}
    for lang in ("de", "en"):
        files = units[f"print/poster-a6-{lang}"].render()
        text = page_text(files[f"print/poster-a6-{lang}.pdf"])
        assert benefits[lang] in text and SCAN[lang] in text
    # the benefit line is part of the posters' keys (and the notes', which check their layouts), nothing else's
    before = {name: unit.key for name, unit in units.items()}
    index = site / "content" / "de" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(benefits["de"], "Schneller fragen."), encoding="utf-8")
    after = digests(site)
    assert {name for name in before if before[name] != after[name]} == {
        "print/poster-a4-de", "print/poster-a5-de", "print/poster-a6-de", "print/README"}
