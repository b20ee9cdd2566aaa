"""Internal GDPR records for output/records/ (never published), and the WhatsApp Business app sheet.

Each record is a plain data structure (model.py) built from the settings, the site's own texts
(inputs.py) and the wording files under themes/default/records/ and app/ (words.py), one module per
record; it is rendered twice, to print-friendly HTML (render_html.py) and to an A4 PDF (render_pdf.py).

The build's interface (stage.py):

    rinput = records_input(settings, languages)      # frozen copy of what the records read
    units, problems = records_units(settings, rinput)  # one units.Unit per record; no ReportLab yet
    problems = records_problems(settings, rinput)    # for `check`: nothing drawn
"""

from __future__ import annotations

from .checks import REQUIRED_ITEMS
from .inputs import LanguageTexts, RecordsInput, records_input
from .overview import ORDER
from .stage import RECORDS_DIR, build_records, records_problems, records_units

__all__ = ["ORDER", "RECORDS_DIR", "REQUIRED_ITEMS", "LanguageTexts", "RecordsInput", "build_records",
           "records_input", "records_problems", "records_units"]
