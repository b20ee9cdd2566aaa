"""What each record must contain, by section (or table row) id: `check`, the build and the tests hold the
records to it. An item missing or empty is a problem naming the record, the item and the key to fill."""

from __future__ import annotations

from .document import Record, record_items

ART13_ITEMS = tuple(f"art13-{p}{lit}" for p in (1, 2) for lit in "abcdef")
REQUIRED_ITEMS: dict[str, tuple[str, ...]] = {
    "record-of-processing": tuple(f"art30-1{lit}" for lit in "abcdefg"),
    "risk-assessment": ("threshold", "dsk-list") + tuple(f"art35-7{lit}" for lit in "abcd") + ("dpf-plan",),
    "processor-terms": ("terms",) + tuple(f"art28-3{lit}" for lit in "abcdefgh") + ("transfer",),
    "consent": ("wording", "purposes", "channels", "collection", "fallback", "scenarios", "versions"),
    "privacy-notice": ART13_ITEMS,
    "withdrawal": ("form", "procedure"),
    "letter-to-whatsapp": ("letter", "enclosure", "filing"),
    "instructions": ("scope", "instructions"),
    "staff-instruction": ("confidentiality", "device", "chats", "sign"),
    "access-request": ("steps", "answer", "log"),
    "lost-phone": ("first-hour", "assess", "log"),
    "index": ("records", "checklist", "routine", "dates"),
}
# Where the owner fixes an empty item (the records are otherwise filled from required keys).
ITEM_KEYS = {
    "art30-1a": "business.*, dpo", "art30-1b": "purposes", "art30-1c": "purposes, channels",
    "art30-1d": "site.hosting_provider", "art30-1e": "transfer.basis", "art30-1f": "retention.chat_months",
    "art30-1g": "records.measures", "art35-7c": "records.risks", "art35-7d": "records.measures",
    "versions": "consent-versions/", "terms": "records.terms_accepted",
}


def missing_items(record: Record) -> list[tuple[str, str]]:
    """(item, where to fill it) of every required item the record leaves empty."""
    found = record_items(record)
    return [(item, ITEM_KEYS.get(item, "the texts in content/")) for item in REQUIRED_ITEMS.get(record.slug, ())
            if not found.get(item, "").strip()]
