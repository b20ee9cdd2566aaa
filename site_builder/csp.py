"""Content-Security-Policy source expressions: the hash that lets one inline style or script run."""

from __future__ import annotations

import base64
import hashlib


def csp_hash(source: str) -> str:
    """The CSP source expression for an inline <style> or <script>."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(css: str, js: str | None) -> str:
    """A page's policy: nothing but its own inline style and script, and same-origin images."""
    script = csp_hash(js) if js else "'none'"
    return (f"default-src 'none'; style-src {csp_hash(css)}; script-src {script}; img-src 'self' data:; "
            "base-uri 'none'; form-action 'self'")
