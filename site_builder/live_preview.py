"""`site-builder serve`: build the site, serve it locally, rebuild on every change, reload the browser.

A preview: the site is built in memory, exactly as `build` renders output/site/, but nothing is
written. So a draft never reaches output/ (what gets uploaded) nor the consent-version archive
(where every version stays published for good); `build` does both, as before.

Only the responses of this server differ from the files `build` writes: each HTML page gets a small
live-reload script, whose hash is added to the page's CSP meta tag, and the policy allows a
connection back to this server (connect-src 'self') for the events that say "rebuilt". Everything
else (no other origin, no cookies, no storage) holds in the preview too.
"""

from __future__ import annotations

import html
import json
import queue
import re
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Callable, Iterable, Iterator

import watchfiles

from .csp import csp_hash
from .httpd import HTML, NOT_FOUND, Reply, find, handler, listen, running
from .messages import current_language, t
from .problems import InputError, Problem, errors
from .site import load_site
from .site.loading import SHIPPED_THEMES
from .stages import pages
from .stages.hosting import format_csp, hidden, parse_csp, security_headers
from .wording import SHIPPED as SHIPPED_WORDING

EVENTS = "/__site-builder/events"
IMAGE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".webp"}
META_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.I)
# The injected script: reload once a newer build is live; show the problems of a failed rebuild.
RELOAD_JS = """(function () {
  var served = %(generation)d, banner = null;
  var events = new EventSource("%(events)s");
  events.addEventListener("state", function (e) {
    var state = JSON.parse(e.data);
    if (state.generation !== served) { events.close(); location.reload(); return; }
    if (state.problems && !banner) {
      banner = document.createElement("pre");
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:9;margin:0;padding:1em;" +
        "white-space:pre-wrap;font:13px/1.4 monospace;background:#fff3cd;color:#3b2a00;border-bottom:2px solid #b58100";
      document.body.appendChild(banner);
    }
    if (banner) { banner.textContent = state.problems || ""; banner.hidden = !state.problems; }
  });
})();"""


@dataclass
class Live:
    """The last good build, kept in memory, and what the open browsers are told."""

    files: dict[str, bytes] = field(default_factory=dict)  # path below site/ -> bytes
    generation: int = 0
    problems: str = ""
    closed: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, files: dict[str, bytes]) -> None:
        with self.changed:
            self.files, self.generation, self.problems = files, self.generation + 1, ""
            self.changed.notify_all()

    def fail(self, problems: str) -> None:
        with self.changed:
            self.problems = problems
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def state(self) -> tuple[int, str]:
        with self.changed:
            return self.generation, self.problems


def inject(page: bytes, generation: int) -> bytes:
    """The page as served by `serve`: the reload script added and allowed by the meta tag."""
    script = RELOAD_JS % {"generation": generation, "events": EVENTS}
    text = page.decode("utf-8", "replace")

    def relax(match: re.Match) -> str:
        policy = parse_csp(html.unescape(match.group(2)))
        scripts = policy.get("script-src", "'none'")
        scripts = "" if scripts == "'none'" else scripts + " "
        policy["script-src"] = scripts + csp_hash(script)
        policy["connect-src"] = "'self'"
        return match.group(1) + html.escape(format_csp(policy)) + match.group(3)

    text = META_CSP.sub(relax, text, count=1)
    tag = f"<script>{script}</script>\n"
    at = text.rfind("</body>")
    text = text[:at] + tag + text[at:] if at >= 0 else text + tag
    return text.encode("utf-8")


def problems_page(problems: str, generation: int) -> bytes:
    body = (f'<!doctype html><html lang="{current_language()}"><meta charset="utf-8"><title>{t("serve.failed_title")}</title>'
            f"<h1>{t('serve.failed_heading')}</h1><p>{t('serve.failed_hint')}</p>"
            f"<pre>{html.escape(problems)}</pre></html>")
    return inject(body.encode("utf-8"), generation)


def events(live: Live) -> Iterator[bytes]:
    """Server-sent events: the current state now, then every change (and a ping now and then)."""
    sent = None
    while True:
        with live.changed:
            live.changed.wait_for(lambda: live.closed or (live.generation, live.problems) != sent, 15)
            if live.closed:
                return
            state = (live.generation, live.problems)
        if state == sent:
            yield b": ping\n\n"
            continue
        data = json.dumps({"generation": state[0], "problems": state[1]})
        yield f"event: state\ndata: {data}\n\n".encode("utf-8")
        sent = state


def make_handler(live: Live) -> type[BaseHTTPRequestHandler]:
    """The preview's answers: the last good build with the reload script, as the host would serve it."""
    def answer(path: str) -> Reply:
        if path == EVENTS:
            return Reply(200, content_type="text/event-stream", stream=events(live))
        generation, problems = live.state()
        if hidden(path.lstrip("/")):  # 404 like on the real host: .htaccess, _headers, records/
            return NOT_FOUND
        reply = find(live.files, path)
        if reply.status == 404 and not live.files and problems:
            return Reply(503, problems_page(problems, generation), HTML)
        if reply.content_type == HTML:
            reply = replace(reply, body=inject(reply.body, generation))
        return reply

    return handler(answer, {**security_headers(connect="'self'"), "Cache-Control": "no-store"})


def site_files(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path[len("site/"):]: data for path, data in files.items() if path.startswith("site/")}


def files_on_disk(folder: Path) -> dict[str, bytes]:
    """An earlier build's site/, to serve while the sources have problems."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def rebuild(config: Path, strict: bool, live: Live, log: Callable[[str], None]) -> bool:
    """Load the site and render its pages; on success make them live, on failure keep the last good ones and
    show why."""
    started = time.perf_counter()
    try:
        found: list[Problem]
        try:
            site, found = load_site(config)
            files, more = pages.serve_files(site)
            found += more
        except InputError as exc:
            files, found = {}, list(exc.problems)
    except Exception as exc:  # a bug must not take the preview down with it
        message = t("serve.crashed", config=config, error=f"{exc.__class__.__name__}: {exc}")
        log(message)
        live.fail(message)
        return False
    problems = errors(found, strict)
    for problem in found:
        if problem not in problems:
            log(str(problem))
    if problems or not files:
        text = "\n".join(str(p) for p in problems)
        log(text)
        log(t("serve.still_serving", count=len(problems)))
        live.fail(text)
        return False
    live.publish(site_files(files))
    log(t("serve.built", ms=f"{(time.perf_counter() - started) * 1000:.0f}"))
    return True


def watched(config: Path) -> tuple[list[Path], list[Path], Callable[[object, str], bool]]:
    """Folders to watch (flat ones, recursive ones) and the filter that keeps the changes that matter."""
    root = config.parent
    config_file = config.resolve()
    flat = {config_file.parent, root.resolve()}
    deep = {p.resolve() for p in (root / "content", root / "themes", root / "wording", SHIPPED_THEMES, SHIPPED_WORDING) if p.is_dir()}

    def relevant(change: object, path: str) -> bool:
        p = Path(path)
        if any(p == d or d in p.parents for d in deep):
            return not p.name.startswith(".") and not p.name.endswith(("~", ".swp", ".tmp"))
        return p == config_file or p.name == config.name or p.suffix.lower() in IMAGE_SUFFIXES

    return sorted(flat), sorted(deep), relevant


def watch(paths: Iterable[Path], recursive: bool, keep: Callable[[object, str], bool], changes: queue.Queue,
          stop: threading.Event, ready: threading.Event | None = None) -> None:
    # yield_on_timeout: the first (empty) batch comes once the watcher is really running, which `ready` reports
    for batch in watchfiles.watch(*paths, watch_filter=keep, recursive=recursive, stop_event=stop, step=30,
                                  debounce=400, raise_interrupt=False, yield_on_timeout=True, rust_timeout=200):
        if ready is not None:
            ready.set()
        if batch:
            changes.put(sorted({path for _, path in batch}))


def snapshot(flat: Iterable[Path], deep: Iterable[Path], keep: Callable[[object, str], bool]) -> dict[str, int]:
    """Modification times of the watched files, to catch a change made while the watchers start."""
    files = [p for folder in flat for p in folder.iterdir()] + [p for folder in deep for p in folder.rglob("*")]
    out = {}
    for path in files:
        try:
            if path.is_file() and keep(None, str(path)):
                out[str(path)] = path.stat().st_mtime_ns
        except OSError:
            pass
    return out


def lan_address() -> str | None:
    """The address phones in the same network can reach (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # TEST-NET-1: routing decides the interface, nothing is sent
            return sock.getsockname()[0]
        except OSError:
            return None


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(config: Path, out: Path, *, host: str = "127.0.0.1", port: int = 8000, strict: bool = False) -> int:
    """Run until Ctrl+C. Returns the exit code."""
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    live = Live()
    try:
        server = listen(host, port, make_handler(live))
    except OSError as exc:
        log(t("serve.port_taken", port=port, host=host, reason=exc.strerror, other=port + 1))
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    flat, deep, keep = watched(config)
    before = snapshot(flat, deep, keep)
    if not rebuild(config, strict, live, log):
        earlier = files_on_disk(out / "site")
        if earlier:
            live.files = earlier
            log(t("serve.earlier_build", folder=out / "site"))
    changes: queue.Queue = queue.Queue()
    stop = threading.Event()
    started = []
    for paths, recursive in ((flat, False), (deep, True)):
        if paths:
            ready = threading.Event()
            threading.Thread(target=watch, args=(paths, recursive, keep, changes, stop, ready), daemon=True).start()
            started.append(ready)
    for ready in started:
        ready.wait(10)
    if snapshot(flat, deep, keep) != before:  # edited while the first build ran: build again
        changes.put([t("serve.changed_at_start")])
    with running(server):
        announce(config, host, server.server_address[1])
        try:
            while True:
                try:
                    paths = changes.get(timeout=0.5)
                except queue.Empty:
                    continue
                while not changes.empty():  # one build for changes that arrive together
                    paths += changes.get_nowait()
                log(t("serve.changed", names=", ".join(sorted({Path(p).name for p in paths}))))
                rebuild(config, strict, live, log)
        except KeyboardInterrupt:
            log(t("serve.stopped"))
        finally:
            stop.set()
            live.close()  # ends the open event streams before the server shuts down
    return 0


def announce(config: Path, host: str, port: int) -> None:
    if host in ("0.0.0.0", "::", ""):
        print(t("serve.url", config=config, url=f"http://127.0.0.1:{port}/"), flush=True)
        if address := lan_address():
            print(t("serve.lan", url=f"http://{address}:{port}/"), flush=True)
    else:
        print(t("serve.url", config=config, url=f"http://{host}:{port}/"), flush=True)
    print(t("serve.nothing_written"), flush=True)
    print(t("serve.watching"), flush=True)
