"""The PDF fonts: names in Cyrillic, Greek and Polish print with real glyphs; what no shipped font can draw
(emoji, Chinese, Japanese, Korean) and right-to-left scripts are refused by `check` and `build`, naming the key
or the file and line; a character that slips past the checks fails the build naming the document."""

from __future__ import annotations

import io
import json
import re
import struct
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, run_cli, tree_digest
from site_builder.graphics import glyphs
from site_builder.config.fonts import unprintable

NAME = "Пекарня Иванов Źródło Αθήνα"
ENV = {"LC_ALL": "C", "LANG": "C"}


def set_name(site: Path, name: str) -> None:
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r'^name = "Schreinerei Muster"', f'name = "{name}"', text, count=1, flags=re.M),
                    encoding="utf-8")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def drawn_glyphs(path: Path, text: str) -> dict[str, tuple[bytes, bytes]]:
    """For each character of `text`: its outline in the PDF's embedded font subset, and that subset's .notdef
    outline (the empty box). Looked up through the ToUnicode map, as a PDF reader does."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    found: dict[str, tuple[bytes, bytes]] = {}
    for font in PdfReader(path).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
        codes = {chr(int(u, 16)): int(c, 16) for c, u in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4})>", cmap)}
        data = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        subset = TTFontFile(io.BytesIO(data), validate=0)
        glyf = subset.get_table("glyf")
        # the subset's own cmap, as ReportLab writes it: one (1, 0) table of format 6, code -> glyph
        table = subset.get_table("cmap")
        (offset,) = struct.unpack(">I", table[8:12])
        form, _, _, first, count = struct.unpack(">5H", table[offset:offset + 10])
        assert form == 6
        glyph_ids = struct.unpack(f">{count}H", table[offset + 10:offset + 10 + 2 * count])

        def outline(glyph: int) -> bytes:
            return glyf[subset.glyphPos[glyph]:subset.glyphPos[glyph + 1]]

        for char in set(text) - {" "} - set(found):
            if char in codes:
                found[char] = (outline(glyph_ids[codes[char] - first]), outline(0))
    return found


def test_cyrillic_greek_and_polish_names_print_with_real_glyphs(site):
    set_name(site, NAME)
    result = run_cli("build", cwd=site, env=ENV)
    assert result.returncode == 0, result.stderr
    poster = site / "output/print/poster-a4-de.pdf"
    text = pdf_text(poster)
    for word in NAME.split():
        assert word in text, (word, text[:200])
    glyph_of = drawn_glyphs(poster, NAME)
    assert set(glyph_of) == set(NAME) - {" "}
    for char, (outline, notdef) in glyph_of.items():
        assert outline and outline != notdef, f"{char} is drawn as the empty box"
    assert NAME in pdf_text(site / "output/records/de/record-of-processing.pdf")


@pytest.mark.parametrize("name, shown", [("Schreinerei 中村", "中 (U+4E2D), 村 (U+6751)"),
                                         ("Backstube 🍞", "🍞 (U+1F35E)"), ("Café 😀", "😀 (U+1F600)")])
def test_chinese_or_emoji_in_the_business_name_is_refused_naming_the_key(site, name, shown):
    set_name(site, name)
    for verb in ("check", "build"):
        result = run_cli(verb, cwd=site, env=ENV)
        assert result.returncode == 1, result.stderr
        assert f"site.toml: business.name: {shown}: no font of the PDFs" in result.stderr
        assert "empty boxes" in result.stderr and "Traceback" not in result.stderr
    assert not (site / "output").exists()


def test_an_arabic_name_is_refused_as_right_to_left_naming_the_key(site):
    set_name(site, "مخبز")
    result = run_cli("check", cwd=site, env=ENV)
    assert result.returncode == 1
    (line,) = [x for x in result.stderr.splitlines() if "business.name" in x]
    assert line.startswith("site.toml: business.name: م (U+0645)")
    assert "right-to-left" in line and "wrong order" in line and "Latin letters" in line


def test_a_hebrew_purpose_label_names_its_key_and_language(site):
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'^label = \{ de = "([^"]*)"', r'label = { de = "\1 שלום"', text, count=1, flags=re.M)
    toml.write_text(text, encoding="utf-8")
    assert "שלום" in text
    result = run_cli("check", cwd=site, env=ENV)
    assert result.returncode == 1
    assert re.search(r"^site\.toml: purposes\[0\]\.label\.de: ש \(U\+05E9\).*right-to-left", result.stderr, re.M)


def test_a_text_given_once_for_every_language_is_named_once(site):
    toml = site / "site.toml"
    text = re.sub(r'^label = \{ de = "[^\n]*\}$', 'label = "Ja, gern 👍"', toml.read_text(encoding="utf-8"),
                  count=1, flags=re.M)
    toml.write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=site, env=ENV)
    assert result.returncode == 1
    assert [x.split(": ")[1] for x in result.stderr.splitlines() if "U+1F44D" in x] == ["purposes[0].label"]


def test_a_built_site_is_kept_when_a_later_name_cannot_be_printed(site):
    assert run_cli("build", cwd=site, env=ENV).returncode == 0
    before = tree_digest(site / "output")
    set_name(site, "Schreinerei 😀")
    result = run_cli("build", cwd=site, env=ENV)
    assert result.returncode == 1 and "business.name" in result.stderr
    assert tree_digest(site / "output") == before


def test_a_records_wording_override_names_the_file_and_line(site):
    shipped = ROOT / "site_builder/wording/records/de/common.toml"
    own = site / "wording/records/de/common.toml"
    own.parent.mkdir(parents=True)
    source = shipped.read_text(encoding="utf-8")
    line = next(i for i, x in enumerate(source.splitlines(), 1) if x.startswith("stand = "))
    own.write_text(source.replace('stand = "Stand"', 'stand = "Stand 版"') + "# 中文 in a comment is never printed\n",
                   encoding="utf-8")
    result = run_cli("check", cwd=site, env=ENV)
    assert result.returncode == 1
    problems = [x for x in result.stderr.splitlines() if "U+" in x]
    assert problems == [f"wording/records/de/common.toml: line {line}: 版 (U+7248): no font of the PDFs "
                        "(posters, invoice block, records, link-preview cards) has these characters, they would "
                        "print as empty boxes (leave them out of this text, it is printed too: emoji and Chinese, "
                        "Japanese or Korean characters cannot be printed)"]


def test_the_posters_benefit_line_from_content_names_file_and_line(site):
    index = site / "content/en/index.md"
    source = index.read_text(encoding="utf-8")
    line = next(i for i, x in enumerate(source.splitlines(), 1) if x.startswith("intro = "))
    index.write_text(source.replace('intro = "', 'intro = "🥐 ', 1), encoding="utf-8")
    result = run_cli("check", cwd=site, env=ENV)
    assert result.returncode == 1
    assert f"content/en/index.md: line {line}: 🥐 (U+1F950): no font of the PDFs" in result.stderr


def test_web_only_text_may_use_any_script(site):
    """The page title and the landing page's other texts reach no PDF: a browser draws them."""
    index = site / "content/de/index.md"
    source = index.read_text(encoding="utf-8")
    index.write_text(source.replace('heading = "', 'heading = "👋 ', 1), encoding="utf-8")
    result = run_cli("check", cwd=site, env=ENV)
    assert result.returncode == 0, result.stderr


def test_a_character_reference_in_markdown_is_checked_as_the_character(site):
    privacy = site / "content/de/privacy.md"
    source = privacy.read_text(encoding="utf-8")
    line = next(i for i, x in enumerate(source.splitlines(), 1) if "Verantwortlich für" in x)
    privacy.write_text(source.replace("Verantwortlich für", "Verantwortlich &#x4E2D; für", 1), encoding="utf-8")
    result = run_cli("check", cwd=site, env=ENV)
    assert result.returncode == 1
    assert f"content/de/privacy.md: line {line}: 中 (U+4E2D): no font of the PDFs" in result.stderr


def test_a_character_that_slips_past_the_checks_fails_the_build_naming_the_document(site):
    """A string literal in a placeholder is filled in only while the records are made: the check of the file
    cannot see the character, the records draw it. The build stops with a problem naming the PDF, and the
    previous output stays."""
    assert run_cli("build", cwd=site, env=ENV).returncode == 0
    before = tree_digest(site / "output")
    privacy = site / "content/de/privacy.md"
    source = privacy.read_text(encoding="utf-8")
    privacy.write_text(source.replace("Verantwortlich für", 'Verantwortlich {{ "\\u4e2d" }} für', 1),
                       encoding="utf-8")
    assert '{{ "\\u4e2d" }}' in privacy.read_text(encoding="utf-8")
    assert run_cli("check", cwd=site, env=ENV).returncode == 0  # the check cannot know
    result = run_cli("build", cwd=site, env=ENV)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if "U+4E2D" in x]
    assert line.endswith("records/de/privacy-notice.pdf: text: the font has no glyph for 中 (U+4E2D), the PDF would "
                         "show empty boxes instead (leave these characters out of the texts that are printed)")
    assert tree_digest(site / "output") == before


def test_every_shipped_wording_file_is_printable():
    wording = ROOT / "site_builder/wording"
    files = [p for area in ("print", "records", "app") for p in (wording / area).rglob("*.toml")]
    assert len(files) > 20
    for file in files:
        values: list[str] = []

        def collect(value):
            if isinstance(value, str):
                values.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    collect(item)
            elif isinstance(value, list):
                for item in value:
                    collect(item)

        collect(tomllib.loads(file.read_text(encoding="utf-8")))
        assert unprintable("".join(values)) == ("", ""), file


def test_the_characters_the_fonts_draw():
    drawn = glyphs.printable()
    for text in ("Schreinerei Müller & Söhne – 0,40 € „gut“ …", NAME, "Українська Български Ελληνικά Čeština Türkçe",
                 "ĂăȘșȚț Őő ŁłŃńŚśŹźŻż ✓ ☎"):
        assert all(ord(c) in drawn for c in text), [c for c in text if ord(c) not in drawn]
    assert unprintable("中文 😀 🍞") == ("", "中文😀🍞")
    assert unprintable("שלום مخبز ١٢") == ("שלוםمخبز١٢", "")
    assert unprintable("a\nb\tc") == ("", "")


def test_the_widths_file_is_what_the_font_files_say():
    """fonts/widths.json is written from the font files (`python3 -m site_builder.graphics.typefaces`): after a font
    file changed, this fails until it is written again."""
    from site_builder.graphics import typefaces

    shipped = json.loads(glyphs.WIDTHS.read_text(encoding="utf-8"))
    assert shipped == {name: typefaces.widths_table(file) for name, file in typefaces._FONT_FILES.items()}
    assert sorted(p.name for p in glyphs.FONT_DIR.iterdir()) == [
        "DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LICENSE-DejaVu.txt", "widths.json"]
    assert "Bitstream" in (glyphs.FONT_DIR / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
