"""The web service: a read-only SPARQL 1.1 Protocol endpoint with linked-data pages.

Implements SPARQL 1.1 Protocol (query operation, §2.1) and SPARQL 1.1 Service Description at
``/sparql``, content negotiation per RFC 9110 §12.5.1 (:func:`dprk_ld.formats.negotiate`), the
W3C "Cool URIs" / Linked Data practice for ``/id/...`` and ``/ontology``, CORS (Fetch standard)
and Datasette-style canned-query pages at ``/queries/NAME``. :func:`create_app` builds one
Starlette app around one already-loaded :class:`~dprk_ld.load.Dataset`; nothing is reloaded per
request.

Limits (defaults below, all configurable): queries run under a deadline (``timeout_s``, then 503)
in at most ``max_concurrent`` worker threads, as :mod:`dprk_ld.serve.execute` describes (with the
shortcuts that keep small queries cheap). Results beyond ``max_results`` rows (or triples) are cut
off and the response says so in ``X-Result-Truncated: true`` and ``X-Result-Limit``. Bodies above
``max_body`` bytes get 413.

The store may hold named graphs besides the project's files — the Wikidata-style view
(:func:`dprk_ld.wikidata.add_wikidata_view`, graph ``.../graph/wikidata-view``) when
``wikidata_view=True``. ``/sparql`` treats them as part of the dataset (in the union default graph,
allowed in FROM, listed in the service description); canned queries and the index counts see the
project's files only, so they answer as ``dprk-ld query`` does.

``serve(..., workers=N)`` runs N uvicorn worker processes; each loads the dataset itself, so memory
grows by one dataset per worker (about 60 MB for the bundled one).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
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

from ..errors import DprkError, NotAcceptable, QueryError, RequestError
from ..formats import BY_NAME, Format, by_extension, by_media_type, negotiate
from ..load import Dataset
from ..namespaces import ID, ONTOLOGY_IRI, PREFIXES
from ..query import Results, find_query, prepare
from ..query.catalog import CannedQuery, load_catalog
from ..query.render import render
from . import pages
from .execute import DEFAULT_INLINE_UNDER_S, Answer, Runner, execute
from .protocol import QueryCheck, check_query, parse_request

log = logging.getLogger("dprk_ld.serve")

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_MAX_BODY = 1_048_576
DEFAULT_MAX_CONCURRENT = 4
CONFIG_ENV = "DPRK_LD_SERVE_CONFIG"
TRUNCATED_HEADER = "X-Result-Truncated"
LIMIT_HEADER = "X-Result-Limit"

SELECT_FORMATS = tuple(BY_NAME[n] for n in ("json", "xml", "csv", "tsv", "html"))
ASK_FORMATS = tuple(BY_NAME[n] for n in ("json", "xml", "html", "csv", "tsv"))
GRAPH_FORMATS = tuple(BY_NAME[n] for n in ("turtle", "ntriples", "jsonld", "rdfxml", "html"))
PAGE_FORMATS = tuple(BY_NAME[n] for n in ("html", "turtle", "jsonld", "ntriples", "rdfxml"))


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


def _media(fmt: Format) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


def _answer(answer: Answer, fmt: Format | None, accept: str | None, requested: str | None,
            **page: Any) -> Response:
    """The response for an answer: pyoxigraph's body as is, or :class:`Results` rendered."""
    if fmt is None:  # the tokeniser did not see the form; the parser accepted it anyway
        fmt = choose_format(accept, _candidates(answer.kind), requested)
    if answer.body is not None and fmt.oxigraph is not None:
        return Response(answer.body, media_type=_media(fmt))
    assert answer.results is not None
    return _payload(answer.results, fmt, **page)


def _payload(results: Results, fmt: Format, **page: Any) -> Response:
    if fmt.name == "html":
        return Response(pages.results_page(results, **page), media_type="text/html; charset=utf-8")
    if results.kind == "select" and fmt.name == "json":  # render's indented JSON is 3x slower
        from ..query.render import _json_term

        bindings = [{v: _json_term(t) for v, t in row.items() if t is not None} for row in results.rows]
        body: str | bytes = json.dumps({"head": {"vars": results.variables}, "results": {"bindings": bindings}},
                                       ensure_ascii=False, separators=(",", ":"))
    else:
        body = render(results, fmt.name)
    return Response(body, media_type=_media(fmt))


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
               max_concurrent: int = DEFAULT_MAX_CONCURRENT, inline_under_s: float = DEFAULT_INLINE_UNDER_S,
               wikidata_view: bool = False) -> Starlette:
    """The ASGI app serving ``dataset`` (loaded once, shared read-only by every request).

    ``wikidata_view=True`` first adds the Wikidata-style view to ``dataset.store`` as its own named graph.
    """
    store = dataset.store
    if wikidata_view:
        from ..wikidata.view import VIEW_GRAPH, add_wikidata_view

        if not store.contains_named_graph(ox.NamedNode(VIEW_GRAPH)):
            add_wikidata_view(dataset)
    graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    files = sorted(dataset.files)
    # canned queries and counts: the project's files only, even when the store holds more (the view)
    own: dict[str, Any] = ({"use_default_graph_as_union": True} if graphs <= set(files) else
                           {"default_graph": [ox.NamedNode(g) for g in files],
                            "named_graphs": [ox.NamedNode(g) for g in files]})
    catalog = load_catalog(dataset.project) if dataset.project.queries else {}
    runner = Runner(timeout_s, max_concurrent, inline_under_s)
    site = pages.Site(dataset, catalog, limits={"timeout_s": timeout_s, "max_results": max_results,
                                                 "max_body": max_body, "max_concurrent": max_concurrent},
                      graphs=sorted(graphs), query_options=own)
    checks: dict[tuple[str, str], QueryCheck] = {}

    def checked(text: str, base: str) -> QueryCheck:
        """check_query, remembered (the dataset's graphs never change while the app runs)."""
        key = (text, base)
        check = checks.get(key)
        if check is None:
            check = check_query(text, graphs, base, PREFIXES)
            if len(checks) >= 4096:
                checks.clear()
            checks[key] = check
        return check

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
        check = checked(parsed.query, endpoint)
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
        bounded = check.limit is not None and check.limit <= max_results
        key = ("sparql", parsed.query, endpoint, parsed.default_graph_uris, parsed.named_graph_uris,
               fmt.name if fmt else None)
        answer = await runner.run(partial(execute, store, parsed.query, options, max_results, fmt=fmt,
                                          bounded=bounded), key)
        response = _answer(answer, fmt, accept, parsed.format, query=parsed.query, truncated=answer.truncated,
                           limit=max_results)
        response.headers["Vary"] = "Accept"
        return limited(response, answer.truncated)

    async def run_canned(query: CannedQuery, params: dict[str, str], fmt: Format | None) -> Answer:
        try:
            text = prepare(query, params)
        except QueryError as exc:  # ParameterError: a bad parameter value
            raise RequestError(exc.message, 400, exc.location, exc.hint) from exc
        check = checked(text, "")
        bounded = check.limit is not None and check.limit <= max_results
        key = ("canned", query.name, tuple(sorted(params.items())), fmt.name if fmt else None)
        return await runner.run(partial(execute, store, text, {**own, "prefixes": PREFIXES}, max_results,
                                        fmt=fmt, bounded=bounded, where=f"queries/{query.name}.rq"), key)

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
        # "run" is the form's submit marker (canned.html), "format" the output override: neither is a parameter
        params = {k: v for k, v in request.query_params.items() if k not in ("format", "run") and v != ""}
        if ext is None and "format" not in request.query_params:
            if not site.ready_to_run(query, params, bool(request.query_params)):
                return Response(site.canned_page(query, params), media_type="text/html; charset=utf-8")
            try:
                answer = await run_canned(query, params, None)
            except DprkError as exc:
                if exc.http_status != 400:
                    raise
                return Response(site.canned_page(query, params, error=exc), status_code=400,
                                media_type="text/html; charset=utf-8")
            page = site.canned_page(query, params, results=answer.results, truncated=answer.truncated)
            return limited(Response(page, media_type="text/html; charset=utf-8"), answer.truncated)
        if ext is not None:
            fmt = {"json": BY_NAME["jsonld" if kind == "graph" else "json"]}.get(ext) or by_extension(ext)
            if fmt is None or fmt not in _candidates(kind):
                raise RequestError(f"no .{ext} variant of this query", 404,
                                   hint=f"try .json or .{'ttl' if kind == 'graph' else 'csv'}")
        else:
            fmt = choose_format(request.headers.get("accept"), _candidates(kind), request.query_params["format"])
        answer = await run_canned(query, params, fmt)
        return limited(_answer(answer, fmt, None, None, query=query.text, truncated=answer.truncated,
                               limit=max_results), answer.truncated)

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


def serve(dataset: Dataset, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    """Serve ``dataset`` with uvicorn (one process) until interrupted; ``options`` go to :func:`create_app`."""
    import uvicorn

    uvicorn.run(create_app(dataset, **options), host=host, port=port, log_level="info", loop="auto",
                http="auto")


def serve_project(project_dir: Path | None, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
                  **options: Any) -> None:
    """Load the project and serve it; ``workers`` > 1 starts that many uvicorn worker processes, each
    loading the dataset itself (memory grows by one loaded dataset per worker)."""
    if workers <= 1:
        from ..load import load_project

        serve(load_project(project_dir), host=host, port=port, **options)
        return
    import uvicorn

    from ..project import find_project

    find_project(project_dir)  # a wrong --project fails here, once, not in every worker
    os.environ[CONFIG_ENV] = json.dumps({"project": str(project_dir) if project_dir else None, **options})
    uvicorn.run("dprk_ld.serve.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                log_level="info")


def app_from_environment() -> Starlette:
    """The app of one uvicorn worker process: the project and options from ``DPRK_LD_SERVE_CONFIG``."""
    from ..load import load_project

    config = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    project = config.pop("project", None)
    dataset = load_project(Path(project) if project else None)
    log.info("worker %d serves %d triples", os.getpid(), dataset.triples)
    return create_app(dataset, **config)


__all__ = ["create_app", "serve", "serve_project", "app_from_environment", "execute", "choose_format", "Runner",
           "ONTOLOGY_IRI"]
