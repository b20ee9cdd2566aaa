"""The owner's guided start (issue 12): `init --trade` makes a site from a trade preset that builds once its
<<markers>> are filled in, and `check` warns while the preset's wording is unchanged."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from conftest import ENGLISH, GERMAN, copy_example, run_cli

from site_builder.facts import authority_for
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


def test_the_authority_follows_from_the_state(tmp_path):
    folder = filled(tmp_path, "neu", "--trade", "einzelhandel")
    assert run_cli("build", cwd=folder, env=ENGLISH).returncode == 0
    nrw = authority_for("Nordrhein-Westfalen")
    privacy = (folder / "output" / "site" / "datenschutz.html").read_text(encoding="utf-8")
    assert nrw is not None and nrw.name in privacy and nrw.url in privacy
    assert nrw.postal_address.split(",")[0] in privacy


def test_as_of_of_a_new_site_is_the_day_of_init(tmp_path):
    text = (init(tmp_path, "neu", "--trade", "handwerk") / "site.toml").read_text(encoding="utf-8")
    assert f"as_of = {dt.date(2026, 9, 21).isoformat()}" in text  # SOURCE_DATE_EPOCH of run_cli
