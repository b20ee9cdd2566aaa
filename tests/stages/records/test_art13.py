"""`check` refuses a site whose settings and privacy notice cannot fill every GDPR Art. 13 item."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli
from site_builder.site import load_site
from site_builder.stages.records.art13 import ITEMS, check_privacy, completeness_problems
from site_builder.content import page_links


def _plan(site: Path):
    return load_site(site / "site.toml")[0]


def _without_section(html: str, item: str) -> str:
    """The rendered privacy notice with one Art. 13 section cut out."""
    start = html.index(f'<h2 id="{item}">')
    end = html.find("<h2", start + 1)
    return html[:start] + (html[end:] if end != -1 else "")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_example_fills_every_item(site):
    plan = _plan(site)
    assert completeness_problems(plan) == []
    assert len(ITEMS) == 12


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.id)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_removed_section_is_an_error_naming_item_article_and_keys(site, item, lang):
    plan = _plan(site)
    language = plan.languages[lang]
    html = _without_section(language.texts["privacy"].html, item.id)
    withdrawal = page_links({k: t.meta for k, t in language.texts.items()}, None)["withdrawal"]
    problems = check_privacy(plan.settings, language.values, lang, html, withdrawal)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.file.endswith(f"content/{lang}/privacy.md") and problem.where == item.id
    assert item.article in problem.what and "is missing" in problem.what
    assert f"{{: #{item.id} }}" in problem.fix and item.keys in problem.fix


def test_check_reports_a_removed_section_with_its_article(site):
    privacy = site / "content" / "de" / "privacy.md"
    text = privacy.read_text(encoding="utf-8")
    text = re.sub(r"## Beschwerde bei einer Aufsichtsbehörde \{: #art13-2d \}.*?(?=\n## )", "", text, flags=re.S)
    privacy.write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    line = next(l for l in result.stderr.splitlines() if ": art13-2d: " in l)
    assert line.startswith(str(Path("content") / "de" / "privacy.md")) or "content/de/privacy.md" in line
    assert "Art. 13(2)(d) GDPR (right to complain to a supervisory authority) is missing" in line
    assert "[authority] name, address, url" in line
    assert "Traceback" not in result.stderr


def test_a_section_that_leaves_out_a_setting_names_the_key(site):
    _replace(site / "content" / "de" / "privacy.md", "{{ authority.name }}", "die Behörde")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert re.search(r"privacy\.md: art13-2d: Art\. 13\(2\)\(d\) GDPR .*does not give authority\.name .*"
                     r"\(write \{\{ authority\.name \}\} into the section art13-2d\)", result.stderr)


def test_without_a_dpo_the_section_must_still_be_there(site):
    privacy = site / "content" / "en" / "privacy.md"
    text = privacy.read_text(encoding="utf-8")
    # keep the heading, drop what it says (whom to ask about data protection)
    text = re.sub(r"(## \{% if dpo %\}.*?\{: #art13-1b \}\n).*?(?=\n## )", r"\1", text, flags=re.S)
    privacy.write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert "content/en/privacy.md: art13-1b: Art. 13(1)(b) GDPR" in result.stderr.replace("\\", "/")
    assert "the section is empty" in result.stderr


def test_with_a_dpo_the_notice_must_give_the_dpo(site):
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[dpo]\nname = "Dr. Daten Schutz"\nemail = "dsb@example.de"\n')
    assert run_cli("check", cwd=site).returncode == 0  # the example text prints the DPO when there is one
    _replace(site / "content" / "de" / "privacy.md", "{{ dpo.email }}](mailto:{{ dpo.email }})",
             "datenschutz@example.org](mailto:datenschutz@example.org)")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert "art13-1b: Art. 13(1)(b) GDPR" in result.stderr and "does not give dpo.email" in result.stderr


def test_the_withdrawal_section_must_link_the_withdrawal_page(site):
    _replace(site / "content" / "de" / "privacy.md", "[Einwilligung widerrufen]({{ links.withdrawal }})",
             "Einwilligung widerrufen")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert "art13-2c: Art. 13(2)(c) GDPR" in result.stderr and "widerruf.html" in result.stderr


def test_missing_terms_date_is_a_warning_and_strict_refuses_it(site):
    _replace(site / "site.toml", "terms_accepted = 2026-10-01\n", "")
    result = run_cli("check", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "warning: " in result.stderr and "records.terms_accepted: not set" in result.stderr
    assert run_cli("check", "--strict", cwd=site).returncode == 1


def test_check_produces_every_record(site):
    """`check` runs the records stage too, so a record that cannot be made fails the check."""
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[records.app_limits]\nprofile_description = 20\n")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1
    assert "records.app_limits.profile_description" in result.stderr
