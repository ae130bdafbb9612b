"""The web service: a read-only SPARQL 1.1 Protocol endpoint with linked-data pages.

Implements SPARQL 1.1 Protocol (query operation, §2.1) and SPARQL 1.1 Service Description at
``/sparql``, content negotiation per RFC 9110 §12.5.1 (:func:`dprk_ld.formats.negotiate`), the
W3C "Cool URIs" / Linked Data practice for ``/id/...`` and ``/ontology``, CORS (Fetch standard)
and Datasette-style canned-query pages at ``/queries/NAME``. :func:`create_app` builds one
Starlette app around one already-loaded :class:`~dprk_ld.load.Dataset`; nothing is reloaded per
request.

Limits (defaults below, all configurable): a query runs in a bounded pool of worker threads
(``max_concurrent``); waiting for a slot counts against ``timeout_s``. When the deadline passes the
client gets 503 at once and the worker stops at the next solution it reads; pyoxigraph cannot
cancel a query inside one step (a big sort or aggregate before the first row), so such a query
runs on in its thread and keeps its slot until it ends — runaway queries therefore cannot pile
up beyond ``max_concurrent``, and while all slots are taken new queries get 503 after
``timeout_s``. Results beyond ``max_results`` rows (or triples) are cut off and the response says
so in ``X-Result-Truncated: true`` and ``X-Result-Limit``. Bodies above ``max_body`` bytes get 413.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import pages
from .catalog import CannedQuery, load_catalog
from .errors import DprkError, NotAcceptable, QueryError, RequestError
from .formats import BY_NAME, Format, by_extension, by_media_type, negotiate
from .load import Dataset
from .namespaces import ID, ONTOLOGY_IRI, PREFIXES
from .protocol import check_query, parse_request
from .query import Results, bind, find_query, run_sparql, syntax_error
from .render import render

log = logging.getLogger("dprk_ld.serve")

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_MAX_BODY = 1_048_576
DEFAULT_MAX_CONCURRENT = 4
TRUNCATED_HEADER = "X-Result-Truncated"
LIMIT_HEADER = "X-Result-Limit"

SELECT_FORMATS = tuple(BY_NAME[n] for n in ("json", "xml", "csv", "tsv", "html"))
ASK_FORMATS = tuple(BY_NAME[n] for n in ("json", "xml", "html", "csv", "tsv"))
GRAPH_FORMATS = tuple(BY_NAME[n] for n in ("turtle", "ntriples", "jsonld", "rdfxml", "html"))
PAGE_FORMATS = tuple(BY_NAME[n] for n in ("html", "turtle", "jsonld", "ntriples", "rdfxml"))


class _Cancelled(Exception):
    """The deadline passed while a worker was reading results; nobody waits for them any more."""


class Runner:
    """Runs blocking query work in at most ``max_concurrent`` threads, each under a deadline."""

    def __init__(self, timeout_s: float, max_concurrent: int) -> None:
        self.timeout_s = timeout_s
        self.max_concurrent = max_concurrent
        self.executor = ThreadPoolExecutor(max_workers=max_concurrent, thread_name_prefix="dprk-sparql")
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.max_concurrent))
        return self._slots[1]

    async def run(self, work: Callable[[float, threading.Event], Any]) -> Any:
        """``work(deadline, cancelled)`` in a worker thread; 503 when no slot frees or time runs out."""
        slots = self._semaphore()
        deadline = time.monotonic() + self.timeout_s
        try:
            await asyncio.wait_for(slots.acquire(), self.timeout_s)
        except asyncio.TimeoutError:
            raise RequestError(f"the server is busy: all {self.max_concurrent} query slots stayed taken for "
                               f"{self.timeout_s:g} s", 503, hint="retry later") from None
        cancelled = threading.Event()
        future = asyncio.get_running_loop().run_in_executor(self.executor, work, deadline, cancelled)

        def done(fut: asyncio.Future[Any]) -> None:
            slots.release()
            if not fut.cancelled():
                fut.exception()  # retrieved, so an abandoned failure is not logged as unhandled

        future.add_done_callback(done)
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(deadline - time.monotonic(), 0.001))
        except asyncio.TimeoutError:
            cancelled.set()
            raise RequestError(f"the query ran longer than the time limit of {self.timeout_s:g} s", 503,
                               hint="make it more selective (a LIMIT, fewer OPTIONALs) or run it on a "
                                    "store of your own (`dprk-ld load`)") from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def execute(store: ox.Store, text: str, options: dict[str, Any], cap: int, deadline: float,
            cancelled: threading.Event) -> tuple[Results, bool]:
    """Run a query, reading at most ``cap`` rows/triples and stopping when the deadline passes.

    Returns the results and whether they were truncated at the cap.
    """
    result: Any = None
    item: Any = None
    try:
        result = store.query(text, **options)
        if isinstance(result, ox.QueryBoolean):
            return Results("ask", boolean=bool(result)), False
        items: list[Any] = []
        truncated = False
        is_graph = isinstance(result, ox.QueryTriples)
        variables = [] if is_graph else [v.value for v in result.variables]
        for item in result:
            if cancelled.is_set() or time.monotonic() > deadline:
                raise _Cancelled()
            if len(items) >= cap:
                truncated = True
                break
            items.append(item if is_graph else {v: item[v] for v in variables})
    except SyntaxError as exc:
        raise syntax_error(exc) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query failed: {exc}") from exc
    finally:
        # pyoxigraph's result iterators are bound to this thread: drop them here, not wherever a
        # traceback holding this frame ends up
        result = item = None
    if is_graph:
        return Results("graph", triples=items), truncated
    return Results("select", variables, items), truncated


def _canned_work(dataset: Dataset, query: CannedQuery, params: dict[str, str], deadline: float,
                 cancelled: threading.Event) -> Results:
    return run_sparql(dataset, query.text, bind(query, params), where=f"queries/{query.name}.rq")


def choose_format(accept: str | None, candidates: tuple[Format, ...], requested: str | None = None) -> Format:
    """The response format: ``requested`` (``?format=``, a name or media type) if it fits this response,
    else the best for Accept (clients such as SPARQLWrapper send both); None of them -> 406."""
    if requested:
        fmt = BY_NAME.get(requested.lower()) or by_media_type(requested)
        if fmt in candidates:
            return fmt
    fmt = negotiate(accept, candidates)
    if fmt is None:
        raise NotAcceptable(f"none of the accepted media types ({accept}) can be produced here",
                            hint=f"accept one of {', '.join(f.media_type for f in candidates)}")
    return fmt


def _candidates(kind: str) -> tuple[Format, ...]:
    return {"select": SELECT_FORMATS, "ask": ASK_FORMATS}.get(kind, GRAPH_FORMATS)


def _payload(results: Results, fmt: Format, **page: Any) -> Response:
    if fmt.name == "html":
        return Response(pages.results_page(results, **page), media_type="text/html; charset=utf-8")
    body = render(results, fmt.name)
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(body, media_type=media)


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


def error_response(request: Request, status: int, message: str, location: str | None = None,
                   hint: str | None = None) -> Response:
    """One rendering of every error: JSON, HTML or plain text according to Accept."""
    accept = (request.headers.get("accept") or "").lower()
    if "json" in accept and "text/html" not in accept:
        return JSONResponse({"status": status, "error": message, "location": location, "hint": hint},
                            status_code=status)
    if "text/html" in accept:
        return Response(pages.error_page(status, message, location, hint), status_code=status,
                        media_type="text/html; charset=utf-8")
    text = f"{location}: {message}" if location else message
    if hint:
        text += f"\nhint: {hint}"
    return PlainTextResponse(text + "\n", status_code=status)


def create_app(dataset: Dataset, *, timeout_s: float = DEFAULT_TIMEOUT_S,
               max_results: int = DEFAULT_MAX_RESULTS, max_body: int = DEFAULT_MAX_BODY,
               max_concurrent: int = DEFAULT_MAX_CONCURRENT) -> Starlette:
    """The ASGI app serving ``dataset`` (loaded once, shared read-only by every request)."""
    store = dataset.store
    graphs = frozenset(dataset.files)
    catalog = load_catalog(dataset.project) if dataset.project.queries else {}
    runner = Runner(timeout_s, max_concurrent)
    site = pages.Site(dataset, catalog, limits={"timeout_s": timeout_s, "max_results": max_results,
                                                 "max_body": max_body, "max_concurrent": max_concurrent})

    def limited(response: Response, truncated: bool) -> Response:
        response.headers[LIMIT_HEADER] = str(max_results)
        if truncated:
            response.headers[TRUNCATED_HEADER] = "true"
        return response

    async def sparql(request: Request) -> Response:
        body = await _read_body(request, max_body) if request.method == "POST" else b""
        parsed = parse_request(request.method, request.headers.get("content-type"), request.url.query, body,
                               max_body=max_body)
        endpoint = str(request.url.replace(query="", fragment=""))
        accept = request.headers.get("accept")
        if parsed.query is None:
            fmt = choose_format(accept, PAGE_FORMATS, parsed.format)
            if fmt.name == "html":
                return Response(site.query_form_page(), media_type="text/html; charset=utf-8")
            return _payload(Results("graph", triples=site.service_description(endpoint)), fmt)
        check = check_query(parsed.query, graphs, endpoint, PREFIXES)
        fmt = choose_format(accept, _candidates(check.form), parsed.format) if check.form else None
        options: dict[str, Any] = {"base_iri": endpoint, "prefixes": PREFIXES}
        if parsed.default_graph_uris or parsed.named_graph_uris:
            try:
                options["default_graph"] = [ox.NamedNode(u) for u in parsed.default_graph_uris]
                options["named_graphs"] = [ox.NamedNode(u) for u in parsed.named_graph_uris]
            except ValueError as exc:
                raise RequestError(f"invalid graph IRI: {exc}", 400) from exc
        elif not check.has_dataset:
            options["use_default_graph_as_union"] = True
        results, truncated = await runner.run(partial(execute, store, parsed.query, options, max_results))
        if fmt is None:  # the tokeniser did not see the form; the parser accepted it anyway
            fmt = choose_format(accept, _candidates(results.kind), parsed.format)
        response = _payload(results, fmt, query=parsed.query, truncated=truncated, limit=max_results)
        response.headers["Vary"] = "Accept"
        return limited(response, truncated)

    async def index(request: Request) -> Response:
        return Response(site.index_page(), media_type="text/html; charset=utf-8")

    async def queries(request: Request) -> Response:
        fmt = choose_format(request.headers.get("accept"), (BY_NAME["html"], BY_NAME["json"]),
                            request.query_params.get("format"))
        if fmt.name == "json":
            return JSONResponse([q.as_dict() for q in catalog.values()])
        return Response(site.queries_page(), media_type="text/html; charset=utf-8")

    async def canned(request: Request) -> Response:
        name = request.path_params["name"]
        ext = None
        if "." in name:
            name, ext = name.rsplit(".", 1)
        try:
            query = find_query(catalog, name)
        except QueryError as exc:
            raise RequestError(exc.message, 404, hint=exc.hint) from exc
        kind = "graph" if query.kind in ("construct", "describe") else query.kind
        params = {k: v for k, v in request.query_params.items() if k != "format" and v != ""}
        if ext is None and "format" not in request.query_params:
            if not site.ready_to_run(query, params, bool(request.query_params)):
                return Response(site.canned_page(query, params), media_type="text/html; charset=utf-8")
            try:
                results = await runner.run(partial(_canned_work, dataset, query, params))
            except QueryError as exc:
                if exc.http_status != 400:
                    raise
                return Response(site.canned_page(query, params, error=exc), status_code=400,
                                media_type="text/html; charset=utf-8")
            truncated = _cut(results, max_results)
            page = site.canned_page(query, params, results=results, truncated=truncated)
            return limited(Response(page, media_type="text/html; charset=utf-8"), truncated)
        if ext is not None:
            fmt = {"json": BY_NAME["jsonld" if kind == "graph" else "json"]}.get(ext) or by_extension(ext)
            if fmt is None or fmt not in _candidates(kind):
                raise RequestError(f"no .{ext} variant of this query", 404,
                                   hint=f"try .json or .{'ttl' if kind == 'graph' else 'csv'}")
        else:
            fmt = choose_format(request.headers.get("accept"), _candidates(kind), request.query_params["format"])
        results = await runner.run(partial(_canned_work, dataset, query, params))
        truncated = _cut(results, max_results)
        return limited(_payload(results, fmt, query=query.text, truncated=truncated, limit=max_results),
                       truncated)

    async def resource(request: Request) -> Response:
        rest = request.path_params["rest"]
        iri, fmt = ID + rest, None
        if not site.exists(iri) and "." in rest:
            stem, ext = rest.rsplit(".", 1)
            fmt = by_extension(ext)
            if fmt is not None and fmt.kind in ("rdf", "page") and fmt in PAGE_FORMATS:
                iri = ID + stem
        if not site.exists(iri):
            raise RequestError(f"no resource <{ID + rest}> in this dataset", 404,
                               hint="browse from the index page, or list resources with SPARQL")
        fmt = fmt or choose_format(request.headers.get("accept"), PAGE_FORMATS)
        if fmt.name == "html":
            page = await run_in_threadpool(site.resource_page, iri)
            response = Response(page, media_type="text/html; charset=utf-8")
        else:
            triples = await run_in_threadpool(site.resource_triples, iri)
            response = _payload(Results("graph", triples=triples), fmt)
        response.headers["Vary"] = "Accept"
        return response

    async def ontology(request: Request) -> Response:
        ext = request.path_params.get("ext")
        fmt = by_extension(ext) if ext else choose_format(request.headers.get("accept"), PAGE_FORMATS)
        if fmt is None or fmt not in PAGE_FORMATS:
            raise RequestError(f"no .{ext} variant of the ontology", 404, hint="try .ttl or .jsonld")
        if fmt.name == "html":
            return Response(site.ontology_page(), media_type="text/html; charset=utf-8")
        response = _payload(Results("graph", triples=site.ontology_triples()), fmt)
        response.headers["Vary"] = "Accept"
        return response

    async def dprk_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DprkError)
        return error_response(request, exc.http_status, exc.message, exc.location, exc.hint)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(request, exc.status_code, str(exc.detail))

    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, f"internal error ({type(exc).__name__}): this is a bug in dprk-ld",
                              hint="please report it with the request that caused it")

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/queries", queries, methods=["GET"]),
        Route("/queries/{name}", canned, methods=["GET"]),
        Route("/id/{rest:path}", resource, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
        Route("/ontology.{ext}", ontology, methods=["GET"]),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["*"], expose_headers=[TRUNCATED_HEADER, LIMIT_HEADER])]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        runner.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={DprkError: dprk_error, HTTPException: http_error, Exception: bug})
    app.state.dataset = dataset
    app.state.runner = runner
    return app


def _cut(results: Results, cap: int) -> bool:
    """Truncate materialised results to ``cap`` rows/triples; True if anything was cut."""
    if results.kind == "graph" and results.triples is not None and len(results.triples) > cap:
        results.triples = results.triples[:cap]
        return True
    if results.kind == "select" and len(results.rows) > cap:
        results.rows = results.rows[:cap]
        return True
    return False


def serve(dataset: Dataset, host: str = "127.0.0.1", port: int = 8000, **limits: Any) -> None:
    """Serve ``dataset`` with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(dataset, **limits), host=host, port=port, log_level="info")


__all__ = ["create_app", "serve", "execute", "choose_format", "Runner", "ONTOLOGY_IRI"]
