"""``dprk-ld serve --store URL``: the same public service in front of an external SPARQL 1.1 store.

The service (:mod:`.service`), its guards and limits, the pages and the canned queries are the
embedded server's; two things change, both here:

- :class:`RemoteStore` answers the part of the ``pyoxigraph.Store`` interface the service and the
  site read (``query``, ``quads_for_pattern``, ``named_graphs``, ``__len__``) with SPARQL 1.1
  Protocol requests to the store (:class:`dprk_ld.remote.Endpoint`), and returns pyoxigraph's own
  result values, parsed from the store's answer as it streams in and cut after ``cap`` rows
  (SELECT as TSV, CONSTRUCT/DESCRIBE as N-Triples: line formats, so a cut answer is still valid);
- :class:`StoreModel` is the site's page model over a :class:`RemoteStore`: the reads that would
  scan every quad (the IRIs under a prefix: namespaces, the resources with a page) are SPARQL queries
  that the store filters and makes distinct, and the per-claim reads of the list pages are fetched
  a thousand claims per request; a read with no term and no graph bound is refused, never cut short;
- :class:`RemoteRunner` takes the worker pool's place (same ``start``/``run``/``close``): a client's
  query, already checked by the read-only guard, runs in the store under the service's deadline,
  with at most ``max_concurrent`` in flight and ``queue`` waiting (503 with ``Retry-After`` beyond).
  The store runs it, so the store's own limits apply too (docs/scale.md names them per store).

Every query names its protocol dataset explicitly (``default-graph-uri``/``named-graph-uri``: the
served graphs), so the store's default-graph setting does not matter (docs/stores.md). Nothing is
ever written to the store: the Wikidata-style view, which the embedded server adds as a graph, is
not offered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from ..errors import EndpointError, RequestError, Unavailable
from ..load import Dataset
from ..query.catalog import query_kind
from ..query.text import mask, with_prologue
from ..remote import Endpoint
from ..remote.dataset import open_remote
from ..site.model import CACHE, Model, Term
from .execute import Job, Rendered, run_job

log = logging.getLogger("dprk_ld.serve")
TSV = "text/tab-separated-values"
NTRIPLES = "application/n-triples"
#: subjects per request when the list pages fetch the statements of many claims at once
BATCH = 1_000
_EMPTY = ox.Store()  # parses queries (an empty store answers at once)


def _lines(response: Any, cap: int) -> tuple[bytes, bool]:
    """The first ``cap`` lines of a streamed body (and whether there were more)."""
    out: list[str] = []  # httpx's iter_lines gives text
    for line in response.iter_lines():
        if len(out) >= cap:
            return ("\n".join(out) + "\n").encode("utf-8"), True
        out.append(line)
    return ("\n".join(out) + "\n").encode("utf-8") if out else b"", False


_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<([^<>\s]*)>", re.IGNORECASE)


def _from_clauses(text: str) -> tuple[list[str], list[str]]:
    """The IRIs of a query's ``FROM`` and ``FROM NAMED`` clauses (outside strings and comments)."""
    masked = mask(text)
    dg: list[str] = []
    ng: list[str] = []
    for m in re.finditer(r"\bFROM\b", masked, re.IGNORECASE):
        iri = _FROM.match(text, m.start())
        if iri:
            (ng if iri.group(1) else dg).append(iri.group(2))
    return dg, ng


class RemoteStore:
    """A read-only stand-in for ``pyoxigraph.Store`` over a SPARQL 1.1 query endpoint."""

    def __init__(self, endpoint: Endpoint, graphs: Sequence[str], cap: int = 10_001) -> None:
        self.endpoint = endpoint
        self.graphs = list(graphs)
        self.cap = cap
        self._len: int | None = None

    # ---------------------------------------------------------------- graphs
    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter([ox.NamedNode(g) for g in self.graphs])

    def contains_named_graph(self, graph: Any) -> bool:
        return getattr(graph, "value", None) in self.graphs

    def __len__(self) -> int:
        if self._len is None:
            rows = list(self.endpoint.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                             named_graphs=self.graphs))
            self._len = int(rows[0][0].value) if rows else 0
        return self._len

    # ---------------------------------------------------------------- reads
    def quads_for_pattern(self, s: Any = None, p: Any = None, o: Any = None, g: Any = None) -> list[ox.Quad]:
        """The quads matching a pattern in the served graphs (blank nodes cannot be asked for again)."""
        if any(isinstance(t, ox.BlankNode) for t in (s, p, o)):
            return []
        graphs = [g.value] if isinstance(g, ox.NamedNode) else self.graphs
        if isinstance(g, ox.NamedNode) and g.value not in self.graphs:
            return []
        if s is None and p is None and o is None and g is None:  # what a capped scan got wrong at scale
            raise RequestError("this page would read every quad of the store", 503,
                               hint="query the store through /sparql instead")
        terms = [str(t) if t is not None else v for t, v in ((s, "?s"), (p, "?p"), (o, "?o"))]
        text = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ {' '.join(terms)} }} }}"
        out = []
        for row in self.endpoint.select(text, named_graphs=graphs):
            out.append(ox.Quad(s or row[0], p or row[1], o or row[2], row[3]))
        return out

    def query(self, text: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None,
              default_graph: Sequence[Any] | None = None, named_graphs: Sequence[Any] | None = None,
              use_default_graph_as_union: bool = False, **_: Any) -> Any:
        """Run a query in the store; pyoxigraph's result values (solutions, boolean, triples), at most
        ``cap`` rows or triples of them."""
        # a malformed query gets pyoxigraph's parser message (400) with its line, as on the embedded store
        _EMPTY.query(text, prefixes=prefixes, base_iri=base_iri)
        if prefixes:
            text = with_prologue(text)
        if base_iri:
            text = f"BASE <{base_iri}>\n{text}"
        if default_graph is not None or named_graphs is not None:
            dg = [getattr(x, "value", x) for x in default_graph or ()]
            ng = [getattr(x, "value", x) for x in named_graphs or ()]
        elif use_default_graph_as_union:
            dg, ng = self.graphs, self.graphs
        else:  # the query's own FROM / FROM NAMED, sent as the protocol dataset too: a store with a union
            dg, ng = _from_clauses(text)  # default graph (Oxigraph --union-default-graph) would ignore them
        kind = query_kind(text)
        if kind == "ask":
            return ox.parse_query_results(self._body(text, "application/sparql-results+json", dg, ng)[0],
                                          ox.QueryResultsFormat.JSON)
        if kind == "select":
            body = self._body(text, TSV, dg, ng, lines=self.cap + 1)[0]
            return ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
        body = self._body(text, NTRIPLES, dg, ng, lines=self.cap + 1)[0]
        tmp = ox.Store()
        tmp.extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                    for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)])
        return tmp.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def _body(self, text: str, accept: str, dg: Sequence[str], ng: Sequence[str], lines: int = 0
              ) -> tuple[bytes, bool]:
        ctx, response = self.endpoint._open(text, accept, dg, ng)
        try:
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if media != accept:
                raise EndpointError(f"the store answered {media or 'no content type'}, not {accept}",
                                    self.endpoint.url, "use a store that speaks SPARQL 1.1 TSV and N-Triples")
            return _lines(response, lines) if lines else (response.read(), False)
        finally:
            ctx.__exit__(None, None, None)

    def dump(self, *args: Any, **kwargs: Any) -> None:
        raise EndpointError("the dataset is in an external store: it is not copied", self.endpoint.url)


class StoreModel(Model):
    """The page model (:class:`dprk_ld.site.Model`) over a :class:`RemoteStore`, asking the store only
    for what a page needs.

    The IRIs under a prefix (:meth:`subjects`, :meth:`minted`) come from one query per position,
    grouped in the store before the prefix test (so the store tests each distinct term once, not each
    quad), complete; :meth:`claims` fetches the statements of the claims :data:`BATCH` at a time into
    the model's cache (up to its size), so a list page costs one request per thousand claims, not one
    per claim."""

    def __init__(self, store: RemoteStore, graphs: list[str] | None = None, *, base: str) -> None:
        self.remote = store
        self.fetched: dict[str, tuple[tuple[str, Term], ...]] = {}
        self.asked: set[str] = set()  # subjects fetched in a batch once (read from the model's cache since)
        self.typed: dict[str, tuple[str, ...]] = {}  # subject -> its types, from a batch
        super().__init__(store, graphs, base=base)  # type: ignore[arg-type]  # it stands in for an ox.Store

    def _graphs(self, graphs: list[str] | None = None) -> list[str]:
        served = self.remote.graphs if self.graphs is None else sorted(g.value for g in self.graphs)
        return served if graphs is None else [g for g in graphs if g in served]

    def _iris(self, patterns: tuple[str, ...], prefix: str, graphs: list[str] | None = None) -> list[str]:
        found: set[str] = set()
        names = self._graphs(graphs)
        if not names:
            return []
        for pattern in patterns:
            text = (f"SELECT ?t WHERE {{ {{ SELECT ?t WHERE {{ GRAPH ?g {{ {pattern} }} }} GROUP BY ?t }} "
                    f"FILTER(isIRI(?t) && STRSTARTS(STR(?t), {json.dumps(prefix)})) }}")
            found |= {row[0].value for row in self.remote.endpoint.select(text, named_graphs=names)}
        return sorted(found)

    def subjects(self, prefix: str) -> list[str]:
        return self._iris(("?t ?p ?o",), prefix)

    def subjects_in(self, graphs: Iterable[str], prefix: str) -> list[str]:
        return self._iris(("?t ?p ?o",), prefix, list(graphs))

    def minted(self, prefix: str) -> list[str]:
        return self._iris(("?t ?p ?o", "?s ?t ?o", "?s ?p ?t"), prefix)

    def _out(self, s: str) -> tuple[tuple[str, Term], ...]:
        got = self.fetched.pop(s, None)
        return got if got is not None else super()._out(s)

    def _fetch(self, subjects: list[str]) -> None:
        """The statements of ``subjects`` (IRIs), :data:`BATCH` per request, for :meth:`_out` to hand over."""
        if len(self.fetched) > 2 * CACHE or len(self.asked) > 8 * CACHE:  # bounded: fetched again if asked again
            self.fetched.clear()
            self.asked.clear()
        todo = [x for x in subjects if x not in self.asked]
        self.asked.update(todo)
        for i in range(0, len(todo), BATCH):
            chunk = todo[i:i + BATCH]
            pairs: dict[str, set[tuple[str, Term]]] = {c: set() for c in chunk}
            text = (f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {' '.join(f'<{c}>' for c in chunk)} }} "
                    f"GRAPH ?g {{ ?s ?p ?o }} }}")
            for row in self.remote.endpoint.select(text, named_graphs=self._graphs()):
                pairs[row[0].value].add((row[1].value, row[2]))
            for c, po in pairs.items():
                self.fetched[c] = tuple(sorted(po, key=lambda x: (x[0], str(x[1]))))

    def claims(self) -> list[str]:
        """As the model's; the statements of the first :data:`CACHE` claims and of the citations and
        quantities they own are fetched in batches (the list pages and the search index read them all)."""
        found = super().claims()
        first = found[:CACHE]
        self._fetch(first)
        owned = (self.id + "citation/", self.id + "quantity/")
        self._fetch(sorted({o.value for c in first for _, o in self.fetched.get(c, ())
                            if isinstance(o, ox.NamedNode) and o.value.startswith(owned)})[:CACHE])
        return found

    def _inc(self, o: str) -> tuple[tuple[str, str], ...]:
        """As the model's, and with it the types of every subject pointing at ``o`` (one query: a page
        tells the claims naming an entity from the rest by their types) and the statements of the first
        :data:`BATCH` of them (the ones a page lists by label)."""
        pairs = super()._inc(o)
        subjects = sorted({x for x, _ in pairs if not x.startswith("_:")})
        if len(subjects) > 1:
            text = (f"SELECT DISTINCT ?s ?t WHERE {{ GRAPH ?g {{ ?s ?p <{o}> }} GRAPH ?h {{ ?s a ?t }} "
                    f"FILTER(isIRI(?s) && isIRI(?t)) }}")
            if len(self.typed) > 8 * CACHE:  # bounded: a type not kept is read with the subject's statements
                self.typed.clear()
            typed: dict[str, set[str]] = {x: set() for x in subjects}
            for row in self.remote.endpoint.select(text, named_graphs=self._graphs()):
                typed.setdefault(row[0].value, set()).add(row[1].value)
            for x, ts in typed.items():
                self.typed.setdefault(x, tuple(sorted(ts, key=lambda t: f"<{t}>")))
            self._fetch(subjects[:BATCH])
        return pairs

    def types(self, s: str) -> list[str]:
        known = self.typed.get(s)
        return list(known) if known is not None else super().types(s)


class RemoteRunner:
    """The worker pool's stand-in: jobs run in the store, ``max_concurrent`` at a time, under a deadline."""

    def __init__(self, store: RemoteStore, timeout_s: float, max_concurrent: int, queue: int) -> None:
        self.store, self.timeout_s = store, timeout_s
        self.limit = max_concurrent + queue
        self.busy = 0
        self.executor = ThreadPoolExecutor(max_concurrent, thread_name_prefix="dprk-store")

    async def start(self) -> None:
        return None

    async def run(self, job: Job) -> Rendered:
        if self.busy >= self.limit:
            raise Unavailable(f"the server is busy: {self.busy} queries are running or waiting for the store",
                              retry_after=max(1, int(self.timeout_s)))
        self.busy += 1
        try:
            # [arg-type]: the RemoteStore stands in for an ox.Store (it has the calls run_job makes)
            work = asyncio.get_running_loop().run_in_executor(
                self.executor, lambda: run_job(self.store, job, math.inf, threading.Event()))  # type: ignore[arg-type]
            return await asyncio.wait_for(work, self.timeout_s)
        except asyncio.TimeoutError:
            raise Unavailable(f"the store did not answer within the time limit of {self.timeout_s:g} s",
                              retry_after=1, hint="make the query more selective (a LIMIT, fewer OPTIONALs)") from None
        finally:
            self.busy -= 1

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def store_dataset(url: str, project: Any = None, *, timeout_s: float = 10.0, cap: int = 10_001) -> Dataset:
    """The dataset in the store at ``url`` as the service reads it: a :class:`Dataset` whose store is a
    :class:`RemoteStore` over the store's graphs of ours (the project gives files, queries and file:line)."""
    remote = open_remote(url, (), project, timeout=max(timeout_s, 1.0), page_size=0, retries=2)
    store = RemoteStore(remote.endpoint, remote.remote_graphs, cap)
    files = {g: f for g, f in remote.files.items() if g in remote.remote_graphs} or remote.files
    # [arg-type]: the RemoteStore stands in for an ox.Store (it has the calls the service makes on a dataset's store)
    return Dataset(remote.project, store, files, remote.quads)  # type: ignore[arg-type]


__all__ = ["RemoteRunner", "RemoteStore", "StoreModel", "store_dataset"]
