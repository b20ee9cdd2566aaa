"""The posters make no PDF/X claim.

No PDF/X-4 validator runs on this machine or in CI, and no freely licensed FOGRA-type CMYK profile is
available (docs/pdfx.md, checked 2026-12-02). A file that calls itself PDF/X but fails the print shop's
preflight is worse than a plain PDF: the shop trusts the label. So until a real validator can check it,
no print file may carry any PDF/X marker.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import NameObject


def pdfx_markers(path: Path) -> list[str]:
    """Every place a PDF/X claim could sit: Info keys, a GTS_PDFX output intent, XMP pdfxid properties."""
    reader = PdfReader(path)
    found: list[str] = []
    info = reader.trailer.get("/Info")
    info = info.get_object() if info is not None else {}
    for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance"):
        if key in info:
            found.append(f"Info {key} = {info[key]}")
    root = reader.trailer["/Root"].get_object()
    for intent in root.get("/OutputIntents", []):
        if intent.get_object().get("/S") == NameObject("/GTS_PDFX"):
            found.append("output intent /S /GTS_PDFX")
    metadata = root.get("/Metadata")
    if metadata is not None:
        xmp = metadata.get_object().get_data().decode("utf-8", "replace")
        for needle in ("pdfxid", "GTS_PDFXVersion", "www.npes.org/pdfx"):
            if needle in xmp:
                found.append(f"XMP contains {needle}")
    return found


def test_print_files_claim_no_pdfx_conformance(built_example):
    # Every PDF in print/, whatever the print stage names it, so a renamed or new file is covered too.
    pdfs = sorted((built_example / "print").glob("*.pdf"))
    assert any(p.name.startswith("poster-") for p in pdfs), "the build wrote no poster PDF"
    claims = {p.name: pdfx_markers(p) for p in pdfs}
    assert {name: found for name, found in claims.items() if found} == {}, (
        "a print file claims PDF/X, but nothing here validates it (see docs/pdfx.md)")


def test_marker_check_sees_a_pdfx_claim(tmp_path):
    """The check itself must notice a claim, or the test above proves nothing."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/GTS_PDFXVersion": "PDF/X-4"})
    intent = DictionaryObject({NameObject("/Type"): NameObject("/OutputIntent"),
                               NameObject("/S"): NameObject("/GTS_PDFX"),
                               NameObject("/OutputConditionIdentifier"): TextStringObject("FOGRA39")})
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    path = tmp_path / "claims.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert pdfx_markers(path) == ["Info /GTS_PDFXVersion = PDF/X-4", "output intent /S /GTS_PDFX"]
