"""The consent bot: answers, records and honours consent live through the WhatsApp Cloud API (optional service).

Its dependencies (the `bot` extra: starlette, uvicorn, sqlalchemy, psycopg, httpx) are imported only inside this
package, so the rest of the tool runs without them."""
