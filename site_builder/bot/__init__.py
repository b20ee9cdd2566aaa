"""The consent bot: answers, records and honours consent live through the WhatsApp Cloud API (optional service).

Its dependencies (the `bot` extra: starlette, uvicorn, sqlalchemy, psycopg, httpx, prometheus-client) are imported
only inside this package, so the rest of the tool runs without them.

Its pieces, meant to be reused by what comes next (guided requests, hand-offs): `recorder` (a delivery's database
work committed before the webhook answers), `outbox` (anything that must go out later, by channel: leased,
retried, kept across restarts), `sender` (the WhatsApp channel), `notify` (the e-mail channel and owner notices),
`record` (what a delivery changes), `runtime` (the businesses served, by phone_number_id)."""
