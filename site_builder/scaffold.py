"""`site-builder init`: a new site folder from the example, with every business value marked to fill in."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

EXAMPLE = Path(__file__).parent / "example"

# (table, key) -> what the owner must write there. Everything else keeps the example's value.
FILL_IN = {
    ("site", "base_url"): "https address where you upload output/site/",
    ("business", "name"): "name of your business as registered",
    ("business", "short_name"): "short name for the WhatsApp message",
    ("business", "legal_form"): "legal form, e.g. Einzelunternehmen or GmbH",
    ("business", "representative"): "owner or managing director",
    ("business", "street"): "street and number",
    ("business", "postal_code"): "postal code",
    ("business", "city"): "city",
    ("business", "state"): "your Land, e.g. Bayern, or delete this line",
    ("business", "email"): "e-mail address for customers",
    ("business", "phone"): "phone number for customers",
    ("business", "opening_hours"): "when you answer the phone, or delete this line",
    ("business", "vat_id"): "VAT ID, or delete this line",
    ("business", "chamber"): "your chamber (e.g. Handwerkskammer), or delete this line",
    ("business", "trade_register"): "trade register entry, or delete this line",
    ("business", "professional_title"): "professional title and where it was awarded, or delete this line",
    ("whatsapp", "number"): "your WhatsApp Business number",
    ("authority", "name"): "data protection authority of your Land",
    ("authority", "address"): "its postal address",
    ("authority", "url"): "its website (https)",
    ("transfer", "reviewed"): "YYYY-MM-DD, the day you checked the US transfer basis",
    ("records", "terms_accepted"): "YYYY-MM-DD, the day you accepted the WhatsApp Business terms",
    ("records", "withdrawal_handler"): "who carries out withdrawals",
    ("records", "withdrawal_deputy"): "who stands in, or delete this line",
    ("records", "device"): "the phone WhatsApp Business runs on, e.g. a business phone with a work profile",
}
DROP = {("theme", "logo")}
# The example's own extra risks and measures are the carpenter's, not the new business's.
DROP_TABLES = {"records.risks", "records.measures"}
TABLE = re.compile(r"^\s*\[+\s*([A-Za-z0-9_.-]+)\s*\]+")
KEY = re.compile(r"^(\s*)([A-Za-z0-9_-]+)(\s*=\s*)(.*)$")


def scaffold_settings(example: str) -> str:
    """The example settings with each business value replaced by a <<marker>>."""
    table, out = "", []
    for line in example.splitlines():
        if match := TABLE.match(line):
            table = match.group(1)
        if table in DROP_TABLES:
            continue
        if TABLE.match(line):
            pass
        elif (match := KEY.match(line)) and (table, match.group(2)) in FILL_IN:
            indent, key, eq, _ = match.groups()
            line = f'{indent}{key}{eq}"<<{FILL_IN[(table, key)]}>>"'
        elif (match := KEY.match(line)) and (table, match.group(2)) in DROP:
            line = f"# {line.strip()}"
        out.append(line)
    return "\n".join(out) + "\n"


def init_site(target: Path) -> list[Path]:
    """Create site.toml and content/ in `target`; refuse to overwrite anything."""
    settings, content = target / "site.toml", target / "content"
    existing = [p for p in (settings, content) if p.exists()]
    if existing:
        raise FileExistsError(", ".join(str(p) for p in existing))
    target.mkdir(parents=True, exist_ok=True)
    text = scaffold_settings((EXAMPLE / "site.toml").read_text(encoding="utf-8"))
    settings.write_text(text, encoding="utf-8")
    shutil.copytree(EXAMPLE / "content", content)
    return [settings, content]
