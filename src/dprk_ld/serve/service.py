"""The state of one running service: the dataset, its pages, its limits and how queries are run.

:class:`Service` is what every route reads (``request.app.state.service``); it holds nothing a
request changes except bounded caches. It decides the protocol dataset of a query (SPARQL 1.1
Protocol §2.1.4: ``default-graph-uri``/``named-graph-uri``, else the query's FROM, else the union of
the dataset's graphs; canned queries see the project's files only) and hands a :class:`Job` to the
worker pool (:mod:`dprk_ld.serve.pool`): no client's query runs in the server process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, Refused, RequestError
from ..formats import Format
from ..load import Dataset
from ..namespaces import PREFIXES
from ..query import prepare
from ..query.catalog import CannedQuery, load_catalog
from ..query.guard import DEFAULT_BOUNDS, Bounds, QueryCheck, check_query
from ..site import Model
from . import pages
from .cache import ByteLRU
from .execute import Job, Rendered
from .pool import WorkerPool
from .protocol import ParsedRequest
from .store import RemoteRunner, RemoteStore, StoreModel

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_MAX_BODY = 1_048_576
DEFAULT_MAX_CONCURRENT = 4
DEFAULT_CACHE_BYTES = 8 * 1024 * 1024
DEFAULT_MEMORY_MB = 1024
DEFAULT_QUEUE = 32


@dataclass(frozen=True)
class Limits:
    """The service's bounds (docs/serve.md lists them with their defaults)."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_results: int = DEFAULT_MAX_RESULTS
    max_body: int = DEFAULT_MAX_BODY
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    memory_mb: int = DEFAULT_MEMORY_MB
    queue: int = DEFAULT_QUEUE
    cache_bytes: int = DEFAULT_CACHE_BYTES
    bounds: Bounds = DEFAULT_BOUNDS

    def as_dict(self) -> dict[str, Any]:
        return {"timeout_s": self.timeout_s, "max_results": self.max_results, "max_body": self.max_body,
                "max_concurrent": self.max_concurrent, "memory_mb": self.memory_mb, "queue": self.queue,
                "max_query_chars": self.bounds.max_chars, "max_depth": self.bounds.max_depth}


class Service:
    """One dataset served: pages, canned queries, the graphs a query may name, and the query runner."""

    def __init__(self, dataset: Dataset, limits: Limits) -> None:
        self.dataset = dataset
        self.limits = limits
        store = dataset.store
        self.graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        self.files = tuple(sorted(dataset.files))
        # canned queries and counts: the project's files only, even when the store holds more (the view)
        self.own_union = self.graphs <= set(self.files)
        self.catalog: dict[str, CannedQuery] = load_catalog(dataset.project) if dataset.project.queries else {}
        # the data in an external store (serve --store): pages read it through their own model
        self.site = pages.LivePages(dataset, self.catalog, limits.as_dict(), sorted(self.graphs),
                                    StoreModel if isinstance(store, RemoteStore) else Model)
        self.checks: ByteLRU[QueryCheck] = ByteLRU(limits.cache_bytes)
        self.pool: WorkerPool | RemoteRunner
        if isinstance(store, RemoteStore):  # queries run in the store
            store.cap = limits.max_results + 1
            self.pool = RemoteRunner(store, limits.timeout_s, limits.max_concurrent, limits.queue)
        else:
            self.pool = WorkerPool(lambda path: store.dump(path, format=ox.RdfFormat.N_QUADS),
                                   limits.max_concurrent, limits.timeout_s, limits.memory_mb, limits.queue)

    def check(self, text: str, base: str) -> QueryCheck:
        """:func:`check_query`, remembered in a byte-bounded cache (the graphs never change while serving)."""
        key = (text, base)
        check = self.checks.get(key)
        if check is None:
            check = check_query(text, self.graphs, base, PREFIXES, self.limits.bounds)
            self.checks.put(key, check)
        return check

    def bounded(self, check: QueryCheck) -> bool:
        return check.limit is not None and check.limit <= self.limits.max_results

    def dataset_of(self, parsed: ParsedRequest) -> None:
        """Refuse a protocol dataset (``default-graph-uri``, ``named-graph-uri``) outside the store's graphs,
        as FROM and FROM NAMED are refused (403)."""
        for iri in parsed.default_graph_uris + parsed.named_graph_uris:
            if iri not in self.graphs:
                raise Refused(f"<{iri[:200]}> is not a graph of this dataset; the server fetches nothing",
                              hint="list the dataset's graphs with SELECT DISTINCT ?g { GRAPH ?g {} }")

    async def sparql(self, parsed: ParsedRequest, endpoint: str, fmt: Format | None, check: QueryCheck,
                     accept: str | None) -> Rendered:
        """Answer a protocol query (already checked) in ``fmt`` (None: the query form decides)."""
        assert parsed.query is not None
        dataset = bool(parsed.default_graph_uris or parsed.named_graph_uris)
        job = Job(parsed.query, self.limits.max_results, fmt.name if fmt else None, accept, parsed.format,
                  base_iri=endpoint, union=not check.has_dataset,
                  default_graph=parsed.default_graph_uris if dataset else None,
                  named_graphs=parsed.named_graph_uris if dataset else None,
                  bounded=self.bounded(check), page=(("query", parsed.query), ("base", self.site.links.iris.base)))
        return await self.pool.run(job)

    async def canned(self, query: CannedQuery, params: dict[str, str], fmt: Format | None) -> Rendered:
        """Run a canned query with its parameters bound; ``fmt`` None: an HTML table for its page."""
        try:
            text = prepare(query, params)
        except QueryError as exc:  # ParameterError: a bad parameter value
            raise RequestError(exc.message, 400, exc.location, exc.hint) from exc
        check = self.check(text, "")
        files = None if self.own_union else self.files
        job = Job(text, self.limits.max_results, fmt.name if fmt else "html", union=True,
                  default_graph=files, named_graphs=files, bounded=self.bounded(check),
                  where=f"queries/{query.name}.rq",
                  page=(("title", query.title), ("base", self.site.links.iris.base)))
        return await self.pool.run(job)

    def close(self) -> None:
        self.pool.close()
