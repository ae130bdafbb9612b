"""Queries on a remote SPARQL 1.1 endpoint (SPARQL 1.1 Protocol, through SPARQLWrapper).

Canned-query parameters are bound by a ``VALUES`` block of terms serialised by pyoxigraph (never
user text), so a remote endpoint runs the very text a local run does. Failures — HTTP errors,
timeouts, unreachable hosts, answers that are not SPARQL results or RDF — raise
:class:`~dprk_ld.errors.EndpointError`. """

from __future__ import annotations

import urllib.error
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ..errors import EndpointError
from ..formats import by_media_type
from .catalog import CannedQuery, query_kind
from .params import find_query, prepare, row_limit
from .results import Results, Term, collect
from .text import strip_comments, with_prologue, with_values


def run_remote(endpoint_url: str, text: str, timeout: float = 30,
               bindings: Mapping[str, Term] | None = None) -> Results:
    """Run a query on a SPARQL 1.1 endpoint (POST, SPARQLWrapper); failures raise :class:`EndpointError`."""
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    text = with_prologue(with_values(strip_comments(text), bindings or {}))
    kind = query_kind(text)
    client = SPARQLWrapper(endpoint_url)
    client.setQuery(text)
    client.queryType = kind.upper()  # SPARQLWrapper's own guess mistakes words like "address" for ADD
    client.setMethod(POST)
    client.setOnlyConneg(True)
    client.setTimeout(int(timeout) if timeout >= 1 else 1)
    client.setReturnFormat(JSON if kind in ("select", "ask") else TURTLE)
    try:
        response = client.query().response
        body = response.read()
        media = response.headers.get("Content-Type", "") or ""
    except SPARQLWrapperException as exc:
        detail = str(exc).split("Response:")[-1].strip()
        if detail.startswith(("b'", 'b"')):
            detail = detail[2:-1]
        detail = " ".join(detail.replace("\\n", " ").split())[:300]
        what = {"QueryBadFormed": "rejected the query", "EndPointNotFound": "is not found (HTTP 404)",
                "Unauthorized": "refused access (HTTP 401/403)", "URITooLong": "found the request too long",
                "EndPointInternalError": "failed (HTTP 500)"}.get(type(exc).__name__, "failed")
        raise EndpointError(f"the endpoint {what}: {detail}", endpoint_url,
                            "check the query and the endpoint URL") from exc
    except urllib.error.HTTPError as exc:
        raise EndpointError(f"the endpoint answered HTTP {exc.code} {exc.reason}", endpoint_url) from exc
    except TimeoutError as exc:
        raise EndpointError(f"no answer within {timeout:g} s", endpoint_url,
                            "the endpoint is slow or unreachable; raise --timeout or try later") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise EndpointError(f"no answer within {timeout:g} s", endpoint_url) from exc
        raise EndpointError(f"cannot reach the endpoint: {reason}", endpoint_url,
                            "check the URL (e.g. http://localhost:7878/query) and that it is up") from exc
    fmt = by_media_type(media)
    try:
        if kind in ("select", "ask"):
            if fmt is None or fmt.results_format is None or fmt.name == "csv":
                raise EndpointError(f"the endpoint answered {media or 'no content type'}, not SPARQL results",
                                    endpoint_url, "is it a SPARQL endpoint? (often …/sparql or …/query)")
            return collect(ox.parse_query_results(body, format=fmt.results_format))
        if fmt is None or fmt.rdf_format is None:
            raise EndpointError(f"the endpoint answered {media or 'no content type'}, not RDF", endpoint_url,
                                "is this URL a SPARQL endpoint?")
        return Results("graph", triples=[ox.Triple(q.subject, q.predicate, q.object)
                                         for q in ox.parse(body, format=fmt.rdf_format)])
    except SyntaxError as exc:
        raise EndpointError(f"the endpoint's answer is not valid {fmt.name if fmt else 'data'}: {exc}",
                            endpoint_url) from exc


def run_canned_remote(endpoint_url: str, catalog: Mapping[str, CannedQuery], name: str,
                      params: Mapping[str, Any] | None = None, timeout: float = 30) -> Results:
    """Run a canned query on a remote endpoint, its parameters bound by a VALUES block."""
    query = find_query(catalog, name)
    results = run_remote(endpoint_url, prepare(query, params), timeout)
    results.limit = row_limit(query, params or {})
    return results
