"""The stages: siblings, each a function of the SiteModel (site_builder.site) that returns its units of
output and its problems (`plan(site) -> StagePlan`). A stage imports no other stage; what two stages draw
alike lives in site_builder.graphics.

    pages/          output/site/: the pages, contact cards, the logo (rendered at once: `serve` shows them)
    printing/       output/print/: QR codes, posters, invoice blocks, the print shop's notes
    records/        output/records/: the GDPR records and the Art. 13 check of the privacy notice
    link_previews/  output/site/: link-preview cards, icons, robots.txt
    hosting.py      output/site/ and output/hosting/: security headers for every kind of host
    phone_preview/  output/preview/ (build --preview): the pages on three phones

The pipeline (site_builder.pipeline) lists them in order; a new kind of output is a new stage here.
"""
