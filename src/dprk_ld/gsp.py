"""Push a dataset into an external store with the SPARQL 1.1 Graph Store HTTP Protocol.

Implements SPARQL 1.1 Graph Store HTTP Protocol (W3C Recommendation, 2013) §5.3 (HTTP PUT with
indirect graph identification, ``?graph=IRI``): each file's named graph replaces the graph of the
same IRI in the store, sent as N-Triples. The first refusal stops the load; the error names the
graphs written and those not written, so a partial load is never reported as success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pyoxigraph as ox

from .errors import EndpointError
from .load import Dataset

NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class GraphPush:
    graph: str
    triples: int
    status: int


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
    graphs = sorted(dataset.files)
    done: list[GraphPush] = []
    own = client is None
    client = client or httpx.Client(timeout=timeout)
    try:
        for index, graph in enumerate(graphs, 1):
            node = ox.NamedNode(graph)
            body = dataset.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
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
    finally:
        if own:
            client.close()
    return done


def _failure(url: str, graphs: list[str], done: list[GraphPush], message: str) -> EndpointError:
    written = {d.graph for d in done}
    missing = [g for g in graphs if g not in written]
    detail = (f"{message}\n  written ({len(done)} of {len(graphs)}): "
              + (", ".join(d.graph for d in done) or "none")
              + f"\n  NOT written ({len(missing)}): " + ", ".join(missing))
    return EndpointError(detail, url, "the store now holds a partial copy; fix the cause and run "
                                      "`dprk-ld load` again (each graph is replaced, so re-running is safe)")
