"""Meta's limits for what a guided request sends, each with its source (all checked 2026-12-07; the research
note with every quote is /work/notes/requests-research.md, summarised in docs/bot.md).

Interactive messages (Cloud API):
- Reply buttons: at most 3; title at most 20 characters, unique within the message; id at most 256; body at most
  1024; footer at most 60 (Meta's "Interactive reply buttons messages" page and its parameter table, updated
  2026-05-21; pywa 4.4.0 pywa/types/callback.py class Button agrees).
- Lists: one button, its text at most 20; at most 10 sections with at most 10 rows in all; row title at most 24,
  description at most 72, id at most 200; section title at most 24; body at most 4096; header text at most 60,
  footer at most 60 (Meta's "Interactive list messages" page; its parameter table in a copy dated 2025-11-03;
  section title 24 per pywa and whatsapp-api-js, Gupshup says 20: we send one section without a title).
- A text message body: at most 4096 characters (Meta's "Text messages" reference).
Media (Cloud API, "Supported media types"): images JPEG or PNG, at most 5 MB; documents (PDF, Office, text) at
most 100 MB. Webhook media ids expire after 7 days; a media URL after 5 minutes.
WhatsApp Flows, Flow JSON 7.3 (released 2025-09-10, "Recommended" in Meta's changelog): see flow_schema.py.
JSON Schema counts characters as code points; Meta does not say how it counts (not found), so the titles we write
leave room and emoji in titles are warned about.
"""

from __future__ import annotations

BUTTONS_MAX = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
BUTTON_BODY = 1024
FOOTER = 60
LIST_ROWS_MAX = 10
LIST_BUTTON = 20
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID = 200
LIST_BODY = 4096
TEXT_BODY = 4096
IMAGE_MB = 5  # JPEG and PNG
IMAGE_TYPES = ("image/jpeg", "image/png")
DOCUMENT_MB = 100
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")  # what a document step takes (our choice)
MEDIA_URL_MINUTES = 5
# Flows (flow_schema.py has the component limits)
FLOW_CTA = 20  # the button that opens a Flow: at most 20 characters, no emoji (whatsapp-api-js ActionFlow, pywa)
FLOW_MEDIA_FILES = 10  # files in a Flow's response message, all pickers together ("Media upload components")
FLOW_MEDIA_MIB = 100  # their size together
FLOW_FILE_KB = 25_600  # one file's max-file-size-kb
FLOW_TEXT_LABEL = 20  # TextInput and TextArea label
FLOW_CHOICE_LABEL = 30  # RadioButtonsGroup label, and each option's title
FLOW_DATE_LABEL = 40
FLOW_PICKER_LABEL = 80
FLOW_HELPER = 80  # helper-text of TextInput, TextArea, DatePicker
FLOW_FOOTER = 35
FLOW_HEADING = 80  # TextHeading, TextSubheading; a screen title is kept as short
FLOW_BODY = 4096  # TextBody
