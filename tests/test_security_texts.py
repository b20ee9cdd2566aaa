"""Hostile texts, slugs, logos and base URLs (issue 14): no code runs, nothing is written outside the site
folder, and every problem gets a clear line naming file and line or key."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

from conftest import copy_example, run_cli, run_process
from site_builder import placeholders
from site_builder.stages.hosting import STATIC_CSP, caddyfile, htaccess, netlify_headers, nginx_conf
from site_builder.problems import InputError

MARKER = "/tmp/site-builder-pwned-{}"
PAYLOADS = {
    "cycler": "{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}",
    "lipsum": "{{{{ lipsum.__globals__.os.popen('touch {marker}').read() }}}}",
    "mro": "{{{{ ''.__class__.__mro__ }}}}{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}",
}


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("place", ["body", "front matter"])
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_a_placeholder_cannot_run_code(tmp_path, payload, place, command):
    site = copy_example(tmp_path / "site")
    marker = Path(MARKER.format(tmp_path.name))
    marker.unlink(missing_ok=True)
    text = PAYLOADS[payload].format(marker=marker)
    imprint = site / "content/de/imprint.md"
    if place == "body":
        replace_in(imprint, "## Kontakt", f"Hallo {text}\n\n## Kontakt")
        needle = "Hallo"
    else:
        replace_in(imprint, 'title = "Impressum"', f'title = "Impressum {text}"')
        needle = 'title = "Impressum'
    result = run_cli(command, cwd=site)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(rf"^content/de/imprint\.md: line {line_of(imprint, needle)}: placeholder not allowed|"
                     rf"^content/de/imprint\.md: line {line_of(imprint, needle)}: unknown placeholder",
                     result.stderr, re.M), result.stderr
    assert "__subclasses__" not in result.stdout and "<class" not in result.stderr
    assert not marker.exists(), "the placeholder ran a command"
    assert not (site / "output").exists()


def test_every_bad_placeholder_of_every_text_is_listed_at_once(site):
    """Errors in index.md and consent.md no longer hide the other texts; each bad placeholder has its line."""
    index, consent = site / "content/de/index.md", site / "content/de/consent.md"
    privacy, imprint = site / "content/de/privacy.md", site / "content/en/imprint.md"
    replace_in(index, "{{ business.city }}", "{{ business.cty }}")
    replace_in(index, "- **Freiwillig:**", "- {{ busines.name }} **Freiwillig:**")
    replace_in(consent, "{{ business.name }}", "{{ business.nme }}")
    replace_in(privacy, "{{ business.street }}", "{{ business.stret }}")
    replace_in(privacy, "{{ business.name }}", "{{ business.nam }}")
    replace_in(imprint, 'title = "', 'title = "{{ business.titel }} ')
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "unknown placeholder" in line]
    expected = [(index, "business.cty", "business.city"), (index, "busines", "business"),
                (consent, "business.nme", "business.name"), (privacy, "business.stret", "business.street"),
                (privacy, "business.nam", "business.name"), (imprint, "business.titel", "")]
    for path, name, near in expected:
        needle = {"business.cty": "business.cty", "busines": "busines.name", "business.titel": "business.titel"}.get(
            name, name)
        prefix = f"{path.relative_to(site)}: line {line_of(path, needle + ' }}')}: unknown placeholder: {name} ("
        assert any(line.startswith(prefix) for line in lines), (prefix, result.stderr)
        if near:
            assert any(line.startswith(prefix) and f"did you mean {near}" in line for line in lines), result.stderr
    assert len(lines) == len(expected), result.stderr
    assert "object' has no attribute" not in result.stderr and "Section" not in result.stderr


def test_a_broken_index_hides_no_other_text(site):
    replace_in(site / "content/de/index.md", 'title = "WhatsApp-Kontakt"', 'title = "WhatsApp-Kontakt')
    replace_in(site / "content/de/consent.md", "{{ business.name }}", "{{ business.nme }}")
    replace_in(site / "content/de/imprint.md", "{{ business.street }}", "{{ business.stret }}")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert re.search(r"^content/de/index\.md: line 2, column \d+: front matter is not valid TOML", result.stderr, re.M)
    assert "content/de/consent.md: line 9: unknown placeholder: business.nme" in result.stderr
    line = line_of(site / "content/de/imprint.md", "business.stret")
    assert f"content/de/imprint.md: line {line}: unknown placeholder: business.stret" in result.stderr, result.stderr


def test_an_unknown_placeholder_in_front_matter_names_its_own_line(site):
    withdrawal = site / "content/de/withdrawal.md"
    replace_in(withdrawal, 'email_button = "Per E-Mail widerrufen"', 'email_button = "{{ busness.email }}"')
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    line = line_of(withdrawal, "busness")
    assert line > 2
    assert f"content/de/withdrawal.md: line {line}: unknown placeholder: busness (did you mean business" \
        in result.stderr


SLUG_CASES = [
    ("../../../ESCAPED", "imprint", "is not a plain page name"),
    ("../records/de/index", "imprint", "is not a plain page name"),
    ("index", "imprint", "a file the build writes itself (index.html)"),
    ("Index", "privacy", "a file the build writes itself (index.html)"),
    ("datenschutz", "imprint", "is also the slug of privacy.md"),
    ("consent-1234abcd", "withdrawal", "consent-<id>.html"),
    ("contact", "imprint", "contact.vcf"),
    ("robots", "imprint", "robots.txt"),
    ("logo", "imprint", "logo.*"),
    ("404", "imprint", "404.html"),
    ("impressum seite", "imprint", "is not a plain page name"),
    ("", "imprint", "is not a plain page name"),
]


@pytest.mark.parametrize("slug,text,words", SLUG_CASES, ids=[c[0] or "empty" for c in SLUG_CASES])
def test_a_slug_must_be_a_plain_free_page_name(tmp_path, slug, text, words):
    site = copy_example(tmp_path / "a" / "b" / "c" / "site")
    path = site / f"content/de/{text}.md"
    if 'slug = "' in path.read_text(encoding="utf-8"):
        source = re.sub(r'^slug = ".*"$', f'slug = "{slug}"', path.read_text(encoding="utf-8"), count=1, flags=re.M)
    else:
        source = path.read_text(encoding="utf-8").replace("+++\n", f'+++\nslug = "{slug}"\n', 1)
    path.write_text(source, encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 1, result.stdout
    assert f"content/de/{text}.md: line {line_of(path, 'slug =')}: slug: " in result.stderr, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("ESCAPED*")) and not (site / "output").exists()


def test_a_slug_that_is_not_text_is_refused(site):
    imprint = site / "content/de/imprint.md"
    replace_in(imprint, 'slug = "impressum"', "slug = [1, 2]")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert f"content/de/imprint.md: line {line_of(imprint, 'slug =')}: slug: must be text, got [1, 2]" in result.stderr


def test_front_matter_placeholders_are_escaped_once_and_a_bom_is_accepted(site):
    replace_in(site / "site.toml", 'name = "Schreinerei Muster"', 'name = "Müller & Söhne"')
    index = site / "content/de/index.md"
    replace_in(index, 'heading = "Schreiben Sie uns auf WhatsApp"', 'heading = "Schreiben Sie {{ business.name }}"')
    index.write_bytes(b"\xef\xbb\xbf" + index.read_bytes())
    privacy = site / "content/de/privacy.md"
    privacy.write_bytes(b"\xef\xbb\xbf" + privacy.read_bytes())
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    page = (site / "output/site/index.html").read_text(encoding="utf-8")
    assert "Schreiben Sie Müller &amp; Söhne</h1>" in page
    assert "&amp;amp;" not in page


def test_a_plain_http_link_stays_as_text_with_a_warning(site):
    privacy = site / "content/de/privacy.md"
    source = privacy.read_text(encoding="utf-8") + (
        "\nMehr bei der [Aufsichtsbehörde](http://www.lda.bayern.de/) und <http://example.org/info>.\n")
    privacy.write_text(source, encoding="utf-8")
    line = len(source.splitlines())
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (f"content/de/privacy.md: line {line}: the link to http://www.lda.bayern.de/ uses plain http://"
            in result.stderr), result.stderr
    assert f"content/de/privacy.md: line {line}: the link to http://example.org/info" in result.stderr
    page = (site / "output/site/datenschutz.html").read_text(encoding="utf-8")
    assert "Aufsichtsbehörde (http://www.lda.bayern.de/)" in page and "http://example.org/info" in page
    assert 'href="http://' not in page
    strict = run_cli("check", "--strict", cwd=site)
    assert strict.returncode == 1


@pytest.mark.slow
def test_check_and_build_write_outside_the_site_only_the_cache_the_readme_names(site, tmp_path):
    """README: the build writes output/ and consent-versions/ in the site, and outside it only compiled
    templates in the user's cache folder; `check` writes nothing anywhere; with the cache off, nothing at all
    (issue 22: a build wrote compiled templates into ~/.cache while the README said otherwise)."""
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    cache.mkdir()
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(cache), "SITE_BUILDER_CACHE": ""}
    # new processes: what the libraries write while they are imported counts too
    result = run_process("check", cwd=site, env=env)
    assert result.returncode == 0, result.stderr
    assert list(home.rglob("*")) == [] and list(cache.rglob("*")) == []
    built = run_process("build", cwd=site, env=env)
    assert built.returncode == 0, built.stderr
    replace_in(site / "content/de/imprint.md", "## Kontakt", "Neu: {{ business.city }}\n\n## Kontakt")
    again = run_process("build", cwd=site, env=env)
    assert again.returncode == 0, again.stderr
    assert list(home.rglob("*")) == []
    written = [p.relative_to(cache) for p in cache.rglob("*") if p.is_file()]
    assert written and all(p.parts[0] == "site-builder" and p.parts[1].startswith("templates-")
                           and p.suffix == ".cache" and len(p.parts) == 3 for p in written), written
    replace_in(site / "content/de/imprint.md", "Neu:", "Neu, ohne Cache:")
    off = run_process("build", cwd=site, env={**env, "XDG_CACHE_HOME": str(tmp_path / "unused"),
                                              "SITE_BUILDER_CACHE": "off"})
    assert off.returncode == 0, off.stderr
    assert list(home.rglob("*")) == [] and not (tmp_path / "unused").exists()


def test_placeholder_sources_do_not_pile_up():
    problems: list = []
    for n in range(placeholders.MAX_SOURCES * 3):
        assert placeholders.render_placeholders(f"Text {n}: {{{{ name }}}}", {"name": "x"}, "f.md", 1,
                                                problems) == f"Text {n}: x"
    assert problems == []
    assert len(placeholders._SOURCES) <= placeholders.MAX_SOURCES


HOSTILE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"
     onload="alert(1)">
  <script>document.documentElement.setAttribute('data-ran', '1')</script>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <a href="javascript:alert(2)"><rect width="5" height="5" fill="#8a4b0f" onclick="alert(3)"/></a>
  <image xlink:href="https://evil.example/track.png" width="1" height="1"/>
  <use href="#r"/>
  <set attributeName="href" to="javascript:alert(4)"/>
  <rect id="r" width="10" height="2" fill="#333"/>
  <circle cx="5" cy="5" r="2" fill="#8a4b0f"/>
</svg>
"""


def test_a_hostile_svg_logo_is_published_without_anything_that_could_run(site):
    (site / "logo.svg").write_bytes(HOSTILE_SVG)
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^warning: site\.toml: theme\.logo: removed from logo\.svg before publishing.*<script>",
                     result.stderr, re.M), result.stderr
    logo = (site / "output/site/logo.svg").read_text(encoding="utf-8")
    for bad in ("<script", "onload", "onclick", "foreignObject", "javascript:", "evil.example", "<set"):
        assert bad not in logo, bad
    assert '<circle cx="5" cy="5" r="2" fill="#8a4b0f"' in logo and 'href="#r"' in logo
    assert run_cli("check", "--strict", cwd=site).returncode == 1


def test_an_svg_logo_with_entities_is_refused(site):
    (site / "logo.svg").write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n'
                                    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&a;</text></svg>')
    result = run_cli("build", cwd=site)
    assert result.returncode == 1
    assert "theme.logo" in result.stderr and "Traceback" not in result.stderr
    assert not (site / "output").exists()


def _settings(base_url: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(base_url=base_url, path=Path("site.toml"))


HOSTILE_URLS = [
    'https://example.de/a"\nHeader set X-Evil 1\n#/',
    "https://example.de/a;}server{listen 81;}location /x{/",
    "https://example.de/a b/",
    "https://example.de/a\\b/",
    "https://user:pass@example.de/",
    "https://exa mple.de/",
    "https://example.de;}server{/",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hosting_configs_refuse_or_escape_a_hostile_base_url(url):
    settings = _settings(url)
    apache = htaccess(settings)
    assert not [line for line in apache.splitlines() if "X-Evil" in line and not line.startswith("#")]
    for render in (netlify_headers, nginx_conf, caddyfile):
        with pytest.raises(InputError) as caught:
            render(settings, []) if render is netlify_headers else render(settings)
        assert [str(p).split(":")[1].strip() for p in caught.value.problems] == ["site.base_url"]


def test_an_international_domain_is_written_as_punycode():
    conf = nginx_conf(_settings("https://www.müller-söhne.de/chat/"))
    assert "server_name www.xn--mller-shne-kcb9d.de;" in conf and "location /chat/ {" in conf


def test_static_files_get_a_policy_without_script_in_every_config():
    settings = _settings("https://www.example.de/")
    assert "default-src 'none'" in STATIC_CSP and "script" not in STATIC_CSP
    assert f'Header always set Content-Security-Policy "{STATIC_CSP}"' in htaccess(settings)
    assert f"/logo.svg\n  Cache-Control: public, max-age=86400\n  Content-Security-Policy: {STATIC_CSP}\n" \
        in netlify_headers(settings, ["index.html", "logo.svg"])
    assert f'add_header Content-Security-Policy "{STATIC_CSP}" always;' in nginx_conf(settings)
    assert f'header @asset Content-Security-Policy "{STATIC_CSP}"' in caddyfile(settings)


# --- properties: any text, any slug ------------------------------------------------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

from site_builder.content import GENERATED, PAGE_SLUG, Source, check_slugs  # noqa: E402

TOKENS = ["{{", "}}", "{%", "%}", "{#", "#}", " ", "business", ".", "name", "city", "__class__", "__globals__",
          "cycler", "lipsum", "range", "(", ")", "[", "]", "'", '"', "|", "attr", "for", "in", "endfor", "if",
          "endif", "\n", "purposes", "p", "short", "+", "1", "~", "mro", "__subclasses__", "os", "popen", "&"]
CONTEXT = {"business": {"name": "Müller & Söhne", "city": "Fürth"}, "purposes": [{"short": "Termine"}]}


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=40).map("".join))
def test_any_text_renders_or_names_its_problems(source):
    problems: list = []
    out = placeholders.render_placeholders(source, CONTEXT, "f.md", 5, problems)
    assert (out is None) == bool(problems)
    for problem in problems:
        assert re.fullmatch(r"line \d+", problem.where) and int(problem.where.split()[1]) >= 5
        assert "Traceback" not in problem.what and "object at 0x" not in problem.what
    if out is not None:
        assert "<class" not in out and "function" not in out and "built-in" not in out


SLUG_VALUES = st.one_of(st.text(max_size=20), st.sampled_from(["index", "datenschutz", "Consent-x", "../x", "logo"]),
                        st.integers(), st.lists(st.integers(), max_size=2), st.booleans())


@hsettings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({name: SLUG_VALUES for name in ("privacy", "withdrawal", "imprint")}))
def test_any_slug_gives_a_plain_free_distinct_page_name(values):
    sources = {name: Source(name, Path(f"{name}.md"), {"slug": value}, {"slug": 3}, "", 5)
               for name, value in values.items()}
    problems: list = []
    chosen = check_slugs(sources, problems)
    names = [entry["slug"].lower() for entry in chosen.values()]
    assert len(set(names)) == 3
    refused = {p.file for p in problems}
    for name, value in values.items():
        slug = chosen[name]["slug"]
        if f"{name}.md" in refused:
            assert slug != value and slug.rstrip("~") == name  # a stand-in; the build stops
        else:
            assert slug == value or ("slug" not in sources[name].meta and slug == name)
            assert PAGE_SLUG.fullmatch(slug) and slug.lower() not in GENERATED and not slug.lower().startswith("consent-")


def test_a_base_url_that_would_inject_a_server_block_stops_the_build(site):
    replace_in(site / "site.toml", 'base_url = "https://www.schreinerei-muster.de/whatsapp/"',
               'base_url = "https://www.schreinerei-muster.de/wa;}server{listen 81;}/"')
    result = run_cli("build", cwd=site)
    assert result.returncode == 1
    assert re.search(r"^site\.toml: site\.base_url: ", result.stderr, re.M), result.stderr
    assert "Traceback" not in result.stderr and not (site / "output").exists()
