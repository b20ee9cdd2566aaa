"""The owner's guided start: trade presets, facts the project keeps, open legal to-dos (issues 11 and 12)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from conftest import ENGLISH, GERMAN, copy_example, run_cli

from site_builder.facts import authority_for, transfer
from site_builder.presets import presets

# valid values for the <<markers>> of a new site.toml, as a bakery in Cologne would write them
VALUES = {
    "site.base_url": "https://www.baeckerei-beispiel.de/whatsapp/",
    "site.hosting_provider": "Beispiel Hosting GmbH, Hostweg 1, 50667 Köln",
    "business.name": "Bäckerei Beispiel",
    "business.legal_form": "Einzelunternehmen",
    "business.representative": "Berta Beispiel",
    "business.street": "Domstraße 1",
    "business.postal_code": "50667",
    "business.city": "Köln",
    "business.state": "Nordrhein-Westfalen",
    "business.email": "hallo@baeckerei-beispiel.de",
    "business.phone": "0221 1234567",
    "business.opening_hours": "Mo–Sa 6–18 Uhr",
    "whatsapp.number": "+49 151 23456789",
    "records.withdrawal_handler": "Berta Beispiel",
    "records.device": "dem Ladentelefon",
}
MARKER = re.compile(r'^(\w+) = ("?)<<.*>>"?$')


def fill_in(text: str) -> str:
    """Replace every <<marker>> with a valid value; fail on one the test does not know."""
    table, lines = "", []
    for line in text.splitlines():
        if m := re.match(r"^\[+([\w.]+)\]+", line):
            table = m.group(1)
        if m := MARKER.match(line):
            key, quoted = m.groups()
            if quoted:
                line = f'{key} = "{VALUES[f"{table}.{key}"]}"'
            else:
                line = f"{key} = 2026-09-01"
        lines.append(line)
    return "\n".join(lines) + "\n"


def init(tmp_path: Path, *args: str, env: dict[str, str] = ENGLISH) -> Path:
    result = run_cli("init", *args, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    return tmp_path / args[0]


def filled(tmp_path: Path, *args: str) -> Path:
    folder = init(tmp_path, *args)
    settings = folder / "site.toml"
    settings.write_text(fill_in(settings.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- presets ----------------------------------------------------------------------------------------

def test_the_bakery_preset_builds_with_only_the_markers_filled_in_and_shows_a_bakery(tmp_path):
    folder = filled(tmp_path, "baeckerei", "--trade", "baeckerei")
    result = run_cli("build", cwd=folder, env=ENGLISH)
    assert result.returncode == 0, result.stderr
    page = (folder / "output" / "site" / "index.html").read_text(encoding="utf-8")
    bakery = presets()["baeckerei"]
    assert bakery["purposes"][0]["label"]["de"] in page
    assert bakery["index"]["heading"]["de"] in page
    assert "Vorbestell" in page and "Schreinerei" not in page and "Aufträge" not in page
    english = (folder / "output" / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert bakery["purposes"][0]["label"]["en"] in english and "Pre-order on WhatsApp" in english
    settings = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    assert settings["site"]["preset"] == "baeckerei" and set(settings["channels"]) == {"shop", "poster", "flyer"}


def test_check_warns_while_the_preset_wording_is_unchanged_and_stops_once_adapted(tmp_path):
    folder = filled(tmp_path, "baeckerei", "--trade", "bakery")  # an alias
    result = run_cli("check", cwd=folder, env=ENGLISH)
    assert result.returncode == 0, result.stderr
    warned = re.findall(r"^warning: (\S+): (purposes\[\d\]|front matter): ([\w., ]+): still the unchanged wording of "
                        r"the preset 'baeckerei' \(adapt the wording to your business", result.stderr, re.M)
    found = {(Path(file).name if key == "front matter" else file, key, keys) for file, key, keys in warned}
    assert found == {
        ("site.toml", "purposes[0]", "label.de, label.en, description.de, description.en"),
        ("site.toml", "purposes[1]", "label.de, label.en, description.de, description.en"),
        ("index.md", "front matter", "heading, intro"),
    }, result.stderr
    pages = sorted(file for file, key, _ in warned if key == "front matter")
    assert len(pages) == 2 and pages[0].endswith("content/de/index.md") and pages[1].endswith("content/en/index.md")
    strict = run_cli("check", "--strict", cwd=folder, env=ENGLISH)
    assert strict.returncode == 1
    # the owner rewrites every text in his own words: no warning is left
    text = (folder / "site.toml").read_text(encoding="utf-8")
    for field in ("label", "description"):
        text = re.sub(rf'^{field} = \{{ de = ".*", en = ".*" \}}$',
                      lambda m: f'{field} = {{ de = "Eigener Text {m.start()}", en = "Own text {m.start()}" }}', text,
                      flags=re.M)
    (folder / "site.toml").write_text(text, encoding="utf-8")
    for lang in ("de", "en"):
        page = folder / "content" / lang / "index.md"
        page.write_text(re.sub(r'^(heading|intro) = ".*"$', r'\1 = "Brötchen bei Beispiel"', page.read_text(
            encoding="utf-8"), count=2, flags=re.M), encoding="utf-8")
    again = run_cli("check", cwd=folder, env=ENGLISH)
    assert again.returncode == 0, again.stderr
    assert "unchanged wording" not in again.stderr


def test_the_warning_names_the_preset_the_site_was_made_from_even_where_the_example_shares_its_texts(tmp_path):
    # issue 20: the example is a craft business, so `handwerk` ships the example's texts; a painter who ran
    # `init --trade handwerk` was told about "Vorlage 'example'", a preset he never chose
    folder = filled(tmp_path, "maler", "--trade", "handwerk")
    result = run_cli("check", cwd=folder, env=GERMAN)
    assert result.returncode == 0, result.stderr
    named = re.findall(r"noch der unveränderte Text der Vorlage '(\w+)'", result.stderr)
    assert named == ["handwerk"] * 4, result.stderr  # purposes[0], purposes[1], content/de and content/en
    assert "'example'" not in result.stderr


def test_init_without_a_trade_is_warned_about_the_examples_wording_but_the_example_is_not(tmp_path, site):
    folder = filled(tmp_path, "neu")
    result = run_cli("check", cwd=folder, env=GERMAN)
    assert "site.toml: purposes[0]: label.de, label.en, description.de, description.en: noch der unveränderte " \
        "Text der Vorlage 'example'" in result.stderr
    assert re.search(r"content/de/index\.md: front matter: heading, intro: noch der unveränderte", result.stderr)
    example = run_cli("check", cwd=site, env=ENGLISH)
    assert example.returncode == 0 and "unchanged wording" not in example.stderr


def test_list_trades_lists_four_presets_in_the_message_language(tmp_path):
    english = run_cli("init", "--list-trades", cwd=tmp_path, env=ENGLISH)
    german = run_cli("init", "--list-trades", cwd=tmp_path, env=GERMAN)
    assert english.returncode == german.returncode == 0
    names = ("baeckerei", "dienstleistung", "einzelhandel", "handwerk")
    for out, words in ((english.stdout, "Bakery, butcher's"), (german.stdout, "Bäckerei, Metzgerei")):
        lines = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
        assert lines == list(names), out
        assert words in out
    assert english.stdout.startswith("Presets for `site-builder init DIR --trade NAME`:")
    assert german.stdout.startswith("Vorlagen für `site-builder init ORDNER --trade NAME`:")
    assert not list(tmp_path.iterdir())  # listing creates nothing


@pytest.mark.parametrize("alias,name", [("craft", "handwerk"), ("Retail", "einzelhandel"), ("services", "dienstleistung"),
                                        ("bakery", "baeckerei")])
def test_trade_aliases(tmp_path, alias, name):
    folder = init(tmp_path, "neu", "--trade", alias)
    assert f'preset = "{name}"' in (folder / "site.toml").read_text(encoding="utf-8")
    heading = presets()[name]["index"]["heading"]["de"]
    assert f'heading = "{heading}"' in (folder / "content" / "de" / "index.md").read_text(encoding="utf-8")


def test_an_unknown_trade_is_one_line_and_creates_nothing(tmp_path):
    result = run_cli("init", "neu", "--trade", "florist", cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 1
    assert result.stderr.strip() == ("florist: --trade: is not a preset (use one of baeckerei, dienstleistung, "
                                     "einzelhandel, handwerk; `site-builder init --list-trades` describes them)")
    assert not (tmp_path / "neu").exists()


def test_next_steps_mention_the_presets_only_without_a_trade(tmp_path):
    plain = run_cli("init", "a", cwd=tmp_path, env=ENGLISH).stdout
    trade = run_cli("init", "b", "--trade", "handwerk", cwd=tmp_path, env=GERMAN).stdout
    assert "created a/site.toml" in plain and "created a/content" in plain
    assert "next: fill in every <<marked>> value in site.toml, then run `site-builder check`" in plain
    assert "tip: `site-builder init --list-trades` lists presets" in plain
    assert "Vorlage handwerk: Handwerksbetrieb" in trade and "--list-trades" not in trade
    assert "angelegt: b/site.toml" in trade


def test_the_template_no_longer_asks_for_the_authority(tmp_path):
    text = (init(tmp_path, "neu") / "site.toml").read_text(encoding="utf-8")
    assert "# [authority]" in text and not re.search(r"^\[authority\]", text, re.M)
    assert not re.search(r"^(name|address|url) = .*authorit", text, re.M | re.I)
    assert re.search(r'^state = "<<German Land, e\.g\. Bayern or Nordrhein-Westfalen; your data protection '
                     r'authority follows from it>>"$', text, re.M)
    assert re.search(r"^# basis = ", text, re.M) and not re.search(r"^basis = ", text, re.M)
    assert re.search(r"^# host_dpa_filed = 2026-01-31$", text, re.M)
    assert re.search(r"^# economic_id = ", text, re.M) and re.search(r"^# log_retention_days = 14$", text, re.M)


# --- facts the project keeps -----------------------------------------------------------------------

def test_the_authority_follows_from_the_state(tmp_path):
    folder = filled(tmp_path, "neu", "--trade", "einzelhandel")
    assert run_cli("build", cwd=folder, env=ENGLISH).returncode == 0
    nrw = authority_for("Nordrhein-Westfalen")
    privacy = (folder / "output" / "site" / "datenschutz.html").read_text(encoding="utf-8")
    assert nrw is not None and nrw.name in privacy and nrw.url in privacy
    assert nrw.postal_address.split(",")[0] in privacy


def test_an_unknown_state_names_the_accepted_spellings(site):
    edit(site / "site.toml", 'state = "Bayern"', 'state = "Bayren"')
    result = run_cli("check", cwd=site, env=ENGLISH)
    assert result.returncode == 1
    line = next(x for x in result.stderr.splitlines() if "business.state" in x)
    assert line.startswith("site.toml: business.state: 'Bayren' is not a German Land this tool knows (write one of ")
    assert "Bayern" in line and "Nordrhein-Westfalen" in line and "Thüringen" in line and "BY or NW" in line


def test_an_authority_table_overrides_the_facts(site):
    # the example takes its authority from the facts (BayLDA, with its PO box for letters: issue 23) ...
    assert run_cli("build", cwd=site, env=ENGLISH).returncode == 0
    privacy = (site / "output" / "site" / "datenschutz.html").read_text(encoding="utf-8")
    assert "Bayerisches Landesamt für Datenschutzaufsicht" in privacy and "Postfach 1349, 91504 Ansbach" in privacy
    # ... and a table of the owner's own replaces them
    edit(site / "site.toml", '# [authority]\n# name = "..."\n# address = "..."\n# url = "https://..."',
         '[authority]\nname = "Eine ganz eigene Behörde"\naddress = "Weg 1, 12345 Ort"\nurl = "https://example.org/"')
    assert run_cli("build", cwd=site, env=ENGLISH).returncode == 0
    privacy = (site / "output" / "site" / "datenschutz.html").read_text(encoding="utf-8")
    assert "Eine ganz eigene Behörde" in privacy and "Postfach 1349" not in privacy


def test_the_transfer_basis_comes_from_the_facts_unless_set(site):
    text = (site / "site.toml").read_text(encoding="utf-8")
    text = re.sub(r"^(basis|safeguards) = .*\n", "", text, flags=re.M)
    (site / "site.toml").write_text(text, encoding="utf-8")
    assert run_cli("build", cwd=site, env=ENGLISH).returncode == 0
    german = (site / "output" / "site" / "datenschutz.html").read_text(encoding="utf-8")
    english = (site / "output" / "site" / "en" / "privacy.html").read_text(encoding="utf-8")
    facts = transfer()
    assert facts.text("basis", "de").rstrip(".")[:80] in german
    assert facts.text("basis", "en").rstrip(".")[:80] in english
    assert "WhatsApp LLC" in german and "WhatsApp LLC" in english


def test_economic_id_and_log_retention_appear_when_set(site):
    def pages() -> tuple[str, str, str, str]:
        out = site / "output" / "site"
        return tuple((out / name).read_text(encoding="utf-8") for name in
                     ("impressum.html", "en/imprint.html", "datenschutz.html", "en/privacy.html"))

    edit(site / "site.toml", "log_retention_days = 14\n", "")  # the example names its host's log retention
    assert run_cli("build", cwd=site, env=ENGLISH).returncode == 0
    imprint_de, imprint_en, privacy_de, privacy_en = pages()
    assert "Wirtschafts-Identifikationsnummer" not in imprint_de and "in der Regel nach wenigen Wochen" in privacy_de
    edit(site / "site.toml", 'vat_id = "DE123456789"', 'vat_id = "DE123456789"\neconomic_id = "DE123456789-00001"')
    edit(site / "site.toml", 'as_of = 2026-12-07', 'as_of = 2026-12-07\nlog_retention_days = 14')
    assert run_cli("build", cwd=site, env=ENGLISH).returncode == 0
    imprint_de, imprint_en, privacy_de, privacy_en = pages()
    assert "Wirtschafts-Identifikationsnummer gemäß §\u00a0139c Abgabenordnung: DE123456789-00001" in imprint_de
    assert "Business identification number" in imprint_en and "DE123456789-00001" in imprint_en
    assert "spätestens nach 14 Tagen" in privacy_de and "at the latest after 14 days" in privacy_en


def test_log_retention_days_must_be_sensible(site):
    edit(site / "site.toml", 'log_retention_days = 14', 'log_retention_days = 0')
    result = run_cli("check", cwd=site, env=ENGLISH)
    assert result.returncode == 1
    assert "site.toml: site.log_retention_days: 0 days is not a sensible retention period for server logs" \
        in result.stderr


# --- open legal to-dos -----------------------------------------------------------------------------

def todo_lines(stderr: str, heading: str = "Still to do") -> list[str]:
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    return [line.strip() for line in lines[start + 1:] if line.startswith("  ")]


def tasks_of(stdout: str, heading: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    return [line.strip() for line in lines[start + 1:] if line.startswith("  [ ] ")]


def test_a_filled_in_site_says_no_problems_and_lists_the_owners_tasks(site):
    """Issue 23: problems apart from tasks. The example is filled in: no problem, the tasks as a checklist, each
    once, ending with "keine Probleme"; --strict passes, since only the owner can do them after the build."""
    result = run_cli("check", cwd=site, env=GERMAN)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no problem, no warning
    tasks = tasks_of(result.stdout, "Nach dem Build noch zu tun")
    assert len(tasks) == len(set(tasks)) >= 5
    assert any("Schreiben an WhatsApp Ireland senden" in x for x in tasks)
    assert any("Risikobewertung" in x and "unterschreiben" in x for x in tasks)
    assert any("Anweisung für Beschäftigte" in x for x in tasks)
    assert result.stdout.rstrip().splitlines()[-1].startswith("site.toml: keine Probleme (")
    strict = run_cli("check", "--strict", cwd=site, env=ENGLISH)
    assert strict.returncode == 0, strict.stderr
    assert strict.stdout.rstrip().splitlines()[-1].startswith("site.toml: no problems (")
    # contacts access for all: the owner's task is to deny it, still never a blocker
    edit(site / "site.toml", 'contacts_access = "off"', 'contacts_access = "all"')
    result = run_cli("check", "--strict", cwd=site, env=GERMAN)
    assert result.returncode == 0, result.stderr
    assert any("Zugriff auf die Kontakte verweigern" in x for x in tasks_of(result.stdout, "Nach dem Build"))


def test_settings_still_to_fill_in_are_warnings_that_strict_counts(site):
    edit(site / "site.toml", 'hosting_provider = "Beispiel-Hosting GmbH, Hafenstraße 1, 12345 Musterstadt"\n', "")
    edit(site / "site.toml", "host_dpa_filed = 2026-10-02\n", "")
    result = run_cli("check", cwd=site, env=ENGLISH)
    assert result.returncode == 0, result.stderr
    wheres = [re.match(r"warning: site\.toml: ([\w.]+):", x).group(1) for x in result.stderr.splitlines()]
    assert wheres == ["site.hosting_provider", "records.host_dpa_filed"]
    assert re.search(r"site\.toml: no errors, 2 warning\(s\) above \(\d+ files would be written\)", result.stdout)
    assert "no problems" not in result.stdout
    strict = run_cli("check", "--strict", cwd=site, env=ENGLISH)
    assert strict.returncode == 1 and "2 problem(s) found" in strict.stderr


def test_review_dates_passed_are_warnings_and_updating_them_says_no_problems(site):
    edit(site / "site.toml", "as_of = 2026-12-07", "as_of = 2025-01-15")
    edit(site / "site.toml", "reviewed = 2026-10-15", "reviewed = 2025-06-30")
    result = run_cli("check", cwd=site, env=GERMAN)
    assert result.returncode == 0, result.stderr
    items = [x for x in result.stderr.splitlines() if x.startswith("Warnung: site.toml:")]
    assert [re.match(r"Warnung: site\.toml: ([\w.]+):", x).group(1) for x in items] == [
        "transfer.reviewed", "site.as_of"], items
    assert "zuletzt am 2025-06-30 geprüft, vor mehr als einem Jahr" in items[0]
    assert "am 2026-01-15 zur Prüfung fällig (alle 12 Monate)" in items[1]
    edit(site / "site.toml", "as_of = 2025-01-15", "as_of = 2026-09-01")
    edit(site / "site.toml", "reviewed = 2025-06-30", "reviewed = 2026-09-01")
    clean = run_cli("check", "--strict", cwd=site, env=ENGLISH)
    assert clean.returncode == 0, clean.stderr
    assert re.search(r": no problems \(\d+ files would be written\)", clean.stdout)


def test_check_and_build_report_the_same_file_count(site):
    checked = run_cli("check", cwd=site, env=ENGLISH)
    built = run_cli("build", cwd=site, env=ENGLISH)
    would = int(re.search(r"\((\d+) files would be written\)", checked.stdout).group(1))
    wrote = int(re.search(r"built \S+: (\d+) files", built.stdout).group(1))
    # the tool's own bookkeeping (cache, output marker) is not an output file
    on_disk = sum(1 for p in (site / "output").rglob("*") if p.is_file() and not p.name.startswith(".site-builder"))
    assert would == wrote == on_disk


def test_a_placeholder_typo_names_file_line_and_the_close_key(site):
    edit(site / "content" / "de" / "imprint.md", "{{ business.name }}", "{{ business.nmae }}")
    result = run_cli("check", cwd=site, env=ENGLISH)
    assert result.returncode == 1
    line = next(x for x in result.stderr.splitlines() if "business.nmae" in x)
    assert re.match(r"^\S*content/de/imprint\.md: line \d+: unknown placeholder: business\.nmae \(.*business\.name",
                    line), line
    assert "Section" not in line and "site_builder" not in line


def test_as_of_of_a_new_site_is_the_day_of_init(tmp_path):
    text = (init(tmp_path, "neu", "--trade", "handwerk") / "site.toml").read_text(encoding="utf-8")
    assert f"as_of = {dt.date(2026, 9, 21).isoformat()}" in text  # SOURCE_DATE_EPOCH of run_cli


# --- every message of the `init` and `cli` areas, pinned as the user sees it -------------------------

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
