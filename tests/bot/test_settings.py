"""`site-builder bot` refuses bad [bot] settings with one line each, and starts only when all is well."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot_support import BOT_ENV, ROOT, FakeGraph, make_site

pytestmark = pytest.mark.slow  # the bot's --check in new processes


def _check(config: Path, env: dict[str, str], lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder.bot", "-c", str(config), "--check"],
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": lang, **env})


def test_good_settings_pass_the_check(tmp_path: Path) -> None:
    config = make_site(tmp_path, FakeGraph(port=9))
    result = _check(config, BOT_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{config}: the bot's settings and replies are complete (de, en)"


def test_bad_settings_are_listed_one_line_each(tmp_path: Path) -> None:
    """[bot] is checked by the settings schema like every table of site.toml: every problem of the file at once,
    with "did you mean"; once the file is right, the secrets and the replies are checked (all at once again)."""
    extra = ('\n[bot.answers.parking]\nkeywords = ["Parkplatz"]\n'
             '\n[bot.answers.hours]\nkeywords = "Öffnungszeiten"\n')
    config = make_site(tmp_path, FakeGraph(port=9), extra=extra)
    good = config.read_text(encoding="utf-8")
    text = (good.replace('phone_number_id = "106540352242922"', 'phone_number_id = "+49 170 1234567"')
                .replace('graph_api_version = "v21.0"', 'graph_api_version = "21"\nport = "8081"\n'
                         'access_token_env = "EAAG-secret-pasted-here"\ntimezon = "Europe/Berlin"'))
    config.write_text(text, encoding="utf-8")
    env = {k: v for k, v in BOT_ENV.items() if k != "WHATSAPP_APP_SECRET"}
    result = _check(config, env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    f = str(config)
    assert result.stderr.strip().splitlines() == [
        f"{f}: bot.timezon: unknown key (did you mean 'timezone'?)",
        f"{f}: bot.phone_number_id: is not a phone number ID (copy the phone number ID (digits only) from Meta's "
        "WhatsApp Manager, API setup; it is not the phone number)",
        f"{f}: bot.access_token_env: 'EAAG-secret-pasted-here' is not the name of an environment variable (give the "
        "variable's NAME (letters, digits, _), never the secret itself)",
        f"{f}: bot.answers.hours.keywords: must be a list, not text (write it as [\"de\", \"en\"])",
        f"{f}: bot.port: must be a whole number, not text (write it as a whole number like 6)",
        f"{f}: bot.graph_api_version: is not a Graph API version (write it like \"v21.0\")",
        "6 problem(s) found; the bot did not start",
    ]
    # `site-builder check` reads [bot] through the same schema (no secrets needed there)
    checked = subprocess.run([sys.executable, "-m", "site_builder", "check", "-c", str(config)], capture_output=True,
                             text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                                          "LANG": "C.UTF-8"})
    assert checked.returncode == 1
    assert f"{f}: bot.timezon: unknown key (did you mean 'timezone'?)" in checked.stderr.splitlines()

    config.write_text(good.replace('keywords = "Öffnungszeiten"', 'keywords = ["Öffnungszeiten"]'),
                      encoding="utf-8")
    result = _check(config, env)
    assert result.stderr.strip().splitlines() == [
        f"{f}: bot.app_secret_env: the environment variable WHATSAPP_APP_SECRET is not set (set it where the bot "
        "runs (systemd EnvironmentFile, docker --env-file); it holds a secret, so never in site.toml)",
        f"{f}: bot.answers.parking: the keyword answer 'parking' has no text for 'de' (add text = \"...\" to "
        "[bot.answers.parking], or a file wording/bot/de/parking.txt)",
        f"{f}: bot.answers.parking: the keyword answer 'parking' has no text for 'en' (add text = \"...\" to "
        "[bot.answers.parking], or a file wording/bot/en/parking.txt)",
        "3 problem(s) found; the bot did not start",
    ]
    german = _check(config, env, lang="de_DE.UTF-8").stderr
    assert "die Umgebungsvariable WHATSAPP_APP_SECRET ist nicht gesetzt" in german
    assert "der Bot wurde nicht gestartet" in german


def test_the_settings_file_is_read_as_site_toml_is(tmp_path: Path) -> None:
    """The size cap, a Windows BOM and the fill-in markers of `init` hold for [bot] as for the rest."""
    config = make_site(tmp_path, FakeGraph(port=9))
    text = config.read_text(encoding="utf-8").replace('phone_number_id = "106540352242922"',
                                                      'phone_number_id = "<<die Telefonnummern-ID>>"')
    config.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = _check(config, BOT_ENV)
    assert result.stderr.strip().splitlines()[0] == (
        f"{config}: bot.phone_number_id: not filled in yet: <<die Telefonnummern-ID>> (replace it with the phone "
        "number ID from WhatsApp Manager, API setup (not the number))")
    config.write_text(text + "#" * 1_000_001, encoding="utf-8")
    assert "is larger than 1000 KB" in _check(config, BOT_ENV).stderr


def test_a_keyword_answer_without_text_is_named(tmp_path: Path) -> None:
    config = make_site(tmp_path, FakeGraph(port=9), extra='\n[bot.answers.parking]\nkeywords = ["Parkplatz"]\n')
    result = _check(config, BOT_ENV)
    assert result.returncode == 1
    assert f"{config}: bot.answers.parking: the keyword answer 'parking' has no text for 'de'" in result.stderr


def test_a_wording_override_with_an_unknown_placeholder_is_named(tmp_path: Path) -> None:
    config = make_site(tmp_path, FakeGraph(port=9))
    override = tmp_path / "wording" / "bot" / "de" / "greeting.txt"
    override.parent.mkdir(parents=True)
    override.write_text("Moin!\nHier ist {{ geschaeft }}.\n", encoding="utf-8")
    result = _check(config, BOT_ENV)
    assert result.returncode == 1
    assert f"{override}: line 2: unknown placeholder: geschaeft" in result.stderr


def test_templates_smtp_and_limits_are_checked_key_by_key(tmp_path: Path) -> None:
    extra = ('\n[bot.templates.consent_confirmed]\nname = "Bestätigung"\nlanguage = "deutsch"\n'
             'parameters = ["business", "kundennummer"]\n'
             '\n[bot.templates.greeting]\nname = "hallo"\nlanguage = "de"\n'
             '\n[bot.smtp]\nhost = "mail.example.de"\nsecurity = "ssl"\nfrom = "bot at example"\n'
             'password_env = "SMTP_PASSWORD"\n')
    config = make_site(tmp_path, FakeGraph(port=9), extra=extra, queue_limit=0, send_timeout=600,
                       notify_email="inhaber(at)example.de", webhook_path="/metrics")
    result = _check(config, BOT_ENV)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    f = str(config)
    assert result.stderr.strip().splitlines() == [
        f"{f}: bot.notify_email: 'inhaber(at)example.de' is not an e-mail address (write it like \"info@example.de\")",
        f"{f}: bot.templates.greeting: unknown key (known keys here: consent_confirmed, withdrawal_confirmed, "
        "marketing_stopped)",
        f"{f}: bot.templates.consent_confirmed.name: 'Bestätigung' is not a template name (copy the name from "
        "WhatsApp Manager (lower-case letters, digits, _))",
        f"{f}: bot.templates.consent_confirmed.language: needs the template's language code (write language = "
        "\"de\", or one per site language: language = { de = \"de\", en = \"en_US\" })",
        f"{f}: bot.templates.consent_confirmed.parameters: unknown parameter 'kundennummer' (known: business, "
        "business_name, version, purposes, privacy_url, withdrawal_url, landing_url, phone, email, date)",
        f"{f}: bot.webhook_path: must start with / and differ from /healthz and /metrics (e.g. webhook_path = "
        "\"/whatsapp/webhook\")",
        f"{f}: bot.queue_limit: must be a whole number from 1 to 100000 (write it without quotes)",
        f"{f}: bot.send_timeout: must be a whole number from 1 to 120 (write it without quotes)",
        f"{f}: bot.smtp.security: unknown security 'ssl' (write \"starttls\" (port 587), \"tls\" (port 465) or "
        "\"none\" (a local relay only))",
        f"{f}: bot.smtp.from: 'bot at example' is not an e-mail address (write it like \"info@example.de\")",
        "10 problem(s) found; the bot did not start",
    ]
    fixed = config.read_text(encoding="utf-8")
    for old, new in (('"Bestätigung"', '"bestaetigung"'), ('"deutsch"', '"de"'), ('"kundennummer"', '"date"'),
                     ('\n[bot.templates.greeting]\nname = "hallo"\nlanguage = "de"\n', ""), ('"ssl"', '"tls"'),
                     ('"bot at example"', '"bot@example.de"'), ("queue_limit = 0", "queue_limit = 10"),
                     ("send_timeout = 600", "send_timeout = 60"), ('"inhaber(at)example.de"', '"i@example.de"'),
                     ('webhook_path = "/metrics"', 'webhook_path = "/hook"')):
        fixed = fixed.replace(old, new)
    config.write_text(fixed, encoding="utf-8")
    assert _check(config, BOT_ENV).stderr.strip().splitlines() == [
        f"{f}: bot.smtp.password_env: the environment variable SMTP_PASSWORD is not set (set it where the bot runs "
        "(systemd EnvironmentFile, docker --env-file); it holds a secret, so never in site.toml)",
        "1 problem(s) found; the bot did not start",
    ]


def test_a_folder_of_sites_keeps_shared_keys_in_bot_toml(tmp_path: Path) -> None:
    graph = FakeGraph(port=9)
    make_site(tmp_path / "baeckerei", graph, phone_number_id="100000000000001", shared=False)
    config = make_site(tmp_path / "maler", graph, phone_number_id="100000000000001", shared=False, port=9000)
    (tmp_path / "bot.toml").write_text(f'[bot]\ngraph_api_base = "{graph.base}"\nphone_number_id = "1"\n',
                                       encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "site_builder.bot", "--sites", str(tmp_path), "--check"],
                            capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **BOT_ENV})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{tmp_path / 'bot.toml'}: bot.phone_number_id: unknown key (known keys here: ")
    assert lines[1:] == [
        f"{config}: bot.port: belongs to the whole deployment, not to one site (move port into [bot] of bot.toml in "
        "the sites folder)",
        f"{config}: bot.phone_number_id: the same phone_number_id as {tmp_path / 'baeckerei' / 'site.toml'} (each "
        "WhatsApp number belongs to one site: correct one of them)",
        "3 problem(s) found; the bot did not start",
    ]


def test_the_requests_key_must_be_set_and_be_a_key(tmp_path: Path) -> None:
    extra = '\n[bot.requests]\noffer = ["angebot"]\nkey_env = "REQUESTS_KEY"\n'
    config = make_site(tmp_path, FakeGraph(port=9), extra=extra)
    f = str(config)
    assert _check(config, BOT_ENV).stderr.strip().splitlines()[0] == (
        f"{f}: bot.requests.key_env: the environment variable REQUESTS_KEY is not set (set it where the bot runs "
        "(systemd EnvironmentFile, docker --env-file); it holds a secret, so never in site.toml)")
    assert _check(config, {**BOT_ENV, "REQUESTS_KEY": "geheim"}).stderr.strip().splitlines()[0] == (
        f"{f}: bot.requests.key_env: the environment variable REQUESTS_KEY does not hold a key (put the 44 "
        "characters `site-builder requests --new-key` prints into it)")
    key = subprocess.run([sys.executable, "-m", "site_builder", "requests", "--new-key"], capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout.strip()
    assert _check(config, {**BOT_ENV, "REQUESTS_KEY": key}).returncode == 0
