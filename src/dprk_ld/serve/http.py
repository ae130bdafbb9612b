"""HTTP as caches and linked-data clients expect it: validators, 304s, Vary, compression.

Implements, as ASGI middleware around the routes, RFC 9110 §8.8 (strong ``ETag`` = a hash of the
bytes sent, so each content coding has its own; ``Last-Modified`` = the newest source file of the
dataset), §13 conditional GET/HEAD (``If-None-Match`` first, else ``If-Modified-Since`` → 304),
§12.5.5 ``Vary: Accept`` on every response whose body depends on Accept (errors included) and
compression (zstd, br, gzip) with the maintained ``starlette-compress`` middleware, taught the RDF
and SPARQL result media types.
"""

from __future__ import annotations

import hashlib
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_compress import CompressMiddleware, add_compress_type

#: media types worth compressing besides starlette-compress's defaults (text, JSON, XML, JSON-LD)
COMPRESSED = ("text/turtle", "application/n-triples", "application/n-quads", "application/trig",
              "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
              "text/tab-separated-values", "application/sparql-query")
#: paths whose body never depends on Accept
FIXED = ("/style.css", "/relations.svg", "/context.jsonld")
for _media in COMPRESSED:
    add_compress_type(_media)


def http_date(timestamp: float) -> str:
    import datetime as dt

    return format_datetime(dt.datetime.fromtimestamp(int(timestamp), dt.timezone.utc), usegmt=True)


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [t.strip() for t in if_none_match.split(",")]
    weak = etag[2:] if etag.startswith("W/") else etag
    return "*" in tags or any((t[2:] if t.startswith("W/") else t) == weak for t in tags)


def _not_modified(since: str, last_modified: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


class Conditional:
    """Strong ETags and Last-Modified on every successful GET/HEAD, 304 on a matching conditional
    request, and ``Vary: Accept`` where the body may depend on Accept. Sits outside compression, so
    the ETag is of the bytes as sent."""

    def __init__(self, app: ASGIApp, last_modified: float) -> None:
        self.app = app
        self.last_modified = http_date(last_modified)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        conditional = scope["method"] in ("GET", "HEAD")
        vary = scope["path"] not in FIXED
        start: Message | None = None
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                if not conditional or message["status"] != 200:
                    self._vary(message, vary)
                    await send(message)
                return
            if start is None or not conditional or start["status"] != 200:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(start, b"".join(chunks), request_headers, send, vary)

        await self.app(scope, receive, wrapped)

    @staticmethod
    def _vary(message: Message, vary: bool, headers: MutableHeaders | None = None) -> None:
        if not vary:
            return
        headers = headers if headers is not None else MutableHeaders(scope=message)
        present = [v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()]
        if "accept" not in present and "*" not in present:
            headers["Vary"] = ", ".join(([headers["vary"]] if present else []) + ["Accept"])

    async def _finish(self, start: Message, body: bytes, request: Headers, send: Send, vary: bool) -> None:
        headers = MutableHeaders(scope=start)
        self._vary(start, vary, headers)
        etag = headers.get("etag") or '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers["ETag"] = etag
        headers.setdefault("Last-Modified", self.last_modified)
        if_none_match = request.get("if-none-match")
        since = request.get("if-modified-since")
        fresh = _matches(if_none_match, etag) if if_none_match is not None else (
            since is not None and _not_modified(since, headers["last-modified"]))
        if fresh:
            keep = {k: v for k, v in headers.items()
                    if k in ("etag", "last-modified", "vary", "cache-control", "content-location", "link",
                             "access-control-allow-origin", "access-control-expose-headers")}
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in keep.items()]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})


def middleware(last_modified: float) -> list[Middleware]:
    """Validators and 304s outermost, then compression (so ETags differ per content coding)."""
    options: dict[str, Any] = {"minimum_size": 500, "gzip_level": 6}
    return [Middleware(Conditional, last_modified=last_modified), Middleware(CompressMiddleware, **options)]
