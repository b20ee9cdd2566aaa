"""Several businesses behind one webhook: a folder of sites (bot.toml + one folder per site), routed by Meta's
metadata.phone_number_id, each with its own register, replies and wording; one app secret or one per site; an
unknown number refused. Three businesses on PostgreSQL with two bot processes."""

from __future__ import annotations

import concurrent.futures
import csv
import subprocess
import sys
import time
from pathlib import Path

from bot_support import BOT_ENV, ROOT, FakeGraph, Msg, delivery, make_site, signed, start_bot, wait_until
from site_builder.bot import store
from site_builder.bot.load import load_bot_site
from site_builder.bot.settings import database_url

SITES = {  # folder: (business, phone_number_id)
    "malerei": ("Malerei Farbe", "100000000000001"),
    "baeckerei": ("Bäckerei Korn", "100000000000002"),
    "schreinerei": ("Schreinerei Muster", "100000000000003"),
}
KORN_SECRET = "korn-app-secret"  # the bakery's number is in another Meta app


def _sites(folder: Path, graph: FakeGraph, db: str) -> dict[str, Path]:
    configs = {}
    for name, (business, number) in SITES.items():
        options = {"app_secret_env": "KORN_APP_SECRET"} if name == "baeckerei" else {}
        config = make_site(folder / name, graph, phone_number_id=number, shared=False, **options)
        text = config.read_text(encoding="utf-8").replace('"Schreinerei Muster"', f'"{business}"')
        config.write_text(text, encoding="utf-8")
        configs[name] = config
    greeting = folder / "schreinerei" / "themes" / "default" / "bot" / "de" / "greeting.txt"
    greeting.parent.mkdir(parents=True)
    greeting.write_text("Moin aus der Werkstatt! Hier willigen Sie ein: {{ landing_url }}\n", encoding="utf-8")
    (folder / "bot.toml").write_text(f'[bot]\ndatabase = "{db}"\ngraph_api_base = "{graph.base}"\nworkers = 4\n',
                                     encoding="utf-8")
    return configs


def _consent(config: Path, business: str) -> str:
    site, problems = load_bot_site(config)
    assert site is not None, problems
    labels = ", ".join(site.purpose_labels("de").values())
    return (f"Hallo {business}, ich willige in WhatsApp-Kontakt ein für: {labels}. "
            f"(Einwilligung {site.languages['de'].consent_id}/p)")


def test_three_businesses_on_postgresql_with_two_processes(tmp_path: Path, graph: FakeGraph, pg: object) -> None:
    db = pg.new_database()  # type: ignore[attr-defined]
    configs = _sites(tmp_path / "sites", graph, db)
    env = {"KORN_APP_SECRET": KORN_SECRET}
    bots = [start_bot(sites=tmp_path / "sites", env=env), start_bot(sites=tmp_path / "sites", env=env)]
    try:
        jobs, customers = [], {}
        for index, (name, (business, number)) in enumerate(SITES.items()):
            secret = KORN_SECRET if name == "baeckerei" else BOT_ENV["WHATSAPP_APP_SECRET"]
            for i in range(6):
                wa_id = f"49151{index}{i:07d}"
                text = _consent(configs[name], business) if i % 2 == 0 else "Hallo, eine Frage"
                customers[wa_id] = (name, text.startswith("Hallo " + business))
                body, headers = signed(delivery(Msg(wa_id, f"Kunde {i}", text).with_id(), phone_number_id=number),
                                       secret)
                jobs += [(bot, body, headers) for bot in bots]  # Meta's retry may reach either process
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda job: job[0].post(job[1], job[2]), jobs))
        assert set(codes) == {200}
        wait_until(lambda: all(graph.to(wa_id) for wa_id in customers), timeout=60)
        time.sleep(1.5)
        for wa_id, (name, consented) in customers.items():
            business, number = SITES[name]
            answers = graph.to(wa_id)
            assert len(answers) == 1, (wa_id, answers)  # once, though both processes got the delivery
            sent = [r for r in graph.sent() if r["json"].get("to") == wa_id][0]
            assert sent["path"] == f"/v21.0/{number}/messages"  # from the business's own number
            body = answers[0]["text"]["body"]
            if consented:
                assert "Ihre Einwilligung ist angekommen" in body
            elif name == "schreinerei":
                assert body.startswith("Moin aus der Werkstatt!")  # its own wording
            else:
                assert f"hier ist {business}" in body
        # each business's register holds its own customers only
        for name, config in configs.items():
            out = tmp_path / f"{name}.csv"
            result = subprocess.run([sys.executable, "-m", "site_builder", "consents", "--db", db, "-c", str(config),
                                     "-o", str(out)], capture_output=True, text=True, timeout=120, cwd=config.parent,
                                    env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
            assert result.returncode == 0, result.stderr
            with open(out, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh, delimiter=";"))
            mine = {w for w, (n, consented) in customers.items() if n == name and consented}
            assert {r["chat"].lstrip("'").replace(" ", "").lstrip("+") for r in rows if r["event"] == "consent"} == mine
        assert all('"sites": 3' in b.log_text() for b in bots)
    finally:
        for b in bots:
            b.stop()


def test_an_unknown_number_or_a_wrong_apps_secret_is_refused(tmp_path: Path, graph: FakeGraph, pg: object) -> None:
    db = pg.new_database()  # type: ignore[attr-defined]
    _sites(tmp_path / "sites", graph, db)
    bot = start_bot(sites=tmp_path / "sites", env={"KORN_APP_SECRET": KORN_SECRET})
    engine = store.open_engine(database_url(db, tmp_path))
    try:
        stranger = Msg("4915100000001", "Anna", "Hallo").with_id()
        assert bot.post(delivery(stranger, phone_number_id="199999999999999")) == 403
        assert '"msg": "unknown_number", "phone_number_ids": ["199999999999999"]' in bot.log_text()
        # the bakery's messages signed with the other app's secret: refused, not stored
        bakery = delivery(Msg("4915100000002", "Bernd", "Hallo").with_id(), phone_number_id="100000000000002")
        assert bot.post(bakery) == 401
        body, headers = signed(bakery, KORN_SECRET)
        assert bot.post(body, headers) == 200
        time.sleep(0.5)
        assert store.counts(engine)["inbound"] == 1
    finally:
        bot.stop()
        engine.dispose()
