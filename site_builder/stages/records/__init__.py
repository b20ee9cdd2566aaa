"""Internal GDPR records for output/records/ (never published), and the WhatsApp Business app sheet.

Each record is a plain data structure (model.py) built from the settings, the site's own texts
(inputs.py) and the wording files under themes/default/records/ and app/ (words.py), one module per
record; it is rendered twice, to print-friendly HTML (render_html.py) and to an A4 PDF (render_pdf.py).

The build's interface is records.stage:

    rinput = records_input(settings, languages)        # frozen copy of what the records read
    units, problems = records_units(settings, rinput)  # one units.Unit per record; no ReportLab yet
    problems = records_problems(settings, rinput)      # for `check`: nothing drawn

This file imports nothing, so that importing one part (the data structure, the HTML parser, the PDF
line breaker) never loads the others.
"""
