"""The landing page as HTML: what the customer gets, the no-JS gate, privacy and the consent id."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import run_cli


class Collect(HTMLParser):
    """Every start tag with its attributes, plus the text of <style> and <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.inline:
            self._in = tag
            self.inline[tag].append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.inline[self._in][-1] += data
        else:
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(path: Path) -> Collect:
    parser = Collect()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_box_starts_unticked_and_required_one_is_marked(built_example):
    page = parse(built_example / "site" / "index.html")
    boxes = page.find("input", type="checkbox")
    assert [b["id"] for b in boxes] == ["c-service", "c-marketing"]
    assert all("checked" not in b for b in boxes)
    assert "required" in boxes[0] and "required" not in boxes[1]
    labels = {a["for"] for a in page.find("label")}
    assert {"c-service", "c-marketing"} <= labels


def test_gate_without_javascript_is_pure_css(built_example):
    """Before ticking, the only "Chat starten" that is shown is a submit button blocked by `required`."""
    page = parse(built_example / "site" / "index.html")
    css = page.inline["style"][0]
    assert re.search(r"\.go(,\.msg)?(,\.ans)?\{display:none\}", css)
    # the gate hides only when the required box is ticked
    assert "#c-service:checked ~ .actions .gate" in css
    # each chat link is shown only for its exact combination of boxes
    assert "#c-service:checked ~ #c-marketing:not(:checked) ~ .actions .go-0{display:flex}" in css
    assert "#c-service:checked ~ #c-marketing:checked ~ .actions .go-1{display:flex}" in css
    gate = page.find("button", type="submit")
    assert len(gate) == 1 and "gate" in gate[0]["class"]


def test_chat_links_carry_business_purposes_and_version(built_example):
    page = parse(built_example / "site" / "index.html")
    form = page.find("form", id="consent")[0]
    version = form["data-version"]
    assert re.fullmatch(r"v[0-9a-f]{8}", version)  # a letter first: no spreadsheet reads it as a number
    links = [a["href"] for t, a in page.tags if t == "a" and "go" in a.get("class", "").split()]
    assert len(links) == 2
    messages = []
    for link in links:
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/491701234567")
        assert parts.query.startswith("text=") and "+" not in parts.query
        messages.append(unquote(parts.query[5:]))
    assert messages[0] == f"Hallo Schreinerei Muster, ich willige in WhatsApp-Kontakt ein für: Anfragen & Aufträge. (Einwilligung {version})"
    assert "Anfragen & Aufträge, Werbung" in messages[1]
    assert all(len(m) <= 140 for m in messages)
    # the published consent text of this version exists
    assert (built_example / "site" / f"consent-{version}.html").is_file()


def test_english_page_has_its_own_message_and_version(built_example):
    page = parse(built_example / "site" / "en" / "index.html")
    form = page.find("form", id="consent")[0]
    links = [a["href"] for t, a in page.tags if t == "a" and "go" in a.get("class", "").split()]
    text = unquote(urlsplit(links[0]).query[5:])
    assert text == f"Hello Schreinerei Muster, I consent to WhatsApp contact for: Enquiries & orders. (consent {form['data-version']})"
    assert page.find("html")[0]["lang"] == "en"


def test_alternatives_and_links_are_on_the_landing_page(built_example):
    page = parse(built_example / "site" / "index.html")
    hrefs = [a.get("href", "") for t, a in page.tags if t == "a"]
    assert "tel:+499111234567" in hrefs
    assert "mailto:info@schreinerei-muster.de" in hrefs
    for target in ("datenschutz.html", "widerruf.html", "impressum.html", "contact.vcf", "en/index.html"):
        assert target in hrefs, target
        assert (built_example / "site" / target).is_file()


def test_withdrawal_page_has_one_tap_withdrawal(built_example):
    page = parse(built_example / "site" / "widerruf.html")
    hrefs = [a.get("href", "") for t, a in page.tags if t == "a"]
    withdraw = [h for h in hrefs if h.startswith("https://wa.me/491701234567?text=")]
    assert unquote(withdraw[0].split("?text=")[1]) == \
        "Ich widerrufe meine Einwilligung in WhatsApp-Kontakt mit Schreinerei Muster. STOP"
    assert any(h.startswith("mailto:info@schreinerei-muster.de?subject=") for h in hrefs)
    assert "tel:+499111234567" in hrefs


def test_no_page_refers_to_another_origin(built_example):
    allowed = re.compile(r"^(https://wa\.me/|mailto:|tel:|#|[a-z0-9._/-]+\.(html|vcf|svg|png|ico)(#[\w-]*)?$|\.\./)")
    for path in html_pages(built_example / "site"):
        page = parse(path)
        for tag, attrs in page.tags:
            for name in ("src", "href", "action", "srcset", "poster", "data"):
                value = attrs.get(name)
                if value is None or (tag == "link" and attrs.get("rel") in ("alternate", "canonical")):
                    continue  # hreflang alternates and the canonical address name the public address on purpose;
                    # nothing is loaded from them
                if tag == "a" and value.startswith("https://"):
                    # outbound links a person may follow (not loaded by the page)
                    assert "noopener" in attrs.get("rel", "") or value.startswith("https://wa.me/"), (path, value)
                    continue
                assert allowed.match(value) or value.startswith("data:"), (path, tag, name, value)
        assert "@import" not in "".join(page.inline["style"]) and "url(" not in "".join(page.inline["style"])


def csp_of(page: Collect) -> str:
    return page.find("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"]


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_every_page_has_a_strict_csp_matching_its_inline_code(built_example):
    for path in html_pages(built_example / "site"):
        page = parse(path)
        csp = csp_of(page)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "default-src 'none'" in csp
        for style in page.inline["style"]:
            assert sha(style) in csp, path
        for script in page.inline["script"]:
            assert sha(script) in csp, path
        assert page.find("meta", name="referrer", content="no-referrer"), path
        assert not [a for t, a in page.tags if "style" in a], f"inline style attribute in {path}"
        assert not [a for t, a in page.tags for k in a if k.startswith("on")], f"event handler in {path}"


def test_no_cookies_or_storage_in_code(built_example):
    for path in built_example.joinpath("site").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for word in ("document.cookie", "localStorage", "sessionStorage", "indexedDB"):
            assert word not in text, (path, word)


def test_page_weight_fits_one_round_trip(built_example):
    site = built_example / "site"
    loaded = [site / "index.html", site / "logo.svg"]
    raw = sum(p.stat().st_size for p in loaded)
    gz = sum(len(gzip.compress(p.read_bytes(), 9, mtime=0)) for p in loaded)
    print(f"\nlanding page + logo: {raw} bytes raw, {gz} bytes gzip")
    assert gz <= 14 * 1024


def test_config_values_are_escaped_everywhere(site):
    toml = (site / "site.toml").read_text(encoding="utf-8")
    toml = toml.replace('short_name = "Schreinerei Muster"', 'short_name = "M&S <b>"')
    toml = toml.replace('\nname = "Schreinerei Muster"', '\nname = "Muster <script>alert(1)</script> & \\"Söhne\\""')
    (site / "site.toml").write_text(toml, encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    for path in (site / "output" / "site").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<b>" not in text, path
    index = (site / "output" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Muster &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Söhne&#34;" in index
    assert "M%26S%20%3Cb%3E" in index  # in the wa.me link, percent-encoded


def test_raw_html_in_markdown_is_sanitised(site):
    path = site / "content" / "de" / "privacy.md"
    path.write_text(path.read_text(encoding="utf-8") +
                    '\n<script>alert(1)</script><img src="https://tracker.example/p.gif">'
                    '<a href="javascript:alert(1)">x</a><p onclick="x()">ok</p>\n', encoding="utf-8")
    assert run_cli("build", cwd=site).returncode == 0
    text = (site / "output" / "site" / "datenschutz.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text and "tracker.example" not in text
    assert "javascript:" not in text and "onclick" not in text
    assert "<p>ok</p>" in text


def test_links_are_relative_so_the_site_works_in_a_subfolder(built_example):
    for path in html_pages(built_example / "site"):
        for tag, attrs in parse(path).tags:
            href = attrs.get("href", "") if tag == "a" else attrs.get("src", "")
            assert not href.startswith("/"), (path, href)
            if href and not re.match(r"^(https?:|mailto:|tel:|data:|#)", href):
                target = (path.parent / href.split("#")[0]).resolve()
                assert target.is_file(), (path, href)


@pytest.mark.parametrize("lang_dir", ["", "en/"])
def test_language_switch_points_to_the_same_page(built_example, lang_dir):
    site = built_example / "site"
    for path in (site / lang_dir).glob("*.html"):
        page = parse(path)
        switch = [a for t, a in page.tags if t == "a" and a.get("hreflang")]
        assert switch, path
        for link in switch:
            assert (path.parent / link["href"]).resolve().is_file(), (path, link)


def test_a_sites_copy_of_the_page_labels_overrides_key_by_key_and_a_broken_one_is_named(tmp_path):
    from conftest import copy_example, run_cli

    site = copy_example(tmp_path / "site")
    labels = site / "wording" / "pages" / "de.toml"
    labels.parent.mkdir(parents=True)
    labels.write_text('notice_heading = "Das Wichtigste in Kürze"\n', encoding="utf-8")  # an older, shorter copy
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    page = (site / "output" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Das Wichtigste in Kürze" in page and "So sieht Ihr Chat aus" in page  # the rest from the theme
    labels.write_text('notice_heading = "unclosed\n', encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pages/de.toml: TOML:" in result.stderr
