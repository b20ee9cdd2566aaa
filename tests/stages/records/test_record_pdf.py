"""The records' own PDF layout (records/render_pdf.py): text stays inside the margins, long words and very tall
table rows break, headers repeat, links work, every word of the record is in the PDF in reading order."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdfium2 as pdfium

import pytest
from pypdf import PdfReader

from site_builder.stages.records.document import Bullets, Facts, Heading, Para, Quote, Record, RecordSection, Table, link, rich
from site_builder.stages.records.render_pdf import BOTTOM, LEFT, PAGE_H, PAGE_W, RIGHT, TOP, render_pdf

LONG_URL = "https://www.example.de/" + "/".join(f"verzeichnis-{i}" for i in range(30)) + "/ende.html"


def record(*sections: RecordSection, intro=()) -> Record:
    return Record(slug="test", lang="de", title="Prüfdokument", business="Betrieb Test",
                  facts=(("Stand", rich("1. November 2026")), ("Fassung", rich("c0ffee00"))), intro=tuple(intro),
                  sections=sections, footer="Betrieb Test – Stand: 1. November 2026", internal="Intern.",
                  as_of=dt.date(2026, 11, 1), page_label="Seite")


def pages_text(pdf: bytes) -> list[tuple[str, list[tuple[float, float, float, float]]]]:
    """Per page: its text and the box of every visible character."""
    document = pdfium.PdfDocument(pdf)
    out = []
    for page in document:
        text = page.get_textpage()
        boxes = [text.get_charbox(i) for i in range(text.count_chars())
                 if not text.get_text_range(i, 1).isspace()]
        out.append((text.get_text_range(), boxes))
    return out


def words(text: str) -> list[str]:
    return text.replace("\r", " ").replace("\n", " ").split()


def assert_inside_margins(pdf: bytes) -> None:
    for number, (text, boxes) in enumerate(pages_text(pdf), 1):
        assert boxes, f"page {number} is empty"
        for left, bottom, right, top in boxes:
            assert LEFT - 1 <= left and right <= PAGE_W - RIGHT + 1, (number, left, right)
            # the footer line is the only text below the bottom margin
            assert top <= PAGE_H - TOP + 1 and (bottom >= BOTTOM - 3 or top < 14 * 72 / 25.4), (number, bottom, top)


def test_long_paragraphs_run_over_pages_inside_the_margins_in_order():
    sentences = [f"Satz {i} mit einigen Wörtern, die den Absatz füllen, bis er umbricht." for i in range(120)]
    pdf = render_pdf(record(RecordSection("s", "Abschnitt", (Para(rich(" ".join(sentences))),))))
    pages = pages_text(pdf)
    assert len(pages) >= 2
    assert_inside_margins(pdf)
    found = " ".join(re.sub(r"Betrieb Test – Stand: .* Seite \d+", "", text) for text, _ in pages)
    assert [int(n) for n in re.findall(r"Satz (\d+) mit", " ".join(words(found)))] == list(range(120))


def test_a_word_longer_than_the_line_breaks_after_a_slash():
    pdf = render_pdf(record(RecordSection("s", "Adresse", (Para((link(LONG_URL),)),))))
    assert_inside_margins(pdf)
    text = "".join(pages_text(pdf)[0][0].split())
    assert LONG_URL in text
    # broken after a slash: the line ends fall on "/"
    lines = [line for line in pages_text(pdf)[0][0].splitlines() if "verzeichnis" in line]
    assert len(lines) >= 2 and all(line.rstrip().endswith("/") for line in lines[:-1]), lines
    annotations = [a.get_object() for a in PdfReader(io.BytesIO(pdf)).pages[0].get("/Annots", [])]
    assert any(a["/A"]["/URI"] == LONG_URL for a in annotations)


def test_a_table_over_two_pages_repeats_its_header_and_a_giant_row_splits():
    rows = tuple((rich(f"Zeile {i}"), rich("Inhalt " * 12)) for i in range(60))
    giant = ((rich("Riesig"), rich(" ".join(f"Wort{i}" for i in range(1500)))),)
    pdf = render_pdf(record(RecordSection("t", "Tabelle", (Table(("Spalte A", "Spalte B"), rows + giant, (0.3, 0.7)),))))
    pages = pages_text(pdf)
    assert len(pages) >= 3
    assert_inside_margins(pdf)
    assert all("Spalte A" in text for text, _ in pages[1:]), "the header repeats on every page of the table"
    found = words(" ".join(text for text, _ in pages))
    assert [w for w in found if w.startswith("Wort")] == [f"Wort{i}" for i in range(1500)]
    assert [int(n) for n in re.findall(r"Zeile (\d+)", " ".join(found))] == list(range(60))


def test_blocks_of_every_kind_and_a_heading_never_ends_a_page():
    blocks = []
    for i in range(40):  # some heading is bound to come near the foot of a page
        blocks += [Heading(f"Zwischenüberschrift {i}"), Para(rich(f"Text {i} " + "unter der Überschrift " * (5 + i % 7)))]
    blocks += [Bullets((rich("eins"), rich("zwei")), ordered=True), Quote("Zeile 1\nZeile 2"),
               Facts((("Schlüssel", rich("Wert")),))]
    pdf = render_pdf(record(RecordSection("b", "Alles", tuple(blocks))))
    assert_inside_margins(pdf)
    pages = pages_text(pdf)
    assert len(pages) >= 3
    for text, _ in pages:
        body = [line.strip() for line in text.splitlines() if line.strip() and "Betrieb Test – Stand" not in line]
        assert not body[-1].startswith("Zwischenüberschrift"), body[-3:]
    joined = " ".join(text for text, _ in pages)
    assert [int(n) for n in re.findall(r"Zwischenüberschrift (\d+)", joined)] == list(range(40))
    for needle in ("1. eins", "2. zwei", "Zeile 1", "Zeile 2", "Schlüssel", "Wert", "Seite 1", "Seite 3"):
        assert needle in joined, needle


@pytest.mark.parametrize("lang, word", [("de", "Seite"), ("en", "Page")])
def test_every_page_has_the_footer_with_its_number(lang, word):
    rec = record(RecordSection("s", "Abschnitt", (Para(rich("Wort " * 1500)),)))
    rec = Record(**{**rec.__dict__, "lang": lang, "page_label": word})
    pages = pages_text(render_pdf(rec))
    assert len(pages) >= 2
    for number, (text, _) in enumerate(pages, 1):
        assert f"{word} {number}" in text and "Betrieb Test – Stand" in text


def test_the_pdf_is_deterministic_and_dated_by_its_stand(monkeypatch):
    rec = record(RecordSection("s", "Abschnitt", (Para(rich("Text")),)))
    first = render_pdf(rec)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert render_pdf(rec) == first
    info = PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"].startswith("D:20261101") and info["/Title"] == "Prüfdokument"


def test_a_quote_longer_than_a_page_continues_on_the_next_inside_the_margins():
    text = "\n".join(f"Zeile {i} des Wortlauts" for i in range(120))
    pdf = render_pdf(record(RecordSection("q", "Wortlaut", (Para(rich("Davor. " * 200)), Quote(text)))))
    pages = pages_text(pdf)
    assert len(pages) >= 3
    assert_inside_margins(pdf)
    found = " ".join(re.sub(r"Betrieb Test – Stand: .* Seite \d+", "", t) for t, _ in pages)
    assert [int(n) for n in re.findall(r"Zeile (\d+) des", found)] == list(range(120))


def test_a_table_with_fewer_headings_than_columns_draws_every_cell():
    pdf = render_pdf(record(RecordSection("t", "Tabelle", (Table(("Nur eine",), ((rich("a"), rich("b"), rich("c")),)),))))
    text = pages_text(pdf)[0][0]
    assert "Nur eine" in text and all(f" {c}" in " " + text.replace("\r\n", " ") for c in "abc")


# --- any record the data structure allows lays out inside the page --------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from site_builder.stages.records.document import Checklist, FillIn, Run  # noqa: E402

WORDS = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzäöüßÄÖÜ–„“€§/.-_ ")), min_size=0, max_size=60)
LONG_WORD = st.text(alphabet=st.sampled_from(list("abcdefghij/.-")), min_size=80, max_size=200)
RUNS = st.lists(st.builds(Run, st.one_of(WORDS, LONG_WORD, st.just("\n")), st.booleans(),
                          st.one_of(st.none(), st.just("https://example.de/x"))), min_size=0, max_size=6).map(tuple)
BLOCKS = st.one_of(
    st.builds(Para, RUNS, st.booleans()),
    st.builds(Heading, WORDS),
    st.builds(Bullets, st.lists(RUNS, max_size=5).map(tuple), st.booleans()),
    st.builds(Quote, st.lists(WORDS, max_size=8).map("\n".join)),
    st.builds(Facts, st.lists(st.tuples(WORDS, RUNS), max_size=5).map(tuple)),
    st.integers(1, 4).flatmap(lambda n: st.builds(
        Table, st.lists(WORDS, min_size=0, max_size=n).map(tuple),
        st.lists(st.lists(RUNS, min_size=1, max_size=n).map(tuple), max_size=12).map(tuple))),
    st.builds(Checklist, st.lists(RUNS, max_size=4).map(tuple)),
    st.builds(FillIn, st.lists(WORDS, max_size=4).map(tuple)),
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(WORDS, st.lists(BLOCKS, max_size=8), st.booleans()), min_size=1, max_size=4))
def test_any_record_lays_out_inside_the_margins(sections):
    rec = record(*(RecordSection(f"s{i}", heading or "Abschnitt", tuple(blocks), new_page=new_page)
                   for i, (heading, blocks, new_page) in enumerate(sections)))
    pdf = render_pdf(rec)
    assert_inside_margins(pdf)
    # pdfium reports a hyphen that ends a line as U+FFFE
    text = "".join("".join(t.replace("\ufffe", "-").split()) for t, _ in pages_text(pdf))
    for heading, _, _ in sections:
        assert "".join(heading.split()) in text
