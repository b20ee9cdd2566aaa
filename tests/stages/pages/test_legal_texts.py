"""What a careful lawyer checks in the published texts of the example (issue 11), pinned on the built pages."""

from __future__ import annotations

import re

import pytest

from conftest import run_cli


def _text(path) -> str:
    page = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import copy_example

    site = copy_example(tmp_path_factory.mktemp("legal") / "site")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    return site


def _with_legal_form(site, form: str, register: bool = False):
    settings = site / "site.toml"
    text = settings.read_text(encoding="utf-8").replace('legal_form = "Einzelunternehmen"', f'legal_form = "{form}"')
    if register:
        text = text.replace('# register = "Amtsgericht Musterstadt"', 'register = "Amtsgericht Musterstadt"')
        text = text.replace('# register_number = "HRA 1234"', 'register_number = "HRB 1234"')
    settings.write_text(text, encoding="utf-8")
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "output" / "site"


def test_the_imprint_of_a_sole_trader_names_the_person_first(built):
    for page, owner in (("impressum.html", "Max Muster (Inhaber) Schreinerei Muster"),
                        ("en/imprint.html", "Max Muster (owner) Schreinerei Muster")):
        text = _text(built / "output" / "site" / page)
        assert owner in text
        assert "Vertreten durch" not in text and "Represented by" not in text


def test_a_company_imprint_names_its_representative_and_register(site):
    out = _with_legal_form(site, "GmbH", register=True)
    text = _text(out / "impressum.html")
    assert "Schreinerei Muster Musterstraße" in text and "(Inhaber)" not in text
    assert "Rechtsform: GmbH" in text and "Vertreten durch: Max Muster" in text
    assert "Registergericht: Amtsgericht Musterstadt" in text and "HRB 1234" in text


def test_a_registered_merchant_is_owner_not_representative(site):
    text = _text(_with_legal_form(site, "e.K.") / "impressum.html")
    assert "eingetragener Kaufmann (e.K.)" in text and "Inhaber: Max Muster" in text
    assert "Vertreten durch" not in text


def test_both_us_recipients_are_named_and_no_sccs_in_addition(built):
    for page in ("index.html", "datenschutz.html", "en/index.html", "en/privacy.html"):
        text = _text(built / "output" / "site" / page)
        assert "WhatsApp LLC" in text and "Meta Platforms, Inc." in text, page
        assert "Data Privacy Framework" in text, page
        assert not re.search(r"ergänzend[^.]*Standardvertragsklauseln|in addition[^.]*standard contractual", text), page


def test_no_retention_text_says_ten_years_for_invoices(built):
    for page in ("datenschutz.html", "widerruf.html", "en/privacy.html", "en/withdraw.html"):
        text = _text(built / "output" / "site" / page)
        assert not re.search(r"zehn Jahre|10 Jahre|ten years|10 years", text), page
        assert "§ 257 HGB" not in text, page
    privacy = _text(built / "output" / "site" / "datenschutz.html")
    assert "acht Jahre" in privacy and "sechs Jahre" in privacy and "§ 147 AO" in privacy


def test_the_first_layer_says_what_a_customer_would_not_expect(built):
    de = _text(built / "output" / "site" / "index.html")
    assert "auch für eigene Zwecke" in de and "Beschwerde bei einer Datenschutz-Aufsichtsbehörde" in de
    assert "Gesundheit" in de and "ab 16 Jahren" in de
    en = _text(built / "output" / "site" / "en" / "index.html")
    assert "for their own purposes" in en and "complaint to a data protection supervisory authority" in en
    assert "health" in en and "from the age of 16" in en
