"""The bot behind the nginx server block the build writes, with deploy/nginx-bot-location.conf pasted in: Meta
reaches the webhook through nginx, and nothing else of the bot is exposed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from bot_support import ROOT, VERIFY_TOKEN, Msg, delivery, fake_graph, make_site, signed, start_bot, wait_until
from live import free_port, nginx_path, stop, wait_for_port
from e2e.test_hosting_nginx import nginx_main_conf
from site_builder.bot import store
from site_builder.bot.settings import database_url
from site_builder.config import load_settings
from site_builder.stages.hosting import nginx_conf, render_nginx


def test_only_the_webhook_is_reachable_through_nginx(tmp_path: Path) -> None:
    nginx = nginx_path()
    with fake_graph() as graph:
        config = make_site(tmp_path / "site", graph)
        bot = start_bot(config)
        try:
            settings, problems = load_settings(ROOT / "site_builder" / "example" / "site.toml")
            assert settings is not None, problems
            port = free_port()
            server = render_nginx(nginx_conf(settings), listen=f"127.0.0.1:{port}", root=str(tmp_path / "www"))
            location = (ROOT / "deploy" / "nginx-bot-location.conf").read_text(encoding="utf-8")
            location = location.replace("127.0.0.1:8081", f"127.0.0.1:{bot.port}")
            head, _, _ = server.rstrip().rpartition("}")
            (tmp_path / "site.conf").write_text(head + location + "}\n", encoding="utf-8")
            (tmp_path / "nginx.conf").write_text(nginx_main_conf(tmp_path, tmp_path / "site.conf"), encoding="utf-8")
            args = ["-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")]
            check = subprocess.run([nginx, "-t", *args], capture_output=True, text=True)
            assert check.returncode == 0, check.stderr
            proc = subprocess.Popen([nginx, *args, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                wait_for_port(port, alive=lambda: proc.poll() is None)
                base = f"http://127.0.0.1:{port}"
                ok = httpx.get(base + "/whatsapp/webhook", params={"hub.mode": "subscribe", "hub.verify_token":
                                                                  VERIFY_TOKEN, "hub.challenge": "42"})
                assert (ok.status_code, ok.text) == (200, "42")
                msg = Msg("4915123456789", "Anna", "Hallo").with_id()
                body, headers = signed(delivery(msg))
                assert httpx.post(base + "/whatsapp/webhook", content=body, headers=headers).status_code == 200
                engine = store.open_engine(database_url("consent-register.sqlite3", config.parent))
                wait_until(lambda: store.counts(engine)["inbound"] == 1)
                engine.dispose()
                wait_until(lambda: len(graph.sent()) == 1)  # the greeting went out
                assert httpx.post(base + "/whatsapp/webhook", content=body, headers={}).status_code == 401
                assert httpx.put(base + "/whatsapp/webhook", content=body, headers=headers).status_code == 403
                assert httpx.get(base + "/healthz").status_code == 404  # the bot's health check stays inside
                assert httpx.get(bot.url + "/healthz").status_code == 200
                access = (tmp_path / "access.log").read_text(encoding="utf-8") if (tmp_path / "access.log").exists() else ""
                assert VERIFY_TOKEN not in access
            finally:
                stop(proc)
        finally:
            bot.stop()
