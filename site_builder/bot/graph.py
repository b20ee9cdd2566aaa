"""Sending replies through the WhatsApp Cloud API (Graph API), with retries and backoff on 429 and 5xx.

REFERENCE.md §2 "Cloud API" (checked 2026-12-02): POST <base>/<version>/<phone_number_id>/messages with a bearer
token and {"messaging_product": "whatsapp", "to": wa_id, "type": "text", "text": {"body": ...}}; free-form
replies only within 24 hours of the customer's last message."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from dataclasses import dataclass

import httpx

WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    attempts: int
    status: int  # the last HTTP status, 0 for a network error
    message_id: str = ""


def within_window(customer_message_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a free-form reply is still allowed (the customer wrote less than 24 hours ago)."""
    return now - customer_message_at < WINDOW


def _delay(attempt: int, response: httpx.Response | None, base: float) -> float:
    if response is not None:
        retry_after = response.headers.get("retry-after", "")
        if retry_after.isdigit():
            return min(float(retry_after), 60.0)
    # exponential backoff with jitter, so several bot processes do not retry in step
    return base * (2 ** attempt) * (0.5 + random.random())


class GraphClient:
    """One HTTP connection pool to the Graph API for the whole process."""

    def __init__(self, url: str, token: str, attempts: int = 5, backoff: float = 0.5, timeout: float = 15.0):
        self.url = url
        self.attempts = attempts
        self.backoff = backoff
        self.client = httpx.AsyncClient(timeout=timeout, headers={"Authorization": f"Bearer {token}"},
                                        limits=httpx.Limits(max_connections=16))

    async def send_text(self, wa_id: str, body: str) -> SendResult:
        """Send one text; retry on 429, 5xx and network errors; never retry other 4xx (they will not heal)."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id, "type": "text",
                   "text": {"preview_url": False, "body": body}}
        status = 0
        for attempt in range(self.attempts):
            response = None
            try:
                response = await self.client.post(self.url, json=payload)
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        sent = response.json().get("messages", [{}])[0].get("id", "")
                    except (ValueError, AttributeError, IndexError):
                        sent = ""
                    return SendResult(True, attempt + 1, status, str(sent))
                if status != 429 and status < 500:
                    return SendResult(False, attempt + 1, status)
            except httpx.TransportError:
                status = 0
            if attempt + 1 < self.attempts:
                await asyncio.sleep(_delay(attempt, response, self.backoff))
        return SendResult(False, self.attempts, status)

    async def close(self) -> None:
        await self.client.aclose()
