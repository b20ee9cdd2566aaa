"""What `check` tells the owner: the open legal to-dos apart from problems (issues 11 and 12), the same file count
as `build`, and a placeholder typo named with its file, line and the key it was probably meant to be."""

from __future__ import annotations

import re

from conftest import ENGLISH, GERMAN, edit, run_cli


def todo_lines(stderr: str, heading: str = "Still to do") -> list[str]:
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    return [line.strip() for line in lines[start + 1:] if line.startswith("  ")]


def test_check_lists_the_open_to_dos_apart_from_problems(site):
    result = run_cli("check", cwd=site, env=ENGLISH)
    assert result.returncode == 0, result.stderr
    assert "Still to do (4): these stop nothing, but you owe them" in result.stderr
    items = todo_lines(result.stderr)
    assert [re.match(r"warning: site\.toml: ([\w.]+):", x).group(1) for x in items[:3]] == [
        "records.terms_clauses", "site.hosting_provider", "records.host_dpa_filed"]
    assert "letters a, b, c, d, e, f, g, h" in items[0]
    # the DSK list's items whose wording could not be confirmed: the owner compares them in a copy of the file
    assert items[3].startswith("warning: wording/records/de/risk-assessment.toml: dsk_list: items 2, 15, 16 "
                               "of the DSK's list")
    assert "your own copy of site_builder/wording/records/de/risk-assessment.toml" in items[3]
    assert re.search(r"site\.toml: no problems \(\d+ files would be written\); 4 to-do\(s\) still open", result.stdout)
    assert "all good" not in result.stdout
    strict = run_cli("check", "--strict", cwd=site, env=ENGLISH)
    assert strict.returncode == 1 and "4 to-do(s) open: --strict treats them as problems" in strict.stderr


def test_review_dates_passed_are_to_dos_and_closing_all_says_all_good(site):
    edit(site / "site.toml", "as_of = 2026-11-01", "as_of = 2025-01-15\nhosting_provider = \"Host GmbH, Weg 1, "
         "12345 Musterstadt\"")
    edit(site / "site.toml", "reviewed = 2026-10-15", "reviewed = 2025-06-30")
    edit(site / "site.toml", "# terms_clauses = { a = \"...\", b = \"...\" }",
         'terms_clauses = { a = "1", b = "2", c = "3", d = "4", e = "5", f = "6", h = "8" }\n'
         "host_dpa_filed = 2026-01-10")
    result = run_cli("check", cwd=site, env=GERMAN)
    assert result.returncode == 0, result.stderr
    items = todo_lines(result.stderr, "Noch offen")
    assert [re.match(r"Warnung: site\.toml: ([\w.]+):", x).group(1) for x in items[:3]] == [
        "records.terms_clauses", "transfer.reviewed", "site.as_of"], items
    assert "Buchstaben g" in items[0]
    assert "zuletzt am 2025-06-30 geprüft, vor mehr als einem Jahr" in items[1]
    assert "am 2026-01-15 zur Prüfung fällig (alle 12 Monate)" in items[2]
    assert len(items) == 4 and "Nummern 2, 15, 16 der DSFA-Liste" in items[3], items
    # the owner compares the open items of the DSK list in a copy of the wording file
    from site_builder.wording import SHIPPED

    own = site / "wording" / "records" / "de" / "risk-assessment.toml"
    own.parent.mkdir(parents=True)
    own.write_text((SHIPPED / "records" / "de" / "risk-assessment.toml").read_text(
        encoding="utf-8").replace('answer = "open"', 'answer = "no"'), encoding="utf-8")
    edit(site / "site.toml", 'h = "8"', 'g = "7", h = "8"')
    edit(site / "site.toml", "as_of = 2025-01-15", "as_of = 2026-09-01")
    edit(site / "site.toml", "reviewed = 2025-06-30", "reviewed = 2026-09-01")
    clean = run_cli("check", "--strict", cwd=site, env=ENGLISH)
    assert clean.returncode == 0, clean.stderr
    assert "Still to do" not in clean.stderr and re.search(r": all good \(\d+ files would be written\)", clean.stdout)


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


