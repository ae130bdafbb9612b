"""The fallback: pyshacl (the reference) for what the compiler cannot handle (SHACL §3 by pyshacl).

The data graphs are exported from the store and pyshacl validates the given top-level shapes
alone: every other top-level shape loses its targets.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
import pyshacl
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from .results import Fallback, ShaclResult, results_from_pyshacl
from .shapes import TARGETS, top_level
from .terms import from_ox


def export(store: ox.Store, graphs: list) -> Graph:
    """The given graphs of ``store`` as one rdflib graph (wrapped datatypes unwrapped)."""
    g = Graph()
    for gr in graphs:
        for t in store.quads_for_pattern(None, None, None, gr):
            g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return g


def only_shapes(shapes: Graph, keep: list[str]) -> Graph:
    """A copy of ``shapes`` in which only the top-level shapes named in ``keep`` still have targets."""
    sg = Graph()
    for t in shapes:
        sg.add(t)
    for n in top_level(shapes):
        if str(n) not in keep:
            for t in TARGETS:
                sg.remove((n, t, None))  # type: ignore[arg-type]
            sg.remove((n, RDF.type, RDFS.Class))  # type: ignore[arg-type]
    return sg


def run_fallback(v: object, todo: list[Fallback]) -> list[ShaclResult]:
    """pyshacl on the validator ``v``'s data for the shapes of ``todo`` (their cost is recorded)."""
    start = time.perf_counter()
    store, graphs, ontology, shapes = v.store, v.graphs, v.ontology, v.g  # type: ignore[attr-defined]
    data = export(store, graphs)
    ont = export(store, [ox.NamedNode(ontology)]) if ontology else None
    sg = only_shapes(shapes, [f.shape for f in todo])
    _, rg, _ = pyshacl.validate(data, shacl_graph=sg, ont_graph=ont, inference="none")
    results = results_from_pyshacl(rg)  # type: ignore[arg-type]
    for f in todo:
        f.seconds = (time.perf_counter() - start) / len(todo)
        f.triples = len(data)
    return results
