"""What a business's legal form means for its texts: who the controller is and which retention law binds it.

    legal_kind("Einzelunternehmen") -> LegalKind(sole_trader=True, merchant=False, female=False)

A sole trader (Einzelunternehmen, freelancer, registered merchant e.K.) is a natural person: the imprint and the
privacy notice name that person as the controller, "Max Muster, Inhaber ...", never "vertreten durch"
(REFERENCE.md, § 5 DDG). A merchant (Kaufmann: e.K., and the commercial companies GmbH, UG, AG, OHG, KG ...) keeps
business letters and booking vouchers under § 257 HGB as well as § 147 AO; everybody else under § 147 AO only
(REFERENCE.md, retention; legal research notes § 4.2: GmbH by § 6 HGB with § 13 Abs. 3 GmbHG, OHG/KG as
commercial partnerships, the e.K. as registered merchant; checked 2026-12-07).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# spellings compared after folding: lower case, no dots, spaces or hyphens
_SOLE = {"einzelunternehmen", "einzelunternehmer", "einzelunternehmerin", "freiberufler", "freiberuflerin",
         "kleingewerbe", "kleingewerbetreibender", "kleingewerbetreibende", "einzelkaufmann", "einzelkauffrau",
         "soletrader", "soleproprietorship", "soleproprietor", "freelancer", "selfemployed"}
_REGISTERED = {"ek", "ekfm", "ekfr", "ekff", "eingetragenerkaufmann", "eingetragenekauffrau", "registeredmerchant"}
_COMPANIES = {"gmbh", "ug", "ughaftungsbeschränkt", "ughaftungsbeschraenkt", "ag", "ohg", "kg", "gmbhcokg",
              "gmbh&cokg", "ugcokg", "ug&cokg", "kgaa", "se", "eg", "gmbhcoohg", "gmbh&coohg", "ltd", "limited"}
_FEMALE = {"einzelunternehmerin", "freiberuflerin", "kleingewerbetreibende", "einzelkauffrau", "ekfr",
           "eingetragenekauffrau"}


@dataclass(frozen=True)
class LegalKind:
    """sole_trader: a natural person is the controller; merchant: § 257 HGB applies (Kaufmann);
    female: the legal form names a woman (Einzelunternehmerin, e.Kfr.), so German says "Inhaberin"."""

    sole_trader: bool
    merchant: bool
    female: bool


def _fold(text: str) -> str:
    return re.sub(r"[\s.\-()]", "", str(text or "").casefold()).replace("+", "&").replace("und", "&")


def legal_kind(legal_form: str | None) -> LegalKind:
    """The kind of a legal form as the owner typed it (unknown forms: neither sole trader nor merchant)."""
    folded = _fold(legal_form or "")
    registered = folded in _REGISTERED
    merchant = registered or folded in _COMPANIES or folded.endswith(("gmbh", "kg", "ohg", "kgaa"))
    return LegalKind(sole_trader=folded in _SOLE or registered, merchant=merchant, female=folded in _FEMALE)
