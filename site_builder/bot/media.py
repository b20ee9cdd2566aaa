"""The files of guided requests: fetched from Meta at once, size- and type-checked, kept only encrypted.

Meta (Media reference, read 2026-12-07; research note §2): a webhook's media id is valid 7 days; GET
/<version>/<media-id> answers {url, mime_type, sha256, file_size, id}, and that URL is valid 5 minutes and needs
the access token. So each file is an outbox job of the channel `media`, taken as soon as the message is recorded:
the URL is asked for and the file downloaded in one go (a URL that expired is asked for again on the next try).
Images are JPEG or PNG up to 5 MB (Cloud API), documents PDF; the request's own cap (max_mb) is checked against
Meta's `file_size` first and against the bytes while they stream, so a larger file is never read whole. The
SHA-256 Meta names is compared (hex or base64, Meta's examples show both). Meta warns that customers' files may
be malicious: they are never opened here, only stored and attached.

At rest a file is AES-256-GCM encrypted with the site's key (filecrypt.py). A file that cannot be fetched is the
customer's to send again: the request goes back to that question with a note."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING, Callable

import httpx
from sqlalchemy.engine import Engine

from ..guided.meta_limits import DOCUMENT_TYPES, IMAGE_TYPES
from . import outbox, request_store, store
from .filecrypt import encrypt
from .graph import WINDOW
from .outbox import OutboxItem

if TYPE_CHECKING:
    from .runtime import Runtime, SiteRuntime

log = logging.getLogger("site_builder.bot")

ATTEMPTS = 4  # then the customer is asked to send the file again


class MediaRefused(Exception):
    """The file is not one the request takes (too large, another type, not what Meta said)."""


class Unavailable(Exception):
    """Meta does not give the file (now, or ever: `final`)."""

    def __init__(self, final: bool):
        super().__init__("final" if final else "retry")
        self.final = final


def _same_hash(expected: str, data: bytes) -> bool:
    if not expected:
        return True
    digest = hashlib.sha256(data).digest()
    return expected.strip() in (digest.hex(), base64.b64encode(digest).decode("ascii"))


class MediaFetcher:
    """Takes the `media` jobs of the outbox and fetches them, two at a time."""

    def __init__(self, engine: Engine, runtime: "Runtime", clock: Callable[[], dt.datetime]):
        self.engine, self.runtime, self.clock = engine, runtime, clock
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0), follow_redirects=False)
        self.stopping = False
        self.lease = dt.timedelta(minutes=3)

    async def run(self) -> None:
        try:
            while not self.stopping:
                try:
                    items = await asyncio.to_thread(outbox.take, self.engine, "media", self.clock(), 2, self.lease,
                                                    dt.timedelta(0))
                except Exception:  # noqa: BLE001 (the database is away; the recorder reports it)
                    items = []
                await asyncio.gather(*(self._fetch(item) for item in items))
                if not items:
                    await asyncio.sleep(0.3)
        finally:
            await self.client.aclose()

    async def _get(self, url: str, token: str, cap: int | None = None) -> httpx.Response | bytes:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            if cap is None:
                response = await self.client.get(url, headers=headers)
            else:
                async with self.client.stream("GET", url, headers=headers) as streamed:
                    if streamed.status_code != 200:
                        raise Unavailable(400 <= streamed.status_code < 500 and streamed.status_code != 429)
                    chunks, size = [], 0
                    async for chunk in streamed.aiter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise MediaRefused("larger than the cap")
                        chunks.append(chunk)
                    return b"".join(chunks)
        except httpx.HTTPError:
            raise Unavailable(False) from None
        if response.status_code != 200:
            raise Unavailable(400 <= response.status_code < 500 and response.status_code != 429)
        return response

    async def download(self, rt: "SiteRuntime", item: OutboxItem) -> bytes:
        """The file's bytes, checked; MediaRefused or Unavailable otherwise."""
        p = item.payload
        d = rt.settings.deployment
        info = await self._get(d.graph_url(f"{p['media_id']}?phone_number_id={rt.settings.phone_number_id}"),
                               rt.settings.access_token)
        assert isinstance(info, httpx.Response)
        try:
            meta = info.json()
        except ValueError:
            raise Unavailable(False) from None
        if not isinstance(meta, dict) or not isinstance(meta.get("url"), str):
            raise Unavailable(False)
        mime = str(meta.get("mime_type", "")).split(";")[0].strip().lower()
        if mime not in (IMAGE_TYPES if p.get("photos") else DOCUMENT_TYPES):
            raise MediaRefused(mime)
        cap = int(p.get("max_mb", 5)) * 1024 * 1024
        size = str(meta.get("file_size", "0"))
        if size.isdigit() and int(size) > cap:  # Meta gives it as a number or as a numeric string
            raise MediaRefused("file_size")
        data = await self._get(meta["url"], rt.settings.access_token, cap)
        assert isinstance(data, bytes)
        if not _same_hash(str(meta.get("sha256", "")), data):
            raise MediaRefused("sha256")
        return data

    async def _fetch(self, item: OutboxItem) -> None:
        rt = self.runtime.sites.get(item.site)
        file_id, request_id = int(item.payload["file_id"]), int(item.payload["request_id"])
        if rt is None or not rt.settings.requests_key:
            await asyncio.to_thread(outbox.finish, self.engine, item.id, "failed")
            return
        try:
            data = await self.download(rt, item)
        except MediaRefused as exc:
            await asyncio.to_thread(self._failed, rt, item, "refused", "photo_refused")
            log.warning("file_refused", extra={"reason": str(exc)[:40]})
            return
        except Unavailable as exc:
            later = self.clock() + outbox.backoff(item.attempts, base=2.0, cap=60.0)
            if exc.final or item.attempts >= ATTEMPTS or later >= item.deadline:
                await asyncio.to_thread(self._failed, rt, item, "failed", "photo_failed")
                log.warning("file_failed", extra={"attempts": item.attempts, "final": exc.final})
            else:
                await asyncio.to_thread(outbox.finish, self.engine, item.id, "pending", next_at=later)
            return
        blob = encrypt(rt.settings.requests_key, data, request_id, file_id)
        await asyncio.to_thread(request_store.set_file, self.engine, file_id, "stored", len(data), blob)
        await asyncio.to_thread(outbox.finish, self.engine, item.id, "sent")
        log.info("file_stored", extra={"bytes": len(data)})

    def _failed(self, rt: "SiteRuntime", item: OutboxItem, state: str, note: str) -> None:
        """The file is not taken: the customer is asked for it again, at the question it answered."""
        now = self.clock()
        file_id, request_id = int(item.payload["file_id"]), int(item.payload["request_id"])
        with store.writing(self.engine) as conn:
            conn.execute(store.request_files.update().where(store.request_files.c.id == file_id)
                         .values(state=state, data=None))
            conn.execute(store.outbox.update().where(store.outbox.c.id == item.id)
                         .values(state="failed", lease_until=None))
            row = request_store.by_id(conn, request_id)
            if row is None or row.state != "active":
                return  # sent meanwhile: the hand-off says which file is missing
            files = request_store.files(conn, request_id)
            step = next((f.step for f in files if f.id == file_id), "")
            request_store.save(conn, request_id, now, step=f"edit:{step}" if row.step != step else step)
            outbox.enqueue(conn, f"file-{state}:{file_id}", "whatsapp", item.site, row.wa_id, "request", now,
                           now + WINDOW, row.lang, {"request_id": row.id, "pid": row.public_id, "rq": row.name,
                                                    "show": "step", "step": step, "note": note,
                                                    "values": {"mb": item.payload.get("max_mb", 5)}})
