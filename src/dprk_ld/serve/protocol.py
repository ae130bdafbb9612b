"""SPARQL 1.1 Protocol (W3C Recommendation, 2013) request parsing, kept pure.

Implements §2.1 (query operation: GET, POST with ``application/x-www-form-urlencoded``, POST with
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri``) as a function from
(method, content type, query string, body) to a :class:`ParsedRequest` or a :class:`DprkError`
carrying its HTTP status. It also decides what a read-only endpoint refuses before anything runs:
SPARQL Update (§2.2 operations, refused with 403), ``SERVICE`` (federation would make the server
request other hosts), ``LOAD``, and ``FROM``/``FROM NAMED`` of an IRI that is not one of the
dataset's graphs. The query text itself is checked by :func:`dprk_ld.query.guard.check_query`
(re-exported here), which the command line uses too.

No I/O happens here; :mod:`dprk_ld.serve` calls these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from ..errors import Refused, RequestError
from ..query.guard import READ_ONLY_HINT, QueryCheck, check_query

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")


@dataclass(frozen=True)
class ParsedRequest:
    """A protocol query request: the query text (None: no query, show the service description),
    the protocol dataset, and the non-standard ``format`` override (``?format=json``)."""

    query: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    format: str | None = None


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header value, lower-cased."""
    if not content_type:
        return "", None
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def _pairs(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                         errors="strict")
    except UnicodeDecodeError as exc:
        raise RequestError(f"the {where} is not UTF-8 after percent-decoding", 400) from exc


def _decode(body: bytes, charset: str | None, what: str) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise RequestError(f"{what} must be UTF-8, not charset={charset}", 415,
                           hint="SPARQL 1.1 Protocol §2.1.3: the body is UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(f"{what} is not valid UTF-8 (byte {exc.start})", 400) from exc


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise RequestError(f"more than one '{name}' parameter", 400,
                           hint="send exactly one query per request (SPARQL 1.1 Protocol §2.1)")
    return values[0] if values else None


def parse_request(method: str, content_type: str | None, query_string: str, body: bytes = b"", *,
                  max_body: int | None = None) -> ParsedRequest:
    """Parse one request to the query endpoint; raises RequestError (4xx) or Refused (403, updates)."""
    method = method.upper()
    if method not in ("GET", "HEAD", "POST"):
        raise RequestError(f"method {method} is not allowed on the SPARQL endpoint", 405,
                           hint="use GET or POST (SPARQL 1.1 Protocol §2.1)")
    if max_body is not None and len(body) > max_body:
        raise RequestError(f"request body of {len(body)} bytes exceeds the limit of {max_body}", 413)
    url_params = _pairs(query_string, "query string")
    params = list(url_params)
    if method == "POST":
        media, charset = _media_type(content_type)
        if media == SPARQL_UPDATE:
            raise Refused("SPARQL Update is not accepted", hint=READ_ONLY_HINT)
        if media == FORM:
            params += _pairs(_decode(body, charset, "the form body"), "form body")
        elif media == SPARQL_QUERY:
            if any(k == "query" for k, _ in url_params):
                raise RequestError("a direct POST carries the query in its body, not also as ?query=", 400)
            params.append(("query", _decode(body, charset, "the query")))
        elif not media:
            raise RequestError("POST without a Content-Type", 415,
                               hint=f"send the query as {SPARQL_QUERY} or as a {FORM} form")
        else:
            raise RequestError(f"unsupported media type {media}", 415,
                               hint=f"send the query as {SPARQL_QUERY} or as a {FORM} form")
    names = {k for k, _ in params}
    if names & set(UPDATE_PARAMS):
        raise Refused("SPARQL Update is not accepted", hint=READ_ONLY_HINT)
    query = _one([v for k, v in params if k == "query"], "query")
    if query is not None and not query.strip():
        raise RequestError("empty query", 400)
    return ParsedRequest(
        query,
        tuple(v for k, v in params if k == "default-graph-uri"),
        tuple(v for k, v in params if k == "named-graph-uri"),
        next((v for k, v in params if k in ("format", "output") and v), None),
    )


__all__ = ["ParsedRequest", "QueryCheck", "check_query", "parse_request"]
