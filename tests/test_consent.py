"""The consent text's identity: its id stays while the text stays, a changed text (its purposes too) is a new
version, archived and published beside the old one, and an archived text edited afterwards is refused."""

from __future__ import annotations

import re

from conftest import run_cli

from site_builder.consent import version_id


def test_consent_id_is_stable_and_changes_with_the_text(site):
    def current_id() -> str:
        html = (site / "output" / "site" / "index.html").read_text(encoding="utf-8")
        return re.search(r'data-version="(v[0-9a-f]{8})"', html).group(1)

    assert run_cli("build", cwd=site).returncode == 0
    first = current_id()
    assert run_cli("build", cwd=site).returncode == 0
    assert current_id() == first
    # a change in the privacy notice (second layer) does not change the consent id
    privacy = site / "content" / "de" / "privacy.md"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "\nEin weiterer Satz.\n", encoding="utf-8")
    assert run_cli("build", cwd=site).returncode == 0
    assert current_id() == first
    # a change in the consent wording does
    consent = site / "content" / "de" / "consent.md"
    consent.write_text(consent.read_text(encoding="utf-8").replace("jederzeit", "jederzeit und formlos", 1),
                       encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0
    second = current_id()
    assert second != first
    assert f"consent-versions/de/{second}.html" in result.stdout
    # both versions stay published, and the new page lists the old one
    site_dir = site / "output" / "site"
    assert (site_dir / f"consent-{first}.html").is_file()
    assert (site_dir / f"consent-{second}.html").is_file()
    assert f"consent-{first}.html" in (site_dir / f"consent-{second}.html").read_text(encoding="utf-8")


def test_purpose_label_is_part_of_the_consent_text(site):
    assert run_cli("build", cwd=site).returncode == 0
    before = {p.name for p in (site / "consent-versions" / "de").iterdir()}
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("Terminen und Aufträgen", "Terminen, Aufträgen"),
                    encoding="utf-8")
    assert run_cli("build", cwd=site).returncode == 0
    after = {p.name for p in (site / "consent-versions" / "de").iterdir()}
    assert len(after - before) == 1


def test_archived_text_is_verified(site):
    assert run_cli("build", cwd=site).returncode == 0
    archived = next((site / "consent-versions" / "de").glob("*.html"))
    text = archived.read_text(encoding="utf-8").split("\n", 1)[1].rstrip("\n")
    # a file of the id shape before issue 20 ("73d72f20") is named by the same digits without the "v"
    assert archived.stem in (version_id(text), version_id(text)[1:])
    archived.write_text(archived.read_text(encoding="utf-8").replace("WhatsApp", "Signal", 1), encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert f"{archived.stem}.html" in result.stderr and "no longer matches its id" in result.stderr
