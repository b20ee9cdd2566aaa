"""The business as a vCard 3.0 (contact.vcf), so that customers can save the contact."""

from __future__ import annotations

from ...config import Settings


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def vcard(settings: Settings) -> bytes:
    """The vCard of the business: name, address, phone and WhatsApp numbers, e-mail, the site's address."""
    b = settings.data.business
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(b.name)}", f"ORG:{_escape(b.name)}",
             f"ADR;TYPE=WORK:;;{_escape(b.street)};{_escape(b.city)};;{_escape(b.postal_code)};{_escape(b.country)}",
             f"TEL;TYPE=WORK,VOICE:{settings.phone_e164}", f"TEL;TYPE=CELL:{settings.whatsapp_e164}",
             f"EMAIL;TYPE=INTERNET:{b.email}", f"URL:{settings.base_url}", "END:VCARD"]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
