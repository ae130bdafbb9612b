"""The web service: a read-only SPARQL 1.1 Protocol endpoint with linked-data pages.

:func:`create_app` builds one Starlette app around one already-loaded
:class:`~dprk_ld.load.Dataset` (nothing is reloaded per request): the routes of
:mod:`dprk_ld.serve.routes`, CORS (Fetch standard, so YASGUI can query it), and one mapping of
errors to HTTP statuses (:mod:`dprk_ld.errors`: 4xx for the client's mistakes, 5xx for limits and
our bugs). Limits: :class:`~dprk_ld.serve.service.Limits` (docs/serve.md).

The store may hold named graphs besides the project's files — the Wikidata-style view
(:func:`dprk_ld.wikidata.add_wikidata_view`, graph ``.../graph/wikidata-view``) when
``wikidata_view=True``. ``/sparql`` treats them as part of the dataset (in the union default graph,
allowed in FROM, listed in the service description); canned queries and the index counts see the
project's files only, so they answer as ``dprk-ld query`` does.

``serve(..., workers=N)`` runs N uvicorn worker processes; each loads the dataset itself, so memory
grows by one dataset per worker.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import DprkError, Unavailable
from ..load import Dataset
from ..namespaces import ONTOLOGY_IRI
from ..query.guard import DEFAULT_BOUNDS, Bounds
from ..reconciliation.http import routes as reconciliation_routes
from . import http, linked, routes
from .hardening import HEADER_TIMEOUT_ENV, HEADER_TIMEOUT_S, MAX_HEADER_BYTES, GuardedH11Protocol, SecurityHeaders
from .negotiation import choose_format
from .responses import LIMIT_HEADER, TRUNCATED_HEADER, error_response
from .service import (
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_MAX_RESULTS,
    DEFAULT_MEMORY_MB,
    DEFAULT_QUEUE,
    DEFAULT_TIMEOUT_S,
    Limits,
    Service,
)

log = logging.getLogger("dprk_ld.serve")

CONFIG_ENV = "DPRK_LD_SERVE_CONFIG"

ROUTES = [
    Route("/sparql", routes.sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    Route("/queries", routes.queries, methods=["GET"]),
    Route("/queries/{name}", routes.canned, methods=["GET"]),
]
#: every other path under the base: a minted IRI (303 to a document), a document, the site's pages; mounted last
LINKED_DATA = [Route("/", linked.dereference, methods=["GET"]),
               Route("/{path:path}", linked.dereference, methods=["GET"])]
#: the methods each path answers (Allow on 405); HEAD comes with every GET
ALLOWED = {"/sparql": "GET, HEAD, POST, OPTIONS"}


def allow(request: Request) -> dict[str, str]:
    return {"Allow": ALLOWED.get(request.url.path, "GET, HEAD, OPTIONS")}


async def dprk_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DprkError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Unavailable) else None
    if exc.http_status == 405:
        headers = allow(request)
    return error_response(request, exc.http_status, exc.message, exc.location, exc.hint, headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers.update(allow(request))
    return error_response(request, exc.status_code, str(exc.detail), headers=headers)


async def bug(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, f"internal error ({type(exc).__name__}): this is a bug in dprk-ld",
                          hint="please report it with the request that caused it")


def create_app(dataset: Dataset, *, timeout_s: float = DEFAULT_TIMEOUT_S,
               max_results: int = DEFAULT_MAX_RESULTS, max_body: int = DEFAULT_MAX_BODY,
               max_concurrent: int = DEFAULT_MAX_CONCURRENT, memory_mb: int = DEFAULT_MEMORY_MB,
               queue: int = DEFAULT_QUEUE, bounds: Bounds = DEFAULT_BOUNDS,
               wikidata_view: bool = False) -> Starlette:
    """The ASGI app serving ``dataset`` (loaded once, shared read-only by every request).

    ``wikidata_view=True`` first adds the Wikidata-style view to ``dataset.store`` as its own named graph.
    """
    if wikidata_view and isinstance(dataset.store, ox.Store):  # never written into an external store
        from ..wikidata.view import add_wikidata_view, view_graph

        if not dataset.store.contains_named_graph(ox.NamedNode(view_graph(dataset))):
            add_wikidata_view(dataset, view_graph(dataset))
    service = Service(dataset, Limits(timeout_s, max_results, max_body, max_concurrent, memory_mb, queue,
                                      bounds=bounds))
    # SecurityHeaders innermost: it hashes the inline blocks of the HTML body before compression
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                             expose_headers=[TRUNCATED_HEADER, LIMIT_HEADER, "ETag", "Link", "Location"]),
                  *http.middleware(dataset_modified(dataset)), Middleware(SecurityHeaders)]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.pool.start()  # every worker up before the first request
        yield
        service.close()

    app = Starlette(routes=[*ROUTES, *reconciliation_routes(dataset), *LINKED_DATA],  # /reconcile: docs/reconcile.md
                    middleware=middleware, lifespan=lifespan,
                    exception_handlers={DprkError: dprk_error, HTTPException: http_error, Exception: bug})
    app.state.service = service
    app.state.dataset = dataset
    app.state.pool = service.pool
    return app


def dataset_modified(dataset: Dataset) -> float:
    """When the served data last changed: the newest modification time of the project's files."""
    times = [f.path.stat().st_mtime for f in dataset.files.values() if f.path.exists()]
    return max(times, default=0.0)


#: uvicorn's connection-level limits (docs/serve.md): connections, keep-alive, head size and time
MAX_CONNECTIONS = 256


def uvicorn_options(max_connections: int = MAX_CONNECTIONS,
                    header_timeout_s: float = HEADER_TIMEOUT_S) -> dict[str, Any]:
    """Connection limits for uvicorn: a connection cap (503 beyond it), 5 s keep-alive, the request head
    bounded in size (431) and in time (408) by :class:`GuardedH11Protocol`."""
    os.environ[HEADER_TIMEOUT_ENV] = str(header_timeout_s)
    GuardedH11Protocol.header_timeout_s = header_timeout_s
    return {"http": GuardedH11Protocol, "limit_concurrency": max_connections, "timeout_keep_alive": 5,
            "h11_max_incomplete_event_size": 2 * MAX_HEADER_BYTES, "timeout_graceful_shutdown": 5,
            "server_header": False, "log_level": "info"}


def serve(dataset: Dataset, host: str = "127.0.0.1", port: int = 8000, max_connections: int = MAX_CONNECTIONS,
          header_timeout_s: float = HEADER_TIMEOUT_S, **options: Any) -> None:
    """Serve ``dataset`` with uvicorn (one process) until interrupted; ``options`` go to :func:`create_app`."""
    import uvicorn

    uvicorn.run(create_app(dataset, **options), host=host, port=port,
                **uvicorn_options(max_connections, header_timeout_s))


def serve_project(project_dir: Path | None, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
                  max_connections: int = MAX_CONNECTIONS, header_timeout_s: float = HEADER_TIMEOUT_S,
                  store: str | None = None, **options: Any) -> None:
    """Load the project and serve it; ``workers`` > 1 starts that many uvicorn worker processes, each
    loading the dataset itself and keeping its own query workers. ``store``: serve the dataset in this
    SPARQL store instead (:mod:`.store`; the project, unless the bundled one, gives files and queries)."""
    if store:
        from ..project import ORIGIN_BUNDLED, find_project
        from .store import store_dataset

        project = find_project(project_dir)
        dataset = store_dataset(store, None if project.origin == ORIGIN_BUNDLED else project,
                                timeout_s=options.get("timeout_s", DEFAULT_TIMEOUT_S),
                                cap=options.get("max_results", DEFAULT_MAX_RESULTS) + 1)
        serve(dataset, host=host, port=port, max_connections=max_connections, header_timeout_s=header_timeout_s,
              **options)
        return
    if workers <= 1:
        from ..load import load_project

        serve(load_project(project_dir), host=host, port=port, max_connections=max_connections,
              header_timeout_s=header_timeout_s, **options)
        return
    import uvicorn

    from ..project import find_project

    find_project(project_dir)  # a wrong --project fails here, once, not in every worker
    os.environ[CONFIG_ENV] = json.dumps({"project": str(project_dir) if project_dir else None, **options})
    uvicorn.run("dprk_ld.serve.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                **uvicorn_options(max_connections, header_timeout_s))


def app_from_environment() -> Starlette:
    """The app of one uvicorn worker process: the project and options from ``DPRK_LD_SERVE_CONFIG``."""
    from ..load import load_project

    config = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    project = config.pop("project", None)
    dataset = load_project(Path(project) if project else None)
    log.info("worker %d serves %d triples", os.getpid(), dataset.triples)
    return create_app(dataset, **config)


__all__ = ["create_app", "serve", "serve_project", "app_from_environment", "choose_format", "uvicorn_options",
           "HEADER_TIMEOUT_S", "ONTOLOGY_IRI"]
