"""Shapes as read from the shapes graph (SHACL §2: shapes, targets, severity, messages, deactivation).

:func:`read_shape` gives a :class:`Shape`: its SHACL parameters (every ``sh:`` predicate, grouped),
path, severity, message and a stable key. :func:`target_parts` gives the SPARQL of its targets (§2.1.3).
Which parameters the engine understands is the component registry's business
(:mod:`dprk_ld.shacl.components`), not this module's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from . import sparql as q
from .terms import SH_NS, is_true, path_sparql, shape_key, sparql_term

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: parameters that are no constraint (annotations, targets, shape metadata)
PASSIVE = {*TARGETS, SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order,
           SH.group, SH.defaultValue}
#: ``member(class_iri, var)``: a pattern true when ``var`` is an instance of the class or of a subclass
Member = Callable[[str, str], str]


@dataclass
class Shape:
    node: Node
    key: str
    path: str | None  # SPARQL property path
    severity: str
    message: str | None
    deactivated: bool
    params: dict[URIRef, list[Node]] = field(default_factory=dict)

    def one(self, p: URIRef) -> Node | None:
        v = self.params.get(p)
        return v[0] if v else None


def read_shape(g: Graph, node: Node) -> Shape:
    """The shape ``node`` of the shapes graph ``g``."""
    params: dict[URIRef, list[Node]] = {}
    for p, o in g.predicate_objects(node):
        if isinstance(p, URIRef) and str(p).startswith(SH_NS):
            params.setdefault(p, []).append(o)
    path = path_sparql(g, params[SH.path][0]) if SH.path in params else None
    msgs = sorted(str(m) for m in params.get(SH.message, []))
    sev = params.get(SH.severity, [SH.Violation])[0]
    deactivated = params.get(SH.deactivated)
    deact = is_true(deactivated[0] if deactivated else None)
    return Shape(node, shape_key(g, node), path, str(sev), msgs[0] if msgs else None, deact, params)


def top_level(g: Graph) -> list[Node]:
    """The shapes with targets (explicit, or implicit class targets, §2.1.3.3), in a stable order."""
    nodes = {n for t in TARGETS for n in g.subjects(t, None)}
    for kind in (SH.NodeShape, SH.PropertyShape):
        nodes |= {n for n in g.subjects(RDF.type, kind) if (n, RDF.type, RDFS.Class) in g}
    return sorted(nodes, key=str)


def target_parts(g: Graph, s: Shape, member: Member, wrap: bool = True
                 ) -> tuple[list[Callable[[str], str]], str | None]:
    """The target patterns of a top-level shape, each ``var -> pattern``; and the class when the shape
    has exactly one target, a class target (its focus is then the class's node set as is)."""
    parts: list[Callable[[str], str]] = []
    classes = [str(c) for c in s.params.get(SH.targetClass, [])]
    if (s.node, RDF.type, RDFS.Class) in g:
        classes.append(str(s.node))
    for c in dict.fromkeys(classes):
        parts.append(lambda var, c=c: q.group(member(c, var)))  # type: ignore[misc]  # mypy infers no lambda with a default
    nodes = [sparql_term(n, wrap) for n in s.params.get(SH.targetNode, [])]
    if nodes:
        parts.append(lambda var: q.group(q.values(var, nodes)))
    for p in map(sparql_term, s.params.get(SH.targetSubjectsOf, [])):
        parts.append(lambda var, p=p: q.group(q.triple(var, p, "?__o")))  # type: ignore[misc]  # (as above)
    for p in map(sparql_term, s.params.get(SH.targetObjectsOf, [])):
        parts.append(lambda var, p=p: q.group(q.triple("?__s", p, var)))  # type: ignore[misc]  # (as above)
    return parts, (classes[0] if len(parts) == 1 and classes else None)
