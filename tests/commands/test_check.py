"""What `check` tells the owner: the open legal to-dos apart from problems (issues 11 and 12), the same file count
as `build`, and a placeholder typo named with its file, line and the key it was probably meant to be."""

from __future__ import annotations

import re

from conftest import ENGLISH, GERMAN, edit, run_cli


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


