"""Helpers and shared fixtures of the poster and print-set tests: the shipped wording, a poster spec, the
example's print set drawn once per session, and readers for what a print shop gets (boxes, fonts, codes)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from site_builder.stages.printing.print_model import Channel, PosterSpec, PrintSet
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


def page_text(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def fonts_of(pdf: bytes) -> list[dict]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return [font.get_object() for font in page["/Resources"]["/Font"].values()]


def assert_fonts_embedded(pdf: bytes) -> None:
    fonts = fonts_of(pdf)
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def files(print_set) -> dict[str, bytes]:
    return make_print_set(print_set)


