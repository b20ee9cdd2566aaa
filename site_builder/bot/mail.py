"""One e-mail to the owner: the headers every message of the bot carries, around a subject and a plain body."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def plain_email(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """Subject on one line (white space folded), Date now in UTC, a Message-ID in the sender's domain."""
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message
