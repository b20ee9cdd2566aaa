"""Guided requests as content: the shipped requests and the presets' ones load and validate, `check` names every
problem of a request file with its line, the WhatsApp Flow made from a request validates against Flow JSON 7.3
(our schema, which also refuses what Meta refuses), typed answers are read exactly or refused."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import ROOT, copy_example, run_cli
from site_builder.guided.answers import read_answer, read_choice
from site_builder.guided.definition import Step
from site_builder.guided.flow_json import FLOW_JSON_VERSION, flow_json
from site_builder.guided.flow_schema import SCHEMA_FILE, flow_errors
from site_builder.presets import presets
from site_builder.site import load_site

SHIPPED = ROOT / "site_builder" / "wording" / "requests"


def requests_site(tmp_path: Path, offer: list[str], extra: str = "") -> Path:
    site = copy_example(tmp_path / "site")
    with open(site / "site.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[bot]\nphone_number_id = "106540352242922"\nhosting_provider = "Hetzner Online GmbH, Industriestr. 25, 91710 Gunzenhausen"\n[bot.smtp]\nhost = "127.0.0.1"\nport = 2525\n'
                 'security = "none"\nfrom = "bot@schreinerei-muster.de"\n[bot.requests]\n'
                 f'offer = {json.dumps(offer)}\nkey_env = "REQUESTS_KEY"\n' + extra)
    return site


def test_every_preset_ships_a_request_that_loads_and_runs_as_a_flow(tmp_path: Path) -> None:
    names = [preset["preset"]["request"] for preset in presets().values()]
    assert sorted(names) == sorted(p.stem for p in SHIPPED.glob("*.toml")) == ["angebot", "reservierung", "termin",
                                                                               "vorbestellung"]
    site = requests_site(tmp_path, names[:3])
    model, problems = load_site(site / "site.toml")
    assert [p for p in problems if p.severity == "error"] == []
    site4 = requests_site(tmp_path / "b", names[3:])
    model4, _ = load_site(site4 / "site.toml")
    for request in (*model.requests.requests, *model4.requests.requests):
        for lang in ("de", "en"):
            flow = flow_json(request, lang, model.requests.words[lang])
            assert flow["version"] == FLOW_JSON_VERSION == "7.3"
            assert flow_errors(flow) == [], (request.name, lang)


def _painter_flow(tmp_path: Path) -> dict:
    model, _ = load_site(requests_site(tmp_path, ["angebot"]) / "site.toml")
    return flow_json(model.requests.main, "de", model.requests.words["de"])  # type: ignore[arg-type]


def test_the_painters_flow_has_its_answers_on_screens_and_the_photos_on_their_own(tmp_path: Path) -> None:
    flow = _painter_flow(tmp_path)
    screens = [(s["id"], [c["type"] for c in s["layout"]["children"] if c["type"] != "TextBody"])
               for s in flow["screens"]]
    assert screens == [("SCREEN_A", ["RadioButtonsGroup", "TextInput", "Footer"]),
                       ("SCREEN_B", ["PhotoPicker", "Footer"]),
                       ("SCREEN_C", ["RadioButtonsGroup", "TextInput", "TextArea", "Footer"])]
    last = flow["screens"][-1]
    assert last["terminal"] is True and "routing_model" not in flow and "data_api_version" not in flow
    payload = last["layout"]["children"][-1]["on-click-action"]["payload"]
    assert payload == {"request": "angebot", "bereich": "${screen.SCREEN_A.form.bereich}",
                       "flaeche": "${screen.SCREEN_A.form.flaeche}", "fotos": "${screen.SCREEN_B.form.fotos}",
                       "zeitraum": "${form.zeitraum}", "plz": "${form.plz}", "hinweis": "${form.hinweis}"}
    picker = flow["screens"][1]["layout"]["children"][0]
    assert picker["max-uploaded-photos"] == 5 and picker["max-file-size-kb"] == 5120
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["properties"]["version"] == {"const": "7.3"}


@pytest.mark.parametrize("breaking, expected", [
    (lambda f: f.update(version="7.2"), "/version"),
    (lambda f: f["screens"][0]["layout"]["children"][4].update(label="Fläche in Quadratmetern"),
     "/screens/0/layout/children/4/label"),
    (lambda f: f["screens"][0]["layout"]["children"][-1].update(label="Weiter zur nächsten Seite, den Fotos"),
     "/screens/0/layout/children/5/label"),
    (lambda f: f["screens"][2]["layout"]["children"].pop(), "/screens/2"),
    (lambda f: f["screens"][0]["layout"]["children"][-1]["on-click-action"]["next"].update(name="SCREEN_Z"),
     "/screens/0/layout/children/5/on-click-action/next/name"),
    (lambda f: f["screens"][1]["layout"]["children"].insert(0, copy.deepcopy(f["screens"][1]["layout"]["children"][0])
                                                             | {"name": "mehr"}), "/screens/1"),
    (lambda f: f["screens"][2]["layout"]["children"][3].pop("helper-text"), "/screens/2/layout/children/3"),
    (lambda f: f["screens"][2]["layout"]["children"][-1]["on-click-action"]["payload"].update(x="${form.x}"),
     "/screens/2/layout/children/6/on-click-action/payload/x"),
    (lambda f: f["screens"][1]["layout"]["children"][0].update({"max-uploaded-photos": 11}), "/screens"),
    (lambda f: f["screens"][0].update(id="SUCCESS"), "/screens/0/id"),
])
def test_the_flow_schema_refuses_what_meta_refuses(tmp_path: Path, breaking, expected) -> None:
    flow = _painter_flow(tmp_path)
    assert flow_errors(flow) == []
    breaking(flow)
    assert expected in [pointer for pointer, _ in flow_errors(flow)], flow_errors(flow)


def test_check_names_each_problem_of_a_request_file_with_its_line(tmp_path: Path) -> None:
    site = requests_site(tmp_path, ["angebot"])
    own = site / "wording" / "requests" / "angebot.toml"
    own.parent.mkdir(parents=True)
    source = (SHIPPED / "angebot.toml").read_text(encoding="utf-8")
    source = source.replace('{ id = "beides", title = { de = "Beides", en = "Both" } },',
                            '{ id = "beides", title = { de = "Innen- und Außenbereich", en = "Both" } },\n'
                            '  { id = "dach", title = { de = "Dach", en = "Roof" } },')
    source = source.replace('label = { de = "Hinweis", en = "Note" }', 'label = { de = "Hinweis" }')
    source = source.replace('question = { de = "Möchten Sie uns noch etwas dazu sagen?',
                            'question = { de = "Ihre IBAN für die Anzahlung? Möchten Sie uns noch etwas dazu sagen?')
    source = source.replace('type = "postcode"', 'type = "plz"')
    own.write_text(source, encoding="utf-8")
    result = run_cli("check", cwd=site)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    at = {text: i for i, text in reversed(list(enumerate(source.splitlines(), 1)))}
    line = lambda start: next(i for text, i in at.items() if text.startswith(start))  # noqa: E731
    f = "wording/requests/angebot.toml"
    options, kind = line("options = ["), line('type = "plz"')
    iban, hint = line('question = { de = "Ihre IBAN'), line('label = { de = "Hinweis" }')
    assert result.stderr.splitlines()[:4] == [
        f"{f}: line {options}: steps.bereich has 4 options; a buttons step takes 2 to 3 (WhatsApp shows "
        "at most 3 buttons and 10 list rows; an optional step keeps one for \"skip\")",
        f"{f}: line {kind}: unknown step type 'plz' (use one of: buttons, list, text, number, "
        "postcode, date, photos, documents)",
        f"warning: {f}: line {iban}: steps.hinweis.question asks for 'IBAN' "
        "(WhatsApp's policy forbids asking for card or account numbers, ID card or passport numbers and other "
        "sensitive identifiers in a chat: ask for them in person)",
        f"{f}: line {hint}: steps.hinweis.label has no text for language 'en' "
        "(add en = \"...\")",
    ]


def test_a_button_title_too_long_for_whatsapp_is_named_with_its_line(tmp_path: Path) -> None:
    site = requests_site(tmp_path, ["angebot"])
    own = site / "wording" / "requests" / "angebot.toml"
    own.parent.mkdir(parents=True)
    source = (SHIPPED / "angebot.toml").read_text(encoding="utf-8").replace(
        'title = { de = "Außen", en = "Outside" }', 'title = { de = "Außen an der Fassade", en = "Outside" }').replace(
        'label = { de = "Fläche", en = "Area size" }', 'label = { de = "Fläche", en = "Area size in square metres" }')
    own.write_text(source, encoding="utf-8")
    result = run_cli("check", cwd=site)
    lines = source.splitlines()
    facade = next(i for i, t in enumerate(lines, 1) if "Außen an der Fassade" in t)
    label = next(i for i, t in enumerate(lines, 1) if "Area size in square metres" in t)
    own = Path("wording/requests/angebot.toml")  # named as the owner typed the path: relative to site.toml
    assert f"{own}: line {facade}: steps.bereich.options[2].title is 20 characters long" not in result.stderr
    assert f"{own}: line {label}: steps.flaeche.label is 26 characters long; WhatsApp allows 20 for the label of " \
           "a Flow's field (shorten it)" in result.stderr
    too_long = source.replace("Außen an der Fassade", "Außen an der Hausfassade")
    (site / own).write_text(too_long, encoding="utf-8")
    assert f"{own}: line {facade}: steps.bereich.options[2].title is 24 characters long; WhatsApp allows 20 for a " \
           "button title (shorten it)" in run_cli("check", cwd=site).stderr


def test_settings_of_requests_are_checked(tmp_path: Path) -> None:
    site = requests_site(tmp_path, ["anfrage"], extra='purpose = "werbung"\nwebhook_url = "http://crm.example.de/x"\n'
                                                      '[bot.requests.flows]\nangebot = "12ab"\n')
    result = run_cli("check", cwd=site)
    f = "site.toml"
    assert f"{f}: bot.requests.webhook_url: 'http://crm.example.de/x' cannot take the requests (give an https:// " \
           "address (http:// only for 127.0.0.1 or localhost))" in result.stderr
    text = (site / "site.toml").read_text(encoding="utf-8").replace("http://crm.example.de/x",
                                                                    "https://crm.example.de/x")
    (site / "site.toml").write_text(text, encoding="utf-8")
    stderr = run_cli("check", cwd=site).stderr
    assert f"{f}: bot.requests.offer: there is no request 'anfrage' (no file requests/anfrage.toml in the site's " \
           "wording/ or the shipped wording) (name one of: angebot, reservierung, termin, vorbestellung, or write " \
           "wording/requests/anfrage.toml next to site.toml)" in stderr
    assert f"{f}: bot.requests.flows.angebot: 'angebot' is not a request of offer" in stderr
    assert f"{f}: bot.requests.purpose: there is no purpose 'werbung'" in stderr
    assert f"{f}: bot.requests.webhook_secret_env: a webhook needs a secret to sign with" in stderr


def _step(kind: str, **more) -> Step:
    return Step("x", kind, {"de": "?"}, {"de": "X"}, **more)


def test_typed_answers_are_used_as_written_or_refused() -> None:
    today = dt.date(2026, 12, 7)
    assert read_answer(_step("postcode"), "01067", today).value == "01067"
    assert read_answer(_step("postcode"), "1067", today).refused == "invalid_postcode"
    assert read_answer(_step("postcode"), "01067a", today).refused == "invalid_postcode"
    number = _step("number", min=1.0, max=10000.0)
    assert read_answer(number, "120,5", today).value == "120.5"
    assert read_answer(number, "1.200", today).value == "1.2"  # a dot is the decimal point, never thousands
    assert read_answer(number, "etwa 100", today).refused == "invalid_number"
    assert read_answer(number, "0", today).refused == "invalid_number"
    date = _step("date", future=True)
    assert read_answer(date, "24.12.", today).value == "2026-12-24"
    assert read_answer(date, "3.1.", today).value == "2027-01-03"  # the coming one
    assert read_answer(date, "31.02.2027", today).refused == "invalid_date"
    assert read_answer(date, "01.12.2026", today).refused == "date_past"
    assert read_answer(date, "2062-01-01", today).refused == "invalid_date"
    text = _step("text", min=2.0, max=5.0)
    assert read_answer(text, " a  b ", today).value == "a b" and read_answer(text, "abcdef", today).refused
    from site_builder.guided.definition import Option
    choice = _step("buttons", options=(Option("innen", {"de": "Innen"}), Option("aussen", {"de": "Außen"})))
    assert read_choice(choice, "aussen", "", "de") == "aussen"
    assert read_choice(choice, "", "  außen ", "de") == "aussen" and read_choice(choice, "", "Dach", "de") is None


def test_the_flow_command_writes_a_valid_flow_and_new_key_prints_a_key(tmp_path: Path) -> None:
    site = requests_site(tmp_path, ["angebot", "termin"])
    result = run_cli("requests", "--flow", "termin", "--flow-lang", "en", "-o", "termin.json", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "termin.json: the request 'termin' as a WhatsApp Flow (Flow JSON 7.3, en)" in result.stdout
    flow = json.loads((site / "termin.json").read_text(encoding="utf-8"))
    assert flow_errors(flow) == [] and flow["screens"][0]["title"] == "Request appointment"
    assert run_cli("requests", "--flow", "vorbestellung", cwd=site).returncode == 1
    key = run_cli("requests", "--new-key", cwd=site).stdout.strip()
    from site_builder.bot.filecrypt import read_key
    assert len(key) == 44 and read_key(key) is not None and len(read_key(key) or b"") == 32
