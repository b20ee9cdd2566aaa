"""One send through the WhatsApp Cloud API (Graph API), its outcome judged by Meta's error `code`, not the HTTP
status ("build your error handling around code values", Meta's error-code page, updated 2026-06-18).

Codes, checked 2026-12-07 against Meta's WhatsApp error-code page and the client library pywa (pywa/errors.py,
commit 0bcf2f1 of 2026-08-12: ThrottlingError 4, 80007, 130429, 131056; ExpiredAccessToken 190; ReEngagementMessage
131047; MessageUndeliverable 131026; ServiceUnavailable 131016; UnknownError 131000; SpamRateLimitHit 131048):
- retried with growing backoff: 4 (app call rate), 80007 (business account rate), 130429 (throughput per number),
  131056 (pair rate: too many messages to one user), 131000 and 131016 (Meta-side, temporary), 1 and 2 (Graph
  API unknown / temporarily unavailable), HTTP 429 and 5xx without a code; 131056 often arrives as HTTP 400.
- 190 (access token expired or invalid): not retried now; the bot turns unhealthy and tells the owner.
- 131047 (more than 24 hours since the customer's last message): only an approved template may go out.
- everything else (131026 undeliverable, 131050 marketing stopped, 131048 spam limit, 368/131031 account blocked,
  template errors 132xxx, ...): failed for good, and the owner is told.
A request whose answer does not come (read timeout, connection lost after sending) is `unknown`: Meta may have
taken it, so it is not sent again blindly (see outbox.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx

WINDOW = dt.timedelta(hours=24)
RETRY_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056})
TOKEN_CODES = frozenset({190})
WINDOW_CODES = frozenset({131047})
BLOCKED_CODES = frozenset({368, 131031})


@dataclass(frozen=True)
class SendOutcome:
    result: str  # sent, retry, token, window, failed, unknown
    status: int = 0  # HTTP status, 0 without an answer
    code: int = 0  # Meta's error code
    message_id: str = ""
    retry_after: float = 0.0


def within_window(customer_message_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a free-form reply is still allowed (the customer wrote less than 24 hours ago)."""
    return now - customer_message_at < WINDOW


def judge(status: int, body: Any, retry_after: str = "") -> SendOutcome:
    """The outcome of an answered request, by Meta's error code first, then by HTTP status."""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    code = int(code) if isinstance(code, (int, str)) and str(code).isdigit() else 0
    wait = float(retry_after) if retry_after.isdigit() else 0.0
    if 200 <= status < 300 and not code:
        messages = body.get("messages") if isinstance(body, dict) else None
        first = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], dict) else {}
        return SendOutcome("sent", status, 0, str(first.get("id", "")))
    if code in TOKEN_CODES:
        return SendOutcome("token", status, code)
    if code in WINDOW_CODES:
        return SendOutcome("window", status, code)
    if code in RETRY_CODES or (not code and (status == 429 or status >= 500)):
        return SendOutcome("retry", status, code, retry_after=min(wait, 3600.0))
    return SendOutcome("failed", status, code)


class GraphClient:
    """One HTTP connection pool to the Graph API for the whole process; one request per call, no retries here
    (the outbox retries, so a retry survives a restart)."""

    def __init__(self, timeout: float = 15.0):
        # connect errors are safe to retry (nothing was sent); a read timeout is not (see `unknown`)
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
                                        limits=httpx.Limits(max_connections=32))

    async def send(self, url: str, token: str, payload: dict[str, Any]) -> SendOutcome:
        try:
            response = await self.client.post(url, json=payload, headers={"Authorization": f"Bearer {token}"})
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            return SendOutcome("retry")  # the request never left: safe to send again
        except httpx.TransportError:
            return SendOutcome("unknown")  # sent, but no answer: Meta may have taken it
        try:
            body = response.json()
        except ValueError:
            body = None
        return judge(response.status_code, body, response.headers.get("retry-after", ""))

    async def close(self) -> None:
        await self.client.aclose()


def message_payload(recipient: str, body: str | None, template: dict[str, Any] | None, callback: str,
                    interactive: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Graph API request: a text, a template or an interactive message (buttons, a list, a Flow), to a phone
    number (`to`) or a business-scoped user id (`recipient`), carrying our outbox id so that status webhooks can be
    matched to it."""
    out: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual",
                           "biz_opaque_callback_data": callback}
    out["to" if recipient.isdigit() else "recipient"] = recipient
    if interactive is not None:
        out.update(type="interactive", interactive=interactive)
    elif template is not None:
        out.update(type="template", template=template)
    else:
        out.update(type="text", text={"preview_url": False, "body": body or ""})
    return out
