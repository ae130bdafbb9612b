"""SPARQL 1.1 Protocol (W3C Recommendation, 2013) request parsing, kept pure.

Implements §2.1 (query operation: GET, POST with ``application/x-www-form-urlencoded``, POST with
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri``) as a function from
(method, content type, query string, body) to a :class:`ParsedRequest` or a :class:`DprkError`
carrying its HTTP status. It also decides what a read-only endpoint refuses before anything runs:
SPARQL Update (§2.2 operations, refused with 403), ``SERVICE`` (federation would make the server
request other hosts), ``LOAD``, and ``FROM``/``FROM NAMED`` of an IRI that is not one of the
dataset's graphs. Those checks work on tokens of the query text (SPARQL 1.1 Query §19.8 terminals)
so that keywords inside strings, IRIs, comments, variables and prefixed names do not count; the
text is scanned both as written and with ``\\uXXXX`` escapes expanded (§19.2), and refused if
either reading shows a forbidden keyword.

No I/O happens here; :mod:`dprk_ld.serve` calls these functions.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin

from ..errors import Refused, RequestError

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                             "WITH"})
QUERY_KEYWORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
READ_ONLY_HINT = "this endpoint is read-only; load the dataset into your own store with `dprk-ld load`"


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


# --- tokens of the query text (SPARQL 1.1 Query §19.8), enough to find keywords reliably ---------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
    |(?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w:%\\.-]|\\.)*)
    |(?P<word>[^\W\d]\w*)
    |(?P<num>\d+)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(text: str) -> list[Token]:
    """The significant tokens of a SPARQL text (whitespace and comments dropped)."""
    out: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        out.append(Token(kind, match.group()))
    return out


def _unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _ESCAPE.sub(repl, text)


def _resolve(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(base, iri) if base and not re.match(r"^[A-Za-z][\w+.-]*:", iri) else iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        ns = prefixes.get(prefix)
        return None if ns is None else ns + re.sub(r"\\(.)", r"\1", local)
    return None


@dataclass(frozen=True)
class QueryCheck:
    """What :func:`check_query` learnt: the query form and whether the query names its own dataset."""

    form: str  # select, ask, construct, describe, or "" (not found: let the parser report it)
    has_dataset: bool  # FROM or FROM NAMED present
    #: the outer query's ``LIMIT n`` (outside every group, so not a subquery's), None when it has none
    limit: int | None = None


def _check(toks: list[Token], allowed_graphs: Collection[str] | None, base: str | None,
           prefixes: dict[str, str]) -> QueryCheck:
    form = ""
    has_dataset = False
    limit: int | None = None
    depth = 0
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "other" and tok.text in "{}":
            depth += 1 if tok.text == "{" else -1
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "LIMIT" and depth == 0 and i + 1 < len(toks) and toks[i + 1].kind == "num":
            limit = int(toks[i + 1].text)
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname":
            iri = _resolve(toks[i + 2], prefixes, base)
            prefixes[toks[i + 1].text.partition(":")[0]] = iri or ""
            i += 3
            continue
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = _resolve(toks[i + 1], prefixes, base)
            i += 2
            continue
        if word and not form:
            form = word
            if word in UPDATE_KEYWORDS:
                raise Refused(f"SPARQL Update ({word}) is not accepted", hint=READ_ONLY_HINT)
        if word == "SERVICE":
            raise Refused("SERVICE (federated query) is refused: this server makes no requests of its own",
                          hint="run federated queries from your own SPARQL client or store")
        if word == "LOAD":
            raise Refused("LOAD is refused: this server fetches nothing", hint=READ_ONLY_HINT)
        if word == "FROM":
            has_dataset = True
        if word == "FROM" and allowed_graphs is not None:
            j = i + 1
            if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "NAMED":
                j += 1
            iri = _resolve(toks[j], prefixes, base) if j < len(toks) else None
            if iri is not None and iri not in allowed_graphs:
                raise Refused(f"FROM <{iri}> is not a graph of this dataset; the server fetches nothing",
                              hint="list the dataset's graphs with SELECT DISTINCT ?g { GRAPH ?g {} }")
        i += 1
    return QueryCheck(form.lower() if form in QUERY_KEYWORDS else "", has_dataset, limit)


def check_query(text: str, allowed_graphs: Collection[str] | None = None, base_iri: str | None = None,
                prefixes: Mapping[str, str] | None = None) -> QueryCheck:
    """Refuse what a read-only, self-contained endpoint must not run; return the query form keyword.

    Raises :class:`Refused` (403) for updates, SERVICE, LOAD and FROM of an IRI outside
    ``allowed_graphs`` (None: no FROM check); ``prefixes`` are those known without a PREFIX line.
    An unknown query form gives ``form == ""``: the SPARQL parser then reports the syntax error.
    ``limit`` is the outer query's LIMIT as written; a bound on the number of solutions only once the
    parser has accepted the query.
    """
    result = _check(tokens(text), allowed_graphs, base_iri, dict(prefixes or {}))
    unescaped = _unescape(text)
    if unescaped != text:
        _check(tokens(unescaped), allowed_graphs, base_iri, dict(prefixes or {}))
        result = QueryCheck(result.form, result.has_dataset, None)  # escapes may hide braces: no bound
    return result
