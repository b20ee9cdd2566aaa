"""Every message of the `init` and `cli` areas, pinned as the user sees it, in English and German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ENGLISH, GERMAN, copy_example, edit, run_cli


LANGS = {"en": ENGLISH, "de": GERMAN}
# keys shown by `site-builder [VERB] --help`
HELP = {
    (): ("usage", "positional", "options", "help_help", "version_help", "lang", "verb", "description", "init_help",
         "check_help", "build_help", "serve_help", "consents_help"),
    ("init",): ("init_description", "dir", "trade", "trade_name", "list_trades"),
    ("check",): ("check_description", "config", "out", "strict", "file"),
    ("build",): ("build_description", "preview", "sites", "jobs"),
    ("serve",): ("serve_description", "host", "port"),
    ("consents",): ("consents_description", "exports", "register_out", "consents_config"),
}


def squeezed(text: str) -> str:
    """Text without whitespace: argparse wraps help lines wherever it likes."""
    return "".join(text.split())


def message(language: str, area_name: str, key: str, /, **fields) -> str:
    """The catalogue's text in `language`, as `t` or `report` print it."""
    from site_builder.messages import area

    entry = area(language, area_name)[key]
    if isinstance(entry, dict):
        return f"{entry['what'].format(**fields)} ({entry['fix'].format(**fields)})"
    return entry.format(**fields)


def pattern(language: str, key: str) -> str:
    """A regular expression for one line printed from the cli catalogue entry `key`, its fields filled in."""
    from site_builder.messages import area

    parts = re.split(r"\{[^{}]*\}", area(language, "cli")[key])
    return "^" + ".+?".join(re.escape(part) for part in parts) + "$"


def test_help_explains_each_verb(tmp_path):
    for verb in ("init", "check", "build"):
        result = run_cli(verb, "--help", cwd=tmp_path)
        assert result.returncode == 0
        assert "usage: site-builder " + verb in result.stdout


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("verb", HELP, ids=lambda v: "-".join(v) or "top")
def test_help_shows_every_help_message(tmp_path, lang, verb):
    result = run_cli(*verb, "--help", cwd=tmp_path, env=LANGS[lang])
    assert result.returncode == 0, result.stderr
    shown = squeezed(result.stdout)
    for key in HELP[verb]:
        assert squeezed(message(lang, "cli", key)) in shown, f"cli.{key}"


@pytest.mark.parametrize("lang", LANGS)
def test_command_line_errors_are_the_catalogues(tmp_path, lang):
    env = LANGS[lang]
    port = run_cli("serve", "--port", "99999", cwd=tmp_path, env=env)
    assert port.returncode == 2 and message(lang, "cli", "bad_port", value="99999") in port.stderr
    jobs = run_cli("build", "--jobs", "0", cwd=tmp_path, env=env)
    assert jobs.returncode == 2 and message(lang, "cli", "not_positive", value="0") in jobs.stderr
    needs = run_cli("build", "--jobs", "2", cwd=tmp_path, env=env)
    assert needs.returncode == 2 and message(lang, "cli", "jobs_needs_sites") in needs.stderr
    both = run_cli("build", "-c", "other.toml", "a", "b", cwd=tmp_path, env=env)
    assert both.returncode == 2 and message(lang, "cli", "config_with_sites") in both.stderr
    assert message(lang, "cli", "error") in port.stderr and message(lang, "cli", "usage") in port.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_build_and_check_lines_are_the_catalogues(tmp_path, lang):
    env = LANGS[lang]
    site = copy_example(tmp_path / "site")
    built = run_cli("build", cwd=site, env=env)
    assert built.returncode == 0, built.stderr
    for key in ("built", "consent_version", "page_weight", "records"):
        assert re.search(pattern(lang, key), built.stdout, re.M), f"cli.{key}"
    assert len(re.findall(pattern(lang, "consent_version"), built.stdout, re.M)) == 2  # de and en
    again = run_cli("build", cwd=site, env=env)
    assert re.search(pattern(lang, "unchanged"), again.stdout, re.M), again.stdout
    edit(site / "site.toml", 'bleed_mm = 3', 'bleed_mm = 9')
    broken = run_cli("build", cwd=site, env=env)
    assert broken.returncode == 1 and message(lang, "cli", "nothing_written", n=1) in broken.stderr
    checked = run_cli("check", cwd=site, env=env)
    assert checked.returncode == 1 and checked.stderr.splitlines()[-1] == message(lang, "cli", "problems_found", n=1)


@pytest.mark.parametrize("lang", LANGS)
def test_init_messages_are_the_catalogues(tmp_path, lang):
    env = LANGS[lang]
    made = run_cli("init", "neu", cwd=tmp_path, env=env)
    assert made.stdout.splitlines() == [
        message(lang, "init", "created", path=Path("neu") / "site.toml"),
        message(lang, "init", "created", path=Path("neu") / "content"),
        message(lang, "init", "next"), message(lang, "init", "next_trades")]
    text = (tmp_path / "neu" / "site.toml").read_text(encoding="utf-8")
    header = "\n".join(f"# {line}".rstrip() for line in message(lang, "init", "header").strip().splitlines())
    assert text.startswith(header + "\n")
    assert squeezed(message(lang, "init", "starting_point")) in squeezed(text.replace("#", ""))
    assert f"<<{message(lang, 'init', 'date_marker')}; {message(lang, 'init', 'or_delete')}>>" in text
    assert message(lang, "init", "find", where="").strip() in text
    again = run_cli("init", "neu", cwd=tmp_path, env=env)
    assert again.returncode == 1 and message(lang, "init", "exists") in again.stderr
    (tmp_path / "file").write_text("x")
    blocked = run_cli("init", "file/neu", cwd=tmp_path, env=env)
    assert blocked.returncode == 1 and message(lang, "init", "cannot_write", reason="").split("(")[0] in blocked.stderr
    trade = run_cli("init", "b", "--trade", "baeckerei", cwd=tmp_path, env=env)
    from site_builder.presets import description
    assert message(lang, "init", "preset_used", name="baeckerei", description=description("baeckerei", lang)) \
        in trade.stdout
    listed = run_cli("init", "--list-trades", cwd=tmp_path, env=env).stdout.splitlines()
    assert listed[0] == message(lang, "init", "trades_heading") and listed[-1] == message(lang, "init", "trades_use")
    unknown = run_cli("init", "c", "--trade", "x", cwd=tmp_path, env=env)
    assert message(lang, "init", "unknown_trade", known="baeckerei, dienstleistung, einzelhandel, handwerk") \
        in unknown.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_consents_summary_lines_are_the_catalogues(tmp_path, lang):
    env = LANGS[lang]
    site = copy_example(tmp_path / "site")
    (site / "chat.txt").write_text(
        "28.11.26, 14:05 - Anna Schmidt: Hallo, haben Sie morgen geöffnet?\n"
        "28.11.26, 14:06 - Schreinerei Muster: Ja, ab 7 Uhr.\n"
        "28.11.26, 14:07 - Anna Schmidt: Hallo Schreinerei Muster, ich willige ein. (Einwilligung 0badc0de)\n"
        "31.02.26, 14:08 - Anna Schmidt: ?\n",
        encoding="utf-8")
    result = run_cli("consents", "chat.txt", "-o", "register.csv", cwd=site, env=env)
    assert result.returncode == 1
    written = re.search(pattern(lang, "register_written"), result.stdout, re.M)
    assert written, result.stdout
    assert re.search(pattern(lang, "unknown_versions"), result.stdout, re.M), result.stdout  # 0badc0de
    assert re.search(pattern(lang, "lines_not_in_register"), result.stderr, re.M), result.stderr  # 31.02.26
    again = run_cli("consents", "chat.txt", "-o", "register.csv", cwd=site, env=env)
    assert re.search(pattern(lang, "register_added"), again.stdout, re.M), again.stdout
    (site / "empty.txt").write_text("28.11.26, 14:05 - Anna Schmidt: Hallo!\n", encoding="utf-8")
    nothing = run_cli("consents", "empty.txt", "-o", "none.csv", cwd=site, env=env)
    assert nothing.returncode == 0, nothing.stderr
    assert message(lang, "cli", "no_consents_found") in nothing.stdout


def test_a_new_consent_version_is_announced_as_archived(site):
    assert run_cli("build", cwd=site, env=ENGLISH).returncode == 0
    edit(site / "site.toml", "about my enquiry, appointments and orders.", "about my enquiry and orders.")
    result = run_cli("build", cwd=site, env=ENGLISH)
    assert result.returncode == 0, result.stderr
    assert re.search(pattern("en", "archived"), result.stdout, re.M), result.stdout
