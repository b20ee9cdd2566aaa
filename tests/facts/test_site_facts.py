"""Facts the project keeps, in a site's pages (issue 12): the authority follows from the Land unless the owner
names one, the transfer basis comes from the facts unless set; economic id and log retention when set."""

from __future__ import annotations

import re

from conftest import ENGLISH, edit, run_cli

from site_builder.facts import transfer


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


