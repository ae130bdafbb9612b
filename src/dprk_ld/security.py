"""Page safety shared by the live service and the static site: links and security policies.

Implements the parts of W3C Content Security Policy Level 3 (hash sources for inline ``<style>``
and ``<script>``; ``frame-ancestors``), Fetch's ``X-Content-Type-Options: nosniff``, RFC 7034
``X-Frame-Options`` and W3C Referrer Policy that an HTML page of ours needs, and the rule that only
``http``/``https`` IRIs become links: an IRI in the data such as ``javascript:alert(1)`` or
``data:text/html,…`` is shown as text, never as an ``href``. Imports nothing of dprk_ld.
"""

from __future__ import annotations

import base64
import hashlib
import re

LINKABLE = ("http://", "https://")
#: a <script src> naming a file of the site itself (a relative or root path: no scheme, not protocol-relative)
_OWN_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["'](?![A-Za-z][A-Za-z0-9+.-]*:|//)[^"']+["']""", re.IGNORECASE)
_INLINE = re.compile(r"<(style|script)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)

#: headers for every response (HTML or not)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def is_linkable(iri: str) -> bool:
    """Whether an IRI may be the target of a link (http or https, any case)."""
    return iri[:8].lower().startswith(LINKABLE)


def _sources(html: str) -> tuple[list[str], list[str]]:
    styles: list[str] = []
    scripts: list[str] = []
    for match in _INLINE.finditer(html):
        kind, attrs, body = match.group(1).lower(), match.group(2), match.group(3)
        if kind == "script" and re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        (styles if kind == "style" else scripts).append(f"'sha256-{digest}'")
    return sorted(set(styles)), sorted(set(scripts))


def content_security_policy(html: str = "", *, meta: bool = False) -> str:
    """A strict policy for one page: nothing loads but its own stylesheet(s), script files and images, inline
    ``<style>``/``<script>`` only by hash, forms to this origin, no framing (``frame-ancestors`` is
    left out when ``meta``: browsers ignore it in a ``<meta>`` policy)."""
    styles, scripts = _sources(html)
    if _OWN_SCRIPT.search(html):  # the site's own script files (claim browser, filters, tables)
        scripts = ["'self'", *scripts]
    policy = [
        "default-src 'none'",
        "style-src " + " ".join(["'self'", *styles]),
        "script-src " + (" ".join(scripts) if scripts else "'none'"),
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
    ]
    if not meta:
        policy.append("frame-ancestors 'none'")
    return "; ".join(policy)


__all__ = ["COMMON_HEADERS", "content_security_policy", "is_linkable"]
