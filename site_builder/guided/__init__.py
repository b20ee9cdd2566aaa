"""Guided requests: what a customer asks for in a few taps (a quote, an appointment, a pre-order), defined as
content and checked like every text, run by the consent bot step by step or as a WhatsApp Flow.

definition.py       the request file (wording/requests/<name>.toml) as a RequestDef: its steps and answer types
request_checks.py   its shape, languages and Meta's limits, each problem with file and line
meta_limits.py      Meta's limits for interactive messages, media and Flows, with their sources
flow_json.py        the same request as a static WhatsApp Flow (Flow JSON 7.3)
flow_schema.py      validating a Flow JSON: our JSON Schema for 7.3 (flow_json_7_3.schema.json) and the rules
request_files.py    load_requests: a site's requests ([bot.requests]) with its wording, read with the site
answers.py          reading an answer the customer typed (number, postcode, date, text) exactly or not at all
It imports nothing of the stages or the bot: the SiteModel carries the requests to both.
"""

from __future__ import annotations

from .definition import RequestDef, Step
from .request_files import RequestSet, load_requests

__all__ = ["RequestDef", "RequestSet", "Step", "load_requests"]
