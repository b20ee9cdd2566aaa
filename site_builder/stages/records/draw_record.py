"""Drawing one record (document.RecordJob): print-friendly HTML and an A4 PDF.

    render(job) -> {"records/<lang>/<slug>.html": bytes, ".pdf": bytes}
"""

from __future__ import annotations

from .document import RecordJob
from .render_html import render_html
from .render_pdf import render_pdf


def render(job: RecordJob) -> dict[str, bytes]:
    files = {job.path + ".html": render_html(job.record)}
    if job.path + ".pdf" in job.files:
        files[job.path + ".pdf"] = render_pdf(job.record)
    return files
