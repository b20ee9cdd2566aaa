"""When a site offers guided requests, the texts follow (issue 26, item 5 and 6): the privacy notice has a section
on them, the records have their own processing activity, a part of the risk assessment and of the staff
instruction, all made from the request definitions; the landing page previews the first steps within budget."""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

from conftest import copy_example, run_cli

REQUESTS = ('\n[bot]\nphone_number_id = "106540352242922"\nhosting_provider = "Hetzner Online GmbH, Industriestr. 25, 91710 Gunzenhausen"\n[bot.smtp]\nhost = "mail.schreinerei-muster.de"\n'
            'from = "bot@schreinerei-muster.de"\n[bot.requests]\noffer = ["angebot"]\nkey_env = "REQUESTS_KEY"\n'
            'keep_days = 21\nwebhook_url = "https://crm.schreinerei-muster.de/hooks/anfrage"\n'
            'webhook_secret_env = "REQUESTS_WEBHOOK_SECRET"\n')


def _text(path: Path) -> str:
    raw = re.sub(r"<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw)))


def _build(tmp_path: Path, extra: str = REQUESTS) -> Path:
    site = copy_example(tmp_path / "site")
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write(extra)
    result = run_cli("build", cwd=site)
    assert result.returncode == 0, result.stderr
    return site / "output"


def test_the_privacy_notice_and_the_records_describe_the_painters_request(tmp_path: Path) -> None:
    out = _build(tmp_path)
    privacy = _text(out / "site" / "datenschutz.html")
    section = privacy[privacy.rindex("Anfragen über unseren WhatsApp-Assistenten"):privacy.rindex("Unsere berechtigten")]
    assert "„Angebot anfragen“" in section
    assert "nacheinander nach: Bereich, Fläche, Zeitraum, Postleitzahl, Hinweis." in section
    assert "Fotos oder Dokumente (höchstens 5, je bis 5 MB)" in section
    assert "Art. 6 Abs. 1 lit. b DSGVO" in section and "21 Tage" in section
    assert "info@schreinerei-muster.de, zugestellt über den Mailserver mail.schreinerei-muster.de" in section
    assert "crm.schreinerei-muster.de" in section
    assert section in _text(out / "records" / "de" / "privacy-notice.html")  # the records reprint it

    record = _text(out / "records" / "de" / "requests.html")
    assert "Verzeichnis von Verarbeitungstätigkeiten: Geführte Anfragen über WhatsApp" in record
    assert "die Antworten: Bereich, Fläche, Zeitraum, Postleitzahl, Hinweis" in record
    assert "höchstens 5 je Anfrage, je bis 5 MB" in record
    assert "21 Tage nach der Übergabe" in record and "mail.schreinerei-muster.de" in record
    assert "crm.schreinerei-muster.de" in record and "AES-256-GCM" in record
    assert (out / "records" / "de" / "requests.pdf").read_bytes().startswith(b"%PDF")
    english = _text(out / "records" / "en" / "requests.html")
    assert "answers: Area, Area size, Period, Postcode, Note" in english
    risk = _text(out / "records" / "de" / "risk-assessment.html")
    assert "Geführte Anfragen über den WhatsApp-Assistenten" in risk and "Fotos zeigen mehr als nötig" in risk
    staff = _text(out / "records" / "de" / "staff-instruction.html")
    assert "Anfragen kommen per E-Mail und in unser System unter crm.schreinerei-muster.de" in staff
    assert staff.index("Anfragen über den WhatsApp-Assistenten") < staff.index("Kenntnisnahme und Verpflichtung")
    assert "Geführte Anfragen über WhatsApp Art. 30 Abs. 1 lit. a–g DSGVO für die geführten Anfragen" in \
        _text(out / "records" / "de" / "index.html")


def test_the_landing_page_previews_the_first_steps_within_budget(tmp_path: Path) -> None:
    out = _build(tmp_path)
    index = (out / "site" / "index.html").read_text(encoding="utf-8")
    text = _text(out / "site" / "index.html")
    assert "So geht es weiter, wenn Sie eine Anfrage stellen:" in text
    assert "Was sollen wir streichen: innen, außen oder beides?" in text
    assert re.findall(r"<li>([^<]+)</li>", index[index.index('class="rq"'):]) == ["Angebot anfragen", "Innen",
                                                                                    "Außen", "Beides"]
    loaded = [out / "site" / "index.html", out / "site" / "logo.svg"]
    gz = sum(len(gzip.compress(p.read_bytes(), 9, mtime=0)) for p in loaded)
    print(f"\nlanding page with the request preview + logo: {gz} bytes gzip")
    assert gz <= 14 * 1024
    english = (out / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert "What should we paint: inside, outside or both?" in english


def test_without_requests_nothing_changes(tmp_path: Path) -> None:
    out = _build(tmp_path, '\n[bot]\nphone_number_id = "106540352242922"\nhosting_provider = "Hetzner Online GmbH, Industriestr. 25, 91710 Gunzenhausen"\n')
    assert 'class="rq"' not in (out / "site" / "index.html").read_text(encoding="utf-8")
    assert ".rq-buttons" not in (out / "site" / "index.html").read_text(encoding="utf-8")
    assert not (out / "records" / "de" / "requests.html").exists()
    assert "WhatsApp-Assistenten" not in _text(out / "site" / "datenschutz.html")
