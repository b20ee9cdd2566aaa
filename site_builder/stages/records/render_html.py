"""A record as a standalone, print-friendly HTML page: A4 print stylesheet inline, nothing loaded from anywhere."""

from __future__ import annotations

import html
from typing import Iterable

from ...csp import csp_hash
from .document import Block, Bullets, Checklist, Facts, Heading, Para, Quote, Record, Run, Table

CSS = """\
@page { size: A4; margin: 18mm 16mm 20mm; }
:root { color-scheme: light; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
  color: #111; background: #fff; max-width: 178mm; margin: 0 auto; padding: 8mm 4mm; }
.internal { font-size: 8.5pt; color: #555; border: 1px solid #999; padding: 1.5mm 3mm; margin: 0 0 4mm; }
h1 { font-size: 17pt; line-height: 1.2; margin: 0 0 3mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; break-after: avoid; page-break-after: avoid; }
section.new-page { break-before: page; page-break-before: always; }
h2 .ref { display: block; font-size: 8.5pt; font-weight: normal; color: #555; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; }
th, td { border: 0.5pt solid #888; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
thead th { background: #eee; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.facts th { width: 32%; font-weight: 600; background: #f6f6f6; }
.small { font-size: 8.5pt; color: #333; }
pre.quote { font: inherit; white-space: pre-wrap; border: 0.5pt solid #888; background: #f6f6f6;
  padding: 2mm 3mm; margin: 1mm 0; }
ul.checklist { list-style: none; padding-left: 0; }
ul.checklist li { margin: 1.5mm 0; padding-left: 7mm; text-indent: -7mm; }
.box { display: inline-block; width: 3.5mm; height: 3.5mm; border: 0.8pt solid #000; margin-right: 3mm;
  vertical-align: -0.5mm; }
table.fill th { width: 35%; border: 0; font-weight: normal; vertical-align: bottom; }
table.fill td { border: 0; border-bottom: 0.8pt solid #000; height: 9mm; }
a { color: inherit; }
footer { margin-top: 8mm; font-size: 8pt; color: #555; border-top: 0.5pt solid #999; padding-top: 2mm; }
@media print { body { max-width: none; padding: 0; } a { text-decoration: none; } }
"""


def _runs_html(runs: Iterable[Run]) -> str:
    out = []
    for run in runs:
        if run.text == "\n":
            out.append("<br>")
            continue
        text = html.escape(run.text).replace("\n", "<br>")
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.href:
            text = f'<a href="{html.escape(run.href, quote=True)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _block_html(block: Block) -> str:
    if isinstance(block, Para):
        return f'<p class="small">{_runs_html(block.runs)}</p>' if block.small else f"<p>{_runs_html(block.runs)}</p>"
    if isinstance(block, Heading):
        return f"<h3>{html.escape(block.text)}</h3>"
    if isinstance(block, Bullets):
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{_runs_html(i)}</li>" for i in block.items) + f"</{tag}>"
    if isinstance(block, Facts):
        rows = "".join(f'<tr><th scope="row">{html.escape(k)}</th><td>{_runs_html(v)}</td></tr>' for k, v in block.rows)
        return f'<table class="facts">{rows}</table>'
    if isinstance(block, Table):
        head = ""
        if any(block.head):
            head = "<thead><tr>" + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in block.head) + \
                   "</tr></thead>"
        ids = list(block.row_ids) + [""] * (len(block.rows) - len(block.row_ids))
        body = "".join((f'<tr id="{html.escape(rid)}">' if rid else "<tr>") +
                       "".join(f"<td>{_runs_html(cell)}</td>" for cell in row) + "</tr>"
                       for rid, row in zip(ids, block.rows))
        return f"<table>{head}<tbody>{body}</tbody></table>"
    if isinstance(block, Quote):
        return f'<pre class="quote">{html.escape(block.text)}</pre>'
    if isinstance(block, Checklist):
        return '<ul class="checklist">' + "".join(
            f'<li><span class="box" aria-hidden="true"></span>{_runs_html(i)}</li>' for i in block.items) + "</ul>"
    rows = "".join(f"<tr><th>{html.escape(label)}</th><td></td></tr>" for label in block.labels)
    return f'<table class="fill">{rows}</table>'


def render_html(record: Record) -> bytes:
    """A standalone, print-friendly HTML page: inline CSS, nothing loaded from anywhere."""
    facts = _block_html(Facts(record.facts))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(record.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src {csp_hash(CSS)}">',
        f"<title>{html.escape(record.title)} – {html.escape(record.business)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        f'<body data-record="{html.escape(record.slug)}">',
        f'<header><p class="internal">{html.escape(record.internal)}</p>',
        f"<h1>{html.escape(record.title)}</h1>{facts}</header>",
        "<main>",
        *(_block_html(b) for b in record.intro),
    ]
    for section in record.sections:
        ref = f'<span class="ref">{html.escape(section.ref)}</span>' if section.ref else ""
        new_page = ' class="new-page"' if section.new_page else ""
        parts.append(f'<section id="{html.escape(section.id)}"{new_page} aria-labelledby="h-{html.escape(section.id)}">'
                     f'<h2 id="h-{html.escape(section.id)}">{ref}{html.escape(section.heading)}</h2>')
        parts.extend(_block_html(b) for b in section.blocks)
        parts.append("</section>")
    parts.append("</main>")
    if record.footer:
        parts.append(f"<footer>{html.escape(record.footer)}</footer>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts).encode("utf-8")

