"""The fallback: pyshacl (the reference) for the constraints the compiler cannot handle (SHACL §3).

Only those constraints, and only on their focus nodes' neighbourhood:

- shapes: a copy of the shapes graph in which every top-level shape loses its targets but the
  ones holding a deferred constraint; along each deferred constraint's chain (top-level shape, then
  the ``sh:property`` shapes down to the constraint) only the chain's links, the shapes' path,
  severity, message and deactivation, and the deferred constraint itself stay. Shapes off the chains
  (members of logical constraints) are kept whole.
- data: the triples within a few hops (out and in) of the focus nodes the engine already
  materialised, plus the class hierarchy; the whole data when a chain has a closure path
  (``*``/``+``) or a SHACL-SPARQL constraint (which may read anything).

Each :class:`~dprk_ld.shacl.results.Fallback` gets the cost: seconds, focus nodes and triples handed over.
"""

from __future__ import annotations

import time
import uuid
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from .components import REGISTRY
from .plan import Deferred
from .results import Fallback, ShaclResult, results_from_pyshacl
from .shapes import TARGETS, Shape, top_level
from .terms import SH_NS, GraphName, from_ox, solutions

#: parameters a shape on a chain keeps (besides its chain link and deferred constraints)
_STRUCTURE = {SH.path, SH.severity, SH.message, SH.deactivated, RDF.type, *TARGETS}
HAS = ox.NamedNode("urn:x-fastshacl:has")
#: a pyoxigraph term
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class Host(Protocol):
    """What the fallback reads of the validator whose deferred constraints it runs (``engine.Validator``)."""

    store: ox.Store
    graphs: list[GraphName]
    ontology: str | None
    g: Graph
    focus_sets: dict[Node, str]
    sets_graph: ox.NamedNode

    def shape(self, node: Node) -> Shape: ...


def prune(shapes: Graph, deferred: list[Deferred]) -> Graph:
    """The shapes graph pyshacl gets: only the deferred constraints (see the module's docstring)."""
    tops = {d.chain[0] for d in deferred}
    keep: dict[Node, set[tuple[Node, Node]]] = {}
    whole: set[Node] = set()
    for d in deferred:
        for parent, child in zip(d.chain, d.chain[1:], strict=False):
            keep.setdefault(parent, set()).add((SH.property, child))
            if d.param == SH.qualifiedValueShape:  # sh:qualifiedValueShapesDisjoint reads the siblings
                keep[parent] |= {(SH.property, o) for o in shapes.objects(parent, SH.property)}
        holder = d.chain[-1]
        keep.setdefault(holder, set())
        if d.param == SH.target:  # the whole shape
            whole.add(holder)
        else:
            objs = shapes.objects(holder, d.param) if d.arg is None else [d.arg]
            keep[holder] |= {(d.param, o) for o in objs}
            for extra in _extras(shapes, d.param):
                keep[holder] |= {(extra, o) for o in shapes.objects(holder, extra)}
    sg = Graph()
    for prefix, ns in shapes.namespaces():  # pyshacl writes its messages with the shapes' prefixes
        sg.bind(prefix, ns, override=True, replace=True)
    for t in shapes:
        sg.add(t)
    for n in top_level(shapes):
        if n not in tops:
            for target in TARGETS:
                sg.remove((n, target, None))
            sg.remove((n, RDF.type, RDFS.Class))
    for node, kept in keep.items():
        if node in whole:
            continue
        for p, o in list(sg.predicate_objects(node)):
            if p not in _STRUCTURE and (p, o) not in kept:
                sg.remove((node, p, o))
    return sg


def _extras(shapes: Graph, param: URIRef) -> list[URIRef]:
    """The other parameters a constraint reads: a Core component's extras, a declared component's parameters."""
    c = REGISTRY.get(param)
    if c is not None:
        return list(c.extra)
    return [p for par in shapes.objects(param, SH.parameter) if isinstance(p := shapes.value(par, SH.path), URIRef)]


def _depth(shapes: Graph, node: Node | None, seen: frozenset[Node] = frozenset()) -> int:
    """How deep shapes nest below ``node`` (sh:property, sh:node, logical lists ...), at most 8."""
    if node in seen or len(seen) > 8 or not isinstance(node, (URIRef, BNode)):
        return 0
    below = [o for p, o in shapes.predicate_objects(node) if p != RDF.type and isinstance(o, (URIRef, BNode))]
    return 1 + max((_depth(shapes, o, seen | {node}) for o in below), default=0)


def _needs_all(v: Host, deferred: list[Deferred]) -> bool:
    """A chain with a closure path or a SHACL-SPARQL constraint: no bounded neighbourhood."""
    for d in deferred:
        if d.param in (SH.sparql, SH.target) or not str(d.param).startswith(SH_NS):
            return True
        for node in d.chain:
            s = v.shape(node)
            if s.path is not None and ("*" in s.path or "+" in s.path):
                return True
    return False


def neighbourhood(v: Host, deferred: list[Deferred]) -> tuple[Graph, int]:
    """The data pyshacl needs for ``deferred``, and the number of focus nodes it starts from."""
    store, graphs = v.store, v.graphs
    sets = [v.focus_sets[d.chain[0]] for d in deferred if d.chain[0] in v.focus_sets]
    g = Graph()
    if _needs_all(v, deferred) or len(sets) < len(deferred):
        for gr in graphs:
            for quad in store.quads_for_pattern(None, None, None, gr):
                g.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        return g, -1
    shapes = v.g
    hops = 2 + max(sum((v.shape(n).path or "").count("<") for n in d.chain)
                   + _depth(shapes, d.arg) for d in deferred)
    work = ox.NamedNode(f"urn:x-fastshacl:hood:{uuid.uuid4().hex}")
    frontier = ox.NamedNode(f"urn:x-fastshacl:hood-set:{uuid.uuid4().hex}")
    sg = v.sets_graph.value
    seed = " ".join(f"<{k}>" for k in sets)
    store.update(f"INSERT {{ GRAPH <{work.value}> {{ <{frontier.value}> <{HAS.value}> ?x }} }} "
                 f"WHERE {{ GRAPH <{sg}> {{ ?k <{HAS.value}> ?x VALUES ?k {{ {seed} }} }} }}")
    n_focus = len(list(store.quads_for_pattern(frontier, HAS, None, work)))
    seen: set[tuple[Term, Term, Term]] = set()
    try:
        for _ in range(hops):
            q = (f"SELECT ?s ?p ?o WHERE {{ GRAPH <{work.value}> {{ <{frontier.value}> <{HAS.value}> ?x }} "
                 f"{{ ?x ?p ?o BIND(?x AS ?s) }} UNION {{ ?s ?p ?x BIND(?x AS ?o) }} }}")
            new: set[Term] = set()
            for row in solutions(store.query(q, default_graph=graphs)):
                t = (row[0], row[1], row[2])
                if t not in seen:
                    seen.add(t)
                    new.update(x for x in (t[0], t[2]) if not isinstance(x, ox.Literal))
            store.remove_graph(work)
            store.extend([ox.Quad(frontier, HAS, x, work) for x in new])
        for row in solutions(store.query(f"SELECT ?s ?o WHERE {{ ?s <{RDFS.subClassOf}> ?o }}", default_graph=graphs)):
            seen.add((row[0], ox.NamedNode(str(RDFS.subClassOf)), row[1]))
    finally:
        store.remove_graph(work)
    for s, p, o in seen:
        g.add((from_ox(s), from_ox(p), from_ox(o)))
    return g, n_focus


_QUALIFIED = {SH_NS + "QualifiedMinCountConstraintComponent", SH_NS + "QualifiedMaxCountConstraintComponent"}


def _wanted(v: Host, deferred: list[Deferred], r: ShaclResult) -> bool:
    """A pyshacl result of one of the deferred constraints (not of a shape kept only for context)."""
    for d in deferred:
        if d.param in (SH.target, SH.property):  # a whole shape, or a recursive subtree
            return True
        if r.source_shape != v.shape(d.chain[-1]).key:
            continue
        c = REGISTRY.get(d.param)
        comps = {str(d.param)} if c is None else {c.iri}
        if d.param == SH.qualifiedValueShape:
            comps |= _QUALIFIED
        if r.component in comps:
            return True
    return False


def run_fallback(v: Host, deferred: list[Deferred], records: list[Fallback]) -> list[ShaclResult]:
    """pyshacl on the deferred constraints of validator ``v`` (costs written into ``records``)."""
    import pyshacl  # here, not at the top: a run with nothing deferred never needs it (0.14 s of import)

    start = time.perf_counter()
    store, ontology, shapes = v.store, v.ontology, v.g
    data, n_focus = neighbourhood(v, deferred)
    ont = None
    if ontology:
        ont = Graph()
        for t in store.quads_for_pattern(None, None, None, ox.NamedNode(ontology)):
            ont.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    _, rg, _ = pyshacl.validate(data, shacl_graph=prune(shapes, deferred), ont_graph=ont, inference="none",
                                advanced=True, allow_warnings=True, allow_infos=True)
    results = [r for r in results_from_pyshacl(rg) if _wanted(v, deferred, r)]
    secs = time.perf_counter() - start
    for r in records:
        r.seconds, r.focus_nodes, r.triples = secs / len(records), n_focus, len(data)
    return results
