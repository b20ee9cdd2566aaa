"""The hosting stage: security headers for every kind of host, from one policy: .htaccess, _headers, nginx.conf, Caddyfile.

The header Content-Security-Policy complements the per-page meta tag instead of repeating it: the
meta tag pins each page's own inline style and script by hash, the header adds what a meta tag
cannot say (frame-ancestors) and repeats every other directive of the page policy. Browsers
enforce both, so the effective policy is exactly the page policy plus frame-ancestors 'none'. The
header carries no hash, so it is the same for every build and every site: an nginx or Caddy
config installed once never goes stale when a text or colour changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import quote, urlsplit

from ..config import Settings
from ..csp import content_security_policy
from ..problems import InputError, report
from ..site import SiteModel
from ..units import StagePlan, made_unit

ONE_YEAR = 365 * 24 * 3600
# Features a consent page never needs; all switched off. Only names Chromium and Firefox know,
# so the browser console stays free of "unrecognized feature" warnings.
PERMISSIONS_OFF = ("accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
                   "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone",
                   "midi", "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
                   "serial", "usb", "xr-spatial-tracking")
# Fetch directives that default-src stands for; script-src and style-src are left to the meta tag.
FETCH_DIRECTIVES = ("child-src", "connect-src", "font-src", "frame-src", "img-src", "manifest-src", "media-src",
                    "object-src", "worker-src")
PAGE_PINNED = ("script-src", "style-src")

CACHE_HTML = "no-cache"  # may be stored, but revalidated (ETag / Last-Modified) on every visit
CACHE_ASSET = "public, max-age=86400"  # logo, contact card: names that do not change with the content
CACHE_IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"  # name.<hash>.ext: a new content is a new name
ASSET_EXTENSIONS = ("svg", "png", "jpg", "jpeg", "webp", "avif", "ico", "vcf")
FINGERPRINTED = r"\.[0-9a-f]{8,}\.(css|js|svg|png|jpe?g|webp|woff2)$"
COMPRESSED_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
                    "text/vcard", "text/plain")
VCARD_TYPE = "text/vcard"
# Files that are not pages (logo, contact card, fingerprinted assets) get a policy of their own: an SVG
# opened directly is a document, and the page policy (whose script-src is pinned by the page's meta tag)
# would let its script run. Inline style only, because SVG editors write style attributes.
STATIC_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
# What a host name and a base path may hold to be written into a server config unquoted: nothing that
# ends a directive, a string or a block (quotes, ;, {, }, spaces, newlines, #, \).
SAFE_HOST = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
SAFE_PATH = re.compile(r"/(?:[A-Za-z0-9._~%-]+/)*")


def parse_csp(policy: str) -> dict[str, str]:
    """A policy as {directive: sources}, in order."""
    directives: dict[str, str] = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives.setdefault(name.lower(), value.strip())
    return directives


def format_csp(directives: Mapping[str, str]) -> str:
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


def header_csp(page_policy: str | None = None, *, connect: str | None = None) -> str:
    """The header policy: every directive of the page policy but the hashed ones, plus frame-ancestors.

    default-src is spelled out per fetch directive, because a header default-src would also govern
    script-src and style-src and so block the inline style the meta tag allows by hash.
    `connect` relaxes connect-src (only `serve` does this, for its live-reload channel)."""
    page = parse_csp(page_policy or content_security_policy("", None))
    default = page.pop("default-src", None)
    header: dict[str, str] = {}
    if default is not None:
        header.update({name: page.get(name, default) for name in FETCH_DIRECTIVES})
    header.update({name: value for name, value in page.items() if name not in PAGE_PINNED})
    if connect:
        header["connect-src"] = connect
    header["frame-ancestors"] = "'none'"
    return format_csp(header)


def security_headers(*, connect: str | None = None) -> dict[str, str]:
    """The headers every response gets, in the order they are written."""
    return {
        "Content-Security-Policy": header_csp(connect=connect),
        "Strict-Transport-Security": f"max-age={ONE_YEAR}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": ", ".join(f"{name}=()" for name in PERMISSIONS_OFF),
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def cache_control(path: str) -> str:
    """The Cache-Control of a file of the site, by its name."""
    if re.search(FINGERPRINTED, path, re.I):
        return CACHE_IMMUTABLE
    if path.rsplit(".", 1)[-1].lower() in ASSET_EXTENSIONS:
        return CACHE_ASSET
    return CACHE_HTML


def hidden(path: str) -> bool:
    """Paths of the site folder that are never served: dotfiles (but .well-known), _headers, records/."""
    parts = [p for p in path.split("/") if p]
    return (any(p.startswith(".") and p != ".well-known" for p in parts) or (parts[-1:] == ["_headers"])
            or "records" in parts[:-1] or parts[-1:] == ["records"])


@dataclass(frozen=True)
class Target:
    """Where the site is hosted: host name and the URL path of output/site/ (always ending in /)."""

    host: str
    path: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "Target":
        """The host (IDN as punycode) and path of base_url, refused unless safe to write into any config."""
        problem = None
        try:
            url = urlsplit(settings.base_url)
            host = (url.hostname or "").encode("idna").decode("ascii").lower()
            url.port  # noqa: B018 (raises ValueError for a port that is not a number)
        except (ValueError, UnicodeError):
            url, host = None, ""
        path = (url.path if url is not None else "") or "/"
        path = path if path.endswith("/") else path + "/"
        if url is None or not SAFE_HOST.fullmatch(host) or url.username or url.password or url.query or url.fragment:
            problem = "hosting.unsafe_host"
        elif not SAFE_PATH.fullmatch(path) or "/../" in path or "/./" in path:
            problem = "hosting.unsafe_path"
        if problem:
            raise InputError([report(str(settings.path), "site.base_url", problem, value=_shown(settings.base_url))])
        return cls(host, path)


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 80 else repr(value[:77] + "...")


def comment_safe(text: str) -> str:
    """A value fit for a # comment line: line breaks and other control characters shown as escapes."""
    return re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]", lambda m: f"\\x{ord(m.group()):02x}", text)


def _header_comment(settings: Settings, lines: list[str]) -> str:
    head = [f"Generated by site-builder for {settings.base_url} from site.toml: rebuild, don't edit."] + lines
    return "".join(f"# {comment_safe(line)}\n" if line else "#\n" for line in head)


# --- Apache (.htaccess, uploaded with the site) -----------------------------------------------


def htaccess(settings: Settings) -> str:
    headers = security_headers()
    assets = "|".join(ASSET_EXTENSIONS)
    lines = [_header_comment(settings, [
        "Apache web space: upload it together with the other files of output/site/.",
        "FTP programs hide files whose name starts with a dot: switch on \"show hidden files\".",
        "Every block is wrapped in <IfModule>, so a host without a module still serves the site.",
    ]), "\n"]
    lines.append(f"AddType {VCARD_TYPE} .vcf\n")
    lines.append("AddType image/avif .avif\n")  # the owner's photo; older Apache versions do not know the type
    lines.append("AddCharset utf-8 .html .css .js .svg .vcf\n\n")
    lines.append("<IfModule mod_headers.c>\n")
    lines += [f"  Header always set {name} \"{value}\"\n" for name, value in headers.items()]
    lines.append(f"  Header set Cache-Control \"{CACHE_HTML}\"\n")
    static = f"    Header always set Content-Security-Policy \"{STATIC_CSP}\"\n"
    lines.append(f"  <FilesMatch \"\\.({assets})$\">\n    Header set Cache-Control \"{CACHE_ASSET}\"\n{static}"
                 "  </FilesMatch>\n")
    lines.append(f"  <FilesMatch \"{FINGERPRINTED}\">\n    Header set Cache-Control \"{CACHE_IMMUTABLE}\"\n{static}"
                 "  </FilesMatch>\n")
    lines.append("</IfModule>\n\n")
    lines.append("<IfModule mod_deflate.c>\n")
    lines.append(f"  AddOutputFilterByType DEFLATE {' '.join(COMPRESSED_TYPES)}\n")
    lines.append("</IfModule>\n\n")
    lines.append("# Never served: dotfiles (but .well-known), this site's _headers, and records/ if it was uploaded.\n")
    lines.append("<IfModule mod_alias.c>\n")
    lines.append("  RedirectMatch 404 /\\.(?!well-known/)\n")
    lines.append("  RedirectMatch 404 /_headers$\n")
    lines.append("  RedirectMatch 404 /records(/|$)\n")
    lines.append("</IfModule>\n")
    return "".join(lines)


# --- Netlify and Cloudflare Pages (_headers, deployed with the site) --------------------------


MAX_HEADER_RULES = 90  # Cloudflare Pages reads at most 100 rules


def netlify_headers(settings: Settings, site_files: list[str]) -> str:
    """_headers: the security headers for every path, Cache-Control per file.

    Paths start with the base_url's path: these hosts read _headers only at the root of what they
    publish. Both join the values of a header set by two matching rules with a comma, so
    Cache-Control is never set by the catch-all rule, only by the rule of each file."""
    base = Target.from_settings(settings).path
    where = ("publish output/site/ as the site's root folder" if base == "/" else
             f"publish a folder that holds output/site/ as {base.strip('/')}/ and this file at its top")
    lines = [_header_comment(settings, [
        f"Netlify and Cloudflare Pages: {where}.",
        "Both read this file and never serve it; both compress (gzip/brotli) on their own.",
    ]), f"\n{base}*\n"]
    lines += [f"  {name}: {value}\n" for name, value in security_headers().items()]
    rules: list[tuple[str, str, str]] = []  # (url, Cache-Control, the file's own CSP or "")
    for path in sorted(site_files):
        if hidden(path):
            continue
        value = cache_control(path)
        if value != CACHE_HTML:
            # joined with the catch-all rule's policy by a comma: two policies, both enforced
            rules.append((base + quote(path, safe="/-._~"), value, STATIC_CSP))
    html = sorted(p for p in site_files if p.endswith(".html") and not hidden(p))
    if len(rules) + 2 * len(html) <= MAX_HEADER_RULES:
        for path in html:
            rules.append((base + quote(path, safe="/-._~"), CACHE_HTML, ""))
            if path == "index.html" or path.endswith("/index.html"):
                rules.append((base + quote(path[: -len("index.html")], safe="/-._~"), CACHE_HTML, ""))
    for url, value, csp in sorted(rules):
        lines.append(f"\n{url}\n  Cache-Control: {value}\n" + (f"  Content-Security-Policy: {csp}\n" if csp else ""))
    return "".join(lines)


# --- nginx (a server block to include) --------------------------------------------------------

NGINX_LISTEN = "@LISTEN@"
NGINX_ROOT = "@ROOT@"


def _nginx_headers(indent: str, cache: str, csp: str | None = None) -> str:
    headers = security_headers()
    if csp:  # the policy of a file that is not a page (see STATIC_CSP)
        headers["Content-Security-Policy"] = csp
    out = [f'{indent}add_header {name} "{value}" always;\n' for name, value in headers.items()]
    out.append(f'{indent}add_header Cache-Control "{cache}" always;\n')
    return "".join(out)


def nginx_conf(settings: Settings) -> str:
    target = Target.from_settings(settings)
    base = target.path
    esc = re.escape(base.rstrip("/"))
    assets = "|".join(ASSET_EXTENSIONS)
    i1, i2, i3 = "    ", "        ", "            "
    return "".join([
        _header_comment(settings, [
            "nginx: a server block. Fill in the two placeholders, then include it in the http block, e.g.",
            f"  sed -e 's|{NGINX_LISTEN}|443 ssl|' -e 's|{NGINX_ROOT}|/var/www/{target.host}|' \\",
            f"      output/hosting/nginx.conf > /etc/nginx/sites-enabled/{target.host}.conf",
            f"{NGINX_LISTEN}: the listen parameters; with 443 ssl add your ssl_certificate lines (certbot does).",
            f"{NGINX_ROOT}: the web root; upload output/site/ into {NGINX_ROOT}{base}",
            f"Already have a server block for {target.host}? Copy only the `location {base}` block into it.",
        ]),
        "server {\n",
        f"{i1}listen {NGINX_LISTEN};\n",
        f"{i1}server_name {target.host};\n",
        f"{i1}root {NGINX_ROOT};\n",
        f"{i1}server_tokens off;\n",
        f"{i1}absolute_redirect off;\n\n",
        f"{i1}location {base} {{\n",
        f"{i2}index index.html;\n",
        f"{i2}charset utf-8;\n",
        f"{i2}charset_types text/css application/javascript image/svg+xml {VCARD_TYPE} text/plain;\n",
        f"{i2}gzip on;\n",
        f"{i2}gzip_vary on;\n",
        f"{i2}gzip_comp_level 6;\n",
        f"{i2}gzip_min_length 256;\n",
        f"{i2}gzip_types {' '.join(t for t in COMPRESSED_TYPES if t != 'text/html')};\n",
        _nginx_headers(i2, CACHE_HTML),
        f"{i2}# never served: dotfiles (but .well-known), _headers, and records/ if it was uploaded\n",
        f"{i2}location ~ /\\.(?!well-known/) {{\n{i3}return 404;\n{i2}}}\n",
        f"{i2}location ~ ^{esc}/(_headers$|records(/|$)) {{\n{i3}return 404;\n{i2}}}\n",
        # quoted, or nginx reads the {8,} of the pattern as a block
        f'{i2}location ~* "{FINGERPRINTED}" {{\n', _nginx_headers(i3, CACHE_IMMUTABLE, STATIC_CSP), f"{i2}}}\n",
        f"{i2}location ~* \\.vcf$ {{\n{i3}types {{ }}\n{i3}default_type {VCARD_TYPE};\n",
        _nginx_headers(i3, CACHE_ASSET, STATIC_CSP), f"{i2}}}\n",
        f"{i2}location ~* \\.({assets})$ {{\n", _nginx_headers(i3, CACHE_ASSET, STATIC_CSP), f"{i2}}}\n",
        f"{i1}}}\n",
        "}\n",
    ])


def render_nginx(conf: str, *, listen: str, root: str) -> str:
    """The server block with its placeholders filled (as the README's sed line does)."""
    return conf.replace(NGINX_LISTEN, listen).replace(NGINX_ROOT, root)


# --- Caddy ------------------------------------------------------------------------------------


def caddyfile(settings: Settings) -> str:
    target = Target.from_settings(settings)
    base = target.path
    ext_paths = " ".join(f"*.{ext}" for ext in ASSET_EXTENSIONS)
    t1, t2 = "\t", "\t\t"
    # the policy per kind of file, each path matched by exactly one rule (Caddy orders same-named
    # directives by their matchers, so a later `header` could not be relied on to override this block)
    policy = security_headers()
    page_csp = policy.pop("Content-Security-Policy")
    headers = "".join(f'{t2}{name} "{value}"\n' for name, value in policy.items())
    return "".join([
        _header_comment(settings, [
            "Caddy (v2): takes care of HTTPS certificates itself. Run it with the web root in",
            f"SITE_BUILDER_ROOT and output/site/ uploaded into $SITE_BUILDER_ROOT{base}, e.g.",
            "  SITE_BUILDER_ROOT=/var/www/site caddy run --config output/hosting/Caddyfile",
        ]),
        f"{target.host} {{\n",
        f"{t1}root * {{$SITE_BUILDER_ROOT}}\n",
        f"{t1}encode gzip\n",
        f"{t1}header {{\n{headers}{t2}-Server\n{t1}}}\n",
        f"{t1}@immutable path_regexp {FINGERPRINTED}\n",
        f'{t1}header @immutable Cache-Control "{CACHE_IMMUTABLE}"\n',
        f'{t1}header @immutable Content-Security-Policy "{STATIC_CSP}"\n',
        f"{t1}@asset {{\n{t2}path {ext_paths}\n{t2}not path_regexp {FINGERPRINTED}\n{t1}}}\n",
        f'{t1}header @asset Cache-Control "{CACHE_ASSET}"\n',
        f'{t1}header @asset Content-Security-Policy "{STATIC_CSP}"\n',
        f"{t1}@page {{\n{t2}not path {ext_paths}\n{t2}not path_regexp {FINGERPRINTED}\n{t1}}}\n",
        f'{t1}header @page Cache-Control "{CACHE_HTML}"\n',
        f'{t1}header @page Content-Security-Policy "{page_csp}"\n',
        f"{t1}@vcard path *.vcf\n",
        f'{t1}header @vcard Content-Type "{VCARD_TYPE}; charset=utf-8"\n',
        f"{t1}# never served: dotfiles (but .well-known), _headers, and records/ if it was uploaded\n",
        f"{t1}@hidden {{\n{t2}path */.* */_headers {base}records {base}records/*\n{t2}not path /.well-known/*\n{t1}}}\n",
        f"{t1}respond @hidden 404\n",
        f"{t1}file_server\n",
        "}\n",
    ])


def hosting_files(settings: Settings, site_files: list[str]) -> dict[str, bytes]:
    """Two files inside the site (read by the host), two beside it (for the admin). site_files: the site's
    files below site/, which _headers lists."""
    return {
        "site/.htaccess": htaccess(settings).encode("utf-8"),
        "site/_headers": netlify_headers(settings, site_files).encode("utf-8"),
        "hosting/nginx.conf": nginx_conf(settings).encode("utf-8"),
        "hosting/Caddyfile": caddyfile(settings).encode("utf-8"),
    }


def plan(site: SiteModel) -> StagePlan:
    """The hosting configs as one unit (made at once: they are a few small texts)."""
    try:
        files = hosting_files(site.settings, site.page_paths())
    except InputError as exc:  # a base_url no config could hold safely
        return StagePlan((), tuple(exc.problems))
    return StagePlan((made_unit("hosting", files),))
