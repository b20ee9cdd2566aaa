"""Bad input: one clear line per problem naming file and key, exit 1, no traceback, output untouched."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import EXAMPLE, copy_example, run_cli, tree_digest

from site_builder.config import load_settings
from site_builder.placeholders import render_placeholders


def edit(old: str, new: str) -> Callable[[Path], None]:
    """Replace one piece of site.toml (the piece must exist, so the case cannot silently test nothing)."""
    def apply(site: Path) -> None:
        text = (site / "site.toml").read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in site.toml"
        (site / "site.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def write(rel: str, data: str | bytes) -> Callable[[Path], None]:
    def apply(site: Path) -> None:
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
    return apply


def edit_text(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(site: Path) -> None:
        text = (site / rel).read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in {rel}"
        (site / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def remove(rel: str) -> Callable[[Path], None]:
    return lambda site: (site / rel).unlink()


# (case id, change, file named in the message, key/line named, words of the message)
CASES = [
    ("toml-syntax", edit('name = "Schreinerei Muster"', 'name = "Schreinerei Muster'), "site.toml",
     r"line \d+, column \d+", "TOML syntax error"),
    ("missing-required", edit('legal_form = "Einzelunternehmen"\n', ""), "site.toml", "business.legal_form", "missing"),
    ("empty-required", edit('representative = "Max Muster"', 'representative = "  "'), "site.toml",
     "business.representative", "is empty"),
    ("wrong-type-int", edit("chat_months = 12", 'chat_months = "zwölf"'), "site.toml", "retention.chat_months",
     "must be a whole number"),
    ("wrong-type-date", edit("reviewed = 2026-10-15", 'reviewed = "last year"'), "site.toml", "transfer.reviewed",
     "must be a date"),
    ("wrong-type-bool", edit("crop_marks = false", 'crop_marks = "no"'), "site.toml", "print.crop_marks",
     "must be true or false"),
    ("unknown-key", edit('city = "Musterstadt"', 'city = "Musterstadt"\nemial = "x@example.de"'), "site.toml",
     "business.emial", "did you mean 'email'"),
    ("unknown-table", edit("[retention]", "[retension]"), "site.toml", "retension", "did you mean 'retention'"),
    ("invalid-whatsapp-number", edit('number = "0170 1234567"', 'number = "12345"'), "site.toml",
     "whatsapp.number", "not a valid phone number"),
    ("invalid-phone", edit('phone = "0911 1234567"', 'phone = "call me"'), "site.toml", "business.phone",
     "not a valid phone number"),
    ("http-base-url", edit('base_url = "https://www.schreinerei-muster.de/whatsapp/"',
                           'base_url = "http://www.schreinerei-muster.de/whatsapp/"'), "site.toml", "site.base_url",
     "https"),
    ("relative-base-url", edit('base_url = "https://www.schreinerei-muster.de/whatsapp/"', 'base_url = "/whatsapp/"'),
     "site.toml", "site.base_url", "absolute https"),
    ("unknown-language", edit('languages = ["de", "en"]', 'languages = ["de", "xx"]'), "site.toml",
     r"site.languages\[1\]", "unknown language 'xx'"),
    ("language-without-texts", edit('languages = ["de", "en"]', 'languages = ["de", "fr"]'), "site.toml",
     r"site.languages\[1\]", "content/fr/ is missing"),
    ("missing-logo", edit('logo = "logo.svg"', 'logo = "missing.png"'), "site.toml", "theme.logo", "not found"),
    ("logo-not-image", lambda s: (write("fake.png", "this is text")(s), edit('logo = "logo.svg"', 'logo = "fake.png"')(s)),
     "site.toml", "theme.logo", "not an image"),
    ("bad-email", edit('email = "info@schreinerei-muster.de"', 'email = "info at schreinerei"'), "site.toml",
     "business.email", "not an e-mail address"),
    ("bad-colour", edit('primary = "#8a4b0f"', 'primary = "brown"'), "site.toml", "theme.primary", "not a colour"),
    ("low-contrast", edit('primary = "#8a4b0f"', 'primary = "#ffdd00"'), "site.toml", "theme.primary", "contrast"),
    ("marketing-required", edit('id = "marketing"\nrequired = false', 'id = "marketing"\nrequired = true'),
     "site.toml", r"purposes\[1\].required", "advertising cannot be a condition"),
    ("no-required-purpose", edit('id = "service"\nrequired = true', 'id = "service"\nrequired = false'),
     "site.toml", "purposes", "no purpose has required = true"),
    ("duplicate-purpose", edit('id = "marketing"', 'id = "service"'), "site.toml", r"purposes\[1\].id", "used twice"),
    ("missing-translation", edit('short = { de = "Anfragen & Aufträge", en = "Enquiries & orders" }',
                                 'short = { de = "Anfragen & Aufträge" }'), "site.toml", r"purposes\[0\].short.en",
     "missing"),
    ("bleed-out-of-range", edit("bleed_mm = 3", "bleed_mm = 7"), "site.toml", "print.bleed_mm", "outside 0-5 mm"),
    ("unknown-paper-size", edit('formats = ["A4", "A5", "A6"]', 'formats = ["A4", "A3"]'), "site.toml",
     "print.formats", "unknown paper size 'A3'"),
    ("bad-channel-code", edit('invoice = "r"', 'invoice = "Rechnung!"'), "site.toml", "channels.invoice",
     "not a short code"),
    ("empty-languages", edit('languages = ["de", "en"]', "languages = []"), "site.toml", "site.languages", "is empty"),
    ("unknown-placeholder", edit_text("content/de/imprint.md", "{{ business.name }}", "{{ business.nam }}"),
     "content/de/imprint.md", r"line \d+", "unknown placeholder"),
    ("unknown-key-in-placeholder", edit_text("content/de/imprint.md", "{{ business.name }}", "{{ business.fax }}"),
     "content/de/imprint.md", r"line \d+", "unknown placeholder: business.fax ("),
    ("placeholder-syntax", edit_text("content/en/privacy.md", "{{ business.name }}", "{{ business.name }"),
     "content/en/privacy.md", r"line \d+", "placeholder syntax error"),
    ("missing-text", remove("content/en/imprint.md"), "content/en/imprint.md", "file", "missing"),
    ("missing-ui-string", edit_text("content/de/index.md", 'chat_button = "Chat starten"\n', ""),
     "content/de/index.md", "front matter: chat_button", "missing"),
    ("bad-front-matter", edit_text("content/de/privacy.md", 'title = "', 'title = '), "content/de/privacy.md",
     r"line \d+, column \d+", "front matter is not valid TOML"),
    ("front-matter-not-closed", write("content/de/index.md", "+++\ntitle = \"Hallo\"\n\nText ohne Ende.\n"),
     "content/de/index.md", "line 1", "never closed"),
    ("no-front-matter", write("content/de/consent.md", "Nur Text, ohne die Texte der Seite.\n"),
     "content/de/consent.md", "front matter", "missing"),
    ("message-too-long", edit('short_name = "Schreinerei Muster"',
                              'short_name = "Schreinerei Muster – Meisterbetrieb für Möbel, Fenster und Türen"'),
     "content/de/consent.md", "message", "more than"),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    folder = copy_example(tmp_path_factory.mktemp("good"))
    result = run_cli("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("case, change, file, key, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_output_kept(case, change, file, key, words, good_build, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(good_build, site, symlinks=True)
    before = tree_digest(site / "output")
    change(site)
    for verb in ("check", "build"):
        result = run_cli(verb, cwd=site)
        assert result.returncode == 1, (verb, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        lines = [line for line in result.stderr.splitlines() if re.search(key, line) and words in line]
        assert lines, f"no line naming {key!r} with {words!r} in:\n{result.stderr}"
        assert file in lines[0], lines[0]
        # <file>: <where>: <what> (<fix>)
        assert re.match(r"^(warning: )?[^:]+: [^:]+: .+ \(.+\)$", lines[0]), lines[0]
    assert tree_digest(site / "output") == before


def test_all_problems_are_listed_at_once(site):
    edit('phone = "0911 1234567"', 'phone = "x"')(site)
    edit('email = "info@schreinerei-muster.de"', 'email = "x"')(site)
    edit("chat_months = 12", "chat_months = 0")(site)
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    for key in ("business.phone", "business.email", "retention.chat_months"):
        assert key in result.stderr


def test_warning_fails_only_with_strict(site):
    edit("reviewed = 2026-10-15", "reviewed = 2024-01-01")(site)
    result = run_cli("check", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "transfer.reviewed" in result.stderr
    assert run_cli("check", "--strict", cwd=site).returncode == 1


def test_wrong_usage_exits_2(site):
    assert run_cli("frobnicate", cwd=site).returncode == 2
    assert run_cli("build", "--no-such-option", cwd=site).returncode == 2


def test_missing_settings_file(tmp_path):
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "site.toml: file: not found" in result.stderr


def test_messages_follow_a_german_locale(site):
    edit('phone = "0911 1234567"', 'phone = "call me"')(site)
    result = run_cli("check", cwd=site, env={"LANG": "de_DE.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""})
    assert result.returncode == 1
    assert ("site.toml: business.phone: 'call me' ist keine gültige Telefonnummer (schreiben Sie sie mit Vorwahl, "
            'z. B. "0170 1234567", oder international, z. B. "+49 170 1234567")') in result.stderr.splitlines()


def test_a_huge_settings_file_is_refused_quickly(site):
    with (site / "site.toml").open("a", encoding="utf-8") as f:
        f.write("# " + "x" * 2_000_000 + "\n")
    started = time.monotonic()
    result = run_cli("check", cwd=site, env={"LANG": "C", "LC_ALL": "", "LANGUAGE": ""})
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("site.toml: file: is larger than 1000 KB, too large for a settings file "
                                             "(check that -c names your site.toml)")


def test_a_fifo_as_settings_file_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "site.toml")
    result = run_cli("check", cwd=tmp_path, env={"LANG": "C", "LC_ALL": "", "LANGUAGE": ""})
    assert result.returncode == 1
    assert "site.toml: file: is not a regular file" in result.stderr


def test_a_placeholder_naming_an_unknown_key_names_the_key(tmp_path):
    settings, problems = load_settings(EXAMPLE / "site.toml")
    assert settings is not None, problems
    found: list = []
    render_placeholders("Fax: {{ business.fax }}\n", settings.for_lang("de"), "imprint.md", 3, found)
    assert len(found) == 1 and str(found[0]).startswith("imprint.md: line 3: unknown placeholder: business.fax (")
    assert "Section" not in str(found[0]) and "site_builder" not in str(found[0])
    assert settings.business.get("fax") is None and "fax" not in settings.business
