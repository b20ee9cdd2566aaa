"""Real parts for the consent bot's tests and load benchmark: a fake Graph API on 127.0.0.1 that records what the
bot sends, signed webhook deliveries in Meta's documented shape, the bot as a uvicorn server in its own process,
and a private PostgreSQL cluster (Debian's `postgresql`, made with initdb in a temporary folder). The servers a
guided request is handed off to (SMTP, the owner's webhook) are in tests/handoff_servers.py."""

from __future__ import annotations

import contextlib
import glob
import itertools
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "site_builder" / "example"
SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"
BOT_ENV = {"WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
           "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN}
WEBHOOK = "/whatsapp/webhook"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float = 20.0, step: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(step)


# --- the fake Graph API ---------------------------------------------------------------------------------------

@dataclass
class FakeGraph:
    """Records every request; answers 200 with a message id, or what is queued in `script` first: an HTTP status
    (429 carries Meta's code 130429), or (status, code) for an error by Meta's code. `delay` holds each answer
    back (a Graph API that takes a request but answers late). With `webhook` set to (url, app secret) it also
    sends the `sent` status webhook Meta sends for each message it took, echoing biz_opaque_callback_data."""

    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    script: list[Any] = field(default_factory=list)
    delay: float = 0.0
    webhook: tuple[str, str] | None = None
    failing_until: float = 0.0  # time.time() until which every request is answered 500 (an outage)
    lock: threading.Lock = field(default_factory=threading.Lock)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # media id -> (bytes, MIME type) Meta holds
    downloads: list[str] = field(default_factory=list)  # the media ids fetched (their bytes)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sent(self) -> list[dict[str, Any]]:
        """The requests answered with 200: the messages customers received."""
        with self.lock:
            return [r for r in self.requests if r["status"] == 200]

    def to(self, who: str) -> list[dict[str, Any]]:
        return [r["json"] for r in self.sent() if who in (r["json"].get("to"), r["json"].get("recipient"))]

    def texts_to(self, who: str) -> list[str]:
        return [j["text"]["body"] for j in self.to(who) if j.get("type") == "text"]


def _status_webhook(graph: FakeGraph, request: dict[str, Any], message_id: str) -> None:
    import httpx

    assert graph.webhook is not None
    url, secret = graph.webhook
    recipient = request.get("to") or request.get("recipient")
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "WABA-ID", "changes": [{"field": "messages",
               "value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "4917012345670",
                                                                       "phone_number_id": request["_phone"]},
                         "statuses": [{"id": message_id, "status": "sent", "timestamp": str(int(time.time())),
                                       "recipient_id": recipient,
                                       "biz_opaque_callback_data": request.get("biz_opaque_callback_data", "")}]}}]}]}
    body, headers = signed(payload, secret)
    for _ in range(60):  # as Meta does: again until the bot answers 200 (for 30 s: a bot restarting on a loaded machine)
        with contextlib.suppress(httpx.HTTPError):
            if httpx.post(url, content=body, headers=headers, timeout=10).status_code == 200:
                return
        time.sleep(0.5)


@contextlib.contextmanager
def fake_graph() -> Iterator[FakeGraph]:
    graph = FakeGraph()
    counter = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the Graph API does

        def _answer(self, status: int, data: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            """Meta's media API: GET /<version>/<media-id> gives the file's URL (valid 5 minutes, needs the token),
            GET on that URL the bytes (shapes: Meta's media reference; pywa api.get_media_url)."""
            path = self.path.split("?")[0]
            if self.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
                self._answer(401, b'{"error": {"code": 190, "message": "bad token"}}')
                return
            if path.startswith("/download/"):
                media_id = path.rsplit("/", 1)[1]
                with graph.lock:
                    graph.downloads.append(media_id)
                data, mime = graph.media[media_id]
                self._answer(200, data, mime)
                return
            media_id = path.rsplit("/", 1)[1]
            if media_id not in graph.media:
                self._answer(404, json.dumps({"error": {"message": "Unsupported get request", "code": 100,
                                                        "error_subcode": 33}}).encode())
                return
            data, mime = graph.media[media_id]
            import hashlib
            info = {"messaging_product": "whatsapp", "url": f"{graph.base}/download/{media_id}", "mime_type": mime,
                    "sha256": hashlib.sha256(data).hexdigest(), "file_size": str(len(data)), "id": media_id}
            self._answer(200, json.dumps(info).encode())

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with graph.lock:
                step = graph.script.pop(0) if graph.script else (500 if time.time() < graph.failing_until else 200)
            status, code = step if isinstance(step, tuple) else (step, 130429 if step == 429 else 0)
            message_id = f"wamid.out.{next(counter)}"
            request = json.loads(body)
            request["_phone"] = self.path.split("/")[2] if self.path.count("/") >= 3 else ""
            with graph.lock:
                graph.requests.append({"path": self.path, "auth": self.headers.get("authorization", ""),
                                       "json": request, "status": status, "at": time.time()})
            if graph.delay:
                time.sleep(graph.delay)  # Meta took it, the answer is late
            if status == 200:
                reply = {"messaging_product": "whatsapp", "messages": [{"id": message_id}]}
                if graph.webhook:
                    threading.Thread(target=_status_webhook, args=(graph, request, message_id), daemon=True).start()
            else:
                reply = {"error": {"message": "error", "type": "OAuthException", **({"code": code} if code else {})}}
            data = json.dumps(reply).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the bot gave up waiting

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # a killed bot resets its side
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    graph.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield graph
    finally:
        server.shutdown()
        server.server_close()


# --- webhook deliveries ---------------------------------------------------------------------------------------

_ids = itertools.count(1)


@dataclass(frozen=True)
class Msg:
    wa_id: str
    name: str
    text: str
    ts: int = 0  # unix time; 0: now
    id: str = ""

    def with_id(self) -> "Msg":
        return self if self.id else Msg(self.wa_id, self.name, self.text, self.ts,
                                        f"wamid.test.{os.getpid()}.{next(_ids)}")


def delivery(*msgs: Msg, phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:
    """One webhook body as Meta sends it: one entry, one change, contacts and messages."""
    now = int(time.time())
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA-ID", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "4917012345670", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": m.name}, "wa_id": m.wa_id} for m in msgs],
        "messages": [{"from": m.wa_id, "id": m.id, "timestamp": str(m.ts or now), "type": "text",
                      "text": {"body": m.text}} for m in msgs]}}]}]}


def messages_delivery(*messages: dict[str, Any], name: str = "Anna Muster",
                      phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:
    """A webhook body with messages given whole (interactive replies, images, Flow completions), each from its
    `from`, as Meta sends them."""
    senders = dict.fromkeys(m["from"] for m in messages)
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA-ID", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "4917012345670", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": name}, "wa_id": wa} for wa in senders],
        "messages": list(messages)}}]}]}


def _message(wa_id: str, kind: str, body: dict[str, Any], context: str = "") -> dict[str, Any]:
    out = {"from": wa_id, "id": f"wamid.test.{os.getpid()}.{next(_ids)}", "timestamp": str(int(time.time())),
           "type": kind, kind: body}
    if context:  # the message whose button was tapped (Meta: context.id)
        out["context"] = {"from": "4917012345670", "id": context}
    return out


def tap(wa_id: str, reply_id: str, title: str, context: str = "") -> dict[str, Any]:
    """A reply button tapped: interactive.button_reply (Meta's interactive webhook reference; pywa fixture)."""
    return _message(wa_id, "interactive", {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}},
                    context)


def pick(wa_id: str, row_id: str, title: str, description: str = "", context: str = "") -> dict[str, Any]:
    """A list row chosen: interactive.list_reply."""
    reply = {"id": row_id, "title": title, **({"description": description} if description else {})}
    return _message(wa_id, "interactive", {"type": "list_reply", "list_reply": reply}, context)


def image(wa_id: str, media_id: str, data: bytes, mime: str = "image/jpeg", caption: str = "") -> dict[str, Any]:
    """An image message: image {mime_type, sha256 (base64, as in pywa's fixture), id} (Meta's image webhook)."""
    import base64
    import hashlib

    body = {"mime_type": mime, "sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(), "id": media_id}
    if caption:
        body["caption"] = caption
    return _message(wa_id, "image", body)


def text(wa_id: str, body: str) -> dict[str, Any]:
    return _message(wa_id, "text", {"body": body})


def flow_completed(wa_id: str, response: dict[str, Any], context: str = "") -> dict[str, Any]:
    """A Flow's completion: interactive.nfm_reply with response_json as a JSON string (Meta's "Receiving Flow
    response"; pywa's flow_completion fixture)."""
    return _message(wa_id, "interactive", {"type": "nfm_reply", "nfm_reply": {
        "response_json": json.dumps(response), "body": "Sent", "name": "flow"}}, context)


def statuses_delivery(message_id: str, wa_id: str) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA-ID", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "4917012345670", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [{"id": message_id, "status": status, "timestamp": str(int(time.time())), "recipient_id": wa_id}
                     for status in ("sent", "delivered", "read")]}}]}]}


def echo_delivery(text: str, to: str) -> dict[str, Any]:
    """What the owner typed in the Business app under coexistence (`smb_message_echoes`)."""
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA-ID", "changes": [{
        "field": "smb_message_echoes", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "4917012345670", "phone_number_id": PHONE_NUMBER_ID},
            "message_echoes": [{"from": "4917012345670", "to": to, "id": f"wamid.echo.{next(_ids)}",
                                "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}}]}}]}]}


def signed(payload: dict[str, Any], secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    from site_builder.bot.webhook import sign

    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return body, {"content-type": "application/json", "x-hub-signature-256": sign(body, secret)}


# --- the site and the bot process -----------------------------------------------------------------------------

def make_site(folder: Path, graph: FakeGraph, database: str | None = None, extra: str = "",
              phone_number_id: str = PHONE_NUMBER_ID, shared: bool = True, **options: Any) -> Path:
    """The example business with a [bot] table pointing at the fake Graph API (`shared`: with the keys a folder
    of sites keeps in bot.toml; `options`: more [bot] keys, written as TOML values)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "site.toml", folder / "site.toml")
    shutil.copy(EXAMPLE / "logo.svg", folder / "logo.svg")
    for sub in ("content", "consent-versions"):
        if (EXAMPLE / sub).is_dir():
            shutil.copytree(EXAMPLE / sub, folder / sub)
    # the bot's server is named for the privacy notice and the records (issue 23; site.toml's own check)
    lines = ["", "[bot]", f'phone_number_id = "{phone_number_id}"', 'hosting_provider = "Server GmbH, Weg 1, 12345 Ort"']
    if shared:
        lines += [f'graph_api_base = "{graph.base}"', 'graph_api_version = "v21.0"', "workers = 4"]
    if database:
        lines.append(f'database = "{database}"')
    lines += [f"{key} = {json.dumps(value)}" for key, value in options.items()]
    with open(folder / "site.toml", "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n" + extra)
    return folder / "site.toml"


@dataclass
class Bot:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(self, payload: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> int:
        import httpx

        if isinstance(payload, dict):
            body, signed_headers = signed(payload)
            headers = {**signed_headers, **(headers or {})}
        else:
            body = payload
        return httpx.post(self.url + WEBHOOK, content=body, headers=headers or {}, timeout=10).status_code

    def kill(self) -> None:
        """SIGKILL: no goodbye (an OOM kill, a host reset)."""
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(70)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_bot(config: Path | None = None, env: dict[str, str] | None = None, sites: Path | None = None,
              port: int | None = None, wait_healthy: bool = True) -> Bot:
    """`python -m site_builder.bot -c site.toml --port N` (or `--sites DIR`) as its own process, once /healthz
    answers (or, with wait_healthy=False, once it listens: a bot that starts unhealthy)."""
    import httpx

    port = port or free_port()
    where = sites if sites is not None else config.parent  # type: ignore[union-attr]
    log = where / f"bot-{port}.log"
    full_env = {**os.environ, **BOT_ENV, **(env or {}), "PYTHONPATH": str(ROOT)}
    target = ["--sites", str(sites)] if sites is not None else ["-c", str(config)]
    with open(log, "ab") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "site_builder.bot", *target, "--port", str(port)],
                                cwd=where, env=full_env, stdout=fh, stderr=subprocess.STDOUT)
    bot = Bot(proc, port, log)

    def healthy() -> bool:
        if proc.poll() is not None:
            raise RuntimeError("the bot ended before it listened:\n" + bot.log_text())
        with contextlib.suppress(httpx.HTTPError):
            code = httpx.get(bot.url + "/healthz", timeout=5).status_code
            return code == 200 or (not wait_healthy and code == 503)
        return False

    wait_until(healthy, timeout=60)
    return bot


# --- PostgreSQL ---------------------------------------------------------------------------------------------

def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Postgres:
    port: int
    folder: Path
    _dbs: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def new_database(self) -> str:
        """A fresh, empty database of the cluster; its URL."""
        import psycopg

        name = f"bot_test_{next(self._dbs)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """A private cluster on a free port in a temporary folder, removed afterwards. PostgreSQL refuses to run as
    root, so as root it runs as the `postgres` user (Debian's package creates it), owning the folder."""
    binaries = postgres_bin()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL is not installed (apt-get install postgresql; scripts/install.sh --test)")
    folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    data = folder / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, cwd=folder)  # noqa: E731
    try:
        # The cluster's locale is named, not taken from LANG: initdb refuses a LANG whose locale is not generated
        # (de_DE.UTF-8 on a machine that never ran locale-gen). C.UTF-8 is in every Debian and Ubuntu libc.
        run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
            "--locale=C.UTF-8")
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
            "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            "start")
        try:
            yield Postgres(port, folder)
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

# site.toml without its [bot] table: the same site as `site-builder consents` sees it without the bot.
_BOT_TABLE = re.compile(r"^\[\[?\s*bot(\.[^\]]*)?\s*\]\]?\s*$")
_ANY_TABLE = re.compile(r"^\[")


def without_bot_table(text: str) -> str:
    """site.toml's text with its [bot] and [bot.*] tables left out."""
    out, inside = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if _ANY_TABLE.match(stripped):
            inside = bool(_BOT_TABLE.match(stripped))
        if not inside:
            out.append(line)
    return "".join(out)
