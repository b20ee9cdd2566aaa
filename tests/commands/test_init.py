"""`site-builder init`: a site.toml written from the schema, in the owner's language, ready to fill in."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from conftest import ENGLISH, GERMAN, run_cli

from site_builder.scaffold import init_command, init_site

# what an owner writes in place of each <<marker>> (keys not listed get a plain text)
VALUES = {
    "site.base_url": "https://www.baeckerei-beispiel.de/whatsapp/",
    "business.email": "hallo@baeckerei-beispiel.de",
    "business.phone": "0221 1234567",
    "business.postal_code": "50667",
    "whatsapp.number": "+49 151 23456789",
    "business.state": "Nordrhein-Westfalen",  # the data protection authority follows from it
}
MARKER = re.compile(r'^(\w+) = ("?)<<.*>>"?$')


def init(tmp_path: Path, env: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    result = run_cli("init", "neu", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    return tmp_path / "neu"


def fill_in(text: str) -> str:
    """Replace every <<marker>> as an owner would: text inside the quotes, a date without them."""
    table, lines = "", []
    for line in text.splitlines():
        if m := re.match(r"^\[+([\w.]+)\]+", line):
            table = m.group(1)
        if m := MARKER.match(line):
            key, quoted = m.groups()
            value = VALUES.get(f"{table}.{key}", "Bäckerei Beispiel")
            line = f'{key} = "{value}"' if quoted else f"{key} = 2026-11-01"
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_check_after_init_reports_only_the_values_to_fill_in(tmp_path):
    folder = init(tmp_path, ENGLISH)
    result = run_cli("check", cwd=folder, env=ENGLISH)
    assert result.returncode == 1
    # the last line counts them; the warnings say the purposes and page texts are still the example's
    problems = [p for p in result.stderr.splitlines()[:-1] if not p.startswith("warning: ")]
    assert problems and all(re.match(r"^site\.toml: [\w.]+: not filled in yet: <<", p) for p in problems), problems
    keys = {p.split(": ")[1] for p in problems}
    assert {"site.base_url", "site.hosting_provider", "business.name", "business.state", "transfer.reviewed",
            "records.terms_accepted"} <= keys
    assert not any(k.startswith("authority.") for k in keys)  # follows from business.state


def test_filling_in_every_marker_gives_a_site_that_checks_clean(tmp_path):
    folder = init(tmp_path, ENGLISH)
    settings = folder / "site.toml"
    settings.write_text(fill_in(settings.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("check", cwd=folder, env=ENGLISH)
    assert result.returncode == 0, result.stderr
    assert "must be" not in result.stderr


def test_dates_are_unquoted_and_as_of_is_set(tmp_path):
    text = (init(tmp_path, ENGLISH) / "site.toml").read_text(encoding="utf-8")
    assert re.search(r"^reviewed = <<YYYY-MM-DD>>$", text, re.M)
    assert re.search(r"^terms_accepted = <<YYYY-MM-DD; or delete this line>>$", text, re.M)
    assert re.search(r"^as_of = 2026-09-21$", text, re.M)  # the day of init (SOURCE_DATE_EPOCH in tests)
    assert re.search(r'^hosting_provider = "<<', text, re.M)


def test_every_value_to_fill_in_says_where_to_find_it(tmp_path):
    lines = (init(tmp_path, ENGLISH) / "site.toml").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if MARKER.match(line):
            comments = []
            for above in reversed(lines[:i]):
                if not above.startswith("#"):
                    break
                comments.append(above)
            assert any(c.startswith("# Where to find it: ") for c in comments), line


def test_the_template_has_no_trace_of_the_example_business(tmp_path):
    text = (init(tmp_path, ENGLISH) / "site.toml").read_text(encoding="utf-8")
    for word in ("Schreinerei", "Muster", "Tischler", "Werkstatt", "Max ", "0911"):
        assert word not in text, word
    tomllib.loads(text.replace("<<YYYY-MM-DD>>", "2026-01-01").replace("<<YYYY-MM-DD; or delete this line>>",
                                                                        "2026-01-01"))


def test_the_template_speaks_the_language_of_the_locale(tmp_path):
    german = (init(tmp_path / "de", GERMAN) / "site.toml").read_text(encoding="utf-8")
    english = (init(tmp_path / "en", ENGLISH) / "site.toml").read_text(encoding="utf-8")
    assert "# Wo Sie das finden: " in german and "Where to find it" not in german
    assert "reviewed = <<JJJJ-MM-TT>>" in german
    assert 'name = "<<vollständiger Name des Betriebs wie eingetragen>>"' in german
    assert "# Where to find it: " in english and "Wo Sie" not in english


def test_init_never_writes_through_a_dangling_symlink(tmp_path, capsys):
    folder = tmp_path / "neu"
    folder.mkdir()
    (folder / "site.toml").symlink_to(tmp_path / "outside.toml")
    assert init_command(folder) == 1
    assert not (tmp_path / "outside.toml").exists() and not (folder / "content").exists()
    err = capsys.readouterr().err
    assert "site.toml: file: already exists (init never overwrites" in err


def test_init_into_a_path_that_cannot_be_a_folder_gives_one_line(tmp_path, capsys):
    (tmp_path / "a-file").write_text("x")
    assert init_command(tmp_path / "a-file" / "neu") == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert re.match(r"^.*a-file.*: file: cannot be written \(.+\) \(choose a folder you may write to\)$", err), err


def test_init_scaffold_fails_until_filled_in(tmp_path):
    result = run_cli("init", "newsite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "newsite"
    assert (folder / "site.toml").is_file() and (folder / "content" / "de" / "index.md").is_file()
    check = run_cli("check", cwd=folder)
    assert check.returncode == 1
    for key in ("site.base_url", "business.name", "business.email", "business.phone", "whatsapp.number",
                "business.state", "transfer.reviewed"):
        assert re.search(rf"site.toml: {re.escape(key)}: not filled in yet", check.stderr), key
    assert "Traceback" not in check.stderr
    # init never overwrites
    again = run_cli("init", "newsite", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_filled_in_scaffold_builds(tmp_path):
    folder = tmp_path / "b"
    init_site(folder)
    text = (folder / "site.toml").read_text(encoding="utf-8")
    values = {"site.base_url": '"https://baeckerei.example/wa/"', "business.phone": '"030 1234567"',
              "whatsapp.number": '"+49 151 23456789"', "business.email": '"hallo@baeckerei.example"',
              "business.state": '"Berlin"', "business.postal_code": '"10115"',
              "transfer.reviewed": "2026-11-01", "records.terms_accepted": "2026-11-02"}
    table = ""
    lines = []
    for line in text.splitlines():
        if m := re.match(r"^\[+([\w.]+)\]+", line):
            table = m.group(1)
        if m := re.match(r'^(\w+) = "?<<.*>>"?$', line):  # a date's marker is unquoted
            key = f"{table}.{m.group(1)}"
            default = '"Bäckerei Beispiel"'
            line = f"{m.group(1)} = {values.get(key, default)}"
        lines.append(line)
    (folder / "site.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    result = run_cli("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    index = (folder / "output" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Bäckerei Beispiel" in index and "https://wa.me/4915123456789?text=" in index
