"""A small HTTP server for files held in memory: `serve` (live preview) and `build --preview` (phone
screenshots) both show the build's files before, or instead of, writing them.

A caller gives one function, `answer(path) -> Reply`, that decides every response; `find` does the
usual static-site lookup (index.html for folders, a redirect for a folder without its slash). A reply
with a `stream` (server-sent events) is written piece by piece until the client leaves.
"""

from __future__ import annotations

import contextlib
import mimetypes
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from typing import Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
TYPES = {".html": HTML, ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".svg": "image/svg+xml", ".vcf": "text/vcard; charset=utf-8", ".txt": TEXT, ".json": "application/json",
         ".png": "image/png", ".webmanifest": "application/manifest+json"}


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = TEXT
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: Iterable[bytes] | None = None  # sent after the headers, flushed piece by piece


NOT_FOUND = Reply(404, b"not found")
Answer = Callable[[str], Reply]


def content_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def find(files: Mapping[str, bytes], path: str) -> Reply:
    """A static host's answer for URL path `path` (already unquoted) from {relative path: bytes}."""
    key = path.lstrip("/")
    if key == "" or key.endswith("/"):
        key += "index.html"
    if ".." in key.split("/"):
        return NOT_FOUND
    if key in files:
        return Reply(200, files[key], content_type(key))
    if key + "/index.html" in files:
        return Reply(301, headers={"Location": path + "/"})
    return NOT_FOUND


def handler(answer: Answer, headers: Mapping[str, str] | None = None) -> type[BaseHTTPRequestHandler]:
    """A request handler class: GET and HEAD answered by `answer`, `headers` added to every response."""
    every = dict(headers or {})

    class Handler(BaseHTTPRequestHandler):
        server_version = "site-builder"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet: the terminal is for build messages
            pass

        def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
            self.do_GET()

        def do_GET(self) -> None:  # noqa: N802
            reply = answer(unquote(urlsplit(self.path).path))
            self.send_response(reply.status)
            for name, value in {**every, **reply.headers, "Content-Type": reply.content_type}.items():
                self.send_header(name, value)
            if reply.stream is not None:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.stream is None:
                self.wfile.write(reply.body)
                return
            try:
                for piece in reply.stream:
                    self.wfile.write(piece)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):  # the browser left
                pass

    return Handler


def listen(host: str, port: int, handler_class: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Bind (raises OSError when the port is taken); requests wait until `running` starts serving."""
    server = ThreadingHTTPServer((host, port), handler_class)
    server.daemon_threads = True  # an open event stream must not keep the process alive
    return server


@contextlib.contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    """Serve in a background thread until the block ends, then close the socket."""
    thread = threading.Thread(target=server.serve_forever, name="httpd", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def serving(files: Mapping[str, bytes], headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve {path: bytes} as they are on a free port of 127.0.0.1; yields the base URL ending in '/'."""
    files = dict(files)
    with running(listen("127.0.0.1", 0, handler(lambda path: find(files, path), headers))) as server:
        yield f"http://127.0.0.1:{server.server_port}/"
