"""Does an endpoint hold the project's dataset where canned queries look for it (its default graph)?

SPARQL 1.1 Query §13.2 leaves a query's default graph to the service: some stores answer queries
without ``GRAPH`` from their own default graph (Oxigraph and Fuseki/TDB as started by default), others
from the union of all graphs. A canned query on the wrong kind returns 0 rows and no error. Before a
canned query runs on ``--endpoint``, :func:`check_endpoint` asks for one triple of the project's data
(its smallest ``rdf:type`` triple with an IRI subject, from the first data file that has one) in the
default graph, and if it is absent there, in any named graph: then it raises :class:`EndpointError`
naming the store setting (or ``dprk-ld load --layout union``) that fixes it.
"""

from __future__ import annotations

import json

import httpx
import pyoxigraph as ox

from ..errors import EndpointError, LoadError
from ..project import Project

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
STORE_SETTINGS = ("Oxigraph: `oxigraph serve --union-default-graph`; Fuseki/TDB2: `tdb2:unionDefaultGraph true`; "
                  "GraphDB, Virtuoso and QLever show all graphs by default (docs/stores.md)")


def ask(client: httpx.Client, endpoint: str, query: str) -> bool:
    """A SPARQL ASK on ``endpoint`` (SPARQL 1.1 Protocol, POST form); EndpointError when it fails."""
    try:
        response = client.post(endpoint, data={"query": query},
                                headers={"Accept": "application/sparql-results+json"})
        response.raise_for_status()
        return bool(json.loads(response.text)["boolean"])
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise EndpointError(f"the endpoint did not answer an ASK query: {exc}", endpoint,
                            "check that --endpoint is the store's SPARQL query URL") from exc


def probe_triple(project: Project) -> ox.Triple | None:
    """The smallest ``rdf:type`` triple with an IRI subject of the first data file that has one."""
    for file in project.files:
        if file.kind != "data":
            continue
        try:
            triples = [t for t in ox.parse(path=str(file.path), format=ox.RdfFormat.TURTLE,
                                           base_iri=file.path.resolve().as_uri())
                       if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode)
                       and isinstance(t.object, ox.NamedNode)]
        except (SyntaxError, OSError) as exc:
            raise LoadError(f"cannot read the data to check the endpoint: {exc}", file.relpath) from exc
        if triples:
            smallest: ox.Triple = min(triples, key=str)
            return smallest
    return None


def check_endpoint(endpoint: str, project: Project, timeout: float = 30) -> None:
    """Raise :class:`EndpointError` unless the endpoint's default graph holds the project's probe triple."""
    triple = probe_triple(project)
    if triple is None:
        return
    pattern = f"{triple.subject} {triple.predicate} {triple.object}"
    with httpx.Client(timeout=timeout) as client:
        if ask(client, endpoint, f"ASK {{ {pattern} }}"):
            return
        in_named = ask(client, endpoint, f"ASK {{ GRAPH ?g {{ {pattern} }} }}")
    if in_named:
        raise EndpointError(
            "the endpoint holds the dataset in named graphs, but its default graph (what canned queries read) "
            "does not show them: every canned query would return 0 rows", endpoint,
            f"reload with `dprk-ld load --layout union`, or make the store's default graph the union of its "
            f"graphs: {STORE_SETTINGS}")
    raise EndpointError(
        f"the endpoint does not hold this project's dataset ({project.root.resolve()}): it has no "
        f"{pattern}", endpoint, "load it first: dprk-ld load --endpoint URL (or check --endpoint and --project)")
