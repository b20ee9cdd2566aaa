"""The records kit in output/records/: every record holds every item its article requires, by section."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_example, run_cli
from site_builder.site import load_site
from site_builder.config import load_settings
from site_builder.formatting import format_date
from site_builder.stages.records.open_items import REQUIRED_ITEMS
from site_builder.stages.records.overview import ORDER
from site_builder.stages.records.record_units import records_units

LANGS = ("de", "en")
A4 = (595.28, 841.89)


# --- a small DOM: enough to find a section by id and read its text --------------------------

VOID = {"meta", "br", "link", "img", "hr", "input", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None]):
        self.tag, self.attrs, self.children = tag, attrs, []

    def text(self, skip: tuple[str, ...] = ()) -> str:
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in skip:
                parts.append(child.text(skip))
        return " ".join(" ".join(parts).split())

    def find(self, pred) -> list["Node"]:
        found = [self] if pred(self) else []
        for child in self.children:
            if isinstance(child, Node):
                found += child.find(pred)
        return found

    def by_id(self, ident: str) -> "Node | None":
        hits = self.find(lambda n: n.attrs.get("id") == ident)
        return hits[0] if hits else None


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def dom(path: Path) -> Node:
    parser = _Tree()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.root


def section_content(root: Node, ident: str) -> str:
    """The text of the element with this id, without its heading."""
    node = root.by_id(ident)
    assert node is not None, f"no element with id {ident!r}"
    return node.text(skip=("h2",))


def row_cells(root: Node, ident: str) -> list[str]:
    row = root.by_id(ident)
    assert row is not None and row.tag == "tr", f"no table row {ident!r}"
    return [cell.text() for cell in row.find(lambda n: n.tag == "td")]


@pytest.fixture(scope="module")
def example(built_example: Path):
    """(output folder, settings, plan) of the example site built once."""
    config = built_example.parent / "site.toml"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1790000000")  # as the build ran (a new consent version takes its date)
        settings, _ = load_settings(config)
        return built_example, settings, load_site(config)[0]


def records_files(site) -> tuple[dict[str, bytes], list]:
    """Every records file as the build writes it (all units rendered), and the problems."""
    units, problems = records_units(site)
    files: dict[str, bytes] = {}
    for unit in units:
        files.update(unit.render())
    return files, problems


# --- every record, every item -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", sorted(REQUIRED_ITEMS))
def test_each_required_item_is_a_section_with_content(example, lang, slug):
    out, _, _ = example
    root = dom(out / "records" / lang / f"{slug}.html")
    for item in REQUIRED_ITEMS[slug]:
        assert len(section_content(root, item)) > 20, f"{slug} ({lang}): item {item} is empty"


@pytest.mark.parametrize("lang", LANGS)
def test_record_of_processing_art30(example, lang):
    out, settings, _ = example
    s = settings.for_lang(lang)
    root = dom(out / "records" / lang / "record-of-processing.html")
    a = section_content(root, "art30-1a")
    assert s.business.name in a and s.business.email in a and s.business.representative in a
    b = section_content(root, "art30-1b")
    for p in s.purposes:
        assert p.description in b and p.legal_basis in b
    c = section_content(root, "art30-1c")
    assert len(root.by_id("art30-1c").find(lambda n: n.tag == "li")) >= 8  # subjects and data categories
    d = section_content(root, "art30-1d")
    assert "WhatsApp Ireland Limited" in d and "Meta Platforms, Inc." in d
    e = section_content(root, "art30-1e")
    assert s.transfer.basis in e and format_date(s.transfer.reviewed, lang) in e
    f = section_content(root, "art30-1f")
    assert str(s.retention.chat_months) in f and "147" in f  # the statutory periods ship with the texts
    g = section_content(root, "art30-1g")
    assert all(m.title in g for m in s.records.measures)
    assert len(root.by_id("art30-1g").find(lambda n: n.tag == "li")) >= 10
    assert c and d


@pytest.mark.parametrize("lang", LANGS)
def test_risk_assessment_threshold_and_art35(example, lang):
    out, settings, _ = example
    s = settings.for_lang(lang)
    root = dom(out / "records" / lang / "risk-assessment.html")
    threshold = root.by_id("threshold")
    assert len(threshold.find(lambda n: n.tag == "tr")) >= 9  # every criterion, with its answer
    assert "WP 248" in threshold.text()
    # the five WhatsApp risks of the issue, then the owner's own from site.toml
    risks = [row_cells(root, f"risk-{i}") for i in range(1, 9)]
    assert all(len(cells) == 4 and all(cells) for cells in risks)
    assert s.records.risks[0].title in risks[7][1]
    measures = section_content(root, "art35-7d")
    assert all(f"M{i}" in measures for i in range(1, 11))
    assert s.records.measures[0].title in measures
    assert s.records.device in section_content(root, "art35-7a")
    assert str(s.retention.chat_months) in section_content(root, "art35-7b")


@pytest.mark.parametrize("lang", LANGS)
def test_processor_terms_art28_each_item_mapped(example, lang):
    out, settings, _ = example
    s = settings.for_lang(lang)
    root = dom(out / "records" / lang / "processor-terms.html")
    for lit in "abcdefgh":
        cells = row_cells(root, f"art28-3{lit}")
        assert len(cells) == 4 and all(len(c) > 1 for c in cells), lit
        assert cells[0] == f"{lit})"
    terms = section_content(root, "terms")
    assert format_date(s.records.terms_accepted, lang) in terms
    assert "business-data-processing-terms" in terms
    transfer = section_content(root, "transfer")
    assert s.transfer.basis in transfer and format_date(s.transfer.reviewed, lang) in transfer


@pytest.mark.parametrize("lang", LANGS)
def test_consent_record_lists_every_version_with_its_url(example, lang):
    out, settings, plan = example
    root = dom(out / "records" / lang / "consent.html")
    language = plan.languages[lang]
    folder = settings.base_url + ("" if lang == settings.default_lang else f"{lang}/")
    assert language.versions
    for version in language.versions:  # one row per text; a text archived under its old id: both addresses
        cells = row_cells(root, f"version-{version.id}")
        assert cells[0] == version.id
        assert cells[1] == format_date(__import__("datetime").date.fromisoformat(version.date), lang)
        assert cells[2] == " , ".join(f"{folder}consent-{vid}.html" for vid in version.ids)
    assert any(version.also for version in language.versions)  # the example has texts of both id shapes
    wording = section_content(root, "wording")
    assert language.consent_id in wording
    for link in plan.languages[lang].chat_links:
        assert link.message in wording
    channels = section_content(root, "channels")
    for code in settings.channels.values():
        assert f"{settings.base_url}?s={code}" in channels and f"{language.consent_id}/{code}" in channels


@pytest.mark.parametrize("lang", LANGS)
def test_privacy_record_matches_the_published_notice(example, lang):
    out, _, plan = example
    page = plan.languages[lang].texts["privacy"].meta["slug"] + ".html"
    published = dom(out / "site" / ("" if lang == "de" else f"{lang}/") / page)
    record = dom(out / "records" / lang / "privacy-notice.html")
    for item in REQUIRED_ITEMS["privacy-notice"]:
        heading = published.by_id(item)
        assert heading is not None and record.by_id(item) is not None
        assert heading.text() in record.by_id(f"h-{item}").text()
        assert len(section_content(record, item)) > 40


@pytest.mark.parametrize("lang", LANGS)
def test_withdrawal_form_and_procedure(example, lang):
    out, settings, _ = example
    s = settings.for_lang(lang)
    root = dom(out / "records" / lang / "withdrawal.html")
    form = root.by_id("form")
    boxes = form.find(lambda n: n.attrs.get("class") == "box")
    assert len(boxes) == 1 + sum(1 for p in s.purposes if not p.required)
    assert len(form.find(lambda n: n.tag == "table" and n.attrs.get("class") == "fill")) == 2
    assert s.business.name in form.text() and s.business.street in form.text()
    assert "new-page" in form.attrs.get("class", "")
    procedure = section_content(root, "procedure")
    assert s.records.withdrawal_handler in procedure and s.records.withdrawal_deputy in procedure
    assert str(s.records.withdrawal_days) in procedure


@pytest.mark.parametrize("lang", LANGS)
def test_index_links_every_record_and_lists_the_owners_checklist(example, lang):
    out, _, _ = example
    root = dom(out / "records" / lang / "index.html")
    hrefs = [a.attrs["href"] for a in root.by_id("records").find(lambda n: n.tag == "a")]
    for slug in ORDER:
        assert f"{slug}.html" in hrefs and f"{slug}.pdf" in hrefs
    for href in hrefs:
        assert (out / "records" / lang / href).resolve().is_file(), href
    todo = root.by_id("checklist").find(lambda n: n.tag == "li")
    assert len(todo) >= 5  # the owner's tasks after the build, as `check` prints them
    assert not any("terms_clauses" in li.text() for li in todo)  # the project maps Art. 28(3) itself
    assert len(root.by_id("routine").find(lambda n: n.tag == "li")) >= 7


@pytest.mark.parametrize("lang", LANGS)
def test_every_record_shows_stand_and_consent_version(example, lang):
    out, settings, plan = example
    stand = format_date(settings.site.as_of, lang)
    label = "Stand" if lang == "de" else "As of"
    for slug in (*ORDER, "index"):
        header = dom(out / "records" / lang / f"{slug}.html").find(lambda n: n.tag == "header")[0].text()
        assert f"{label} {stand}" in header and plan.languages[lang].consent_id in header, slug


def test_records_html_loads_nothing(example):
    out, _, _ = example
    for path in (out / "records").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        assert not re.search(r"<(link|script|img|iframe)\b|\bsrc=|@import|url\(", text), path
        assert "@page { size: A4" in text


# --- PDFs -------------------------------------------------------------------------------------


def test_pdfs_are_a4_with_embedded_fonts_and_extractable_text(example):
    out, _, plan = example
    pdfs = sorted((out / "records").rglob("*.pdf"))
    assert len(pdfs) == 2 * (len(ORDER) + 1) + 1  # every record and the overview per language, and the app sheet
    for path in pdfs:
        reader = PdfReader(path)
        lang = path.parent.name if path.parent.name in LANGS else "de"
        for page in reader.pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, path
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font.get("/FontDescriptor")
                if descriptor is None and "/DescendantFonts" in font:
                    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert descriptor is not None, f"{path}: font {font.get('/BaseFont')} is not embedded"
                descriptor = descriptor.get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), path
        text = " ".join(page.extract_text() for page in reader.pages)
        assert ("Stand" if lang == "de" else "As of") in text, path
        assert plan.languages[lang].consent_id in text, path


def test_records_are_deterministic_and_units_are_digested_by_their_data(example, tmp_path):
    out, settings, plan = example
    first, problems = records_files(plan)
    again, _ = records_files(plan)
    assert not problems and first == again
    for path, data in first.items():  # what the build wrote is what the units make
        assert (out / path).read_bytes() == data, path
    assert not (out / "records" / ".inputs.json").exists()  # no cache file of its own any more
    units, _ = records_units(plan)
    assert len(units) == 2 * (len(ORDER) + 1) + 2 and len({u.name for u in units}) == len(units)
    digests = {u.name: u.key for u in units}
    # a DPO appointed: the record of processing changes, records that do not show the DPO keep their digest
    site = copy_example(tmp_path / "site")
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[dpo]\nname = "Dr. Daten Schutz"\nemail = "dsb@example.de"\n')
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1790000000")
        plan2, _ = load_site(site / "site.toml")
    units2, _ = records_units(plan2)
    changed = {u.name for u in units2 if digests[u.name] != u.key}
    assert "records/de/record-of-processing" in changed and "records/en/record-of-processing" in changed
    assert "records/de/consent" not in changed and "records/whatsapp-app" not in changed


def test_records_stage_time(example, capsys):
    _, settings, plan = example
    records_files(plan)  # warm the imports
    started = time.perf_counter()
    files, _ = records_files(plan)
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nrecords stage (example, {sum(p.endswith('.pdf') for p in files)} PDFs, no cache): "
              f"{seconds * 1000:.0f} ms")
    assert seconds < 10


# --- never published ------------------------------------------------------------------------


def test_nothing_from_records_is_in_the_site(example):
    out, _, _ = example
    site = out / "site"
    assert not [p for p in site.rglob("*") if "record" in p.name.lower()]
    # (the hosting configs may name records/ to block it; no page may carry record content)
    markers = [b"data-record=", b"record-of-processing", b"whatsapp-app", "Interne Datenschutz-Unterlage".encode(),
               b"Internal data protection record"]
    for slug in REQUIRED_ITEMS:
        html = (out / "records" / "de" / f"{slug}.html").read_text(encoding="utf-8")
        markers.append(re.search(r"<h1>(.*?)</h1>", html).group(1).encode())
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for marker in markers:
                assert marker not in data, f"{path} contains {marker!r}"


def test_records_paths_are_outside_site(example):
    out, settings, plan = example
    files, _ = records_files(plan)
    assert files and all(p.startswith("records/") for p in files)
    assert not any(p.startswith("site/") for p in files)


# --- the WhatsApp Business app sheet ----------------------------------------------------------


def test_app_sheet_has_every_text_in_each_language_within_limits(example):
    out, settings, plan = example
    root = dom(out / "records" / "whatsapp-app.html")
    limits = dict(settings.records.app_limits)
    for lang in LANGS:
        section = root.by_id(f"texts-{lang}")
        quotes = [q.text() for q in section.find(lambda n: n.tag == "pre")]
        assert len(quotes) == 9  # greeting, away, 5 quick replies, profile description, website
        greeting, away, website = quotes[0], quotes[1], quotes[-1]
        slug = plan.languages[lang].texts["privacy"].meta["slug"]
        assert f"{slug}.html" in greeting and settings.business.email in greeting  # neutral: links, phone, e-mail
        assert website in greeting  # the consent page: the greeting asks, it never confirms
        assert len(greeting) <= limits["greeting"] and len(away) <= limits["away"]
        assert website.startswith(settings.base_url)
        assert all(len(q) <= max(limits.values()) for q in quotes)
    shortcuts = root.by_id("texts-de").text()
    for shortcut in ("/datenschutz", "/einwilligung-bestaetigt", "/widerruf", "/stop-bestaetigt"):
        assert shortcut in shortcuts


def _append(site: Path, text: str) -> None:
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write("\n" + text + "\n")


def test_text_over_an_app_limit_fails_naming_the_key(site):
    _append(site, "[records.app_limits]\ngreeting = 120\n")
    result = run_cli("build", cwd=site)
    assert result.returncode == 1
    assert re.search(r"site\.toml: records\.app_limits\.greeting: the WhatsApp app text 'greeting' \(de\) has \d+ "
                     r"characters, more than the limit of 120 \(.*records\.app_texts\.greeting\.de", result.stderr)
    assert "Traceback" not in result.stderr and not (site / "output").exists()


def test_own_app_text_over_its_limit_names_its_key(site):
    long = "Danke! " * 90
    _append(site, f'[records.app_texts]\naway = {{ de = "{long}", en = "Thanks, back soon. {{privacy_url}}" }}\n')
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert "site.toml: records.app_texts.away.de: the WhatsApp app text 'away' (de) has" in result.stderr
    assert "records.app_texts.away.en" not in result.stderr


def test_dpo_when_appointed_appears_in_the_record(tmp_path):
    site = copy_example(tmp_path / "site")
    _append(site, '[dpo]\nname = "Dr. Daten Schutz"\nemail = "dsb@example.de"\n')
    plan, _ = load_site(site / "site.toml")
    files, _ = records_files(plan)
    html = files["records/de/record-of-processing.html"].decode()
    assert "dsb@example.de" in html and "Dr. Daten Schutz" in html


def test_check_draws_no_record(site, monkeypatch):
    """`check` asks the records for their problems only: drawing a PDF there would be work thrown away."""
    import site_builder.stages.records.render_html as render_html
    import site_builder.stages.records.render_pdf as render_pdf
    from site_builder.outcome import build
    from site_builder.problems import errors

    def refuse(record):
        raise AssertionError(f"check rendered {record.slug}")

    monkeypatch.setattr(render_pdf, "render_pdf", refuse)
    monkeypatch.setattr(render_html, "render_html", refuse)
    result = build(site / "site.toml", site / "output", write=False)
    assert not errors(result.problems) and not result.written
    assert any(path.startswith("records/") for path in result.files)  # counted, not drawn
