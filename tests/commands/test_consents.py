"""`site-builder consents FILE... -o register.csv`: the consent register from WhatsApp chat exports."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from conftest import copy_example, run_cli
from site_builder.output import MARKER
from site_builder.site import load_site
from site_builder.register import CSV_COLUMNS

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
ALL_EXPORTS = [
    "WhatsApp-Chat mit Anna Schmidt.txt",  # Android, German
    "WhatsApp Chat - Jürgen Weiß.zip",  # iOS, German, zipped
    "WhatsApp Chat with Emma Clarke.txt",  # Android, English, 12-hour clock
    "WhatsApp Chat with Oliver Brown.txt",
    "WhatsApp Chat - Jack Miller.zip",
    "WhatsApp Chat - Zoë O'Neill/_chat.txt",  # iOS, English, unzipped
]


@pytest.fixture
def bakery(tmp_path: Path) -> Path:
    """The example site renamed to the business of the synthetic exports, with their purpose labels."""
    site = copy_example(tmp_path / "site")
    for name in ALL_EXPORTS:
        target = site / "exports" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXPORTS / name, target)
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('name = "Schreinerei Muster"', 'name = "Bäckerei Müller"', 1)
    text = text.replace('short_name = "Schreinerei Muster"', 'short_name = "Bäckerei Müller"', 1)
    text = text.replace('short = { de = "Werbung", en = "Marketing" }',
                        'short = { de = "Angebote & Neuigkeiten", en = "Offers & news" }', 1)
    toml.write_text(text, encoding="utf-8")
    # the longer business name needs a shorter message to stay within 140 characters; the register
    # finds consents by their "(Einwilligung <id>)" token, so the exports still match
    consent = site / "content" / "de" / "consent.md"
    consent.write_text(consent.read_text(encoding="utf-8").replace("Kontakt ein für:", "Kontakt ein:", 1),
                       encoding="utf-8")
    return site


def read_register(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        return list(reader)


def test_every_export_format_goes_into_one_register(bakery):
    files = [str(Path("exports") / name) for name in ALL_EXPORTS]
    result = run_cli("consents", *files, "-o", "register.csv", cwd=bakery)
    # the German Android export has one garbled line: reported with file and line, and exit 1
    assert result.returncode == 1
    assert "WhatsApp-Chat mit Anna Schmidt.txt: line 16: invalid date or time" in result.stderr
    assert "Traceback" not in result.stderr
    assert "wrote register.csv" in result.stdout
    rows = read_register(bakery / "register.csv")
    assert {r["chat"] for r in rows} >= {"Anna Schmidt", "Jürgen Weiß", "Emma Clarke", "Oliver Brown", "Zoë O'Neill"}
    assert "Bäckerei Müller" not in {r["sender"] for r in rows}  # the business's own messages prove nothing
    events = {(r["sender"], r["event"], r["purposes"], r["lang"]) for r in rows}
    assert ("Anna Schmidt", "consent", "service", "de") in events
    assert ("Jürgen Weiß", "consent", "service;marketing", "de") in events
    assert ("Jürgen Weiß", "marketing_opt_in", "marketing", "de") in events
    assert ("Jürgen Weiß", "marketing_opt_out", "marketing", "de") in events
    assert ("Oliver Brown", "consent", "service;marketing", "en") in events
    assert ("Oliver Brown", "marketing_opt_out", "marketing", "en") in events
    assert ("Zoë O'Neill", "withdrawal", "", "en") in events
    # the QR code's source as it follows the id in the message: "/r" (a code "1" alone would be a number)
    assert any(r["source"] == "/r" and r["event"] == "consent" for r in rows)
    # these synthetic ids were never published by this site
    assert {r["version_status"] for r in rows if r["event"] == "consent"} == {"unknown"}
    for row in rows:
        assert row["file"] and int(row["line"]) >= 1 and row["date"].startswith("2026-")


def test_this_sites_messages_are_current_and_older_archived_versions_are_flagged(bakery):
    plan, _ = load_site(bakery / "site.toml")
    de, en = plan.languages["de"], plan.languages["en"]
    older = [v for v in de.versions if v.id != de.consent_id]
    assert older, "the example's archived version is an earlier one once the business is renamed"
    both_de = max(plan.languages["de"].chat_links, key=lambda link: len(link.purposes)).message
    only_en = min(plan.languages["en"].chat_links, key=lambda link: len(link.purposes)).message
    withdraw_de = de.texts["withdrawal"].meta["message"].replace("{business}", "Bäckerei Müller")
    old_de = both_de.replace(de.consent_id, older[0].also)
    export = bakery / "WhatsApp-Chat mit Kunde.txt"
    export.write_text(
        f"01.12.26, 10:00 - Kunde A: {both_de.replace(de.consent_id + ')', de.consent_id + '/r)')}\n"
        f"01.12.26, 10:05 - Kunde B: {old_de}\n"
        f"02.12.26, 11:00 - Kunde A: {withdraw_de}\n", encoding="utf-8")
    ios = bakery / "_chat.txt"
    ios.write_text(f"[01/12/2026, 09:00:00] Customer C: {only_en}\n", encoding="utf-8")
    result = run_cli("consents", export.name, ios.name, "-o", "out/register.csv", cwd=bakery)
    assert result.returncode == 0, result.stderr
    rows = read_register(bakery / "out" / "register.csv")
    table = [(r["sender"], r["event"], r["consent_id"], r["source"], r["purposes"], r["version_status"]) for r in rows]
    # the oldest archived version is a file of the old id shape (c19690d8.html): the customer's message names it
    # so, and the register writes the same id in today's shape, with the date the archive gives
    assert (older[0].id, older[0].also) == ("vc19690d8", "c19690d8")
    assert table == [
        ("Kunde A", "consent", de.consent_id, "/r", "service;marketing", "current"),
        ("Kunde A", "marketing_opt_in", de.consent_id, "/r", "marketing", "current"),
        ("Kunde B", "consent", "vc19690d8", "", "service;marketing", f"outdated ({older[0].date})"),
        ("Kunde B", "marketing_opt_in", "vc19690d8", "", "marketing", f"outdated ({older[0].date})"),
        ("Kunde A", "withdrawal", "", "", "", ""),
        ("Customer C", "consent", en.consent_id, "", "service", "current"),
    ]


def test_a_file_that_cannot_be_read_is_reported_and_nothing_is_written(bakery):
    (bakery / "broken.zip").write_bytes(b"not a zip at all")
    emma = str(Path("exports") / "WhatsApp Chat with Emma Clarke.txt")
    result = run_cli("consents", emma, "broken.zip", "missing.txt", "-o", "register.csv", cwd=bakery)
    assert result.returncode == 1
    assert "broken.zip: file: not a readable zip file" in result.stderr
    assert "missing.txt: file: no such file: check the name and the folder" in result.stderr
    # a register without the rows of two files would look complete: nothing is written
    assert "2 problem(s) found; nothing was written" in result.stderr
    assert not (bakery / "register.csv").exists()


def test_stopp_and_repeated_exports_of_one_chat(bakery):
    # the March export, the April export of the same chat (which holds March again), and April twice
    march, april = "WhatsApp-Chat mit Lena Vogel.txt", "WhatsApp-Chat mit Lena Vogel (1).zip"
    for name in (march, april):
        shutil.copy(EXPORTS / name, bakery / name)
    result = run_cli("consents", march, april, april, "-o", "register.csv", cwd=bakery)
    assert result.returncode == 0, result.stderr  # duplicates are expected: warned about, not an error
    april_file = f"{april}/WhatsApp-Chat mit Lena Vogel.txt"
    warnings = [line for line in result.stderr.splitlines() if "dropped as duplicates" in line]
    assert warnings == [
        f"warning: {april_file}: file: 4 register row(s) dropped as duplicates: the same chat, sender, date, "
        f"time, event and consent id were already read from {march}",
        f"warning: {april_file}: file: 9 register row(s) dropped as duplicates: the same chat, sender, date, "
        f"time, event and consent id were already read from {march} (4), {april_file} (5)",
    ]
    assert "wrote register.csv: 9 rows from 3 file(s)" in result.stdout
    rows = read_register(bakery / "register.csv")
    keys = [(r["chat"], r["sender"], r["date"], r["time"], r["event"], r["consent_id"]) for r in rows]
    assert len(rows) == 9 and len(set(keys)) == 8  # two "Stopp Werbung" in one minute stay two messages
    assert {r["chat"] for r in rows} == {"Lena Vogel"}
    # "STOPP", "Stopp Werbung" and the templates with STOPP, recognised with this site's own texts
    table = [(r["date"], r["time"], r["event"], r["lang"], r["file"]) for r in rows if r["event"] != "consent"
             and r["event"] != "marketing_opt_in"]
    assert table == [
        ("2026-03-20", "18:00", "marketing_opt_out", "de", march),
        ("2026-03-20", "18:00", "marketing_opt_out", "de", march),
        ("2026-04-10", "08:15", "marketing_opt_out", "de", april_file),
        ("2026-04-12", "07:05", "withdrawal", "", april_file),
        ("2026-04-12", "07:06", "withdrawal", "de", april_file),
    ]


def test_register_to_standard_output(bakery):
    result = run_cli("consents", str(Path("exports") / "WhatsApp Chat with Emma Clarke.txt"), "-o", "-", cwd=bakery)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=";"))
    assert rows and rows[0]["sender"] == "Emma Clarke" and rows[0]["event"] == "consent"


def test_refuses_to_write_into_the_generated_output_folder(bakery):
    (bakery / "output").mkdir()
    (bakery / "output" / MARKER).write_text("made by site-builder\n", encoding="utf-8")
    result = run_cli("consents", str(Path("exports") / "WhatsApp Chat with Emma Clarke.txt"), "-o",
                     "output/register.csv", cwd=bakery)
    assert result.returncode == 1
    assert "output/register.csv: -o/--out:" in result.stderr and "rebuilt on every build" in result.stderr
    assert not (bakery / "output" / "register.csv").exists()


def test_a_broken_site_writes_no_register(bakery):
    (bakery / "site.toml").write_text("[site\n", encoding="utf-8")
    result = run_cli("consents", str(Path("exports") / "WhatsApp Chat with Emma Clarke.txt"), cwd=bakery)
    assert result.returncode == 1
    assert "site.toml: line 1" in result.stderr and "nothing was written" in result.stderr
    assert not (bakery / "register.csv").exists()


def test_usage(tmp_path):
    assert run_cli("consents", cwd=tmp_path).returncode == 2
    result = run_cli("consents", "--help", cwd=tmp_path)
    assert result.returncode == 0 and ".zip" in result.stdout and "register.csv" in result.stdout


def test_a_run_that_finds_nothing_leaves_the_register_as_it_was(bakery):
    emma = str(Path("exports") / "WhatsApp Chat with Emma Clarke.txt")
    assert run_cli("consents", emma, "-o", "register.csv", cwd=bakery).returncode == 0
    before = (bakery / "register.csv").read_bytes()
    assert len(read_register(bakery / "register.csv")) > 0
    (bakery / "notes.txt").write_text("just notes\n", encoding="utf-8")
    result = run_cli("consents", "notes.txt", "-o", "register.csv", cwd=bakery)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "notes.txt: file: no chat messages found" in result.stderr and "nothing was written" in result.stderr
    assert (bakery / "register.csv").read_bytes() == before
    # --force, which replaced a register, is refused with the reason and what to do instead
    forced = run_cli("consents", emma, "-o", "register.csv", "--force", cwd=bakery)
    assert forced.returncode == 2
    assert "--force no longer exists" in forced.stderr and "-o register-2027.csv" in forced.stderr
    assert (bakery / "register.csv").read_bytes() == before
    assert sorted(p.name for p in bakery.iterdir() if p.name.startswith(".register")) == []


def test_out_naming_a_folder_a_file_below_a_file_or_another_file(bakery):
    emma = str(Path("exports") / "WhatsApp Chat with Emma Clarke.txt")
    (bakery / "afile").write_text("x", encoding="utf-8")
    for out, needle in (("exports", "is a folder"), ("afile/sub.csv", "cannot be written"),
                        ("/proc/register.csv", "could not be written"), ("site.toml", "not a consent register")):
        before = (bakery / "site.toml").read_bytes()
        result = run_cli("consents", emma, "-o", out, cwd=bakery)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (out, result.stderr)
        assert f"{out}: -o/--out: " in result.stderr and needle in result.stderr, (out, result.stderr)
        assert (bakery / "site.toml").read_bytes() == before


def test_manual_rows_go_into_the_register_marked_manual(bakery):
    (bakery / "manual.csv").write_text(
        "chat;sender;date;time;event;consent_id;purposes\n"
        "Kunde X;Kunde X;14.03.2026;09:30;consent;3f2a9c1b;service\n"
        "Kunde Y;Kunde Y;2026-03-14;25:00;withdrawal;;\n", encoding="utf-8")
    emma = str(Path("exports") / "WhatsApp Chat with Emma Clarke.txt")
    result = run_cli("consents", emma, "manual.csv", "-o", "register.csv", cwd=bakery)
    assert result.returncode == 1
    assert "manual.csv: line 3: time '25:00' is not a time" in result.stderr
    rows = read_register(bakery / "register.csv")
    manual = [(r["sender"], r["event"], r["source"], r["purposes_label"], r["file"], r["line"])
              for r in rows if r["source"] == "manual"]
    assert manual == [("Kunde X", "consent", "manual", "Anfragen & Aufträge", "manual.csv", "2")]
    assert any(r["sender"] == "Emma Clarke" for r in rows)


def test_help_documents_the_formats(tmp_path):
    result = run_cli("consents", "--help", cwd=tmp_path)
    text = " ".join(result.stdout.split())
    assert ".xlsx" in text and "source = manual" in text and "none is ever removed" in text and "--force" not in text
    german = run_cli("consents", "--help", cwd=tmp_path, env={"LC_ALL": "de_DE.UTF-8"})
    assert "Handeinträgen" in " ".join(german.stdout.split())
