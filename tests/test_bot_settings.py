"""`site-builder bot` refuses bad [bot] settings with one line each, and starts only when all is well."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot_support import BOT_ENV, ROOT, FakeGraph, make_site


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
    extra = ('\n[bot.answers.parking]\nkeywords = ["Parkplatz"]\n'
             '\n[bot.answers.hours]\nkeywords = "Öffnungszeiten"\n')
    config = make_site(tmp_path, FakeGraph(port=9), extra=extra)
    text = config.read_text(encoding="utf-8")
    text = (text.replace('phone_number_id = "106540352242922"', 'phone_number_id = "+49 170 1234567"')
                .replace('graph_api_version = "v21.0"', 'graph_api_version = "21"\nport = "8081"\n'
                         'access_token_env = "EAAG-secret-pasted-here"\ntimezon = "Europe/Berlin"'))
    config.write_text(text, encoding="utf-8")
    env = {k: v for k, v in BOT_ENV.items() if k != "WHATSAPP_APP_SECRET"}
    result = _check(config, env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    f = str(config)
    assert lines == [
        f"{f}: bot.timezon: unknown key (known keys: access_token_env, answers, app_secret_env, database, "
        "graph_api_base, graph_api_version, host, phone_number_id, port, send_attempts, timezone, verify_token_env, "
        "webhook_path, workers)",
        f"{f}: bot.app_secret_env: the environment variable WHATSAPP_APP_SECRET is not set (set it where the bot "
        "runs (systemd EnvironmentFile, docker --env-file); it holds a secret, so never in site.toml)",
        f"{f}: bot.access_token_env: 'EAAG-secret-pasted-here' is not the name of an environment variable (give the "
        "variable's NAME (letters, digits, _), never the secret itself)",
        f"{f}: bot.port: must be a whole number from 0 to 65535 (write it without quotes)",
        f"{f}: bot.answers.hours.keywords: needs a list of words (write keywords = [\"Öffnungszeiten\", \"opening hours\"])",
        f"{f}: bot.phone_number_id: is not a phone number ID (copy the phone number ID (digits only) from Meta's "
        "WhatsApp Manager, API setup; it is not the phone number)",
        f"{f}: bot.graph_api_version: is not a Graph API version (write it like \"v21.0\")",
        "3 problem(s) found; the bot did not start".replace("3", str(len(lines) - 1)),
    ]
    german = _check(config, env, lang="de_DE.UTF-8").stderr
    assert "die Umgebungsvariable WHATSAPP_APP_SECRET ist nicht gesetzt" in german
    assert "der Bot wurde nicht gestartet" in german


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
