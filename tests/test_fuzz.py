"""Hostile input, generated: settings values, front matter, slugs, Markdown bodies and chat-export lines.

For every case the command exits 0, 1 or 2, prints no traceback, finishes within a bound, writes nothing
outside output/ and the consent archive, and leaves the previous output byte-identical when it fails.
CI runs a bounded number of examples per strategy; set FUZZ_EXAMPLES for more (e.g. 500 on a quiet machine).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import copy_example, run_cli, tree_digest

pytestmark = pytest.mark.slow  # hypothesis: every example a build

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
BOUND_SECONDS = 90  # generous: a shared 2-core machine; a superlinear step runs for minutes, not seconds
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Text an attacker or a careless copy-paste brings: control and bidi characters, markup, placeholders,
# template syntax, long runs without spaces, quotes and newlines that end a config line.
NASTY = st.sampled_from([
    "", " ", "\n", "\r\n", "\t", "\x00", "\u202e", "\u200b", "\ufeff", "'", '"', "\\", "{{", "}}", "{%", "%}",
    "{{ cycler.__init__.__globals__.os }}", "{{ ''.__class__.__mro__ }}", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "javascript:alert(1)", "../../../x", "/etc/passwd", ";}server{", "=cmd|' /C calc'!A0",
    "@SUM(1+1)", "[" * 50, "x" * 3000, "ü" * 200, "Ž", "😀", "ŹŻ", "Ω", "\u0000", "http://example.com",
    "https://example.com/a b", "Müller & Söhne", "0", "-1", "nan", "1e309",
])
TEXT = st.one_of(st.text(max_size=80), NASTY, st.lists(NASTY, min_size=2, max_size=4).map("".join))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # in the suite's process (conftest.run_cli: what a new process would say, and nothing left behind in this one)
    return run_cli(*args, cwd=cwd, timeout=BOUND_SECONDS, errors="replace")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example, built once; every case starts from a copy of it (settings, texts and output)."""
    site = copy_example(tmp_path_factory.mktemp("fuzz") / "site")
    result = _run(["build"], site)
    assert result.returncode == 0, result.stderr
    return site


def _outside(root: Path) -> dict[str, str]:
    """Every file under `root` but the output and the consent archive (which a good build may extend)."""
    return {k: v for k, v in tree_digest(root).items()
            if not k.startswith("site/output/") and not k.startswith("site/consent-versions/")}


def _case(built: Path, change, args: list[str] = ("build",)) -> None:
    """Copy the built site, apply `change` to it, run the command, check every promise."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        shutil.copytree(built, site, symlinks=True)
        change(site)
        before_output = tree_digest(site / "output")
        before = _outside(root)
        try:
            result = _run(list(args), site)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{args} ran past {BOUND_SECONDS} s")
        assert result.returncode in (0, 1, 2), result.stderr
        assert "Traceback" not in result.stderr + result.stdout, result.stderr
        after = _outside(root)
        if args[0] == "consents" and result.returncode in (0, 1):
            after.pop("site/register.csv", None)
        assert after == before, "written outside output/ and the consent archive"
        if result.returncode != 0:
            assert tree_digest(site / "output") == before_output, "a failed build changed the previous output"
        else:
            assert (site / "output" / "site" / "index.html").is_file()


def _set_setting(site: Path, key: str, value: str) -> None:
    settings_file = site / "site.toml"
    lines = settings_file.read_text(encoding="utf-8").splitlines()
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    escaped = "".join(c if c.isprintable() or c in "\\" else f"\\u{ord(c):04x}" for c in escaped)
    for i, line in enumerate(lines):
        if line.split("=")[0].strip() == key:
            lines[i] = f'{key} = "{escaped}"'
            break
    settings_file.write_text("\n".join(lines) + "\n", encoding="utf-8")


@FUZZ
@given(key=st.sampled_from(["name", "short_name", "street", "city", "email", "phone", "representative",
                            "base_url", "number", "vat_id", "legal_form"]), value=TEXT)
def test_settings_values(built, key, value):
    _case(built, lambda site: _set_setting(site, key, value))


@FUZZ
@given(key=st.sampled_from(["title", "heading", "intro", "chat_button", "slug"]), value=TEXT,
       page=st.sampled_from(["index", "privacy", "imprint", "withdrawal"]))
def test_front_matter(built, key, value, page):
    def change(site: Path) -> None:
        path = site / "content" / "de" / f"{page}.md"
        source = path.read_text(encoding="utf-8")
        front, body = source[3:].split("+++", 1)
        lines = [line for line in front.splitlines() if not line.startswith(f"{key} =")]
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
        lines.append(f'{key} = "{escaped}"')
        path.write_text("+++" + "\n".join(lines) + "\n+++" + body, encoding="utf-8")
    _case(built, change)


@FUZZ
@given(slug=st.one_of(st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True), TEXT,
                      st.sampled_from(["index", "datenschutz", "contact", "logo", "robots", "consent-c19690d8"])))
def test_slugs(built, slug):
    def change(site: Path) -> None:
        path = site / "content" / "de" / "imprint.md"
        source = path.read_text(encoding="utf-8")
        escaped = slug.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
        path.write_text(source.replace('slug = "impressum"', f'slug = "{escaped}"'), encoding="utf-8")
    _case(built, change)


@FUZZ
@given(body=st.lists(TEXT, min_size=1, max_size=6).map("\n".join))
def test_markdown_bodies(built, body):
    def change(site: Path) -> None:
        path = site / "content" / "de" / "privacy.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n" + body + "\n", encoding="utf-8")
    _case(built, change)


@FUZZ
@given(lines=st.lists(st.one_of(
    TEXT,
    st.builds(lambda d, m, text: f"{d:02d}.{m:02d}.26, 10:15 - Anna: {text}",
              st.integers(0, 40), st.integers(0, 14), TEXT),
    st.builds(lambda text: f"[01.10.26, 09:00:00] {text}: Hallo Schreinerei Muster, ich willige ein", TEXT),
), min_size=1, max_size=8))
def test_chat_export_lines(built, lines):
    def change(site: Path) -> None:
        (site / "chat.txt").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    _case(built, change, ["consents", "chat.txt", "-o", "register.csv"])


# --- issue 22: paths, links and nesting -------------------------------------------------------------------------

# Path-like values a settings file may hold: climbing out, absolute, Windows-shaped, home, control characters.
PATH_PARTS = st.sampled_from(["..", ".", "", "/", "\\", "~", "C:", "logo.svg", "content", "de", "imprint.md",
                              "/etc/passwd", "/dev/zero", "%2e%2e", "\x00", "\n", "x" * 300, "ü", "*", "..."])
PATHS = st.lists(PATH_PARTS, min_size=1, max_size=5).map("/".join)


@FUZZ
@given(key=st.sampled_from(["logo", "name"]), value=PATHS)
def test_path_values(built, key, value):
    """theme.logo and theme.name: a file or folder inside the site, or one clear message."""
    _case(built, lambda site: _set_setting(site, key, value))


# Where a site keeps a file that the build reads, and what a link there may point to.
READ_PLACES = ["logo.svg", "content/de/imprint.md", "content/en/privacy.md", "themes/default/templates/page.html",
               "themes/default/static/app.js", "wording/pages/de.toml", "wording/records/de/consent.toml",
               "consent-versions/de/00000000.html"]
TARGETS = st.sampled_from(["/etc/passwd", "/dev/zero", "/dev/null", "/", "/nonexistent", "../../outside.md",
                           "../site", "imprint.md", "FIFO", "FOLDER", "SELF"])


@FUZZ
@given(place=st.sampled_from(READ_PLACES), target=TARGETS)
def test_links_and_odd_files(built, place, target):
    """A link out of the site, a pipe, a device, a folder or a loop where the build reads a file: one clear
    message (or, for a link inside the site, a build), never a hang, a traceback or a write outside."""
    def change(site: Path) -> None:
        path = site / place
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        if target == "FIFO":
            os.mkfifo(path)
        elif target == "FOLDER":
            path.mkdir()
        elif target == "SELF":
            path.symlink_to(path.name)  # a link to itself: a loop
        else:
            path.symlink_to(target)
    _case(built, change)


NESTING = st.integers(1, 400)


@FUZZ
@given(kind=st.sampled_from(["toml", "front", "svg", "quote", "list", "loops", "macro", "emphasis"]), n=NESTING)
def test_nesting(built, kind, n):
    """Nesting of every kind a site's files can hold, at any depth: a result or one clear message."""
    def append_text(site: Path, text: str, name: str = "imprint.md") -> None:
        path = site / "content" / "de" / name
        path.write_text(path.read_text(encoding="utf-8") + "\n\n" + text + "\n", encoding="utf-8")

    def change(site: Path) -> None:
        if kind == "toml":
            with open(site / "site.toml", "a", encoding="utf-8") as f:
                f.write("\n[extra]\ndeep = " + "[" * n + "]" * n + "\n")
        elif kind == "front":
            path = site / "content" / "de" / "imprint.md"
            path.write_text(path.read_text(encoding="utf-8").replace("+++\n", "+++\ndeep = " + "{a = " * n + "1"
                                                                      + "}" * n + "\n", 1), encoding="utf-8")
        elif kind == "svg":
            (site / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
                                           + "<g>" * n + "</g>" * n + "</svg>", encoding="utf-8")
        elif kind == "quote":
            append_text(site, ">" * n + " Zitat")
        elif kind == "list":
            append_text(site, "\n".join("  " * i + "- Punkt" for i in range(n)))
        elif kind == "loops":
            append_text(site, "{% for a in range(" + str(n * 300) + ") %}" * 3 + "x" + "{% endfor %}" * 3)
        elif kind == "macro":
            append_text(site, "{% macro m(i) %}{{ m(i) }}{{ m(i) }}{% endmacro %}{{ m(" + str(n) + ") }}")
        else:
            append_text(site, "*_" * n * 10)
    _case(built, change)
