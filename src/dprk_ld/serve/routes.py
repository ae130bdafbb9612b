"""The routes of the web service, one small function each; state comes from ``request.app.state.service``.

Implements the SPARQL 1.1 Protocol query operation and Service Description at ``/sparql``, the
Datasette-style canned-query pages at ``/queries/NAME`` (with ``.json``/``.csv`` variants), and the
linked-data side of W3C "Cool URIs for the Semantic Web": ``/id/...`` resources and ``/ontology``
as HTML or RDF by Accept or extension. Every route is a plain ``async def (Request) -> Response``
so it can be mounted and tested alone (``Starlette(routes=[Route("/x", route)])`` with a
:class:`~dprk_ld.serve.service.Service` on ``app.state.service``).
"""

from __future__ import annotations

import asyncio

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import DprkError, QueryError, RequestError
from ..formats import BY_NAME, by_extension
from ..query import Results, find_query
from ..query.catalog import CannedQuery
from ..site.queries import portable
from .execute import Rendered
from .negotiation import PAGE_FORMATS, candidates, choose_format
from .protocol import parse_request
from .responses import graph_response, html, limited
from .service import Service


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service  # starlette's app state is untyped
    return service


BODY_TIMEOUT_S = 30.0


async def read_body(request: Request, max_body: int, timeout_s: float = BODY_TIMEOUT_S) -> bytes:
    """The request body: 413 as soon as it passes ``max_body`` bytes, 408 if it takes over ``timeout_s``."""
    try:  # wait_for, not asyncio.timeout (3.11+): Python 3.10 is supported, where its TimeoutError is asyncio's own
        return await asyncio.wait_for(_read_body(request, max_body), timeout_s)
    except (TimeoutError, asyncio.TimeoutError):
        raise RequestError(f"the request body did not arrive within {timeout_s:g} s", 408) from None


async def _read_body(request: Request, max_body: int) -> bytes:
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_body:
        raise RequestError(f"request body of {length} bytes exceeds the limit of {max_body}", 413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_body:
            raise RequestError(f"request body exceeds the limit of {max_body} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def sparql(request: Request) -> Response:
    """``/sparql``: a query (GET, POST form, POST direct), or the service description without one."""
    service = service_of(request)
    body = await read_body(request, service.limits.max_body) if request.method == "POST" else b""
    parsed = parse_request(request.method, request.headers.get("content-type"), request.url.query, body,
                           max_body=service.limits.max_body)
    endpoint = str(request.url.replace(query="", fragment=""))
    accept = request.headers.get("accept")
    if parsed.query is None:
        fmt = choose_format(accept, PAGE_FORMATS, parsed.format)
        if fmt.name == "html":
            return html(service.site.query_form_page())
        return graph_response(Results("graph", triples=service.site.service_description(endpoint)), fmt)
    service.dataset_of(parsed)
    check = service.check(parsed.query, endpoint)
    wanted = choose_format(accept, candidates(check.form), parsed.format) if check.form else None
    answer = await service.sparql(parsed, endpoint, wanted, check, accept)
    response = Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})
    return limited(response, answer.truncated, service.limits.max_results)


async def queries(request: Request) -> Response:
    """``/queries``: the canned queries, as a page or JSON."""
    service = service_of(request)
    fmt = choose_format(request.headers.get("accept"), (BY_NAME["html"], BY_NAME["json"]),
                        request.query_params.get("format"))
    if fmt.name == "json":
        return JSONResponse([q.as_dict() for q in service.catalog.values()])
    return html(service.site.queries_page())


async def canned(request: Request) -> Response:
    """``/queries/NAME[.ext]``: the form (run at once when nothing is required), or the answer as data."""
    service = service_of(request)
    name, ext = request.path_params["name"], None
    if "." in name:
        name, ext = name.rsplit(".", 1)
    try:
        query = find_query(service.catalog, name)
    except QueryError as exc:
        raise RequestError(exc.message, 404, hint=exc.hint) from exc
    kind = "graph" if query.kind in ("construct", "describe") else query.kind
    # "run" is the form's submit marker (canned.html), "format" the output override: neither is a parameter
    params = {k: v for k, v in request.query_params.items() if k not in ("format", "run") and v != ""}
    if ext is None and "format" not in request.query_params:
        return await canned_page(request, service, query, params)
    if ext == "rq":  # the query itself, with the PREFIX lines it needs (as in a release's queries/NAME.rq)
        return Response(portable(query.text), media_type="application/sparql-query; charset=utf-8")
    if ext is not None:
        fmt = {"json": BY_NAME["jsonld" if kind == "graph" else "json"]}.get(ext) or by_extension(ext)
        if fmt is None or fmt.name not in {f.name for f in candidates(kind)}:
            raise RequestError(f"no .{ext} variant of this query", 404,
                               hint=f"try .json or .{'ttl' if kind == 'graph' else 'csv'}")
    else:
        fmt = choose_format(request.headers.get("accept"), candidates(kind), request.query_params["format"])
    answer = await service.canned(query, params, fmt)
    return limited(Response(answer.body, media_type=answer.media_type), answer.truncated,
                   service.limits.max_results)


async def canned_page(request: Request, service: Service, query: CannedQuery, params: dict[str, str]) -> Response:
    """The HTML page of a canned query: its form, and its answer once submitted (or nothing is required)."""
    site = service.site
    if not site.ready_to_run(query, params, bool(request.query_params)):
        return html(site.canned_page(query, params))
    try:
        answer = await service.canned(query, params, BY_NAME["ntriples" if query.kind in ("construct", "describe")
                                                             else "json"])
    except DprkError as exc:
        if exc.http_status != 400:
            raise
        return html(site.canned_page(query, params, error=exc), 400)
    results = results_of(answer, query)
    page = await run_in_threadpool(site.canned_page, query, params, results, answer.truncated)
    return limited(html(page), answer.truncated, service.limits.max_results)


def results_of(answer: Rendered, query: CannedQuery) -> Results:
    """Results back from their SPARQL JSON (select, ask) or N-Triples (graphs), to render with labels."""
    if answer.kind == "graph":
        return Results("graph", triples=list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)))
    parsed = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return Results("ask", boolean=bool(parsed))
    variables = [v.value for v in parsed.variables]
    rows = [{v: row[v] for v in variables} for row in parsed]
    return Results("select", variables=variables, rows=rows)
