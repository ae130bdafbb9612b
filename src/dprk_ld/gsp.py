"""Push a dataset into an external store with the SPARQL 1.1 Graph Store HTTP Protocol.

Implements SPARQL 1.1 Graph Store HTTP Protocol (W3C Recommendation, 2013) §5.3 (HTTP PUT with
indirect graph identification, ``?graph=IRI``; ``?default`` for the default graph): each file's
named graph replaces the graph of the same IRI in the store, sent as N-Triples. The first refusal
stops the load; the error names the graphs written and those not written, so a partial load is
never reported as success.

Stores differ on what a query without ``GRAPH`` sees (SPARQL 1.1 Query §13.2 leaves the default
graph to the service): Oxigraph and Fuseki/TDB by default the store's own default graph, GraphDB,
Virtuoso and QLever the union of all graphs (docs/stores.md). Canned queries read the default graph,
so ``layout`` decides what else is written:

- ``named``: the named graphs only (for a store whose default graph is the union of its graphs);
- ``union``: also the union of all files (distinct triples) as the default graph, replacing it;
- ``auto`` (the default): a probe graph with one unique triple is PUT, and the default graph is
  written only if the store's default graph does not already show that triple (the probe is deleted).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pyoxigraph as ox

from .errors import EndpointError
from .formats import written
from .load import Dataset
from .query.holds import ask

NTRIPLES = "application/n-triples"
LAYOUTS = ("auto", "union", "named")


@dataclass(frozen=True)
class GraphPush:
    graph: str
    triples: int
    status: int

DEFAULT_GRAPH = "(default graph)"  # GraphPush.graph of the default graph


@dataclass(frozen=True)
class LoadResult:
    """What a load wrote: the pushes in order, and whether (and why) the default graph was written."""

    pushes: list[GraphPush]
    default_graph: str  # "written" | "not written: ..." (why)

    @property
    def quads(self) -> int:
        return sum(p.triples for p in self.pushes if p.graph != DEFAULT_GRAPH)




def graph_store_for(endpoint: str) -> str:
    """The usual Graph Store URL next to a query endpoint (Oxigraph ``/query`` → ``/store``,
    Fuseki ``/ds/sparql`` or ``/ds/query`` → ``/ds/data``); raises EndpointError if there is none."""
    base = endpoint.split("?")[0].rstrip("/")
    head, _, last = base.rpartition("/")
    if last == "query" and head.count("/") <= 2:  # http://host:port/query: the Oxigraph server
        return head + "/store"
    if last in ("sparql", "query"):
        return head + "/data"
    raise EndpointError("cannot guess the Graph Store URL for this endpoint", endpoint,
                        "pass --graph-store URL (Oxigraph: http://HOST:7878/store, Fuseki: .../DATASET/data)")


def _first_lines(text: str, n: int = 5) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()][:n]
    return "\n    ".join(lines) if lines else "(empty body)"


def push(dataset: Dataset, graph_store: str, *, timeout: float = 60.0,
         progress: Callable[[int, int, GraphPush], None] | None = None,
         client: httpx.Client | None = None) -> list[GraphPush]:
    """PUT every named graph of ``dataset`` to ``graph_store``; returns what was written, in order.

    Raises :class:`EndpointError` at the first failure, listing written and unwritten graphs.
    """
    own = client is None
    client = client or httpx.Client(timeout=timeout)
    try:
        return _push_named(dataset, graph_store, client, progress)
    finally:
        if own:
            client.close()


def load(dataset: Dataset, endpoint: str, graph_store: str, *, layout: str = "auto", timeout: float = 60.0,
         progress: Callable[[int, int, GraphPush], None] | None = None) -> LoadResult:
    """``dprk-ld load``: the named graphs, then the default graph as ``layout`` says (module docstring)."""
    if layout not in LAYOUTS:
        raise EndpointError(f"unknown layout {layout!r}", hint=f"use one of {', '.join(LAYOUTS)}")
    with httpx.Client(timeout=timeout) as client:
        done = _push_named(dataset, graph_store, client, progress)
        if layout == "named":
            return LoadResult(done, "not written: --layout named (the store's default graph must be the union "
                                    "of its graphs for canned queries; see docs/stores.md)")
        if layout == "auto" and _default_graph_is_union(client, endpoint, graph_store):
            return LoadResult(done, "not written: the store's default graph already is the union of its graphs")
        body = _union_ntriples(dataset)
        try:
            response = client.put(graph_store + ("&" if "?" in graph_store else "?") + "default", content=body,
                                  headers={"Content-Type": NTRIPLES})  # GSP §4.2: ?default, no value
        except httpx.HTTPError as exc:
            raise EndpointError(f"cannot reach the graph store: {exc}", graph_store) from exc
        if not response.is_success:
            raise EndpointError(f"PUT of the default graph was refused: HTTP {response.status_code} "
                                f"{response.reason_phrase}\n    {_first_lines(response.text)}", graph_store,
                                "the named graphs are written; pass --layout named if the store's default graph "
                                "is the union of its graphs (docs/stores.md)")
        pushed = GraphPush(DEFAULT_GRAPH, body.count(b"\n"), response.status_code)
        if progress:
            progress(len(done) + 1, len(done) + 1, pushed)
        return LoadResult([*done, pushed], "written (the union of all files, distinct triples)")


def _union_ntriples(dataset: Dataset) -> bytes:
    """Every distinct triple of the files' graphs, as N-Triples."""
    graphs = " ".join(f"<{g}>" for g in sorted(dataset.files))
    result = dataset.store.query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
                                 f"VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }} }}")
    assert isinstance(result, ox.QueryTriples)  # a CONSTRUCT
    return written(result.serialize(format=ox.RdfFormat.N_TRIPLES))


def _default_graph_is_union(client: httpx.Client, endpoint: str, graph_store: str) -> bool:
    """PUT a probe graph with one unique triple, ASK whether the default graph shows it, delete the probe."""
    token = uuid.uuid4().hex
    graph = f"urn:dprk-ld:probe:{token}"
    triple = f"<urn:dprk-ld:probe:{token}> <urn:dprk-ld:probe> \"{token}\" ."
    try:
        response = client.put(graph_store, params={"graph": graph}, content=(triple + "\n").encode(),
                              headers={"Content-Type": NTRIPLES})
    except httpx.HTTPError as exc:
        raise EndpointError(f"cannot reach the graph store: {exc}", graph_store) from exc
    if not response.is_success:
        raise EndpointError(f"the probe graph was refused: HTTP {response.status_code}", graph_store)
    try:
        return ask(client, endpoint, f"ASK {{ {triple[:-2]} }}")
    finally:
        try:
            client.delete(graph_store, params={"graph": graph})
        except httpx.HTTPError:
            pass  # the probe graph stays; it holds one triple of our own namespace


def _push_named(dataset: Dataset, graph_store: str, client: httpx.Client,
                progress: Callable[[int, int, GraphPush], None] | None) -> list[GraphPush]:
    graphs = sorted(dataset.files)
    done: list[GraphPush] = []
    for index, graph in enumerate(graphs, 1):
        node = ox.NamedNode(graph)
        body = written(dataset.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node))
        triples = body.count(b"\n")
        try:
            response = client.put(graph_store, params={"graph": graph}, content=body,
                                  headers={"Content-Type": NTRIPLES})
        except httpx.HTTPError as exc:
            raise _failure(graph_store, graphs, done, f"cannot reach the graph store: {exc}") from exc
        if not response.is_success:
            raise _failure(graph_store, graphs, done,
                           f"PUT <{graph}> was refused: HTTP {response.status_code} "
                           f"{response.reason_phrase}\n    {_first_lines(response.text)}")
        result = GraphPush(graph, triples, response.status_code)
        done.append(result)
        if progress:
            progress(index, len(graphs), result)
    return done


def _failure(url: str, graphs: list[str], done: list[GraphPush], message: str) -> EndpointError:
    written = {d.graph for d in done}
    missing = [g for g in graphs if g not in written]
    detail = (f"{message}\n  written ({len(done)} of {len(graphs)}): "
              + (", ".join(d.graph for d in done) or "none")
              + f"\n  NOT written ({len(missing)}): " + ", ".join(missing))
    return EndpointError(detail, url, "the store now holds a partial copy; fix the cause and run "
                                      "`dprk-ld load` again (each graph is replaced, so re-running is safe)")
