"""Shared by the register's tests: the chat exports under tests/data/exports, the versions they name, the rows
the exports give, and the recognizer of the shipped templates (one per session: it only reads)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from site_builder.register import DEFAULT_TEMPLATES, KnownVersion, build_recognizer

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
BUSINESS = "Bäckerei Müller"
KNOWN = [
    KnownVersion("a1b2c3d4", "de", "2026-03-01"),
    KnownVersion("0badc0de", "en", "2026-02-15"),
    KnownVersion("3f2a9c1b", "de", "2026-10-01"),
    KnownVersion("7c4e2d10", "en", "2026-10-01"),
]
CURRENT = {"de": "v3f2a9c1b", "en": "v7c4e2d10"}  # today's ids; the exports hold them as sent before ids got their "v"


@pytest.fixture(scope="session")
def rec():
    return build_recognizer(DEFAULT_TEMPLATES, BUSINESS, KNOWN, CURRENT)


# (sender, date, time with seconds, event, consent_id, source, purposes, version_status, lang, line)
DE_ROWS = [
    ("Anna Schmidt", "2026-11-28", "14:05:09", "consent", "v3f2a9c1b", "", "service", "current", "de", 2),
    ("Jürgen Weiß", "2026-11-29", "09:15:00", "consent", "v3f2a9c1b", "", "service;marketing", "current", "de", 4),
    ("Jürgen Weiß", "2026-11-29", "09:15:00", "marketing_opt_in", "v3f2a9c1b", "", "marketing", "current", "de", 4),
    ("+49 151 23456789", "2026-11-29", "09:20:41", "consent", "v3f2a9c1b", "r", "service;marketing", "current", "de", 5),
    ("+49 151 23456789", "2026-11-29", "09:20:41", "marketing_opt_in", "v3f2a9c1b", "r", "marketing", "current", "de", 5),
    ("Zoë Schäfer", "2026-11-30", "10:00:05", "consent", "va1b2c3d4", "", "service", "outdated (2026-03-01)", "de", 9),
    ("Zoë Schäfer", "2026-11-30", "10:01:00", "consent", "vdeadbeef", "", "service", "unknown", "de", 10),
    # the edited draft: greeting without business name, no full stop before the token
    ("Jürgen Weiß", "2026-12-01", "08:02:00", "consent", "v3f2a9c1b", "", "service", "current", "de", 13),
    ("Jürgen Weiß", "2026-12-13", "18:45:00", "marketing_opt_out", "", "", "marketing", "", "de", 14),
    # bare "Stop!": a withdrawal in no particular language
    ("+49 151 23456789", "2026-12-14", "07:30:00", "withdrawal", "", "", "", "", "", 15),
    # business name misspelt by the customer, STOP on its own line
    ("Zoë Schäfer", "2026-12-24", "12:00:00", "withdrawal", "", "", "", "", "de", 16),
]
EN_ROWS = [
    ("Emma Clarke", "2026-11-28", "14:05:09", "consent", "v7c4e2d10", "", "service", "current", "en", 2),
    ("Oliver Brown", "2026-11-29", "09:15:00", "consent", "v7c4e2d10", "", "service;marketing", "current", "en", 4),
    ("Oliver Brown", "2026-11-29", "09:15:00", "marketing_opt_in", "v7c4e2d10", "", "marketing", "current", "en", 4),
    ("+44 7700 900123", "2026-11-29", "21:20:41", "consent", "v7c4e2d10", "r", "service;marketing", "current", "en", 5),
    ("+44 7700 900123", "2026-11-29", "21:20:41", "marketing_opt_in", "v7c4e2d10", "r", "marketing", "current", "en", 5),
    ("Zoë O'Neill", "2026-11-30", "10:00:05", "consent", "v0badc0de", "", "service", "outdated (2026-02-15)", "en", 9),
    ("Zoë O'Neill", "2026-11-30", "10:01:00", "consent", "v12ab34cd", "", "service", "unknown", "en", 10),
    ("Oliver Brown", "2026-12-01", "12:02:00", "consent", "v7c4e2d10", "", "service", "current", "en", 13),
    ("Oliver Brown", "2026-12-13", "18:45:00", "marketing_opt_out", "", "", "marketing", "", "en", 14),
    ("+44 7700 900123", "2026-12-14", "07:30:00", "withdrawal", "", "", "", "", "", 15),
    ("Zoë O'Neill", "2026-12-24", "12:00:00", "withdrawal", "", "", "", "", "en", 16),
]


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


