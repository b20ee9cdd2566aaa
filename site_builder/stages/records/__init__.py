"""The records stage: the internal GDPR records in output/records/ (never published), the WhatsApp Business
app sheet, and the check that the privacy notice fills every item of GDPR Art. 13.

    plan(site) -> StagePlan    the Art. 13 problems, then one unit per record (HTML and PDF)

Each record is a plain data structure (document.py) built from the SiteModel and the records' wording
(wording/records/<lang>/, record_wording.py), one module per record; draw_record.py draws it twice, as
print-friendly HTML (render_html.py) and as an A4 PDF (render_pdf.py).
"""

from __future__ import annotations

from ...problems import errors
from ...site import SiteModel
from ...units import StagePlan
from .art13 import completeness_problems
from .record_units import records_units


def plan(site: SiteModel) -> StagePlan:
    """Every Art. 13 item filled in every language; then the records, each a unit (none with an error)."""
    problems = completeness_problems(site)
    if errors(problems):
        return StagePlan((), tuple(problems))
    units, found = records_units(site)
    return StagePlan(tuple(units), tuple(problems + found))
