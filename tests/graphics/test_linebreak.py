"""The one line breaker of every PDF (site_builder.graphics.linebreak): what a reader of a poster or a record sees."""

from __future__ import annotations

from site_builder.graphics.glyphs import FONT
from site_builder.graphics.linebreak import string_width, wrap
from site_builder.stages.printing.layout import fit_text
from site_builder.stages.records.pdf_text import Style, wrap as wrap_runs


def test_lines_fit_and_keep_every_word_in_order():
    text = "Schreiben Sie uns auf WhatsApp, wir antworten werktags innerhalb von zwei Stunden."
    lines = wrap(text, FONT, 12, 120)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(string_width(line, FONT, 12) <= 120 for line in lines)


def test_a_no_break_space_holds_its_words_together():
    glued = "Art.\u00a06\u00a0Abs.\u00a01"
    lines = wrap(f"Rechtsgrundlage {glued} DSGVO", FONT, 10, string_width("Rechtsgrundlage Art.", FONT, 10))
    assert lines == ["Rechtsgrundlage", f"{glued} DSGVO"]  # never "Art." at a line's end, "6 Abs. 1" below


def test_a_url_too_long_for_a_line_breaks_after_a_slash_not_inside_a_word():
    url = "https://schreinerei-muster.de/whatsapp/einwilligung"
    width = string_width("https://schreinerei-muster.de/wha", FONT, 10)
    lines = wrap(url, FONT, 10, width)
    assert "".join(lines) == url
    assert lines[0].endswith("/") and all(string_width(line, FONT, 10) <= width for line in lines)


def test_posters_and_records_break_the_same_text_the_same_way():
    text = "Einwilligung jederzeit widerrufbar: eine Nachricht genügt, auch per Telefon oder E-Mail an uns."
    size, lines = fit_text(text, FONT, 11, 150, 6, 8)
    assert [line.pieces[0][0] for line in wrap_runs(text, Style(size, size * 1.3), 150)] == lines
