"""Where the consent bot hands a guided request off, as real servers on 127.0.0.1: the owner's webhook (a CRM,
n8n) and an SMTP server (aiosmtpd) for the owner's e-mails."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

from bot_support import free_port


# --- a webhook receiver (the owner's CRM, n8n) ------------------------------------------------------------------

@dataclass
class Receiver:
    port: int
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/requests"


@contextlib.contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    """An HTTP server on 127.0.0.1 that keeps every POST (headers and body) and answers `status`."""
    box = Receiver(0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            box.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(box.status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    box.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


# --- a real SMTP server (aiosmtpd) ---------------------------------------------------------------------------

@dataclass
class Mailbox:
    port: int
    messages: list[Any] = field(default_factory=list)

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]

    def body(self, index: int) -> str:
        return self.messages[index].get_content()


@contextlib.contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 that keeps every e-mail it is handed (parsed)."""
    import email
    import email.policy

    from aiosmtpd.controller import Controller

    box = Mailbox(free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
            box.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def smtp_table(box: Mailbox) -> str:
    """[bot.smtp] for the test server: a local relay without TLS or login."""
    return f'\n[bot.smtp]\nhost = "127.0.0.1"\nport = {box.port}\nsecurity = "none"\nfrom = "bot@schreinerei-muster.de"\n'
